"""The national release of each round that declares a summary, built by ``batch``.

A batch hands over what it loaded (:func:`authoring.build.pipeline.load`); here, per
campaign with a ``summary``:

1. the counted forces are the valid forms of the round (drafts left out or counted, as the
   summary says); their figures are added up and the summary phrased
   (:func:`authoring.model.national.build_national`);
2. the input hash covers the campaign's bytes, each counted form's bytes, the templates
   and the toolkit: a figure changed in one form rebuilds the national release (and that
   force's release) and nothing else; unchanged, with its files intact, it is not rendered;
3. it is rendered in every format asked for, plus the figures as JSON and each chart's
   CSV and SVG: all but the PDF in a process forked as the batch starts (:class:`Drawing`:
   its charts drawn by the chart server the command started, or by vl-convert started
   there while the batch reads the forms and warms up); the PDF by a batch worker, ahead
   of the releases still waiting, as soon as its charts are drawn (:meth:`NationalBuilds.extra`),
   or in the batch itself where no worker runs (:func:`authoring.render.national.render_national_pdf`);
4. its files are swapped in as one set into ``OUT/national/<round>/``
   (:func:`authoring.files.write.write_release`), and recorded in the manifest under
   ``national`` (docs/national.md). A national release that fails leaves its previous
   files as they were, and never stops the forces' releases.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import hashlib
import importlib
import multiprocessing
import os
import signal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from authoring import __version__, chart_engine
from authoring.build.fingerprint import toolkit_digest, tree_digest
from authoring.build.manifest import Manifest, form_key
from authoring.build.pipeline import Loaded
from authoring.build.workers import Extra, failure_message
from authoring.exceptions import Problem
from authoring.files.read import UnreadableFileError, read_regular
from authoring.files.write import write_release
from authoring.inputs.load import campaign_for
from authoring.model.campaign import Campaign
from authoring.model.national import NationalRelease, build_national, counted_rows
from authoring.model.phrasing import PhrasingError
from authoring.processes import die_with, release_signals, signals_held
from authoring.render import Format
from authoring.render.environment import Templates
from authoring.render.national import file_names, render_national, render_national_parts, render_national_pdf

#: The folder of national releases inside the output folder: ``OUT/national/<round>/``.
NATIONAL_DIR = "national"
#: The reason of a national release not rebuilt because a form of its round failed (already reported).
FORMS_FAILED = "a form of the round failed"


@dataclass(frozen=True)
class NationalOutcome:
    """What a batch did with one round's national release."""

    campaign: Path
    round: str
    status: str
    """``built``, ``unchanged`` or ``failed`` (the values of :class:`authoring.build.batch.BuildStatus`)."""
    files: tuple[Path, ...] = ()
    forces: int = 0
    problems: tuple[Problem, ...] = ()
    reason: str = ""


@dataclass
class _Job:
    key: str
    campaign_path: Path
    round: str
    release: NationalRelease
    input_hash: str
    folder: Path
    reason: str
    rendered: dict[str, bytes] | None = None
    svgs: dict[str, str] | None = None
    """The charts' SVG (by key) the PDF is laid out with, while the PDF is still to be printed."""
    error: str | None = None


