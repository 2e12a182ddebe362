"""The national release: both example rounds declare a summary; batch builds it in four formats.

Every output is read back with real parsers (html.parser, python-docx, markdown-it, pypdf and
pikepdf, csv, json); the expected totals are added up here from the forms themselves, so a
total in a release is checked against the figures of the forms, not against a copy of it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pypdf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.build.batch import BuildStatus, run_batch
from authoring.exceptions import InvalidInputError
from authoring.inputs.load import load_campaign
from authoring.model.phrasing import money, number
from authoring.render.environment import Templates
from tests.conftest import ROOT
from tests.readback import front_matter, markdown_text, normalise, pdf_text
from tests.test_accessibility_html import needs_axe, run_axe

ROUNDS = ("revisiting-police-relationships-2012", "value-for-money-2013")


def copy_rounds(target: Path) -> dict[str, Path]:
    target.mkdir(parents=True, exist_ok=True)
    folders = {}
    for name in ROUNDS:
        folders[name] = target / name
        shutil.copytree(ROOT / "forces" / name, folders[name])
    return folders


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], Path, Any]:
    base = tmp_path_factory.mktemp("national")
    folders = copy_rounds(base / "forces")
    out = base / "output"
    report = run_batch(list(folders.values()), out_dir=out, jobs=2)
    return folders, out, report


def national_files(out: Path, name: str) -> dict[str, Path]:
    """The national release's files by kind: ``html`` … ``json``, and ``<chart>.csv``, ``<chart>.svg``."""
    folder = out / "national" / name
    stem = next(folder.glob("*.json")).stem
    return {path.name.removeprefix(stem).lstrip("-."): path for path in folder.iterdir()}


def forms_of(folder: Path) -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.yaml"))
        if path.name not in ("campaign.yaml", "distribution.yaml")
    ]


def figure(form: dict[str, Any], kind: str, field: str) -> float | None:
    for item in form["findings"]:
        if isinstance(item, dict) and item.get("kind") == kind and isinstance(item.get(field), (int, float)):
            return float(item[field])
    return None


def counted_forms(folder: Path) -> list[dict[str, Any]]:
    """The forms the summary counts: final ones, and drafts if the summary marks them."""
    summary = load_campaign(folder / "campaign.yaml").summary
    assert summary is not None
    return [form for form in forms_of(folder) if form["status"] == "final" or summary.drafts == "mark"]


