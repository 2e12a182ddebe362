"""Read a workbook's first table: ``.xlsx`` and ``.ods`` with python-calamine, ``.csv`` with the csv module.

python-calamine (Rust's calamine) reads a sheet of 44 rows in a millisecond or two and gives
each cell as what the spreadsheet stored — numbers, dates, text, and a formula's saved
result — without loading a spreadsheet program's object model; the workbook is never
executed, macros and all. The file is read once, safely (:func:`authoring.files.read.read_regular`:
a regular file, at most :data:`MAX_BYTES`, a link only to a file inside the project), and
its size as unpacked is checked before it is parsed, so that a small file cannot unpack
into gigabytes.

What the values alone cannot say is found here too, at its cell: merged cells, and (in an
``.xlsx``) formulas saved with no result, as a script that does not calculate writes them.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from authoring.exceptions import Problem, one_line
from authoring.files.read import UnreadableFileError, read_regular

#: The sheet a workbook's figures are on (the first sheet, if none is called this).
FIGURES_SHEET = "Figures"
#: A round's workbook is a few kilobytes; anything far larger is a mistake (or an attack).
MAX_BYTES = 16 * 1024 * 1024
#: What a workbook may unpack into.
MAX_UNPACKED = 128 * 1024 * 1024
#: A round has a row per force: 44, and a few blank or extra ones. Far more is not a round's sheet.
MAX_ROWS = 5000
MAX_COLUMNS = 500
#: The file types an import reads.
WORKBOOKS = (".xlsx", ".xlsm", ".ods")
TEXT_TABLES = (".csv",)
#: What a text cell starts with when the CSV writer guarded it against being run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def column_letter(index: int) -> str:
    """The spreadsheet's name of column ``index`` (0-based): A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class CellProblem(Problem):
    """A problem at a cell: ``figures.xlsx:Figures!D14: savings.target: …`` (``figures.csv:D14`` for a CSV).

    ``line`` is the cell's row and ``column`` its column (1-based); with no row, the problem is the file's.
    """

    sheet: str | None = None

    def __str__(self) -> str:
        where = one_line(str(self.path))
        sheet = "" if self.sheet is None else one_line(self.sheet)
        if self.line is not None and self.column:
            cell = f"{column_letter(self.column - 1)}{self.line}"
            where += f":{sheet}!{cell}" if sheet else f":{cell}"
        elif self.line is not None:  # the whole row
            where += f":{sheet}, row {self.line}" if sheet else f": row {self.line}"
        field = f"{one_line(self.field)}: " if self.field else ""
        return f"{where}: {field}{one_line(self.message)}"


@dataclass
class Table:
    """The cells of a sheet, row by row (row 0 is the header), and what was wrong with the file."""

    path: Path
    sheet: str | None
    """The sheet's name (``None`` for a CSV)."""
    rows: list[list[Any]]
    problems: list[CellProblem] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges: first row, first column, last row, last column (0-based)."""
    formulas: list[tuple[int, int]] = field(default_factory=list)
    """Cells holding a formula with no saved result (0-based row and column)."""
    percent: set[tuple[int, int]] = field(default_factory=set)
    """Cells an .xlsx shows as a percentage (0.165 shown 16.5%): typed "16.5%", they hold 0.165."""

    def at(self, row: int, column: int | None, field: str, message: str) -> CellProblem:
        """A problem at a cell (0-based ``row`` and ``column``; ``column`` None: the whole row)."""
        return CellProblem(self.path, row + 1, None if column is None else column + 1, field, message, self.sheet)

    def whole(self, message: str) -> CellProblem:
        """A problem with the whole file."""
        return CellProblem(self.path, None, None, "", message, self.sheet)

    def cell(self, row: int, column: int) -> str:
        """A cell's name as a message gives it: ``Figures!D14`` (``D14`` in a CSV)."""
        name = f"{column_letter(column)}{row + 1}"
        return f"{self.sheet}!{name}" if self.sheet is not None else name


class UnreadableTableError(Exception):
    """The file is not a table the import can read; the message says why, for a press officer."""


def read_table(path: Path) -> Table:
    """The first table of ``path`` (.xlsx, .xlsm, .ods or .csv); :class:`UnreadableTableError` if there is none."""
    suffix = path.suffix.lower()
    if suffix not in WORKBOOKS + TEXT_TABLES:
        raise UnreadableTableError(
            f"cannot read a {suffix or 'file without an extension'}: give an Excel workbook (.xlsx), "
            "an OpenDocument spreadsheet (.ods) or a CSV file (.csv)"
        )
    try:
        raw = read_regular(path, limit=MAX_BYTES, what="a workbook", links=True)
    except UnreadableFileError as exc:
        raise UnreadableTableError(str(exc)) from exc
    if suffix in TEXT_TABLES:
        return _csv(path, raw)
    return _workbook(path, raw)


