"""The three reference forms, built in every format and read back, against their seed releases.

A reader of any format must find every sentence of the seed release — boilerplate, notes to
editors, findings, quote, attribution — in the same order, apart from the documented
house-style departures in tests/seeds.py.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest

from authoring.build.pipeline import build
from authoring.model.types import PdfEngine
from authoring.render import ALL_FORMATS, Format
from tests.conftest import FORCES, REFERENCE_FORCES
from tests.readback import (
    docx_paragraphs,
    docx_text,
    html_document,
    html_text,
    markdown_text,
    normalise,
    pdf_pages,
    pdf_text,
)
from tests.seeds import Seed, load_seed

#: The PDF printed by Typst, beside the four formats (WeasyPrint's PDF is Format.PDF): both are read the same way.
TYPST_PDF = "pdf-typst"
READERS = {
    Format.DOCX: docx_text,
    Format.HTML: html_text,
    Format.PDF: pdf_text,
    Format.MD: markdown_text,
    TYPST_PDF: pdf_text,
}
KINDS = [*ALL_FORMATS, TYPST_PDF]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Build the three reference forms once, in all four formats."""
    out = tmp_path_factory.mktemp("output")
    built = build([FORCES / f"{slug}.yaml" for slug in REFERENCE_FORCES], out_dir=out)
    typst = build(
        [FORCES / f"{slug}.yaml" for slug in REFERENCE_FORCES],
        out_dir=out / "typst",
        formats=[Format.PDF],
        pdf_engine=PdfEngine.TYPST,
    )
    made: dict[str, dict[str, bytes]] = {
        item.release.force.slug: {Format(path.suffix[1:]): path.read_bytes() for path in item.files} for item in built
    }
    for item in typst:
        [path] = item.files
        made[item.release.force.slug][TYPST_PDF] = path.read_bytes()
    return made


@pytest.mark.parametrize("fmt", KINDS)
@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_every_sentence_of_the_seed_in_order(outputs: dict[str, dict[str, bytes]], slug: str, fmt: str) -> None:
    text = READERS[fmt](outputs[slug][fmt])
    seed = load_seed(slug)
    position = 0
    for piece in seed.pieces():
        found = text.find(piece, position)
        assert found >= 0, f"{slug}.{fmt}: missing or out of order: {piece!r}"
        position = found + len(piece)


@pytest.mark.parametrize("fmt", KINDS)
@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_house_numbers_and_generated_sentences(outputs: dict[str, dict[str, bytes]], slug: str, fmt: str) -> None:
    text = READERS[fmt](outputs[slug][fmt])
    expected = {
        "british-transport-police": [
            "British Transport Police has made some improvements to how it identifies, monitors and manages",
            "the force investigated one instance of inappropriate disclosure to the media.",
            "did not identify any cases of inappropriate behaviour",
            "there has been an increase in the number of staff",
            "HM Inspector of Constabulary for the National Team, Stephen Otter QPM, said:",
        ],
        "bedfordshire": [
            "Since September 2011 the force has not investigated any instances of inappropriate disclosure",
            "identified five cases of potentially inappropriate behaviour",
            "there have been 54 applications for second jobs, 51 of which have been approved.",
            "HM Inspector of Constabulary for the Eastern Region, Zoë Billingham, said:",
        ],
        "thames-valley": [
            "has investigated three instances of inappropriate disclosure to the media. "
            "One of these was continuing at the time of our inspection.",
            "identified seven cases of inappropriate behaviour",
            "there have been 129 applications for second jobs, with all but one being approved.",
            "there has been a reduction in the number of staff",
        ],
    }[slug]
    for sentence in expected:
        assert sentence in text
    assert f"The full report for {load_seed(slug).headline.split(' has ')[0]}, along with" in text
    assert text.count("Notes to editors") == 1


def _quote_paragraphs_docx(data: bytes) -> list[docx.text.paragraph.Paragraph]:
    document = docx.Document(io.BytesIO(data))
    return [p for p in document.paragraphs if p.style.name == "Quote"]


@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_docx_uses_word_styles_for_structure(outputs: dict[str, dict[str, bytes]], slug: str) -> None:
    seed = load_seed(slug)
    paragraphs = docx_paragraphs(outputs[slug][Format.DOCX])
    styles = {style for style, _ in paragraphs}
    assert {"Heading 1", "Heading 2", "List Bullet", "List Number", "Quote"} <= styles
    assert [normalise(t) for s, t in paragraphs if s == "Heading 1"] == [seed.headline]
    assert [normalise(t) for s, t in paragraphs if s == "List Bullet"] == seed.findings
    # The notes: one heading, then exactly the numbered notes, nothing else numbered.
    assert [t for s, t in paragraphs if s == "Heading 2"] == ["Notes to editors"]
    heading = next(i for i, (s, _) in enumerate(paragraphs) if s == "Heading 2")
    assert [normalise(t) for s, t in paragraphs[heading + 1 :]] == seed.notes
    assert all(s == "List Number" for s, _ in paragraphs[heading + 1 :])


