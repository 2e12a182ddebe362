"""Bilingual releases: the four Welsh forces' releases in Welsh and English, at the same time.

Everything is exercised on the example round (forces/value-for-money-2013), whose
Dyfed-Powys form is bilingual: real builds and batches, read back with python-docx,
pikepdf, pdffonts and an HTML parser; Welsh gaps found by ``authoring validate`` at their
lines; the Welsh page checked by axe-core in Chromium.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from authoring.build.batch import run_batch
from authoring.build.pipeline import build, load_releases
from authoring.cli.app import app
from authoring.fonts import BILINGUAL_FAMILY
from authoring.inputs.validate import validate
from authoring.model.language import WelshSettings
from authoring.model.phrasing import counted, long_date, money, percent, phrase, speaking, weekday
from authoring.model.types import PdfEngine
from authoring.registry import forces
from authoring.render import Format
from tests.conftest import ROOT
from tests.outputs import ENGINES
from tests.readback import front_matter, markdown_text, normalise, pdf_text
from tests.test_accessibility_html import needs_axe, run_axe
from tests.test_fonts import embedded_fonts

EXAMPLE = ROOT / "forces" / "value-for-money-2013"
STEM = "2013-07-18-dyfed-powys-police-value-for-money-in-policing-2013-example"
runner = CliRunner()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A writable copy of the example round."""
    target = tmp_path / "value-for-money-2013"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dyfed-Powys release of the example round, built in every format (both languages)."""
    out = tmp_path_factory.mktemp("built")
    build([EXAMPLE / "dyfed-powys.yaml"], out_dir=out)
    return out / "dyfed-powys"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _html_lang(data: bytes) -> str | None:
    """The lang attribute of a page's html element, as an HTML parser reads it."""
    found: list[str | None] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "html":
                found.append(dict(attrs).get("lang"))

    Reader().feed(data.decode("utf-8"))
    return found[0]


