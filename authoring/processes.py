"""Helper processes that never outlive the process that started them.

A batch's workers, its national release's drawing process and the chart server all call
:func:`die_with` as they start: on Linux the kernel sends the helper SIGKILL when its
parent dies (``prctl(PR_SET_PDEATHSIG)``), even after ``kill -9`` of the parent;
elsewhere a thread checks every second that its parent is still the same, and ends the
helper if not (at once if the parent died before it started).

Ctrl-C and SIGTERM are held back while a helper is forked (:func:`signals_held`): a signal
that arrived in the instant between the fork and the helper's own signal settings would
otherwise interrupt the helper half-made (a traceback from inside ``os.fork``). The helper
settles its signals, then lets them through (:func:`release_signals`); the parent gets any
that arrived meanwhile as soon as the fork is done: none is lost.

Standard library only: the chart server calls it before the toolkit is loaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

#: The signals held back while a helper is forked.
HELD = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back (pending, not lost) in this thread while helper processes are forked."""
    if not hasattr(signal, "pthread_sigmask"):  # no signal masks here: nothing to hold
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def release_signals() -> None:
    """In a helper forked under :func:`signals_held`, once its own signal settings are made: let them through."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)


_PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Make this process end when ``parent`` ends, however it ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above: nobody will collect our work
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
