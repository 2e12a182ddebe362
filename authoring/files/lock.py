"""One writer per output folder: an advisory lock on ``OUT/.lock``.

The lock is :func:`fcntl.flock` on an open file, so the kernel releases it when the
holder exits for any reason (even ``kill -9``): a crashed batch never leaves a stale
lock behind. The file itself stays; only the lock on it matters.

The lock file is opened without following a link (a link planted as ``OUT/.lock`` is
refused, never truncated through), and must be a regular file. The holder's process id
is written into it for people looking; if that fails (a full disk), the lock still holds.
An output folder that cannot be made or locked (a file in its place, a read-only file
system) is an :class:`OutputWriteError`.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from authoring.exceptions import OutputLockedError, OutputWriteError

#: The lock file's name inside the output folder.
LOCK_FILE = ".lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[int]:
    """Hold the output folder's lock for the ``with`` block; yield the lock's file descriptor.

    Raises :class:`OutputLockedError` at once if another process holds it, and
    :class:`OutputWriteError` if the folder cannot be made or the lock file cannot be used.
    """
    path = out_dir / LOCK_FILE
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise OutputWriteError(_cannot(out_dir, path, exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputWriteError(f"cannot use {out_dir} as the output folder: {path} is not a regular file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLockedError(
                f"another batch is writing to {out_dir} (it holds {path}); wait for it to finish, then run again"
            ) from None
        except OSError as exc:
            raise OutputWriteError(_cannot(out_dir, path, exc)) from exc
        try:  # for people looking; the lock is what counts
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _cannot(out_dir: Path, path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        reason = f"{path} is a symbolic link (remove it; the toolkit never writes through a link)"
    elif exc.errno == errno.EEXIST:
        reason = "it is a file, not a folder"
    elif exc.errno == errno.ENOTDIR:
        reason = "part of its path is a file, not a folder"
    else:
        reason = exc.strerror or str(exc)
    return f"cannot use {out_dir} as the output folder: {reason}"
