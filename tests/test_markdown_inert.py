"""The Markdown is inert: form and campaign text can add no block, link, image or markup.

Every test builds a release through the library (``build``, as ``authoring build -f md``
does) and parses the written .md with a real CommonMark parser with GFM's tables,
strikethrough and linkifying of bare addresses switched on (markdown-it-py's ``gfm-like``).
The parse must give exactly the release's blocks (headings, paragraphs, the findings'
bullet list, the quote's blockquote, the numbered notes), exactly its links (web addresses
only) and, inline by inline, exactly the text a reader should see.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from authoring.model.inline import Inline
from authoring.model.release import Release
from authoring.model.types import file_name_part
from authoring.render import Format
from tests.hostile_forms import (
    HOSTILE,
    QUOTE_VALUE,
    VALUE,
    build_form,
    campaign_copy,
    folded,
    link_targets,
    reading_order,
    text_of,
)
from tests.readback import front_matter, html_document, normalise

GFM = MarkdownIt("gfm-like")
P, ITEM = "paragraph p", "list_item li"
INLINE_KINDS = {"text", "em_open", "em_close", "strong_open", "strong_close", "link_open", "link_close"}


@dataclass(frozen=True)
class Parsed:
    """What a CommonMark parser makes of a Markdown file."""

    blocks: list[str]  # every block opened, "type tag", in order
    texts: list[str]  # the text of every inline (paragraph, heading, list item), white space folded
    links: list[str]  # the target of every link, in order
    inline_kinds: set[str]  # every kind of inline token met


def parse(markdown: str) -> Parsed:
    """The file read as a site generator reads it: its front matter apart (it must say the language, and
    only that), the rest parsed."""
    meta, body = front_matter(markdown)
    assert set(meta) == {"lang"}
    blocks: list[str] = []
    texts: list[str] = []
    links: list[str] = []
    kinds: set[str] = set()
    for token in GFM.parse(body):
        if token.type == "inline":
            children = token.children or []
            texts.append(folded("".join(_visible(child) for child in children)))
            kinds.update(child.type for child in children)
            links += [str(child.attrs["href"]) for child in children if child.type == "link_open"]
        elif token.nesting >= 0:
            blocks.append(f"{token.type.removesuffix('_open')} {token.tag}")
    return Parsed(blocks, texts, links, kinds)


def _visible(token: Token) -> str:
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    return token.content if token.type in ("text", "code_inline", "html_inline", "image") else ""


def expected(release: Release) -> Parsed:
    """What the release's Markdown must parse to: its blocks, texts and links, nothing else."""
    head = int(release.is_draft) + int(release.embargo is not None)
    blocks = [
        *[P] * head,
        P,
        "heading h1",
        *[P] * (len(release.background) + 2),
        "bullet_list ul",
        *[ITEM, P] * len(release.findings),
        *[P] * (len(release.after_findings) + 1),
        "blockquote blockquote",
        *[P] * len(release.quote),
        P,
        "heading h2",
        "ordered_list ol",
        *[ITEM, P] * len(release.notes),
    ]
    inlines = reading_order(release)
    return Parsed(blocks, [folded(text_of(item)) for item in inlines], link_targets(inlines), set())


def build_markdown(folder: Path, campaign: Path | None = None, **fields: Any) -> tuple[Release, str]:
    """The release as Markdown (``authoring build -f md``), read back."""
    release, files = build_form(folder, [Format.MD], campaign, **fields)
    return release, files[".md"].decode()


def assert_inert(release: Release, markdown: str) -> Parsed:
    assert markdown.startswith(f"---\nlang: {release.language}\n---\n\n")  # no value comes before it
    parsed = parse(markdown)
    want = expected(release)
    assert parsed.blocks == want.blocks
    assert parsed.texts == want.texts
    assert parsed.links == want.links
    assert all(re.fullmatch(r"https?://[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+", link) for link in parsed.links)
    assert parsed.inline_kinds <= INLINE_KINDS
    return parsed


# --- Hostile values in every text field ---------------------------------------------------


