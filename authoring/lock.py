"""One writer per output folder: an advisory lock on ``OUT/.lock``.

The lock is :func:`fcntl.flock` on an open file, so the kernel releases it when the
holder exits for any reason (even ``kill -9``): a crashed batch never leaves a stale
lock behind. The file itself stays; only the lock on it matters.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from authoring.exceptions import OutputLockedError

#: The lock file's name inside the output folder.
LOCK_FILE = ".lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[int]:
    """Hold the output folder's lock for the ``with`` block; yield the lock's file descriptor.

    Raises :class:`OutputLockedError` at once if another process holds it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLockedError(
                f"another batch is writing to {out_dir} (it holds {path}); wait for it to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for people looking; the lock is what counts
        yield fd
    finally:
        os.close(fd)  # releases the lock
