"""Long-lived worker processes that render releases for a batch.

Each worker starts once per batch. When the workers have more than one release each,
they start warmed up (or warm up when they start, where processes cannot be forked):
each renderer of the formats they make has loaded what every release needs, WeasyPrint
and its fonts for the PDF (:func:`authoring.render.pdf.warm_up`), docxtpl for the Word
document, the page's template for the HTML. From then on a worker keeps WeasyPrint's font
configuration, the Jinja environments and the compiled templates between releases, so a
release costs only its own rendering.

Workers only render; the parent process writes every file, so all writing (and the
output folder's lock) stays in one place.

A worker never outlives its batch (:func:`authoring.processes.die_with`), even after
``kill -9`` of the parent.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from authoring.exceptions import AuthoringError
from authoring.model.release import Release
from authoring.processes import die_with, release_signals, signals_held
from authoring.render import Format, making, render, renderer
from authoring.render import formats as registered_formats
from authoring.render.environment import Templates

log = logging.getLogger(__name__)
K = TypeVar("K")


@dataclass(frozen=True)
class Rendered:
    """What a worker sends back for one release: the files' bytes, or why it could not render."""

    outputs: dict[Format, bytes]
    error: str | None = None


@dataclass(frozen=True)
class Extra:
    """Work that becomes ready while the workers run (a national release's PDF): it goes ahead of the queue.

    ``function(*args)`` runs in a worker (a module-level function: it is sent by name);
    ``done`` is called in this process with what it returned, or the exception it raised.
    """

    function: Callable[..., object]
    args: tuple[Any, ...]
    done: Callable[[object], None]


#: Where :func:`render_all` finds :class:`Extra` work: called with ``block`` (wait until some is
#: ready or none will come), it returns the work ready now and whether more may come.
ExtraSource = Callable[[bool], tuple[list[Extra], bool]]


def render_all(
    tasks: Sequence[tuple[K, Release, tuple[Format, ...]]],
    *,
    workers: int,
    templates: Templates | None = None,
    close_fds: Iterable[int] = (),
    extra: ExtraSource | None = None,
) -> Iterator[tuple[K, Rendered]]:
    """Render every task in ``workers`` processes; yield ``(key, result)`` as each finishes.

    ``extra`` (forked workers only) hands over more work as it becomes ready: each piece goes
    to the next free worker, ahead of the releases still waiting (only a few are queued at a
    time), so that it shares the workers instead of running beside them. Where this process
    renders the releases itself, ``extra`` is not asked: its owner does that work.

    ``templates`` is the templates folder (default: the shipped one); ``close_fds`` are closed
    in each worker (e.g. the output lock, so only the parent ever holds it). Workers warm
    up only if they have more than one release each and a format whose renderer warms up
    (:attr:`~authoring.render.Renderer.warms_up`: the shipped ones all do): otherwise warming
    up is pure cost. Forked workers need not warm up at all: this process loads WeasyPrint
    and its fonts once before forking them, and each worker inherits them (one import
    instead of one per worker: about half a CPU-second each). Where a renderer says a fork
    could not render (:meth:`~authoring.render.Renderer.fork_safe`: Typst, once it has laid
    out a page in this process, as a long-lived program or a test may have), this process
    renders every release itself, one after the other, rather than start workers that would hang.
    """
    templates = templates or Templates.at()
    made = {fmt for _, release, formats in tasks for fmt in making(formats, release)}
    if not all(renderer(fmt).fork_safe() for fmt in made):  # a fork would hang: render here, one by one
        for key, release, formats in tasks:
            yield key, _rendered(release, formats, templates)
        return
    forkable = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if forkable else None
    warming = tuple(fmt for fmt in registered_formats() if fmt in made and renderer(fmt).warms_up)
    warm = warming if len(tasks) > workers else ()
    releases = tuple(release for _, release, _ in tasks)
    if warm and forkable:  # forked workers inherit WeasyPrint loaded and warmed once, here
        _warm_up(templates, warm, releases)
        warm = ()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(templates.root), tuple(close_fds), warm, os.getpid(), releases if warm else ()),
    )
    try:
        yield from _run(pool, tasks, workers, extra)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(
    pool: ProcessPoolExecutor,
    tasks: Sequence[tuple[K, Release, tuple[Format, ...]]],
    workers: int,
    extra: ExtraSource | None,
) -> Iterator[tuple[K, Rendered]]:
    """Keep every worker busy with at most one release queued behind it; extra work goes first as it comes."""
    waiting = deque(tasks)
    running: dict[Future[Any], tuple[K, None] | tuple[None, Extra]] = {}
    more = extra is not None

    def fill(block: bool = False) -> None:
        nonlocal more
        if more and extra is not None:
            ready, more = extra(block)
            for job in ready:
                running[pool.submit(job.function, *job.args)] = (None, job)
        while waiting and len(running) < 2 * workers:
            key, release, formats = waiting.popleft()
            running[pool.submit(_render, release, formats)] = (key, None)

    with signals_held():  # the first submission forks the workers (processes.signals_held)
        fill()
    while running or more:
        if not running:  # only extra work is left to come: wait for it
            fill(block=True)
            continue
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        results = []
        for future in finished:
            key, job = running.pop(future)
            if job is not None:
                job.done(_outcome(future))
            elif key is not None:
                results.append((key, _rendered_result(future)))
        fill()  # before handing the results on, so no worker waits while they are stored
        yield from results


