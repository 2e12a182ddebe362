"""The build pipeline: load → validate → phrase → render → write.

:func:`load` is the one way in for ``validate``, ``build``, ``batch``, ``preview`` and ``send``:
it reads every form and campaign once and validates them
(:func:`authoring.inputs.validate.validate`), which phrases each valid form into a
:class:`Release`; the release then carries what the check found (its gaps, and the digest
of the bytes it was made from). :func:`build` then insists that every form is valid before
it renders anything, and renders every release before it writes anything, so a mistake
in one form never leaves a half-built set behind; a batch (:mod:`authoring.build.batch`) instead
lets each form fail alone. Rendering knows no format by name: each is a renderer
registered in :mod:`authoring.render`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from authoring.exceptions import InvalidInputError, OutputWriteError, Problem, UsageError
from authoring.files.lock import output_lock
from authoring.files.write import write_release
from authoring.inputs.load import CAMPAIGN_FILE, DISTRIBUTION_FILE
from authoring.inputs.validate import CampaignCheck, FormCheck, ValidationReport, validate
from authoring.model.release import Release
from authoring.model.types import PdfEngine
from authoring.render import Format, companions, in_language, render, renderer, split_format
from authoring.render import formats as registered_formats
from authoring.render.environment import Templates

__all__ = [
    "DEFAULT_OUT_DIR",
    "Built",
    "Loaded",
    "build",
    "in_languages",
    "input_digest",
    "load",
    "load_releases",
    "output_paths",
    "render",
]

log = logging.getLogger(__name__)

#: Where builds go unless told otherwise.
DEFAULT_OUT_DIR = Path("output")


@dataclass(frozen=True)
class Built:
    """What one release build wrote."""

    form: Path
    release: Release
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Loaded:
    """One form as read and checked (with its campaign's check), phrased if both are valid."""

    check: FormCheck
    campaign: CampaignCheck
    release: Release | None

    @property
    def problems(self) -> list[Problem]:
        """The campaign's problems, then the form's."""
        return [*self.campaign.problems, *self.check.problems]


def load(
    forms: Sequence[Path],
    *,
    campaign: Path | None = None,
    final: bool = False,
    pdf_engine: PdfEngine | None = None,
) -> tuple[ValidationReport, list[Loaded]]:
    """Read and validate every form and campaign once; each valid form comes with its :class:`Release`.

    Returns the validation report and, per form (in the report's order), its checks and
    its release (``None`` if the form or its campaign is invalid, or a sentence cannot be
    made from its values). The checks keep the bytes that were read, so what is phrased is
    exactly what was validated; the release carries the form's gaps and
    :func:`input_digest` of those bytes. ``final``: as for ``validate --final``.
    ``pdf_engine`` (the run's ``--pdf-engine``) overrides the engine the campaign or the house words choose.
    Raises :class:`UsageError` only if a path does not exist or nothing is found.
    """
    report = validate(forms, campaign=campaign, final=final)
    loaded = []
    for check in report.forms:
        used = report.campaign_check(check)
        if used is None:  # pragma: no cover - validate() checks every campaign a form uses
            raise UsageError(f"{check.campaign}: campaign not checked")
        release = None
        if check.ok and used.ok and check.release is not None:
            digest = input_digest(form=check.source, campaign=used.source)
            release = replace(check.release, gaps=check.gaps, input_digest=digest)
            if pdf_engine is not None:  # the Welsh twin is printed by the same engine
                twins = tuple(replace(twin, pdf_engine=pdf_engine) for twin in release.translations)
                release = replace(release, pdf_engine=pdf_engine, translations=twins)
        loaded.append(Loaded(check, used, release))
    return report, loaded


def input_digest(*, form: bytes, campaign: bytes) -> str:
    """SHA-256 of a form's bytes and its campaign's, as read: what a release was made from."""
    digest = hashlib.sha256()
    for name, data in (("campaign", campaign), ("form", form)):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_releases(
    forms: Sequence[Path], *, campaign: Path | None = None, pdf_engine: PdfEngine | None = None
) -> list[tuple[Path, Release]]:
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
        if path.name == DISTRIBUTION_FILE and not path.is_dir():
            raise UsageError(f"{path} is the distribution list, not a form; 'authoring validate {path}' checks it")
    report, loaded = load(forms, campaign=campaign, pdf_engine=pdf_engine)
    if not report.forms:
        raise UsageError(f"no form files found in {', '.join(str(path) for path in forms)}")
    if not report.ok:
        raise InvalidInputError(report.problems)
    releases = []
    for item in loaded:
        if item.release is None:  # pragma: no cover - report.ok says this does not happen
            raise InvalidInputError(report.problems)
        releases.append((item.check.path, item.release))
    return releases


def output_paths(release: Release, out_dir: Path, formats: Iterable[Format]) -> dict[Format, Path]:
    """Where each format of a release goes: ``OUT/<slug>/<date>-<force>-<campaign>.<ext>``.

    A bilingual release's Welsh files go beside, named ``…-cy.<ext>`` and keyed ``pdf@cy``,
    after the release's own; then its companions' (its bilingual document: ``…-cy-en.<ext>``, ``pdf@cy+en``).
    """
    folder = out_dir / release.force.slug
    formats = tuple(formats)
    paths = {}
    for fmt in formats:  # the release's own files first, then each translation's
        base, language = split_format(fmt)
        if language is None:
            paths[fmt] = folder / f"{release.file_stem}.{renderer(fmt).extension}"
    for twin in release.translations:
        for fmt in formats:
            base, language = split_format(fmt)
            if language in (None, twin.language):
                paths[in_language(base, twin.language)] = folder / f"{twin.file_stem}.{renderer(fmt).extension}"
    for companion in companions():
        paths.update({key: folder / name for key, name in companion.names(release, formats).items()})
    return paths


def in_languages(release: Release, fmt: Format) -> tuple[Format, ...]:
    """A format's keys for the release, each of its translations and its companions: (pdf, pdf@cy, pdf@cy+en)."""
    together = (key for companion in companions() for key in companion.names(release, (fmt,)))
    return (fmt, *(in_language(fmt, twin.language) for twin in release.translations), *together)


def build(
    forms: Sequence[Path],
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    formats: Sequence[Format] | None = None,
    campaign: Path | None = None,
    templates: Templates | None = None,
    pdf_engine: PdfEngine | None = None,
) -> list[Built]:
    """Build the release of each form (or of every form in each folder) into ``out_dir``.

    ``formats`` defaults to every registered format, ``templates`` to the shipped ones;
    ``pdf_engine`` overrides the engine the campaign or the house words choose.
    Returns what was written. Nothing is written unless every form is valid and every
    release rendered; each release's files are then swapped in as one set
    (:func:`authoring.files.write.write_release`), under the output folder's lock so that a
    batch never writes the same folder at the same time.
    Raises :class:`OutputWriteError` if a release's files cannot be written (those
    already written stay; that release's previous files are unchanged), and
    :class:`OutputLockedError` if a batch is writing to ``out_dir``.
    """
    templates = templates or Templates.at()
    wanted = registered_formats() if formats is None else tuple(formats)
    releases = load_releases(forms, campaign=campaign, pdf_engine=pdf_engine)
    rendered = [(form, release, render(release, wanted, templates=templates)) for form, release in releases]
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
