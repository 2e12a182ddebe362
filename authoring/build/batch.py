"""Batch builds: every form of one or more folders, in parallel, incrementally, safely.

:func:`run_batch` reads top to bottom:

1. lock the output folder, so two batches never interleave (:mod:`authoring.files.lock`);
2. read the manifest of what earlier batches built (:mod:`authoring.build.manifest`);
3. plan: read each form and campaign once, validate those bytes and phrase the valid
   forms, through the same :func:`authoring.build.pipeline.load` as a build, but letting each bad
   form fail alone; hash the same bytes (:mod:`authoring.build.fingerprint`), find each
   release's stale files and why they are stale;
4. render the stale releases in long-lived worker processes (:mod:`authoring.build.workers`)
   and write each release's files as they arrive, the set swapped in as one
   (:func:`authoring.files.write.write_release`);
5. remove the files earlier batches wrote that no release produces any more (a new
   release date, a removed form) — only files the manifest lists, and only if their
   bytes are still what was written;
6. write the manifest.

A release whose inputs have not changed is not rendered at all, and a batch with nothing
to render starts no worker and never imports WeasyPrint. A format's settings
(:meth:`~authoring.render.Renderer.settings`: the PDF's engine) are inputs of that format
alone: a run with another PDF engine (``--pdf-engine``) rebuilds the PDFs, and only them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from authoring import __version__
from authoring.build.facts import release_facts
from authoring.build.fingerprint import input_hash, toolkit_digest, tree_digest
from authoring.build.manifest import Entry, FileRecord, Manifest, form_key
from authoring.build.national import Drawing, NationalBuilds, NationalOutcome
from authoring.build.pipeline import DEFAULT_OUT_DIR, Loaded, in_languages, load, output_paths
from authoring.build.workers import Rendered, render_all
from authoring.exceptions import InvalidInputError, OutputWriteError, Problem
from authoring.files.lock import output_lock
from authoring.files.read import safe_resolve
from authoring.files.write import recover, write_release
from authoring.inputs.load import DEFAULT_FORMS_DIR, form_files
from authoring.model.release import Release
from authoring.model.types import PdfEngine
from authoring.render import Format, renderer, split_format
from authoring.render import formats as registered_formats
from authoring.render.environment import Templates


class BuildStatus(StrEnum):
    """What a batch did with one form."""

    BUILT = "built"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """The result for one form: its status, the files it has now, and what went wrong."""

    form: Path
    status: BuildStatus
    force: str | None = None
    files: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    """Why a built release was rebuilt: e.g. "form changed", "new release"."""
    release: Release | None = field(default=None, repr=False, compare=False)
    """The release the files are of (built or unchanged): phrased from the bytes the input hash covers."""
    input_hash: str | None = None
    """The input hash of the release's files (built or unchanged), as the manifest records it."""


@dataclass(frozen=True)
class Job:
    """A valid release with stale files: what to render, and where each format goes."""

    form: Path
    key: str
    release: Release
    input_hash: str
    paths: dict[Format, Path]
    stale: tuple[Format, ...]
    reason: str
    inputs: dict[str, str]
    facts: dict[str, Any] = field(default_factory=dict)
    """What the newsroom shows of the release (:func:`authoring.build.facts.release_facts`)."""


@dataclass(frozen=True)
class Ready:
    """A valid release and what it was made from, before the manifest is asked whether it is stale."""

    form: Path
    key: str
    release: Release
    input_hash: str
    inputs: dict[str, str]
    facts: dict[str, Any] = field(default_factory=dict)
    """What the newsroom shows of the release (:func:`authoring.build.facts.release_facts`)."""


