"""The command line: parses arguments, calls the library, turns its errors into exit codes.

Exit codes: 0 success, 1 invalid input or a failed build, 2 usage error.

Streams: a command's result goes to stdout — the files it wrote, one path a line; the list of
forces; the schema; validate's verdict (a draft's gaps, ``All valid``). Problems, errors and
their count go to stderr, and so do remarks for the person at the keyboard (the editors'
schema written beside a new form, how many forces already had one).

Commands find the project the way git finds its repository (:mod:`authoring.inputs.project`): the
nearest folder, from the working folder up, with ``forces/campaign.yaml``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import sys
import threading
import webbrowser
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from authoring import __version__
from authoring.build.batch import run_batch
from authoring.build.pipeline import build
from authoring.cli import sheet, site, welsh
from authoring.cli.options import (
    ALL_FORMATS,
    CampaignOption,
    FoldersArgument,
    FormatsOption,
    JobsOption,
    OutOption,
    PdfEngineOption,
    TemplatesOption,
    cannot_write,
    fail,
    parse_formats,
)
from authoring.exceptions import AuthoringError, UsageError, one_line
from authoring.files.write import write_files
from authoring.inputs.project import (
    campaigns,
    check_paths,
    expand_campaigns,
    load_campaign_folder,
    one_campaign,
    out_dir,
)
from authoring.inputs.scaffold import new_form, new_forms, schema_text
from authoring.inputs.validate import ValidationReport, validate
from authoring.model.types import PdfEngine
from authoring.registry import forces as registry_forces
from authoring.registry import unknown_force_message
from authoring.render.environment import Templates

if TYPE_CHECKING:  # the e-mail, preview and progress modules (rich) load only for the commands that use them
    from rich.console import Console

    from authoring.mail.send import Prepared

app = typer.Typer(
    help="Build press releases from per-force form files and one shared campaign file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: flags show as flags (--final), not as '--final <bool>'
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("build")
def build_command(
    forms: Annotated[
        list[Path],
        typer.Argument(
            help="Form files (or folders of them) to build, e.g. forces/thames-valley.yaml.",
            show_default=False,
            metavar="FORM",
        ),
    ],
    out: OutOption = None,
    formats: FormatsOption = ALL_FORMATS,
    campaign: CampaignOption = None,
    templates: TemplatesOption = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Build the release of each FORM as DOCX, HTML, PDF and Markdown.

    Every form is validated before anything is written; if any is invalid, every
    problem is listed as path:line:col: field: message and nothing is written.
    Output goes to OUT/<force>/<date>-<force-name>-<campaign>.<ext>.
    """
    chosen = parse_formats(formats)
    try:
        check_paths(forms)
        out = out or out_dir()
        built = build(
            forms,
            out_dir=out,
            formats=chosen,
            campaign=campaign,
            templates=Templates.at(templates),
            pdf_engine=pdf_engine,
        )
    except AuthoringError as error:
        raise fail(error) from None
    for item in built:
        for path in item.files:
            typer.echo(one_line(str(path)))