@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_docx_quote_is_italic_with_marks_on_first_and_last(outputs: dict[str, dict[str, bytes]], slug: str) -> None:
    quote = _quote_paragraphs_docx(outputs[slug][Format.DOCX])
    seed = load_seed(slug)
    assert [normalise(p.text) for p in quote] == seed.quote
    assert quote[0].text.startswith("“")
    assert quote[-1].text.endswith("”")
    for middle in quote[1:]:
        assert not middle.text.startswith("“")
    for paragraph in quote[:-1]:
        assert not paragraph.text.endswith("”")
    assert all(run.italic for p in quote for run in p.runs if run.text.strip())


@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_html_structure(outputs: dict[str, dict[str, bytes]], slug: str) -> None:
    page = html_document(outputs[slug][Format.HTML])
    seed = load_seed(slug)
    assert page.by_tag["h1"] == [seed.headline]
    assert page.by_tag["h2"] == ["Notes to editors"]
    assert page.by_tag["title"] == [seed.headline]
    assert page.by_tag["figcaption"] == [seed.attribution]
    quote = page.by_tag["blockquote"][0]
    assert quote == " ".join(seed.quote)
    assert quote.startswith('"')
    assert quote.endswith('"')
    # every quote paragraph is italic (<em>), and report titles are italic too
    assert " ".join(page.by_tag["em"]).count(seed.quote[0][:40]) == 1
    assert "Without Fear or Favour" in page.by_tag["em"]
    items = page.by_tag["li"]
    assert items[: len(seed.findings)] == seed.findings
    assert items[len(seed.findings) :] == seed.notes
    html = outputs[slug][Format.HTML].decode()
    assert len(re.findall(r"<ol>", html)) == 1
    assert '<a href="http://www.hmic.gov.uk">www.hmic.gov.uk</a>' in html


@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_markdown_structure(outputs: dict[str, dict[str, bytes]], slug: str) -> None:
    lines = outputs[slug][Format.MD].decode().splitlines()
    seed = load_seed(slug)
    assert f"# {seed.headline}" in lines
    assert lines.count("## Notes to editors") == 1
    notes_at = lines.index("## Notes to editors")
    numbered = [line for line in lines[notes_at:] if re.match(r"\d+\. ", line)]
    assert [line.split(". ", 1)[0] for line in numbered] == [str(n) for n in range(1, len(seed.notes) + 1)]
    quote = [line for line in lines if line.startswith("> ")]
    assert quote[0].startswith("> *“")
    assert quote[-1].endswith("”*")
    assert all(line.startswith("> *") and line.endswith("*") for line in quote)


@pytest.mark.parametrize("kind", [Format.PDF, TYPST_PDF])
@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_pdf_numbers_the_notes_under_one_heading(outputs: dict[str, dict[str, bytes]], slug: str, kind: str) -> None:
    text = normalise(" ".join(pdf_pages(outputs[slug][kind])))
    seed: Seed = load_seed(slug)
    assert text.count("Notes to editors") == 1
    notes = text[text.index("Notes to editors") :]
    position = 0
    for number, note in enumerate(seed.notes, start=1):
        found = notes.find(f"{number}. {note[:50]}", position)
        assert found > position, f"note {number} not numbered in order"
        position = found


def test_outputs_are_named_to_sort_by_date(outputs: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    built = build([FORCES / "thames-valley.yaml"], out_dir=tmp_path, formats=[Format.MD])
    assert [p.relative_to(tmp_path).as_posix() for p in built[0].files] == [
        "thames-valley/2012-12-11-thames-valley-police-revisiting-police-relationships.md"
    ]


@pytest.mark.parametrize("slug", REFERENCE_FORCES)
def test_docx_links_resolve_in_their_own_document(outputs: dict[str, dict[str, bytes]], slug: str) -> None:
    """Every hyperlink run points at a relationship of the same document (the Word template is reused)."""
    document = docx.Document(io.BytesIO(outputs[slug][Format.DOCX]))
    rels = document.part.rels
    links = document.element.body.findall(".//" + docx.oxml.ns.qn("w:hyperlink"))
    assert len(links) == 3  # the full-report sentence, notes 1 and 2
    targets = [rels[link.get(docx.oxml.ns.qn("r:id"))].target_ref for link in links]
    assert set(targets) == {"http://www.hmic.gov.uk"}
    assert [link.xpath("string(.)") for link in links] == ["www.hmic.gov.uk"] * len(links)
