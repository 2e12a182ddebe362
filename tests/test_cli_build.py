"""The CLI: `authoring build` and `authoring forces`, through CliRunner and once as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from authoring.cli.app import app
from tests.conftest import FORCES, ROOT

runner = CliRunner()
STEM = "2012-12-11-thames-valley-police-revisiting-police-relationships"


def test_build_one_form_writes_four_formats(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "thames-valley"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{STEM}.{ext}" for ext in ("docx", "html", "pdf", "md"))
    assert result.stdout.splitlines() == [str(folder / f"{STEM}.{ext}") for ext in ("docx", "html", "pdf", "md")]
    assert (folder / f"{STEM}.pdf").read_bytes().startswith(b"%PDF-")


def test_build_chosen_formats_into_default_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(FORCES / "bedfordshire.yaml"), "--format", "md,html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in (tmp_path / "output" / "bedfordshire").iterdir()) == [".html", ".md"]


def test_build_a_folder_builds_every_form_but_the_campaign(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(FORCES), "-f", "md", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [
        "bedfordshire",
        "british-transport-police",
        "thames-valley",
    ]


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "--format", "rtf"])
    assert result.exit_code == 2
    assert "choose from docx, html, pdf, md" in result.output


def test_invalid_form_lists_every_problem_and_writes_nothing(forces_copy: Path, tmp_path: Path) -> None:
    form = forces_copy / "thames-valley.yaml"
    text = form.read_text(encoding="utf-8")
    text = text.replace("force: thames-valley", "force: thames-vally").replace("approved: 128", "approved: 130")
    form.write_text(text, encoding="utf-8")
    good = forces_copy / "bedfordshire.yaml"
    out = tmp_path / "out"

    result = runner.invoke(app, ["build", str(good), str(form), "--out", str(out)])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{form}:2:8: force: unknown force 'thames-vally'; did you mean 'thames-valley'?",
        f"{form}:41:15: findings.9.approved: approved (130) cannot exceed applications (129)",
        "2 problems found; nothing was written.",
    ]
    assert not out.exists()


def test_a_form_cannot_change_the_notes_to_editors(forces_copy: Path, tmp_path: Path) -> None:
    form = forces_copy / "bedfordshire.yaml"
    form.write_text(form.read_text(encoding="utf-8") + "notes_to_editors:\n  - Something else.\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(form), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{form}:56:1: notes_to_editors: unknown field;" in result.stderr


def test_missing_form_file_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope.yaml'}: no such file or folder\n"


def test_form_without_a_campaign_says_where_to_put_one(tmp_path: Path) -> None:
    form = tmp_path / "lonely" / "kent.yaml"
    form.parent.mkdir()
    form.write_text((FORCES / "thames-valley.yaml").read_text(encoding="utf-8").replace("thames-valley", "kent"))
    result = runner.invoke(app, ["build", str(form)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{form.parent / 'campaign.yaml'}: campaign file not found; put campaign.yaml beside the forms, "
        "or name one with --campaign",
        "1 problem found; nothing was written.",
    ]


def test_failed_build_keeps_the_previous_good_output(forces_copy: Path, tmp_path: Path) -> None:
    form = forces_copy / "thames-valley.yaml"
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(form), "-f", "md", "-o", str(out)]).exit_code == 0
    good = (out / "thames-valley" / f"{STEM}.md").read_bytes()
    form.write_text(form.read_text(encoding="utf-8").replace("cases: 7", "cases: -7"), encoding="utf-8")
    assert runner.invoke(app, ["build", str(form), "-f", "md", "-o", str(out)]).exit_code == 1
    assert (out / "thames-valley" / f"{STEM}.md").read_bytes() == good


def test_forces_lists_all_44() -> None:
    result = runner.invoke(app, ["forces"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 44
    assert any(line.split()[0] == "british-transport-police" and "(BTP)" in line for line in lines)


def test_forces_json() -> None:
    result = runner.invoke(app, ["forces", "--json"])
    assert result.exit_code == 0
    forces = json.loads(result.stdout)
    assert len(forces) == 44
    assert {
        "slug": "thames-valley",
        "name": "Thames Valley Police",
        "short_name": None,
        "country": "England",
        "bilingual": False,
        "welsh_name": None,
    } in forces
    gwent = {"slug": "gwent", "name": "Gwent Police", "short_name": None, "country": "Wales"}
    assert {**gwent, "bilingual": True, "welsh_name": "Heddlu Gwent"} in forces


def test_python_dash_m_in_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [sys.executable, "-m", "authoring", "build", str(FORCES / "thames-valley.yaml"), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert len(ok.stdout.splitlines()) == 4
    bad = subprocess.run(
        [sys.executable, "-m", "authoring", "build", str(tmp_path / "missing.yaml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == f"Error: {tmp_path / 'missing.yaml'}: no such file or folder\n"


def test_the_command_leaves_quickly_yet_flushes_everything_and_cleans_up(tmp_path: Path) -> None:
    """``authoring`` skips tearing the interpreter down, not the exit handlers or the output (authoring.cli.app.run)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temporary)}
    many = [str(FORCES / f"{force}.yaml") for force in ("thames-valley", "bedfordshire", "british-transport-police")]
    built = subprocess.run(
        [sys.executable, "-m", "authoring", "build", *many, "-f", "pdf,md", "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert len(built.stdout.splitlines()) == 6  # every path printed, none lost in a buffer
    assert list(temporary.iterdir()) == []  # WeasyPrint's folder of font files, removed by its exit handler
    piped = subprocess.run(
        [sys.executable, "-m", "authoring", "forces", "--json"], capture_output=True, env=env, check=False
    )
    assert piped.returncode == 0
    assert len(json.loads(piped.stdout)) == 44  # a long output, whole
    missing = str(tmp_path / "missing.yaml")
    wrong = subprocess.run([sys.executable, "-m", "authoring", "validate", missing], capture_output=True, env=env)
    assert wrong.returncode == 2
    assert wrong.stderr == f"Error: {missing}: no such file or folder\n".encode()


def test_an_unwritable_output_folder_is_reported_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")
    result = runner.invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "-f", "md", "-o", str(blocker)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot use {blocker} as the output folder: it is a file, not a folder\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_templates_mistake_is_reported_at_its_line_in_words(tmp_path: Path) -> None:
    """A designer's slip in a template names the template and the line, not Python's names for things."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "html" / "release.html.j2"
    source = page.read_text(encoding="utf-8")
    line = source[: source.index("<main>")].count("\n") + 1
    form = str(FORCES / "thames-valley.yaml")
    out = str(tmp_path / "out")

    page.write_text(source.replace("<main>", "<main>{{ release.nosuch }}", 1), encoding="utf-8")
    missing = runner.invoke(app, ["build", form, "-f", "html", "--templates", str(templates), "--out", out])
    page.write_text(source.replace("<main>", "<main>{% if %}", 1), encoding="utf-8")
    broken = runner.invoke(app, ["build", form, "-f", "html", "--templates", str(templates), "--out", out])

    assert (missing.exit_code, missing.stderr) == (
        1,
        f"Error: template html/release.html.j2, line {line}: release has nothing called 'nosuch'\n",
    )
    assert (broken.exit_code, broken.stderr) == (
        1,
        f"Error: template html/release.html.j2, line {line}: Expected an expression, got 'end of statement block'\n",
    )
    assert not (tmp_path / "out").exists()
