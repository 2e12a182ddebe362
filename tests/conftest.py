"""Shared fixtures. Every test runs inside its own temporary folder (never the repo's output/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The reference campaign: the 2012 round, its campaign.yaml and three forms.
CAMPAIGN_DIR = "revisiting-police-relationships-2012"
FORCES = ROOT / "forces" / CAMPAIGN_DIR
DATA = Path(__file__).resolve().parent / "data"
REFERENCE_FORCES = ("british-transport-police", "bedfordshire", "thames-valley")


@pytest.fixture(autouse=True)
def isolated_filesystem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test with its working directory in a fresh temporary folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def forces_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's forces/ folder."""
    target = tmp_path / "forces"
    shutil.copytree(FORCES, target)
    return target
