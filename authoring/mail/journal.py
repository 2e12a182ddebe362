"""The delivery journal, ``OUT/sent.jsonl``: every message a server accepted, one JSON line each.

A line is appended (and flushed to disk with ``fsync``) as soon as the server has
accepted a message for one recipient, and never before, so a crash or a dropped
connection can lose at most the line of the message in flight. Each line records the
release (its key, as in the manifest), the PDF sent and its SHA-256, the recipient, the
Message-ID, the time, and whether it was a correction::

    {"release": "forces/thames-valley.yaml", "force": "thames-valley",
     "file": "thames-valley/2012-12-11-….pdf", "sha256": "…", "recipient": "crime@oxford.example",
     "message_id": "<…@inspectorate.example>", "sent_at": "2012-12-10T17:02:11+00:00", "correction": false}

Reading is tolerant: a torn last line (a crash mid-write) is ignored, and the next append
starts on a new line. The latest line for a (release, recipient) pair is what counts.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

#: The journal's name inside the output folder.
JOURNAL_FILE = "sent.jsonl"


@dataclass(frozen=True)
class Delivery:
    """One message accepted by the server for one recipient."""

    release: str
    force: str
    file: str
    sha256: str
    recipient: str
    message_id: str
    sent_at: str
    correction: bool = False


class Journal:
    """The deliveries recorded in one output folder, and the means to record more."""

    def __init__(self, path: Path, deliveries: list[Delivery]) -> None:
        self.path = path
        self.deliveries = deliveries
        self._latest = {_key(item.release, item.recipient): item for item in deliveries}

    @classmethod
    def read(cls, out_dir: Path) -> Journal:
        """The journal of ``out_dir`` (empty if there is none); lines that cannot be read are skipped."""
        path = out_dir / JOURNAL_FILE
        try:
            lines = path.read_bytes().splitlines()
        except FileNotFoundError:
            lines = []
        deliveries = []
        for line in lines:
            try:
                deliveries.append(Delivery(**json.loads(line)))
            except (ValueError, TypeError):
                continue  # a torn last line, from a crash mid-write
        return cls(path, deliveries)

    def latest(self, release: str, recipient: str) -> Delivery | None:
        """The last delivery of this release to this recipient, if any."""
        return self._latest.get(_key(release, recipient))

    def record(self, delivery: Delivery) -> None:
        """Append one delivery and make sure it is on disk before returning."""
        line = json.dumps(asdict(delivery), ensure_ascii=False).encode() + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            if _ends_torn(fd):
                line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        self.deliveries.append(delivery)
        self._latest[_key(delivery.release, delivery.recipient)] = delivery


def _key(release: str, recipient: str) -> tuple[str, str]:
    return release, recipient.casefold()


def _ends_torn(fd: int) -> bool:
    """Whether the file is not empty and does not end with a line break."""
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"
