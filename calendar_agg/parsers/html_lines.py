"""Rendered HTML -> the markdown-like lines that ``parsers.twir.parse_lines`` reads.

The site renders its markdown with python-markdown, so the HTML of an issue is
headings, lists, paragraphs, links and bold. This module turns it back into the
shape the line parser reads, one ``(line_number, text)`` pair per line:

* ``<hN>`` -> ``"#" * N + " " + text``
* ``<li>`` -> ``"* " + text``, indented 4 spaces per enclosing list beyond the
  first; a second block inside an item (``<p>``, text after a ``<br>``) becomes
  a line indented like the item's content, without a bullet
* ``<a href>`` -> ``[text](href)``, ``<strong>``/``<b>`` -> ``**text**``,
  ``<em>``/``<i>`` -> ``_text_``, ``<code>`` -> ```text```; other inline markup
  is reduced to its text, whitespace runs (newlines too) to one space
* ``<p>``, ``<div>`` and other blocks -> their text, one line per source line
  outside lists (as the markdown had them); ``<pre>`` -> a fenced block
* a blank line after each top-level paragraph, heading, list and code block,
  as in the markdown source

The line number of a line is the HTML source line where its text starts: the
line of the element that starts it (lxml's ``sourceline``, capped at 65535 by
libxml2) or of the ``<br>`` before it, plus the newlines of the text read since
that element (newlines inside tags and comments are not counted until the next
element corrects the count). Numbers are relative to the HTML given: a feed entry's content
counts from 1.

The site template around an issue page is stripped: only the
``<article class="post-content">`` (else the first ``<article>``, ``<main>``,
``<body>``) is converted.
The issue parsers (page and feed) convert only from the article's first block
that names the upcoming events on (``tree_to_lines(..., events_only=True)``).

Tolerance: lxml's HTML parser repairs unclosed and misnested tags; the walk
below uses an explicit stack, so depth costs no Python recursion, and runs in
time linear in the document. libxml2 stops parsing at 2048 levels of nesting;
then the document is parsed again without its layout-only tags (``div``,
``span``...), then without all but the essential ones (lists become flat), and
if that is still too deep the rest is lost; ``parse_html`` returns a warning
for the last two cases. Inline markup costs time proportional to its depth, so
the work is at most linear times 2048.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from lxml import etree

from calendar_agg.parsers.sniff import EVENTS_TITLE

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
# Blocks that start a line of their own (their text is one paragraph).
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "address", "figure", "figcaption", "details", "summary", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "caption", "form", "fieldset", "center",
        "body", "html",
    }
)  # fmt: skip
# Inline markup kept in markdown form: tag -> (opening, closing) marker.
INLINE_MARKERS = {
    "strong": ("**", "**"),
    "b": ("**", "**"),
    "em": ("_", "_"),
    "i": ("_", "_"),
    "code": ("`", "`"),
    "kbd": ("`", "`"),
    "tt": ("`", "`"),
    "samp": ("`", "`"),
    # struck through (a renderer's strikethrough extension): a cancelled entry, a moved date
    "del": ("~~", "~~"),
    "s": ("~~", "~~"),
    "strike": ("~~", "~~"),
}
# Elements whose content is not text of the issue.
SKIPPED_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "math",
     "select", "textarea", "button"}
)  # fmt: skip
# Tags only for layout: dropped when a document is too deeply nested for libxml2.
LAYOUT_TAG = re.compile(
    r"</?(?:div|span|section|font|center|small|big|sub|sup|u|s|ins|del|mark|abbr|"
    r"header|footer|aside|nav|main|figure|details|summary)\b[^>]*>",
    re.IGNORECASE,
)
# Every tag but the few the line parser needs: the last try for a too deeply nested document.
NON_ESSENTIAL_TAG = re.compile(
    r"<(?!/?(?:a|strong|b|em|i|code|h[1-6]|p|li|br|pre)\b)/?[a-z][^>]*>", re.IGNORECASE
)
WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
# A source line inside a list item's text that starts with a list marker (``text``)
LAZY_ITEM = re.compile(r"[ \t]*(?:[*+-]|\d{1,2}[.)])(?:[ \t]|$)|[ \t]*\*(?=\S)")

Lines = list[tuple[int, str]]


def html_to_lines(html: str) -> Lines:
    """The markdown-like ``(line_number, text)`` lines of ``html``; never raises."""
    root, _ = parse_html(html)
    return tree_to_lines(root)


def tree_to_lines(root: etree._Element | None, events_only: bool = False) -> Lines:
    """The lines of a tree from ``parse_html`` (its article only, see above).

    ``events_only``: the article's blocks before the first that names the upcoming events
    (``Upcoming Events``, a heading or a bold line, or any text naming them) are left out.
    None of them is part of the section, and converting them took most of the time of an
    issue's page. Every line kept is as it would be otherwise, line number included."""
    if root is None:
        return []
    writer = _LineWriter()
    article = article_element(root)
    writer.walk(article, _first_naming_events(article) if events_only else 0)
    return writer.finish()


