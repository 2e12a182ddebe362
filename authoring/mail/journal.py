"""The delivery journal: the round's own record of every message a server took (``forces/<round>/sent.jsonl``).

The journal lives beside the round's ``campaign.yaml``, where a clone of the project has
it (commit it with the round): ``output/`` stays disposable, and deleting it can never
cause a second send.

A line is appended (and flushed to disk with ``fsync``) as soon as the server has
accepted a message for one recipient — or as soon as it *may* have (``"status":
"uncertain"``: the whole message went, then the connection dropped or timed out before the
server said so); such a message is never sent again unless asked. Each line records the
release (its form's file name in the round), its PDF and that PDF's SHA-256, every file the
message carried with its SHA-256 (``attachments``, in the message's order: a bilingual
release's one bilingual document if its round asks for one, its Welsh PDF, then the
English), the recipient, the Message-ID, the time, whether it was a correction, and the
status::

    {"release": "thames-valley.yaml", "force": "thames-valley",
     "file": "thames-valley/2012-12-11-….pdf", "sha256": "…", "recipient": "crime@oxford.example",
     "message_id": "<…@inspectorate.example>", "sent_at": "2012-12-10T17:02:11+00:00",
     "correction": false, "status": "delivered",
     "attachments": [{"file": "thames-valley/2012-12-11-….pdf", "sha256": "…"}]}

A line written before ``attachments`` was recorded (an earlier version's) is read as it
is: it tells of the release's own PDF only (``file`` and ``sha256``).

The journal is read as strictly as a form: only a regular file (never through a link,
never a device or a FIFO), every line checked, and any line that is not a delivery
record stops ``send`` with its line number — a record that cannot be read is a record of
something that may have been sent. Every write is checked: a short write or a full disk
is a :class:`JournalError`, the partial line is taken back, and nothing more is sent.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from authoring.exceptions import AuthoringError, InvalidInputError, Problem

#: The journal's name inside a round's folder (beside campaign.yaml).
JOURNAL_FILE = "sent.jsonl"
#: A journal larger than this is not a journal (about 2 million deliveries).
MAX_BYTES = 1 << 30
#: Problems reported at once for a damaged journal (the rest are counted).
MAX_PROBLEMS = 20

#: The most files one message records as attached (a bilingual release has two).
MAX_ATTACHMENTS = 16

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")


class JournalError(AuthoringError):
    """Raised when the journal cannot be used or written: sending stops, and nothing more goes."""


class Status(StrEnum):
    """What the server did with a message: took it, or may have (the connection ended before it said)."""

    DELIVERED = "delivered"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Attachment:
    """A file a message carried: its path in the output folder and its SHA-256."""

    file: str
    sha256: str


@dataclass(frozen=True)
class Delivery:
    """One message a server accepted (or may have accepted) for one recipient.

    ``file`` and ``sha256`` are the release's own PDF; ``attachments`` every file the
    message carried, in its order (empty in a line an earlier version wrote).
    """

    release: str
    force: str
    file: str
    sha256: str
    recipient: str
    message_id: str
    sent_at: str
    correction: bool = False
    status: Status = Status.DELIVERED
    attachments: tuple[Attachment, ...] = ()


_FIELDS = {item.name: item for item in fields(Delivery)}
#: Fields a line may leave out: those an earlier version did not write.
_OPTIONAL = frozenset({"attachments"})
_TEXT_FIELDS = ("release", "force", "file", "recipient")


class Journal:
    """The deliveries of one round, and the means to record more."""

    def __init__(self, path: Path, deliveries: list[Delivery]) -> None:
        self.path = path
        self.deliveries = deliveries
        self._latest: dict[tuple[str, str], Delivery] = {}
        self._first: dict[tuple[str, str], Delivery] = {}
        for item in deliveries:
            self._note(item)

    @classmethod
    def read(cls, folder: Path) -> Journal:
        """The journal of the round in ``folder`` (empty if there is none yet).

        Raises :class:`InvalidInputError` with every line that is not a delivery record,
        and :class:`JournalError` if the journal is not a regular file or cannot be read.
        """
        path = folder / JOURNAL_FILE
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
        except FileNotFoundError:
            return cls(path, [])
        except OSError as error:
            raise JournalError(_unusable(path, error)) from None
        try:
            data = _read_all(fd, path)
        finally:
            os.close(fd)
        return cls(path, parse(data, path))

    def latest(self, release: str, recipient: str) -> Delivery | None:
        """The last delivery of this release to this recipient, if any."""
        return self._latest.get(_key(release, recipient))

    def first(self, release: str, recipient: str) -> Delivery | None:
        """The first message of this release this recipient got (or may have got), if any."""
        return self._first.get(_key(release, recipient))

    @classmethod
    @contextmanager
    def locked(cls, folder: Path) -> Iterator[Journal]:
        """The journal of the round in ``folder``, read while holding its lock (the file is created if missing).

        No other send of this round can run meanwhile, whatever output folder it uses.
        Raises as :meth:`read` does, and :class:`JournalError` if another send holds the lock.
        """
        path = folder / JOURNAL_FILE
        fd = _open_for_append(path)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise JournalError(
                    f"another send of this round is running (it holds {path}); wait for it to finish"
                ) from None
            yield cls.read(folder)
        finally:
            os.close(fd)

    def record(self, delivery: Delivery) -> None:
        """Append one delivery and make sure it is on disk before returning; :class:`JournalError` if it is not."""
        line = _line(delivery)
        fd = _open_for_append(self.path)
        try:
            size = os.fstat(fd).st_size
            try:
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    if written <= 0:
                        raise OSError(errno.EIO, "nothing could be written")
                    view = view[written:]
                os.fsync(fd)
            except OSError as error:
                try:
                    os.ftruncate(fd, size)  # take the partial line back
                    os.fsync(fd)
                except OSError:
                    pass
                raise JournalError(
                    f"cannot record a delivery in {self.path}: {error.strerror or error}; "
                    f"the server took the message of {delivery.file} to {delivery.recipient} "
                    f"({delivery.message_id}) but it is not recorded, so nothing more is sent. "
                    "Free some space, add that line by hand (or accept that it may go again), then run again"
                ) from None
        finally:
            os.close(fd)
        self.deliveries.append(delivery)
        self._note(delivery)

    def absorb(self, deliveries: list[Delivery]) -> None:
        """Count ``deliveries`` from elsewhere (an earlier version's journal) as this round's, without writing them."""
        for item in deliveries:
            self._note(item)

    def _note(self, item: Delivery) -> None:
        key = _key(item.release, item.recipient)
        self._latest[key] = item
        self._first.setdefault(key, item)


def read_legacy(out_dir: Path) -> list[Delivery]:
    """The journal earlier versions kept in the output folder (``OUT/sent.jsonl``), if there is one.

    Its lines have no ``status`` (every one was delivered) and name the release by its path
    from the output folder's parent (``forces/<round>/<form>.yaml``). Read as strictly as
    a round's journal; ``send`` counts its deliveries for their rounds, so that nothing
    recorded there is sent again.
    """
    path = out_dir / JOURNAL_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise JournalError(_unusable(path, error)) from None
    try:
        data = _read_all(fd, path)
    finally:
        os.close(fd)
    return parse(data, path, legacy=True)


def parse(data: bytes, path: Path, *, legacy: bool = False) -> list[Delivery]:
    """Every line of a journal as a :class:`Delivery`; :class:`InvalidInputError` naming each line that is not one.

    With ``legacy``, lines without a ``status`` (an earlier version's) are read as delivered.
    """
    deliveries: list[Delivery] = []
    problems: list[Problem] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        problems.append(
            Problem(
                path,
                len(lines),
                None,
                "",
                "the last line is incomplete: an earlier send was stopped while recording a message the server "
                "had taken; check with the recipient, then complete or delete the line",
            )
        )
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        try:
            deliveries.append(_delivery(raw, legacy=legacy))
        except ValueError as error:
            problems.append(Problem(path, number, None, "", f"not a delivery record: {error}"))
    if problems:
        shown = sorted(problems, key=lambda problem: problem.line or 0)[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            last = shown[-1]
            more = f"{last.message} (and {len(problems) - MAX_PROBLEMS} more lines like it)"
            shown[-1] = Problem(last.path, last.line, None, "", more)
        ending = (
            "; the journal is this round's record of what was sent, so nothing is sent until it reads "
            "cleanly: restore it from version control, or correct the line"
        )
        shown[0] = Problem(shown[0].path, shown[0].line, None, "", shown[0].message + ending)
        raise InvalidInputError(shown)
    return deliveries


def _delivery(raw: bytes, *, legacy: bool = False) -> Delivery:
    """One line as a delivery; :class:`ValueError` saying what is wrong with it."""
    if len(raw) > 64 * 1024:
        raise ValueError("the line is far longer than any delivery record")
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("the line is not UTF-8 text") from None
    except (ValueError, RecursionError):
        raise ValueError("the line is not a JSON object") from None
    if not isinstance(value, dict):
        raise ValueError("the line is not a JSON object")
    if legacy and "status" not in value:
        value["status"] = Status.DELIVERED.value
    missing = sorted(set(_FIELDS) - _OPTIONAL - set(value))
    extra = sorted(set(value) - set(_FIELDS))
    if missing or extra:
        said = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(extra)}" if extra else ""]
        raise ValueError("; ".join(part for part in said if part))
    for name in _TEXT_FIELDS:
        if not isinstance(value[name], str) or not value[name] or not value[name].isprintable():
            raise ValueError(f"'{name}' must be a non-empty text on one line")
    if not isinstance(value["sha256"], str) or not _SHA256.fullmatch(value["sha256"]):
        raise ValueError("'sha256' must be 64 hexadecimal digits")
    if not isinstance(value["message_id"], str) or not _MESSAGE_ID.fullmatch(value["message_id"]):
        raise ValueError("'message_id' must be a Message-ID such as <id@example>")
    if not isinstance(value["correction"], bool):
        raise ValueError("'correction' must be true or false")
    if value["status"] not in tuple(Status):
        raise ValueError(f"'status' must be {' or '.join(repr(item.value) for item in Status)}")
    try:
        datetime.fromisoformat(value["sent_at"])
    except (TypeError, ValueError):
        raise ValueError("'sent_at' must be a date and time such as 2012-12-10T17:02:11+00:00") from None
    attachments = _attachments(value)
    return Delivery(**{**value, "status": Status(value["status"]), "attachments": attachments})


def _attachments(value: dict[str, object]) -> tuple[Attachment, ...]:
    """A line's ``attachments`` (none if it has no such key); :class:`ValueError` saying what is wrong with them."""
    if "attachments" not in value:
        return ()
    listed = value["attachments"]
    wrong = (
        '\'attachments\' must be a list of {"file": …, "sha256": …}, one for each file the message carried, '
        "the release's own PDF among them"
    )
    if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_ATTACHMENTS:
        raise ValueError(wrong)
    found: list[Attachment] = []
    for item in listed:
        if not isinstance(item, dict) or set(item) != {"file", "sha256"}:
            raise ValueError(wrong)
        file, sha256 = item["file"], item["sha256"]
        if not isinstance(file, str) or not file or not file.isprintable():
            raise ValueError("each attachment's 'file' must be a non-empty text on one line")
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError("each attachment's 'sha256' must be 64 hexadecimal digits")
        found.append(Attachment(file, sha256))
    own = Attachment(str(value["file"]), str(value["sha256"]))  # both checked already
    if len({item.file for item in found}) != len(found) or own not in found:
        raise ValueError(wrong)
    return tuple(found)


def _line(delivery: Delivery) -> bytes:
    record = {**asdict(delivery), "status": delivery.status.value}
    if not delivery.attachments:
        del record["attachments"]
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def _key(release: str, recipient: str) -> tuple[str, str]:
    return release, recipient.casefold()


def _open_for_append(path: Path) -> int:
    """The journal opened to append (created if missing): never through a link, only a regular file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise JournalError(_unusable(path, error)) from None
    kind = stat.S_IFMT(os.fstat(fd).st_mode)
    if kind != stat.S_IFREG:
        os.close(fd)
        raise JournalError(_not_regular(path))
    return fd


def _read_all(fd: int, path: Path) -> bytes:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise JournalError(_not_regular(path))
    if info.st_size > MAX_BYTES:
        raise JournalError(f"{path} is {info.st_size:,} bytes, far more than any journal of deliveries")
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _not_regular(path: Path) -> str:
    return (
        f"{path} is not a plain file; the journal of what was sent must be a regular file: "
        "restore it from version control (or remove what is there if this round has sent nothing)"
    )


def _unusable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return f"{path} is a symbolic link; the journal is never read or written through a link: put the file there"
    if error.errno in (errno.EISDIR, errno.ENXIO):
        return _not_regular(path)
    return f"cannot use the journal {path}: {error.strerror or error}"
