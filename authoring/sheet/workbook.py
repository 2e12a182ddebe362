"""The round's workbook: a row per force, filled from the forms that exist; as ``.xlsx`` or CSV.

The ``.xlsx`` is written with openpyxl, the maintained library that writes what a person
filling in a sheet relies on: data validation (drop-down lists of verdicts, choices,
inspectors and yes/no; number checks with the field's bounds), number formats (money,
percentages, dates, counts; text cells kept as text, so "2013/14" never turns into a
date), a frozen header, each column's description as its header's note, and a second
sheet saying how to fill it in. The file is made byte for byte the same for the same
forms (fixed times inside the archive), so that sheet → import → sheet gives the same file.

A cell never becomes a formula because of what a form says: a text starting with ``=``
is stored as text in the ``.xlsx``, and in a CSV every text starting with ``=``, ``+``,
``-`` or ``@`` is written after an apostrophe (the import takes it off again).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authoring.exceptions import InvalidInputError, Problem
from authoring.inputs.load import form_files
from authoring.inputs.project import load_campaign_folder
from authoring.inputs.validate import validate
from authoring.inputs.yamlsource import SourceDocument, parse_yaml
from authoring.model.campaign import Campaign
from authoring.model.findings import FieldType
from authoring.registry import forces
from authoring.sheet.cells import cell_of
from authoring.sheet.columns import FORCE, NAME, NO, YES, Column, columns, one_finding_each
from authoring.sheet.read import FIGURES_SHEET, FORMULA_STARTS, column_letter

#: The second sheet: how to fill in the first.
GUIDE_SHEET = "How to fill it in"
#: The sheet of the drop-down lists' words (hidden).
LISTS_SHEET = "Lists"
#: Excel shows at most this many characters of a cell's input message or error message.
MESSAGE_LIMIT = 250
#: Number formats, as Excel and LibreOffice both read them.
FORMATS = {
    FieldType.COUNT: "#,##0",
    FieldType.MONEY: '"£"#,##0.00',
    FieldType.PERCENT: 'General"%"',
    FieldType.DATE: "yyyy-mm-dd",
    FieldType.TEXT: "@",
    FieldType.CHOICE: "@",
    FieldType.YES_NO: "@",
}


@dataclass(frozen=True)
class Sheet:
    """What a round's workbook holds: its columns and a row per force, and what could not go in."""

    campaign: Campaign
    folder: Path
    columns: list[Column]
    rows: list[list[Any]]
    remarks: list[Problem]
    """Forms with two findings of a kind: that kind's cells are left blank in their row."""
    notes: dict[tuple[int, int], str]
    """Notes on cells (0-based data row, column): why a cell is blank."""


def round_sheet(folder: Path) -> Sheet:
    """The workbook's content for the campaign folder ``folder``: every form validated first, as ``validate`` does.

    Raises :class:`InvalidInputError` with every problem if a form or the campaign is invalid:
    a sheet is made from forms that ``validate`` passes.
    """
    campaign = load_campaign_folder(folder)
    report = validate([folder]) if form_files(folder) else None
    if report is not None and not report.ok:
        raise InvalidInputError(report.problems)
    found = columns(campaign)
    documents: dict[str, SourceDocument] = {}
    for check in report.forms if report is not None else ():
        document = parse_yaml(check.source.decode("utf-8"), check.path)
        if check.force is not None and isinstance(document.data, dict):
            documents[check.force] = document
    rows, remarks, notes = [], [], {}
    for number, (slug, force) in enumerate(forces().items()):
        row: list[Any] = [None] * len(found)
        row[0], row[1] = slug, force.name
        if slug in documents:
            path, form = documents[slug].path, documents[slug].data
            single, twice = one_finding_each(form)
            for index, column in enumerate(found):
                if column.header in (FORCE, NAME):
                    continue
                if column.kind is None:
                    row[index] = cell_of(form.get(column.field), column)
                elif column.kind in single:
                    row[index] = cell_of(single[column.kind][1].get(column.field), column)
            for kind, indexes in twice.items():
                lines = " and ".join(str((documents[slug].locate(("findings", i)) or ("?",))[0]) for i in indexes)
                message = (
                    f"{len(indexes)} {kind} findings (lines {lines}): the sheet leaves {kind} blank for {slug}; "
                    f"keep one {kind} finding in the form to fill it from the sheet"
                )
                at = documents[slug].locate(("findings", indexes[1])) or (None, None)
                remarks.append(Problem(path, at[0], at[1], f"findings.{indexes[1]}", message))
                first = next(i for i, c in enumerate(found) if c.kind == kind)
                notes[(number, first)] = (
                    f"The form has {len(indexes)} {kind} findings: change them in the form ({path.name})."
                )
        rows.append(row)
    return Sheet(campaign, folder, found, rows, remarks, notes)


# --------------------------------------------------------------------------- CSV


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV in Excel's conventions: UTF-8 with a byte-order mark, lines ending CRLF, commas."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([column.header for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return "\ufeff".encode() + stream.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # never a formula when the file is opened in a spreadsheet
    return str(value)