_TEXT_OF = etree.XPath("string()")


def _first_naming_events(article: etree._Element) -> int:
    """The index of the article's first child whose text names the upcoming events; 0 when
    none does (the whole article is read)."""
    for index, child in enumerate(article):
        if isinstance(child.tag, str) and EVENTS_TITLE.search(_TEXT_OF(child)):
            return index
    return 0


def parse_html(html: str) -> tuple[etree._Element | None, list[str]]:
    """``html`` as an lxml tree (None when it has no elements at all) and warnings
    about content that could not be read; never raises."""
    root, too_deep = _parse(html)
    if not too_deep:
        return root, []
    root, too_deep = _parse(LAYOUT_TAG.sub(_keep_newlines, html))
    if not too_deep:
        return root, []
    root, too_deep = _parse(NON_ESSENTIAL_TAG.sub(_keep_newlines, html))
    if not too_deep:
        return root, ["HTML nested too deeply: read without its lists, tables and quotes"]
    return root, ["HTML nested more than 2048 levels deep: the content after that is lost"]


def article_element(root: etree._Element) -> etree._Element:
    """The element holding the issue: the page template around it left out."""
    for path in (
        "//article[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]",
        "//article",
        "//main",
        "//body",
    ):
        found = root.xpath(path)
        if found:
            return found[0]
    return root


def _parse(html: str) -> tuple[etree._Element | None, bool]:
    """The tree of ``html`` and whether libxml2 gave up on its nesting depth."""
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True)
    data = str(html).encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError:  # nothing parseable at all, e.g. only whitespace
        root = None
    too_deep = any("depth" in entry.message.lower() for entry in parser.error_log)
    return root, too_deep


def _keep_newlines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def _walk(root: etree._Element, first: int = 0) -> Iterator[tuple[bool, etree._Element]]:
    """``(True, el)`` when ``el`` opens and ``(False, el)`` when it closes, in document
    order, comments included (for their tails), the root's children from index ``first``
    on; iterative, so any depth works."""
    yield True, root
    stack = [(root, itertools.islice(root, first, None))]
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield False, element
        else:
            yield True, child
            stack.append((child, iter(child)))


