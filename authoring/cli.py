"""The command line: parses arguments, calls the library, turns its errors into exit codes.

Exit codes: 0 success, 1 invalid input or a failed build, 2 usage error.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from authoring import __version__
from authoring.batch import run_batch
from authoring.build import DEFAULT_OUT_DIR, build
from authoring.exceptions import AuthoringError, InvalidInputError, UsageError
from authoring.loading import DEFAULT_FORMS_DIR
from authoring.output import write_files
from authoring.progress import batch_observer, batch_problems, batch_summary
from authoring.registry import forces as registry_forces
from authoring.render import ALL_FORMATS, Format
from authoring.render.environment import TEMPLATES_ENV
from authoring.scaffold import new_form, new_forms, schema_text
from authoring.validate import ValidationReport, validate

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


def _fail(error: AuthoringError) -> typer.Exit:
    if isinstance(error, UsageError):
        typer.echo(f"Error: {error}", err=True)
        return typer.Exit(2)
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
        built = build(forms, out_dir=out, formats=chosen, campaign=campaign)
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
    Each release's files are swapped in as one set; a failed release keeps
    its older files. Files an earlier batch wrote that no release produces
    any more (a new release date, a removed form) are removed and listed.
    OUT/manifest.json lists every file with its size and SHA-256.
    Exit code 1 if a form failed or another batch is writing to OUT;
    130 if interrupted (Ctrl-C), 143 if terminated (SIGTERM).
    """
    chosen = _formats(formats)
    stdout = Console(highlight=False)
    stderr = Console(stderr=True, highlight=False)
    interrupted = signal.SIGINT
    previous = signal.getsignal(signal.SIGTERM) or signal.SIG_DFL

    def terminate(signum: int, frame: object) -> None:  # SIGTERM ends a batch as Ctrl-C does
        nonlocal interrupted
        interrupted = signal.SIGTERM
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        with batch_observer(stdout, stderr) as observer:
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
        raise typer.Exit(128 + interrupted) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in batch_problems(report):
        typer.echo(str(problem), err=True)
    batch_summary(report, stdout, stderr)
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


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Form files, campaign files or folders of forms to check (default: forces/).", show_default=False
        ),
    ] = None,
    campaign: Annotated[
        Path | None,
        typer.Option(help="Campaign file to use instead of campaign.yaml beside each form.", show_default=False),
    ] = None,
    final: Annotated[
        bool, typer.Option("--final", help="Also report every draft: check that all is ready to publish.")
    ] = False,
) -> None:
    """Check forms and their campaign without building anything.

    Every problem in every file is printed, one per line, as path:line:col: field: message.

    A draft may contain TODO gaps; a final form may not.

    Exit status: 0 if all are valid, 1 if any is invalid, 2 for a usage error.
    """
    try:
        report = validate(paths or [DEFAULT_FORMS_DIR], campaign=campaign, final=final)
    except AuthoringError as error:
        raise _fail(error) from None
    for problem in report.problems:
        typer.echo(str(problem))
    typer.echo(_summary(report), err=True)
    if not report.ok:
        raise typer.Exit(1)


def _summary(report: ValidationReport) -> str:
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    checked = f"{count(len(report.forms), 'form')} and {count(len(report.campaigns), 'campaign')} checked"
    if not report.ok:
        problems, files = len(report.problems), len(report.invalid_files)
        return f"{count(problems, 'problem')} in {count(files, 'file')}; {checked}."
    gaps = sum(len(check.todos) for check in report.drafts)
    drafts = f" ({count(len(report.drafts), 'draft')}, {count(gaps, 'TODO')} to fill)" if report.drafts else ""
    return f"All valid: {checked}{drafts}."


@app.command("new")
def new_command(
    slug: Annotated[
        str | None, typer.Argument(help="The force's slug, e.g. thames-valley (see 'authoring forces').")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: SLUG.yaml in the --forms folder).", show_default=False
        ),
    ] = None,
    all_forces: Annotated[
        bool, typer.Option("--all", help="Write a draft for every force that has no form in the --forms folder yet.")
    ] = False,
    forms: Annotated[Path, typer.Option("--forms", help="The folder of forms.")] = DEFAULT_FORMS_DIR,
) -> None:
    """Write a commented draft form for a force (or, with --all, for every force without one).

    Each field is explained in a comment; what is not known yet is TODO, so a new form is a valid draft.

    An existing file is never overwritten.

    The first line points editors to form.schema.json, which is written beside the form.
    """
    if all_forces == (slug is not None) or (all_forces and out is not None):
        typer.echo("Error: give either one SLUG (optionally with --out), or --all", err=True)
        raise typer.Exit(2)
    try:
        result = new_forms(forms) if all_forces else new_form(slug or "", out=out, forms_dir=forms)
    except AuthoringError as error:
        raise _fail(error) from None
    except OSError as error:
        raise _cannot_write(error) from None
    for path in result.written:
        typer.echo(str(path))
    if result.schema:
        typer.echo(f"{result.schema} (schema for editors)", err=True)
    if all_forces:
        typer.echo(f"{len(result.written)} drafts written; {len(result.skipped)} forces already had a form.", err=True)


@app.command("schema")
def schema_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write instead of printing.", show_default=False)
    ] = None,
) -> None:
    """Print the JSON Schema of a form file, generated from the models (for editors and other tools)."""
    if out is None:
        typer.echo(schema_text(), nl=False)
        return
    try:
        write_files({out: schema_text().encode()})
    except OSError as error:
        raise _cannot_write(error) from None
    typer.echo(str(out))


def _cannot_write(error: OSError) -> typer.Exit:
    typer.echo(f"Error: cannot write {error.filename or ''}: {error.strerror or error}", err=True)
    return typer.Exit(1)


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