@app.command("batch")
def batch_command(
    folders: FoldersArgument = None,
    out: OutOption = None,
    jobs: JobsOption = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every release, changed or not.")] = False,
    formats: FormatsOption = ALL_FORMATS,
    templates: TemplatesOption = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Build every form in FOLDERS, in parallel, rebuilding only what changed.

    Every form is validated first; a bad form is reported as
    path:line:col: field: message and the others are still built.
    A release is rebuilt only when its form, its campaign, the templates
    or the toolkit changed, or one of its files is missing or was edited
    (and its PDF alone when the PDF engine changed).
    Each release's files are swapped in as one set; a failed release keeps
    its older files. Files an earlier batch wrote that no release produces
    any more (a new release date, a removed form) are removed and listed.
    OUT/manifest.json lists every file with its size and SHA-256.
    Exit code 1 if a form or a national release failed, or another batch
    is writing to OUT;
    130 if interrupted (Ctrl-C), 143 if terminated (SIGTERM).
    """
    chosen = parse_formats(formats)
    from rich.console import Console

    from authoring.cli.progress import batch_observer, batch_problems, batch_summary

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
        folders, out = expand_campaigns(folders or campaigns()), out or out_dir()
        with batch_observer(stdout, stderr) as observer:
            report = run_batch(
                folders,
                out_dir=out,
                formats=chosen,
                jobs=jobs,
                force=force,
                templates=Templates.at(templates),
                observer=observer,
                pdf_engine=pdf_engine,
            )
    except AuthoringError as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted: the releases written so far are complete and kept; run again to finish.", err=True)
        raise typer.Exit(128 + interrupted) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in batch_problems(report):
        typer.echo(str(problem), err=True)
    batch_summary(report, stdout, stderr)
    if not report.complete:
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
        welsh = f" · in Welsh too: {force.welsh_name}" if force.bilingual else ""
        typer.echo(f"{force.slug:<{width}}  {force.name}{short} — {force.country.value}{welsh}")


@app.command("validate")
def validate_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Form files, campaign files or campaign folders to check (default: every one in forces/).",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    campaign: CampaignOption = None,
    final: Annotated[
        bool, typer.Option("--final", help="Before publication: every draft, and each of its TODOs, is a problem.")
    ] = False,
) -> None:
    """Check forms and their campaign without building anything.

    Every problem in every file is printed to stderr, one per line, as
    path:line:col: field: message, then how many there are.

    A draft may contain TODO gaps; each is listed on stdout, in the same form, with the
    summary. A final form may contain none.

    Exit status: 0 if all are valid, 1 if any is invalid, 2 for a usage error.
    """
    try:
        if paths:
            check_paths(paths)
        report = validate(expand_campaigns(paths or campaigns()), campaign=campaign, final=final)
    except AuthoringError as error:
        raise fail(error) from None
    lists = [problem for check in report.lists for problem in check.problems]  # distribution.yaml, as 'send' reads it
    for problem in report.problems:
        typer.echo(str(problem), err=True)
    if lists and len(lists) == len(report.problems):  # only the lists are wrong
        found = "1 problem" if len(lists) == 1 else f"{len(lists)} problems"
        checked = _summary(replace(report, lists=())).removeprefix("All valid: ")
        typer.echo(f"{found} in the distribution lists; the forms and campaigns are valid ({checked[:-1]}).", err=True)
        raise typer.Exit(1)
    if not report.ok:
        typer.echo(_summary(report), err=True)
        raise typer.Exit(1)
    for gap in report.gaps:
        typer.echo(str(gap))
    typer.echo(_summary(report))


def _summary(report: ValidationReport) -> str:
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    checked = f"{count(len(report.forms), 'form')} and {count(len(report.campaigns), 'campaign')} checked"
    if not report.ok:
        problems, files = len(report.problems), len(report.invalid_files)
        return f"{count(problems, 'problem')} in {count(files, 'file')}; {checked}."
    gaps = f", {count(len(report.gaps), 'TODO')} to fill" if report.gaps else ""
    drafts = f" ({count(len(report.drafts), 'draft')}{gaps})" if report.drafts else ""
    return f"All valid: {checked}{drafts}."


@app.command("new")
def new_command(
    slug: Annotated[
        str | None, typer.Argument(help="The force's slug, e.g. thames-valley (see 'authoring forces').")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="File to write (default: SLUG.yaml in the campaign folder).", show_default=False
        ),
    ] = None,
    all_forces: Annotated[
        bool, typer.Option("--all", help="Write a draft for every force that has no form in the campaign folder yet.")
    ] = False,
    forms: Annotated[
        Path | None,
        typer.Option(
            "--campaign",
            "--forms",
            help="The campaign folder (default: the project's only campaign under forces/).",
            show_default=False,
        ),
    ] = None,
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
        if slug is not None and slug not in registry_forces():
            raise UsageError(unknown_force_message(slug))
        if forms is None:
            forms = out.parent if out is not None else one_campaign(None)
        result = new_forms(forms) if all_forces else new_form(slug or "", out=out, forms_dir=forms)
    except AuthoringError as error:
        raise fail(error) from None
    except OSError as error:
        raise cannot_write(error) from None
    for path in result.written:
        typer.echo(one_line(str(path)))
    if result.schema:
        typer.echo(f"{result.schema} (schema for editors)", err=True)
    if all_forces:
        typer.echo(f"{len(result.written)} drafts written; {len(result.skipped)} forces already had a form.", err=True)


@app.command("schema")
def schema_command(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="The campaign folder (default: the project's only campaign under forces/).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write instead of printing.", show_default=False)
    ] = None,
) -> None:
    """Print the JSON Schema of a campaign's form files (for editors and other tools).

    It is made from the campaign: its verdicts and its kinds of structured finding.
    """
    try:
        text = schema_text(load_campaign_folder(one_campaign(folder, how="after the command: authoring schema FOLDER")))
    except AuthoringError as error:
        raise fail(error) from None
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        write_files({out: text.encode()})
    except OSError as error:
        raise cannot_write(error) from None
    typer.echo(one_line(str(out)))


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


@app.command("preview")
def preview_command(
    form: Annotated[Path, typer.Argument(help="The form file to preview, e.g. forces/kent.yaml.", show_default=False)],
    port: Annotated[
        int,
        typer.Option(min=0, max=65535, help="Port on 127.0.0.1 to serve on (default: a free one).", show_default=False),
    ] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the page in a browser.")] = False,
    campaign: CampaignOption = None,
    templates: TemplatesOption = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Show the release of FORM in a browser, updated each time the form, its campaign or a template is saved.

    The page is the release as the HTML output shows it, with a draft's TODO gaps marked
    and listed, and a link to the PDF as it will be printed (a bilingual release: one to
    each language's PDF, in that language). While the form has problems,
    the page lists them, as validate prints them, in place of the release.

    It is served on http://127.0.0.1 only. Press Ctrl-C to stop (exit status 0).
    """
    try:
        from authoring.preview.server import preview_server

        with preview_server(
            form, port=port, campaign=campaign, templates=Templates.at(templates), pdf_engine=pdf_engine
        ) as server:
            typer.echo(f"Previewing {one_line(str(form))} at {server.url} (press Ctrl-C to stop)")
            if not no_browser:
                threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                typer.echo("\nPreview stopped.")
    except AuthoringError as error:
        raise fail(error) from None


#: The only place the SMTP password is read from.
PASSWORD_ENV = "AUTHORING_SMTP_PASSWORD"


def _prepare(
    folders: list[Path] | None,
    out: Path,
    jobs: int | None,
    templates: Path | None,
    stdout: Console,
    *,
    verb: str = "sent",
    pdf_engine: PdfEngine | None = None,
) -> Prepared:
    """Build what is stale, as 'batch' does, and print what the build found wrong.

    Without folders, every open round: a closed round, or an example, is passed by, saying so.
    """
    from rich.console import Console

    from authoring.cli.progress import batch_observer, batch_problems
    from authoring.cli.send_progress import held_back
    from authoring.mail.send import open_rounds, prepare

    if folders:
        chosen_folders = expand_campaigns(folders)
    else:
        chosen_folders, passed = open_rounds(expand_campaigns(campaigns()))
        for folder, state in passed:
            kind = "an example round" if state == "example" else "a closed round"
            typer.echo(
                f"passed by: {folder} is {kind} (campaign.yaml says 'round: {state}'); name its folder to include it",
                err=True,
            )
        if not chosen_folders:
            raise UsageError("every round is closed or an example: nothing to do; name a folder to include one")
    chosen = Templates.at(templates)
    with batch_observer(stdout, Console(stderr=True, highlight=False)) as observer:
        prepared = prepare(
            chosen_folders, out_dir=out, jobs=jobs, observer=observer, templates=chosen, pdf_engine=pdf_engine
        )
    for problem in batch_problems(prepared.batch):
        typer.echo(str(problem), err=True)
    for line in held_back(prepared, verb=verb):
        typer.echo(line, err=True)
    return prepared


@app.command("pack")
def pack_command(
    folders: FoldersArgument = None,
    out: OutOption = None,
    jobs: JobsOption = None,
    templates: TemplatesOption = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """Write each final release's e-mail as <stem>.eml beside its files, to open in a mail client and send by hand.

    Builds what is stale first, exactly as 'batch' does. Each message carries the
    embargoed subject, the release as text and HTML, and the PDF; its recipients (from
    distribution.yaml) are blind copies. Drafts get no message. Without folders, closed
    and example rounds are passed by.
    Exit code 1 if a form failed, a release is a draft, or a list is invalid.
    """
    from rich.console import Console

    from authoring.mail.send import pack

    stdout = Console(highlight=False)
    try:
        out = out or out_dir()
        prepared = _prepare(folders, out, jobs, templates, stdout, verb="packed", pdf_engine=pdf_engine)
        written = pack(prepared, out_dir=out)
    except AuthoringError as error:
        raise fail(error) from None
    except OSError as error:
        raise cannot_write(error) from None
    for path in written:
        typer.echo(one_line(str(path)))
    if not prepared.batch.ok or prepared.drafts or prepared.problems:
        raise typer.Exit(1)


@app.command("send")
def send_command(
    folders: FoldersArgument = None,
    smtp: Annotated[
        str | None,
        typer.Option(
            help="Mail server: smtp://host:port (STARTTLS) or smtps://host:port (TLS); "
            f"user@ before the host to log in, with the password in ${PASSWORD_ENV}.",
            show_default=False,
        ),
    ] = None,
    out: OutOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show who would get what, with each subject; send nothing.")
    ] = False,
    resend: Annotated[
        bool, typer.Option("--resend", help="Send releases changed since they were sent again, marked as corrections.")
    ] = False,
    retry_uncertain: Annotated[
        bool,
        typer.Option(
            "--retry-uncertain",
            help="Send again the messages a server may have taken before the connection ended (they may arrive twice).",
        ),
    ] = False,
    jobs: JobsOption = None,
    templates: TemplatesOption = None,
    pdf_engine: PdfEngineOption = None,
) -> None:
    """E-mail each final release, with its PDF, to its distribution list: exactly once.

    Builds what is stale first, exactly as 'batch' does. Each recipient gets the release
    in an envelope of their own (no one sees another's address). Each round's journal,
    forces/<round>/sent.jsonl (commit it with the round), records every delivery and the
    checksum of every file it carried; a re-run sends only what has not been delivered. A
    release changed since it was sent (any of its files: a bilingual release's Welsh PDF
    too) goes again only with --resend. Drafts are never sent. Without folders, closed and example rounds
    are passed by. What may pass later (a 4xx reply, a dropped connection) is tried again
    a few times; a refusal (5xx) is final. A message the server may have taken before the
    connection ended is reported as such and goes again only with --retry-uncertain.
    Exit code 1 if anything was not sent: a draft, a failed form, a refused recipient.
    """
    if smtp is None and not dry_run:
        typer.echo("Error: give --smtp smtp://host:port (or --dry-run to see who would get what)", err=True)
        raise typer.Exit(2)
    from rich.console import Console

    from authoring.cli.send_progress import dispatch_line, failure_lines, send_observer, send_summary
    from authoring.mail.send import Result, deliver
    from authoring.mail.smtp import Connection, Secret, SmtpSettings

    stdout = Console(highlight=False)
    out = out or out_dir()
    try:
        settings = SmtpSettings.parse(smtp) if smtp else None
        secret = Secret(os.environ[PASSWORD_ENV]) if os.environ.get(PASSWORD_ENV) else None
        connection = Connection(settings, password=secret) if settings and not dry_run else None
        del secret
        prepared = _prepare(folders, out, jobs, templates, stdout, pdf_engine=pdf_engine)
        with send_observer(stdout, Console(stderr=True, highlight=False)) as observer:
            if connection is None:
                report = deliver(prepared, out_dir=out, connection=None, resend=resend, retry_uncertain=retry_uncertain)
            else:
                with connection:
                    report = deliver(
                        prepared,
                        out_dir=out,
                        connection=connection,
                        resend=resend,
                        retry_uncertain=retry_uncertain,
                        observer=observer,
                    )
    except AuthoringError as error:
        raise fail(error) from None
    except KeyboardInterrupt:
        typer.echo("Interrupted: what was sent is recorded in each round's sent.jsonl; run again to finish.", err=True)
        raise typer.Exit(130) from None
    for dispatch in report.of(Result.WOULD_SEND):
        typer.echo(dispatch_line(dispatch))
    for line in failure_lines(report):
        typer.echo(line, err=True)
    send_summary(report, stdout, dry_run=dry_run)
    if not report.ok:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- commands in modules of their own
# One line each: app.command("name")(module.function). Such a module keeps its heavy imports
# inside its functions, so that `validate` and `--help` load none of them.
app.command("sheet")(sheet.sheet_command)
app.command("import")(sheet.import_command)
app.command("site")(site.site_command)
app.command("welsh-export")(welsh.welsh_export_command)
app.command("welsh-import")(welsh.welsh_import_command)


def run() -> None:
    """The ``authoring`` command: run :data:`app`, then leave without tearing the interpreter down.

    Freeing every object of every module loaded (WeasyPrint, pydantic, Jinja) costs about
    0.1 CPU-seconds at each exit, a fifth of a ``validate`` and a quarter of a batch with
    nothing to do, and serves nothing once the command is done. So, when no other thread is
    still running, the exit handlers run (WeasyPrint's font folder is removed, logs are
    flushed), the output is flushed, and the process ends at once with the command's exit code.
    """
    try:
        app(prog_name="authoring")
    except SystemExit as exit:
        code = exit.code
    except KeyboardInterrupt:  # Ctrl-C before a command could handle it (while the commands are being set up)
        print("Interrupted.", file=sys.stderr)
        code = 128 + signal.SIGINT
    else:  # pragma: no cover - click's standalone mode always raises SystemExit
        code = 0
    if threading.active_count() > 1:
        raise SystemExit(code)
    if not isinstance(code, int | None):  # SystemExit("message"): printed, exit status 1, as Python does
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing left to flush to
            stream.flush()
    os._exit(code or 0)