class _LineWriter:
    """Collects the lines while the tree is walked; one pending line at a time."""

    def __init__(self) -> None:
        self.lines: Lines = []
        self.pieces: list[str] = []
        self.prefix = ""
        self.line_no = 0  # line of the pending line; 0 = not known yet
        self.last_line = 1  # source line of the text being read: element lines + newlines
        self.in_heading = 0
        self.in_table = 0
        self.list_depth = 0
        self.quote_depth = 0
        self.skipping = 0  # > 0 inside script, style, pre...
        # the open inline markup of the pending line: (element, place in pieces, closing)
        self.markers: list[tuple[etree._Element, int, str]] = []

    # -- the walk ---------------------------------------------------------------------
    def walk(self, root: etree._Element, first: int = 0) -> None:
        """Read ``root``, its children from index ``first`` on."""
        for opening, element in _walk(root, first):
            tag = element.tag if isinstance(element.tag, str) else None
            if opening:
                if element.sourceline:
                    self.last_line = element.sourceline
                if tag is None:  # comment or processing instruction: no text, only tail
                    continue
                self.open(tag.lower(), element)
            else:
                if tag is not None:
                    self.close(tag.lower(), element)
                if element is not root and element.tail:
                    self.text(element.tail)

    def finish(self) -> Lines:
        self.flush()
        while self.lines and not self.lines[-1][1]:
            self.lines.pop()
        return self.lines

    def open(self, tag: str, element: etree._Element) -> None:
        if self.skipping or tag in SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag == "pre":
            self.skipping += 1
            self.code_block(element)
            return
        line = element.sourceline or self.last_line
        if tag in HEADING_LEVELS:
            self.in_heading += 1
            self.start_block("#" * HEADING_LEVELS[tag] + " ", line, keep=False)
        elif tag in LIST_TAGS:
            self.flush()
            self.list_depth += 1
        elif tag == "li":
            indent = "    " * max(self.list_depth - 1, 0)
            self.start_block(self.quote() + indent + "* ", line, keep=False)
        elif tag == "blockquote":
            self.flush()
            self.quote_depth += 1
            self.start_block(self.continuation(), line)
        elif tag in BLOCK_TAGS:
            self.in_table += tag == "table"
            self.start_block(self.continuation(), line)
        elif tag == "tr":
            self.start_block(self.continuation() + "| ", line, keep=False)
        elif tag == "br":
            self.start_block(self.continuation(), line, keep=False)
        elif tag == "hr":
            self.start_block(self.continuation() + "---", line, keep=False)
            self.flush(blank=True)
        elif tag == "a" and self.in_heading and element.get("href", "").startswith("#"):
            # a heading's link to itself (python-markdown's toc): "Europe¶" is "Europe"
            if not any(character.isalnum() for character in "".join(element.itertext())):
                self.skipping += 1  # the permalink sign, dropped
                return
        else:
            self.open_inline(tag, element)
        if element.text:
            self.text(element.text)

    def close(self, tag: str, element: etree._Element) -> None:
        if self.skipping:
            self.skipping -= 1
            if tag == "pre" and not self.skipping:
                self.blank()
            return
        if tag in HEADING_LEVELS:
            self.in_heading -= 1
            self.flush(blank=True)
        elif tag in LIST_TAGS:
            self.flush()
            self.list_depth -= 1
            self.prefix = self.continuation()
            if not self.list_depth:
                self.blank()
        elif tag == "li":
            self.flush()
        elif tag == "blockquote":
            self.flush(blank=True)
            self.quote_depth -= 1
            self.prefix = self.continuation()
        elif tag in BLOCK_TAGS:
            self.in_table -= tag == "table"
            self.flush(blank=not self.list_depth)
        elif tag in ("td", "th"):
            self.pieces.append(" |")
        elif tag == "tr":
            self.flush()
        elif tag == "img":
            self.text(element.get("alt") or "")
        else:
            self.close_inline(tag, element)

    # -- inline markup ----------------------------------------------------------------
    def open_inline(self, tag: str, element: etree._Element) -> None:
        if tag == "a" and element.get("href") is not None:
            closing = f"]({link_target(element.get('href', ''))})"
            self.markers.append((element, len(self.pieces), closing))
            self.pieces.append("[")
        elif tag in INLINE_MARKERS:
            opening, closing = INLINE_MARKERS[tag]
            self.markers.append((element, len(self.pieces), closing))
            self.pieces.append(opening)

    def close_inline(self, tag: str, element: etree._Element) -> None:
        # A line ended inside the markup (a block or <br> within it) closed it already.
        if self.markers and self.markers[-1][0] is element:
            self.close_marker()

    def close_marker(self) -> None:
        """Close the innermost markup; markup around nothing is dropped, and spaces
        just inside it move outside (``** x **`` is not bold in markdown)."""
        _, start, closing = self.markers.pop()
        content = "".join(self.pieces[start + 1 :])
        opening = self.pieces[start]
        del self.pieces[start:]
        stripped = content.strip(" ")
        if not stripped:
            self.pieces.append(content)
            return
        lead = " " if content[:1] == " " else ""
        trail = " " if content[-1:] == " " else ""
        self.pieces.append(f"{lead}{opening}{stripped}{closing}{trail}")

    def text(self, text: str) -> None:
        """Add text to the pending line. In a paragraph outside lists, each source line
        stays a line, as in the markdown source (old issues listed events one per line of
        a paragraph); elsewhere, and inside links or bold, newlines are spaces."""
        if self.skipping:
            self.last_line += text.count("\n")
            return
        keep_lines = not (self.list_depth or self.in_heading or self.in_table or self.markers)
        in_item = self.list_depth and not (self.in_heading or self.in_table or self.markers)
        for number, part in enumerate(text.split("\n")):
            if number:
                self.last_line += 1
                if keep_lines and self.has_content():
                    self.start_block(self.continuation(), self.last_line, keep=False)
                elif in_item and LAZY_ITEM.match(part) and self.has_content():
                    # "*[Title](url)", "  * [Title](url)": a list item as the markdown
                    # wrote it, which python-markdown took for more text of the item above
                    # (no space after its marker, too little indent): its own line again
                    indent = part[: len(part) - len(part.lstrip())].expandtabs(4)
                    self.start_block(self.quote() + indent, self.last_line, keep=False)
                    part = part.lstrip()
                else:
                    self.pieces.append(" ")
            if part.strip() and not self.line_no:
                self.line_no = self.last_line
            self.pieces.append(WHITESPACE.sub(" ", part))

    # -- lines ------------------------------------------------------------------------
    def quote(self) -> str:
        return "> " * self.quote_depth

    def continuation(self) -> str:
        """Prefix of a line that continues the enclosing list item or quote."""
        return self.quote() + "    " * self.list_depth

    def start_block(self, prefix: str, line: int, keep: bool = True) -> None:
        """Begin a new line; with ``keep``, an empty pending line (a fresh bullet)
        keeps its prefix, so ``<li><p>text`` reads ``* text``."""
        if keep and not self.has_content():
            self.line_no = line
            return
        self.flush()
        self.prefix = prefix
        self.line_no = line

    def has_content(self) -> bool:
        return any(piece.strip() for piece in self.pieces)

    def flush(self, blank: bool = False) -> None:
        """Emit the pending line, if it has text; ``blank`` adds a blank line after."""
        while self.markers:
            self.close_marker()
        if self.has_content() or self.prefix.endswith("---"):
            text = WHITESPACE.sub(" ", "".join(self.pieces)).strip()
            self.lines.append((self.line_no or self.last_line, self.prefix + text))
        self.pieces = []
        self.markers = []
        self.prefix = self.continuation()
        self.line_no = 0
        if blank:
            self.blank()

    def blank(self) -> None:
        if self.lines and self.lines[-1][1]:
            self.lines.append((self.lines[-1][0], ""))

    def code_block(self, element: etree._Element) -> None:
        """``<pre>`` as a fenced block, its lines verbatim."""
        self.flush()
        first = element.sourceline or self.last_line
        indent = self.continuation()
        self.lines.append((first, indent + "```"))
        code_lines = "".join(element.itertext()).split("\n")
        for offset, code_line in enumerate(code_lines):
            self.lines.append((first + offset, indent + code_line.rstrip()))
        self.lines.append((first + len(code_lines) - 1, indent + "```"))


def link_target(href: str) -> str:
    """``href`` as a markdown link target: no spaces, parentheses only when balanced."""
    target = WHITESPACE.sub("%20", href.strip())
    depth = 0
    for char in target:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        target = target.replace("(", "%28").replace(")", "%29")
    return target
