"""The command line around the messages: help, flags, a path that meant a form, running from inside the project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from tests.conftest import FORCES

runner = CliRunner()
COMMANDS = ["build", "batch", "validate", "new", "schema", "forces"]
TV = "2012-12-11-thames-valley-police-revisiting-police-relationships"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The working folder is a project: forces/ with the campaign and the three reference forms."""
    shutil.copytree(FORCES, tmp_path / "forces")
    return tmp_path


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=["authoring", *COMMANDS])
def test_dash_h_is_help_everywhere(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], prog_name="authoring")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: authoring {' '.join(command)}".rstrip())
    assert "-h, --help  " in result.stdout


def test_flags_show_as_flags() -> None:
    help_text = runner.invoke(app, ["validate", "--help"]).stdout
    assert "<bool>" not in help_text
    assert "  --final            Before publication: every draft, and each of its TODOs," in help_text


def test_a_value_after_a_flag(project: Path) -> None:
    result = runner.invoke(app, ["validate", "--final", "true"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert (
        result.stderr
        == "Error: true: no such file or folder; flags such as --final take no value: write the flag alone\n"
    )


def test_build_a_slug_points_to_its_form(project: Path) -> None:
    result = runner.invoke(app, ["build", "thames-valley"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: thames-valley: no such file or folder; did you mean forces/thames-valley.yaml?\n"
    assert not (project / "output").exists()


def test_build_a_slug_without_a_form_points_to_new(project: Path) -> None:
    result = runner.invoke(app, ["build", "kent"])
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: kent: no such file or folder; kent has no form yet: 'authoring new kent' writes one\n"
    )


def test_validate_a_near_miss_points_to_the_form(project: Path) -> None:
    result = runner.invoke(app, ["validate", "thames-valey.yaml"])
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: thames-valey.yaml: no such file or folder; did you mean forces/thames-valley.yaml?\n"
    )


def test_validate_from_inside_forces_finds_the_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "forces")
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "All valid: 3 forms and 1 campaign checked.\n"


def test_problems_from_inside_a_subfolder_name_paths_from_there(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = project / "forces" / "thames-valley.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("grade: good-progress", "grade: good"), encoding="utf-8")
    (project / "output" / "thames-valley").mkdir(parents=True)
    monkeypatch.chdir(project / "output" / "thames-valley")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "../../forces/thames-valley.yaml:4:8: grade: expected 'good-progress', 'some-improvements' or "
        "'improvements', found 'good'",
        "1 problem in 1 file; 3 forms and 1 campaign checked.",
    ]


def test_build_from_inside_forces_writes_the_projects_output(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "forces")
    result = runner.invoke(app, ["build", "thames-valley.yaml", "-f", "md"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"../output/thames-valley/{TV}.md\n"
    assert (project / "output" / "thames-valley" / f"{TV}.md").is_file()
    assert not (project / "forces" / "output").exists()


def test_batch_from_inside_forces_reads_forces_and_writes_the_projects_output(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "forces")
    result = runner.invoke(app, ["batch", "-f", "md", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (project / "output" / "thames-valley" / f"{TV}.md").is_file()
    assert not (project / "forces" / "output").exists()


def test_new_from_inside_forces_writes_beside_the_other_forms(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "forces")
    result = runner.invoke(app, ["new", "kent"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "../forces/kent.yaml\n"
    assert (project / "forces" / "kent.yaml").is_file()


def test_outside_any_project_validate_says_where_to_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: no forces/<campaign>/campaign.yaml here or in any folder above; run authoring inside the project "
        "(the folder with forces/), or name the forms\n"
    )


def test_a_path_with_a_line_break_cannot_add_an_error_line(project: Path) -> None:
    result = runner.invoke(app, ["validate", "no\nError: forged"])
    assert result.exit_code == 2
    assert result.stderr == "Error: no\\nError: forged: no such file or folder\n"


def test_a_misspelt_form_path_points_to_the_form(project: Path) -> None:
    result = runner.invoke(app, ["build", "forces/thames-vally.yaml"])
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: forces/thames-vally.yaml: no such file or folder; did you mean forces/thames-valley.yaml?\n"
    )


def test_a_form_path_for_a_force_without_a_form_points_to_new(project: Path) -> None:
    result = runner.invoke(app, ["validate", "forces/kent.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: forces/kent.yaml: no such file or folder; kent has no form yet: 'authoring new kent' writes one\n"
    )