def test_hostile_values_in_every_text_field_of_form_and_campaign_leave_the_structure_alone(tmp_path: Path) -> None:
    values = list(HOSTILE.values())
    campaign = campaign_copy(
        tmp_path,
        organisation=HOSTILE["blocks"],
        national_report=HOSTILE["inline markup"],
        verdicts={  # headline words: data in the campaign's headline sentence
            "good-progress": HOSTILE["split list"] + HOSTILE["fence"],
            "some-improvements": "x",
            "improvements": "y",
        },
        background=[HOSTILE["image"], HOSTILE["entities"]],
        revisit=HOSTILE["script link"],
        website={"text": "a.example/(x)<y>", "url": "https://a.example/(x)<y>![i](z)"},
        quote_closing=[HOSTILE["backtick fence"], HOSTILE["escapes"]],
        notes_to_editors=values,
        press_office={"hours": HOSTILE["hard break"], "phone": "1. 0203", "out_of_hours_phone": "- 07836"},
    )
    release, markdown = build_markdown(
        tmp_path,
        campaign,
        background_extra=HOSTILE["addresses"],
        findings=values,
        after_findings=values,
        quote=values,
        quote_closing=values,
    )
    parsed = assert_inert(release, markdown)

    # Counted by hand: the headings, the items, the quote, and web addresses only.
    assert parsed.blocks.count("heading h1") == parsed.blocks.count("heading h2") == 1
    assert parsed.blocks.count("bullet_list ul") == parsed.blocks.count("ordered_list ol") == 1
    assert parsed.blocks.count("blockquote blockquote") == 1
    assert parsed.blocks.count(ITEM) == len(values) + len(values) + 2
    image_links = ["https://a.example", "http://127.0.0.1:9/p"]
    in_values = [*image_links, "http://a.example", "http://a.example"]  # and in "inline markup", "blocks"
    assert parsed.links == [
        *image_links,  # background
        *in_values,  # findings
        *in_values,  # after the findings
        *in_values,  # the quote
        *in_values,  # its closing
        "http://a.example",  # the national report's title, in the campaign's full-report sentence
        "https://a.example/%28x%29%3Cy%3E!%5Bi%5D%28z%29",  # the website, percent-encoded
        *in_values,  # notes to editors
    ]
    assert parsed.texts[parsed.texts.index("Notes to editors") + 1 :][:3] == [
        "https://a.example)![i](http://127.0.0.1:9/p)",
        "Read this)[x](javascript:alert(1)",
        "A finding ~~~ that would fence off the rest of the file",
    ]
    assert "HMIC’s out-of-hours press office line for urgent media enquiries is - 07836." in parsed.texts


def test_the_examples_of_the_issue_make_no_image_no_script_link_and_no_code_block(tmp_path: Path) -> None:
    release, markdown = build_markdown(
        tmp_path, findings=[HOSTILE["image"], HOSTILE["script link"], HOSTILE["fence"], "An ordinary finding."]
    )
    parsed = assert_inert(release, markdown)
    items = parsed.texts[parsed.texts.index("In Thames Valley Police, HMIC found:") + 1 :][:4]
    assert items == [
        "https://a.example)![i](http://127.0.0.1:9/p)",
        "Read this)[x](javascript:alert(1)",
        "A finding ~~~ that would fence off the rest of the file",
        "An ordinary finding.",
    ]
    assert parsed.links == ["https://a.example", "http://127.0.0.1:9/p", *["http://www.hmic.gov.uk"] * 3]
    assert parsed.blocks[-14:] == ["heading h2", "ordered_list ol", *[ITEM, P] * 6]
    image = "[https://a.example](https://a.example))\\!\\[i\\]([http://127.0.0.1:9/p](http://127.0.0.1:9/p))"
    assert f"- {image}\n" in markdown
    assert "- Read this)\\[x\\](javascript:alert(1)\n" in markdown
    assert "- A finding \\~\\~\\~ that would fence off the rest of the file\n" in markdown


def test_the_reference_releases_read_naturally(tmp_path: Path) -> None:
    release, markdown = build_markdown(
        tmp_path,
        findings=["Since 2011 the force has (with HMIC's help) set out *Without Fear or Favour*: 55 cases."],
        quote=['"It is 3.5 times better, e.g. www.example.org/a_b."'],
    )
    assert_inert(release, markdown)
    assert "- Since 2011 the force has (with HMIC’s help) set out *Without Fear or Favour*: 55 cases.\n" in markdown
    assert "> *“It is 3.5 times better, e\\.g.* [*www.example.org/a\\_b*](http://www.example.org/a_b)*.*\n" in markdown
    assert "[www.hmic.gov.uk](http://www.hmic.gov.uk)\n" in markdown


def test_italics_that_markdown_cannot_express_stay_plain_but_read_the_same(tmp_path: Path) -> None:
    release, markdown = build_markdown(tmp_path, findings=["word*(aside)*word and *(fine)* and x*y*z"])
    parsed = assert_inert(release, markdown)
    assert "- word(aside)word and *(fine)* and x*y*z\n" in markdown
    assert "word(aside)word and (fine) and xyz" in parsed.texts