class Tables(HTMLParser):
    """Every <table>: its caption, header cells (with scope), body rows, foot rows; and every svg's title/desc."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict[str, Any]] = []
        self.svgs: list[dict[str, str]] = []
        self._text: list[str] | None = None
        self._section = ""
        self._row: list[str] | None = None
        self._in_svg: dict[str, str] | None = None
        self._svg_part = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "body": [], "foot": [], "scopes": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td", "caption"):
            self._text = []
            if tag == "th":
                self.tables[-1]["scopes"].append(found.get("scope"))
        elif tag == "svg":
            self._in_svg = {"role": found.get("role") or "", "labelledby": found.get("aria-labelledby") or ""}
            self.svgs.append(self._in_svg)
        elif tag in ("title", "desc") and self._in_svg is not None:
            self._svg_part, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._text is not None and self._row is not None:
            self._row.append(normalise("".join(self._text)))
            self._text = None
        elif tag == "caption" and self._text is not None:
            self.tables[-1]["caption"] = normalise("".join(self._text))
            self._text = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][{"thead": "head", "tbody": "body", "tfoot": "foot"}[self._section]].append(self._row)
            self._row = None
        elif tag in ("title", "desc") and self._in_svg is not None and self._text is not None:
            self._in_svg[self._svg_part] = normalise("".join(self._text))
            self._text = None
        elif tag == "svg":
            self._in_svg = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def tables_of(html: bytes) -> Tables:
    parser = Tables()
    parser.feed(html.decode())
    return parser


@pytest.mark.parametrize("name", ROUNDS)
def test_each_round_builds_its_national_release_in_four_formats_and_its_data(
    built: tuple[dict[str, Path], Path, Any], name: str
) -> None:
    folders, out, report = built
    outcome = next(item for item in report.national if item.round == name)
    assert outcome.status == "built"
    files = national_files(out, name)
    assert {"html", "pdf", "docx", "md", "json"} <= set(files)
    campaign = load_campaign(folders[name] / "campaign.yaml")
    summary = campaign.summary
    assert summary is not None
    assert {f"{key}.csv" for key in summary.charts} | {f"{key}.svg" for key in summary.charts} <= set(files)
    counted = counted_forms(folders[name])
    assert outcome.forces == len(counted)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(value for key, value in manifest["national"].items() if key.endswith(name))
    assert entry["status"] == "built"
    assert entry["forces_counted"] == len(counted)
    assert {record["path"] for record in entry["files"].values()} == {
        path.relative_to(out).as_posix() for path in files.values()
    }


@pytest.mark.parametrize("name", ROUNDS)
def test_the_tables_totals_are_the_forms_figures_added_up(built: tuple[dict[str, Path], Path, Any], name: str) -> None:
    folders, out, _ = built
    files = national_files(out, name)
    campaign = load_campaign(folders[name] / "campaign.yaml")
    assert campaign.summary is not None
    counted = counted_forms(folders[name])
    figures = json.loads(files["json"].read_text(encoding="utf-8"))
    assert figures["forces_counted"] == len(counted)
    assert sorted(row["force"] for row in figures["forces"]) == sorted(form["force"] for form in counted)

    page = tables_of(files["html"].read_bytes())
    table = page.tables[0]
    columns = campaign.summary.table.columns
    assert table["caption"] == normalise(campaign.summary.table.caption)
    assert table["head"] == [[campaign.summary.table.force_label, *(column.label for column in columns)]]
    assert table["scopes"][: len(columns) + 1] == ["col"] * (len(columns) + 1)
    assert len(table["body"]) == len(counted)
    assert len(table["foot"]) == 1
    types = {f"{kind}.{field}": spec.type for kind, k in campaign.findings.items() for field, spec in k.fields.items()}
    for index, column in enumerate(columns, start=1):
        if column.figure is None:
            continue
        kind, field = column.figure.split(".")
        values = [value for form in counted if (value := figure(form, kind, field)) is not None]
        assert figures["aggregates"]["total"][kind][field] == pytest.approx(sum(values))
        expected = money(sum(values)) if types[column.figure] == "money" else f"{int(sum(values)):,}"
        assert table["foot"][0][index].startswith(expected)
        by_force = {row[0]: row[index] for row in table["body"]}
        for form in counted:
            name_of = next(row["name"] for row in figures["forces"] if row["force"] == form["force"])
            value = figure(form, kind, field)
            assert by_force[name_of] == ("not given" if value is None else by_force[name_of])
    sort = campaign.summary.table.sort
    if sort.by not in ("force", "verdict"):
        column = [c.figure for c in columns].index(sort.by) + 1
        shown = [float(re.sub(r"[^0-9.]", "", row[column]) or "nan") for row in table["body"]]
        assert shown == sorted(shown, reverse=sort.order == "descending")


@pytest.mark.parametrize("name", ROUNDS)
def test_every_chart_has_its_title_description_table_and_csv_in_every_format(
    built: tuple[dict[str, Path], Path, Any], name: str
) -> None:
    folders, out, _ = built
    files = national_files(out, name)
    summary = load_campaign(folders[name] / "campaign.yaml").summary
    assert summary is not None
    page = tables_of(files["html"].read_bytes())
    assert len(page.svgs) == len(summary.charts)
    document = docx.Document(str(files["docx"]))
    pictures = document.inline_shapes
    assert len(pictures) == len(summary.charts)
    markdown = markdown_text(files["md"].read_bytes())
    for index, key in enumerate(summary.charts):
        svg = page.svgs[index]
        title = svg["title"].removeprefix("Bar chart: ")
        assert svg["role"] == "img"
        assert svg["title"].startswith("Bar chart: ")
        assert len(svg["desc"]) > len(title)
        chart_table = page.tables[index + 1]
        assert chart_table["caption"] == title
        rows = list(csv.reader(io.StringIO(files[f"{key}.csv"].read_text(encoding="utf-8-sig"))))
        assert rows[0] == chart_table["head"][0]
        assert [row[0] for row in rows[1:]] == [row[0] for row in chart_table["body"]]
        assert len(rows) - 1 == len(chart_table["body"])
        properties = pictures[index]._inline.docPr
        assert properties.get("title") == svg["title"]
        assert normalise(properties.get("descr")).endswith(svg["desc"])
        assert title in markdown
        assert svg["desc"] in markdown
        standalone = files[f"{key}.svg"].read_text(encoding="utf-8")
        assert "<script" not in standalone
        assert title in standalone
    docx_tables = document.tables
    assert len(docx_tables) == 1 + len(summary.charts)
    first = docx_tables[0]
    header = first.rows[0]._tr.trPr
    assert header is not None
    assert header.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    assert [cell.text for cell in first.rows[0].cells] == page.tables[0]["head"][0]
    assert [cell.text for cell in first.rows[-1].cells] == page.tables[0]["foot"][0]
    assert [[cell.text for cell in row.cells] for row in first.rows[1:-1]] == page.tables[0]["body"]
    md = files["md"].read_text(encoding="utf-8")
    head = "| " + " | ".join(page.tables[0]["head"][0]) + " |"
    assert head in md
    assert front_matter(md)[0] == {"lang": "en-GB"}  # its language, as every release's Markdown says it


@pytest.mark.parametrize("name", ROUNDS)
def test_the_pdf_is_tagged_with_tables_and_figures_with_alt_text(
    built: tuple[dict[str, Path], Path, Any], name: str
) -> None:
    _folders, out, _ = built
    files = national_files(out, name)
    page = tables_of(files["html"].read_bytes())
    data = files["pdf"].read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert "pdfuaid:part" in str(pdf.open_metadata())
        found: list[tuple[str, str | None]] = []

        def walk(node: object) -> None:
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                found.append((str(node.S), str(node.Alt) if "/Alt" in node else None))
                if "/K" in node:
                    walk(node.K)

        walk(pdf.Root.StructTreeRoot.K)
    tags = [tag for tag, _ in found]
    assert tags.count("/Table") >= len(page.tables)  # WeasyPrint tags each page's part of a split table
    assert "/TH" in tags
    assert "/TD" in tags
    assert "/Caption" in tags
    figures = [alt for tag, alt in found if tag == "/Figure"]
    assert sorted(figures, key=str) == sorted((svg["title"] for svg in page.svgs), key=str)
    text = pdf_text(data)
    for table in page.tables:
        assert table["foot"] == [] or table["foot"][0][-1].split(" (")[0] in text  # the totals row's last figure
    assert normalise(page.tables[0]["caption"]) in text


def test_a_changed_figure_rebuilds_only_that_force_and_the_national_release(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    out = tmp_path / "output"
    first = run_batch(list(folders.values()), out_dir=out, jobs=2)
    assert all(item.status == "built" for item in first.national)
    name = "value-for-money-2013"
    before = json.loads(next((out / "national" / name).glob("*.json")).read_text(encoding="utf-8"))
    kent = folders[name] / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("target: 54800000", "target: 60000000"), "utf-8")

    second = run_batch(list(folders.values()), out_dir=out, jobs=2)

    built = {outcome.force for outcome in second.of(BuildStatus.BUILT)}
    assert built == {"kent"}
    assert {item.round: item.status for item in second.national} == {
        name: "built",
        "revisiting-police-relationships-2012": "unchanged",
    }
    after = json.loads(next((out / "national" / name).glob("*.json")).read_text(encoding="utf-8"))
    change = 60000000 - 54800000
    assert (
        after["aggregates"]["total"]["savings"]["target"] == before["aggregates"]["total"]["savings"]["target"] + change
    )
    html = next((out / "national" / name).glob("*.html")).read_bytes()
    headline = tables_of(html).tables[0]["foot"][0][2]
    assert headline.startswith(money(after["aggregates"]["total"]["savings"]["target"]))

    third = run_batch(list(folders.values()), out_dir=out, jobs=2)
    assert third.of(BuildStatus.BUILT) == []
    assert {item.status for item in third.national} == {"unchanged"}


def test_a_failing_form_keeps_the_last_good_national_release(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    out = tmp_path / "output"
    name = "value-for-money-2013"
    run_batch([folders[name]], out_dir=out, jobs=1)
    html = next((out / "national" / name).glob("*.html"))
    good = html.read_bytes()
    kent = folders[name] / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("target: 54800000", "target: lots"), "utf-8")

    report = run_batch([folders[name]], out_dir=out, jobs=1)

    (national,) = report.national
    assert national.status == "failed"
    assert "kent.yaml" in str(national.problems[0])
    assert html.read_bytes() == good
    assert {outcome.force for outcome in report.of(BuildStatus.UNCHANGED)} == {"dyfed-powys", "metropolitan"}


def test_drafts_marked_make_a_draft_national_release_that_says_how_many(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    name = "revisiting-police-relationships-2012"
    form = folders[name] / "bedfordshire.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("status: final", "status: draft"), "utf-8")
    out = tmp_path / "output"

    run_batch([folders[name]], out_dir=out, jobs=1)

    html = next((out / "national" / name).glob("*.html")).read_bytes().decode()
    assert 'class="draft"' in html
    assert "DRAFT — NOT FOR PUBLICATION" in html
    assert f"counts the {number(3)} forces whose reports are final or in draft ({number(1)} of them in draft)" in html


def test_drafts_left_out_are_not_counted(built: tuple[dict[str, Path], Path, Any]) -> None:
    folders, out, _ = built
    name = "value-for-money-2013"
    drafts = [form["force"] for form in forms_of(folders[name]) if form["status"] == "draft"]
    assert drafts
    figures = json.loads(next((out / "national" / name).glob("*.json")).read_text(encoding="utf-8"))
    assert not {row["force"] for row in figures["forces"]} & set(drafts)
    assert "DRAFT" not in next((out / "national" / name).glob("*.md")).read_text(encoding="utf-8")


def edit_summary(folder: Path, change: Any) -> Path:
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["summary"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_example_that_does_not_match_is_reported_at_its_line(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")

    def wrong(summary: dict[str, Any]) -> None:
        summary["examples"][0]["says"]["headline"] = "Something else entirely"
        summary["table"]["columns"][1]["figure"] = "savings.targte"
        summary["sentences"]["lead"][0] = "{{ totl.savings.target | money }}"

    path = edit_summary(folders["value-for-money-2013"], wrong)
    with pytest.raises(InvalidInputError) as caught:
        load_campaign(path)
    messages = [str(problem) for problem in caught.value.problems]
    assert any("did you mean 'savings.target'" in message for message in messages)
    assert any("no placeholder 'totl' here; did you mean 'total'" in message for message in messages)
    for problem in caught.value.problems:
        assert problem.line is not None
        assert "summary" in problem.field


def test_a_wrong_example_sentence_says_what_the_template_gives(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    path = edit_summary(
        folders["value-for-money-2013"],
        lambda summary: summary["examples"][0]["says"].update(headline="Something else entirely"),
    )
    with pytest.raises(InvalidInputError) as caught:
        load_campaign(path)
    (problem,) = caught.value.problems
    assert problem.field == "summary.examples.0.says.headline"
    assert "the template (sentences.headline) gives: Forces need to save £67.3m" in problem.message
    assert "Something else entirely" in path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


def test_hostile_words_stay_text_in_every_format(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    name = "value-for-money-2013"
    hostile = "<script>alert(1)</script> | *x* & </svg><img src=x onerror=alert(1)>"

    def change(summary: dict[str, Any]) -> None:
        summary["table"]["caption"] = hostile
        summary["table"]["columns"][1]["label"] = hostile
        summary["charts"]["savings"]["title"] = hostile

    edit_summary(folders[name], change)
    out = tmp_path / "output"
    report = run_batch([folders[name]], out_dir=out, jobs=1)
    assert [item.status for item in report.national] == ["built"]
    folder = out / "national" / name
    html = next(folder.glob("*.html")).read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "<img" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    page = tables_of(html.encode())
    assert page.tables[0]["caption"] == normalise(hostile)
    assert page.svgs[0]["title"] == normalise(f"Bar chart: {hostile}")
    md = next(folder.glob("*.md")).read_text(encoding="utf-8")
    assert "<script>" not in md
    assert normalise(hostile) in markdown_text(md.encode())


@needs_axe
@pytest.mark.parametrize("name", ROUNDS)
def test_axe_core_finds_no_violations_in_the_national_page(
    built: tuple[dict[str, Path], Path, Any], name: str, tmp_path: Path
) -> None:
    _, out, _ = built
    results = run_axe(national_files(out, name)["html"].read_bytes(), tmp_path / "page", stylesheet=True)
    assert results["violations"] == []
    assert {"html-has-lang", "document-title", "color-contrast", "svg-img-alt", "th-has-data-cells"} <= set(
        results["passes"]
    )


def test_a_linked_national_folder_is_never_written_through(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    out = tmp_path / "output"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "national").symlink_to(elsewhere)

    report = run_batch([folders["value-for-money-2013"]], out_dir=out, jobs=1)

    (national,) = report.national
    assert national.status == "failed"
    assert "symbolic link" in str(national.problems[0])
    assert list(elsewhere.iterdir()) == []
    assert report.ok  # the forces' releases are built all the same
    assert not report.complete  # but the batch did not do all it was asked


def test_a_batch_whose_national_release_failed_exits_1_saying_why(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from authoring.cli.app import app

    folders = copy_rounds(tmp_path / "forces")
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "typst" / "national.typ").unlink()  # a templates folder of one's own, older than the national PDF

    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["batch", str(folders["value-for-money-2013"]), "--out", str(out), "--templates", str(templates)]
    )

    assert result.exit_code == 1, result.output
    assert "National release of value-for-money-2013 failed" in result.output
    assert "typst/national.typ: not found" in result.output
    assert "Traceback" not in result.output
    assert list(out.glob("*/*.pdf"))  # the forces' releases are built all the same


def _luminance(colour: str) -> float:
    named = {"black": "#000000", "white": "#ffffff"}
    value = named.get(colour, colour).lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ROUNDS)
def test_charts_pass_contrast_use_one_colour_and_the_house_font(
    built: tuple[dict[str, Path], Path, Any], name: str
) -> None:
    folders, out, _ = built
    files = national_files(out, name)
    summary = load_campaign(folders[name] / "campaign.yaml").summary
    assert summary is not None
    for key in summary.charts:
        svg = files[f"{key}.svg"].read_text(encoding="utf-8")
        text_fills = set(re.findall(r'<text[^>]*\sfill="([^"]+)"', svg))
        bar_fills = set(re.findall(r'<path d="M[^"]*" fill="([^"]+)"', svg))
        assert text_fills
        assert all(contrast(fill, "white") >= 4.5 for fill in text_fills), text_fills
        assert len(bar_fills) == 1  # one colour: no meaning in telling colours apart
        assert contrast(next(iter(bar_fills)), "white") >= 3
        families = set(re.findall(r'font-family="([^"]+)"', svg))
        assert families == {"'Atkinson Hyperlegible House', 'Atkinson Hyperlegible', 'Fira Sans House', sans-serif"}
    with pikepdf.open(files["pdf"]) as pdf:
        fonts = {
            str(font.BaseFont)
            for page in pdf.pages
            for font in (page.Resources.get("/Font") or {}).values()
            if "/BaseFont" in font
        }
        for page in pdf.pages:  # fonts of the inline SVG are in its form XObjects
            for xobject in (page.Resources.get("/XObject") or {}).values():
                for font in (xobject.get("/Resources", {}).get("/Font") or {}).values():
                    fonts.add(str(font.BaseFont))
    assert fonts
    assert all("AtkinsonHyperlegible" in font.replace("-", "") or "Fira" in font for font in fonts), fonts


def test_the_drawing_process_is_started_early_only_for_a_round_with_a_summary(tmp_path: Path) -> None:
    from authoring.build.national import summary_likely

    folders = copy_rounds(tmp_path / "forces")
    forms = sorted(folders["value-for-money-2013"].glob("*.yaml"))
    assert summary_likely(forms)
    campaign = yaml.safe_load((folders["value-for-money-2013"] / "campaign.yaml").read_text(encoding="utf-8"))
    campaign.pop("summary")
    (folders["value-for-money-2013"] / "campaign.yaml").write_text(yaml.safe_dump(campaign), encoding="utf-8")
    assert not summary_likely(forms)
    (tmp_path / "forces" / "no-campaign").mkdir()
    assert not summary_likely([tmp_path / "forces" / "no-campaign" / "kent.yaml"])


def test_a_drawing_process_handed_nothing_ends_and_a_batch_leaves_no_process(tmp_path: Path) -> None:
    import multiprocessing

    folders = copy_rounds(tmp_path / "forces")
    out = tmp_path / "output"
    first = run_batch(list(folders.values()), out_dir=out, jobs=2)
    assert {item.status for item in first.national} == {"built"}
    assert multiprocessing.active_children() == []
    # nothing changed: the process started early (the campaigns declare summaries) is handed nothing
    second = run_batch(list(folders.values()), out_dir=out, jobs=2)
    assert {item.status for item in second.national} == {"unchanged"}
    assert multiprocessing.active_children() == []
    # a form that cannot be read stops nothing: the process is collected, the national release kept
    kent = folders["value-for-money-2013"] / "kent.yaml"
    kent.write_bytes(b"force: [unclosed\n")
    third = run_batch(list(folders.values()), out_dir=out, jobs=2)
    statuses = {item.round: item.status for item in third.national}
    assert statuses == {"value-for-money-2013": "failed", "revisiting-police-relationships-2012": "unchanged"}
    assert multiprocessing.active_children() == []


def test_a_summary_the_hint_misses_is_still_drawn(tmp_path: Path) -> None:
    folders = copy_rounds(tmp_path / "forces")
    name = "value-for-money-2013"
    campaign = folders[name] / "campaign.yaml"
    # a quoted key: the same YAML, but the early hint (a line starting 'summary:') does not see it
    text = campaign.read_text(encoding="utf-8")
    assert text.count("\nsummary:") == 1
    campaign.write_text(text.replace("\nsummary:", '\n"summary":'), encoding="utf-8")
    from authoring.build.national import summary_likely

    assert not summary_likely(sorted(folders[name].glob("*.yaml")))
    report = run_batch([folders[name]], out_dir=tmp_path / "output", jobs=2)
    (national,) = report.national
    assert national.status == "built"
    assert {path.suffix for path in national.files} >= {".pdf", ".docx", ".html", ".md", ".svg", ".csv", ".json"}


@pytest.mark.parametrize(
    ("names", "cut"),
    [
        (("Avon and Somerset Constabulary", "Heddlu Trafnidiaeth Prydain", "Kent Police"), False),
        (("W" * 40, "Kent Police"), True),  # wider than the limit: cut short with an ellipsis
        (("Tŷ Glas and Ŵyr Police", "Kent Police"), False),  # letters the house font lacks: the limit stays on
    ],
)
def test_a_bars_name_is_cut_short_only_when_it_is_wider_than_the_limit(names: tuple[str, ...], cut: bool) -> None:
    from authoring.model.national import Cell, ChartData, TableData
    from authoring.model.summary import ChartKind
    from authoring.render.charts import LABEL_LIMIT, chart_spec, draw

    points = tuple((name, float(index + 1)) for index, name in enumerate(names))
    rows = tuple((Cell(name), Cell(str(value), value)) for name, value in points)
    table = TableData("Figures", ("Force", "Jobs"), rows)
    chart = ChartData("jobs", ChartKind.BAR, "Jobs by force", "One bar a force.", "Force", "Jobs", points, table)
    limit = chart_spec(chart)["encoding"]["y"]["axis"]["labelLimit"]
    drawn = str(draw(chart, ident="chart-jobs").svg)
    assert ("…" in drawn) is cut
    if cut or any(char in name for name in names for char in "ŷŴ"):
        assert limit == LABEL_LIMIT
    else:
        assert limit == 0  # nothing to measure: every name fits
    for name in names:
        assert (name in drawn) is not (cut and len(name) > 30)


def test_a_batch_in_a_process_that_has_drawn_a_chart_draws_its_own_charts(tmp_path: Path) -> None:
    """vl-convert's engine threads do not survive a fork: once it has run here, nothing is drawn in a forked process."""
    from authoring.build.national import Drawing
    from authoring.chart_engine import fork_safe, warm_up

    warm_up()  # as a long-lived program (or this test run) may have done
    assert not fork_safe()
    folders = copy_rounds(tmp_path / "forces")
    forms = sorted(folders["value-for-money-2013"].glob("*.yaml"))
    drawing = Drawing.start(forms, formats=("html",), templates=Templates.at())  # type: ignore[arg-type]
    assert drawing is not None
    assert drawing.result() is None  # no process: the batch makes everything itself
    report = run_batch([folders["value-for-money-2013"]], out_dir=tmp_path / "output", jobs=2)
    (national,) = report.national
    assert national.status == "built"
    assert {path.suffix for path in national.files} >= {".pdf", ".docx", ".svg"}


