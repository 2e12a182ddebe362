"""``OUT/manifest.json``: what each release's files are and what they were built from.

One entry per form (so per force, for one campaign), keyed by the form's path relative
to the output folder's parent (``forces/thames-valley.yaml`` for the default layout)::

    {
      "manifest_version": 1,
      "toolkit_version": "0.1.0",
      "releases": {
        "forces/thames-valley.yaml": {
          "force": "thames-valley",
          "status": "built",
          "input_hash": "<sha256>",
          "toolkit_version": "0.1.0",
          "files": {
            "pdf": {"path": "thames-valley/2012-12-11-….pdf", "size": 27870,
                    "sha256": "<sha256>", "input_hash": "<sha256>"}
          },
          "inputs": {"form": "<sha256>", "campaign": "<sha256>",
                     "templates": "<sha256>", "toolkit": "<sha256>"},
          "problems": [],
          "release": {"draft": false, "headline": "…", "round": {"embargo": "2012-12-11T00:01", …}, …}
        }
      },
      "removed": ["thames-valley/2012-11-30-….pdf"],
      "kept": []
    }

A round whose campaign declares a summary also has an entry under ``national``, keyed by
its campaign folder: its national release's files and what they were built from (see
docs/national.md).

``status`` is what the last batch did with the form: ``built``, ``unchanged`` or
``failed``. A failed entry keeps listing the older good files, which are still in place.
Each file carries the input hash it was built from; a file is current when that hash is
the release's input hash now and the file on disk still has the recorded size and SHA-256.
``inputs`` are the digests the input hash was made from, so that the next batch can say
*why* a release is rebuilt (its form, its campaign, the templates or the toolkit changed).
``release`` holds what ``authoring site`` shows of the release as built (its headline,
verdict, embargo, corrections …; :mod:`authoring.build.facts`); a failed entry keeps those
of its older good files.
``removed`` lists the files the last batch deleted because no release produces them any
more (a new release date, a removed form), and ``kept`` those it would have deleted but
left because they were changed after the toolkit wrote them. The manifest holds no times,
so the same inputs give the same manifest.

Reading is bounded: a manifest that is not a regular file, too large, not JSON, nested
too deeply or of another version is ignored, and everything is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authoring.files.read import UnreadableFileError, read_regular, safe_resolve
from authoring.files.write import write_files
from authoring.render import Format, format_named, formats

#: The manifest's name inside the output folder.
MANIFEST_FILE = "manifest.json"
MANIFEST_VERSION = 1
#: Far above any real manifest (about 2 KB a release); a larger file is not read.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FileRecord:
    """One output file: where it is (relative to the output folder), its size and SHA-256."""

    path: str
    size: int
    sha256: str
    input_hash: str

    @classmethod
    def of(cls, path: Path, data: bytes, *, out_dir: Path, input_hash: str) -> FileRecord:
        """The record of ``data`` just written to ``path``."""
        return cls(path.relative_to(out_dir).as_posix(), len(data), hashlib.sha256(data).hexdigest(), input_hash)

    def is_current(self, out_dir: Path, *, path: Path, input_hash: str) -> bool:
        """Whether this record describes ``path`` built from ``input_hash``, and the file is intact."""
        if self.input_hash != input_hash or self.path != path.relative_to(out_dir).as_posix():
            return False
        return self.is_intact(out_dir)

    @property
    def is_in_place(self) -> bool:
        """Whether the path is one the toolkit writes: ``<force>/<file>``, nothing hidden, no ``..``.

        A manifest in a shared folder may have been edited; a record that points anywhere
        else is never trusted (never read, never deleted).
        """
        parts = self.path.split("/")
        return len(parts) == 2 and all(part and not part.startswith(".") and "\\" not in part for part in parts)

    def is_intact(self, out_dir: Path) -> bool:
        """Whether the file is still a regular file with the recorded size and SHA-256 (links are not followed)."""
        if not self.is_in_place or (out_dir / self.path).parent.is_symlink():
            return False
        try:
            data = read_regular(out_dir / self.path, limit=self.size)
        except UnreadableFileError:
            return False
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha256


@dataclass
class Entry:
    """What the manifest knows about one form's release."""

    force: str | None
    status: str
    input_hash: str | None
    toolkit_version: str
    files: dict[Format, FileRecord] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)
    release: dict[str, Any] = field(default_factory=dict)
    """What the newsroom shows of the release as built (:mod:`authoring.build.facts`)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "force": self.force,
            "status": self.status,
            "input_hash": self.input_hash,
            "toolkit_version": self.toolkit_version,
            "files": {fmt.value: vars(self.files[fmt]) for fmt in sorted(self.files, key=_build_order)},
            "inputs": self.inputs,
            "problems": self.problems,
            "release": self.release,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        return cls(
            force=data.get("force"),
            status=str(data["status"]),
            input_hash=data.get("input_hash"),
            toolkit_version=str(data.get("toolkit_version", "")),
            files={format_named(name): FileRecord(**record) for name, record in data.get("files", {}).items()},
            problems=[str(problem) for problem in data.get("problems", [])],
            inputs={str(name): str(digest) for name, digest in data.get("inputs", {}).items()},
            release=dict(data.get("release") or {}),
        )


@dataclass
class Manifest:
    """All entries of one output folder, keyed by :func:`form_key`."""

    toolkit_version: str
    releases: dict[str, Entry] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    national: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each round's national release, by its campaign folder's key (see docs/national.md)."""

    @classmethod
    def read(cls, out_dir: Path, *, toolkit_version: str) -> Manifest:
        """The folder's manifest; an empty one if there is none or it cannot be read (all is then rebuilt)."""
        try:
            raw = read_regular(out_dir / MANIFEST_FILE, limit=MAX_MANIFEST_BYTES, what="a manifest")
            data = json.loads(raw.decode("utf-8"))
            if data.get("manifest_version") != MANIFEST_VERSION:
                raise ValueError("other manifest version")
            releases = {key: Entry.from_json(value) for key, value in data["releases"].items()}
            national = {str(key): dict(value) for key, value in data.get("national", {}).items()}
        except (UnreadableFileError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return cls(toolkit_version=toolkit_version)
        return cls(toolkit_version=toolkit_version, releases=releases, national=national)

    def to_bytes(self) -> bytes:
        data = {
            "manifest_version": MANIFEST_VERSION,
            "toolkit_version": self.toolkit_version,
            "releases": {key: self.releases[key].to_json() for key in sorted(self.releases)},
            "removed": sorted(self.removed),
            "kept": sorted(self.kept),
        }
        if self.national:
            data["national"] = {key: self.national[key] for key in sorted(self.national)}
        # A file name that is not UTF-8 keeps its bytes as lone surrogates: written as JSON's own
        # escapes (\udcff), they read back as the same name, and the file stays valid UTF-8.
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")

    def write(self, out_dir: Path) -> Path:
        """Write the manifest atomically (temporary file, then :func:`os.replace`)."""
        path = out_dir / MANIFEST_FILE
        write_files({path: self.to_bytes()})
        return path


def _build_order(fmt: Format) -> int:
    """Formats in the order they are built (one no longer registered last)."""
    known = formats()
    return known.index(fmt) if fmt in known else len(known)


def form_key(form: Path, out_dir: Path) -> str:
    """A form's key: its path relative to the output folder's parent, with forward slashes."""
    base = safe_resolve(out_dir).parent
    return Path(os.path.relpath(safe_resolve(form), base)).as_posix()
