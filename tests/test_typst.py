"""The Typst PDF engine: the release as data, never markup; the house fonts and its own folder only;
chosen per run (``--pdf-engine``) or by a campaign; used by build, batch and preview; its pages
compared, as images, with WeasyPrint's.

The checks every PDF passes (PDF/UA tags, metadata, fonts, determinism, hostile text, the seeds'
sentences) run on both engines in tests/test_pdf.py, test_fonts.py, test_security.py,
test_reference_forces.py and test_guarantees.py; here is what is the Typst engine's own.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from typer.testing import CliRunner

from authoring.build.batch import BuildStatus, run_batch
from authoring.build.pipeline import build, load_releases
from authoring.cli.app import app
from authoring.exceptions import TemplateProblemError
from authoring.fonts import BILINGUAL_FAMILY, FALLBACK, FAMILIES, HOUSE, _family_covered
from authoring.model.inline import Inline, Span
from authoring.model.types import PdfEngine
from authoring.preview.page import PDF_PATH
from authoring.preview.server import preview_server
from authoring.render import Format, making, render, renderer
from authoring.render.environment import Templates, shipped_templates
from authoring.render.typst import TYPST_TEMPLATE, house_covers, release_data
from tests.conftest import FORCES, REFERENCE_FORCES, ROOT
from tests.outputs import ENGINES, form_copy, pdf, release, with_engine
from tests.readback import normalise, pdf_pages, pdf_text

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="poppler's pdftoppm/pdftotext not found: run scripts/install-a11y-tools (CI does)",
)

#: Typst's own syntax in form text: code, math, content blocks, escapes, references, labels,
#: comments, raw blocks, set and show rules, headings and lists: each must print as written.
HOSTILE_TYPST = {
    "code": '#panic("INJECTED") #read("/etc/passwd") #eval("1 + 1") #import "/etc/passwd": *',
    "math": "$x^2 + sqrt(2)$ costs $5 and $$ twice",
    "content": "[#strong[not bold]] ] [ _not italic_ ]] [[ * ",  # (*words* is the forms' own italics)
    "escapes": "\\ \\# \\u{1F600} \\\\ C:\\path\\to\\#file",
    "references": "@intro <label> @nosuch <a><b> see @sec:one",
    "comments": "before // a line comment /* a block comment */ after",
    "raw": "```typ #panic()``` and `#x` and ```` four ````",
    "rules": "#set page(fill: red) #show: none #let x = 1 #{ 1 + 1 } #(x)",
    "markup": "= heading == two + item - bullet / term: text ~ -- --- ... 'single' \"double\"",
    "json": '"},{"t":"INJECTED","i":true,"u":"javascript:alert(1)"}]],"headline":"X',
}


def hostile_release(tmp_path: Path, engine: PdfEngine = PdfEngine.TYPST) -> tuple[object, bytes]:
    """The reference release with every hostile value as a finding, in the quote and after the findings."""
    form = form_copy("thames-valley", "final", tmp_path)
    values = "".join(f"  - {_yaml(value)}\n" for value in HOSTILE_TYPST.values())
    text = form.read_text(encoding="utf-8").replace("findings:\n", f"findings:\n{values}", 1)
    text = text.replace("quote:\n", f"quote:\n  - {_yaml(HOSTILE_TYPST['code'])}\n", 1)
    form.write_text(text, encoding="utf-8")
    [(_, the_release)] = load_releases([form], campaign=FORCES / "campaign.yaml", pdf_engine=engine)
    return the_release, render(the_release, [Format.PDF])[Format.PDF]


def _yaml(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _squeezed(text: str) -> str:
    """Text without white space or bullets: a PDF breaks long values across lines and pages."""
    text = re.sub(r"HMIC press release · [^·]+ · 11 December 2012 Page \d+ of \d+", "", text)
    return re.sub(r"[\s•]", "", text)


def struct_types(data: bytes) -> list[str]:
    """Every structure element's type in the PDF's tag tree, in document order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(io.BytesIO(data)) as document:
        walk(document.Root.StructTreeRoot.K)
    return found