# --- Fuzzed values --------------------------------------------------------------------------


@settings(deadline=None, max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    findings=st.lists(VALUE, min_size=1, max_size=3),
    after=st.lists(VALUE, max_size=2),
    quote=st.lists(QUOTE_VALUE, min_size=1, max_size=2),
    extra=st.none() | VALUE,
)
@example(findings=list(HOSTILE.values()), after=[], quote=["x"], extra=None)
@example(findings=["word*(x)*"], after=["a*b*c"], quote=["*x* y"], extra="(*a*)")
@example(findings=["x"], after=[], quote=["0www.http://"], extra=None)  # a link span next to an italic one
def test_fuzzed_form_text_never_changes_the_structure_and_reads_as_written(
    tmp_path_factory: pytest.TempPathFactory, findings: list[str], after: list[str], quote: list[str], extra: str | None
) -> None:
    fields: dict[str, Any] = {"findings": findings, "after_findings": after, "quote": quote}
    if extra is not None:
        fields["background_extra"] = extra
    release, markdown = build_markdown(tmp_path_factory.mktemp("fuzz"), **fields)
    parsed = assert_inert(release, markdown)
    start = parsed.texts.index("In Thames Valley Police, HMIC found:") + 1
    read = parsed.texts[start : start + len(findings)]
    # Each finding reads as written, its straight quotes set as typographic ones (and *italics* without stars).
    assert read == [folded(Inline.parse(value.strip()).text) for value in findings]
    assert [normalise(text.replace("*", "")) for text in read] == [normalise(v.replace("*", "")) for v in findings]


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    organisation=VALUE,
    verdict=VALUE,
    national_report=VALUE.filter(file_name_part),  # file names are made from it: validation wants a letter or digit
    background=st.lists(VALUE, min_size=1, max_size=2),
    revisit=VALUE,
    notes=st.lists(VALUE, min_size=1, max_size=3),
    closing=st.lists(QUOTE_VALUE, min_size=1, max_size=2),
)
def test_fuzzed_campaign_text_never_changes_the_structure_and_reads_as_written(
    tmp_path_factory: pytest.TempPathFactory,
    organisation: str,
    verdict: str,
    national_report: str,
    background: list[str],
    revisit: str,
    notes: list[str],
    closing: list[str],
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    campaign = campaign_copy(
        folder,
        organisation=organisation,
        verdicts={"good-progress": verdict, "some-improvements": "x", "improvements": "y"},
        national_report=national_report,
        background=background,
        revisit=revisit,
        notes_to_editors=notes,
        quote_closing=closing,
    )
    release, markdown = build_markdown(folder, campaign)
    parsed = assert_inert(release, markdown)
    start = parsed.texts.index("Notes to editors") + 1
    read = parsed.texts[start : start + len(notes)]
    assert read == [folded(Inline.parse(value.strip()).text) for value in notes]
    assert [normalise(text.replace("*", "")) for text in read] == [normalise(v.replace("*", "")) for v in notes]


# --- The same rule for links in every format -----------------------------------------------

LINKS = (
    "See https://a.example/(x)<y> and www.b.example/é?q=1&r=2, "
    "not javascript:alert(1), ftp://c.example, mailto:d@e.example or [x](data:text/html,x)."
)


def test_html_and_word_link_only_to_web_addresses_and_the_same_ones(tmp_path: Path) -> None:
    _, files = build_form(tmp_path, [Format.HTML, Format.DOCX, Format.MD], findings=[LINKS])
    targets = [
        *["https://a.example/%28x%29", "http://www.b.example/%C3%A9?q=1&r=2"],
        *["http://www.hmic.gov.uk"] * 3,
    ]

    html = _HrefParser()
    html.feed(files[".html"].decode())
    assert html.hrefs == targets
    assert (
        "javascript:alert(1), ftp://c.example, mailto:d@e.example or [x](data:text/html,x)."
        in html_document(files[".html"]).text
    )

    document = docx.Document(io.BytesIO(files[".docx"]))
    relationships = document.part.rels
    hyperlinks = document.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink")
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    assert [relationships[link.get(rel_id)].target_ref for link in hyperlinks] == targets

    assert parse(files[".md"].decode()).links == targets


class _HrefParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value or "" for name, value in attrs if name == "href"]
