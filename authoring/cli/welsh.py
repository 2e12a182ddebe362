"""``authoring welsh-export`` and ``welsh-import``: a translator's round trip through a PO file.

The library does the work (:mod:`authoring.inputs.po`); these commands read the arguments,
write or read the file, and say what happened in a press officer's words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.options import cannot_write, fail
from authoring.exceptions import AuthoringError

RoundArgument = Annotated[
    Path,
    typer.Argument(
        help="The round's folder: its campaign.yaml and forms, e.g. forces/value-for-money-2013.",
        exists=True,
        file_okay=False,
    ),
]


def welsh_export_command(
    folder: RoundArgument,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="The PO file to write (default: <round>.cy.po in the working folder).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write what the round's bilingual releases need in Welsh as a PO file, for a translator.

    Each entry has the English, its place (file:line) and the Welsh so far; give the file to
    a translator (Poedit, Weblate …) and bring it back with 'authoring welsh-import'.
    """
    from authoring.files.write import write_files
    from authoring.inputs.po import export_catalog, round_entries

    target = out or Path(f"{folder.resolve().name}.cy.po")
    try:
        data = export_catalog(folder)
        entries = round_entries(folder)
    except AuthoringError as error:
        raise fail(error) from error
    try:
        write_files({target: data})
    except OSError as error:
        raise cannot_write(error) from error
    missing = sum(1 for entry in entries if not entry.welsh)
    typer.echo(str(target))
    typer.echo(f"{len(entries)} texts, {missing} still to translate.", err=True)


def welsh_import_command(
    po_file: Annotated[Path, typer.Argument(help="The translated PO file.", exists=True, dir_okay=False)],
    folder: RoundArgument,
) -> None:
    """Put the Welsh of a translated PO file back into the round's campaign.yaml and forms.

    Comments and layout of the YAML stay as they were. An entry whose English has changed
    since the export is not written, and is listed; then the round is validated.
    """
    from authoring.inputs.po import import_catalog
    from authoring.inputs.validate import validate

    try:
        report = import_catalog(po_file, folder)
    except AuthoringError as error:
        raise fail(error) from error
    except OSError as error:
        typer.echo(f"Error: cannot write the round: {error.strerror or error}; nothing was changed", err=True)
        raise typer.Exit(1) from error
    for path in report.written:
        typer.echo(str(path))
    for line in report.stale:
        typer.echo(f"{po_file}: {line}", err=True)
    typer.echo(
        f"{report.updated} Welsh texts written, {report.unchanged} unchanged, {report.untranslated} not yet "
        f"translated, {len(report.stale)} no longer matching.",
        err=True,
    )
    problems = validate([folder]).problems
    for problem in problems:
        typer.echo(str(problem), err=True)
    if report.stale or problems:
        raise typer.Exit(1)
