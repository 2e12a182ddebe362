"""The PDF a journalist receives: tagged PDF/UA, metadata, A4 layout, embargo, drafts, file names.

Checked on every reference force, final and draft, printed by each PDF engine (WeasyPrint
and Typst), with pikepdf (the PDF's own
structures), poppler's pdfinfo and pdffonts (what a reader's tools report) and pypdf
(the text of each page).
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest

from authoring.build.pipeline import build
from authoring.model.types import PdfEngine
from authoring.registry import forces
from authoring.render import ALL_FORMATS, Format
from authoring.render.html import render_html
from authoring.render.pdf import render_pdf
from tests.conftest import FORCES, REFERENCE_FORCES
from tests.outputs import ENGINES, STATUSES, pdf, release, rendered, with_engine
from tests.readback import docx_text, html_text, markdown_text, normalise

CASES = [(force, status, engine) for force in REFERENCE_FORCES for status in STATUSES for engine in ENGINES]
#: The PDF font names of the house family's faces, as each engine writes them (after the subset tag).
FONT_NAMES = {
    PdfEngine.WEASYPRINT: r"Atkinson-Hyperlegible-House(-Bold|-Italic|-Bold-Italic)?",
    PdfEngine.TYPST: r"AtkinsonHyperlegible-(Regular|Bold|Italic|BoldItalic)",
}
DRAFT_MARK = "DRAFT — NOT FOR PUBLICATION"
EMBARGO = "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012"
A4 = (595.28, 841.89)  # points
needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdfinfo") and shutil.which("pdffonts")),
    reason="poppler's pdfinfo/pdffonts not found: run scripts/install-a11y-tools (CI does)",
)


def pdf_of(force: str, status: str, engine: PdfEngine = PdfEngine.WEASYPRINT) -> bytes:
    return pdf(force, status, engine)


def page_texts(data: bytes) -> list[str]:
    return [normalise(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def struct_tags(pdf: pikepdf.Pdf) -> list[str]:
    """Every structure element's type in the tag tree, in document order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def poppler(tool: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "release.pdf"
    path.write_bytes(data)
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True)
    complaints = [line for line in result.stderr.splitlines() if line != POPPLER_SUSPECTS_BUG]
    assert complaints == [], result.stderr  # poppler complains about malformed PDFs on stderr
    return result.stdout


#: Poppler 22 reports a valid ``/MarkInfo << /Suspects false >>`` (Typst writes it; the PDF
#: standard makes it a boolean) as a syntax error: its check accepts only ``true`` or nothing.
POPPLER_SUSPECTS_BUG = "Syntax Error: Suspects object is wrong type (boolean)"


@pytest.mark.parametrize(("force", "status", "engine"), CASES)
def test_pdf_is_tagged_pdf_ua_with_language_title_and_structure(force: str, status: str, engine: PdfEngine) -> None:
    the_release = release(force, status)
    with pikepdf.open(io.BytesIO(pdf_of(force, status, engine))) as pdf:
        assert pdf.check_pdf_syntax() == []
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == the_release.headline
            assert xmp["pdfuaid:part"] == "1"
            assert xmp["dc:creator"] == [the_release.organisation]
        tags = struct_tags(pdf)
    assert tags.count("/H1") == 1
    assert tags.count("/H2") == 1  # Notes to editors, after the headline
    assert tags.index("/H1") < tags.index("/H2")
    # The findings and the notes are lists, one label (bullet or number) per item. WeasyPrint
    # tags a list in one /L per page it spans, and an item split by a page break in two /LI.
    items = len(the_release.findings) + len(the_release.notes)
    assert tags.count("/L") >= 2
    assert tags.count("/Lbl") == items
    assert tags.count("/LI") >= items
    assert tags.count("/BlockQuote") == 1
    if engine is PdfEngine.WEASYPRINT:  # Typst tags the attribution as a paragraph (docs/pdf-engines.md)
        assert tags.count("/Caption") == 1  # the attribution of the quote


@pytest.mark.parametrize(("force", "status", "engine"), CASES)
def test_pdf_metadata_comes_from_the_release(force: str, status: str, engine: PdfEngine) -> None:
    the_release = release(force, status)
    with pikepdf.open(io.BytesIO(pdf_of(force, status, engine))) as pdf:
        info = {str(key): str(value) for key, value in pdf.docinfo.items()}
    assert info["/Title"] == the_release.headline
    assert info["/Author"] == "Her Majesty’s Inspectorate of Constabulary"
    assert info["/Subject"] == f"Revisiting Police Relationships: {the_release.force.name}"
    assert info["/Keywords"] == f"{the_release.force.name}, Revisiting Police Relationships, HMIC"
    assert info["/CreationDate"] == info["/ModDate"]
    assert info["/CreationDate"] in ("D:20121211", "D:20121211000000Z")  # the release date, not the build time


@needs_poppler
@pytest.mark.parametrize(("force", "status", "engine"), CASES)
def test_poppler_sees_a_tagged_a4_pdf_with_every_font_embedded(
    force: str, status: str, engine: PdfEngine, tmp_path: Path
) -> None:
    data = pdf_of(force, status, engine)
    info = {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in poppler("pdfinfo", data, tmp_path).splitlines())
    }
    assert info["Tagged"] == "yes"
    assert info["Page size"] == "595.276 x 841.89 pts (A4)"
    assert info["Title"] == release(force, status).headline
    assert info["Author"] == "Her Majesty’s Inspectorate of Constabulary"
    assert info["CreationDate"].startswith("Tue Dec 11 00:00:00 2012")
    assert int(info["Pages"]) >= 2

    rows = poppler("pdffonts", data, tmp_path).splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row  # embedded, subset, with a Unicode map
        assert re.fullmatch(rf"[A-Z]{{6}}\+{FONT_NAMES[engine]}", name), row