# --------------------------------------------------------------------------- .xlsx


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as an Excel workbook (the figures, how to fill them in, the drop-down lists' words)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    figures = book.active
    figures.title = FIGURES_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    last = len(sheet.rows) + 1
    bold = Font(bold=True)
    for index, column in enumerate(sheet.columns, start=1):
        header = figures.cell(row=1, column=index, value=column.header)
        header.font = bold
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.alignment = Alignment(wrap_text=False)
        note = f"{column.description}\n\n{_what(column)}"
        header.comment = Comment(note, "authoring", width=320, height=140)
        letter = column_letter(index - 1)
        longest = max(
            [len(column.header), *(len(str(row[index - 1])) for row in sheet.rows if row[index - 1] is not None)]
        )
        figures.column_dimensions[letter].width = max(12, min(40, longest + 3))
        for row_number, row in enumerate(sheet.rows, start=2):
            cell = figures.cell(row=row_number, column=index)
            _set(cell, row[index - 1])
            cell.number_format = "@" if isinstance(row[index - 1], str) else FORMATS[column.type]
        if column.header in (FORCE, NAME):
            continue
        validation = _validation(DataValidation, column, lists, index)
        if validation is not None:
            figures.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last}")
    for (row_index, column_index), text in sheet.notes.items():
        figures.cell(row=row_index + 2, column=column_index + 1).comment = Comment(text, "authoring", width=320)
    figures.freeze_panes = "C2"
    figures.auto_filter.ref = f"A1:{column_letter(len(sheet.columns) - 1)}{last}"
    _guide(book.create_sheet(GUIDE_SHEET, 1), sheet, bold)
    book.properties.creator = "authoring"
    book.properties.title = f"{sheet.campaign.national_report}: figures"
    stamp = dt.datetime.combine(sheet.campaign.release_date, dt.time())
    book.properties.created = book.properties.modified = stamp
    stream = io.BytesIO()
    book.save(stream)
    return _fixed_times(stream.getvalue(), stamp)


def _set(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # text from a form is never a formula


def _what(column: Column) -> str:
    what = column.what() if column.type is FieldType.CHOICE else f"Give {column.what()}."
    need = "Required" if column.required else "Optional: leave blank if not stated"
    if column.kind is not None:
        need = (
            f"Required whenever the {column.kind} figures are given"
            if column.required
            else "Optional: leave blank if not stated"
        )
    return f"{what[0].upper()}{what[1:]}. {need}. In a draft, TODO (and a note) marks a value still to come."


def _validation(factory: Any, column: Column, lists: Any, index: int) -> Any:
    prompt = column.description[:MESSAGE_LIMIT]
    error = f"Expected {column.what()}, or TODO in a draft."[:MESSAGE_LIMIT]
    common: dict[str, Any] = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "errorStyle": "warning",  # a warning, not a stop: a draft may say TODO and a note
        "errorTitle": column.header[:32],
        "error": error,
        "promptTitle": column.header[:32],
        "prompt": prompt,
    }
    if column.type is FieldType.YES_NO:
        words: tuple[str, ...] = (YES, NO)
    elif column.type is FieldType.CHOICE:
        words = column.choices
    else:
        words = ()
    if words:
        letter = column_letter(index - 1)
        for row, word in enumerate(words, start=1):
            lists.cell(row=row, column=index, value=word)
        return factory(type="list", formula1=f"{LISTS_SHEET}!${letter}$1:${letter}${len(words)}", **common)
    if column.type in (FieldType.COUNT, FieldType.MONEY, FieldType.PERCENT):
        low = 0 if column.minimum is None else column.minimum
        kind = "whole" if column.type is FieldType.COUNT else "decimal"
        if column.maximum is None:
            return factory(type=kind, operator="greaterThanOrEqual", formula1=_number(low), **common)
        return factory(type=kind, operator="between", formula1=_number(low), formula2=_number(column.maximum), **common)
    if column.type is FieldType.DATE:
        return factory(
            type="date", operator="between", formula1="DATE(1980,1,1)", formula2="DATE(2107,12,31)", **common
        )
    return None


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def _guide(guide: Any, sheet: Sheet, bold: Any) -> None:
    from openpyxl.styles import Alignment

    campaign = sheet.campaign
    lines: list[list[Any]] = [
        [f"{campaign.national_report}: the figures of the round, a row per force"],
        [],
        [f"Fill in the sheet {FIGURES_SHEET}: one row per force, one column per figure. Do not change the first row"],
        ["or the force column. Other columns you add, and blank rows, are left alone by the import."],
        ["Leave a cell blank when the figure is not stated; write TODO (and a note) for a figure still to come."],
        ["Type numbers in figures: 54800000 for £54.8m, 16.5 for 16.5%. Dates: 2010-04-01."],
        ["A formula's result is read, not the formula. Do not merge cells."],
        [],
        ["Then, in the project folder:"],
        [f"  authoring import THIS-FILE --campaign {sheet.folder} --dry-run   (shows each figure that would change)"],
        [f"  authoring import THIS-FILE --campaign {sheet.folder}             (updates the forms)"],
        ["Nothing is written unless every row is valid; every problem is named at its cell."],
        ["The text of each release (findings in words, the quote) stays in the forms: edit it there."],
        [],
        ["Column", "What it holds", "What to write", "Required"],
    ]
    for column in sheet.columns:
        need = "yes" if column.required else "no"
        lines.append([column.header, column.description, column.what(), need])
    for row in lines:
        guide.append(row)
    guide["A1"].font = bold
    for cell in guide[15]:
        cell.font = bold
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["B"].width = 70
    guide.column_dimensions["C"].width = 50
    for row in guide.iter_rows(min_row=16):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


_CORE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def _fixed_times(data: bytes, stamp: dt.datetime) -> bytes:
    """The workbook with the same times inside whenever it is written, so the same forms give the same bytes."""
    out = io.BytesIO()
    when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIME.sub(rb"\g<1>" + when + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()
