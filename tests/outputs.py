"""Releases of the reference forces, final and draft, rendered once per test session.

The distribution tests (PDF, fonts, accessibility) read the same outputs many ways;
rendering them once keeps the suite quick. A draft is the reference form copied to a
temporary folder with ``status: draft``; nothing is ever written into ``forces/``.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
from functools import cache
from pathlib import Path

from authoring.build.pipeline import load_releases, render
from authoring.model.release import Release
from authoring.model.types import PdfEngine
from authoring.render import ALL_FORMATS, Format
from tests.conftest import FORCES

STATUSES = ("final", "draft")
#: Every PDF engine: each PDF check runs on both.
ENGINES = tuple(PdfEngine)


@cache
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="authoring-test-forms-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def form_copy(force: str, status: str, folder: Path) -> Path:
    """The reference form of ``force`` copied into ``folder`` with the given status."""
    text = (FORCES / f"{force}.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("status:")]
    target = folder / f"{force}.yaml"
    target.write_text("\n".join([*lines, f"status: {status}", ""]), encoding="utf-8")
    return target


@cache
def release(force: str, status: str) -> Release:
    """The phrased release of a reference force, final or draft."""
    folder = _scratch() / status
    folder.mkdir(exist_ok=True)
    [(_, loaded)] = load_releases([form_copy(force, status, folder)], campaign=FORCES / "campaign.yaml")
    assert loaded.is_draft is (status == "draft")
    return loaded


@cache
def rendered(force: str, status: str) -> dict[Format, bytes]:
    """Every format of the release of a reference force, final or draft."""
    return render(release(force, status), ALL_FORMATS)


@cache
def pdf(force: str, status: str, engine: PdfEngine = PdfEngine.WEASYPRINT) -> bytes:
    """The PDF of the release of a reference force, final or draft, by ``engine``."""
    if engine is PdfEngine.WEASYPRINT:
        return rendered(force, status)[Format.PDF]
    return render(with_engine(release(force, status), engine), [Format.PDF])[Format.PDF]


def with_engine(the_release: Release, engine: PdfEngine) -> Release:
    """The same release, its PDF by ``engine``."""
    return dataclasses.replace(the_release, pdf_engine=engine)