def producer(data: bytes) -> str:
    with pikepdf.open(io.BytesIO(data)) as document:
        return str(document.docinfo.get("/Creator", "")) + " " + str(document.docinfo.get("/Producer", ""))


# --- Data, never markup -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_TYPST)
def test_typst_syntax_in_a_form_is_printed_as_written(tmp_path: Path, name: str) -> None:
    _, data = hostile_release(tmp_path)
    assert re.sub(r"\s", "", normalise(HOSTILE_TYPST[name])) in _squeezed(pdf_text(data))


def test_typst_syntax_in_a_form_adds_nothing_and_runs_nothing(tmp_path: Path) -> None:
    the_release, data = hostile_release(tmp_path)
    clean = pdf("thames-valley", "final", PdfEngine.TYPST)
    text = pdf_text(data)
    assert "root:" not in text  # /etc/passwd was not read
    assert "INJECTED" in text
    assert text.count("#panic(") == 3  # a finding, the raw block's, the quote: as text
    assert text.count("Notes to editors") == 1
    tags, clean_tags = struct_types(data), struct_types(clean)
    # The same kinds of element; one more list item per hostile finding, nothing else added.
    assert sorted(set(tags)) == sorted(set(clean_tags))
    for kind in ("/H1", "/H2", "/BlockQuote", "/L"):
        assert tags.count(kind) == clean_tags.count(kind), kind
    assert tags.count("/LI") == clean_tags.count("/LI") + len(HOSTILE_TYPST)
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.docinfo["/Title"]) == the_release.headline  # the JSON was not broken out of
        links = [
            str(annotation.A.URI)
            for page in document.pages
            for annotation in page.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
    assert links == ["http://www.hmic.gov.uk"] * 3  # the full report's and two notes' links, no other


def test_the_release_reaches_typst_as_data_only() -> None:
    """The template reads the release from sys.inputs once and evaluates no string as Typst."""
    text = (shipped_templates() / TYPST_TEMPLATE).read_text(encoding="utf-8")
    source = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    assert source.count("sys.inputs") == 1
    assert "json(bytes(sys.inputs.release))" in source
    assert source.count("#import") == 1
    assert '#import "house.typ": *' in source  # the house style, beside it: the one other file it reads
    assert not re.search(r"\beval\(|\bread\(|#include", source)
    house = (shipped_templates() / "typst" / "house.typ").read_text(encoding="utf-8")
    assert not re.search(r"\beval\(|\bread\(|#import|#include|sys\.inputs", house)
    data = release_data(release("thames-valley", "draft"))
    assert data["headline"] == release("thames-valley", "draft").headline
    assert data["findings"][0][0] == {
        "t": release("thames-valley", "draft").findings[0].spans[0].text,
        "i": False,
        "u": None,
    }


_TYPST_TEXT = st.text(
    alphabet=st.sampled_from(list("#$[]\\@<>/*_`=-+~'\"{}():;,.!?&%^| abcXYZ019\u00e9\u0175\u03a3\u0416")),
    min_size=1,
    max_size=60,
).filter(lambda value: value.strip() != "")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_TYPST_TEXT)
def test_fuzzed_text_prints_as_written_and_never_breaks_the_build(value: str) -> None:
    the_release = with_engine(release("thames-valley", "final"), PdfEngine.TYPST)
    span = Inline((Span(value),))
    fuzzed = dataclasses.replace(the_release, findings=(span, *the_release.findings), quote=(span.italicised(),))
    data = render(fuzzed, [Format.PDF])[Format.PDF]
    assert _squeezed(normalise(value)) in _squeezed(pdf_text(data))


# --- The house fonts and the template's own folder only ---------------------------------------------


def test_the_house_font_covers_what_its_table_has_and_nothing_else() -> None:
    covers = house_covers()
    assert covers.startswith("[")
    assert covers.endswith("]")
    assert "\\x{20}-\\x{7E}" in covers  # ASCII
    assert "\\x{175}" not in covers  # ŵ comes from the fallback, whole