def _pdftotext(pdf: Path) -> str:
    """Everything printed on the pages, margin boxes included (poppler's pdftotext)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# --------------------------------------------------------------------------- which releases are bilingual


def test_the_registry_marks_the_four_welsh_forces_with_their_welsh_names() -> None:
    bilingual = {slug: force.welsh_name for slug, force in forces().items() if force.bilingual}
    assert bilingual == {
        "dyfed-powys": "Heddlu Dyfed-Powys",
        "gwent": "Heddlu Gwent",
        "north-wales": "Heddlu Gogledd Cymru",
        "south-wales": "Heddlu De Cymru",
    }


def test_a_campaign_adds_a_force_or_takes_one_off() -> None:
    settings = WelshSettings(add=["british-transport-police"], remove=["gwent"])
    assert settings.bilingual("british-transport-police")
    assert not settings.bilingual("gwent")
    assert settings.bilingual("dyfed-powys")
    assert not settings.bilingual("kent")


def test_an_unknown_force_in_the_welsh_block_is_named_at_its_line(example: Path) -> None:
    campaign = example / "campaign.yaml"
    _replace(campaign, "  add: []     # e.g. [british-transport-police]", "  add: [gwentt]")
    problems = validate([campaign]).problems
    assert [(p.line, p.field) for p in problems] == [(_line_of(campaign, "add: [gwentt]"), "welsh.add")]
    assert "did you mean 'gwent'" in problems[0].message


def test_a_force_added_by_the_campaign_needs_its_welsh_too(example: Path) -> None:
    kent = example / "kent.yaml"
    _replace(example / "campaign.yaml", "  add: []     # e.g. [british-transport-police]", "  add: [kent]")
    problems = validate([kent]).problems
    assert {(p.path, p.field) for p in problems} == {(kent, "findings.3"), (kent, "quote.0")}
    assert all(p.message.startswith("Welsh missing") for p in problems)
    _replace(kent, "status: final", "status: draft")
    (release,) = (release for _, release in load_releases([kent]))
    assert release.translations[0].headline.startswith("Kent Police yn dda am gael gwerth am arian")


def test_a_force_taken_off_gets_english_only(example: Path) -> None:
    _replace(example / "campaign.yaml", "  remove: []  # e.g. [gwent]", "  remove: [dyfed-powys]")
    (release,) = (release for _, release in load_releases([example / "dyfed-powys.yaml"]))
    assert release.translations == ()


# --------------------------------------------------------------------------- dates and numbers in Welsh


def test_dates_come_from_cldr_and_numbers_are_figures_in_welsh() -> None:
    day = dt.date(2012, 12, 11)
    with speaking("cy"):
        assert f"{weekday(day)} {long_date(day)}" == "Dydd Mawrth 11 Rhagfyr 2012"
        assert counted(3, "swyddog") == "3 swyddog"  # never 'tri' (the noun's gender and mutation)
        assert counted(0, "swyddog", "swyddogion") == "dim swyddogion"
        assert (money(749_000_000), money(12_500), percent(12.5)) == ("£749m", "£12,500", "12.5%")
        assert phrase("{{ d | weekday | upper }} {{ and_list(['Gwent', 'Abertawe']) }}", {"d": day}) == (
            "DYDD MAWRTH Gwent ac Abertawe"
        )
    assert (long_date(day), counted(3, "case")) == ("11 December 2012", "three cases")  # English again after


# --------------------------------------------------------------------------- validate: the Welsh gaps


def test_every_missing_welsh_text_is_listed_at_its_line(example: Path) -> None:
    campaign, form = example / "campaign.yaml", example / "dyfed-powys.yaml"
    _replace(
        campaign,
        "  revisit: >-\n    Yn y cylch enghreifftiol hwn, edrychodd HMIC ar gynlluniau pob heddlu ar gyfer cyfnod yr\n"
        "    adolygiad o wariant.\n",
        "",
    )
    _replace(form, "status: final", "status: draft")
    _replace(
        form,
        "    cy: Mae’r heddlu wedi cytuno â Heddlu Gwent i rannu ei weithdy cerbydau yn Nhŷ Glas o fis Ebrill 2014.\n",
        "",
    )
    _replace(
        form,
        "    cy: >-\n      Mae’r enghraifft hon yn dangos heddlu sydd â rhagor o arbedion i ddod o hyd iddynt o hyd,\n"
        "      ac y mae’n rhaid iddo benderfynu’n fuan sut y bydd yn dod o hyd iddynt.\n",
        '    cy: "TODO: ask the translator"\n',
    )
    report = validate([example])
    assert report.ok  # a draft may leave its Welsh to do
    gaps = {(p.path.name, p.line, p.field) for p in report.gaps if "Welsh" in p.message}
    assert gaps == {
        ("campaign.yaml", _line_of(campaign, "revisit: In this example round"), "revisit"),
        ("dyfed-powys.yaml", _line_of(form, "  - en: The force has agreed"), "findings.3"),
        ("dyfed-powys.yaml", _line_of(form, 'cy: "TODO: ask the translator"'), "quote.0.cy"),
    }
    result = runner.invoke(app, ["validate", "--final", str(example)])
    assert result.exit_code != 0
    assert f"dyfed-powys.yaml:{_line_of(form, '  - en: The force has agreed')}:5: findings.3: Welsh missing" in (
        result.output
    )


def test_a_final_bilingual_form_with_a_welsh_gap_does_not_build_and_the_others_do(example: Path) -> None:
    form = example / "dyfed-powys.yaml"
    _replace(form, "    cy: Mae’r heddlu wedi cytuno", "    cy: TODO\n    was: Mae’r heddlu wedi cytuno")
    _replace(form, "    was: Mae’r", "    # was: Mae’r")
    report = run_batch([example], out_dir=example.parent / "out", jobs=1)
    failed = {outcome.form.name: outcome.problems for outcome in report.outcomes if outcome.problems}
    assert list(failed) == ["dyfed-powys.yaml"]
    assert [problem.field for problem in failed["dyfed-powys.yaml"]] == ["findings.3.cy"]
    assert (example.parent / "out" / "kent").is_dir()


def test_the_welsh_templates_and_examples_are_checked_like_the_english(example: Path) -> None:
    campaign = example / "campaign.yaml"
    _replace(
        campaign, "            Yn 2013/14 mae’r heddlu’n bwriadu gwario £2.4bn.", "            Yn 2013/14: £2.4bn."
    )
    _replace(campaign, "    good: yn dda am gael\n", "    good: yn dda am gael\n    great: yn wych am gael\n")
    _replace(campaign, '    findings_lead_in: "Mae proffil', '    findings_lead_in: "{{ forse.name }} Mae proffil')
    problems = {(p.line, p.field): p.message for p in validate([campaign]).problems}
    says = _line_of(campaign, "Yn 2013/14: £2.4bn.") - 1  # the line of 'says: >-'
    assert problems[(says, "cy.findings.spending.examples.1.says")] == (
        "the template gives: Yn 2013/14 mae’r heddlu’n bwriadu gwario £2.4bn."
    )
    assert "the English has no 'great'" in problems[(_line_of(campaign, "great: yn wych"), "cy.verdicts.great")]
    lead_in = problems[(_line_of(campaign, "{{ forse.name }}"), "cy.sentences.findings_lead_in")]
    assert lead_in == "no placeholder 'forse' here; did you mean 'force'?"


# --------------------------------------------------------------------------- outputs: both languages, marked


def test_both_languages_build_in_every_format_beside_each_other(built: Path) -> None:
    assert sorted(path.name for path in built.iterdir()) == sorted(
        f"{STEM}{suffix}.{ext}" for suffix in ("", "-cy") for ext in ("docx", "html", "pdf", "md")
    )
    welsh_md = (built / f"{STEM}-cy.md").read_text(encoding="utf-8")
    assert "# Heddlu Dyfed-Powys angen gwella o ran cael gwerth am arian" in welsh_md
    assert "Datganiad i’r wasg, 18 Gorffennaf 2013" in welsh_md
    assert "DAN EMBARGO TAN 00:01 DYDD IAU 18 GORFFENNAF 2013" in welsh_md
    english_md = (built / f"{STEM}.md").read_text(encoding="utf-8")
    assert "Gorffennaf" not in english_md
    assert "18 July 2013" in english_md


def test_each_markdown_release_names_its_language_in_front_matter(built: Path, tmp_path: Path) -> None:
    """YAML front matter, ``lang`` as the HTML page has it: read with PyYAML as a site generator or pandoc
    reads it; the Markdown after it is the release alone (a CommonMark parser reads no 'lang' in it)."""
    build([EXAMPLE / "kent.yaml"], out_dir=tmp_path, formats=[Format.MD])  # an English-only release has it too
    (kent,) = (tmp_path / "kent").glob("*.md")
    for path, language in ((built / f"{STEM}.md", "en-GB"), (built / f"{STEM}-cy.md", "cy"), (kent, "en-GB")):
        markdown = path.read_text(encoding="utf-8")
        assert markdown.startswith(f"---\nlang: {language}\n---\n\n")
        meta, body = front_matter(markdown)
        assert meta == {"lang": language}
        assert meta["lang"] == _html_lang(path.with_suffix(".html").read_bytes()) if path != kent else True
        tokens = MarkdownIt("commonmark").parse(body)
        assert tokens[0].type == "paragraph_open"  # the embargo: no rule, no heading before it
        assert next(token.tag for token in tokens if token.type == "heading_open") == "h1"  # the headline first
        assert "lang" not in markdown_text(path.read_bytes())
    assert "DAN EMBARGO TAN" in markdown_text((built / f"{STEM}-cy.md").read_bytes())


def test_each_language_is_marked_in_html_pdf_and_docx(built: Path) -> None:
    for suffix, html_lang, word_lang, page in (
        ("", "en-GB", "en-GB", "Page 1 of 2"),
        ("-cy", "cy", "cy-GB", "Tudalen 1 o 2"),
    ):
        assert _html_lang((built / f"{STEM}{suffix}.html").read_bytes()) == html_lang
        with pikepdf.open(built / f"{STEM}{suffix}.pdf") as pdf:
            assert str(pdf.Root.Lang) == html_lang
            assert "/StructTreeRoot" in pdf.Root  # tagged: each passage in the structure, in that language
        assert page in _pdftotext(built / f"{STEM}{suffix}.pdf")  # the page's foot, in its language
        document = docx.Document(str(built / f"{STEM}{suffix}.docx"))
        assert document.core_properties.language == word_lang
        langs = {lang.get(docx.oxml.ns.qn("w:val")) for lang in document.styles.element.iter(docx.oxml.ns.qn("w:lang"))}
        assert langs == {word_lang}
        fonts = {f.get(docx.oxml.ns.qn("w:ascii")) for f in document.styles.element.iter(docx.oxml.ns.qn("w:rFonts"))}
        assert fonts - {None} == {"Fira Sans"}  # the one family of a bilingual release, as in the PDF


#: What pdffonts lists for the one family of a bilingual release, by engine (the subset prefix left off).
ONE_FAMILY_FACES = {
    PdfEngine.WEASYPRINT: {"Fira-Sans-House", "Fira-Sans-House-Bold", "Fira-Sans-House-Italic"},
    PdfEngine.TYPST: {"FiraSans-Regular", "FiraSans-Bold", "FiraSans-Italic"},
}
#: Hostile Welsh: ŵ ŷ Ŵ Ŷ inside words and alone, names in Greek and Cyrillic, and zeros (a plain zero).
HOSTILE_WELSH = {
    "en": "Officers from Tŷ Glas met Ŵyr Ŷd, Σωκράτης Παπαδόπουλος and Ольга Петрова in 2014 (020 7946 0600).",
    "cy": "Cyfarfu swyddogion o Dŷ Glas â Ŵyr Ŷd, Σωκράτης Παπαδόπουλος ac Ольга Петрова yn 2014: ŵ ŷ Ŵ Ŷ.",
}


@pytest.fixture(scope="module", params=ENGINES, ids=lambda engine: engine.value)
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[PdfEngine, Path]:
    """The Dyfed-Powys PDFs (both languages) by each engine, with a finding of hostile Welsh added."""
    engine: PdfEngine = request.param
    folder = tmp_path_factory.mktemp(f"printed-{engine.value}")
    shutil.copytree(EXAMPLE, folder / "round")
    form = folder / "round" / "dyfed-powys.yaml"
    data = yaml.safe_load(form.read_text(encoding="utf-8"))
    data["findings"].append(HOSTILE_WELSH)
    form.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build([form], out_dir=folder / "out", formats=[Format.PDF], pdf_engine=engine)
    return engine, folder / "out" / "dyfed-powys"


def _pdffonts(pdf: Path) -> list[list[str]]:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in listing.splitlines()[2:]]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda engine: engine.value)
def test_every_welsh_letter_comes_from_one_family(built: Path, engine: PdfEngine, tmp_path: Path) -> None:
    """The example round's bilingual release, as shipped, by each engine: both PDFs in the one family."""
    build([EXAMPLE / "dyfed-powys.yaml"], out_dir=tmp_path, formats=[Format.PDF], pdf_engine=engine)
    for suffix, place in (("", "at Tŷ Glas"), ("-cy", "yn Nhŷ Glas")):
        pdf = tmp_path / "dyfed-powys" / f"{STEM}{suffix}.pdf"
        if engine is PdfEngine.WEASYPRINT:
            assert pdf.read_bytes() == (built / pdf.name).read_bytes()  # as `authoring build` makes it
        assert place in pdf_text(pdf.read_bytes())  # a Welsh letter inside a word, in both languages
        names = {row[0].split("+", 1)[1] for row in _pdffonts(pdf)}
        assert names == ONE_FAMILY_FACES[engine]  # one family