@dataclass(frozen=True)
class Plan:
    """What a batch will do: render the jobs; the rest are unchanged or failed validation.

    Planning changes nothing: what the manifest will say of the unchanged and failed forms
    is in :attr:`entries`, for :func:`run_batch` to record.
    """

    jobs: tuple[Job, ...]
    unchanged: tuple[Outcome, ...]
    failed: tuple[Outcome, ...]
    current: dict[str, dict[Format, str]]
    """Each valid release's files (every format, relative to the output folder), by form key."""
    keys: frozenset[str] = frozenset()
    """The keys of every form found, valid or not."""
    obsolete: dict[str, tuple[FileRecord, ...]] = field(default_factory=dict)
    """The files the manifest lists for a valid release under a name it no longer has, by form key."""
    entries: dict[str, Entry] = field(default_factory=dict)
    """The manifest's new entries of the unchanged and failed forms, by form key (a failed one keeps its files)."""

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
    out_dir: Path
    removed: tuple[Path, ...] = ()
    """Files earlier batches wrote that no release produces any more, deleted by this one."""
    kept: tuple[Path, ...] = ()
    """Files that would have been deleted, kept because they changed after they were written."""
    national: tuple[NationalOutcome, ...] = ()
    """Each round's national release (rounds whose campaign declares a summary; docs/national.md)."""

    def of(self, status: BuildStatus) -> list[Outcome]:
        """The outcomes with this status."""
        return [outcome for outcome in self.outcomes if outcome.status is status]

    @property
    def ok(self) -> bool:
        """True if no form failed."""
        return not self.of(BuildStatus.FAILED)

    @property
    def complete(self) -> bool:
        """True if nothing failed: no form, and no national release (the batch's exit code says so)."""
        return self.ok and all(item.status != BuildStatus.FAILED for item in self.national)


#: The message for hand-sending that ``pack`` writes beside a release's files: it is part of the
#: release, so a rebuilt release drops it (in the same swap) until ``pack`` writes it anew, and
#: a release removed takes it along.
MESSAGE_SUFFIX = ".eml"


def run_batch(
    folders: Sequence[Path] = (DEFAULT_FORMS_DIR,),
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    formats: Sequence[Format] | None = None,
    jobs: int | None = None,
    force: bool = False,
    templates: Templates | None = None,
    observer: BatchObserver | None = None,
    pdf_engine: PdfEngine | None = None,
) -> BatchReport:
    """Build every form in ``folders`` into ``out_dir``; see the module docstring for the steps.

    ``formats`` defaults to every registered format; ``jobs`` worker processes render
    (default: one per CPU core); ``force`` rebuilds releases whose inputs have not changed;
    ``templates`` defaults to the shipped ones; ``pdf_engine`` overrides the campaigns' choice.
    Raises :class:`InvalidInputError` if a folder has no forms, :class:`OutputLockedError`
    if another batch holds the output folder, :class:`OutputWriteError` if the manifest
    cannot be written.
    A form that fails is reported in the returned report instead.
    """
    started = time.perf_counter()
    forms = _find_forms(folders)
    templates = templates or Templates.at()
    formats = registered_formats() if formats is None else tuple(formats)
    with output_lock(out_dir) as lock_fd, _early_drawing(forms, formats, templates, lock_fd) as drawing:
        recover(out_dir)
        manifest = Manifest.read(out_dir, toolkit_version=__version__)
        manifest.removed, manifest.kept = [], []
        _, loaded = load(forms, pdf_engine=pdf_engine) if forms else (None, [])
        plan = make_plan(loaded, out_dir=out_dir, formats=formats, manifest=manifest, templates=templates, force=force)
        manifest.releases.update(plan.entries)
        national = NationalBuilds.plan(  # docs/national.md
            loaded,
            out_dir=out_dir,
            formats=formats,
            manifest=manifest,
            templates=templates,
            force=force,
            close_fds=[lock_fd],
            drawing=drawing,
        )
        workers = min(jobs or os.cpu_count() or 1, len(plan.jobs))
        if observer:
            observer.planned(plan, workers)
        outcomes = [*plan.failed, *plan.unchanged]
        try:
            if plan.jobs:
                tasks = [(job, job.release, job.stale) for job in plan.jobs]
                rendering = render_all(
                    tasks, workers=workers, templates=templates, close_fds=[lock_fd], extra=national.extra
                )
                for job, rendered in rendering:
                    outcome = _store(job, rendered, out_dir=out_dir, manifest=manifest)
                    outcomes.append(outcome)
                    if observer:
                        observer.finished(outcome)
            national_outcomes = national.finish(o.form for o in outcomes if o.status is BuildStatus.FAILED)
        finally:  # also when interrupted: what was built so far is tidied and recorded
            try:
                removed, kept = remove_obsolete(manifest, plan, outcomes, out_dir=out_dir, folders=folders)
            finally:
                manifest_path = _write_manifest(manifest, out_dir)
    return BatchReport(
        outcomes=tuple(sorted(outcomes, key=lambda outcome: str(outcome.form))),
        seconds=time.perf_counter() - started,
        workers=workers,
        manifest=manifest_path,
        out_dir=out_dir,
        removed=removed,
        kept=kept,
        national=national_outcomes,
    )