def test_typst_knows_the_two_shipped_families_and_no_font_of_the_machine() -> None:
    """Only the packages' folders: not the machine's fonts (this one has DejaVu), nor Typst's own."""
    from authoring.render.typst import _fonts

    assert sorted(_fonts().families()) == sorted(family.name for family in FAMILIES)


def test_a_bilingual_release_is_set_in_one_family_and_an_english_one_as_before() -> None:
    example = ROOT / "forces" / "value-for-money-2013"
    (english,) = (loaded for _, loaded in load_releases([example / "dyfed-powys.yaml"]))
    (welsh,) = english.translations
    (kent,) = (loaded for _, loaded in load_releases([example / "kent.yaml"]))
    for bilingual in (english, welsh):  # both languages of a bilingual release, as WeasyPrint sets them
        font = release_data(bilingual)["font"]
        assert font["families"] == [{"name": BILINGUAL_FAMILY.name, "covers": None}]
        assert font["fallback"] is False  # no letter from another family
        assert (font["ascent"], font["descent"]) == (0.935, 0.265)  # Fira Sans's, from its file
    font = release_data(kent)["font"]
    assert font["families"] == [
        {"name": HOUSE.name, "covers": house_covers()},
        {"name": FALLBACK.name, "covers": None},
    ]
    assert (font["fallback"], font["ascent"], font["descent"]) == (True, 0.95, 0.29)
    assert release_data(welsh)["lang"] == "cy"
    assert release_data(welsh)["region"] is None
    assert release_data(welsh)["page_number"] == ["Tudalen ", " o ", ""]
    assert release_data(kent)["page_number"] == ["Page ", " of ", ""]


def test_the_one_family_prints_every_character_the_house_font_does() -> None:
    """Why a bilingual release needs no fallback: whatever the two families print, the one family prints."""
    assert _family_covered(HOUSE) <= _family_covered(BILINGUAL_FAMILY)
    assert {ord(char) for char in "ŵŷŴŶâêîôûŵŷÂÊÎÔÛΣωκράτηςОльга"} <= _family_covered(BILINGUAL_FAMILY)


def test_a_template_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(shipped_templates(), folder)
    template = folder / TYPST_TEMPLATE
    template.write_text(
        template.read_text(encoding="utf-8") + '\n#read("../html/release.css")\n#read("/etc/passwd")\n',
        encoding="utf-8",
    )
    the_release = with_engine(release("thames-valley", "final"), PdfEngine.TYPST)
    with pytest.raises(TemplateProblemError, match=r"template typst/release\.typ: line \d+, column \d+: .*"):
        render(the_release, [Format.PDF], templates=Templates.at(folder))


def test_a_template_mistake_is_reported_at_its_line_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(shipped_templates(), folder)
    template = folder / TYPST_TEMPLATE
    lines = template.read_text(encoding="utf-8").splitlines()
    template.write_text("\n".join([*lines, "#nosuch(release.headline)", ""]), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            *("build", str(FORCES / "thames-valley.yaml"), "-f", "pdf", "--pdf-engine", "typst"),
            *("--templates", str(folder), "-o", str(out)),
        ],
    )
    assert result.exit_code == 1
    assert f"template typst/release.typ: line {len(lines) + 1}, column 1: unknown variable: nosuch" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_a_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(shipped_templates(), folder)
    (folder / TYPST_TEMPLATE).unlink()
    the_release = with_engine(release("thames-valley", "final"), PdfEngine.TYPST)
    with pytest.raises(TemplateProblemError, match=r"template typst/release\.typ: not found in "):
        render(the_release, [Format.PDF], templates=Templates.at(folder))


# --- Chosen per run, per campaign, in the house words -----------------------------------------------


def test_the_typst_pdf_needs_no_html_page() -> None:
    typst, weasy = (with_engine(release("thames-valley", "final"), engine) for engine in ENGINES[::-1])
    assert making([Format.PDF], typst) == (Format.PDF,)
    assert making([Format.PDF], weasy) == (Format.HTML, Format.PDF)
    assert renderer(Format.PDF).settings(typst) == {"pdf_engine": "typst"}


