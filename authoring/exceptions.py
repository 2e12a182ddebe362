"""The toolkit's exceptions: one base class, one subclass per kind of failure.

Library code raises these; only the CLI prints them and turns them into exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can.

    ``str(problem)`` is the line a user sees: ``path:line:col: field.path: message``.
    """

    path: Path
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class AuthoringError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class InvalidInputError(AuthoringError):
    """Raised when one or more input files (forms, campaign) are invalid.

    Carries every problem found, so that a user can fix them all in one go.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.column or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(AuthoringError):
    """Raised when a command is pointed at something it cannot use.

    For example: a path that does not exist, a folder without forms, an unknown force, or
    a file it must not overwrite. The CLI exits with status 2.
    """


class TemplateProblemError(AuthoringError):
    """Raised when a template is missing, malformed, or asks for a value the context lacks."""


class RenderError(AuthoringError):
    """Raised when an output format cannot be produced from a valid release."""


class ForbiddenResourceError(RenderError):
    """Raised when a template or stylesheet asks WeasyPrint for anything but the project's own assets."""


class UnprintableCharacterError(RenderError):
    """Raised when a release's text has a character the house font cannot print in the PDF."""


class OutputLockedError(AuthoringError):
    """Raised when another batch is already writing to the same output folder."""


class OutputWriteError(AuthoringError):
    """Raised when the output folder cannot be written (a full disk, missing permissions)."""
