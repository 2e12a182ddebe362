"""The build pipeline: load → validate → phrase → render → write.

:func:`build` reads every form and campaign and validates them all before it renders
anything, and renders every release before it writes anything, so a mistake in one
form never leaves a half-built set behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from authoring.context import Release, build_release
from authoring.exceptions import InvalidInputError, OutputWriteError, UsageError
from authoring.loading import CAMPAIGN_FILE
from authoring.lock import output_lock
from authoring.output import write_release
from authoring.render import ALL_FORMATS, Format
from authoring.render.docx import render_docx
from authoring.render.environment import templates_dir
from authoring.render.pdf import render_pdf
from authoring.render.text import render_html, render_markdown
from authoring.validate import validate

log = logging.getLogger(__name__)

#: Where builds go unless told otherwise.
DEFAULT_OUT_DIR = Path("output")


@dataclass(frozen=True)
class Built:
    """What one release build wrote."""

    form: Path
    release: Release
    files: tuple[Path, ...]


def load_releases(forms: Sequence[Path], *, campaign: Path | None = None) -> list[tuple[Path, Release]]:
    """Validate every form (and its campaign); phrase each into a :class:`Release`.

    Raises :class:`InvalidInputError` with the problems of *all* files at once, and
    :class:`UsageError` if a form file does not exist, a campaign file is given as a
    form, or no form is found.
    """
    for path in forms:
        if path.name == CAMPAIGN_FILE and not path.is_dir():
            raise UsageError(
                f"{path} is a campaign file, not a form; build the forms that use it, "
                f"e.g. 'authoring build {path.parent}'"
            )
    report = validate(forms, campaign=campaign)
    if not report.forms:
        raise UsageError(f"no form files found in {', '.join(str(path) for path in forms)}")
    if not report.ok:
        raise InvalidInputError(report.problems)
    releases = []
    for check in report.forms:
        campaign_model = report.campaign_of(check)
        if check.form is None or campaign_model is None:  # pragma: no cover - report.ok says neither happens
            raise InvalidInputError(report.problems)
        releases.append((check.path, build_release(check.form, campaign_model)))
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
    """Build the release of each form (or of every form in each folder) into ``out_dir``.

    Returns what was written. Nothing is written unless every form is valid and every
    release rendered; each release's files are then swapped in as one set
    (:func:`authoring.output.write_release`), under the output folder's lock so that a
    batch never writes the same folder at the same time.
    Raises :class:`OutputWriteError` if a release's files cannot be written (those
    already written stay; that release's previous files are unchanged),
    :class:`OutputLockedError` if a batch is writing to ``out_dir``, and
    :class:`UsageError` if ``$AUTHORING_TEMPLATES`` names no folder.
    """
    templates_dir()  # a templates folder that is not there is a usage mistake, found before anything else
    releases = load_releases(forms, campaign=campaign)
    rendered = [(form, release, render(release, formats)) for form, release in releases]
    built: list[Built] = []
    with output_lock(out_dir):
        for form, release, outputs in rendered:
            paths = output_paths(release, out_dir, outputs)
            try:
                written = write_release(
                    out_dir / release.force.slug, {paths[fmt].name: data for fmt, data in outputs.items()}
                )
            except OSError as exc:
                done = f"; already written: {', '.join(b.release.force.slug for b in built)}" if built else ""
                raise OutputWriteError(
                    f"cannot write {release.force.slug} to {out_dir}: {exc.strerror or exc}; "
                    f"its previous files are unchanged{done}"
                ) from exc
            log.info("built %s: %s", release.force.slug, ", ".join(str(p) for p in written))
            built.append(Built(form=form, release=release, files=tuple(written)))
    return built