def test_build_uses_the_engine_the_run_names(tmp_path: Path) -> None:
    runner = CliRunner()
    made = {}
    for engine in ("typst", "WeasyPrint"):
        out = tmp_path / engine
        result = runner.invoke(
            app, ["build", str(FORCES / "thames-valley.yaml"), "-f", "pdf", "--pdf-engine", engine, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        [path] = out.rglob("*.pdf")
        made[engine] = path.read_bytes()
    assert "Typst" in producer(made["typst"])
    assert "Typst" not in producer(made["WeasyPrint"])
    assert made["typst"] == pdf("thames-valley", "final", PdfEngine.TYPST)
    refused = runner.invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "--pdf-engine", "latex"])
    assert refused.exit_code == 2
    assert "there is no PDF engine called 'latex'; use weasyprint or typst" in refused.stderr


#: The line that opens the campaign's sentences (a campaign may set the house words there).
SENTENCES = "sentences:  # templates: {{ name }} is a placeholder (see docs/campaigns.md)\n"


def test_a_campaign_chooses_the_engine_and_the_run_overrides_it(tmp_path: Path) -> None:
    shutil.copytree(FORCES, tmp_path / "forms")
    campaign = tmp_path / "forms" / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    assert SENTENCES in text
    campaign.write_text(text.replace(SENTENCES, f"{SENTENCES}  pdf_engine: typst\n", 1), encoding="utf-8")
    form = tmp_path / "forms" / "thames-valley.yaml"
    [chosen] = build([form], out_dir=tmp_path / "a", formats=[Format.PDF])
    [overridden] = build([form], out_dir=tmp_path / "b", formats=[Format.PDF], pdf_engine=PdfEngine.WEASYPRINT)
    assert chosen.release.pdf_engine is PdfEngine.TYPST
    assert "Typst" in producer(chosen.files[0].read_bytes())
    assert "Typst" not in producer(overridden.files[0].read_bytes())


def test_an_unknown_engine_in_a_campaign_is_reported_at_its_line(tmp_path: Path) -> None:
    shutil.copytree(FORCES, tmp_path / "forms")
    campaign = tmp_path / "forms" / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text.replace(SENTENCES, f"{SENTENCES}  pdf_engine: latex\n", 1), encoding="utf-8")
    line = text[: text.index(SENTENCES)].count("\n") + 2
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "forms")])
    assert result.exit_code == 1
    assert f"campaign.yaml:{line}:15: sentences.pdf_engine: " in result.stderr
    assert "'weasyprint'" in result.stderr
    assert "'typst'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_batch_with_another_engine_rebuilds_the_pdfs_and_only_them(forces_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch([forces_copy], out_dir=out, jobs=2)
    assert {o.status for o in first.outcomes} == {BuildStatus.BUILT}
    others = {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.suffix in (".html", ".docx", ".md")}
    second = run_batch([forces_copy], out_dir=out, jobs=2, pdf_engine=PdfEngine.TYPST)
    assert [(o.status, o.reason) for o in second.outcomes] == [(BuildStatus.BUILT, "pdf engine changed")] * 3
    assert {path: path.stat().st_mtime_ns for path in others} == others  # the other formats untouched
    for path in out.rglob("*.pdf"):  # the forces' releases; the national release is Typst's whatever the engine
        assert "Typst" in producer(path.read_bytes())
    third = run_batch([forces_copy], out_dir=out, jobs=2, pdf_engine=PdfEngine.TYPST)
    assert {o.status for o in third.outcomes} == {BuildStatus.UNCHANGED}
    back = run_batch([forces_copy], out_dir=out, jobs=2)
    assert [o.reason for o in back.outcomes] == ["pdf engine changed"] * 3
    releases = [path for path in out.rglob("*.pdf") if "national" not in path.parts]
    assert {"Typst" in producer(path.read_bytes()) for path in releases} == {False}


