"""Reading blog posts as prose: front matter, markdown to sentences, dates, places, names.

The post parser (``parsers/post.py``) finds the event a conference announcement, recap or
lineup post is about. The readers here are pure and small:

- ``frontmatter``: YAML ``---`` / TOML ``+++`` front matter and the post's own date;
- ``markup``: markdown to blocks (headings, paragraphs, list items) of plain text with links;
- ``dates``: dates the way people write them ("October 12th to 13th, 2023", "12–13 October",
  "This March"), resolved against a year or the post date;
- ``places``: cities and virtual events in prose, through the offline gazetteer;
- ``names``: event names ("EuroRust 2023", "Rust Leads Summit") in titles and text.
"""
