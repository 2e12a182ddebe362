"""Batch builds: every form of one or more folders, in parallel, incrementally, safely.

:func:`run_batch` reads top to bottom:

1. lock the output folder, so two batches never interleave (:mod:`authoring.lock`);
2. read the manifest of what earlier batches built (:mod:`authoring.manifest`);
3. plan: load and validate every form, each on its own so that one bad form fails
   alone; hash its inputs (:mod:`authoring.fingerprint`) and find its stale files;
4. render the stale releases in long-lived worker processes (:mod:`authoring.workers`)
   and write each release's files as they arrive, all of them or none;
5. write the manifest.

A release whose inputs have not changed is not rendered at all, and a batch with nothing
to render starts no worker and never imports WeasyPrint.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from authoring import __version__
from authoring.build import DEFAULT_OUT_DIR, output_paths
from authoring.context import Release, build_release
from authoring.exceptions import InvalidInputError, OutputWriteError, Problem, TemplateProblemError
from authoring.fingerprint import input_hash, toolkit_digest, tree_digest
from authoring.loading import DEFAULT_FORMS_DIR, campaign_for, form_files
from authoring.lock import output_lock
from authoring.manifest import Entry, FileRecord, Manifest, form_key
from authoring.output import write_files
from authoring.render import ALL_FORMATS, Format
from authoring.render.environment import templates_dir
from authoring.validate import check_campaign, check_form, one_form_per_force
from authoring.workers import Rendered, render_all


class Status(StrEnum):
    """What a batch did with one form."""

    BUILT = "built"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """The result for one form: its status, the files it has now, and what went wrong."""

    form: Path
    status: Status
    force: str | None = None
    files: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Job:
    """A valid release with stale files: what to render, and where each format goes."""

    form: Path
    key: str
    release: Release
    input_hash: str
    paths: dict[Format, Path]
    stale: tuple[Format, ...]


@dataclass(frozen=True)
class Plan:
    """What a batch will do: render the jobs; the rest are unchanged or failed validation."""

    jobs: tuple[Job, ...]
    unchanged: tuple[Outcome, ...]
    failed: tuple[Outcome, ...]

    @property
    def total(self) -> int:
        """How many forms the batch covers."""
        return len(self.jobs) + len(self.unchanged) + len(self.failed)


class BatchObserver(Protocol):
    """Told how a batch goes (the CLI draws a progress bar with it); must not raise."""

    def planned(self, plan: Plan, workers: int) -> None:
        """Every form is validated and the work is known; ``workers`` processes will render it."""

    def finished(self, outcome: Outcome) -> None:
        """One job has been rendered and written, or has failed."""


@dataclass(frozen=True)
class BatchReport:
    """What a batch did, form by form (sorted by form path), and how long it took."""

    outcomes: tuple[Outcome, ...]
    seconds: float
    workers: int
    manifest: Path

    def of(self, status: Status) -> list[Outcome]:
        """The outcomes with this status."""
        return [outcome for outcome in self.outcomes if outcome.status is status]

    @property
    def ok(self) -> bool:
        """True if no form failed."""
        return not self.of(Status.FAILED)


def run_batch(
    folders: Sequence[Path] = (DEFAULT_FORMS_DIR,),
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    formats: Sequence[Format] = ALL_FORMATS,
    jobs: int | None = None,
    force: bool = False,
    templates: Path | None = None,
    observer: BatchObserver | None = None,
) -> BatchReport:
    """Build every form in ``folders`` into ``out_dir``; see the module docstring for the steps.

    ``jobs`` worker processes render (default: one per CPU core); ``force`` rebuilds
    releases whose inputs have not changed; ``templates`` replaces the templates folder.
    Raises :class:`InvalidInputError` if a folder has no forms, :class:`TemplateProblemError`
    if the templates folder does not exist, :class:`OutputLockedError` if another batch
    holds the output folder, :class:`OutputWriteError` if the manifest cannot be written.
    A form that fails is reported in the returned report instead.
    """
    started = time.perf_counter()
    forms = _find_forms(folders)
    templates_root = templates.resolve() if templates else templates_dir()
    if not templates_root.is_dir():
        raise TemplateProblemError(f"templates folder {templates_root} does not exist")
    with output_lock(out_dir) as lock_fd:
        manifest = Manifest.read(out_dir, toolkit_version=__version__)
        plan = make_plan(
            forms, out_dir=out_dir, formats=formats, manifest=manifest, templates=templates_root, force=force
        )
        workers = min(jobs or os.cpu_count() or 1, len(plan.jobs))
        if observer:
            observer.planned(plan, workers)
        outcomes = [*plan.failed, *plan.unchanged]
        try:
            if plan.jobs:
                tasks = [(job, job.release, job.stale) for job in plan.jobs]
                for job, rendered in render_all(tasks, workers=workers, templates=templates, close_fds=[lock_fd]):
                    outcome = _store(job, rendered, out_dir=out_dir, manifest=manifest)
                    outcomes.append(outcome)
                    if observer:
                        observer.finished(outcome)
        finally:
            manifest_path = _write_manifest(manifest, out_dir)
    return BatchReport(
        outcomes=tuple(sorted(outcomes, key=lambda outcome: str(outcome.form))),
        seconds=time.perf_counter() - started,
        workers=workers,
        manifest=manifest_path,
    )


def make_plan(
    forms: Iterable[Path],
    *,
    out_dir: Path,
    formats: Sequence[Format],
    manifest: Manifest,
    templates: Path,
    force: bool = False,
) -> Plan:
    """Validate every form and sort them into jobs, unchanged and failed; note the last two in ``manifest``."""
    toolkit = toolkit_digest()
    templates_digest = tree_digest(templates)
    forms = list(forms)
    campaigns = {path: check_campaign(path) for path in dict.fromkeys(campaign_for(form) for form in forms)}
    checks = one_form_per_force(check_form(form, campaigns[campaign_for(form)].campaign) for form in forms)
    campaign_bytes = {path: path.read_bytes() for path, check in campaigns.items() if check.ok}  # hashed once each
    claimed: dict[Path, Path] = {}  # output folder and file stem → the form that claimed it
    jobs: list[Job] = []
    unchanged: list[Outcome] = []
    failed: list[Outcome] = []
    for check in checks:
        form, key, campaign = check.path, form_key(check.path, out_dir), campaigns[check.campaign]
        if not campaign.ok or check.form is None or campaign.campaign is None or not check.ok:
            failed.append(_fail(manifest, key, form, [*campaign.problems, *check.problems], None))
            continue
        release = build_release(check.form, campaign.campaign)
        hash_ = input_hash(
            form=form.read_bytes(), campaign=campaign_bytes[check.campaign], templates=templates_digest, toolkit=toolkit
        )
        paths = output_paths(release, out_dir, formats)
        stem = next(iter(paths.values())).with_suffix("")
        if stem in claimed:
            message = f"'{release.force.slug}' is already built from {claimed[stem]}"
            problem = Problem(form, None, None, "force", message)
            failed.append(_fail(manifest, key, form, [problem], hash_))
            continue
        claimed[stem] = form
        entry = None if force else manifest.releases.get(key)
        stale = tuple(fmt for fmt in formats if not _current(entry, fmt, paths[fmt], out_dir, hash_))
        if entry is None or stale:
            jobs.append(Job(form, key, release, hash_, paths, stale or tuple(formats)))
            continue
        entry.force, entry.status, entry.input_hash, entry.problems = release.force.slug, Status.UNCHANGED, hash_, []
        unchanged.append(Outcome(form, Status.UNCHANGED, release.force.slug, tuple(paths.values())))
    return Plan(tuple(jobs), tuple(unchanged), tuple(failed))


def _find_forms(folders: Sequence[Path]) -> list[Path]:
    """The forms of every folder, each once (a folder may be named twice)."""
    forms: dict[Path, Path] = {}
    empty: list[Problem] = []
    for folder in folders:
        found = form_files(folder)
        if not found:
            message = "no such folder" if not folder.is_dir() else "no form files (*.yaml besides campaign.yaml) here"
            empty.append(Problem(folder, None, None, "", message))
        for form in found:
            forms.setdefault(form.resolve(), form)
    if empty:
        raise InvalidInputError(empty)
    return list(forms.values())


def _current(entry: Entry | None, fmt: Format, path: Path, out_dir: Path, hash_: str) -> bool:
    record = entry.files.get(fmt) if entry else None
    return record is not None and record.is_current(out_dir, path=path, input_hash=hash_)


def _fail(manifest: Manifest, key: str, form: Path, problems: list[Problem], hash_: str | None) -> Outcome:
    """Record a failed form; its older files (if any) stay, and stay listed."""
    entry = manifest.releases.setdefault(key, Entry(None, Status.FAILED, None, __version__))
    entry.status, entry.input_hash, entry.problems = Status.FAILED, hash_, [str(problem) for problem in problems]
    return Outcome(form, Status.FAILED, entry.force, problems=tuple(problems))


def _store(job: Job, rendered: Rendered, *, out_dir: Path, manifest: Manifest) -> Outcome:
    """Write one rendered release (all its files or none) and record it in the manifest."""
    if rendered.error is not None:
        return _fail(manifest, job.key, job.form, [Problem(job.form, None, None, "", rendered.error)], job.input_hash)
    files = {job.paths[fmt]: data for fmt, data in rendered.outputs.items()}
    try:
        write_files(files)
    except OSError as exc:
        folder = job.paths[job.stale[0]].parent
        message = f"cannot write to {folder}: {exc.strerror or exc}; its previous files are unchanged"
        return _fail(manifest, job.key, job.form, [Problem(job.form, None, None, "", message)], job.input_hash)
    entry = manifest.releases.get(job.key)
    records = dict(entry.files) if entry else {}
    for fmt, data in rendered.outputs.items():
        records[fmt] = FileRecord.of(job.paths[fmt], data, out_dir=out_dir, input_hash=job.input_hash)
    manifest.releases[job.key] = Entry(
        force=job.release.force.slug,
        status=Status.BUILT,
        input_hash=job.input_hash,
        toolkit_version=__version__,
        files=records,
    )
    return Outcome(job.form, Status.BUILT, job.release.force.slug, tuple(job.paths.values()))


def _write_manifest(manifest: Manifest, out_dir: Path) -> Path:
    try:
        return manifest.write(out_dir)
    except OSError as exc:
        raise OutputWriteError(f"cannot write the manifest in {out_dir}: {exc.strerror or exc}") from exc
