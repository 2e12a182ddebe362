"""Hostile files and file names (issue 19): located problems, escaped names, nothing of the user's deleted.

- a wrong type anywhere in a form (``kind:`` a list or a mapping, at the top or in a
  finding) is a located problem, never a traceback;
- a file name that is not UTF-8, or holds a newline or an escape character, is shown
  escaped in every line the CLI prints (so it can neither forge a line of the report nor
  reach the terminal as a control sequence) and never breaks the manifest;
- a folder where a release's file must go is reported, and left as it is, with the user's
  files inside it;
- ``batch`` and ``validate`` agree on what is a form: a folder named ``x.yaml`` is reported by both.

The CLI runs in a subprocess, so that what reaches the terminal is what a user would see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.batch_helpers import STEMS
from tests.conftest import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "authoring", *args],
        capture_output=True,
        cwd=Path.cwd(),
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        timeout=120,
        check=False,
    )


def _no_traceback(done: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")[-2000:]


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("status: final\n", "status: final\nkind: [media, social]\n", 4),
        ("status: final\n", "status: final\nkind: {a: 1}\n", 4),
        ("  - kind: media-disclosures\n", "  - kind: [media-disclosures]\n", 24),
        ("  - kind: media-disclosures\n", "  - kind: {a: b}\n", 24),
    ],
    ids=["top-list", "top-mapping", "finding-list", "finding-mapping"],
)
def test_a_wrong_type_for_kind_is_a_located_problem(forces_copy: Path, old: str, new: str, line: int) -> None:
    form = forces_copy / "thames-valley.yaml"
    text = form.read_text(encoding="utf-8")
    assert old in text
    form.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = _cli("validate", str(form))
    _no_traceback(done)
    assert done.returncode == 1
    assert f"thames-valley.yaml:{line}:".encode() in done.stderr


HOSTILE_NAMES = {
    "surrey": os.fsencode("forces/k\udcffent.yaml"),  # the byte 0xff: not UTF-8
    "kent": b"forces/kent\n[1 of 1] built fake.yaml",  # would forge a line of the report
    "essex": b"forces/essex\x1b[31m\x1b]0;owned\x07.yaml",  # escape sequences for the terminal
}


@pytest.fixture
def hostile_names(forces_copy: Path) -> Path:
    source = (forces_copy / "thames-valley.yaml").read_text(encoding="utf-8")
    for force, name in HOSTILE_NAMES.items():
        Path(os.fsdecode(name)).write_text(source.replace("force: thames-valley", f"force: {force}"), encoding="utf-8")
    return forces_copy


def _shown(done: subprocess.CompletedProcess[bytes]) -> bytes:
    return done.stdout + done.stderr


def _assert_escaped(output: bytes) -> None:
    assert b"\x1b" not in output
    assert b"\x07" not in output
    assert not any(line.startswith(b"[1 of 1] built fake") for line in output.splitlines())
    output.decode("utf-8")  # every line printed is UTF-8
    assert b"k\\xffent.yaml" in output
    assert b"kent\\n[1 of 1] built fake.yaml" in output
    assert b"essex\\x1b[31m\\x1b]0;owned\\x07.yaml" in output


def test_hostile_file_names_are_escaped_in_batch_and_the_manifest_keeps_them(hostile_names: Path) -> None:
    done = _cli("batch", "forces", "--out", "out", "-f", "md")
    _no_traceback(done)
    assert done.returncode == 0, _shown(done).decode(errors="replace")
    _assert_escaped(_shown(done))
    raw = Path("out/manifest.json").read_bytes()
    manifest = json.loads(raw.decode("utf-8"))
    forces = {entry["force"] for entry in manifest["releases"].values()}
    assert {"surrey", "kent", "essex", "thames-valley"} <= forces
    assert os.fsdecode(HOSTILE_NAMES["surrey"]) in manifest["releases"]
    again = _cli("batch", "forces", "--out", "out", "-f", "md")
    assert again.returncode == 0
    assert b"0 to build, 6 unchanged" in again.stdout  # the manifest read back: names and all


def test_hostile_file_names_are_escaped_in_validate_and_build(hostile_names: Path) -> None:
    for name in HOSTILE_NAMES.values():  # every one a problem that names its file
        path = Path(os.fsdecode(name))
        path.write_text(path.read_text(encoding="utf-8").replace("grade: good-progress", "grade: excellent"))
    validated = _cli("validate", "forces")
    _no_traceback(validated)
    assert validated.returncode == 1
    _assert_escaped(_shown(validated))
    built = _cli("build", "forces", "--out", "out")
    _no_traceback(built)
    assert built.returncode == 1
    _assert_escaped(_shown(built))


@pytest.mark.parametrize("command", ["build", "batch"])
def test_a_folder_where_a_release_file_must_go_is_reported_and_kept(forces_copy: Path, command: str) -> None:
    first = _cli(command, "forces", "--out", "out")
    assert first.returncode == 0, first.stderr.decode(errors="replace")
    pdf = Path("out/thames-valley") / f"{STEMS['thames-valley']}.pdf"
    pdf.unlink()
    pdf.mkdir()
    (pdf / "my-notes.txt").write_text("mine", encoding="utf-8")
    again = _cli(command, "forces", "--out", "out")
    _no_traceback(again)
    assert again.returncode == 1
    assert f"{pdf} is a folder, where the release's .pdf file must go".encode() in again.stderr
    assert (pdf / "my-notes.txt").read_text(encoding="utf-8") == "mine"
    assert (Path("out/thames-valley") / f"{STEMS['thames-valley']}.docx").is_file()  # the others kept


def test_batch_and_validate_agree_that_a_folder_named_yaml_is_a_bad_form(forces_copy: Path) -> None:
    (forces_copy / "x.yaml").mkdir()
    validated = _cli("validate", "forces")
    batched = _cli("batch", "forces", "--out", "out", "-f", "md")
    for done in (validated, batched):
        _no_traceback(done)
        assert done.returncode == 1
        assert b"forces/x.yaml" in done.stderr
    assert b"not a regular file (a folder)" in validated.stderr
