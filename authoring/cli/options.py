"""What the commands share: their common options and arguments, declared once, and how errors end a command.

A command in a module of its own (``authoring/cli/<topic>.py``) imports these from here, not
from :mod:`authoring.cli.app`, which imports every command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authoring.exceptions import AuthoringError, InvalidInputError, UsageError, one_line
from authoring.model.types import PdfEngine
from authoring.render import Format
from authoring.render import formats as registered_formats

#: Environment variable naming a templates folder to use instead of the shipped one (read only here).
TEMPLATES_ENV = "AUTHORING_TEMPLATES"

#: The ``--templates`` option of every command that renders.
TemplatesOption = Annotated[
    Path | None,
    typer.Option(
        envvar=TEMPLATES_ENV,
        file_okay=False,
        exists=True,
        help="Templates folder to use instead of the shipped one (a modified copy).",
        show_default=False,
    ),
]

#: Where builds go; the commands that build or send share it.
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Folder to write into (default: the project's output/).")
]
#: How many processes render; the commands that build many releases share it.
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes that render (default: one per CPU core).", show_default=False
    ),
]

#: Every registered format, comma-separated: what ``--format`` means when it is not given.
ALL_FORMATS = ",".join(registered_formats())
#: Which formats to make; the commands that render share it.
FormatsOption = Annotated[
    str, typer.Option("--format", "-f", help=f"Comma-separated formats: {ALL_FORMATS}.", show_default=False)
]
#: A campaign file other than the one beside the forms; the commands that read forms share it.
CampaignOption = Annotated[
    Path | None,
    typer.Option(help="Campaign file to use instead of campaign.yaml beside each form.", show_default=False),
]


#: Which engine prints the PDFs; every command that makes a PDF shares it.
def _pdf_engine(value: str) -> PdfEngine:
    """``--pdf-engine``'s value as a :class:`PdfEngine`, or a message that lists the engines."""
    try:
        return PdfEngine(value.strip().lower())
    except ValueError:
        engines = " or ".join(engine.value for engine in PdfEngine)
        raise typer.BadParameter(f"there is no PDF engine called '{value}'; use {engines}") from None


PdfEngineOption = Annotated[
    PdfEngine | None,
    typer.Option(
        "--pdf-engine",
        parser=_pdf_engine,
        metavar="[weasyprint|typst]",
        help="What prints the PDF: weasyprint or typst (default: the campaign's pdf_engine, else weasyprint).",
        show_default=False,
    ),
]
#: The round folders a command covers; the commands that work on whole rounds share it.
FoldersArgument = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Campaign folders: form files with their campaign.yaml (default: every one in forces/).",
        show_default=False,
        exists=True,
        file_okay=False,
    ),
]


def parse_formats(value: str) -> list[Format]:
    """The formats a ``--format`` value names, in the registry's order; a usage error for any other."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in registered_formats()]
    if unknown or not names:
        raise typer.BadParameter(f"choose from {', '.join(registered_formats())} (comma-separated); got {value!r}")
    return [fmt for fmt in registered_formats() if fmt in names]


def fail(error: AuthoringError) -> typer.Exit:
    """Print a toolkit error as a press officer reads it, and the exit it ends the command with (2: usage, 1: else)."""
    if isinstance(error, UsageError):
        typer.echo(f"Error: {one_line(str(error))}", err=True)
        return typer.Exit(2)
    if isinstance(error, InvalidInputError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        count = len(error.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    else:
        typer.echo(f"Error: {one_line(str(error))}", err=True)
    return typer.Exit(1)


def cannot_write(error: OSError) -> typer.Exit:
    """Print why a file could not be written, and exit 1."""
    typer.echo(one_line(f"Error: cannot write {error.filename or ''}: {error.strerror or error}"), err=True)
    return typer.Exit(1)
