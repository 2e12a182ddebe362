"""`authoring batch` is safe: a failed write keeps the older files, two batches never interleave,
and a batch with nothing to do stays light (no worker, no WeasyPrint)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from authoring.lock import LOCK_FILE
from tests.batch_helpers import OUT, STEMS, batch, edit, files, manifest, release_files, statuses, summary_row


def test_a_write_failing_half_way_keeps_the_previous_files(forces_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert batch().exit_code == 0
    older = release_files("bedfordshire")
    edit(forces_copy / "bedfordshire.yaml", "applications: 54", "applications: 56")
    calls = []
    real_fsync = os.fsync

    def disk_full_on_second_file(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the release's first file is staged; its second does not fit
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr("authoring.output.os.fsync", disk_full_on_second_file)

    result = batch("--jobs", "1")

    assert result.exit_code == 1
    problem = (
        "forces/bedfordshire.yaml: cannot write to output/bedfordshire: No space left on device; "
        "its previous files are unchanged"
    )
    assert result.stderr.splitlines() == [
        f"[1/1] failed {problem}",
        problem,
        "Failed (their older files, if any, are kept): forces/bedfordshire.yaml",
    ]
    assert summary_row(result)[:3] == ["0", "2", "1"]
    assert release_files("bedfordshire") == older
    assert sorted(path.name for path in (OUT / "bedfordshire").iterdir()) == sorted(
        f"{STEMS['bedfordshire']}.{ext}" for ext in ("docx", "html", "md", "pdf")
    ), "no temporary file is left behind"
    assert statuses()["bedfordshire"] == "failed"

    monkeypatch.setattr("authoring.output.os.fsync", real_fsync)
    retry = batch()
    assert summary_row(retry)[:3] == ["1", "2", "0"]
    assert "56 applications" in release_files("bedfordshire")["md"].decode()


_HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from authoring.lock import output_lock
    with output_lock(Path(sys.argv[1])):
        print("holding", flush=True)
        time.sleep(120)
    """
)


@pytest.mark.usefixtures("forces_copy")
def test_a_second_batch_on_the_same_output_is_refused(tmp_path: Path) -> None:
    assert batch().exit_code == 0
    before = files()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(OUT)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "holding\n"

        result = batch("--force")

        assert result.exit_code == 1
        assert result.stderr == (
            "OutputLockedError: another batch is writing to output (it holds output/.lock); "
            "wait for it to finish, then run again\n"
        )
        assert files() == before
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: the kernel drops the lock with the process
        holder.wait()

    assert (OUT / LOCK_FILE).exists()
    after_crash = batch("--force")
    assert after_crash.exit_code == 0
    assert summary_row(after_crash)[:3] == ["3", "0", "0"]


@pytest.mark.usefixtures("forces_copy")
def test_other_output_folders_are_not_locked() -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, "elsewhere"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "holding\n"
        assert batch().exit_code == 0
    finally:
        holder.kill()
        holder.wait()


_NO_OP = textwrap.dedent(
    """
    import sys
    from authoring.cli import app
    try:
        app(["batch"], prog_name="authoring")
    except SystemExit as exit:
        code = exit.code
    print("exit", code, "weasyprint", "weasyprint" in sys.modules, "docxtpl", "docxtpl" in sys.modules)
    """
)


@pytest.mark.usefixtures("forces_copy")
def test_a_no_op_batch_does_not_import_weasyprint() -> None:
    assert batch().exit_code == 0

    run = subprocess.run([sys.executable, "-c", _NO_OP], capture_output=True, text=True, check=True)

    assert run.stdout.splitlines()[0] == "3 forms: 0 to build, 3 unchanged"
    assert run.stdout.splitlines()[-1] == "exit 0 weasyprint False docxtpl False"
    assert statuses() == dict.fromkeys(STEMS, "unchanged")
    assert manifest()["releases"]["forces/thames-valley.yaml"]["status"] == "unchanged"
