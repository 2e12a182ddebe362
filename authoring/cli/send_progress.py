"""How ``authoring send`` and ``authoring pack`` show their work (part of the CLI, not the library).

On a terminal: a progress bar (rich) while sending. Otherwise, as in logs: one plain line
per message. Then what was held back and why, and a summary: sent, skipped, failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table

from authoring.cli.progress import progress_bar
from authoring.mail.message import message_subject
from authoring.mail.send import Dispatch, Prepared, Result, SendObserver, SendReport


@contextmanager
def send_observer(stdout: Console, stderr: Console) -> Iterator[SendObserver]:
    """A progress bar on stderr if it is a terminal, else plain lines on stdout."""
    if not stderr.is_terminal:
        yield PlainLines(stdout)
        return
    bar = ProgressBar(stderr)
    try:
        yield bar
    finally:
        bar.progress.stop()


class PlainLines:
    """One line per message, for logs and pipes."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.done_count = 0
        self.total = 0

    def planned(self, total: int) -> None:
        self.total = total

    def done(self, dispatch: Dispatch) -> None:
        self.done_count += 1
        self.console.print(
            f"[{self.done_count}/{self.total}] {dispatch_line(dispatch)}", markup=False, highlight=False, soft_wrap=True
        )


class ProgressBar:
    """A live progress bar on a terminal; failures are printed above it as they happen."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress, self.task = progress_bar(console, "Sending")

    def planned(self, total: int) -> None:
        if total:
            self.progress.update(self.task, total=total)
            self.progress.start_task(self.task)
            self.progress.start()

    def done(self, dispatch: Dispatch) -> None:
        if dispatch.result in (Result.FAILED, Result.UNCERTAIN):
            self.progress.console.print(dispatch_line(dispatch), markup=False, highlight=False, soft_wrap=True)
        self.progress.update(self.task, advance=1, description=dispatch.package.force)


def dispatch_line(dispatch: Dispatch) -> str:
    """'sent <file> to <recipient>' (each file the message carries), or why not; in a dry run, with the subject."""
    what = f"{dispatch.package.names} to {dispatch.recipient}"
    correction = " (correction)" if dispatch.correction else ""
    if dispatch.result is Result.FAILED:
        if dispatch.attempts == 0:
            return f"failed: {what}: {dispatch.reason}"
        times = "once" if dispatch.attempts == 1 else f"{dispatch.attempts} times"
        return f"failed: {what}: {dispatch.reason} (tried {times})"
    if dispatch.result is Result.CHANGED:
        return f"not sent: {what}: {dispatch.reason}"
    if dispatch.result is Result.UNCERTAIN:
        return f"may have been delivered: {what}: {dispatch.reason}"
    if dispatch.result is Result.WOULD_SEND:
        title = message_subject(dispatch.package.contents, correction=dispatch.correction)
        return f"would send: {what}{correction}, subject: {title}"
    return f"{dispatch.result.value}: {what}{correction}"


def failure_lines(report: SendReport) -> list[str]:
    """What did not go, one line per recipient; a message the server refused as such, once for all its recipients."""
    lines: list[str] = []
    whole: dict[tuple[str, bool], list[Dispatch]] = {}
    for dispatch in report.of(Result.CHANGED, Result.UNCERTAIN, Result.FAILED):
        if dispatch.whole_message:
            whole.setdefault((str(dispatch.package.form), dispatch.correction), []).append(dispatch)
        else:
            lines.append(dispatch_line(dispatch))
    for group in whole.values():
        first = group[0]
        count = "its recipient" if len(group) == 1 else f"all {len(group)} of its recipients"
        lines.append(f"failed: {first.package.names}, to {count}: {first.reason}")
    return lines


def held_back(prepared: Prepared, *, verb: str = "sent") -> list[str]:
    """The releases that do not go, and why (drafts, releases that changed meanwhile, lists with gaps)."""
    lines = [f"not {verb}, still a draft: {form}" for form in prepared.drafts]
    lines += [str(problem) for problem in prepared.problems]
    return lines


def send_summary(report: SendReport, console: Console, *, dry_run: bool) -> None:
    """The closing table: sent (or to send), skipped, failed, drafts, time."""
    table = Table(title=None, show_edge=False, pad_edge=False)
    headings = ["to send" if dry_run else "sent", "skipped", "failed", "drafts", "time"]
    uncertain = report.of(Result.UNCERTAIN)
    if uncertain:
        headings.insert(3, "uncertain")
    for heading in headings:
        table.add_column(heading, justify="right")
    sent = report.of(Result.WOULD_SEND if dry_run else Result.SENT)
    skipped = report.of(Result.ALREADY_SENT, Result.CHANGED)
    cells = [str(len(sent)), str(len(skipped)), str(len(report.of(Result.FAILED)))]
    if uncertain:
        cells.append(str(len(uncertain)))
    table.add_row(*cells, str(len(report.prepared.drafts)), f"{report.seconds:.2f} s")
    console.print(table)
    if dry_run:
        console.print("Dry run: nothing was sent.", markup=False)