def make_plan(
    loaded: Iterable[Loaded],
    *,
    out_dir: Path,
    formats: Sequence[Format],
    manifest: Manifest,
    templates: Templates,
    force: bool = False,
) -> Plan:
    """Sort the loaded forms into jobs, unchanged and failed; ``manifest`` is read, never changed.

    ``loaded`` is what :func:`authoring.build.pipeline.load` made of the forms, as for a build; here
    each form that is invalid (or whose campaign is) fails alone. Each form and campaign was
    read once: the bytes validated are the bytes hashed, so a save during a batch is either
    in this build or seen as a change by the next one.
    """
    toolkit = toolkit_digest()
    templates_digest = tree_digest(templates.root)
    loaded = list(loaded)
    ready: list[Ready] = []
    failed: list[Outcome] = []
    entries: dict[str, Entry] = {}
    for item in loaded:
        check, campaign, release = item.check, item.campaign, item.release
        form, key = check.path, form_key(check.path, out_dir)
        if release is None:
            failed.append(_fail(manifest, entries, key, form, item.problems, None))
            continue
        inputs = {
            "form": _sha256(check.source),
            "campaign": _sha256(campaign.source),
            "templates": templates_digest,
            "toolkit": toolkit,
            **_settings(release, registered_formats()),
        }
        hash_ = input_hash(form=check.source, campaign=campaign.source, templates=templates_digest, toolkit=toolkit)
        ready.append(Ready(form, key, release, hash_, inputs, release_facts(release, check.form)))
    claims: dict[Path, list[Path]] = {}  # output file stem → the forms that would write it
    for one in ready:
        claims.setdefault(_stem(one.release, out_dir), []).append(one.form)
    jobs: list[Job] = []
    unchanged: list[Outcome] = []
    current: dict[str, dict[Format, str]] = {}
    obsolete: dict[str, tuple[FileRecord, ...]] = {}
    for one in ready:
        form, key, release, hash_ = one.form, one.key, one.release, one.input_hash
        claimants = claims[_stem(release, out_dir)]
        if len(claimants) > 1:  # forms of different campaigns, one file name: build none of them
            files = ", ".join(str(path) for path in claimants[:-1]) + f" and {claimants[-1]}"
            message = f"'{release.force.slug}' would be built into the same files from {files}; none of them is built"
            failed.append(_fail(manifest, entries, key, form, [Problem(form, None, None, "force", message)], hash_))
            continue
        current[key] = {
            fmt: path.relative_to(out_dir).as_posix()
            for fmt, path in output_paths(release, out_dir, registered_formats()).items()
        }
        known = manifest.releases.get(key)
        obsolete[key] = tuple(r for fmt, r in (known.files.items() if known else ()) if r.path != current[key].get(fmt))
        paths = output_paths(release, out_dir, formats)
        entry = None if force else known
        stale = tuple(
            fmt
            for fmt in formats
            if not all(_current(entry, one, paths[one], out_dir, hash_) for one in in_languages(release, fmt))
            or _resettled(entry, release, fmt)
        )
        if entry is None or stale:
            reason = _reason(known, one.inputs, stale, force=force)
            jobs.append(Job(form, key, release, hash_, paths, stale or tuple(formats), reason, one.inputs, one.facts))
            continue
        entries[key] = replace(
            entry,
            force=release.force.slug,
            status=BuildStatus.UNCHANGED,
            input_hash=hash_,
            problems=[],
            inputs=one.inputs,
            release=one.facts,
        )
        outcome = Outcome(form, BuildStatus.UNCHANGED, release.force.slug, tuple(paths.values()), release=release)
        unchanged.append(replace(outcome, input_hash=hash_))
    keys = frozenset(form_key(item.check.path, out_dir) for item in loaded)
    return Plan(tuple(jobs), tuple(unchanged), tuple(failed), current, keys, obsolete, entries)


