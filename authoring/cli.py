"""The command line: parses arguments, calls the library, turns its errors into exit codes.

Exit codes: 0 success, 1 invalid input or a failed build, 2 usage error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from authoring import __version__
from authoring.batch import DEFAULT_FORMS_DIR, run_batch
from authoring.build import DEFAULT_OUT_DIR, build
from authoring.exceptions import AuthoringError, InvalidInputError
from authoring.loading import form_files
from authoring.progress import batch_observer, batch_problems, batch_summary
from authoring.registry import forces as registry_forces
from authoring.render import ALL_FORMATS, Format
from authoring.render.environment import TEMPLATES_ENV

app = typer.Typer(
    help="Build press releases from per-force form files and one shared campaign file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _formats(value: str) -> list[Format]:
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in {f.value for f in Format}]
    if unknown or not names:
        raise typer.BadParameter(f"choose from {', '.join(f.value for f in Format)} (comma-separated); got {value!r}")
    return [fmt for fmt in ALL_FORMATS if fmt.value in names]


def _expand(paths: list[Path]) -> list[Path]:
    """Form files named directly, and every form in each folder named."""
    expanded: list[Path] = []
    for path in paths:
        expanded.extend(form_files(path) if path.is_dir() else [path])
    return expanded


def _fail(error: AuthoringError) -> typer.Exit:
    if isinstance(error, InvalidInputError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        count = len(error.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    else:
        typer.echo(f"{type(error).__name__}: {error}", err=True)
    return typer.Exit(1)


@app.command("build")
def build_command(
    forms: Annotated[
        list[Path],
        typer.Argument(
            help="Form files (or folders of them) to build, e.g. forces/thames-valley.yaml.", show_default=False
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = DEFAULT_OUT_DIR,
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated formats: docx,html,pdf,md.")
    ] = ",".join(f.value for f in ALL_FORMATS),
    campaign: Annotated[
        Path | None,
        typer.Option(help="Campaign file to use instead of campaign.yaml beside each form.", show_default=False),
    ] = None,
) -> None:
    """Build the release of each FORM as DOCX, HTML, PDF and Markdown.

    Every form is validated before anything is written; if any is invalid, every
    problem is listed as path:line:col: field: message and nothing is written.
    Output goes to OUT/<force>/<date>-<force-name>-<campaign>.<ext>.
    """
    chosen = _formats(formats)
    try:
        built = build(_expand(forms), out_dir=out, formats=chosen, campaign=campaign)
    except AuthoringError as error:
        raise _fail(error) from None
    for item in built:
        for path in item.files:
            typer.echo(str(path))


@app.command("batch")
def batch_command(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders of form files, each with its campaign.yaml (default: forces).",
            show_default=False,
            exists=True,
            file_okay=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = DEFAULT_OUT_DIR,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes that render (default: one per CPU core).", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every release, changed or not.")] = False,
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated formats: docx,html,pdf,md.")
    ] = ",".join(f.value for f in ALL_FORMATS),
    templates: Annotated[
        Path | None,
        typer.Option(
            envvar=TEMPLATES_ENV,
            file_okay=False,
            exists=True,
            help="Templates folder to use instead of the shipped one (a modified copy).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build every form in FOLDERS, in parallel, rebuilding only what changed.

    Every form is validated first; a bad form is reported as
    path:line:col: field: message and the others are still built.
    A release is rebuilt only when its form, its campaign, the templates
    or the toolkit changed, or one of its files is missing or was edited.
    Files are replaced atomically; a failed release keeps its older files.
    OUT/manifest.json lists every file with its size and SHA-256.
    Exit code 1 if a form failed or another batch is writing to OUT.
    """
    chosen = _formats(formats)
    stdout = Console(highlight=False)
    try:
        with batch_observer(stdout, Console(stderr=True, highlight=False)) as observer:
            report = run_batch(
                folders or [DEFAULT_FORMS_DIR],
                out_dir=out,
                formats=chosen,
                jobs=jobs,
                force=force,
                templates=templates,
                observer=observer,
            )
    except AuthoringError as error:
        raise _fail(error) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted: the releases written so far are complete and kept; run again to finish.", err=True)
        raise typer.Exit(130) from None
    for problem in batch_problems(report):
        typer.echo(str(problem), err=True)
    batch_summary(report, stdout)
    if not report.ok:
        raise typer.Exit(1)


@app.command("forces")
def forces_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the 44 forces a form may name (the 'force:' key takes the slug)."""
    forces = list(registry_forces().values())
    if as_json:
        typer.echo(json.dumps([force.model_dump(mode="json") for force in forces], indent=2, ensure_ascii=False))
        return
    width = max(len(force.slug) for force in forces)
    for force in forces:
        short = f" ({force.short_name})" if force.short_name else ""
        typer.echo(f"{force.slug:<{width}}  {force.name}{short} — {force.country.value}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"authoring {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Build press releases from per-force form files and one shared campaign file."""
