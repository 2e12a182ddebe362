"""The chart server: started by the ``authoring`` command for a batch that will draw, never in the way.

The end-to-end tests run the real command (``python -m authoring``) on a copy of an example
round in a process of its own, and look at the real processes in ``/proc``: the server
must end with the batch however the batch ends (done, killed, interrupted), and the
national release must be the same, byte for byte, with or without it, or after it died.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import typer.main

from authoring.cli import launch
from authoring.cli.app import app
from authoring.inputs.load import CAMPAIGN_FILE, DEFAULT_FORMS_DIR
from tests.conftest import ROOT

ROUND = "value-for-money-2013"
LINUX = sys.platform.startswith("linux")
needs_proc = pytest.mark.skipif(not LINUX, reason="processes are looked at in /proc")
#: The command without the launcher: no chart server (the batch's drawing process starts vl-convert itself).
NO_SERVER = "import sys; sys.argv[0] = 'authoring'; from authoring.cli.app import run; run()"


# --------------------------------------------------------------------------- the hint


def test_the_launcher_knows_every_option_of_batch_that_takes_a_value() -> None:
    command = typer.main.get_command(app)
    batch = command.commands["batch"]  # type: ignore[attr-defined]
    taking_values = {
        name
        for param in batch.params
        if param.param_type_name == "option" and not param.is_flag
        for name in (*param.opts, *param.secondary_opts)
    }

    assert taking_values == launch.VALUE_OPTIONS


def test_the_launcher_looks_for_the_same_files_as_the_toolkit() -> None:
    assert (CAMPAIGN_FILE, str(DEFAULT_FORMS_DIR)) == (launch.CAMPAIGN_FILE, launch.FORMS_DIR)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one round that declares a summary and one that does not; two cores to spare."""
    monkeypatch.setattr(launch, "_cores", lambda: 2)
    forces = tmp_path / "project" / "forces"
    summary = forces / "with-summary"
    plain = forces / "plain"
    summary.mkdir(parents=True)
    plain.mkdir()
    (summary / CAMPAIGN_FILE).write_text("round: a\nsummary:\n  headline: x\n", encoding="utf-8")
    (plain / CAMPAIGN_FILE).write_text("round: b\n# summary: not yet\nnotes: []\n", encoding="utf-8")
    return tmp_path / "project"


def test_a_batch_of_a_round_with_a_summary_wants_the_server(project: Path) -> None:
    forces = project / "forces"

    assert launch.wants_chart_server(["batch", str(forces / "with-summary")])
    assert launch.wants_chart_server(["batch", "-j", "2", str(forces)])  # a folder of campaigns: each is looked at
    assert launch.wants_chart_server(["batch", "--", str(forces / "with-summary")])


