"""Writing outputs safely: never a half-written file in place, never through a link.

Two ways to write:

- :func:`write_release` replaces a release's *set* of files as one. The release's folder
  (``OUT/<force>/``) is rebuilt beside itself in a staging folder
  (``OUT/.<force>.new-XXXX``): every file that stays is hard-linked into it, every new
  file is written, flushed and size-checked, and files no longer wanted are left out.
  Only then is the staging folder swapped with the real one in a single atomic step
  (Linux ``renameat2(RENAME_EXCHANGE)``), and the old folder is deleted. A reader who
  opens the folder sees either the whole old set or the whole new set, never a mix; a
  failure (or ``kill -9``) at any point before the swap leaves the old folder untouched,
  and at any point after it leaves the new one complete. Leftover staging folders are
  removed by the next write (:func:`recover`). Where the exchange is not available (not
  Linux, or a file system without it), the old folder is first renamed aside and the
  new one renamed in: a reader may then find the folder missing for an instant, never
  mixed, and :func:`recover` puts an aside folder back if a crash came in between.
- :func:`write_files` writes single files (the manifest, a schema), each atomically with
  a temporary file and :func:`os.replace`.

Files are created with mode ``0666`` less the umask, like any other program's files, so
a private umask keeps embargoed releases private. Nothing is ever opened through a
symbolic link: new files are created exclusively, and a link where a release folder
should be is refused.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_release(folder: Path, files: Mapping[str, bytes], *, remove: Iterable[str] = ()) -> list[Path]:
    """Replace ``files`` (name → bytes) in ``folder`` and drop the names in ``remove``, as one.

    Every other file in the folder stays as it is. On any failure (raised as
    :class:`OSError`), the folder is exactly as it was. A folder where one of ``files`` must
    go is refused (:class:`IsADirectoryError`), never deleted; a folder named in ``remove`` is kept.
    Returns the paths written.
    """
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(parent, folder.name)
    try:
        info: os.stat_result | None = folder.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, "it is a symbolic link, and the toolkit never writes through a link", str(folder))
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    if info is not None:
        _refuse_folders_in_the_way(folder, files)
        remove = [name for name in remove if not _is_folder(folder / name)]  # a user's folder is never removed
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    try:
        staging.chmod(stat.S_IMODE(info.st_mode) if info is not None else 0o777 & ~_umask())
        if info is not None:
            _link_others(folder, staging, skip={*files, *remove})
        for name, data in files.items():
            _write_new(staging / name, data)
        _fsync_dir(staging)
        if info is None:
            staging.rename(folder)
        else:
            _swap(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # now the old folder; if this fails, recover() removes it later
    _fsync_dir(parent)
    return [folder / name for name in files]


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _refuse_folders_in_the_way(folder: Path, names: Iterable[str]) -> None:
    """Raise :class:`IsADirectoryError` if a folder stands where one of the release's files must go.

    Such a folder (with whatever the user keeps in it) is never replaced nor deleted: it is
    reported, and nothing is written.
    """
    for name in names:
        if _is_folder(folder / name):
            raise IsADirectoryError(
                errno.EISDIR,
                f"{folder / name} is a folder, where the release's {Path(name).suffix or ''} file must go; "
                "move or rename that folder (it was left as it is)",
                str(folder / name),
            )


def recover(parent: Path, name: str | None = None) -> None:
    """Tidy what an interrupted :func:`write_release` left in ``parent`` (for ``name``, or all).

    A staging folder is removed; a folder renamed aside is put back if its place is
    empty, and removed otherwise.
    """
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        base, dot, kind = entry.name[1:].rpartition(".")
        if not entry.name.startswith(".") or not dot or (name is not None and base != name):
            continue
        if kind.startswith("new-") or kind.startswith("old-"):
            if not entry.is_dir(follow_symlinks=False):
                continue
            final = parent / base
            if kind.startswith("old-") and not os.path.lexists(final):
                Path(entry.path).rename(final)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)


def write_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file atomically (never through a link); on failure, leave every existing file as it was.

    Each file is first written in full to a temporary file in its own folder; only when
    all are written are they moved into place with :func:`os.replace`, which is atomic
    for each file (and replaces a link rather than following it). The files are moved
    one after another, so for a set that must change together use :func:`write_release`.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            temp = Path(temp_name)
            staged.append((temp, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if temp.stat().st_size != len(data):
                raise OSError(f"short write to {temp}")
            temp.chmod(0o666 & ~_umask())
        for temp, target in staged:
            temp.replace(target)  # atomic, like os.replace
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return [target for _, target in staged]


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist: never through a link), write ``data``, flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        if os.fstat(fd).st_size != len(data):
            raise OSError(errno.EIO, f"short write to {path}")
    finally:
        os.close(fd)


def _link_others(folder: Path, staging: Path, *, skip: set[str]) -> None:
    """Hard-link (or, where links are impossible, copy) every entry of ``folder`` but ``skip`` into ``staging``."""
    for entry in os.scandir(folder):
        if entry.name in skip:
            continue
        target = staging / entry.name
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, str(target))


def _link_or_copy(source: str, target: str) -> str:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
    return target


def _swap(staging: Path, folder: Path) -> None:
    """Put ``staging`` where ``folder`` is, atomically if the system can; ``staging`` then holds the old folder."""
    try:
        _exchange(staging, folder)
        return
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    aside = folder.parent / f".{folder.name}.old-{secrets.token_hex(4)}"
    folder.rename(aside)
    try:
        staging.rename(folder)
    except BaseException:
        aside.rename(folder)
        raise
    aside.rename(staging)


def _exchange(first: Path, second: Path) -> None:
    """Swap two paths atomically with Linux ``renameat2(RENAME_EXCHANGE)``; ENOSYS elsewhere."""
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "no atomic exchange on this system")
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "no renameat2 in this C library")
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
