"""html_lines: rendered HTML -> the markdown-like lines of the line parser."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_agg.parsers.html_lines import html_to_lines, link_target, parse_html

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "html"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "twir-sample"
# Set to rewrite the expected ``*.lines.json`` beside the samples; review the diff.
REGENERATE = os.environ.get("CALENDAR_AGG_REGENERATE") == "1"


def texts(source: str) -> list[str]:
    return [text for _, text in html_to_lines(source) if text]


# -- the line shape -----------------------------------------------------------------------
def test_nested_lists_indent_four_spaces_per_level() -> None:
    source = "<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li><li>d</li></ul>"
    assert texts(source) == ["* a", "    * b", "        * c", "* d"]


def test_links_bold_and_emphasis_become_markdown() -> None:
    source = '<p><a href="https://x.org/e"><strong>Title</strong></a> by <em>me</em></p>'
    assert texts(source) == ["[**Title**](https://x.org/e) by _me_"]


def test_spaces_inside_markup_move_outside() -> None:
    assert texts("<p>a<strong> b </strong>c<em></em>d</p>") == ["a **b** cd"]


def test_headings_keep_their_level() -> None:
    source = "<h2>Upcoming Events</h2><h3>Virtual</h3>"
    assert texts(source) == ["## Upcoming Events", "### Virtual"]


def test_loose_list_item_paragraphs() -> None:
    source = "<ul><li><p>first</p><p>second</p></li><li><p>next</p></li></ul>"
    assert texts(source) == ["* first", "    second", "* next"]


def test_br_starts_a_continuation_line_with_its_own_line_number() -> None:
    lines = html_to_lines("<ul>\n<li>one<br>\ntwo</li>\n</ul>")
    assert [line for line in lines if line[1]] == [(2, "* one"), (2, "    two")]


def test_newlines_inside_text_are_spaces() -> None:
    assert texts('<ul><li><a href="u">Sep 14. Rome\nMeetup</a>.</li></ul>') == [
        "* [Sep 14. Rome Meetup](u)."
    ]


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        # no space after the marker: python-markdown reads it as more text of the item
        ("* [Mar 11. Columbus](u1)\n*[Mar 13. Berlin](u2)\n",
         ["* [Mar 11. Columbus](u1)", "*[Mar 13. Berlin](u2)"]),
        ("* 2024-06-05 | Berlin, DE | [Rust Berlin](g)\n    *[**Hack and Learn**](e)\n",
         ["* 2024-06-05 | Berlin, DE | [Rust Berlin](g)", "    *[**Hack and Learn**](e)"]),
        # a line of the item that merely starts with a star or dash stays text of it
        ("* [Mar 11. Columbus](u1) talks\n*about* tests\n",
         ["* [Mar 11. Columbus](u1) talks _about_ tests"]),
        ("* [Mar 11. Columbus](u1)\nRust - and more\n",
         ["* [Mar 11. Columbus](u1) Rust - and more"]),
    ],
)  # fmt: skip
def test_a_list_item_python_markdown_took_for_text_of_the_item_above_is_its_own_line(
    source: str, lines: list[str]
) -> None:
    assert texts(markdown.markdown(source)) == lines


def test_entities_are_text() -> None:
    assert texts("<p>Rust &amp; Embedded &lt;3 Z&uuml;rich</p>") == ["Rust & Embedded <3 Zürich"]


def test_line_numbers_are_html_source_lines() -> None:
    lines = html_to_lines("<h2>A</h2>\n\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n<p>z</p>")
    assert [line for line in lines if line[1]] == [(1, "## A"), (4, "* x"), (5, "* y"), (7, "z")]


def test_blank_line_after_blocks() -> None:
    assert [text for _, text in html_to_lines("<h2>A</h2><p>b</p><ul><li>c</li></ul><p>d</p>")] == [
        "## A", "", "b", "", "* c", "", "d",
    ]  # fmt: skip


def test_scripts_styles_and_comments_are_not_text_but_tails_are() -> None:
    source = "<p>a<!-- hidden -->b<script>var x = '<h2>no</h2>';</script>c<style>p{}</style></p>"
    assert texts(source) == ["abc"]


def test_code_blocks_are_fenced_verbatim() -> None:
    assert texts("<pre><code>fn main() {\n    # not a heading\n}</code></pre>") == [
        "```", "fn main() {", "    # not a heading", "}", "```",
    ]  # fmt: skip


def test_site_template_is_stripped() -> None:
    source = (
        "<html><body><header><h3>Like what you see?</h3></header>"
        '<article class="post-content"><h2>Upcoming Events</h2></article>'
        "<footer><ul><li>atom feed</li></ul></footer></body></html>"
    )
    assert texts(source) == ["## Upcoming Events"]


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("https://x.org/a b", "https://x.org/a%20b"),
        ("https://x.org/wiki/Rust_(language)", "https://x.org/wiki/Rust_(language)"),
        ("https://x.org/a)", "https://x.org/a%29"),
    ],
)  # fmt: skip
def test_link_targets_stay_one_markdown_link(href: str, target: str) -> None:
    assert link_target(href) == target


def test_unclosed_tags_are_repaired() -> None:
    source = "<ul><li><b><a href=u>Sep 19. Meeting</a>.<li>Sep 20. Other</ul><p>after"
    assert texts(source) == ["* **[Sep 19. Meeting](u).**", "* Sep 20. Other", "after"]


# -- limits -------------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["div", "ul", "li", "b", "a", "blockquote", "span", "table"])
def test_ten_thousand_levels_do_not_recurse(tag: str) -> None:
    source = f"<p>before</p>{f'<{tag}>' * 10_000}deep{f'</{tag}>' * 10_000}<p>after</p>"
    lines = html_to_lines(source)
    assert lines[0] == (1, "before")


def test_deep_layout_nesting_is_read_again_without_layout_tags() -> None:
    source = "<p>before</p>" + "<div>" * 10_000 + "<ul><li>deep</li></ul>" + "</div>" * 10_000
    assert texts(source) == ["before", "* deep"]
    assert parse_html(source)[1] == []


def test_deep_list_nesting_is_read_flat_with_a_warning() -> None:
    source = "<ul><li>" * 10_000 + "x"
    root, warnings = parse_html(source)
    assert "* x" in texts(source)
    assert warnings


@pytest.mark.parametrize("source", ["", "   ", "<", "<!-- only a comment -->", "\x00", "\ud800"])
def test_degenerate_input_gives_no_lines(source: str) -> None:
    assert all(isinstance(text, str) for _, text in html_to_lines(source))


TAGS = ["p", "ul", "ol", "li", "a", "b", "strong", "em", "i", "h2", "h3", "br", "div", "pre",
        "code", "script", "blockquote", "table", "tr", "td", "img", "hr", "span",
        "!--"]  # fmt: skip
TAG_SOUP = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(['<a href="x(y">', "<a href>", '<img alt="[*]">', "&amp;", "&#0;", "-->"]),
        st.text(max_size=12),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(source: str) -> None:
    for line, text in html_to_lines(source):
        assert isinstance(line, int) and line >= 1
        assert "\n" not in text


@settings(max_examples=300, deadline=None)
@given(TAG_SOUP)
def test_never_raises_on_tag_soup(source: str) -> None:
    for line, text in html_to_lines(source):
        assert isinstance(line, int) and line >= 1
        assert "\n" not in text


# -- samples: expected lines beside each sample -------------------------------------------
@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.html")), ids=lambda path: path.name)
def test_sample_lines(sample: Path) -> None:
    lines = [list(line) for line in html_to_lines(sample.read_text(encoding="utf-8"))]
    expected_path = sample.with_suffix(".lines.json")
    if REGENERATE:
        expected_path.write_text(json.dumps(lines, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert lines == json.loads(expected_path.read_text(encoding="utf-8"))


# -- corpus: the list items of the events section, markdown source vs rendered HTML -------
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []


def markdown_body(text: str) -> str:
    """An issue without its ``Title:``/``Date:``... header lines."""
    lines = text.splitlines()
    while lines and re.match(r"^[A-Za-z]+:", lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def section(lines: list[str]) -> list[str]:
    """The lines from the "Upcoming Events" heading to the next heading of its level."""
    for start, line in enumerate(lines):
        heading = re.match(r"^(#+)\s*Upcoming Events", line, re.IGNORECASE)
        if heading:
            level = len(heading.group(1))
            end = start + 1
            while end < len(lines) and not re.match(rf"^#{{1,{level}}}\s", lines[end]):
                end += 1
            return lines[start:end]
    return []


def visible(text: str, references: dict[str, str]) -> str:
    """What a reader sees of a markdown line, plus its link targets, to compare both sides."""
    urls: list[str] = []

    def inline(match: re.Match[str]) -> str:
        urls.append(match.group(2).strip("<>"))
        return match.group(1)

    def reference(match: re.Match[str]) -> str:
        key = (match.group(2) or match.group(1)).lower()
        urls.append(references.get(key, "?"))
        return match.group(1)

    text = re.sub(r"\[([^\]]*)\]\(\s*([^)\s]*(?:\([^)\s]*\))?[^)\s]*)\s*\)", inline, text)
    text = re.sub(r"\[([^\]]+)\]\s?\[([^\]]*)\]", reference, text)
    text = re.sub(r"<(https?://[^>]+)>", lambda m: m.group(1), text)
    text = re.sub(r"<[^>]+>|\*\*|__|[*_`]|\\(?=[\\`*_{}\[\]()#+\-.!])", "", html.unescape(text))
    return " ".join(text.split()) + " " + " ".join(urls)


def list_items(lines: list[str], references: dict[str, str]) -> list[str]:
    """The list items of a section, continuation lines joined, as visible text."""
    items: list[str] = []
    in_item = False
    for line in lines:
        if re.match(r"^\s*[*+-]\s+\S", line):
            items.append(line.strip()[1:])
            in_item = True
        elif line.strip() and in_item and not line.startswith("#"):
            items[-1] += " " + line.strip()
        else:
            in_item = False
    return [visible(item, references) for item in items]


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_corpus_section_items_match_the_markdown(path: Path) -> None:
    body = markdown_body(path.read_text(encoding="utf-8"))
    references = {
        key.lower(): url
        for key, url in re.findall(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", body, re.M)
    }
    source_items = list_items(section(body.splitlines()), references)
    html_lines = [text for _, text in html_to_lines(markdown.markdown(body))]
    assert list_items(section(html_lines), {}) == source_items


def test_corpus_is_present_or_skipped() -> None:
    if not corpus_files():
        pytest.skip(f"corpus not found at {CORPUS}")


# -- the events section alone -------------------------------------------------------------
def _events_only_is_the_tail(source: str) -> list[tuple[int, str]]:
    from calendar_agg.parsers.html_lines import tree_to_lines

    root, _ = parse_html(source)
    whole = tree_to_lines(root)
    tail = tree_to_lines(root, events_only=True)
    assert tail == whole[len(whole) - len(tail) :]
    return tail


@pytest.mark.parametrize("name", ["2025-06-04-this-week-in-rust-602.html",
                                  "2018-09-11-broken.html"])
def test_events_only_starts_at_the_block_naming_the_events(name: str) -> None:
    tail = _events_only_is_the_tail((SAMPLES / name).read_text(encoding="utf-8"))
    first = next(text for _, text in tail if text)
    assert re.search(r"upcoming\s+events", first, re.I), first


def test_events_only_keeps_every_line_when_no_block_names_the_events() -> None:
    source = "<h2>News</h2>\n<ul>\n<li>2025-06-10 | Berlin, DE | x</li>\n</ul>"
    assert _events_only_is_the_tail(source) == html_to_lines(source)
    # named inside a wrapper: the wrapper is read whole
    wrapped = "<div><p>intro</p><h2>Upcoming Events</h2><ul><li>x</li></ul></div>"
    assert [t for _, t in _events_only_is_the_tail(wrapped) if t][0] == "intro"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.md"))[::8] if CORPUS.is_dir() else [],
                         ids=lambda path: path.name)
def test_events_only_is_the_tail_of_every_rendered_issue(path: Path) -> None:
    body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
    tail = _events_only_is_the_tail(markdown.markdown(body))
    assert len(tail) < len(html_to_lines(markdown.markdown(body)))