def remove_obsolete(
    manifest: Manifest, plan: Plan, outcomes: Iterable[Outcome], *, out_dir: Path, folders: Sequence[Path]
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """Delete the files earlier batches wrote that no release produces any more; return (removed, kept).

    Candidates are only files the manifest lists: those of a built or unchanged release
    whose name has changed (a new release date, a renamed campaign) or that it no longer
    makes (a Welsh twin or bilingual document no longer asked for), and those of a form
    that is no longer in a folder of this batch. A candidate that another release produces
    now is left alone; one whose bytes changed since it was written is kept (and
    forgotten by the manifest); the others are deleted, with their folder if it is empty.
    Failed forms keep their files. The manifest records what was removed and kept.
    """
    candidates: list[FileRecord] = []
    done = {form_key(outcome.form, out_dir) for outcome in outcomes if outcome.status is not BuildStatus.FAILED}
    for key in done:
        candidates.extend(plan.obsolete.get(key, ()))
        entry, now = manifest.releases.get(key), plan.current.get(key, {})
        if entry is not None:
            entry.files = {fmt: record for fmt, record in entry.files.items() if _still_made(fmt, record, now)}
    batched = {Path(form_key(folder / "form.yaml", out_dir)).parent.as_posix() for folder in folders}
    for key in [key for key in manifest.releases if key not in plan.keys and Path(key).parent.as_posix() in batched]:
        candidates.extend(manifest.releases.pop(key).files.values())
    wanted = {path for paths in plan.current.values() for path in paths.values()}
    wanted |= {record.path for entry in manifest.releases.values() for record in entry.files.values()}
    removed: list[Path] = []
    kept: list[Path] = []
    for record in {record.path: record for record in candidates}.values():
        path = out_dir / record.path
        if not record.is_in_place or record.path in wanted or not os.path.lexists(path):
            continue  # a record pointing elsewhere (an edited manifest) is never followed
        if not record.is_intact(out_dir):
            kept.append(path)
            continue
        try:
            path.unlink()
        except OSError:
            kept.append(path)
            continue
        removed.append(path)
        message = path.with_suffix(MESSAGE_SUFFIX)  # the release's message for hand-sending goes with it
        if message != path and message.is_file() and not message.is_symlink():
            with contextlib.suppress(OSError):
                message.unlink()
                removed.append(message)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # only if nothing else is left in it
    manifest.removed = [path.relative_to(out_dir).as_posix() for path in removed]
    manifest.kept = [path.relative_to(out_dir).as_posix() for path in kept]
    return tuple(sorted(removed)), tuple(sorted(kept))


def _still_made(fmt: Format, record: FileRecord, now: dict[Format, str]) -> bool:
    """Whether a file on record is still the release's: at its path, or of a format no longer registered (kept).

    A translation or companion the release no longer makes (a force taken off the bilingual
    ones, a bilingual document no longer asked for) is not: its file goes like a renamed one.
    """
    if fmt in now:
        return now[fmt] == record.path
    return split_format(fmt)[0] not in registered_formats()


def _reason(entry: Entry | None, inputs: dict[str, str], stale: tuple[Format, ...], *, force: bool) -> str:
    """Why a release is rendered, in a few words."""
    if force:
        return "rebuild forced"
    if entry is None or not entry.files:
        return "new release"
    changed = [name for name in _HASHED if entry.inputs.get(name) != inputs[name]]
    if changed:
        return f"{' and '.join(changed)} changed" if entry.inputs else "inputs changed"
    if any(fmt not in entry.files for fmt in stale):
        return "format added"
    resettled = [name for name, value in inputs.items() if name not in _HASHED and entry.inputs.get(name) != value]
    if resettled:
        return f"{' and '.join(name.replace('_', ' ') for name in resettled)} changed"
    return "file missing or edited"


#: The inputs the input hash is made of; the manifest's other ``inputs`` are formats' settings.
_HASHED = ("form", "campaign", "templates", "toolkit")


def _settings(release: Release, formats: Iterable[Format]) -> dict[str, str]:
    """The run's choices the release's files depend on (:meth:`~authoring.render.Renderer.settings`)."""
    return {name: value for fmt in formats for name, value in renderer(fmt).settings(release).items()}


def _resettled(entry: Entry | None, release: Release, fmt: Format) -> bool:
    """Whether the file on record of this format was made with other settings (another PDF engine)."""
    return entry is not None and any(
        entry.inputs.get(name) != value for name, value in _settings(release, [fmt]).items()
    )


def _stem(release: Release, out_dir: Path) -> Path:
    return next(iter(output_paths(release, out_dir, registered_formats()).values())).with_suffix("")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def _early_drawing(
    forms: Sequence[Path], formats: Sequence[Format], templates: Templates, lock_fd: int
) -> Iterator[Drawing | None]:
    """The national releases' drawing process, forked before the forms are read (docs/national.md), always collected."""
    drawing = Drawing.start(forms, formats=formats, templates=templates, close_fds=[lock_fd])
    try:
        yield drawing
    finally:
        if drawing is not None:
            drawing.close()


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
            forms.setdefault(safe_resolve(form), form)
    if empty:
        raise InvalidInputError(empty)
    return list(forms.values())


def _current(entry: Entry | None, fmt: Format, path: Path, out_dir: Path, hash_: str) -> bool:
    record = entry.files.get(fmt) if entry else None
    return record is not None and record.is_current(out_dir, path=path, input_hash=hash_)


def _fail(
    manifest: Manifest, entries: dict[str, Entry], key: str, form: Path, problems: list[Problem], hash_: str | None
) -> Outcome:
    """A failed form, its new entry put in ``entries``; its older files (if any) stay, and stay listed."""
    known = manifest.releases.get(key) or Entry(None, BuildStatus.FAILED, None, __version__)
    messages = [str(problem) for problem in problems]
    entries[key] = entry = replace(known, status=BuildStatus.FAILED, input_hash=hash_, problems=messages)
    return Outcome(form, BuildStatus.FAILED, entry.force, problems=tuple(problems))


def _store(job: Job, rendered: Rendered, *, out_dir: Path, manifest: Manifest) -> Outcome:
    """Write one rendered release (its set swapped in as one, or not at all) and record it in the manifest."""
    if rendered.error is not None:
        problems = [Problem(job.form, None, None, "", rendered.error)]
        return _fail(manifest, manifest.releases, job.key, job.form, problems, job.input_hash)
    folder = job.paths[job.stale[0]].parent
    messages = {path.with_suffix(MESSAGE_SUFFIX).name for path in job.paths.values()}  # 'pack' writes it anew
    try:
        write_release(folder, {job.paths[fmt].name: data for fmt, data in rendered.outputs.items()}, remove=messages)
    except OSError as exc:
        message = f"cannot write to {folder}: {exc.strerror or exc}; its previous files are unchanged"
        problems = [Problem(job.form, None, None, "", message)]
        return _fail(manifest, manifest.releases, job.key, job.form, problems, job.input_hash)
    entry = manifest.releases.get(job.key)
    records = dict(entry.files) if entry else {}
    for fmt, data in rendered.outputs.items():
        records[fmt] = FileRecord.of(job.paths[fmt], data, out_dir=out_dir, input_hash=job.input_hash)
    manifest.releases[job.key] = Entry(
        force=job.release.force.slug,
        status=BuildStatus.BUILT,
        input_hash=job.input_hash,
        toolkit_version=__version__,
        files=records,
        inputs=job.inputs,
        release=job.facts,
    )
    return Outcome(
        job.form,
        BuildStatus.BUILT,
        job.release.force.slug,
        tuple(job.paths.values()),
        reason=job.reason,
        release=job.release,
        input_hash=job.input_hash,
    )


def _write_manifest(manifest: Manifest, out_dir: Path) -> Path:
    try:
        return manifest.write(out_dir)
    except OSError as exc:
        raise OutputWriteError(f"cannot write the manifest in {out_dir}: {exc.strerror or exc}") from exc