def test_hostile_welsh_prints_every_letter_from_the_one_family(printed: tuple[PdfEngine, Path]) -> None:
    """Tŷ, Ŵyr, Ŷ alone, Greek and Cyrillic names: each PDF embeds Fira Sans alone (pdffonts, and the
    font programs themselves, read with pikepdf), and its text copies back letter for letter."""
    engine, folder = printed
    for suffix, language in (("", "en"), ("-cy", "cy")):
        pdf = folder / f"{STEM}{suffix}.pdf"
        rows = _pdffonts(pdf)
        assert {row[0].split("+", 1)[1] for row in rows} == ONE_FAMILY_FACES[engine]
        assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)  # embedded, subset, with a Unicode map
        fonts = embedded_fonts(pdf.read_bytes())
        assert {program["name"].getDebugName(1) for _, program in fonts} == {BILINGUAL_FAMILY.name}
        text = pdf_text(pdf.read_bytes())
        assert normalise(HOSTILE_WELSH[language]) in text  # no letter split into a letter and an accent
        assert not re.search(r"[\u0300-\u036f]", text)  # no combining accent anywhere


def test_each_pdf_is_marked_with_its_language_by_either_engine(printed: tuple[PdfEngine, Path]) -> None:
    """The catalog's /Lang; Typst's XMP and the language of its marked text too: the release's, nothing else."""
    engine, folder = printed
    for suffix, language, page in (("", "en-GB", "Page 1 of 2"), ("-cy", "cy", "Tudalen 1 o 2")):
        with pikepdf.open(folder / f"{STEM}{suffix}.pdf") as pdf:
            assert str(pdf.Root.Lang) == language
            marked = {
                str(operands[1].Lang)
                for page_object in pdf.pages
                for operands, operator in pikepdf.parse_content_stream(page_object)
                if str(operator) == "BDC" and isinstance(operands[-1], pikepdf.Dictionary) and "/Lang" in operands[-1]
            }
            structure = {str(node.Lang) for node in _structure(pdf.Root.StructTreeRoot) if "/Lang" in node}
            assert marked | structure <= {language}  # every passage in the release's language
            if engine is PdfEngine.TYPST:
                assert pdf.open_metadata().get("dc:language") == {language}
                assert marked == {language}  # Typst marks its text with the language; each passage inherits it
        assert page in _pdftotext(folder / f"{STEM}{suffix}.pdf")  # the page's foot, in its language