def test_the_preview_links_to_the_pdf_of_the_chosen_engine(tmp_path: Path) -> None:
    form = form_copy("thames-valley", "final", tmp_path)
    shutil.copy(FORCES / "campaign.yaml", tmp_path)
    with preview_server(form, pdf_engine=PdfEngine.TYPST) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with urllib.request.urlopen(server.url.rstrip("/") + PDF_PATH, timeout=30) as response:
                data = response.read()
                kind = response.headers["Content-Type"]
        finally:
            server.shutdown()
            thread.join()
    assert kind == "application/pdf"
    assert "Typst" in producer(data)
    assert data == pdf("thames-valley", "final", PdfEngine.TYPST)


# --- The pages of both engines, compared as images ----------------------------------------------------

#: Resolution of the page images: 1 px is 0.72 pt.
DPI = 100


def page_images(data: bytes, folder: Path, name: str) -> list[Image.Image]:
    """Every page of the PDF as a greyscale image (poppler's pdftoppm)."""
    path = folder / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(path), str(folder / name)], check=True)
    return [Image.open(png).convert("L") for png in sorted(folder.glob(f"{name}-*.png"))]


def ink_lines(image: Image.Image) -> list[tuple[int, int, int]]:
    """The printed lines of a page image: (top row, bottom row, left-most inked column) of each band of rows
    with ink, read across the middle of the page (so that the quote's bar and the boxes' sides join no lines)."""
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    band_columns = range(int(width * 0.3), int(width * 0.7))
    lines: list[tuple[int, int, int]] = []
    start = None
    for row in range(height):
        inked = any(pixels[column, row] < 160 for column in band_columns)
        if inked and start is None:
            start = row
        elif not inked and start is not None:
            left = min(
                (column for r in range(start, row) for column in range(width) if pixels[column, r] < 160), default=0
            )
            lines.append((start, row, left))
            start = None
    return lines


@needs_poppler
@pytest.mark.parametrize("force", REFERENCE_FORCES)
def test_both_engines_print_the_same_pages_line_for_line(force: str, tmp_path: Path) -> None:
    """Final releases (a draft's watermark crosses the lines): same pages, same lines, at the same places."""
    weasy = page_images(pdf(force, "final", PdfEngine.WEASYPRINT), tmp_path, "weasyprint")
    typst = page_images(pdf(force, "final", PdfEngine.TYPST), tmp_path, "typst")
    assert len(weasy) == len(typst) >= 2
    for number, (ours, theirs) in enumerate(zip(weasy, typst, strict=True), start=1):
        assert ours.size == theirs.size
        expected, found = ink_lines(ours), ink_lines(theirs)
        assert len(expected) == len(found), f"page {number}: {len(expected)} lines against {len(found)}"
        for (top, bottom, left), (top2, bottom2, left2) in zip(expected, found, strict=True):
            assert abs(top - top2) <= 1, f"page {number}: line at {top} px"
            assert abs(bottom - bottom2) <= 1, f"page {number}: line at {top} px ends at {bottom} against {bottom2}"
            assert abs(left - left2) <= 1, f"page {number}: line at {top} px starts at {left} against {left2}"


@needs_poppler
@pytest.mark.parametrize("status", ["final", "draft"])
@pytest.mark.parametrize("force", REFERENCE_FORCES)
def test_both_engines_break_every_line_and_page_alike(force: str, status: str) -> None:
    """The words of each printed line, page by page (poppler's reading), are the same for both engines."""
    pages = {engine: _printed_lines(pdf(force, status, engine)) for engine in ENGINES}
    assert pages[PdfEngine.WEASYPRINT] == pages[PdfEngine.TYPST]
    assert len(pdf_pages(pdf(force, status, PdfEngine.TYPST))) == len(pages[PdfEngine.TYPST])