@pytest.mark.parametrize(("force", "status", "engine"), CASES)
def test_every_page_is_a4_with_page_x_of_y_and_the_running_footer(force: str, status: str, engine: PdfEngine) -> None:
    data = pdf_of(force, status, engine)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            assert [round(float(v), 2) for v in page.MediaBox] == [0, 0, *A4]
    texts = page_texts(data)
    name = release(force, status).force.name
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert f"HMIC press release · {name} · 11 December 2012" in text


@pytest.mark.parametrize(("force", "status", "engine"), CASES)
def test_first_page_opens_with_the_embargo_line_and_the_release_date(
    force: str, status: str, engine: PdfEngine
) -> None:
    first = page_texts(pdf_of(force, status, engine))[0]
    opening = f"{DRAFT_MARK} {EMBARGO}" if status == "draft" else EMBARGO
    assert first.startswith(f"{opening} Her Majesty's Inspectorate of Constabulary Press release, 11 December 2012 ")
    assert first.count("EMBARGOED") == 1


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("force", REFERENCE_FORCES)
def test_every_page_of_a_draft_says_draft_not_for_publication(force: str, engine: PdfEngine) -> None:
    texts = page_texts(pdf_of(force, "draft", engine))
    assert len(texts) >= 2
    for text in texts:
        assert DRAFT_MARK in text
        assert "DRAFT" in text.replace(DRAFT_MARK, "")  # and the diagonal watermark
    assert not any("DRAFT" in text for text in page_texts(pdf_of(force, "final", engine)))


@pytest.mark.parametrize("force", REFERENCE_FORCES)
def test_drafts_are_marked_in_every_format_and_finals_in_none(force: str) -> None:
    draft, final = rendered(force, "draft"), rendered(force, "final")
    readers = {Format.DOCX: docx_text, Format.HTML: html_text, Format.MD: markdown_text}
    for fmt, read in readers.items():
        assert read(draft[fmt]).startswith(f"{DRAFT_MARK} {EMBARGO} "), fmt
        assert "DRAFT" not in read(final[fmt]), fmt
        assert read(final[fmt]).startswith(f"{EMBARGO} "), fmt


@pytest.mark.parametrize("engine", ENGINES)
def test_without_an_embargo_no_format_has_an_embargo_line(tmp_path: Path, engine: PdfEngine) -> None:
    campaign = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    assert "\nembargo: 2012-12-11 00:01\n" in campaign
    (tmp_path / "campaign.yaml").write_text(campaign.replace("\nembargo: 2012-12-11 00:01\n", "\n"), encoding="utf-8")
    shutil.copy(FORCES / "thames-valley.yaml", tmp_path)
    [built] = build([tmp_path / "thames-valley.yaml"], out_dir=tmp_path / "out", pdf_engine=engine)
    texts = {path.suffix: path.read_bytes() for path in built.files}
    assert "EMBARGOED" not in docx_text(texts[".docx"])
    assert "EMBARGOED" not in html_text(texts[".html"])
    assert "EMBARGOED" not in markdown_text(texts[".md"])
    first = page_texts(texts[".pdf"])[0]
    assert "EMBARGOED" not in first
    assert first.startswith("Her Majesty's Inspectorate of Constabulary Press release, 11 December 2012 ")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_input_gives_the_same_pdf(engine: PdfEngine) -> None:
    the_release = with_engine(release("thames-valley", "draft"), engine)
    html = render_html(the_release)
    first = render_pdf(the_release, html)
    assert first == render_pdf(the_release, html) == pdf_of("thames-valley", "draft", engine)


def test_the_engines_make_different_pdfs_of_the_same_release() -> None:
    """The engine really is chosen per release: each PDF names the engine that made it."""
    made = {engine: pdf_of("thames-valley", "final", engine) for engine in ENGINES}
    assert made[PdfEngine.WEASYPRINT] != made[PdfEngine.TYPST]
    for engine, data in made.items():
        with pikepdf.open(io.BytesIO(data)) as document:
            producer = str(document.docinfo.get("/Producer", "")) + str(document.docinfo.get("/Creator", ""))
        assert ("Typst" in producer) is (engine is PdfEngine.TYPST), producer


def test_files_are_named_date_force_campaign_so_an_inbox_sorts_them(tmp_path: Path) -> None:
    built = build([FORCES / f"{force}.yaml" for force in REFERENCE_FORCES], out_dir=tmp_path / "out")
    names = sorted(path.relative_to(tmp_path / "out").as_posix() for item in built for path in item.files)
    stems = {
        "bedfordshire": "2012-12-11-bedfordshire-police-revisiting-police-relationships",
        "british-transport-police": "2012-12-11-british-transport-police-revisiting-police-relationships",
        "thames-valley": "2012-12-11-thames-valley-police-revisiting-police-relationships",
    }
    assert names == sorted(f"{slug}/{stem}.{fmt.value}" for slug, stem in stems.items() for fmt in ALL_FORMATS)


def test_every_force_gets_a_distinct_plain_file_name() -> None:
    the_release = release("thames-valley", "final")
    stems = {force.slug: dataclasses.replace(the_release, force=force).file_stem for force in forces().values()}
    assert len(set(stems.values())) == len(stems) == 44
    for stem in stems.values():
        assert re.fullmatch(r"2012-12-11-[a-z0-9]+(-[a-z0-9]+)*-revisiting-police-relationships", stem), stem
    assert stems["dyfed-powys"] == "2012-12-11-dyfed-powys-police-revisiting-police-relationships"
    assert stems["devon-and-cornwall"] == "2012-12-11-devon-and-cornwall-police-revisiting-police-relationships"
