"""``authoring site``: the newsroom (pages, feeds, sitemap) from what ``batch`` built.

Registered in :mod:`authoring.cli.app`; the options it shares with other commands come from
:mod:`authoring.cli.options`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authoring.cli.options import TemplatesOption, fail
from authoring.exceptions import AuthoringError, one_line

#: Environment variable with the address the site is served at (read only here).
SITE_URL_ENV = "AUTHORING_SITE_URL"


def site_command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder to write the site into (default: the project's output/site/).",
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Build the site as it is at this time, ISO 8601, e.g. 2012-12-11T09:00 (Europe/London unless it "
            "says otherwise); to rehearse an embargo (default: now).",
            show_default=False,
        ),
    ] = None,
    built: Annotated[
        Path | None,
        typer.Option(
            "--built",
            help="The batch's output folder to publish from (default: the project's output/).",
            show_default=False,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            envvar=SITE_URL_ENV,
            help="The address the site is served at, for the feeds and the sitemap "
            "(default: the newest round's website, from its campaign).",
            show_default=False,
        ),
    ] = None,
    templates: TemplatesOption = None,
    examples: Annotated[
        bool,
        typer.Option(
            "--examples",
            help="Include the example rounds (campaign.yaml says 'round: example'), to try the site out; "
            "never for the public site.",
        ),
    ] = False,
) -> None:
    """Write the newsroom: a home page, a page per round and per release, Atom feeds and a sitemap.

    It publishes what 'authoring batch' built (its output/manifest.json and files): every
    final release whose embargo has passed at --now, never a draft, and nothing of an
    example round (its campaign says 'round: example': invented releases) unless --examples
    is given. Run it again after an embargo (from cron, say) and the release appears; only
    the files that changed are rewritten, and files of releases no longer shown are removed.
    A Welsh release's page is Welsh throughout (docs/site.md).

    The files written are printed, one a line; what was held back, and why, goes to stderr.
    Exit status: 0 when every built release is shown, or held back by its embargo, as a
    draft or as an example; 1 if one could not be shown (its files missing or changed since
    the batch); 2 for a usage error.
    """
    from authoring.inputs.project import out_dir
    from authoring.render.environment import Templates
    from authoring.site.clock import parse_now
    from authoring.site.publish import build_site

    try:
        built_dir = built or out_dir()
        report = build_site(
            built=built_dir,
            site_dir=out or built_dir / "site",
            now=parse_now(now),
            base_url=url,
            templates=Templates.at(templates),
            examples=examples,
        )
    except AuthoringError as error:
        raise fail(error) from None
    for path in report.written:
        typer.echo(one_line(str(path)))
    shown = report.catalogue
    for slug, lifts in sorted(shown.embargoed.items()):
        typer.echo(f"{slug}: embargoed until {lifts:%Y-%m-%d %H:%M} ({lifts.tzname()}); run again then", err=True)
    for folder in shown.examples:
        typer.echo(
            f"left out: {one_line(folder)}: an example round (its campaign says 'round: example'); "
            "--examples includes it",
            err=True,
        )
    for problem in shown.problems:
        typer.echo(one_line(str(problem)), err=True)
    releases = len(shown.releases)
    drafts = f"; {shown.drafts} draft{'s' if shown.drafts != 1 else ''} left out" if shown.drafts else ""
    if shown.examples:
        count = len(shown.examples)
        drafts += f"; {count} example round{'s' if count != 1 else ''} left out"
    typer.echo(
        f"Site: {releases} release{'s' if releases != 1 else ''} in {len(shown.rounds)} round"
        f"{'s' if len(shown.rounds) != 1 else ''}{drafts}; {len(report.written)} files written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed, in {report.site_dir}.",
        err=True,
    )
    if url is None:
        typer.echo(
            f"The feeds and the sitemap give the site's address as {report.base_url} (the newest round's website); "
            f"give --url (or ${SITE_URL_ENV}) with the address it is served at.",
            err=True,
        )
    if shown.problems:
        raise typer.Exit(1)