@needs_poppler
@pytest.mark.parametrize("suffix", ["", "-cy"], ids=["english", "welsh"])
def test_both_engines_print_a_bilingual_release_alike_in_its_one_family(suffix: str, tmp_path: Path) -> None:
    """The example round's bilingual release (Fira Sans alone, its own line metrics): the same lines on the
    same pages, each at the same place to a pixel, by either engine, in both languages."""
    example = ROOT / "forces" / "value-for-money-2013"
    (english,) = (loaded for _, loaded in load_releases([example / "dyfed-powys.yaml"]))
    chosen = english if suffix == "" else english.translations[0]
    weasy_pdf = render(chosen, [Format.PDF])[Format.PDF]
    typst_pdf = render(with_engine(chosen, PdfEngine.TYPST), [Format.PDF])[Format.PDF]
    assert _printed_lines(weasy_pdf) == _printed_lines(typst_pdf)
    # Each word on the same baseline, to a hundredth of a point: the lines placed by the family's own metrics.
    heights = [[box[1:] for box in _word_boxes(data)] for data in (weasy_pdf, typst_pdf)]
    assert len(heights[0]) == len(heights[1])
    assert (
        max(abs(a - b) for ours, theirs in zip(*heights, strict=True) for a, b in zip(ours, theirs, strict=True)) < 0.01
    )
    weasy, typst = page_images(weasy_pdf, tmp_path, "weasyprint"), page_images(typst_pdf, tmp_path, "typst")
    assert len(weasy) == len(typst) == 2
    for number, (ours, theirs) in enumerate(zip(weasy, typst, strict=True), start=1):
        expected, found = ink_lines(ours), ink_lines(theirs)
        assert len(expected) == len(found), f"page {number}: {len(expected)} lines against {len(found)}"
        for (top, bottom, left), (top2, bottom2, left2) in zip(expected, found, strict=True):
            assert max(abs(top - top2), abs(bottom - bottom2), abs(left - left2)) <= 1, f"page {number}: {top} px"


def _word_boxes(data: bytes) -> list[tuple[str, float, float]]:
    """Every word with the top and bottom of its box, in points (poppler's pdftotext)."""
    result = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True)
    found = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', result.stdout.decode()
    )
    return [(word, float(top), float(bottom)) for top, bottom, word in found]


def _printed_lines(data: bytes) -> list[list[str]]:
    """Each page's lines of words, without the draft watermark's letters (each engine orders those its own way)."""
    result = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=data, capture_output=True, check=True)
    pages = []
    for page in result.stdout.decode().split("<page ")[1:]:
        lines = [
            " ".join(re.findall(r">([^<]*)</word>", line))
            for line in re.findall(r"<line[^>]*>(.*?)</line>", page, re.S)
        ]
        pages.append([line for line in lines if line not in ("DRAFT", "D", "R", "A", "F", "T")])
    return pages


def test_a_batch_process_renders_typst_pdfs_in_forked_workers(forces_copy: Path, tmp_path: Path) -> None:
    """A fresh `authoring batch` (its workers forked, Typst loaded before the fork but no page laid out)."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "authoring", "batch", str(forces_copy), "-o", str(out), "-j", "2"]
    result = subprocess.run([*command, "--pdf-engine", "typst"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(path for path in out.rglob("*.pdf") if "national" not in path.parts)  # the forces' releases
    assert len(pdfs) == 3
    for path in pdfs:
        assert "Typst" in producer(path.read_bytes())
    slug = path.parent.name
    assert path.read_bytes() == pdf(slug, "final", PdfEngine.TYPST)  # the same bytes as rendered here


def test_typst_is_given_no_format_character_it_refuses() -> None:
    from authoring.render.typst import settable, typst_text

    assert typst_text("plain text, ŵ and Ω") == "plain text, ŵ and Ω"
    assert typst_text("a\ufeffb") == "a\u2060b"  # a zero-width no-break space: the word joiner it stands for
    assert typst_text("a\U00013430b\u0600c") == "abc"  # formats no font draws: left out
    assert typst_text("soft\u00adhy\u200bphen\u200d\u2060\ntab\t") == "soft\u00adhy\u200bphen\u200d\u2060\ntab\t"
    assert settable({"t": ["x\ufeff"], "n": 3, "u": None}) == {"t": ["x\u2060"], "n": 3, "u": None}
