"""One bilingual document: a bilingual release's Welsh and English in one file, Welsh first (docs/welsh.md).

Every test builds real files from a copy of the example round (whose campaign asks for the
document only where the test says so) and reads them back as a reader's tools do: an HTML
parser, pikepdf and pypdf (each passage's text with the /Lang of its structure element),
poppler, python-docx, a CommonMark parser, Chromium with axe-core.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import docx
import pikepdf
import pypdf
import pytest
from docx.oxml.ns import qn
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from authoring.build.batch import run_batch
from authoring.build.pipeline import build, load_releases
from authoring.cli.app import app
from authoring.inputs.validate import validate
from authoring.model.bilingual_document import BilingualDocument, bilingual_document
from authoring.model.language import BilingualLayout
from authoring.model.types import PdfEngine
from authoring.render import Format, render
from tests.conftest import ROOT
from tests.readback import front_matter
from tests.test_accessibility_html import needs_axe, run_axe

EXAMPLE = ROOT / "forces" / "value-for-money-2013"
STEM = "2013-07-18-dyfed-powys-police-value-for-money-in-policing-2013-example"
COMMENTED = "  # bilingual_document: side-by-side  # or welsh-first; none unless asked\n"
WELSH_HEADLINE = "Heddlu Dyfed-Powys angen gwella o ran cael gwerth am arian, yn ôl arolygiad enghreifftiol"
ENGLISH_HEADLINE = "Dyfed-Powys Police requires improvement in getting value for money, example inspection finds"
WELSH_FINDING = "Mae’r heddlu wedi cytuno â Heddlu Gwent i rannu ei weithdy cerbydau yn Nhŷ Glas o fis Ebrill 2014."
ENGLISH_FINDING = "The force has agreed with Gwent Police to share its vehicle workshop at Tŷ Glas from April 2014."
FORMATS = ("docx", "html", "pdf", "md")
runner = CliRunner()


def asking(folder: Path, layout: str | None) -> Path:
    """A copy of the example round in ``folder``, its campaign asking for ``layout`` (None: the shipped campaign)."""
    target = folder / "value-for-money-2013"
    shutil.copytree(EXAMPLE, target)
    if layout is not None:
        _replace(target / "campaign.yaml", COMMENTED, f"  bilingual_document: {layout}\n")
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.fixture(scope="module", params=["side-by-side", "welsh-first"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The example's Dyfed-Powys release built in every format, its campaign asking for a bilingual document."""
    layout: str = request.param
    folder = tmp_path_factory.mktemp(layout)
    round_ = asking(folder, layout)
    build([round_ / "dyfed-powys.yaml"], out_dir=folder / "out")
    return layout, folder / "out" / "dyfed-powys"


def _document(form: Path) -> BilingualDocument:
    (release,) = (release for _, release in load_releases([form]))
    document = bilingual_document(release)
    assert document is not None
    return document


# --------------------------------------------------------------------------- readers


