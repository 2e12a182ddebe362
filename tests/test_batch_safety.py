"""`authoring batch` is safe: a failed write keeps the older files, a release's files change together
(even when the batch is killed), two batches never interleave, workers end with their batch, an edit
during a batch is never lost, stale files go (only the toolkit's own), and a batch with nothing to do
stays light (no worker, no WeasyPrint)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from random import Random

import pytest
from typer.testing import Result

import authoring.inputs.validate
from authoring.files.lock import LOCK_FILE
from authoring.inputs.yamlsource import SourceDocument
from authoring.model.campaign import Campaign, Vocabulary
from authoring.model.form import ReleaseForm
from tests.batch_helpers import OUT, STEMS, batch, edit, files, manifest, release_files, statuses, summary_row
from tests.conftest import ROOT


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

    monkeypatch.setattr("authoring.files.write.os.fsync", disk_full_on_second_file)

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

    monkeypatch.setattr("authoring.files.write.os.fsync", real_fsync)
    retry = batch()
    assert summary_row(retry)[:3] == ["1", "2", "0"]
    assert "56 applications" in release_files("bedfordshire")["md"].decode()


_HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from authoring.files.lock import output_lock
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
            "Error: another batch is writing to output (it holds output/.lock); wait for it to finish, then run again\n"
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
    from authoring.cli.app import app
    try:
        app(["batch", *sys.argv[1:]], prog_name="authoring")
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


@pytest.mark.usefixtures("forces_copy")
def test_a_pdf_only_batch_warms_up_weasyprint_and_never_loads_docxtpl() -> None:
    """The warm-up before the workers fork loads what the formats made need, and nothing else."""
    run = subprocess.run([sys.executable, "-c", _NO_OP, "-f", "pdf", "-j", "1"], capture_output=True, text=True)

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "3 forms: 3 to build, 0 unchanged (1 worker)"
    assert run.stdout.splitlines()[-1] == "exit 0 weasyprint True docxtpl False"


# Issue 8.3: each input is read once; what is hashed is what was validated and rendered.


def test_a_save_during_a_batch_is_built_by_the_next_batch(forces_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert batch("-f", "md").exit_code == 0
    form = forces_copy / "bedfordshire.yaml"
    edit(form, "applications: 54", "applications: 55")
    real_validate_form = authoring.inputs.validate.validate_form
    saved = []

    def save_while_validating(
        document: SourceDocument, campaign: Campaign | None, words: Vocabulary | None
    ) -> ReleaseForm:
        if document.path.name == form.name and not saved:  # saved again, just after the batch read it
            edit(form, "applications: 55", "applications: 56")
            saved.append(True)
        return real_validate_form(document, campaign, words)

    with monkeypatch.context() as patch:
        patch.setattr("authoring.inputs.validate.validate_form", save_while_validating)
        during = batch("-f", "md")

    assert during.exit_code == 0, during.output
    assert saved, "the form was saved while the batch validated it"
    assert "55 applications" in (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.md").read_text(encoding="utf-8")
    after = batch("-f", "md")
    assert "[1/1] built bedfordshire (forces/bedfordshire.yaml): form changed" in after.stdout.splitlines()
    assert "56 applications" in (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.md").read_text(encoding="utf-8")


# Issue 8.9: workers end with their batch; SIGTERM ends a batch as Ctrl-C does.


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_batch(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "authoring", "batch", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
@pytest.mark.usefixtures("forces_copy")
def test_workers_do_not_outlive_a_killed_batch() -> None:
    parent = _start_batch("--jobs", "2")
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            time.sleep(0.02)
        # two workers, and (for a round with a summary) the national release's process (docs/national.md)
        assert len(workers) >= 2, "the batch should have started two workers"
        parent.send_signal(signal.SIGKILL)
        parent.wait()

        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers), "a worker outlived its batch"
    finally:
        parent.kill()
        parent.wait()


@pytest.mark.usefixtures("forces_copy")
def test_sigterm_writes_the_manifest_of_what_was_finished() -> None:
    run = _start_batch("--jobs", "1")
    assert run.stdout is not None
    lines = [run.stdout.readline(), run.stdout.readline()]
    assert lines[1].startswith("[1/3] built "), lines
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)

    assert run.returncode == 143
    assert (
        err.splitlines()[-1] == "Interrupted: the releases written so far are complete and kept; run again to finish."
    )
    built = statuses()
    assert "built" in built.values()
    for entry in manifest()["releases"].values():
        for record in entry["files"].values():
            assert hashlib.sha256((OUT / record["path"]).read_bytes()).hexdigest() == record["sha256"]
    assert not [path for path in OUT.iterdir() if ".new-" in path.name or ".old-" in path.name]


# Issue 8.11: a release's files change together.


def test_a_failed_swap_keeps_the_whole_older_set(forces_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert batch().exit_code == 0
    older = release_files("bedfordshire")
    edit(forces_copy / "bedfordshire.yaml", "applications: 54", "applications: 56")

    def fails(first: Path, second: Path) -> None:  # fault injection: the moment the new set would go in
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr("authoring.files.write._exchange", fails)
    result = batch("--jobs", "1")

    assert result.exit_code == 1
    assert (
        "forces/bedfordshire.yaml: cannot write to output/bedfordshire: Input/output error; "
        "its previous files are unchanged"
    ) in result.stderr.splitlines()
    assert release_files("bedfordshire") == older
    assert sorted(path.name for path in OUT.iterdir()) == sorted([".lock", *STEMS, "manifest.json", "national"])


def _generation(slug: str, ext: str) -> str:
    text = (OUT / slug / f"{STEMS[slug]}.{ext}").read_text(encoding="utf-8")
    found = re.findall(r"GENERATION-(\d+)", text)
    assert len(set(found)) == 1, f"{slug}.{ext}: {found}"
    return found[0]


def test_a_batch_killed_at_any_moment_leaves_each_release_whole(forces_copy: Path) -> None:
    originals = {path: path.read_text(encoding="utf-8") for path in forces_copy.glob("*.yaml")}

    def mark(generation: int) -> None:
        for path, text in originals.items():
            if path.name != "campaign.yaml":
                path.write_text(text.replace("findings:\n", f"findings:\n  - GENERATION-{generation}.\n", 1))

    mark(0)
    assert batch("-f", "md,html").exit_code == 0
    random = Random(8_11)
    for generation in range(1, 9):
        mark(generation)
        run = _start_batch("-f", "md,html", "--jobs", "2")
        time.sleep(random.uniform(0.2, 2.0))
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=30)  # its workers end with it, and close its output
        for slug in STEMS:  # both formats of a release come from the same batch, old or new
            assert _generation(slug, "md") == _generation(slug, "html")

    mark(99)
    final = batch("-f", "md,html")
    assert final.exit_code == 0, final.output
    assert {_generation(slug, "md") for slug in STEMS} == {"99"}
    assert not [path for path in OUT.iterdir() if ".new-" in path.name or ".old-" in path.name]


def test_leftovers_of_a_crash_are_tidied_and_an_aside_folder_put_back(forces_copy: Path) -> None:
    assert batch("-f", "md").exit_code == 0
    shutil.copytree(OUT / "thames-valley", OUT / ".thames-valley.new-crash1")  # staged, never swapped in
    (OUT / "bedfordshire").rename(OUT / ".bedfordshire.old-crash2")  # renamed aside, new one never renamed in
    expected = {path.name: path.read_bytes() for path in (OUT / ".bedfordshire.old-crash2").iterdir()}
    assert expected

    result = batch("-f", "md")

    assert result.exit_code == 0, result.output
    assert summary_row(result)[:3] == ["0", "3", "0"]
    assert {path.name: path.read_bytes() for path in (OUT / "bedfordshire").iterdir()} == expected
    assert sorted(path.name for path in OUT.iterdir()) == sorted([".lock", *STEMS, "manifest.json", "national"])


# Issue 10.6: stale files are removed, but only files the toolkit wrote and nobody changed since.


def test_files_no_release_produces_any_more_are_removed_and_listed(forces_copy: Path) -> None:
    assert batch("-f", "md,html").exit_code == 0
    (OUT / "thames-valley" / "notes.txt").write_text("the press officer's own file\n")
    edited = OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited by hand.\n", encoding="utf-8")
    edit(forces_copy / "campaign.yaml", "release_date: 2012-12-11", "release_date: 2012-12-12")

    result = batch("-f", "md,html")

    assert result.exit_code == 0, result.output
    old = {slug: f"{slug}/{stem}" for slug, stem in STEMS.items()}
    removed = sorted(f"{old[slug]}.{ext}" for slug in STEMS for ext in ("md", "html"))
    removed.remove(f"{old['bedfordshire']}.md")
    listed = [line for line in result.stdout.splitlines() if line.startswith(("Removed", "Kept"))]
    assert listed == [
        *(f"Removed (no release produces it any more): output/{path}" for path in removed),
        f"Kept (changed since it was written, so not removed): output/{old['bedfordshire']}.md",
    ]
    assert manifest()["removed"] == removed
    assert manifest()["kept"] == [f"{old['bedfordshire']}.md"]
    assert edited.read_text(encoding="utf-8").endswith("Edited by hand.\n")
    assert (OUT / "thames-valley" / "notes.txt").read_text() == "the press officer's own file\n"
    assert sorted(path.name for path in (OUT / "british-transport-police").iterdir()) == [
        "2012-12-12-british-transport-police-revisiting-police-relationships.html",
        "2012-12-12-british-transport-police-revisiting-police-relationships.md",
    ]

    again = batch("-f", "md,html")
    assert "3 forms: 0 to build, 3 unchanged" in again.stdout.splitlines()
    assert (manifest()["removed"], manifest()["kept"]) == ([], [])


def test_a_removed_form_takes_its_files_with_it(forces_copy: Path) -> None:
    assert batch("-f", "md").exit_code == 0
    (forces_copy / "bedfordshire.yaml").unlink()

    result = batch("-f", "md")

    assert result.exit_code == 0, result.output
    assert f"Removed (no release produces it any more): output/bedfordshire/{STEMS['bedfordshire']}.md" in (
        result.stdout.splitlines()
    )
    assert not (OUT / "bedfordshire").exists()
    assert "forces/bedfordshire.yaml" not in manifest()["releases"]
    assert sorted(path.name for path in OUT.iterdir()) == [
        ".lock",
        "british-transport-police",
        "manifest.json",
        "national",  # the round's national release (docs/national.md)
        "thames-valley",
    ]


# Issue 10.8 (part): where the files went, and why each release was rebuilt.


def test_the_batch_says_why_each_release_was_rebuilt_and_where_the_files_are(forces_copy: Path) -> None:
    first = batch("-f", "md")
    assert "Files are in output/; output/manifest.json lists them." in first.stdout.splitlines()
    assert first.stderr == ""

    edit(forces_copy / "bedfordshire.yaml", "applications: 54", "applications: 55")
    (OUT / "thames-valley" / f"{STEMS['thames-valley']}.md").unlink()
    changed = batch("-f", "md", "--jobs", "1")
    edit(forces_copy / "campaign.yaml", "phone: 0203 513 0600", "phone: 0203 513 0601")
    campaign = batch("-f", "md", "--jobs", "1")
    widened = batch("-f", "md,html", "--jobs", "1")

    def built(result: Result) -> list[str]:
        return sorted(line.split("] ", 1)[1] for line in result.stdout.splitlines() if line.startswith("["))

    assert built(changed) == [
        "built bedfordshire (forces/bedfordshire.yaml): form changed",
        "built thames-valley (forces/thames-valley.yaml): file missing or edited",
    ]
    assert built(campaign) == [f"built {slug} (forces/{slug}.yaml): campaign changed" for slug in sorted(STEMS)]
    assert built(widened) == [f"built {slug} (forces/{slug}.yaml): format added" for slug in sorted(STEMS)]


def test_an_edited_manifest_cannot_make_a_batch_delete_other_files(forces_copy: Path, tmp_path: Path) -> None:
    assert batch("-f", "md").exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("not the toolkit's\n")
    data = manifest()
    entry = data["releases"]["forces/bedfordshire.yaml"]
    record = entry["files"]["md"]
    entry["files"]["md"] = {
        **record,
        "path": "../victim.txt",
        "size": 18,
        "sha256": hashlib.sha256(b"not the toolkit's\n").hexdigest(),
    }
    (OUT / "manifest.json").write_text(json.dumps(data))
    (forces_copy / "bedfordshire.yaml").unlink()

    result = batch("-f", "md")

    assert result.exit_code == 0, result.output
    assert victim.read_text() == "not the toolkit's\n"
    assert "victim" not in result.output


def test_without_an_atomic_exchange_the_set_is_still_swapped_whole(
    forces_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where renameat2 is missing (not Linux, another file system), the folder is renamed aside, then in."""
    assert batch("-f", "md,html").exit_code == 0
    (OUT / "bedfordshire" / "notes.txt").write_text("kept across the swap\n")
    edit(forces_copy / "bedfordshire.yaml", "applications: 54", "applications: 56")

    def unsupported(first: Path, second: Path) -> None:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr("authoring.files.write._exchange", unsupported)
    result = batch("-f", "md,html")

    assert result.exit_code == 0, result.output
    new = release_files_of("bedfordshire", ("md", "html"))
    assert all("56 applications" in text for text in new.values())
    assert (OUT / "bedfordshire" / "notes.txt").read_text() == "kept across the swap\n"
    assert sorted(path.name for path in OUT.iterdir()) == sorted([".lock", *STEMS, "manifest.json", "national"])


def release_files_of(slug: str, extensions: tuple[str, ...]) -> dict[str, str]:
    return {ext: (OUT / slug / f"{STEMS[slug]}.{ext}").read_text(encoding="utf-8") for ext in extensions}
