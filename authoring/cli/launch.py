"""The ``authoring`` command's first step: start the chart server for a batch that will draw, then run the CLI.

Loading the toolkit takes about 0.3 s on one core. A ``batch`` whose round declares a
summary will draw charts, and vl-convert's engine takes about 0.4 CPU-seconds to start;
started here, before anything else is loaded, it starts on a core that would otherwise
wait (:mod:`authoring.chart_engine`). Whether the batch will draw is guessed from the
command line alone, with the standard library: the campaign files of the folders named
(or of the project's ``forces/``) are looked at for a top-level ``summary:`` line. A wrong
guess costs a little time on a spare core, never a wrong release: the batch decides what
it builds from the checked campaigns, stops a server it does not need and starts vl-convert
itself when there is none. Nothing here may stop the command: any trouble, and the CLI
simply runs without a server.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

#: The options of ``batch`` that take a value (so the value is not a folder). Kept in step
#: with the command by ``tests/test_chart_server.py``.
VALUE_OPTIONS = frozenset({"--out", "-o", "--jobs", "-j", "--format", "-f", "--templates", "--pdf-engine"})
#: The same names as :data:`authoring.inputs.load.CAMPAIGN_FILE` and ``DEFAULT_FORMS_DIR`` (checked by that test).
CAMPAIGN_FILE = "campaign.yaml"
FORMS_DIR = "forces"


def run() -> None:
    """The ``authoring`` command (``python -m authoring`` too)."""
    try:
        if wants_chart_server(sys.argv[1:]):
            from authoring import chart_engine

            chart_engine.start_server()
    except Exception:  # a hint only (an unreadable folder, no file descriptor to spare): never in the command's way
        pass
    try:
        from authoring.cli.app import run as run_app
    except KeyboardInterrupt:  # Ctrl-C while the toolkit loads: nothing was done yet
        sys.stderr.write("Interrupted: nothing was done.\n")
        os._exit(128 + signal.SIGINT)
    run_app()


def wants_chart_server(args: list[str]) -> bool:
    """Whether ``args`` run a ``batch``, with a core to spare, of a campaign that looks as if it declares a summary."""
    if not args or args[0] != "batch" or _cores() < 2:
        return False
    from authoring.chart_engine import HINT_LIMIT, declares_summary

    return any(declares_summary(_head(path, HINT_LIMIT)) for path in campaign_files(_folders(args[1:])))


def campaign_files(folders: list[str]) -> list[Path]:
    """The campaign files the batch of ``folders`` would use (the project's, if none is named)."""
    if folders:
        return [path for folder in folders for path in _campaigns_in(Path(folder))]
    here = Path.cwd()
    for folder in (here, *here.parents):  # as authoring.inputs.project.find_project: the nearest forces/<campaign>/
        found = _campaigns_in(folder / FORMS_DIR)
        if found:
            return found
    return []


def _folders(args: list[str]) -> list[str]:
    """The command line's folders: its arguments, less options and their values."""
    folders: list[str] = []
    skip, options = False, True
    for arg in args:
        if skip:
            skip = False
        elif options and arg == "--":
            options = False
        elif options and arg.startswith("-"):
            skip = arg in VALUE_OPTIONS
        else:
            folders.append(arg)
    return folders


def _campaigns_in(folder: Path) -> list[Path]:
    """As :func:`authoring.inputs.project.campaign_folders`: the folder's own campaign file, else its subfolders'."""
    if (folder / CAMPAIGN_FILE).is_file():
        return [folder / CAMPAIGN_FILE]
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return []
    return [child / CAMPAIGN_FILE for child in children if (child / CAMPAIGN_FILE).is_file()]


def _head(path: Path, limit: int) -> bytes:
    """The first ``limit`` bytes of a regular file; nothing if it is anything else (a FIFO would never answer)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read(limit)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