def _not_a_workbook(raw: bytes, suffix: str) -> str:
    named = "an Excel workbook (.xlsx)" if suffix != ".ods" else "an OpenDocument spreadsheet (.ods)"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"not {named}: it is an Excel 97–2003 workbook (.xls) or a password-protected one; "
            "save it as .xlsx, without a password"
        )
    if raw.startswith(b"%PDF"):
        return f"not {named}: it is a PDF"
    if not raw.strip():
        return f"not {named}: the file is empty"
    try:
        raw[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return f"not {named}: the file is damaged or of another kind; save it again from the spreadsheet"
    return f"not {named}: it is text (if it is CSV, name it .csv)"


def _workbook(path: Path, raw: bytes) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    suffix = path.suffix.lower()
    if not raw.startswith(b"PK\x03\x04"):
        raise UnreadableTableError(_not_a_workbook(raw, suffix))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableTableError(_not_a_workbook(b"\0", suffix)) from exc
    if unpacked > MAX_UNPACKED:
        raise UnreadableTableError(
            f"the workbook unpacks into {unpacked:,} bytes, far more than a round's figures need "
            f"(at most {MAX_UNPACKED:,}); copy the figures into the sheet that 'authoring sheet' writes"
        )
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = [meta.name for meta in book.sheets_metadata if str(meta.typ).endswith("WorkSheet")]
        if not names:
            raise UnreadableTableError("the workbook has no sheet of cells")
        name = FIGURES_SHEET if FIGURES_SHEET in names else names[0]
        sheet = book.get_sheet_by_name(name)
        height, width = sheet.total_height + 1, sheet.total_width + 1  # the last row's and column's index
        if height > MAX_ROWS or width > MAX_COLUMNS:
            raise UnreadableTableError(
                f"the sheet {name} runs to row {height:,} and column {column_letter(max(width, 1) - 1)}; a round's "
                f"sheet has a row per force: delete what lies below its rows and right of its columns "
                f"(at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns are read)"
            )
        rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
        merged = [(top, left, bottom, right) for (top, left), (bottom, right) in sheet.merged_cell_ranges or []]
    except CalamineError as exc:
        raise UnreadableTableError(f"{_not_a_workbook(raw, suffix)} ({exc})") from exc
    except (ValueError, OSError) as exc:
        raise UnreadableTableError(f"cannot read the workbook: {exc}") from exc
    table = Table(path, name, rows, merged=merged)
    if suffix in (".xlsx", ".xlsm"):
        table.formulas, table.percent = _cell_marks(raw, name)
    if name != FIGURES_SHEET:
        table.remarks.append(f"{path}: no sheet called {FIGURES_SHEET}; read the first sheet, {name}")
    return table


_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTRIBUTE = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")


def _cell_marks(raw: bytes, sheet: str) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """In an .xlsx's ``sheet``: the cells with a formula and no saved result, and the cells shown as percentages."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            links = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            target = _sheet_part(book, links, sheet)
            if target is None:
                return [], set()
            text = archive.read(target).decode("utf-8", "replace")
            try:
                styles = archive.read("xl/styles.xml").decode("utf-8", "replace")
            except KeyError:
                styles = ""
    except (KeyError, zipfile.BadZipFile, OSError):
        return [], set()
    percent_styles = _percent_styles(styles)
    formulas, percent = [], set()
    for match in _CELL.finditer(text):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        reference = _REFERENCE.search(attributes.get("r", ""))
        if not reference:
            continue
        letters, number = reference.groups()
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - ord("A") + 1
        where = (int(number) - 1, index - 1)
        if attributes.get("s", "0") in percent_styles:
            percent.add(where)
        body = match.group(2) or ""
        if ("<f" in body or ":f" in body) and not re.search(r"<(?:\w+:)?v>[^<]", body):
            formulas.append(where)
    return formulas, percent


_NUMBER_FORMAT = re.compile(r"<(?:\w+:)?numFmt\b([^>]*)/?>")
_CELL_FORMATS = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.DOTALL)
_FORMAT = re.compile(r"<(?:\w+:)?xf\b([^>]*?)/?>")
#: Excel's built-in percentage formats: 0% and 0.00%.
_BUILT_IN_PERCENT = frozenset({"9", "10"})


def _percent_styles(styles: str) -> set[str]:
    """The style indexes (as a cell's ``s`` gives them) whose number format shows a percentage."""
    percent = set(_BUILT_IN_PERCENT)
    for match in _NUMBER_FORMAT.finditer(styles):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        code = re.sub(r'"[^"]*"|\\.', "", html.unescape(attributes.get("formatCode", "")))
        if "%" in code:  # a % outside quotes: the value is shown multiplied by 100
            percent.add(attributes.get("numFmtId", ""))
    formats = _CELL_FORMATS.search(styles)
    if formats is None:
        return set()
    return {
        str(index)
        for index, match in enumerate(_FORMAT.finditer(formats.group(1)))
        if dict(_ATTRIBUTE.findall(match.group(1))).get("numFmtId", "0") in percent
    }


def _sheet_part(book: str, links: str, sheet: str) -> str | None:
    wanted = None
    for match in _SHEET.finditer(book):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if html.unescape(attributes.get("name", "")) == sheet:
            wanted = next((value for key, value in attributes.items() if key.endswith(":id")), None)
    if wanted is None:
        return None
    for match in _RELATIONSHIP.finditer(links):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get("Id") == wanted:
            target = html.unescape(attributes.get("Target", ""))
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def _csv(path: Path, raw: bytes) -> Table:
    text = _decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if any(d in first for d in ",;\t") else ","
    rows: list[list[Any]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_ROWS:
                raise UnreadableTableError(
                    f"the file has more than {MAX_ROWS:,} rows; a round's sheet has a row per force"
                )
            if len(row) > MAX_COLUMNS:
                raise UnreadableTableError(f"row {number} has {len(row):,} columns; at most {MAX_COLUMNS} are read")
            rows.append([_unguarded(cell) if cell != "" else None for cell in row])
    except csv.Error as exc:
        raise UnreadableTableError(f"cannot read the CSV file: {exc}") from exc
    table = Table(path, None, rows)
    if delimiter != ",":
        shown = "semicolons" if delimiter == ";" else "tabs"
        table.remarks.append(f"{path}: columns separated by {shown}")
    return table


def _decode(raw: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without Excel's byte-order mark), UTF-16, or else Windows-1252."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")  # Excel's "CSV (Comma delimited)" on Windows


def _unguarded(cell: str) -> str:
    """A CSV cell without the apostrophe that kept a text starting with ``=``, ``+``, ``-`` or ``@`` from being run."""
    if cell.startswith("'") and cell[1:2] and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell
