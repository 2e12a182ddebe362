"""`authoring sheet` and `authoring import`: real workbooks, from the toolkit, openpyxl, LibreOffice and Excel's CSV.

Each test works on a copy of the example value-for-money round (money, percentages, counts,
dates, choices, yes/no) in its own folder; the forms are read back byte for byte.
"""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.exceptions import InvalidInputError
from authoring.inputs.project import load_campaign_folder
from authoring.registry import forces
from tests.conftest import ROOT

runner = CliRunner()
ROUND = ROOT / "forces" / "value-for-money-2013"
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent: run scripts/install-libreoffice")


@pytest.fixture
def round_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "forces" / "vfm"
    shutil.copytree(ROUND, folder, ignore=shutil.ignore_patterns("distribution.yaml"))
    return folder


def forms(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.yaml"))}


def sheet(folder: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(app, ["sheet", str(folder), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output


def run_import(file: Path, folder: Path, *extra: str) -> object:
    return runner.invoke(app, ["import", str(file), "--campaign", str(folder), *extra])


def edit(source: Path, target: Path, changes: dict[tuple[str, str], object]) -> None:
    """Edit a workbook with openpyxl, as a script or another program would: cells by force and header."""
    book = openpyxl.load_workbook(source)
    figures = book["Figures"] if "Figures" in book.sheetnames else book.worksheets[0]
    header = {cell.value: cell.column for cell in figures[1]}
    rows = {figures.cell(row, 1).value: row for row in range(2, figures.max_row + 1)}
    for (force, column), value in changes.items():
        figures.cell(rows[force], header[column]).value = value
    book.save(target)


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("name", ["value-for-money-2013", "revisiting-police-relationships-2012"])
def test_sheet_import_sheet_is_identical_and_changes_no_byte(tmp_path: Path, suffix: str, name: str) -> None:
    folder = tmp_path / "forces" / name
    shutil.copytree(ROOT / "forces" / name, folder)
    before = forms(folder)
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    sheet(folder, first)

    result = run_import(first, folder)

    assert result.exit_code == 0, result.output
    assert "0 forms were updated, 0 new drafts; 3 unchanged." in result.output
    assert forms(folder) == before
    sheet(folder, second)
    assert first.read_bytes() == second.read_bytes()


def test_workbook_has_what_a_person_filling_it_needs(round_copy: Path, tmp_path: Path) -> None:
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    header = [cell.value for cell in figures[1]]
    column = {name: index + 1 for index, name in enumerate(header)}
    kent = next(row for row in range(2, 46) if figures.cell(row, 1).value == "kent")

    assert book.sheetnames == ["Figures", "How to fill it in", "Lists"]
    assert header[:5] == ["force", "name", "status", "grade", "inspector"]
    assert header.index("spending.budget") < header.index("savings.target") < header.index("crime.published")
    assert figures.max_row == 45  # a row per force of the registry
    assert figures.freeze_panes == "C2"
    assert "savings the force must make" in figures.cell(1, column["savings.target"]).comment.text
    assert figures.cell(kent, column["savings.target"]).value == 54800000
    assert figures.cell(kent, column["savings.target"]).number_format == '"£"#,##0.00'
    assert figures.cell(kent, column["savings.share_of_budget"]).value == 16.5
    assert figures.cell(kent, column["crime.since"]).value == dt.datetime(2010, 4, 1)
    assert figures.cell(kent, column["crime.since"]).number_format == "yyyy-mm-dd"
    assert figures.cell(kent, column["crime.published"]).value == "yes"
    lists = {
        figures.cell(1, min(cells.min_col for cells in v.sqref.ranges)).value: v
        for v in figures.data_validations.dataValidation
    }
    grade = lists["grade"]
    assert grade.type == "list"
    words = [book["Lists"].cell(row, column["grade"]).value for row in range(1, 5)]
    assert words == ["outstanding", "good", "requires-improvement", "inadequate"]
    assert lists["crime.published"].type == "list"
    assert lists["savings.share_of_budget"].type == "decimal"
    assert lists["savings.share_of_budget"].formula2 == "50"
    assert book["Lists"].sheet_state == "hidden"
    guide = [row[0] for row in book["How to fill it in"].iter_rows(values_only=True)]
    assert "savings.target" in guide


# --------------------------------------------------------------------------- edited workbooks


def test_workbook_edited_with_openpyxl_updates_figures_and_keeps_the_rest(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    edit(
        tmp_path / "figures.xlsx",
        tmp_path / "edited.xlsx",
        {
            ("kent", "savings.target"): 55000000,
            ("kent", "savings.share_of_budget"): None,
            ("kent", "crime.change"): "13.5%",
            ("metropolitan", "savings.identified"): "1,212",
            ("surrey", "grade"): "good",
            ("surrey", "workforce.officers_then"): 2000,
            ("surrey", "workforce.officers_by_2015"): 1900,
        },
    )

    dry = run_import(tmp_path / "edited.xlsx", round_copy, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert forms(round_copy) == before  # a dry run writes nothing
    assert "  savings.target: 54800000 → 55000000" in dry.stdout.splitlines()
    assert "  savings.share_of_budget: 16.5 → —" in dry.stdout.splitlines()
    assert "  savings.identified: TODO figures from the force's finance team → 1212" in dry.stdout.splitlines()
    assert "surrey (" in dry.stdout
    assert "new draft" in dry.stdout

    result = run_import(tmp_path / "edited.xlsx", round_copy)

    assert result.exit_code == 0, result.output
    after = forms(round_copy)
    assert changed_lines(before["kent.yaml"], after["kent.yaml"]) == [
        "-    target: 54800000",
        "+    target: 55000000",
        "-    share_of_budget: 16.5",
        "-    change: 12.5",
        "+    change: 13.5",
    ]
    assert after["kent.yaml"].startswith(b"# EXAMPLE form of an invented round")  # the comment kept
    assert changed_lines(before["metropolitan.yaml"], after["metropolitan.yaml"]) == [
        "-    identified: TODO figures from the force's finance team",
        "+    identified: 1212",
    ]
    assert after["dyfed-powys.yaml"] == before["dyfed-powys.yaml"]
    draft = (round_copy / "surrey.yaml").read_text(encoding="utf-8")
    assert "grade: good" in draft
    assert "officers_then: 2000" in draft
    assert "quote:\n  - TODO" in draft
    check = runner.invoke(app, ["validate", str(round_copy)])
    assert check.exit_code == 0, check.output
    assert "surrey.yaml" in check.stdout
    assert "quote.0: TODO still to fill" in check.stdout


def test_every_problem_at_its_cell_and_nothing_written(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    edit(
        tmp_path / "figures.xlsx",
        tmp_path / "bad.xlsx",
        {
            ("kent", "savings.target"): "about 3m",
            ("kent", "crime.direction"): "fell",
            ("metropolitan", "inspector"): "zoe",
            ("essex", "workforce.officers_then"): 2.5,
        },
    )

    result = run_import(tmp_path / "bad.xlsx", round_copy)

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    header = _letters(tmp_path / "figures.xlsx")
    where = f"{tmp_path / 'bad.xlsx'}:Figures!"
    kent, metropolitan, essex = row("kent"), row("metropolitan"), row("essex")
    assert lines == [
        f"{where}{header['workforce.officers_then']}{essex}: workforce.officers_then: "
        "a whole number, with no fraction (found 2.5)",
        f"{where}{header['savings.target']}{kent}: savings.target: "
        "an amount in pounds, in figures, e.g. 3200000 (found 'about 3m')",
        f"{where}{header['crime.direction']}{kent}: crime.direction: "
        "expected 'fallen' or 'risen', found 'fell'",  # 'fallen' is no slip away: no guess
        f"{where}{header['inspector']}{metropolitan}: inspector: "
        "no inspector 'zoe' in the campaign; it has: alex-morgan",
        "4 problems found; nothing was written.",
    ]
    assert forms(round_copy) == before
    assert not (round_copy / "essex.yaml").exists()


def test_the_checks_between_fields_that_validate_makes(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    edit(
        tmp_path / "figures.xlsx",
        tmp_path / "rule.xlsx",
        {("kent", "savings.from_collaboration"): 60000000, ("metropolitan", "status"): "final"},
    )

    result = run_import(tmp_path / "rule.xlsx", round_copy)

    header = _letters(tmp_path / "figures.xlsx")
    where = f"{tmp_path / 'rule.xlsx'}:Figures!"
    metropolitan = f"{where}{header['status']}{row('metropolitan')}"
    assert result.stderr.splitlines() == [
        f"{where}{header['savings.from_collaboration']}{row('kent')}: savings.from_collaboration: "
        "from_collaboration (60000000) cannot exceed identified (54800000)",
        f"{metropolitan}: quote.0: TODO left in a final form; fill it in, or set 'status: draft' "
        f"({round_copy / 'metropolitan.yaml'}, line 20)",
        f"{where}{header['savings.identified']}{row('metropolitan')}: savings.identified: "
        "TODO left in a final form; fill it in, or set 'status: draft'",
        "3 problems found; nothing was written.",
    ]
    assert forms(round_copy) == before


def test_moved_and_extra_columns_blank_rows_merged_cells_formulas_serial_dates(
    round_copy: Path, tmp_path: Path
) -> None:
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    header = {cell.value: cell.column for cell in figures[1]}
    kent = next(row for row in range(2, 46) if figures.cell(row, 1).value == "kent")
    figures.move_range(f"{_letter(header['grade'])}1:{_letter(header['grade'])}45", cols=30)  # a moved column
    figures.cell(1, 40).value = "Checked by"  # an extra column
    figures.cell(kent, 40).value = "Sam"
    figures.insert_rows(10, amount=2)  # blank rows
    kent += 2
    figures.cell(kent, header["crime.since"]).value = 40269  # 1 April 2010 as a serial number
    figures.cell(kent, header["crime.since"]).number_format = "General"
    figures.cell(kent, header["workforce.officers_then"]).value = "3,850"
    book.save(tmp_path / "moved.xlsx")

    result = run_import(tmp_path / "moved.xlsx", round_copy, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "column AN ('Checked by') is not a figure of this round; it was passed over" in result.stderr
    assert "2 blank rows were passed over" in result.stderr
    assert "0 forms would be updated" in result.stderr  # serial date and '3,850' read as the form has them

    figures.cell(kent, header["savings.target"]).value = f"={_letter(header['savings.identified'])}{kent}*2"
    figures.merge_cells(
        start_row=kent + 1, start_column=header["spending.year"], end_row=kent + 2, end_column=header["spending.year"]
    )
    book.save(tmp_path / "formula.xlsx")
    result = run_import(tmp_path / "formula.xlsx", round_copy)
    assert result.exit_code == 1
    assert (
        f"!{_letter(header['savings.target'])}{kent}: savings.target: a formula with no saved result" in result.stderr
    )
    assert "are merged; unmerge them" in result.stderr


@needs_soffice
def test_formula_recalculated_by_libreoffice_gives_its_value(round_copy: Path, tmp_path: Path) -> None:
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    header = {cell.value: cell.column for cell in figures[1]}
    kent = next(row for row in range(2, 46) if figures.cell(row, 1).value == "kent")
    figures.cell(kent, header["savings.target"]).value = f"={_letter(header['savings.identified'])}{kent}+1000"
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "formula.xlsx")
    converted = _soffice(tmp_path / "in" / "formula.xlsx", "xlsx", tmp_path / "lo")

    result = run_import(converted, round_copy, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "  savings.target: 54800000 → 54801000" in result.stdout.splitlines()


# --------------------------------------------------------------------------- LibreOffice and Excel's CSV


@needs_soffice
def test_csv_converted_to_xlsx_by_libreoffice(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.csv")
    converted = _soffice(tmp_path / "figures.csv", "xlsx", tmp_path / "lo")

    result = run_import(converted, round_copy)
    assert result.exit_code == 0, result.output
    assert forms(round_copy) == before  # LibreOffice's numbers, dates and text read as the forms say them

    edit(converted, tmp_path / "edited.xlsx", {("kent", "savings.target"): 60000000})
    result = run_import(tmp_path / "edited.xlsx", round_copy)
    assert result.exit_code == 0, result.output
    assert changed_lines(before["kent.yaml"], forms(round_copy)["kent.yaml"]) == [
        "-    target: 54800000",
        "+    target: 60000000",
    ]


@needs_soffice
def test_ods_made_by_libreoffice(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    (tmp_path / "in").mkdir()
    edit(tmp_path / "figures.xlsx", tmp_path / "in" / "edited.xlsx", {("kent", "crime.published"): "no"})
    ods = _soffice(tmp_path / "in" / "edited.xlsx", "ods", tmp_path / "lo")
    assert ods.suffix == ".ods"

    result = run_import(ods, round_copy)

    assert result.exit_code == 0, result.output
    assert changed_lines(before["kent.yaml"], forms(round_copy)["kent.yaml"]) == [
        "-    published: true",
        "+    published: false",
    ]
    assert forms(round_copy)["metropolitan.yaml"] == before["metropolitan.yaml"]


@needs_soffice
def test_csv_saved_by_libreoffice_as_the_cells_show(round_copy: Path, tmp_path: Path) -> None:
    """As Excel and LibreOffice save CSV: each cell as it is shown (£54,800,000.00, 16.5%, 3,850)."""
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    shown = _soffice(tmp_path / "figures.xlsx", "csv", tmp_path / "lo")
    assert "£54,800,000.00" in shown.read_text(encoding="utf-8")

    result = run_import(shown, round_copy)

    assert result.exit_code == 0, result.output
    assert forms(round_copy) == before


def test_csv_saved_with_excels_conventions(round_copy: Path, tmp_path: Path) -> None:
    """Excel in a locale with ';' as the separator: a byte-order mark, CRLF, dates day first, '1,212'."""
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.csv")
    text = (tmp_path / "figures.csv").read_bytes().decode("utf-8-sig")
    lines = [line.split(",") for line in text.split("\r\n") if line]
    header = lines[0]
    for line in lines[1:]:
        if line[0] == "kent":
            line[header.index("crime.since")] = "01/04/2010"
            line[header.index("workforce.officers_then")] = '"3,850"'
            line[header.index("savings.target")] = "£55,000,000"
    data = "\r\n".join(";".join(line) for line in lines) + "\r\n"
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))

    result = run_import(tmp_path / "excel.csv", round_copy)

    assert result.exit_code == 0, result.output
    assert "columns separated by semicolons" in result.stderr
    assert changed_lines(before["kent.yaml"], forms(round_copy)["kent.yaml"]) == [
        "-    target: 54800000",
        "+    target: 55000000",
    ]


# --------------------------------------------------------------------------- one finding per kind


def test_two_findings_of_a_kind_are_reported_not_guessed(round_copy: Path, tmp_path: Path) -> None:
    kent = round_copy / "kent.yaml"
    kent.write_text(
        kent.read_text(encoding="utf-8").replace(
            "  - kind: workforce", "  - kind: savings\n    target: 100\n    identified: 100\n  - kind: workforce"
        ),
        encoding="utf-8",
    )
    before = forms(round_copy)
    result = runner.invoke(app, ["sheet", str(round_copy), "--out", str(tmp_path / "figures.xlsx")])
    assert result.exit_code == 0, result.output
    assert "2 savings findings (lines 11 and 15): the sheet leaves savings blank for kent" in result.stderr

    assert run_import(tmp_path / "figures.xlsx", round_copy).exit_code == 0
    assert forms(round_copy) == before
    edit(tmp_path / "figures.xlsx", tmp_path / "figures.xlsx", {("kent", "savings.target"): 5})
    result = run_import(tmp_path / "figures.xlsx", round_copy)
    assert result.exit_code == 1
    assert "the form has 2 savings findings (findings 1, 2); the sheet cannot say which to change" in result.stderr


def test_a_kind_the_sheet_lacks_is_kept_and_said(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    for column in sorted((c.column for c in figures[1] if str(c.value).startswith("crime.")), reverse=True):
        figures.delete_cols(column)
    book.save(tmp_path / "figures.xlsx")

    result = run_import(tmp_path / "figures.xlsx", round_copy)

    assert result.exit_code == 0, result.output
    assert "no columns for crime: every form's crime finding is kept as it is" in result.stderr
    assert forms(round_copy) == before


# --------------------------------------------------------------------------- hostile input


def test_form_text_never_becomes_a_formula(round_copy: Path, tmp_path: Path) -> None:
    kent = round_copy / "kent.yaml"
    kent.write_text(
        kent.read_text(encoding="utf-8").replace("year: 2013/14", "year: \"=HYPERLINK('http://evil', '1')\""),
        encoding="utf-8",
    )
    metropolitan = round_copy / "metropolitan.yaml"
    metropolitan.write_text(
        metropolitan.read_text(encoding="utf-8").replace("year: 2013/14", "year: '+cmd|calc'"), encoding="utf-8"
    )
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    sheet(round_copy, tmp_path / "figures.csv")

    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    cells = [cell for row in book["Figures"].iter_rows() for cell in row if str(cell.value).startswith(("=", "+"))]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        ("=HYPERLINK('http://evil', '1')", "s"),
        ("+cmd|calc", "s"),
    ]
    text = (tmp_path / "figures.csv").read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK('http://evil', '1')\"" in text
    assert ",'+cmd|calc," in text
    for name in ("figures.xlsx", "figures.csv"):
        assert run_import(tmp_path / name, round_copy).exit_code == 0
        assert forms(round_copy) == before


def test_control_characters_in_cells_are_refused(round_copy: Path, tmp_path: Path) -> None:
    sheet(round_copy, tmp_path / "figures.csv")
    text = (tmp_path / "figures.csv").read_text(encoding="utf-8-sig").replace("2013/14", "2013\x0b/14\u202e", 1)
    (tmp_path / "figures.csv").write_text(text, encoding="utf-8")

    result = run_import(tmp_path / "figures.csv", round_copy)

    assert result.exit_code == 1
    assert "spending.year: control character U+000B is not allowed; delete it" in result.stderr


def test_not_a_workbook_a_link_out_of_the_project_and_a_huge_sheet(round_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "text.xlsx").write_text("force,grade\nkent,good\n", encoding="utf-8")
    result = run_import(tmp_path / "text.xlsx", round_copy)
    assert result.exit_code == 1
    assert "not an Excel workbook (.xlsx): it is text (if it is CSV, name it .csv)" in result.stderr

    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert "Excel 97–2003 workbook" in run_import(tmp_path / "old.xlsx", round_copy).stderr

    (tmp_path / "figures.pdf").write_bytes(b"%PDF-1.7")
    result = run_import(tmp_path / "figures.pdf", round_copy)
    assert "give an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a CSV file" in result.stderr

    outside = tmp_path.parent / f"{tmp_path.name}-outside.csv"
    outside.write_text("force\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.csv").symlink_to(outside)
    result = run_import(tmp_path / "sub" / "link.csv", round_copy)
    assert result.exit_code == 1
    assert "is a symbolic link to" in result.stderr
    assert "outside" in result.stderr
    outside.unlink()

    book = openpyxl.Workbook()
    book.active.title = "Figures"
    book.active["A1"] = "force"
    book.active["A90000"] = "kent"
    book.save(tmp_path / "huge.xlsx")
    result = run_import(tmp_path / "huge.xlsx", round_copy)
    assert result.exit_code == 1
    assert "runs to row 90,000" in result.stderr


def test_a_form_that_is_a_link_is_not_written_through(round_copy: Path, tmp_path: Path) -> None:
    real = round_copy.parent / "kent-real.yaml"
    (round_copy / "kent.yaml").rename(real)
    (round_copy / "kent.yaml").symlink_to(real)
    sheet(round_copy, tmp_path / "figures.xlsx")
    edit(tmp_path / "figures.xlsx", tmp_path / "figures.xlsx", {("kent", "savings.target"): 1})
    before = real.read_bytes()

    result = run_import(tmp_path / "figures.xlsx", round_copy)

    assert result.exit_code == 1
    assert "the form is a symbolic link, and the toolkit never writes through a link" in result.stderr
    assert real.read_bytes() == before
    assert (round_copy / "kent.yaml").is_symlink()


def test_sheet_never_replaces_a_file_without_force(round_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "figures.xlsx"
    target.write_bytes(b"work in progress")
    result = runner.invoke(app, ["sheet", str(round_copy), "--out", str(target)])
    assert result.exit_code == 2
    assert "already exists; it was not replaced (add --force to replace it)" in result.stderr
    assert target.read_bytes() == b"work in progress"
    sheet(round_copy, target, "--force")
    assert target.read_bytes().startswith(b"PK")


def test_validate_loads_no_spreadsheet_library() -> None:
    code = (
        "import sys; from authoring.cli.app import app; "
        "print(sorted(m for m in ('openpyxl', 'python_calamine', 'ruamel.yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def row(force: str) -> int:
    """The sheet's row of a force: the registry's order, after the header."""
    return list(forces()).index(force) + 2


def _letters(workbook: Path) -> dict[str, str]:
    return {cell.value: cell.column_letter for cell in openpyxl.load_workbook(workbook)["Figures"][1]}


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


def _soffice(source: Path, kind: str, out: Path) -> Path:
    """Convert with LibreOffice, headless, with a profile of its own (so parallel runs do not collide)."""
    assert SOFFICE is not None
    profile = out / "profile"
    out.mkdir(parents=True, exist_ok=True)
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", kind]
    if source.suffix == ".csv":
        command[-1] = f"{kind}:Calc MS Excel 2007 XML" if kind == "xlsx" else kind
        command += ["--infilter=CSV:44,34,76,1"]
    elif kind == "csv":  # UTF-8, each cell as it is shown, as a person saving a CSV gets it
        command[-1] = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
    subprocess.run([*command, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    converted = out / f"{source.stem}.{kind}"
    assert converted.exists(), sorted(p.name for p in out.iterdir())
    return converted


def test_the_walk_through_in_docs_sheet_md_prints_what_it_shows(tmp_path: Path) -> None:
    """docs/sheet.md's problems and dry run, made as it says, in a project folder (the working folder)."""
    page = (ROOT / "docs" / "sheet.md").read_text(encoding="utf-8")
    shutil.copytree(ROUND, Path("forces") / "value-for-money-2013")
    folder = "forces/value-for-money-2013"
    assert runner.invoke(app, ["sheet", folder, "--out", "figures.xlsx"]).exit_code == 0
    good = {
        ("kent", "savings.target"): 55000000,
        ("kent", "savings.share_of_budget"): None,
        ("metropolitan", "savings.identified"): 1212,
        ("surrey", "grade"): "good",
        ("surrey", "workforce.officers_then"): 2000,
        ("surrey", "workforce.officers_by_2015"): 1900,
    }
    bad = {
        **good,
        ("kent", "crime.direction"): "fell",
        ("kent", "savings.target"): "about 3m",
        ("kent", "savings.from_collaboration"): 60000000,
        ("metropolitan", "status"): "final",
    }
    edit(Path("figures.xlsx"), Path("figures.xlsx"), bad)
    problems = runner.invoke(app, ["import", "figures.xlsx", "--campaign", folder]).stderr.splitlines()
    assert problems[:-1] == [line for line in page.splitlines() if line.startswith("figures.xlsx:Figures!")]
    assert f"\n{problems[-1]}\n" in page

    edit(Path("figures.xlsx"), Path("figures.xlsx"), {**good, ("kent", "crime.direction"): "fallen"})
    edit(Path("figures.xlsx"), Path("figures.xlsx"), {("kent", "savings.from_collaboration"): None})
    edit(Path("figures.xlsx"), Path("figures.xlsx"), {("metropolitan", "status"): "draft"})
    dry = runner.invoke(app, ["import", "figures.xlsx", "--campaign", folder, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"--dry-run\n{dry.stdout}```" in page
    done = runner.invoke(app, ["import", "figures.xlsx", "--campaign", folder])
    assert f"{folder}\n{done.stdout}{done.stderr}```" in page


def test_rows_left_out_and_a_form_changed_meanwhile(round_copy: Path, tmp_path: Path) -> None:
    from authoring.sheet.importer import _write, import_sheet

    sheet(round_copy, tmp_path / "figures.csv")
    text = (tmp_path / "figures.csv").read_bytes().decode("utf-8-sig")
    kept = [line for line in text.split("\r\n") if not line.startswith(("dyfed-powys,", "metropolitan,"))]
    (tmp_path / "figures.csv").write_bytes("\r\n".join(kept).replace("54800000", "1").encode())

    result = import_sheet(tmp_path / "figures.csv", round_copy, dry_run=True)
    assert f"{tmp_path / 'figures.csv'}: no row for dyfed-powys, metropolitan; their forms are kept as they are" in (
        result.remarks
    )
    kent = round_copy / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")
    edited_meanwhile = kent.read_bytes()
    with pytest.raises(InvalidInputError, match="changed while the sheet was read; nothing was written"):
        _write(result.updates, load_campaign_folder(round_copy))
    assert kent.read_bytes() == edited_meanwhile


def test_capitals_from_autocorrect_and_a_force_by_its_name(round_copy: Path, tmp_path: Path) -> None:
    before = forms(round_copy)
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    header = {cell.value: cell.column for cell in figures[1]}
    figures.cell(row("kent"), header["grade"]).value = "Good"
    figures.cell(row("kent"), header["crime.direction"]).value = "Fallen"
    figures.cell(row("kent"), 1).value = "Kent Police"
    figures.cell(row("metropolitan"), 1).value = "Metropolitan"
    book.save(tmp_path / "figures.xlsx")

    result = run_import(tmp_path / "figures.xlsx", round_copy)

    assert result.exit_code == 0, result.output
    assert forms(round_copy) == before


def test_a_workbook_that_unpacks_into_too_much_is_refused(
    round_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    import authoring.sheet.read

    monkeypatch.setattr(authoring.sheet.read, "MAX_UNPACKED", 1024 * 1024)
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    assert (tmp_path / "bomb.xlsx").stat().st_size < 20000

    result = run_import(tmp_path / "bomb.xlsx", round_copy)

    assert result.exit_code == 1
    assert "the workbook unpacks into 2,097,152 bytes, far more than a round's figures need" in result.stderr


def test_a_percentage_typed_with_its_sign_in_excel_is_read_as_shown(round_copy: Path, tmp_path: Path) -> None:
    """Typed as 17%, Excel stores 0.17 and shows it as a percentage: the import reads 17, as the cell shows."""
    sheet(round_copy, tmp_path / "figures.xlsx")
    book = openpyxl.load_workbook(tmp_path / "figures.xlsx")
    figures = book["Figures"]
    header = {cell.value: cell.column for cell in figures[1]}
    share = figures.cell(row("kent"), header["savings.share_of_budget"])
    share.value, share.number_format = 0.17, "0%"
    change = figures.cell(row("kent"), header["crime.change"])
    change.value, change.number_format = 0.135, "0.0%"
    frontline = figures.cell(row("kent"), header["workforce.frontline"])
    frontline.value = 0.5  # shown as 0.5%: read as 0.5
    book.save(tmp_path / "figures.xlsx")

    result = run_import(tmp_path / "figures.xlsx", round_copy, "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  savings.share_of_budget: 16.5 → 17",
        "  workforce.frontline: 89 → 0.5",
        "  crime.change: 12.5 → 13.5",
    ]
