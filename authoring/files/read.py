"""Reading input files safely: regular files only, never more than a limit, links only nearby.

A forms folder may be shared, so what it holds is not trusted. :func:`read_regular`
opens a file without blocking (a named pipe cannot hang a batch), checks with ``fstat``
on the open file that it is a regular file and not larger than the limit *before*
reading (a 2 GB sparse file is refused at once), and then reads at most the limit plus
one byte (a file that grows meanwhile is refused too).

A form or campaign file may be a symbolic link, but only to a regular file inside its
*project*: the folder that holds the link's folder (``forces/kent.yaml`` may link to
``shared/kent.yaml`` or ``forces/2012/kent.yaml``, not to ``/etc/…`` or ``~/…``). So a
link planted in a shared folder cannot make ``authoring validate`` print another file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class UnreadableFileError(Exception):
    """Raised when an input file may not or cannot be read; the message is for a press officer."""


def read_regular(path: Path, *, limit: int, what: str = "a form", links: bool = False) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    With ``links``, a symbolic link is followed if it leads to a file inside the project
    (see the module docstring); otherwise a link is refused. ``what`` names the file in
    messages ("a form may be at most …"). Raises :class:`UnreadableFileError`.
    """
    try:
        target = path
        if path.is_symlink():
            if not links:
                raise UnreadableFileError(f"is a symbolic link; {what} must be a plain file here, not a link")
            target = _link_target(path)
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as exc:
        raise UnreadableFileError(_os_message(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a plain file")
            raise UnreadableFileError(f"not a regular file ({kind}); {what} must be a plain text file")
        if info.st_size > limit:
            raise UnreadableFileError(_too_large(f"{info.st_size:,} bytes", what, limit))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while we read
            raise UnreadableFileError(_too_large(f"more than {limit:,} bytes", what, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFileError(_os_message(exc)) from exc
    finally:
        os.close(fd)


def project_of(path: Path) -> Path:
    """The folder a link in ``path``'s folder may point into: the folder above that folder."""
    return safe_resolve(path.parent).parent


def safe_resolve(path: Path) -> Path:
    """``path`` made absolute with every link resolved; as far as possible if a link loops."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's "Symlink loop"
        return Path.cwd() / path  # absolute, links left as they are


def _link_target(path: Path) -> Path:
    try:
        target = path.resolve(strict=True)
    except RuntimeError as exc:  # Python 3.11 reports a loop this way
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from exc
    project = project_of(path)
    if not target.is_relative_to(project):
        raise UnreadableFileError(
            f"is a symbolic link to {target}, outside {project}; "
            "a link may only lead to a file inside the project folder — copy the file here instead"
        )
    return target


def _too_large(size: str, what: str, limit: int) -> str:
    return f"file is {size}; {what} may be at most {limit:,} bytes"


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "cannot read file: it is a symbolic link that leads round in a loop"
    return f"cannot read file: {exc.strerror or exc}"
