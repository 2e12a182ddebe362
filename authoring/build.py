"""The build pipeline: load → validate → phrase → render → write.

:func:`build` reads every form and campaign and validates them all before it renders
anything, and renders every release before it writes anything, so a mistake in one
form never leaves a half-built set behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from authoring.context import Release, build_release
from authoring.exceptions import InvalidInputError, Problem
from authoring.loading import campaign_for, load_campaign, load_form
from authoring.models import Campaign
from authoring.output import write_files
from authoring.render import ALL_FORMATS, Format
from authoring.render.docx import render_docx
from authoring.render.pdf import render_pdf
from authoring.render.text import render_html, render_markdown

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")

#: Where builds go unless told otherwise.
DEFAULT_OUT_DIR = Path("output")


@dataclass(frozen=True)
class Built:
    """What one release build wrote."""

    form: Path
    release: Release
    files: tuple[Path, ...]


def load_releases(forms: Sequence[Path], *, campaign: Path | None = None) -> list[tuple[Path, Release]]:
    """Load and validate every form (and its campaign); phrase each into a :class:`Release`.

    Raises :class:`InvalidInputError` with the problems of *all* files at once.
    """
    problems: list[Problem] = []
    campaigns: dict[Path, Campaign | None] = {}
    releases: list[tuple[Path, Release]] = []
    seen: dict[str, Path] = {}
    for form_path in forms:
        if not form_path.is_file():
            problems.append(Problem(form_path, None, None, "", "no such form file"))
            continue
        campaign_path = campaign or campaign_for(form_path)
        if campaign_path not in campaigns:
            campaigns[campaign_path] = _try(load_campaign, problems, campaign_path)
        loaded_campaign = campaigns[campaign_path]
        form = _try(load_form, problems, form_path, loaded_campaign)
        if form is None or loaded_campaign is None:
            continue
        if form.force in seen:
            problems.append(
                Problem(form_path, None, None, "force", f"'{form.force}' is already built from {seen[form.force]}")
            )
            continue
        seen[form.force] = form_path
        releases.append((form_path, build_release(form, loaded_campaign)))
    if problems:
        raise InvalidInputError(problems)
    return releases


def render(release: Release, formats: Iterable[Format] = ALL_FORMATS) -> dict[Format, bytes]:
    """Render one release in the given formats (the PDF is printed from the HTML)."""
    wanted = set(formats)
    rendered: dict[Format, bytes] = {}
    html = render_html(release) if wanted & {Format.HTML, Format.PDF} else ""
    if Format.DOCX in wanted:
        rendered[Format.DOCX] = render_docx(release)
    if Format.HTML in wanted:
        rendered[Format.HTML] = html.encode()
    if Format.PDF in wanted:
        rendered[Format.PDF] = render_pdf(release, html)
    if Format.MD in wanted:
        rendered[Format.MD] = render_markdown(release).encode()
    return rendered


def output_paths(release: Release, out_dir: Path, formats: Iterable[Format]) -> dict[Format, Path]:
    """Where each format of a release goes: ``OUT/<slug>/<date>-<force>-<campaign>.<ext>``."""
    folder = out_dir / release.force.slug
    return {fmt: folder / f"{release.file_stem}.{fmt.value}" for fmt in formats}


def build(
    forms: Sequence[Path],
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    formats: Sequence[Format] = ALL_FORMATS,
    campaign: Path | None = None,
) -> list[Built]:
    """Build each form's release in each format into ``out_dir``; return what was written."""
    releases = load_releases(forms, campaign=campaign)
    rendered = [(form, release, render(release, formats)) for form, release in releases]
    built = []
    for form, release, outputs in rendered:
        paths = output_paths(release, out_dir, outputs)
        written = write_files({paths[fmt]: data for fmt, data in outputs.items()})
        log.info("built %s: %s", release.force.slug, ", ".join(str(p) for p in written))
        built.append(Built(form=form, release=release, files=tuple(written)))
    return built


def _try(load: Callable[P, T], problems: list[Problem], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """Call ``load``; on invalid input, record its problems and return ``None``."""
    try:
        return load(*args, **kwargs)
    except InvalidInputError as exc:
        problems.extend(exc.problems)
        return None
