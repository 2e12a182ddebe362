"""The toolkit's exceptions: one base class, one subclass per kind of failure.

Library code raises these; only the CLI prints them and turns them into exit codes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Bidirectional embeddings, overrides and isolates (as :data:`authoring.model.types.DIRECTION_CONTROL`).
_DIRECTION = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    r"""``text`` with every control character, line or paragraph separator and direction control escaped.

    A line break becomes ``\n``, U+2028 ``\u2028``, U+202E ``\u202e``: whatever a value holds, a
    report line stays one line, in the order it is written. A byte of a file name that is not
    UTF-8 (which Python keeps as a lone surrogate) is shown as the byte, ``\xff``; the result
    can always be written out, whatever the terminal's encoding.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(character) for character in text)


def _escaped(character: str) -> str:
    category = unicodedata.category(character)
    if category not in ("Cc", "Zl", "Zp", "Cs") and not _DIRECTION.fullmatch(character):
        return character
    if character in _ESCAPES:
        return _ESCAPES[character]
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located as precisely as we can.

    ``str(problem)`` is the line a user sees: ``path:line:col: field.path: message``. Control
    characters and line separators in any part are escaped, so a value can never add a line.
    """

    path: Path
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = one_line(str(self.path))
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f"{one_line(self.field)}: " if self.field else ""
        return f"{where}: {field}{one_line(self.message)}"


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
    """Raised when a release's text has a character no font of the PDF (house or fallback) can print."""


class OutputLockedError(AuthoringError):
    """Raised when another batch is already writing to the same output folder."""


class OutputWriteError(AuthoringError):
    """Raised when the output folder cannot be written (a full disk, missing permissions)."""
