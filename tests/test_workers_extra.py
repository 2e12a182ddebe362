"""Extra work handed to the batch's workers while they run (a national release's PDF) goes ahead of the queue."""

from __future__ import annotations

import os
import time

from authoring.build.pipeline import load_releases
from authoring.build.workers import Extra, render_all
from authoring.inputs.load import form_files
from authoring.render import Format
from tests.conftest import FORCES


def _pid_and(value: int) -> tuple[int, int, float]:
    """In a worker: which process ran it, what it was given, and when."""
    return os.getpid(), value * 2, time.monotonic()


def _fails(message: str) -> None:
    raise ValueError(message)


def releases() -> list[tuple[str, object, tuple[Format, ...]]]:
    made = load_releases(form_files(FORCES))
    return [(str(path), release, (Format.MD, Format.HTML)) for path, release in made * 3]  # many to queue


def test_extra_work_runs_in_a_worker_ahead_of_the_releases_still_waiting() -> None:
    tasks = releases()
    results: list[object] = []
    finished: list[float] = []
    handed = {"done": False}

    def source(block: bool) -> tuple[list[Extra], bool]:
        if handed["done"]:
            return [], False
        handed["done"] = True
        return [Extra(_pid_and, (21,), results.append), Extra(_fails, ("no luck",), results.append)], False

    for _key, rendered in render_all(tasks, workers=1, extra=source):  # type: ignore[arg-type]
        assert rendered.error is None
        finished.append(time.monotonic())
    assert len(finished) == len(tasks)
    [(pid, doubled, when), failure] = results
    assert pid != os.getpid()  # a worker ran it
    assert doubled == 42
    assert isinstance(failure, ValueError)  # what it raised is handed back, not raised in the batch
    assert str(failure) == "no luck"
    # ahead of the queue: at most the two releases queued before it were done first
    assert sum(1 for moment in finished if moment < when) <= 2


def test_extra_work_that_comes_after_every_release_is_waited_for_and_run() -> None:
    tasks = releases()[:2]
    calls: list[bool] = []
    results: list[object] = []

    def source(block: bool) -> tuple[list[Extra], bool]:
        calls.append(block)
        if not block:
            return [], True  # not ready while releases are still being rendered
        return [Extra(_pid_and, (5,), results.append)], False

    assert len(list(render_all(tasks, workers=2, extra=source))) == 2  # type: ignore[arg-type]
    assert calls[-1] is True  # asked to wait, once nothing else was left
    [(pid, ten, _)] = results
    assert (pid != os.getpid(), ten) == (True, 10)
