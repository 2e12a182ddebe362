"""How ``authoring batch`` shows its progress and its summary (part of the CLI, not the library).

On a terminal: a progress bar (rich) on stderr. Otherwise, as in CI logs: one plain line
per release. Either way, each release built is a line on stdout saying why it was rebuilt
("form changed"; on a terminal, once the bar is done), and each failure a line on stderr.
Then every problem, on stderr; a summary table, the files removed and where the files
are, on stdout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from authoring.build.batch import BatchObserver, BatchReport, BuildStatus, Outcome, Plan
from authoring.build.national import FORMS_FAILED
from authoring.exceptions import Problem, one_line


def progress_bar(console: Console, description: str, *, auto_refresh: bool = True) -> tuple[Progress, TaskID]:
    """The house progress bar (what, bar, done of total, time) and its one task, not started yet.

    It disappears when stopped. ``auto_refresh=False`` redraws only on updates (no timer thread).
    """
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=auto_refresh,
    )
    return progress, progress.add_task(description, total=None, start=False)


@contextmanager
def batch_observer(stdout: Console, stderr: Console) -> Iterator[BatchObserver]:
    """A progress bar on stderr if it is a terminal, else plain lines on stdout."""
    if not stderr.is_terminal:
        yield PlainLines(stdout, stderr)
        return
    bar = ProgressBar(stderr)
    try:
        yield bar
    finally:
        bar.progress.stop()
        for line in bar.built:  # once the bar is gone, so the lines stay whole
            stdout.print(line, markup=False, soft_wrap=True)


class PlainLines:
    """One line per event, for logs and pipes."""

    def __init__(self, console: Console, errors: Console) -> None:
        self.console = console
        self.errors = errors
        self.done = 0
        self.total = 0

    def planned(self, plan: Plan, workers: int) -> None:
        self.total = len(plan.jobs)
        self.console.print(_plan_line(plan, workers), highlight=False, soft_wrap=True)

    def finished(self, outcome: Outcome) -> None:
        self.done += 1
        console = self.errors if outcome.status is BuildStatus.FAILED else self.console
        console.print(f"[{self.done}/{self.total}] {_outcome_line(outcome)}", markup=False, soft_wrap=True)


class ProgressBar:
    """A live progress bar on a terminal; stop ``progress`` when done.

    It redraws on each event rather than from a timer thread: the batch forks its
    workers after this starts, and forking a process that runs threads is unsafe.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.built: list[str] = []
        """A line per release built, shown (on stdout) when the bar is done."""
        self.progress, self.task = progress_bar(console, "Rendering", auto_refresh=False)

    def planned(self, plan: Plan, workers: int) -> None:
        self.console.print(_plan_line(plan, workers), highlight=False, soft_wrap=True)
        if plan.jobs:
            self.progress.update(self.task, total=len(plan.jobs))
            self.progress.start_task(self.task)
            self.progress.start()
            self.progress.refresh()

    def finished(self, outcome: Outcome) -> None:
        if outcome.status is BuildStatus.FAILED:
            self.progress.console.print(_outcome_line(outcome), markup=False, soft_wrap=True)
        else:
            self.built.append(_outcome_line(outcome))
        self.progress.update(
            self.task, advance=1, description=one_line(outcome.force or outcome.form.name), refresh=True
        )


def batch_problems(report: BatchReport) -> list[Problem]:
    """Every problem of every failed form, each once (a bad campaign fails all its forms), sorted."""
    unique = {problem for outcome in report.of(BuildStatus.FAILED) for problem in outcome.problems}
    return sorted(unique, key=lambda p: (str(p.path), p.line or 0, p.column or 0, p.field, p.message))


def batch_summary(report: BatchReport, console: Console, errors: Console) -> None:
    """The closing table (built, unchanged, failed, time), where the files are, what was removed.

    The list of failed forms goes to ``errors``.
    """
    table = Table(title=None, show_edge=False, pad_edge=False)
    for heading in ("built", "unchanged", "failed", "time"):
        table.add_column(heading, justify="right")
    table.add_row(
        str(len(report.of(BuildStatus.BUILT))),
        str(len(report.of(BuildStatus.UNCHANGED))),
        str(len(report.of(BuildStatus.FAILED))),
        f"{report.seconds:.2f} s",
    )
    console.print(table)
    for path in report.removed:
        console.print(f"Removed (no release produces it any more): {one_line(str(path))}", markup=False, soft_wrap=True)
    for path in report.kept:
        console.print(
            f"Kept (changed since it was written, so not removed): {one_line(str(path))}", markup=False, soft_wrap=True
        )
    for national in report.national:  # docs/national.md
        if national.problems and national.reason == FORMS_FAILED:  # the forms' problems are reported already
            line = f"National release of {one_line(national.round)}: {one_line(national.problems[0].message)}"
            console.print(line, markup=False, soft_wrap=True)
        elif national.problems:
            for problem in national.problems:
                line = f"National release of {one_line(national.round)} failed: {problem}"
                errors.print(line, markup=False, soft_wrap=True)
        else:
            counted = f"{national.forces} force{'' if national.forces == 1 else 's'} counted"
            line = f"National release of {one_line(national.round)}: {national.status} ({counted})"
            console.print(line, markup=False, soft_wrap=True)
    console.print(
        f"Files are in {one_line(str(report.out_dir))}/; {one_line(str(report.manifest))} lists them.",
        markup=False,
        soft_wrap=True,
    )
    if not report.ok:
        failed = ", ".join(one_line(str(outcome.form)) for outcome in report.of(BuildStatus.FAILED))
        errors.print(f"Failed (their older files, if any, are kept): {failed}", markup=False, soft_wrap=True)


def _plan_line(plan: Plan, workers: int) -> str:
    line = f"{plan.total} forms: {len(plan.jobs)} to build, {len(plan.unchanged)} unchanged"
    if plan.failed:
        line += f", {len(plan.failed)} invalid"
    if plan.jobs:
        line += f" ({workers} worker{'s' if workers != 1 else ''})"
    return line


def _outcome_line(outcome: Outcome) -> str:
    if outcome.status is BuildStatus.FAILED:
        message = outcome.problems[0].message if outcome.problems else "see above"
        return one_line(f"failed {outcome.form}: {message}")
    reason = f": {outcome.reason}" if outcome.reason else ""
    return one_line(f"{outcome.status.value} {outcome.force} ({outcome.form}){reason}")