def _outcome(future: Future[Any]) -> object:
    """What an extra job returned, or the exception it raised (a worker that died included)."""
    try:
        return future.result()
    except Exception as exc:
        return exc


def _rendered_result(future: Future[Rendered]) -> Rendered:
    try:
        return future.result()
    except Exception as exc:  # a worker died (killed, out of memory): report, carry on
        return Rendered({}, f"the worker process failed: {type(exc).__name__}: {exc}")


#: The templates folder of this worker process (set when it starts).
_templates: Templates | None = None


def _start_worker(
    templates: str, close_fds: tuple[int, ...], warm: tuple[Format, ...], parent: int, releases: tuple[Release, ...]
) -> None:
    """Worker initializer: settle the process, then warm up the renderers of ``warm`` once."""
    global _templates
    die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (see authoring.cli.app)
    release_signals()  # held while it was forked (processes.signals_held)
    for fd in close_fds:
        os.close(fd)
    _templates = Templates.at(Path(templates))
    if warm:
        _warm_up(_templates, warm, releases)


def _warm_up(templates: Templates, formats: tuple[Format, ...], releases: Sequence[Release]) -> None:
    """Warm up the renderers of ``formats`` (WeasyPrint and its fonts, docxtpl), then freeze all that.

    What is loaded stays for the life of the process, yet every full collection would
    scan it again: about 50 ms each, four times in 44 releases. Frozen (before forking,
    so that forked workers inherit it), it is never scanned again: measured, 0.18 of
    3.8 CPU-seconds a worker saved (``gc.freeze``).
    """
    for fmt in formats:
        renderer(fmt).warm_up_for(templates, releases)
    gc.freeze()


def _render(release: Release, formats: tuple[Format, ...]) -> Rendered:
    """Render one release in one worker."""
    return _rendered(release, formats, _templates)


def _rendered(release: Release, formats: tuple[Format, ...], templates: Templates | None) -> Rendered:
    """Render one release; an error is this release's alone."""
    try:
        outputs = render(release, formats, templates=templates)
    except AuthoringError as exc:
        return Rendered({}, str(exc))
    except Exception as exc:  # a bug: fail this release, keep the batch going, keep the traceback
        log.debug("rendering %s failed", release.force.slug, exc_info=True)
        return Rendered({}, failure_message(exc))
    return Rendered(outputs)


def failure_message(exc: BaseException, doing: str = "rendering") -> str:
    """Why one output failed, in a line: an :class:`AuthoringError`'s own words, anything else named as a bug."""
    if isinstance(exc, AuthoringError):
        return str(exc)
    detail = traceback.format_exception_only(exc)[-1].strip()
    return f"unexpected error while {doing} (a bug; please report it): {detail}"
