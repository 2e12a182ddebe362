"""Helpers for the batch tests: run the command, and look at an output folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from authoring.cli.app import app

OUT = Path("output")
STEMS = {
    "bedfordshire": "2012-12-11-bedfordshire-police-revisiting-police-relationships",
    "british-transport-police": "2012-12-11-british-transport-police-revisiting-police-relationships",
    "thames-valley": "2012-12-11-thames-valley-police-revisiting-police-relationships",
}
EXTENSIONS = ("docx", "html", "pdf", "md")


def batch(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run ``authoring batch ARGS`` in this process (its workers are real processes)."""
    return CliRunner().invoke(app, ["batch", *map(str, args)], env=env)


def files(out: Path = OUT) -> dict[str, bytes]:
    """Every file under ``out`` (but the lock file), by path relative to ``out``."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


def release_files(slug: str, out: Path = OUT) -> dict[str, bytes]:
    """The four files of one force's release, by extension."""
    return {ext: (out / slug / f"{STEMS[slug]}.{ext}").read_bytes() for ext in EXTENSIONS}


def mtimes(out: Path = OUT) -> dict[str, int]:
    """Modification time (ns) of every release file, to tell rewritten files from untouched ones."""
    return {path.relative_to(out).as_posix(): path.stat().st_mtime_ns for path in out.glob("*/*.*")}


def manifest(out: Path = OUT) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def statuses(out: Path = OUT) -> dict[str, str]:
    """The manifest's status of each force."""
    return {entry["force"]: entry["status"] for entry in manifest(out)["releases"].values()}


def summary_row(result: Result) -> list[str]:
    """The cells of the summary table's row: built, unchanged, failed, time."""
    lines = result.stdout.splitlines()
    header = next(index for index, line in enumerate(lines) if "built" in line and "unchanged" in line)
    return [cell.strip() for cell in lines[header + 2].split("│")]


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
