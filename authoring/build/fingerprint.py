"""Input hashes: what a release's files were built from, as one SHA-256.

A release's input hash covers everything that can change its bytes: its form file, its
campaign file, every file of the templates folder (templates and assets), and the
toolkit itself (its version, its own code and data, and the versions of the libraries
that render). Equal hashes mean equal outputs, because rendering is deterministic.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from authoring import __version__

#: Bumped when the way inputs are hashed changes, so old hashes never match new ones.
SCHEME = "authoring-inputs/1"

#: Libraries whose version can change the rendered bytes.
RENDERING_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "fonttools",
    "docxtpl",
    "python-docx",
    "jinja2",
    "lxml",
    "typst",
)

_PACKAGE = Path(__file__).resolve().parent


def tree_digest(root: Path) -> str:
    """SHA-256 of every file under ``root`` (relative names and contents); dot-files and caches skipped."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        data = path.read_bytes()
        digest.update(f"{relative.as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@cache
def toolkit_digest() -> str:
    """SHA-256 of the toolkit: its version, its code and data, and the rendering libraries' versions."""
    digest = hashlib.sha256(f"{SCHEME}\0{__version__}\0".encode())
    for name in RENDERING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}={version}\0".encode())
    digest.update(tree_digest(_PACKAGE).encode())
    return digest.hexdigest()


def input_hash(*, form: bytes, campaign: bytes, templates: str, toolkit: str) -> str:
    """The input hash of one release from its form and campaign bytes and the two digests above."""
    digest = hashlib.sha256(f"{SCHEME}\0toolkit={toolkit}\0templates={templates}\0".encode())
    for name, data in (("campaign", campaign), ("form", form)):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