def test_the_pdf_numbers_its_pages_in_the_press_offices_words(built: tuple[dict[str, Path], Path, Any]) -> None:
    _folders, out, _ = built
    data = national_files(out, "revisiting-police-relationships-2012")["pdf"].read_bytes()
    pages = pypdf.PdfReader(io.BytesIO(data)).pages

    assert len(pages) > 1
    for index, page in enumerate(pages, start=1):
        assert f"Page {index} of {len(pages)}" in page.extract_text()  # the page's foot (an artifact)


HOSTILE = '#panic("typst ran") $x^2$ [link] <label> @ref \\u{41} // not a comment */ ```raw``` #set text(red)'


def test_campaign_text_that_looks_like_typst_is_printed_as_written(tmp_path: Path) -> None:
    """The PDF is laid out by Typst from the release as data: nothing a campaign says runs as Typst."""
    folders = copy_rounds(tmp_path / "forces")
    folder = folders["value-for-money-2013"]
    campaign = folder / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    text = text.replace(
        "      EXAMPLE ONLY. The forces counted",
        f"      {HOSTILE} The forces counted",
        1,  # a folded block: as written
    )
    text = text.replace(
        "    caption: Savings and spending by force (example figures)",
        f"    caption: {yaml.safe_dump('Caption ' + HOSTILE).strip()}",
        1,
    )
    campaign.write_text(text, encoding="utf-8")

    report = run_batch([folder], out_dir=tmp_path / "output", jobs=2)

    assert report.ok, [outcome.problems for outcome in report.outcomes]
    (national,) = report.national
    assert national.status == "built", national.problems
    printed = normalise(pdf_text(national_files(tmp_path / "output", "value-for-money-2013")["pdf"].read_bytes()))
    assert normalise(HOSTILE) in printed
    assert normalise("Caption " + HOSTILE) in printed
    assert "typst ran" not in printed.replace(normalise(HOSTILE), "")