@dataclass
class NationalBuilds:
    """The national releases of one batch: planned at once, rendered by :meth:`start`, written by :meth:`finish`."""

    out_dir: Path
    formats: tuple[Format, ...]
    manifest: Manifest
    templates: Templates
    jobs: list[_Job] = field(default_factory=list)
    done: list[NationalOutcome] = field(default_factory=list)
    _drawing: Drawing | None = None
    _collected: bool = False

    @classmethod
    def plan(
        cls,
        loaded: Iterable[Loaded],
        *,
        out_dir: Path,
        formats: Sequence[Format],
        manifest: Manifest,
        templates: Templates,
        force: bool = False,
        close_fds: Iterable[int] = (),
        drawing: Drawing | None = None,
    ) -> NationalBuilds:
        """Find each round with a summary, phrase its national release, and see whether it is stale.

        The stale ones are handed to ``drawing`` (:meth:`Drawing.start`, forked as the
        batch started), or to a drawing process forked now, which makes all their files but
        the PDF while the batch warms up and forks its workers; ``close_fds`` are closed in
        that process (the output lock: only the batch ever holds it).
        """
        builds = cls(out_dir, tuple(formats), manifest, templates)
        rounds: dict[Path, list[Loaded]] = {}
        for item in loaded:
            rounds.setdefault(item.campaign.path, []).append(item)
        folders: dict[str, list[Path]] = {}
        for path in rounds:
            folders.setdefault(_round_name(path), []).append(path)
        digests = {"templates": tree_digest(templates.root), "toolkit": toolkit_digest()}
        for path, items in rounds.items():
            campaign = items[0].campaign.campaign
            if campaign is None or campaign.summary is None:
                continue
            builds._plan_one(path, items, campaign, folders, digests, force=force)
        if drawing is None and builds.jobs:  # not started early: start it now
            drawing = Drawing(builds.formats, templates, tuple(close_fds))
        if drawing is not None:
            drawing.draw([job.release for job in builds.jobs])  # nothing to draw: it ends
            builds._drawing = drawing
        return builds

    def _plan_one(
        self,
        path: Path,
        items: list[Loaded],
        campaign: Campaign,
        folders: dict[str, list[Path]],
        digests: dict[str, str],
        *,
        force: bool,
    ) -> None:
        name = _round_name(path)
        key = form_key(path.parent, self.out_dir)
        if len(folders[name]) > 1:
            others = " and ".join(str(other) for other in folders[name])
            self._fail(key, path, name, f"the rounds of {others} would build their national releases into one folder")
            return
        failed = [item.check.path for item in items if item.release is None or item.check.form is None]
        if failed:
            listed = ", ".join(str(form) for form in failed[:3]) + (
                f" and {len(failed) - 3} more" if failed[3:] else ""
            )
            message = f"not rebuilt while a form of the round fails ({listed}); its last files are kept"
            self._fail(key, path, name, message, reason=FORMS_FAILED)
            return
        valid = items
        counted = counted_rows([(item.check.form, campaign) for item in valid if item.check.form is not None], campaign)
        counted_slugs = {row.force.slug for row in counted}
        digest = hashlib.sha256(
            f"authoring-national/1\0{digests['toolkit']}\0{digests['templates']}\0{','.join(self.formats)}\0".encode()
        )
        digest.update(items[0].campaign.source)
        sources = sorted(
            (form_key(item.check.path, self.out_dir), item.check.source)
            for item in valid
            if item.check.form is not None and item.check.form.force in counted_slugs
        )
        for form, data in sources:
            # a file name that is not UTF-8 (kept as surrogates) is hashed as its bytes on disk
            digest.update(f"\0{form}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
            digest.update(data)
        input_hash = digest.hexdigest()
        try:
            release = build_national(campaign, counted, round_name=name)
        except PhrasingError as error:
            self._fail(key, path, name, f"the summary cannot be phrased with this round's figures: {error.message}")
            return
        folder = self.out_dir / NATIONAL_DIR / name
        entry = self.manifest.national.get(key)
        if not force and entry is not None and entry.get("input_hash") == input_hash and _intact(entry, self.out_dir):
            entry["status"], entry["problems"] = "unchanged", []
            files = tuple(self.out_dir / record["path"] for record in entry.get("files", {}).values())
            self.done.append(NationalOutcome(path, name, "unchanged", files, release.forces))
            return
        reason = "rebuild forced" if force else "new national release" if entry is None else "inputs changed"
        if entry is not None and entry.get("input_hash") == input_hash and not force:
            reason = "file missing or edited"
        self.jobs.append(_Job(key, path, name, release, input_hash, folder, reason))

    def _fail(self, key: str, path: Path, name: str, message: str, *, reason: str = "") -> None:
        problem = Problem(path, None, None, "summary", message)
        entry = self.manifest.national.setdefault(key, {"round": name, "files": {}})
        entry.update(status="failed", problems=[str(problem)], toolkit_version=__version__)
        self.done.append(NationalOutcome(path, name, "failed", problems=(problem,), reason=reason))

    def extra(self, block: bool) -> tuple[list[Extra], bool]:
        """The batch workers' extra work (:data:`authoring.build.workers.ExtraSource`): each stale release's PDF.

        Ready once the drawing process has made the other files: each PDF (laid out by Typst)
        then goes to the next free worker, ahead of the forces' releases still waiting. With
        ``block``, waits for the drawing process. What no worker prints, :meth:`finish` prints.
        """
        if self._collected or not self.jobs:
            return [], False
        if not block and self._drawing is not None and not self._drawing.ready():
            return [], True
        self._collect()
        root = str(self.templates.root)
        return [
            Extra(_print_pdf, (job.release, job.svgs, root), functools.partial(self._printed, job))
            for job in self.jobs
            if job.svgs is not None
        ], False

    def _collect(self) -> None:
        """Take what the drawing process made (once): each job's files but the PDF and its charts' SVG, or its error."""
        self._collected = True
        made = self._drawing.result() if self._drawing is not None else None
        for index, job in enumerate(self.jobs):
            parts = made[index] if made is not None else None
            if isinstance(parts, str):
                job.error = parts
            elif parts is not None:
                job.rendered, svgs = parts
                job.svgs = svgs if Format.PDF in self.formats else None

    def _printed(self, job: _Job, result: object) -> None:
        """A worker's PDF of ``job`` (or why it could not print it), into the job's files."""
        job.svgs = None
        if isinstance(result, bytes) and job.rendered is not None:
            job.rendered[file_names(job.release, self.formats)["pdf"]] = result
        else:
            job.error = result if isinstance(result, str) else f"the worker process failed: {result}"

    def _render_here(self, job: _Job) -> None:
        """Make in this process what no other process made of ``job``: everything, or its PDF."""
        try:
            if job.rendered is None:  # no process made them: everything here
                job.rendered = render_national(job.release, self.formats, self.templates)
            elif job.svgs is not None:
                pdf = render_national_pdf(job.release, job.svgs, self.templates)
                job.rendered[file_names(job.release, self.formats)["pdf"]] = pdf
        except Exception as exc:  # this release fails, the batch goes on (a bug is named as one)
            job.error = failure_message(exc)
        job.svgs = None

    def finish(self, failed: Iterable[Path] = ()) -> tuple[NationalOutcome, ...]:
        """Wait for the rendering, write each national release's files as one set, record them in the manifest.

        ``failed`` are the forms whose releases failed to render in this batch: the national
        release of their round is not written (its last files stay), as it would count them.
        """
        if not self._collected:
            self._collect()
        for job in self.jobs:
            if job.error is None:
                self._render_here(job)
        failing: dict[Path, list[Path]] = {}
        for form in failed:
            failing.setdefault(campaign_for(form), []).append(form)
        for job in self.jobs:
            if job.campaign_path in failing:
                forms = failing[job.campaign_path]
                listed = ", ".join(str(form) for form in forms[:3]) + (
                    f" and {len(forms) - 3} more" if forms[3:] else ""
                )
                message = f"not rebuilt while a form of the round fails ({listed}); its last files are kept"
                self._fail(job.key, job.campaign_path, job.round, message, reason=FORMS_FAILED)
                continue
            self.done.append(self._store(job))
        self.jobs = []
        return tuple(sorted(self.done, key=lambda outcome: str(outcome.campaign)))

    def _store(self, job: _Job) -> NationalOutcome:
        if job.error is not None or job.rendered is None:
            self._fail(job.key, job.campaign_path, job.round, job.error or "not rendered")
            return self.done.pop()
        old = self.manifest.national.get(job.key, {}).get("files", {})
        stale = [
            PurePosixPath(record["path"]).name
            for record in old.values()
            if isinstance(record, dict)
            and str(record.get("path", "")).startswith(f"{NATIONAL_DIR}/{job.round}/")
            and PurePosixPath(record["path"]).name not in job.rendered
        ]
        try:
            if job.folder.parent.is_symlink():  # write_release refuses a linked folder; its parent is ours to check
                raise OSError(errno.ELOOP, "it is a symbolic link, and the toolkit never writes through a link")
            written = write_release(job.folder, job.rendered, remove=stale)
        except OSError as exc:
            message = f"cannot write to {job.folder}: {exc.strerror or exc}; its previous files are unchanged"
            self._fail(job.key, job.campaign_path, job.round, message)
            return self.done.pop()
        files = {
            _file_kind(name, job.release.file_stem): {
                "path": (job.folder / name).relative_to(self.out_dir).as_posix(),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in job.rendered.items()
        }
        self.manifest.national[job.key] = {
            "round": job.round,
            "national_report": job.release.campaign.national_report,
            "status": "built",
            "input_hash": job.input_hash,
            "toolkit_version": __version__,
            "forces_counted": job.release.forces,
            "drafts_counted": job.release.drafts,
            "files": dict(sorted(files.items())),
            "problems": [],
        }
        return NationalOutcome(
            job.campaign_path, job.round, "built", tuple(written), job.release.forces, reason=job.reason
        )


def _round_name(campaign: Path) -> str:
    """A round's name: its campaign folder's name (``value-for-money-2013``)."""
    return campaign.resolve().parent.name


def _file_kind(name: str, stem: str) -> str:
    """A file's key in the manifest: its format (``pdf``), ``json``, or ``<chart>.csv`` / ``<chart>.svg``."""
    rest = name.removeprefix(stem)
    return rest.lstrip("-.")


def _intact(entry: dict[str, Any], out_dir: Path) -> bool:
    """Whether every file the entry lists is still in place, a regular file with the recorded size and SHA-256."""
    files = entry.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for record in files.values():
        try:
            path = str(record["path"])
            parts = path.split("/")
            if len(parts) != 3 or parts[0] != NATIONAL_DIR or any(not p or p.startswith(".") for p in parts):
                return False
            if (out_dir / parts[0] / parts[1]).is_symlink() or (out_dir / parts[0]).is_symlink():
                return False
            data = read_regular(out_dir / path, limit=int(record["size"]))
        except (UnreadableFileError, KeyError, TypeError, ValueError):
            return False
        if len(data) != record["size"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
            return False
    return True


class Drawing:
    """All but the PDF of the national releases, made in a forked process beside the batch's own start.

    vl-convert's first chart in a process costs about 0.4 CPU-seconds (it starts its
    JavaScript engine), and a round of 44 forces has tables and charts of 44 rows. The
    batch forks this process as it starts (:meth:`start`), before it reads a single form,
    when a campaign of the run looks as if it declares a summary
    (:func:`summary_likely`); it waits for the national releases the batch hands it
    (:meth:`draw`) while the batch reads and checks the forms and warms WeasyPrint up (a
    single-threaded spell that leaves a core free), and makes their files but the PDF,
    which a batch worker lays out with Typst (:meth:`NationalBuilds.extra`).
    Its charts are drawn by the chart server the ``authoring`` command started before it
    loaded the toolkit (:mod:`authoring.chart_engine`), which this process takes over from
    the batch; without one, it starts vl-convert itself as soon as it is forked. Handed
    nothing (:meth:`close`: no round with a summary needs rebuilding), it ends at once,
    and so does the server. Where processes cannot be forked, where this process has drawn
    a chart itself (a long-lived program or a test: :func:`authoring.chart_engine.fork_safe`),
    or where the process dies, everything is made in the batch. Neither process outlives the batch.
    """

    def __init__(self, formats: tuple[Format, ...], templates: Templates, close_fds: tuple[int, ...]) -> None:
        self._jobs: Any = None
        self._receive: Any = None
        self._process: Any = None
        self._handed = False
        self._answered = False
        if "fork" not in multiprocessing.get_all_start_methods() or not chart_engine.fork_safe():
            chart_engine.stop_server()
            return  # everything is made in the batch
        if Format.DOCX in formats:  # the batch loads python-docx anyway (to warm up): loaded once, before the fork
            importlib.import_module("docx")
        context = multiprocessing.get_context("fork")
        jobs_receive, jobs_send = context.Pipe(duplex=False)
        receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_make_in_child,
            args=(formats, templates, jobs_receive, send, (jobs_send, receive), close_fds, os.getpid()),
            name="national-release",
            daemon=True,
        )
        with signals_held():
            self._process.start()
        chart_engine.hand_over_server()  # the drawing process is the chart server's one client
        jobs_receive.close()
        send.close()
        self._jobs, self._receive = jobs_send, receive

    @classmethod
    def start(
        cls,
        forms: Iterable[Path],
        *,
        formats: Sequence[Format],
        templates: Templates,
        close_fds: Iterable[int] = (),
    ) -> Drawing | None:
        """Fork the drawing process now if a campaign of ``forms`` looks as if it declares a summary, else ``None``.

        ``close_fds`` are closed in that process (the output lock: only the batch ever holds it).
        """
        if not summary_likely(forms):
            chart_engine.stop_server()  # started on the same hint, read from the command line: nothing to draw
            return None
        return cls(tuple(formats), templates, tuple(close_fds))

    def draw(self, releases: list[NationalRelease]) -> None:
        """Hand the process the releases to make (once); an empty list ends it."""
        if self._jobs is None or self._handed:
            return
        self._handed = True
        try:
            self._jobs.send(releases)
        except OSError:  # the process died: result() says so, and everything is made in the batch
            pass
        finally:
            self._jobs.close()

    def ready(self) -> bool:
        """Whether :meth:`result` would answer at once (the process has sent its work, or ended)."""
        try:
            return self._receive is None or bool(self._receive.poll())
        except OSError:
            return True

    def result(self) -> list[tuple[dict[str, bytes], dict[str, str]] | str] | None:
        """Each release's files but the PDF, and its HTML (or why they could not be made); ``None``: make them here."""
        if self._receive is None:
            return None
        try:
            result: list[tuple[dict[str, bytes], dict[str, str]] | str] | None = self._receive.recv()
            self._answered = True
        except (EOFError, OSError):  # the process died (killed, out of memory): make them here instead
            result = None
        finally:
            self.close()
        return result

    def close(self) -> None:
        """End the process and collect it (idempotent): handed nothing, it ends; still drawing, it is stopped."""
        if self._process is None:
            return
        self.draw([])
        self._receive.close()
        if self._handed and not self._answered:  # the batch was interrupted: its drawing is of no use
            self._process.terminate()
        self._process.join()
        self._process = None
        chart_engine.stop_server()


def _print_pdf(release: NationalRelease, svgs: dict[str, str], templates: str) -> bytes | str:
    """In a batch worker: the national release's PDF, or why it cannot be printed (a message)."""
    try:
        return render_national_pdf(release, svgs, Templates.at(Path(templates)))
    except Exception as exc:  # that release fails, saying why (a bug is named as one)
        return failure_message(exc, "printing")


def summary_likely(forms: Iterable[Path]) -> bool:
    """Whether a campaign used by ``forms`` has a top-level ``summary:`` line: a hint, read before anything is checked.

    Only the time at which the charts are drawn depends on it: a wrong guess either way
    costs a little time, never a wrong release (the batch decides from the checked campaigns).
    """
    seen: set[Path] = set()
    for form in forms:
        campaign = campaign_for(form)
        if campaign in seen:
            continue
        seen.add(campaign)
        try:
            source = read_regular(campaign, limit=chart_engine.HINT_LIMIT, what="a campaign file")
        except (UnreadableFileError, OSError):
            continue
        if chart_engine.declares_summary(source):
            return True
    return False


def _make_in_child(
    formats: tuple[Format, ...],
    templates: Templates,
    jobs: Any,
    send: Any,
    parent_ends: tuple[Any, ...],
    close_fds: tuple[int, ...],
    parent: int,
) -> None:
    """In the forked process: settle it as a batch worker is settled, start vl-convert (unless a chart server runs),
    make what it is handed."""
    gc.freeze()  # what the batch had loaded is never scanned (or copied, page by page) by this process's collector
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    release_signals()  # held while it was forked (processes.signals_held)
    for fd in close_fds:
        os.close(fd)
    for end in parent_ends:  # the batch's ends of the pipes: held here too, a full pipe would never break
        end.close()
    with contextlib.suppress(Exception):  # a chart that cannot be drawn is reported when drawn, by name
        chart_engine.warm_up()  # unless the chart server, started before the batch, has
    try:
        releases: list[NationalRelease] = jobs.recv()
    except (EOFError, OSError):  # the batch ended or handed nothing
        return
    finally:
        jobs.close()
    if not releases:
        return
    made: list[tuple[dict[str, bytes], dict[str, str]] | str] = []
    for release in releases:
        try:
            made.append(render_national_parts(release, formats, templates))
        except Exception as exc:  # that release fails, saying why (a bug is named as one)
            made.append(failure_message(exc))
    with contextlib.suppress(OSError):  # the batch stopped listening (interrupted): nothing to hand over
        send.send(made)
    send.close()