class _Cells(HTMLParser):
    """Each element with a lang (html, article, th, td, p…) in document order: its tag, lang and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[dict[str, str]] = []
        self.open: list[dict[str, str]] = []
        self.depth: list[str] = []
        self.rows: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and found.get("class"):
            self.rows.append(found["class"] or "")
        if "lang" in found:
            part = {"tag": tag, "lang": found["lang"] or "", "text": ""}
            self.parts.append(part)
            self.open.append(part)
            self.depth.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.depth and self.depth[-1] == tag:
            self.depth.pop()
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1]["text"] += data


def cells(data: bytes) -> _Cells:
    reader = _Cells()
    reader.feed(data.decode("utf-8"))
    reader.close()
    return reader


def _space(text: str) -> str:
    return " ".join(text.split())


def pdf_text_by_language(pdf: Path) -> dict[str | None, list[str]]:
    """The PDF's text, grouped by the language its structure element says (None: outside the structure tree).

    pypdf decodes each run of text and says which marked content (MCID) it is in; pikepdf
    walks the structure tree from each element down to its marked contents, inheriting
    /Lang as PDF readers do (ISO 32000-1, 14.9.2).
    """
    texts: dict[tuple[int, int], str] = defaultdict(str)
    for number, page in enumerate(pypdf.PdfReader(pdf).pages):
        stack: list[int | None] = []

        def before(op: bytes, args: list[object], cm: object, tm: object) -> None:
            if op == b"BDC":
                properties = args[1] if len(args) > 1 else None
                stack.append(properties.get("/MCID") if isinstance(properties, dict) else None)  # noqa: B023
            elif op == b"BMC":
                stack.append(None)  # noqa: B023
            elif op == b"EMC" and stack:  # noqa: B023
                stack.pop()  # noqa: B023

        def text(words: str, cm: object, tm: object, font: object, size: object) -> None:
            mcid = next((m for m in reversed(stack) if m is not None), None)  # noqa: B023
            if mcid is not None:
                texts[(number, int(mcid))] += words  # noqa: B023

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    languages: dict[tuple[int, int], str | None] = {}
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}

        def walk(node: object, language: str | None, page: int | None) -> None:
            if isinstance(node, int):
                assert page is not None
                languages[(page, node)] = language
            elif isinstance(node, pikepdf.Dictionary):
                language = str(node.Lang) if "/Lang" in node else language
                page = pages[node.Pg.objgen] if "/Pg" in node else page
                kids = node.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
                    walk(int(kid) if isinstance(kid, int) else kid, language, page)

        walk(document.Root.StructTreeRoot, None, None)
    grouped: dict[str | None, list[str]] = defaultdict(list)
    for key in sorted(texts):
        grouped[languages.get(key)].append(texts[key])
    return {language: [_space(" ".join(words))] for language, words in grouped.items()}


def _pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _run_langs(element: object) -> set[str | None]:
    """The w:lang of every run (text, field or link) inside a Word element."""
    found = set()
    for run in element.iter(qn("w:r")):  # type: ignore[attr-defined]
        properties = run.find(qn("w:rPr"))
        lang = properties.find(qn("w:lang")) if properties is not None else None
        found.add(lang.get(qn("w:val")) if lang is not None else None)
    return found


# --------------------------------------------------------------------------- the setting, and what it leaves alone


def test_the_default_makes_no_bilingual_document_and_asking_for_one_changes_no_other_file(tmp_path: Path) -> None:
    shipped = asking(tmp_path / "shipped", None)
    build([shipped / "dyfed-powys.yaml"], out_dir=tmp_path / "shipped" / "out")
    before = {path.name: path.read_bytes() for path in (tmp_path / "shipped" / "out" / "dyfed-powys").iterdir()}
    assert sorted(before) == sorted(f"{STEM}{suffix}.{ext}" for suffix in ("", "-cy") for ext in FORMATS)
    for layout in ("side-by-side", "welsh-first"):
        asked = asking(tmp_path / layout, layout)
        build([asked / "dyfed-powys.yaml"], out_dir=tmp_path / layout / "out")
        after = {path.name: path.read_bytes() for path in (tmp_path / layout / "out" / "dyfed-powys").iterdir()}
        assert sorted(after) == sorted([*before, *(f"{STEM}-cy-en.{ext}" for ext in FORMATS)])
        assert {name: after[name] for name in before} == before  # the English and Welsh files, byte for byte


def test_an_english_only_release_gets_no_bilingual_document(tmp_path: Path) -> None:
    asked = asking(tmp_path, "side-by-side")
    build([asked / "kent.yaml"], out_dir=tmp_path / "out")
    assert sorted(path.name for path in (tmp_path / "out" / "kent").iterdir()) == sorted(
        f"2013-07-18-kent-police-value-for-money-in-policing-2013-example.{ext}" for ext in FORMATS
    )


def test_a_layout_that_is_not_one_is_named_at_its_line_with_the_choices(tmp_path: Path) -> None:
    asked = asking(tmp_path, "sidebyside")
    campaign = asked / "campaign.yaml"
    problems = validate([campaign]).problems
    assert [(p.line, p.field) for p in problems] == [
        (_line_of(campaign, "bilingual_document: sidebyside"), "welsh.bilingual_document")
    ]
    assert "welsh-first" in problems[0].message
    assert "side-by-side" in problems[0].message


def test_the_passages_pair_up_welsh_first_in_reading_order(tmp_path: Path) -> None:
    document = _document(asking(tmp_path, "side-by-side") / "dyfed-powys.yaml")
    assert document.layout is BilingualLayout.SIDE_BY_SIDE
    assert document.file_stem == f"{STEM}-cy-en"
    kinds = [row.kind for row in document.rows]
    assert kinds == [
        "embargo",
        "masthead",
        "headline",
        "background",
        "revisit",
        "findings_intro",
        *["finding"] * 4,
        "quote",
        "full_report",
        "notes_heading",
        *["note"] * 4,
    ]
    assert all(row.welsh and row.english for row in document.rows)


# --------------------------------------------------------------------------- HTML


def test_the_html_page_is_welsh_each_english_part_marked_welsh_first(built: tuple[str, Path]) -> None:
    layout, folder = built
    page = (folder / f"{STEM}-cy-en.html").read_bytes()
    read = cells(page)
    assert read.parts[0]["tag"] == "html"
    assert read.parts[0]["lang"] == "cy"
    marked = [part for part in read.parts[1:] if part["tag"] not in ("p",)]  # the screen-only footer's lines
    if layout == "side-by-side":
        headings = [(part["tag"], part["lang"], _space(part["text"])) for part in marked if part["tag"] == "th"]
        assert headings == [("th", "cy", "Cymraeg"), ("th", "en-GB", "English")]
        columns = [part for part in marked if part["tag"] == "td"]
        assert [part["lang"] for part in columns] == ["cy", "en-GB"] * (len(columns) // 2)
        assert len(columns) == 2 * len(read.rows)
        assert read.rows[:3] == ["passage-embargo", "passage-masthead", "passage-headline"]
        pairs = [(_space(columns[i]["text"]), _space(columns[i + 1]["text"])) for i in range(0, len(columns), 2)]
        assert (WELSH_HEADLINE, ENGLISH_HEADLINE) in pairs
        assert (WELSH_FINDING, ENGLISH_FINDING) in pairs
        assert b"<table" in page
        assert b'<th scope="col"' in page
    else:
        articles = [part for part in marked if part["tag"] == "article"]
        assert [part["lang"] for part in articles] == ["cy", "en-GB"]
        welsh, english = (_space(article["text"]) for article in articles)
        assert WELSH_HEADLINE in welsh
        assert WELSH_FINDING in welsh
        assert ENGLISH_HEADLINE not in welsh
        assert ENGLISH_HEADLINE in english
        assert ENGLISH_FINDING in english
        assert page.count(b'<ul class="findings">') == 2  # each release's findings, one list each


def test_side_by_side_is_two_columns_that_become_welsh_then_english_on_a_narrow_screen(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility_html import CHROMIUM, CHROMIUM_FLAGS

    if CHROMIUM is None:
        pytest.skip("the layout check needs Chromium; run scripts/install-a11y-tools (CI does)")
    asked = asking(tmp_path, "side-by-side")
    build([asked / "dyfed-powys.yaml"], out_dir=tmp_path / "out", formats=[Format.HTML])
    page_file = tmp_path / "out" / "dyfed-powys" / f"{STEM}-cy-en.html"
    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        try:
            boxes = {}
            for width in (1200, 360):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto(page_file.as_uri())
                welsh = page.locator("tr.passage-headline td[lang=cy]").bounding_box()
                english = page.locator('tr.passage-headline td[lang="en-GB"]').bounding_box()
                boxes[width] = (welsh, english)
                page.close()
        finally:
            browser.close()
    (welsh, english) = boxes[1200]
    assert welsh is not None
    assert english is not None
    assert welsh["x"] + welsh["width"] <= english["x"] + 1  # Welsh on the left, English on the right
    assert abs(welsh["y"] - english["y"]) < 1  # the same passage, side by side
    (welsh, english) = boxes[360]
    assert welsh is not None
    assert english is not None
    assert welsh["y"] + welsh["height"] <= english["y"] + 1  # one column: the Welsh, then the English under it


@needs_axe
def test_axe_core_finds_no_violations_in_either_layout(built: tuple[str, Path], tmp_path: Path) -> None:
    _, folder = built
    results = run_axe((folder / f"{STEM}-cy-en.html").read_bytes(), tmp_path / "page", stylesheet=True)
    assert results["violations"] == []
    assert {"html-has-lang", "html-lang-valid", "valid-lang", "document-title", "region"} <= set(results["passes"])


# --------------------------------------------------------------------------- PDF


def test_each_passage_of_the_pdf_is_tagged_with_its_language(built: tuple[str, Path]) -> None:
    _, folder = built
    pdf = folder / f"{STEM}-cy-en.pdf"
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "cy"
        assert "/StructTreeRoot" in document.Root
    texts = pdf_text_by_language(pdf)
    assert set(texts) == {"cy", "en-GB", None}
    welsh, english, outside = texts["cy"][0], texts["en-GB"][0], texts[None][0]
    for words in (WELSH_HEADLINE, "Mae’r heddlu wedi cytuno â Heddlu Gwent", "Nodiadau i olygyddion"):
        assert _space(words) in welsh
        assert _space(words) not in english
    for words in (ENGLISH_HEADLINE, "The force has agreed with Gwent Police", "Notes for editors"):
        assert _space(words) in english
        assert _space(words) not in welsh
    assert "Tudalen 1 o" in outside  # only the page's foot is outside the structure (WeasyPrint's margin boxes)
    assert "Gwent" not in outside


def test_the_pdf_reads_welsh_first_in_one_family_with_each_page_foot_in_its_language(built: tuple[str, Path]) -> None:
    layout, folder = built
    pdf = folder / f"{STEM}-cy-en.pdf"
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert {line.split()[0].split("+", 1)[1] for line in listing.splitlines()[2:]} == {
        "Fira-Sans-House",
        "Fira-Sans-House-Bold",
        "Fira-Sans-House-Italic",
    }
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo.Title) == f"{WELSH_HEADLINE} / {ENGLISH_HEADLINE}"
        pages = len(document.pages)
    if layout == "welsh-first":
        text = _space(_pdftotext(pdf))
        assert text.index("Heddlu Dyfed-Powys angen gwella") < text.index("Nodiadau i olygyddion")
        assert text.index("Nodiadau i olygyddion") < text.index("Dyfed-Powys Police requires improvement")
        feet = [_space(page) for page in _pdftotext(pdf).split("\f") if page.strip()]
        english_from = next(i for i, page in enumerate(feet) if "EMBARGOED UNTIL" in page)
        assert all(f"Tudalen {n + 1} o {pages}" in page for n, page in enumerate(feet[:english_from]))
        assert all(f"Page {n + 1} of {pages}" in feet[n] for n in range(english_from, pages))
        assert not any("Page " in page for page in feet[:english_from])
    else:
        lines = _pdftotext(pdf, "-layout").splitlines()
        headline = next(line for line in lines if "Heddlu Dyfed-Powys angen" in line)
        assert headline.index("Heddlu Dyfed-Powys angen") < headline.index("Dyfed-Powys Police requires")  # left, right
        feet = _space(_pdftotext(pdf))
        assert all(f"Tudalen {n} o {pages} Page {n} of {pages}" in feet for n in range(1, pages + 1))


def test_typst_prints_the_releases_and_weasyprint_the_bilingual_document(tmp_path: Path) -> None:
    asked = asking(tmp_path, "side-by-side")
    build([asked / "dyfed-powys.yaml"], out_dir=tmp_path / "out", formats=[Format.PDF], pdf_engine=PdfEngine.TYPST)
    folder = tmp_path / "out" / "dyfed-powys"
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{STEM}{suffix}.pdf" for suffix in ("", "-cy", "-cy-en")
    )
    producers = {}
    for suffix in ("", "-cy", "-cy-en"):
        with pikepdf.open(folder / f"{STEM}{suffix}.pdf") as document:
            producers[suffix] = str(document.docinfo.get("/Producer", "")) + str(document.docinfo.get("/Creator", ""))
    assert "Typst" in producers[""]
    assert "Typst" in producers["-cy"]
    assert "WeasyPrint" in producers["-cy-en"]
    assert "en-GB" in pdf_text_by_language(folder / f"{STEM}-cy-en.pdf")


# --------------------------------------------------------------------------- Word


def test_the_word_document_marks_every_run_with_its_language(built: tuple[str, Path]) -> None:
    layout, folder = built
    word = docx.Document(str(folder / f"{STEM}-cy-en.docx"))
    assert word.core_properties.language == "cy-GB"
    assert word.core_properties.title == f"{WELSH_HEADLINE} / {ENGLISH_HEADLINE}"
    fonts = {f.get(qn("w:ascii")) for f in word.styles.element.iter(qn("w:rFonts"))}
    assert fonts - {None} == {"Fira Sans"}
    if layout == "side-by-side":
        (table,) = word.tables
        heading, *rows = table.rows
        assert [cell.text for cell in heading.cells] == ["Cymraeg", "English"]
        assert heading._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page, read as headings
        for row in [heading, *rows]:
            welsh, english = row.cells
            assert _run_langs(welsh._tc) <= {"cy-GB"}
            assert _run_langs(english._tc) <= {"en-GB"}
        cells_of = [tuple(row.cells) for row in rows]
        texts = [(welsh.text, english.text) for welsh, english in cells_of]
        assert (WELSH_HEADLINE, ENGLISH_HEADLINE) in texts
        assert (WELSH_FINDING, ENGLISH_FINDING) in texts
        styles = [(welsh.paragraphs[0].style.name, english.paragraphs[0].style.name) for welsh, english in cells_of]
        assert ("Heading 1", "Heading 1") in styles
        assert ("List Bullet", "List Bullet") in styles
    else:
        assert word.tables == []
        assert len(word.sections) == 2
        paragraphs = [p for p in word.paragraphs if p.text.strip()]
        texts = [p.text for p in paragraphs]
        welsh_at, english_at = texts.index(WELSH_HEADLINE), texts.index(ENGLISH_HEADLINE)
        assert welsh_at < texts.index("Nodiadau i olygyddion") < english_at
        body = list(word.element.body)
        boundary = next(
            i for i, element in enumerate(body) if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
        )
        assert set().union(*(_run_langs(element) for element in body[:boundary])) == {"cy-GB"}
        assert set().union(*(_run_langs(element) for element in body[boundary + 1 :])) == {"en-GB"}
        feet = [section.footer.paragraphs[0].text for section in word.sections]
        assert feet[0].startswith("Datganiad i’r wasg HMIC · Heddlu Dyfed-Powys")
        assert "\tTudalen 1 o 1" in feet[0]
        assert feet[1].startswith("HMIC press release · Dyfed-Powys Police")
        assert "\tPage 1 of 1" in feet[1]
        assert [p.style.name for p in paragraphs[welsh_at : welsh_at + 1]] == ["Heading 1"]


def test_each_languages_notes_are_numbered_from_one_and_links_are_links(built: tuple[str, Path]) -> None:
    _, folder = built
    word = docx.Document(str(folder / f"{STEM}-cy-en.docx"))
    lists: dict[str, set[str]] = defaultdict(set)
    for paragraph in word.element.body.iter(qn("w:p")):
        numbering = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if numbering is not None:
            lists[next(iter(_run_langs(paragraph)))].add(numbering.get(qn("w:val")))
    assert len(lists["cy-GB"]) == len(lists["en-GB"]) == 1
    assert lists["cy-GB"] != lists["en-GB"]  # two lists, each starting at 1
    numbering = word.part.numbering_part.element
    for (num_id,) in (lists["cy-GB"], lists["en-GB"]):
        num = numbering.num_having_numId(int(num_id))
        assert num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}").get(qn("w:val")) == "1"
    links = list(word.element.body.iter(qn("w:hyperlink")))
    assert len(links) == 2  # the full report's address, in each language
    targets = {word.part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert targets == {"http://www.hmic.gov.uk"}
    assert [next(iter(_run_langs(link))) for link in links] == ["cy-GB", "en-GB"]


# --------------------------------------------------------------------------- Markdown


def test_the_markdown_is_the_welsh_then_the_english_in_either_layout(built: tuple[str, Path]) -> None:
    _, folder = built
    meta, together = front_matter((folder / f"{STEM}-cy-en.md").read_text(encoding="utf-8"))
    assert meta == {"lang": "cy"}  # the document's language, once, as its HTML page's
    welsh_meta, welsh = front_matter((folder / f"{STEM}-cy.md").read_text(encoding="utf-8"))
    english_meta, english = front_matter((folder / f"{STEM}.md").read_text(encoding="utf-8"))
    assert (welsh_meta, english_meta) == ({"lang": "cy"}, {"lang": "en-GB"})
    assert together.lstrip("\n") == welsh.strip("\n") + "\n\n* * *\n\n" + english.lstrip("\n")
    tokens = [token.type for token in MarkdownIt("commonmark").parse(together)]
    assert tokens.count("hr") == 1  # a real thematic break between the two, not a heading's underline
    assert "lang:" not in together  # no second front matter in the middle (it would print as a heading)
    assert together.index(WELSH_HEADLINE) < together.index(ENGLISH_HEADLINE)


# --------------------------------------------------------------------------- hostile Welsh, drafts and gaps


HOSTILE = "<script>alert(1)</script> & </td></tr> {{ 7*7 }} ]]><w:t>x</w:t> *i* [l](javascript:x) # not a heading"


@pytest.mark.parametrize("layout", ["side-by-side", "welsh-first"])
def test_hostile_welsh_is_printed_as_written_in_every_format(tmp_path: Path, layout: str) -> None:
    asked = asking(tmp_path, layout)
    form = asked / "dyfed-powys.yaml"
    _replace(form, f"    cy: {WELSH_FINDING}", f"    cy: '{HOSTILE}'")
    (release,) = (release for _, release in load_releases([form]))
    printed = release.translations[0].findings[3].text  # as written; only *i* is italics, as in English
    assert printed == HOSTILE.replace("*i*", "i")
    outputs = render(release)
    html = outputs[Format("html@cy+en")]
    read = cells(html)
    assert read.scripts == 0
    assert any(printed in _space(part["text"]) for part in read.parts if part["lang"] == "cy")
    assert b"<script>" not in html
    word = docx.Document(io.BytesIO(outputs[Format("docx@cy+en")]))
    word_text = [p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert printed in word_text
    markdown = outputs[Format("md@cy+en")].decode()
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<script>" not in rendered
    assert "javascript:" not in rendered.replace("[l](javascript:x)", "")  # no link made of it
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(outputs[Format("pdf@cy+en")])
    assert "<script>alert(1)</script> &" in pdf_text_by_language(pdf)["cy"][0]


def test_a_draft_with_welsh_gaps_builds_its_document_and_a_final_one_is_refused(tmp_path: Path) -> None:
    asked = asking(tmp_path, "side-by-side")
    form = asked / "dyfed-powys.yaml"
    out = tmp_path / "out"
    run_batch([asked], out_dir=out, jobs=1)
    good = (out / "dyfed-powys" / f"{STEM}-cy-en.pdf").read_bytes()
    _replace(form, f"    cy: {WELSH_FINDING}", "    cy: TODO")
    result = runner.invoke(app, ["validate", "--final", str(asked)])
    assert result.exit_code == 1
    assert f"dyfed-powys.yaml:{_line_of(form, '    cy: TODO')}:9: findings.3.cy:" in result.output
    report = run_batch([asked], out_dir=out, jobs=1)
    failed = {o.form.name: o.status.value for o in report.outcomes}
    assert failed["dyfed-powys.yaml"] == "failed"
    assert (out / "dyfed-powys" / f"{STEM}-cy-en.pdf").read_bytes() == good  # the good file stays
    _replace(form, "status: final", "status: draft")
    report = run_batch([asked], out_dir=out, jobs=1)
    assert {o.form.name: o.status.value for o in report.outcomes}["dyfed-powys.yaml"] == "built"
    html = (out / "dyfed-powys" / f"{STEM}-cy-en.html").read_bytes()
    gap = [p for p in cells(html).parts if p["tag"] == "td" and "[TODO: findings — Cymraeg]" in p["text"]]
    assert [p["lang"] for p in gap] == ["cy"]
    assert "DRAFFT — NID I’W GYHOEDDI / DRAFT" in _space(_pdftotext(out / "dyfed-powys" / f"{STEM}-cy-en.pdf"))


# --------------------------------------------------------------------------- batch, build, preview, send


def test_the_batch_records_rebuilds_and_removes_the_bilingual_files_like_the_others(tmp_path: Path) -> None:
    asked = asking(tmp_path, "welsh-first")
    out = tmp_path / "out"
    run_batch([asked], out_dir=out, jobs=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = (value for key, value in manifest["releases"].items() if key.endswith("dyfed-powys.yaml"))
    assert list(entry["files"]) == [
        *("docx", "docx@cy", "docx@cy+en", "html", "html@cy", "html@cy+en"),
        *("pdf", "pdf@cy", "pdf@cy+en", "md", "md@cy", "md@cy+en"),
    ]
    assert entry["files"]["pdf@cy+en"]["path"] == f"dyfed-powys/{STEM}-cy-en.pdf"
    again = run_batch([asked], out_dir=out, jobs=1)
    assert {o.form.name: o.status.value for o in again.outcomes}["dyfed-powys.yaml"] == "unchanged"
    (out / "dyfed-powys" / f"{STEM}-cy-en.docx").unlink()
    again = run_batch([asked], out_dir=out, jobs=1)
    outcome = next(o for o in again.outcomes if o.form.name == "dyfed-powys.yaml")
    assert (outcome.status.value, outcome.reason) == ("built", "file missing or edited")
    assert (out / "dyfed-powys" / f"{STEM}-cy-en.docx").is_file()
    _replace(asked / "campaign.yaml", "  bilingual_document: welsh-first\n", "")
    removed = run_batch([asked], out_dir=out, jobs=1).removed
    assert sorted(path.name for path in removed) == sorted(f"{STEM}-cy-en.{ext}" for ext in FORMATS)
    assert not list((out / "dyfed-powys").glob("*-cy-en.*"))


def test_build_lists_the_bilingual_files_and_format_picks_them_too(tmp_path: Path) -> None:
    asked = asking(tmp_path, "side-by-side")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(asked / "dyfed-powys.yaml"), "--out", str(out), "-f", "md,html"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        str(out / "dyfed-powys" / f"{STEM}{suffix}.{ext}") for suffix in ("", "-cy", "-cy-en") for ext in ("html", "md")
    ]


def test_the_preview_shows_the_bilingual_document_and_prints_its_pdf(tmp_path: Path) -> None:
    from authoring.preview.server import Preview

    asked = asking(tmp_path, "side-by-side")
    preview = Preview(asked / "dyfed-powys.yaml")
    read = cells(preview.page.html.encode())
    assert read.parts[0]["lang"] == "cy"
    assert [p["lang"] for p in read.parts if p["tag"] == "th"] == ["cy", "en-GB"]
    assert "preview-translation" not in preview.page.html  # shown once, in the document, not again below it
    links = re.findall(r'<a href="(/release[^"]*\.pdf)"[^>]*>(.*?)</a>', preview.page.html)
    assert links == [
        ("/release-cy-en.pdf", 'y PDF dwyieithog / <span lang="en-GB">the bilingual PDF</span>'),
        ("/release.pdf", "the PDF as it will be printed"),
        ("/release-cy.pdf", "y PDF Cymraeg fel y caiff ei argraffu"),
    ]
    name, pdf = preview.pdf("cy+en")
    assert name == f"{STEM}-cy-en.pdf"
    path = tmp_path / name
    path.write_bytes(pdf)
    assert set(pdf_text_by_language(path)) == {"cy", "en-GB", None}
    assert [preview.pdf(language)[0] for language in (None, "cy")] == [f"{STEM}.pdf", f"{STEM}-cy.pdf"]


def test_the_preview_of_a_release_without_a_bilingual_document_has_no_such_pdf(tmp_path: Path) -> None:
    from authoring.preview.server import NoTranslationError, Preview

    preview = Preview(asking(tmp_path, None) / "dyfed-powys.yaml")
    assert "/release-cy-en.pdf" not in preview.page.html
    with pytest.raises(NoTranslationError, match="no bilingual document: its campaign asks for none"):
        preview.pdf("cy+en")


@needs_axe
def test_axe_core_finds_no_violations_in_the_preview_of_a_bilingual_document(tmp_path: Path) -> None:
    from authoring.preview.page import compose

    asked = asking(tmp_path, "side-by-side")
    page = compose(asked / "dyfed-powys.yaml", version="1")
    results = run_axe(page.html.encode(), tmp_path / "page", stylesheet=True)
    assert results["violations"] == []


def test_send_attaches_the_bilingual_document_first_then_both_languages(tmp_path: Path) -> None:
    from tests.smtp_server import Server

    asked = asking(tmp_path, "welsh-first")
    out = tmp_path / "out"
    with Server() as server:
        result = runner.invoke(app, ["send", str(asked), "--smtp", server.url(), "--out", str(out), "--jobs", "1"])
        received = list(server.received)
    assert result.exit_code == 1, result.output  # the example round's Metropolitan form is a draft: not sent
    (message,) = (item.message for item in received if "dyfed-powys" in str(item.message))
    attached = [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]
    assert [name for name, _ in attached] == [f"{STEM}-cy-en.pdf", f"{STEM}-cy.pdf", f"{STEM}.pdf"]
    folder = out / "dyfed-powys"
    assert [data for _, data in attached] == [(folder / name).read_bytes() for name, _ in attached]
    kent = [item.message for item in received if "kent-police" in str(item.message)]
    assert kent
    assert all(len(list(m.iter_attachments())) == 1 for m in kent)
    lines = [json.loads(line) for line in (asked / "sent.jsonl").read_text(encoding="utf-8").splitlines()]
    (line,) = (line for line in lines if line["release"] == "dyfed-powys.yaml")
    assert line["attachments"] == [  # the journal knows every file the message carried, the document first
        {"file": f"dyfed-powys/{name}", "sha256": hashlib.sha256(data).hexdigest()} for name, data in attached
    ]


def test_a_force_taken_off_the_bilingual_ones_loses_its_welsh_files_too(tmp_path: Path) -> None:
    asked = asking(tmp_path, None)
    out = tmp_path / "out"
    run_batch([asked], out_dir=out, jobs=1)
    assert len(list((out / "dyfed-powys").glob("*-cy.*"))) == 4
    _replace(asked / "campaign.yaml", "  remove: []  # e.g. [gwent]", "  remove: [dyfed-powys]")
    removed = run_batch([asked], out_dir=out, jobs=1).removed
    assert sorted(path.name for path in removed) == sorted(f"{STEM}-cy.{ext}" for ext in FORMATS)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = (value for key, value in manifest["releases"].items() if key.endswith("dyfed-powys.yaml"))
    assert list(entry["files"]) == ["docx", "html", "pdf", "md"]


def test_a_corrected_draft_pairs_its_draft_marks_and_corrections_side_by_side(tmp_path: Path) -> None:
    asked = asking(tmp_path, "side-by-side")
    form = asked / "dyfed-powys.yaml"
    _replace(form, "status: final", "status: draft")
    notes = "corrections:\n  - date: 2013-07-19\n    note:\n      en: Corrected a figure.\n      cy: Cywiro ffigur.\n"
    form.write_text(form.read_text(encoding="utf-8") + notes, encoding="utf-8")
    document = _document(form)
    assert [row.kind for row in document.rows][:5] == ["draft_mark", "embargo", "masthead", "headline", "corrections"]
    (release,) = (release for _, release in load_releases([form]))
    outputs = render(release)
    read = cells(outputs[Format("html@cy+en")])
    assert read.rows[:5] == [
        f"passage-{kind}" for kind in ("draft-mark", "embargo", "masthead", "headline", "corrections")
    ]
    columns = [(part["lang"], _space(part["text"])) for part in read.parts if part["tag"] == "td"]
    assert ("cy", "DRAFFT — NID I’W GYHOEDDI") in columns
    assert ("en-GB", "DRAFT — NOT FOR PUBLICATION") in columns
    assert ("cy", "Cywiriadau 19 Gorffennaf 2013: Cywiro ffigur.") in columns
    assert ("en-GB", "Corrections 19 July 2013: Corrected a figure.") in columns
    word = docx.Document(io.BytesIO(outputs[Format("docx@cy+en")]))
    rows = [tuple(cell.text for cell in row.cells) for row in word.tables[0].rows]
    assert ("Cywiriadau\n19 Gorffennaf 2013: Cywiro ffigur.", "Corrections\n19 July 2013: Corrected a figure.") in rows
    assert word.sections[0].header.paragraphs[0].text == "DRAFFT — NID I’W GYHOEDDI / DRAFT — NOT FOR PUBLICATION"
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(outputs[Format("pdf@cy+en")])
    texts = pdf_text_by_language(pdf)
    assert "Cywiriadau" in texts["cy"][0]
    assert "Corrections" not in texts["cy"][0]
    assert "Corrections 19 July 2013" in texts["en-GB"][0]