class _PageWords(HTMLParser):
    """Every word a reader of the page sees in its body, but for the charts' own drawing (their labels)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._body = False
        self._svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._body = self._body or tag == "body"
        self._svg += tag == "svg"

    def handle_endtag(self, tag: str) -> None:
        self._svg -= tag == "svg"

    def handle_data(self, data: str) -> None:
        if self._body and not self._svg:
            self.words += words_of(data)


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", normalise(text)).casefold())


@pytest.mark.parametrize("name", ROUNDS)
def test_the_pdf_says_everything_the_page_says(built: tuple[dict[str, Path], Path, Any], name: str) -> None:
    """Two layouts of one release (the page's template, the PDF's Typst template) never drift apart in what they say.

    Every word of the page's body (its sentences, every table cell, captions, descriptions,
    notes, the foot) is printed in the PDF as often as the page shows it (a table's header and
    totals rows repeat on each page of the PDF, so the PDF may say more, never less).
    """
    _folders, out, _ = built
    files = national_files(out, name)
    page = _PageWords()
    page.feed(files["html"].read_text(encoding="utf-8"))
    printed = Counter(
        word
        for pdf_page in pypdf.PdfReader(io.BytesIO(files["pdf"].read_bytes())).pages
        for word in words_of(pdf_page.extract_text())
    )

    missing = Counter(page.words) - printed
    assert page.words
    assert not missing, missing


def test_invisible_characters_typst_refuses_are_left_out_of_the_pdf(tmp_path: Path) -> None:
    """A byte-order mark pasted inside a sentence (U+FEFF) prints nothing, as on the page; it never stops the PDF."""
    folders = copy_rounds(tmp_path / "forces")
    folder = folders["value-for-money-2013"]
    campaign = folder / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    pasted = "      EXAMPLE\ufeff ONLY.\U00013430 The\u00ad forces counted"
    text = text.replace("      EXAMPLE ONLY. The forces counted", pasted, 1)
    campaign.write_text(text, encoding="utf-8")

    report = run_batch([folder], out_dir=tmp_path / "output", jobs=2)

    assert report.ok, [outcome.problems for outcome in report.outcomes]
    (national,) = report.national
    assert national.status == "built", national.problems
    printed = pdf_text(national_files(tmp_path / "output", "value-for-money-2013")["pdf"].read_bytes())
    assert "EXAMPLE" in printed
    assert "forces counted" in printed


_FUZZ_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("#$[]\\@<>/*_`=-+~'\"{}():;,.!?&%^| \n\tabcXYZ019éŵŷΣЖ£€—“”")),
        st.characters(categories=["Cf", "Zs", "Mn"]),  # invisible, spaces, combining marks
    ),
    min_size=1,
    max_size=80,
)


@pytest.fixture(scope="module")
def national_release(
    built: tuple[dict[str, Path], Path, Any], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, dict[str, str]]:
    """The example round's national release as the batch built it, and its charts' SVG."""
    from authoring.build.manifest import Manifest
    from authoring.build.national import NationalBuilds
    from authoring.build.pipeline import load
    from authoring.inputs.load import form_files
    from authoring.render import formats

    folders, out, _ = built
    _, loaded = load(form_files(folders["value-for-money-2013"]))
    scratch = tmp_path_factory.mktemp("fuzz")
    plan = NationalBuilds.plan(
        loaded,
        out_dir=scratch,
        formats=formats(),
        manifest=Manifest.read(scratch, toolkit_version="test"),
        templates=Templates.at(),
        force=True,
    )
    release = plan.jobs[0].release
    files = national_files(out, "value-for-money-2013")
    svgs = {chart.key: files[f"{chart.key}.svg"].read_text(encoding="utf-8") for chart in release.charts}
    return release, svgs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_FUZZ_TEXT)
def test_fuzzed_campaign_text_prints_as_written_or_is_refused_by_name(
    national_release: tuple[Any, dict[str, str]], value: str
) -> None:
    """Any text in any sentence or caption: the PDF prints it, or says which character no font has; nothing else."""
    import dataclasses

    from authoring.exceptions import RenderError, UnprintableCharacterError
    from authoring.fonts import uncovered
    from authoring.model.inline import Inline
    from authoring.render.national import render_national_pdf
    from authoring.render.typst import typst_text

    release, svgs = national_release
    fuzzed = dataclasses.replace(
        release,
        headline=value,
        counted=value,
        lead=(Inline.plain(value),),
        table=dataclasses.replace(release.table, caption=value),
    )
    if uncovered(value):
        with pytest.raises(UnprintableCharacterError, match="no font the PDF may use has"):
            render_national_pdf(fuzzed, svgs)
        return
    if not typst_text(value).strip():  # nothing that prints: a heading must say something
        with pytest.raises(RenderError, match="the headline has no character that prints"):
            render_national_pdf(fuzzed, svgs)
        return
    printed = re.sub(r"\s", "", normalise(pdf_text(render_national_pdf(fuzzed, svgs))))
    visible = "".join(char for char in normalise(value) if unicodedata.category(char) not in ("Cf", "Mn", "Zs"))
    for char in "#$[]@<>*_`=+~{}":
        assert printed.count(char) >= visible.count(char) or char not in visible
