"""Hostile files in a shared folder (issue 8, items 5, 6, 8 and 12): a named pipe, links to devices,
to secrets and round in a loop, a sparse giant, links planted where outputs are written, output
folders that cannot be used, and a corrupt manifest. Real files, real commands, no traceback."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from tests.batch_helpers import OUT, STEMS, batch, files, manifest, summary_row
from tests.conftest import FORCES, ROOT

runner = CliRunner()


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m authoring ARGS`` as its own process (so that a hang is a timeout, not a stuck suite)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "authoring", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


# Item 5: special files are refused without being read.


@pytest.mark.usefixtures("forces_copy")
def test_a_named_pipe_as_a_form_neither_hangs_validate_nor_batch() -> None:
    os.mkfifo("forces/x.yaml")
    problem = "forces/x.yaml: not a regular file (a named pipe); a form must be a plain text file"

    checked = _cli("validate", timeout=30)
    built = _cli("batch", "-f", "md", timeout=60)

    assert checked.returncode == 1
    assert checked.stderr.splitlines()[:-1] == [problem]  # problems on stderr, then their count
    assert built.returncode == 1
    assert problem in built.stderr.splitlines()
    assert sorted(path.name for path in OUT.iterdir() if path.is_dir()) == sorted(STEMS)
    assert "Traceback" not in checked.stderr + built.stderr


@pytest.mark.usefixtures("forces_copy")
def test_links_to_a_device_or_a_secret_outside_the_project_are_not_followed() -> None:
    Path("forces/zero.yaml").symlink_to("/dev/zero")
    Path("forces/shadow.yaml").symlink_to("/etc/shadow")

    result = _cli("validate", timeout=30)

    outside = "a link may only lead to a file inside the project folder — copy the file here instead"
    project = Path.cwd().resolve()
    assert result.returncode == 1
    assert result.stderr.splitlines()[:-1] == [
        f"forces/shadow.yaml: is a symbolic link to /etc/shadow, outside {project}; {outside}",
        f"forces/zero.yaml: is a symbolic link to /dev/zero, outside {project}; {outside}",
    ]
    assert "root:" not in result.stdout + result.stderr


@pytest.mark.usefixtures("forces_copy")
def test_a_link_inside_the_project_is_followed_but_only_to_a_regular_file() -> None:
    Path("shared").mkdir()
    shutil.move("forces/bedfordshire.yaml", "shared/bedfordshire.yaml")
    Path("forces/bedfordshire.yaml").symlink_to("../shared/bedfordshire.yaml")
    os.mkfifo("shared/pipe")
    Path("forces/piped.yaml").symlink_to("../shared/pipe")

    result = _cli("validate", timeout=30)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "forces/piped.yaml: not a regular file (a named pipe); a form must be a plain text file",
        "1 problem in 1 file; 4 forms and 1 campaign checked.",
    ]


@pytest.mark.usefixtures("forces_copy")
def test_a_link_loop_is_a_problem_not_a_traceback() -> None:
    Path("forces/a.yaml").symlink_to("b.yaml")
    Path("forces/b.yaml").symlink_to("a.yaml")

    checked = _cli("validate", timeout=30)
    built = _cli("batch", "-f", "md", timeout=60)

    loop = "cannot read file: it is a symbolic link that leads round in a loop"
    assert checked.returncode == 1
    assert checked.stderr.splitlines()[:-1] == [f"forces/a.yaml: {loop}", f"forces/b.yaml: {loop}"]
    assert built.returncode == 1
    assert f"forces/a.yaml: {loop}" in built.stderr.splitlines()
    assert "Traceback" not in checked.stderr + built.stderr


@pytest.mark.usefixtures("forces_copy")
def test_a_sparse_two_gigabyte_form_is_refused_before_it_is_read() -> None:
    with Path("forces/huge.yaml").open("wb") as huge:
        huge.truncate(2 * 1024**3)
    # The peak of the validating process alone. A process forked from this one (a large test
    # session) starts with this one's high-water mark, so it is started by a small process
    # of its own, which reports its peak (os.wait4).
    probe = (
        "import os, sys\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.execv(sys.executable, [sys.executable, '-m', 'authoring', 'validate', 'forces/huge.yaml'])\n"
        "_, status, usage = os.wait4(pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=30, check=False
    )
    code, peak_kib = (int(part) for part in done.stdout.split())

    assert code == 1
    refused = "forces/huge.yaml: file is 2,147,483,648 bytes; a form may be at most 262,144 bytes"
    assert done.stderr.splitlines()[0] == refused
    assert peak_kib < 300 * 1024, "the file was read into memory"


# Item 6: never write through a link.


@pytest.mark.usefixtures("forces_copy")
def test_a_lock_file_planted_as_a_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me\n")
    OUT.mkdir()
    (OUT / ".lock").symlink_to(victim)

    result = batch("-f", "md")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot use output as the output folder: output/.lock is a symbolic link "
        "(remove it; the toolkit never writes through a link)\n"
    )
    assert victim.read_text() == "do not truncate me\n"


def test_new_replaces_a_schema_link_instead_of_writing_through_it(tmp_path: Path) -> None:
    victim = tmp_path / "precious.json"
    victim.write_text("{}\n")
    forms = tmp_path / "drafts"
    forms.mkdir()
    (forms / "form.schema.json").symlink_to(victim)

    result = runner.invoke(app, ["new", "kent", "--forms", str(forms)])

    assert result.exit_code == 0, result.output
    assert victim.read_text() == "{}\n"
    schema = forms / "form.schema.json"
    assert not schema.is_symlink()
    assert schema.read_text(encoding="utf-8").startswith("{\n")


@pytest.mark.usefixtures("forces_copy")
def test_a_release_folder_planted_as_a_link_is_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    OUT.mkdir()
    (OUT / "bedfordshire").symlink_to(elsewhere)

    result = batch("-f", "md")

    assert result.exit_code == 1
    assert (
        "forces/bedfordshire.yaml: cannot write to output/bedfordshire: it is a symbolic link, "
        "and the toolkit never writes through a link; its previous files are unchanged"
    ) in result.stderr.splitlines()
    assert list(elsewhere.iterdir()) == []
    assert summary_row(result)[:3] == ["2", "0", "1"]


# Item 8: an output folder that cannot be used, and a corrupt manifest, are reported cleanly.


@pytest.mark.usefixtures("forces_copy")
@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("a-file", "it is a file, not a folder"),
        ("a-file/sub", "part of its path is a file, not a folder"),
        ("/dev/null", "it is a file, not a folder"),
        ("/sys/authoring-output", "Operation not permitted"),  # sysfs: a read-only file system, for real
        ("/sys/kernel", "Permission denied"),
    ],
)
def test_an_output_folder_that_cannot_be_used_is_reported_like_build_does(out: str, reason: str) -> None:
    Path("a-file").write_text("not a folder\n")

    result = _cli("batch", "--out", out, "-f", "md", timeout=60)

    assert result.returncode == 1
    assert result.stderr == f"Error: cannot use {out} as the output folder: {reason}\n"
    assert Path("a-file").read_text() == "not a folder\n"


@pytest.mark.usefixtures("forces_copy")
def test_a_full_disk_when_noting_the_lock_holder_is_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write

    def full(fd: int, data: bytes) -> int:  # fault injection: the process id written into the lock file
        if bytes(data) == f"{os.getpid()}\n".encode():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr("authoring.files.lock.os.write", full)

    result = batch("-f", "md")

    assert result.exit_code == 0, result.output
    assert summary_row(result)[:3] == ["3", "0", "0"]


@pytest.mark.usefixtures("forces_copy")
def test_a_corrupt_manifest_means_a_full_rebuild(tmp_path: Path) -> None:
    assert batch("-f", "md").exit_code == 0
    (OUT / "manifest.json").write_text("[" * 100_000)

    result = batch("-f", "md")

    assert result.exit_code == 0, result.output
    assert "3 forms: 3 to build, 0 unchanged (2 workers)" in result.stdout.splitlines()
    assert set(manifest()["releases"]) == {f"forces/{slug}.yaml" for slug in STEMS}


@pytest.mark.usefixtures("forces_copy")
def test_a_manifest_that_is_a_device_is_not_read() -> None:
    OUT.mkdir()
    (OUT / "manifest.json").symlink_to("/dev/zero")

    result = _cli("batch", "-f", "md", timeout=60)

    assert result.returncode == 0, result.stderr
    assert not (OUT / "manifest.json").is_symlink(), "the new manifest replaced the link, not its target"
    assert set(manifest()["releases"]) == {f"forces/{slug}.yaml" for slug in STEMS}


# Item 12 (parts): a campaign given to build, a templates folder that is not there, the umask.


def test_building_the_campaign_file_is_a_usage_error(forces_copy: Path) -> None:
    result = runner.invoke(app, ["build", "forces/campaign.yaml"])

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: forces/campaign.yaml is a campaign file, not a form; "
        "build the forms that use it, e.g. 'authoring build forces'\n"
    )
    assert not OUT.exists()


def test_the_distribution_list_given_as_a_form_is_a_usage_error(forces_copy: Path) -> None:
    (forces_copy / "distribution.yaml").write_text("recipients: []\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "forces/distribution.yaml"])

    assert result.exit_code == 2
    assert result.stderr == (
        "Error: forces/distribution.yaml is the distribution list, not a form; "
        "'authoring validate forces/distribution.yaml' checks it\n"
    )
    assert not OUT.exists()


def test_validate_checks_the_distribution_list_it_is_given(forces_copy: Path) -> None:
    (forces_copy / "distribution.yaml").write_text("recipients: []\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "forces/distribution.yaml"])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "forces/distribution.yaml:1:1: from: required field is missing",
        "forces/distribution.yaml:1:1: recipients: unknown field; check its spelling "
        "(fields are listed by 'authoring schema')",
        "2 problems in the distribution lists; the forms and campaigns are valid (0 forms and 0 campaigns checked).",
    ]
    assert not OUT.exists()


@pytest.mark.parametrize("command", ["build", "batch"])
def test_a_templates_folder_that_is_not_there_is_a_usage_error(forces_copy: Path, command: str) -> None:
    result = runner.invoke(app, [command, "forces", "-f", "md"], env={"AUTHORING_TEMPLATES": "/nonexistent"})

    assert result.exit_code == 2
    assert "/nonexistent" in result.stderr
    assert "Traceback" not in result.output
    assert not any(OUT.glob("*/*"))


@pytest.mark.usefixtures("forces_copy")
@pytest.mark.parametrize(("umask", "file_mode", "folder_mode"), [(0o077, 0o600, 0o700), (0o022, 0o644, 0o755)])
def test_output_files_respect_the_umask(umask: int, file_mode: int, folder_mode: int) -> None:
    previous = os.umask(umask)
    try:
        batched = batch("-f", "md,html")
        built = runner.invoke(app, ["build", str(FORCES / "thames-valley.yaml"), "-f", "md", "-o", "single"])
    finally:
        os.umask(previous)

    assert batched.exit_code == 0, batched.output
    assert built.exit_code == 0, built.output
    written = [*files(), "bedfordshire", "thames-valley"]
    modes = {name: stat.S_IMODE((OUT / name).stat().st_mode) for name in written}
    assert modes == {
        name: folder_mode if "/" not in name and name != "manifest.json" else file_mode for name in written
    }
    single = Path("single/thames-valley")
    assert stat.S_IMODE(single.stat().st_mode) == folder_mode
    assert {stat.S_IMODE(path.stat().st_mode) for path in single.iterdir()} == {file_mode}


@pytest.mark.usefixtures("forces_copy")
def test_an_editors_hidden_lock_link_is_not_a_form() -> None:
    Path("forces/.#thames-valley.yaml").symlink_to("press-officer@desk.4242:1700000000")  # what Emacs leaves

    result = runner.invoke(app, ["validate"])

    assert result.exit_code == 0, result.output
    assert result.stdout == "All valid: 3 forms and 1 campaign checked.\n"
