"""Helper processes that never outlive the process that started them.

A batch's workers, its national release's drawing process and the chart server all call
:func:`die_with` as they start: on Linux the kernel sends the helper SIGKILL when its
parent dies (``prctl(PR_SET_PDEATHSIG)``), even after ``kill -9`` of the parent;
elsewhere a thread checks every second that its parent is still the same, and ends the
helper if not (at once if the parent died before it started).

Standard library only: the chart server calls it before the toolkit is loaded.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

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
