"""The commands ``sheet`` and ``import``: a round's figures as a workbook, and back into the forms.

openpyxl, python-calamine and ruamel.yaml are imported inside the library's functions, so
that ``validate`` and ``--help`` load none of them.

Streams and exit codes as every command: results (the file written, the forms written,
a dry run's changes) on stdout; problems and remarks on stderr; 0 success, 1 invalid
input (nothing written), 2 usage error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.options import cannot_write, fail
from authoring.exceptions import AuthoringError, UsageError, one_line
from authoring.files.write import write_files
from authoring.inputs.project import one_campaign

#: The file types ``sheet`` writes, by extension.
SHEET_TYPES = (".xlsx", ".csv")
#: The workbook's name when --out is not given (in the working folder).
DEFAULT_SHEET = "figures.xlsx"

FolderArgument = Annotated[
    Path | None,
    typer.Argument(
        help="The campaign folder (default: the project's only campaign under forces/).",
        show_default=False,
        exists=True,
        file_okay=False,
    ),
]


def sheet_command(
    folder: FolderArgument = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help=f"File to write: .xlsx or .csv (default: {DEFAULT_SHEET}).", show_default=False
        ),
    ] = None,
    replace: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write the round's workbook: a row per force, a column per figure, filled from the forms.

    Columns: force, name, status, grade (the verdict), inspector, then each kind of
    finding's fields (savings.target) in the campaign's order, each with its description as
    the header's note. The .xlsx has drop-down lists, number formats, a frozen header and
    a sheet saying how to fill it in; a .csv has the same columns (UTF-8, as Excel saves it).
    Fill it in, then run 'authoring import'.

    Every form must be valid (as 'validate' says). An existing file is not replaced without --force.
    """
    from authoring.sheet.workbook import csv_bytes, round_sheet, xlsx_bytes

    target = out or Path(DEFAULT_SHEET)
    try:
        if target.suffix.lower() not in SHEET_TYPES:
            raise UsageError(f"{target}: write a .xlsx workbook or a .csv file (name the file so)")
        if os.path.lexists(target) and not replace:
            raise UsageError(f"{target} already exists; it was not replaced (add --force to replace it)")
        sheet = round_sheet(one_campaign(folder, how="after the command: authoring sheet FOLDER"))
    except AuthoringError as error:
        raise fail(error) from None
    data = csv_bytes(sheet) if target.suffix.lower() == ".csv" else xlsx_bytes(sheet)
    try:
        write_files({target: data})
    except OSError as error:
        raise cannot_write(error) from None
    for remark in sheet.remarks:
        typer.echo(str(remark), err=True)
    typer.echo(str(target))


def import_command(
    file: Annotated[
        Path,
        typer.Argument(help="The workbook: .xlsx, .ods or .csv.", show_default=False, metavar="FILE"),
    ],
    campaign: Annotated[
        Path | None,
        typer.Option(
            "--campaign",
            help="The campaign folder whose forms to update (default: the project's only campaign).",
            show_default=False,
            file_okay=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print, force by force, each figure that would change; write nothing.")
    ] = False,
) -> None:
    """Update the forms from a workbook: figures, verdicts, inspectors and status.

    Every other part of a form (its text findings, the quote, its comments and order) is
    kept exactly; a form the sheet does not change is not written. A force with no form
    whose row is filled in gets a draft, with TODO where text is needed.

    Every problem is printed at its cell (figures.xlsx:Figures!D14: savings.target: …),
    with the checks 'validate' makes; nothing is written unless every row is valid.
    """
    from authoring.sheet.importer import describe, import_sheet

    try:
        if not os.path.lexists(file):
            raise UsageError(f"{file}: no such file")
        folder = one_campaign(campaign)
        result = import_sheet(file, folder, dry_run=dry_run)
    except AuthoringError as error:
        raise fail(error) from None
    except OSError as error:
        raise cannot_write(error) from None
    for remark in result.remarks:
        typer.echo(one_line(remark), err=True)
    if dry_run:
        for update in result.updates:
            for line in describe(update):
                typer.echo(one_line(line))
    else:
        for path in result.written:
            typer.echo(str(path))
    drafts = sum(1 for update in result.updates if update.new)
    changed = len(result.updates) - drafts
    verb = "would be" if dry_run else ("was" if changed == 1 else "were")
    summary = (
        f"{changed} form{'s' if changed != 1 else ''} {verb} updated, {drafts} new draft{'s' if drafts != 1 else ''}"
    )
    typer.echo(f"{summary}; {result.unchanged} unchanged.", err=True)