def _structure(node: object) -> list[pikepdf.Dictionary]:
    """Every structure element under ``node``."""
    if isinstance(node, pikepdf.Array):
        return [element for child in node for element in _structure(child)]
    if isinstance(node, pikepdf.Dictionary) and "/K" in node:
        return [node, *_structure(node.K)]
    return [node] if isinstance(node, pikepdf.Dictionary) else []


def test_an_english_only_release_keeps_the_house_font(tmp_path: Path) -> None:
    build([EXAMPLE / "kent.yaml"], out_dir=tmp_path / "out")
    (pdf,) = (tmp_path / "out" / "kent").glob("*.pdf")
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Atkinson-Hyperlegible-House" in listing
    assert "Fira" not in listing
    assert sorted(path.suffix for path in (tmp_path / "out" / "kent").iterdir()) == [".docx", ".html", ".md", ".pdf"]


def test_the_batch_records_both_languages_and_rebuilds_a_missing_welsh_file(example: Path) -> None:
    out = example.parent / "out"
    run_batch([example], out_dir=out, jobs=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = (value for key, value in manifest["releases"].items() if key.endswith("dyfed-powys.yaml"))
    assert list(entry["files"]) == ["docx", "docx@cy", "html", "html@cy", "pdf", "pdf@cy", "md", "md@cy"]
    assert entry["files"]["pdf@cy"]["path"] == f"dyfed-powys/{STEM}-cy.pdf"
    (out / "dyfed-powys" / f"{STEM}-cy.pdf").unlink()
    report = run_batch([example], out_dir=out, jobs=1)
    rebuilt = {outcome.form.name: outcome.status.value for outcome in report.outcomes}
    assert rebuilt["dyfed-powys.yaml"] == "built"
    assert rebuilt["kent.yaml"] == "unchanged"
    assert (out / "dyfed-powys" / f"{STEM}-cy.pdf").is_file()


@needs_axe
def test_axe_core_finds_no_violations_in_the_welsh_page(built: Path, tmp_path: Path) -> None:
    results = run_axe((built / f"{STEM}-cy.html").read_bytes(), tmp_path / "page", stylesheet=True)
    assert results["violations"] == []
    assert {"html-has-lang", "html-lang-valid", "document-title"} <= set(results["passes"])


def test_a_draft_prints_each_welsh_gap_where_it_belongs(example: Path) -> None:
    form = example / "dyfed-powys.yaml"
    _replace(form, "status: final", "status: draft")
    _replace(form, "    cy: Mae’r heddlu wedi cytuno", "    cy: TODO\n    was: Mae’r heddlu wedi cytuno")
    _replace(form, "    was: Mae’r", "    # was: Mae’r")
    (release,) = (release for _, release in load_releases([form]))
    welsh = release.translations[0]
    assert welsh.language == "cy"
    assert welsh.findings[3].text == "[TODO: findings — Cymraeg]"
    assert release.findings[3].text.startswith("The force has agreed")
    out = example.parent / "out"
    build([form], out_dir=out)  # the draft builds, in both languages
    assert "[TODO: findings — Cymraeg]" in pdf_text((out / "dyfed-powys" / f"{STEM}-cy.pdf").read_bytes())


# --------------------------------------------------------------------------- the translator's round trip


def test_the_po_round_trip_is_lossless_and_keeps_the_yaml_as_written(example: Path, tmp_path: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    po = tmp_path / "round.po"
    result = runner.invoke(app, ["welsh-export", str(example), "--out", str(po)])
    assert result.exit_code == 0, result.output
    exported = po.read_bytes()
    catalog = read_po(po.open("rb"))
    entry = catalog.get(
        "The force has agreed with Gwent Police to share its vehicle workshop at Tŷ Glas from April 2014.",
        context="dyfed-powys.yaml:findings.3",
    )
    assert entry is not None
    assert entry.string.startswith("Mae’r heddlu wedi cytuno")
    assert entry.locations == [("dyfed-powys.yaml", _line_of(example / "dyfed-powys.yaml", "  - en: The force"))]
    before = {path.name: path.read_bytes() for path in example.iterdir()}
    # importing what was exported changes nothing: no file is even rewritten
    result = runner.invoke(app, ["welsh-import", str(po), str(example)])
    assert result.exit_code == 0, result.output
    assert {path.name: path.read_bytes() for path in example.iterdir()} == before
    # a Welsh text lost from the form comes back from the translator's file, exactly as it was
    form = example / "dyfed-powys.yaml"
    _replace(
        form,
        "    cy: Mae’r heddlu wedi cytuno â Heddlu Gwent i rannu ei weithdy cerbydau yn Nhŷ Glas o fis Ebrill 2014.\n",
        "",
    )
    assert [p.field for p in validate([example]).problems] == ["findings.3"]
    result = runner.invoke(app, ["welsh-import", str(po), str(example)])
    assert result.exit_code == 0, result.output
    assert "1 Welsh texts written" in result.output
    assert {path.name: path.read_bytes() for path in example.iterdir()} == before
    # an entry changed in the translator's tool: that line changes, and nothing else (comments kept)
    catalog = read_po(io.BytesIO(exported))
    message = catalog.get("is good at", context="campaign.yaml:verdicts.good")
    assert message is not None
    message.string = "yn dda iawn am gael"
    edited = tmp_path / "edited.po"
    with edited.open("wb") as stream:
        write_po(stream, catalog, width=100)
    assert runner.invoke(app, ["welsh-import", str(edited), str(example)]).exit_code == 0
    campaign = before["campaign.yaml"].decode()
    expected = campaign.replace("    good: yn dda am gael\n", "    good: yn dda iawn am gael\n", 1)
    assert (example / "campaign.yaml").read_text(encoding="utf-8") == expected
    assert runner.invoke(app, ["welsh-export", str(example), "--out", str(po)]).exit_code == 0
    changed = b'msgstr "yn dda iawn am gael"'
    assert po.read_bytes() == exported.replace(b'msgstr "yn dda am gael"', changed)  # only that entry


def test_an_entry_whose_english_changed_is_reported_not_written(example: Path, tmp_path: Path) -> None:
    po = tmp_path / "round.po"
    assert runner.invoke(app, ["welsh-export", str(example), "--out", str(po)]).exit_code == 0
    _replace(po, 'msgstr "yn dda am gael"', 'msgstr "yn dda iawn am gael"')
    _replace(example / "campaign.yaml", "  good: is good at", "  good: is very good at")
    before = (example / "campaign.yaml").read_bytes()
    result = runner.invoke(app, ["welsh-import", str(po), str(example)])
    assert result.exit_code == 1
    assert "campaign.yaml:verdicts.good: the English has changed since the export; not written" in result.output
    assert (example / "campaign.yaml").read_bytes() == before


# --------------------------------------------------------------------------- the preview


def test_the_preview_shows_both_languages_each_marked() -> None:
    from authoring.preview.page import compose

    page = compose(EXAMPLE / "dyfed-powys.yaml", version="1")
    sections: list[dict[str, str | None]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("section", "main", "html"):
                sections.append({"tag": tag, **dict(attrs)})

    Reader().feed(page.html)
    assert [s.get("lang") for s in sections if s["tag"] in ("html", "section") and s.get("lang")] == ["en-GB", "cy"]
    assert [s["tag"] for s in sections].count("main") == 1  # one main landmark: the English release's
    english, welsh = page.html.split('<section class="preview-translation" lang="cy"', 1)
    assert "Dyfed-Powys Police requires improvement in getting value for money" in english
    assert "Heddlu Dyfed-Powys angen gwella o ran cael gwerth am arian" in welsh


@needs_axe
def test_axe_core_finds_no_violations_in_the_bilingual_preview(tmp_path: Path) -> None:
    from authoring.preview.page import compose

    page = compose(EXAMPLE / "dyfed-powys.yaml", version="1")
    results = run_axe(page.html.encode(), tmp_path / "page", stylesheet=True)
    assert results["violations"] == []


def test_a_new_form_for_a_welsh_force_explains_the_twins_and_the_editors_schema_accepts_them(example: Path) -> None:
    import jsonschema
    import yaml

    result = runner.invoke(app, ["new", "gwent", "--out", str(example / "gwent.yaml")])
    assert result.exit_code == 0, result.output
    skeleton = (example / "gwent.yaml").read_text(encoding="utf-8")
    assert "give each text's Welsh beside its" in skeleton
    assert "welsh_twins" not in skeleton
    assert validate([example / "gwent.yaml"]).ok  # a new draft is valid, its Welsh still to do
    schema = json.loads((example / "form.schema.json").read_text(encoding="utf-8"))
    form = yaml.safe_load((example / "dyfed-powys.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(form, schema)  # the twins are valid for the editors too
    form["quote"][0]["fr"] = "Pas de français"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(form, schema)


# --------------------------------------------------------------------------- hostile twins


def test_a_twin_where_no_text_goes_or_welsh_that_is_not_text_is_refused_at_its_line(example: Path) -> None:
    form = example / "kent.yaml"  # not bilingual: its twins are checked all the same
    _replace(form, "grade: good", "grade: {en: good, cy: da}")
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace("quote:\n  - ", "quote:\n  - en: The words.\n    cy: 42\n  - ", 1), encoding="utf-8")
    problems = {(p.line, p.field): p.message for p in validate([form]).problems}
    assert problems[(_line_of(form, "grade:"), "grade.cy")].startswith("only a text has a Welsh twin")
    assert problems[(_line_of(form, "    cy: 42"), "quote.0.cy")] == "the Welsh must be text"


@settings(deadline=None, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    welsh=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zl", "Zp")),
        min_size=1,
        max_size=80,
    ).filter(lambda text: text.strip() and "TODO" not in text)
)
def test_any_welsh_text_is_printed_as_written_never_as_markup(example: Path, welsh: str) -> None:
    from authoring.fonts import uncovered
    from authoring.render import render
    from tests.readback import html_text

    form = example / "dyfed-powys.yaml"
    data = yaml.safe_load(EXAMPLE.joinpath("dyfed-powys.yaml").read_text(encoding="utf-8"))
    data["findings"][3]["cy"] = welsh
    form.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = validate([form])
    if not report.ok:  # refused (an invisible direction control, a letter no font has): at the Welsh's line
        assert all(problem.field.startswith("findings.3") for problem in report.problems)
        return
    (release,) = (release for _, release in load_releases([form]))
    outputs = render(release, ["html"])
    text = html_text(outputs["html@cy"])
    assert normalise(welsh.strip()) in text or uncovered(welsh)
    assert "<" not in welsh or "<" in text


# --------------------------------------------------------------------------- one e-mail, both languages


def test_a_bilingual_release_goes_in_one_message_welsh_first_with_both_pdfs(example: Path) -> None:
    from tests.smtp_server import Server

    out = example.parent / "out"
    with Server() as server:
        result = runner.invoke(app, ["send", str(example), "--smtp", server.url(), "--out", str(out), "--jobs", "1"])
        received = list(server.received)
    assert result.exit_code == 1, result.output  # the example round's Metropolitan form is a draft: not sent
    messages = {item.message["Subject"]: item.message for item in received if "dyfed-powys" in str(item.message)}
    (subject, message), *_ = messages.items()
    assert len(messages) == 1
    assert subject.startswith("DAN EMBARGO TAN 00:01 DYDD IAU 18 GORFFENNAF 2013: Heddlu Dyfed-Powys angen gwella")
    assert " / EMBARGOED UNTIL 00:01 THURSDAY 18 JULY 2013: Dyfed-Powys Police requires improvement" in subject
    attached = [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]
    assert [name for name, _ in attached] == [f"{STEM}-cy.pdf", f"{STEM}.pdf"]
    folder = out / "dyfed-powys"
    assert [data for _, data in attached] == [(folder / name).read_bytes() for name, _ in attached]
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None
    assert html_part is not None
    text = text_part.get_content().replace("\r\n", "\n")
    from authoring.mail.text import plain_text

    (release,) = (release for _, release in load_releases([example / "dyfed-powys.yaml"]))
    assert text == f"{plain_text(release.translations[0])}\n\n---\n\n{plain_text(release)}"  # Welsh first
    assert text.startswith("DAN EMBARGO TAN")
    html = html_part.get_content()
    assert html.index('<div lang="cy">') < html.index('<div lang="en-GB">')
    kent = [item.message for item in received if "kent-police" in str(item.message)]
    assert kent
    assert all(len(list(m.iter_attachments())) == 1 for m in kent)  # an English-only release: as before


def test_a_correction_note_needs_its_welsh_and_prints_it_with_a_welsh_date(example: Path) -> None:
    form = example / "dyfed-powys.yaml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text + "corrections:\n  - date: 2013-07-19\n    note: Corrected the savings figure.\n", "utf-8")
    problems = validate([form]).problems
    assert [(p.line, p.field) for p in problems] == [(_line_of(form, "note: Corrected"), "corrections.0.note")]
    _replace(
        form,
        "    note: Corrected the savings figure.\n",
        "    note:\n      en: Corrected the savings figure.\n      cy: Cywiro ffigur yr arbedion.\n",
    )
    (release,) = (release for _, release in load_releases([form]))
    assert release.translations[0].correction_notes == (
        ("2013-07-19", "19 Gorffennaf 2013", "Cywiro ffigur yr arbedion."),
    )
    assert release.correction_notes == (("2013-07-19", "19 July 2013", "Corrected the savings figure."),)