def test_anything_else_does_not(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forces = project / "forces"
    elsewhere = project.parent / "elsewhere"  # outside the project
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    assert not launch.wants_chart_server(["batch", str(forces / "plain")])  # a commented-out summary is none
    assert not launch.wants_chart_server(["build", str(forces / "with-summary")])
    assert not launch.wants_chart_server([])
    assert not launch.wants_chart_server(["batch", str(project / "no-such-folder")])
    # an option's value is not a folder: --out names the output, --templates the templates
    assert not launch.wants_chart_server(["batch", "--out", str(forces / "with-summary")])
    assert not launch.wants_chart_server(["batch", "--templates", str(forces / "with-summary"), str(forces / "plain")])


def test_without_folders_the_projects_rounds_are_looked_at_from_any_folder_inside(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = project / "forces" / "plain"
    monkeypatch.chdir(inside)

    assert launch.wants_chart_server(["batch"])
    assert launch.wants_chart_server(["batch", "--force", "-o", "out"])


def test_one_core_wants_no_server(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launch, "_cores", lambda: 1)

    assert not launch.wants_chart_server(["batch", str(project / "forces")])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_campaign_file_that_is_a_named_pipe_is_not_waited_for(project: Path) -> None:
    folder = project / "forces" / "fifo"
    folder.mkdir()
    os.mkfifo(folder / CAMPAIGN_FILE)
    started = time.monotonic()

    assert not launch.wants_chart_server(["batch", str(folder)])
    assert time.monotonic() - started < 5


def test_a_campaign_file_that_cannot_be_read_is_no_summary(project: Path) -> None:
    folder = project / "forces" / "locked"
    folder.mkdir()
    (folder / CAMPAIGN_FILE).mkdir()  # a folder where the file should be
    symlinked = project / "forces" / "dangling"
    symlinked.mkdir()
    (symlinked / CAMPAIGN_FILE).symlink_to(project / "nowhere.yaml")

    assert not launch.wants_chart_server(["batch", str(folder), str(symlinked)])


# --------------------------------------------------------------------------- the engine


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the server is a forked process")
def test_the_server_draws_what_vl_convert_draws_here_and_is_collected(tmp_path: Path) -> None:
    done = run_python(
        """
        import os
        from authoring import chart_engine
        spec = {"data": {"values": [{"a": "Gwent", "b": 3}, {"a": "Kent", "b": 5}]}, "mark": "bar",
                "encoding": {"y": {"field": "a", "type": "nominal"}, "x": {"field": "b", "type": "quantitative"}},
                "config": {"font": "Atkinson Hyperlegible"}}
        assert chart_engine.start_server()
        pid = chart_engine._server.pid
        served = chart_engine.svg(spec), chart_engine.png(chart_engine.svg(spec), scale=2)
        try:
            chart_engine.svg({"mark": "no-such-mark"})
        except chart_engine.ChartEngineError as error:
            print("error:", error)
        assert chart_engine.fork_safe()  # nothing drawn in this process yet
        chart_engine.stop_server()
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print("server collected")
        assert not chart_engine.server_running()
        here = chart_engine.svg(spec), chart_engine.png(chart_engine.svg(spec), scale=2)
        print("same:", served == here, len(served[1]) > 1000)
        assert not chart_engine.start_server()  # vl-convert has run here: a fork could not draw
        """,
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "server collected" in done.stdout
    assert "same: True True" in done.stdout
    assert "error: Vega-Lite to SVG conversion failed" in done.stdout  # vl-convert's own words


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the server is a forked process")
def test_a_chart_is_drawn_here_when_the_server_has_died(tmp_path: Path) -> None:
    done = run_python(
        """
        import os, signal
        from authoring import chart_engine
        assert chart_engine.start_server()
        os.kill(chart_engine._server.pid, signal.SIGKILL)
        os.waitpid(chart_engine._server.pid, 0)
        svg = chart_engine.svg({"data": {"values": [{"b": 1}]}, "mark": "bar",
                                "encoding": {"x": {"field": "b", "type": "quantitative"}}})
        print("drawn here:", svg.startswith("<svg"), chart_engine._server is None)
        """,
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "drawn here: True True" in done.stdout


@needs_proc
def test_no_process_to_spare_means_no_server_and_no_lost_descriptors(tmp_path: Path) -> None:
    """Root ignores process limits, so the fork's failure (EAGAIN) is made by hand here."""
    done = run_python(
        """
        import errno, os
        from authoring import chart_engine
        def refuse():
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        os.fork = refuse
        before = sorted(os.listdir("/proc/self/fd"))
        print("started:", chart_engine.start_server(), "same fds:", sorted(os.listdir("/proc/self/fd")) == before)
        print("drawn here:", chart_engine.svg({"data": {"values": [{"b": 1}]}, "mark": "bar",
                                "encoding": {"x": {"field": "b", "type": "quantitative"}}}).startswith("<svg"))
        """,
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "started: False same fds: True" in done.stdout
    assert "drawn here: True" in done.stdout


# --------------------------------------------------------------------------- the command


def living(marker: str) -> list[int]:
    """The live processes (not zombies) whose command line mentions ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    """``pid``'s child processes, the earliest started first."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((int(fields[19]), int(entry.name)))
    return [child for _, child in sorted(found)]


def first_child(pid: int) -> int:
    """``pid``'s first child process, as soon as it is there: the chart server, forked before anything else."""
    deadline = time.monotonic() + 30
    while not children(pid) and time.monotonic() < deadline:
        time.sleep(0.002)
    return children(pid)[0]


def wait_until_gone(marker: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while living(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return living(marker)


@pytest.fixture
def round_copy(tmp_path: Path) -> Path:
    """A copy of an example round whose campaign declares a summary, in a project of its own."""
    folder = tmp_path / "forces" / ROUND
    shutil.copytree(ROOT / "forces" / ROUND, folder)
    assert "\nsummary:" in (folder / CAMPAIGN_FILE).read_text(encoding="utf-8")
    return folder


def batch(
    *args: str, cwd: Path, python: tuple[str, ...] = ("-m", "authoring"), **options: object
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *python, "batch", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[call-overload]
    )


def national_files(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted((out / "national").rglob("*.*"))}


@needs_proc
def test_a_batch_through_the_server_makes_the_same_national_release_and_leaves_nothing_running(
    round_copy: Path, tmp_path: Path
) -> None:
    served = batch(str(round_copy), "--out", str(tmp_path / "served"), cwd=tmp_path)
    _, served_errors = served.communicate(timeout=300)
    after = wait_until_gone(str(tmp_path))
    alone = batch(str(round_copy), "--out", str(tmp_path / "alone"), cwd=tmp_path, python=("-c", NO_SERVER))
    _, alone_errors = alone.communicate(timeout=300)

    assert (served.returncode, alone.returncode) == (0, 0), served_errors + alone_errors
    assert after == []
    files = national_files(tmp_path / "served")
    assert {Path(name).suffix for name in files} >= {".pdf", ".docx", ".svg", ".html", ".md", ".csv", ".json"}
    assert files == national_files(tmp_path / "alone")


@needs_proc
def test_a_killed_batch_takes_the_server_with_it(round_copy: Path, tmp_path: Path) -> None:
    process = batch(str(round_copy), "--out", str(tmp_path / "out"), cwd=tmp_path)
    server = first_child(process.pid)
    process.kill()
    process.communicate(timeout=60)

    assert wait_until_gone(str(tmp_path)) == []
    assert server not in living(str(tmp_path))


@needs_proc
# loading the toolkit; reading the forms (the drawing process forked); warming up; forking the workers; rendering
@pytest.mark.parametrize("after", [0.05, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8, 1.0, 2.0])
def test_an_interrupted_batch_leaves_nothing_running(round_copy: Path, tmp_path: Path, after: float) -> None:
    process = batch(str(round_copy), "--out", str(tmp_path / "out"), cwd=tmp_path, start_new_session=True)
    first_child(process.pid)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C at a terminal: the whole process group
    _, errors = process.communicate(timeout=60)

    assert process.returncode in (130, 0), errors  # 0: it was quicker than the signal
    assert "Traceback" not in errors
    assert "Exception ignored" not in errors  # nor in a helper caught as it was forked (processes.signals_held)
    assert wait_until_gone(str(tmp_path)) == []


@needs_proc
def test_a_batch_whose_server_died_draws_its_charts_itself(round_copy: Path, tmp_path: Path) -> None:
    process = batch(str(round_copy), "--out", str(tmp_path / "out"), cwd=tmp_path)
    os.kill(first_child(process.pid), signal.SIGKILL)  # the first child: the server, forked before anything else
    _, errors = process.communicate(timeout=300)
    alone = batch(str(round_copy), "--out", str(tmp_path / "alone"), cwd=tmp_path, python=("-c", NO_SERVER))
    alone.communicate(timeout=300)

    assert process.returncode == 0, errors
    assert national_files(tmp_path / "out") == national_files(tmp_path / "alone")
    assert wait_until_gone(str(tmp_path)) == []


@needs_proc
@pytest.mark.parametrize("args", [("--help",), ("--format", "odt"), ("--jobs", "0")])
def test_a_batch_that_never_starts_leaves_nothing_running(
    round_copy: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    process = batch(str(round_copy), *args, cwd=tmp_path)
    _, errors = process.communicate(timeout=120)

    assert process.returncode in (0, 1, 2), errors
    assert "Traceback" not in errors
    assert wait_until_gone(str(tmp_path)) == []
