"""What a YAML syntax error means, in a press officer's words, at the line of the mistake.

PyYAML describes what its parser expected ("while scanning a simple key could not find
expected ':'"), often a line or more below the slip that caused it. :func:`explain` turns
the common slips — a missing colon, a tab, a text that starts with a quotation mark or a
sign YAML reserves, a colon inside a text, a line out of line — into what happened and how
to fix it, placed where the slip is. Anything else keeps PyYAML's words after a plain lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from authoring.model.gaps import NOTE_HINT

#: Characters that YAML reserves at the start of a value; a text starting with one needs quotes.
RESERVED_START = "@`%*&|>!{}[]?,"
# The start of a value on a line: indentation, list dashes, an optional "key: ", then the value.
_VALUE_START = re.compile(r"^(?P<lead>\s*(?:-\s+)*(?:[^\s'\"#:][^:#]*:\s+)?)(?P<first>\S)")
_LIST_ITEM = re.compile(r"^\s*-(\s|$)")
_EXAMPLE_LENGTH = 60
#: A no-break space where YAML needs a plain one: in the indentation, or after a ':' or a '-'.
_NO_BREAK_SPACE = re.compile(r"^[ \u00a0]*\u00a0|(?<=[:-])\u00a0")
_NO_BREAK_SPACE_HINT = (
    "a no-break space (as copied from Word) stands here where YAML needs a plain space; "
    "delete it and type an ordinary space"
)


@dataclass(frozen=True)
class Explained:
    """A syntax error explained: where the mistake is (1-based) and what to do."""

    line: int | None
    column: int | None
    message: str


def explain(error: Any, lines: list[str]) -> Explained:
    """Explain a PyYAML ``MarkedYAMLError`` about a text whose lines are ``lines``."""
    context, problem = str(error.context or ""), str(error.problem or "")
    marks = [mark for mark in (error.problem_mark, error.context_mark) if mark is not None]
    where = _Where(lines, error.problem_mark or error.context_mark)

    for mark in marks:
        column = _line(lines, mark).find("TODO:")
        if column >= 0:
            return Explained(mark.line + 1, column + 1, NOTE_HINT)
    for mark in marks:
        found = _NO_BREAK_SPACE.search(_line(lines, mark))
        if found:
            return Explained(mark.line + 1, found.end(), _NO_BREAK_SPACE_HINT)
    if where.character == "\t" or "tab character" in problem:
        column = where.text.find("\t")
        return Explained(where.line, column + 1 if column >= 0 else where.column, "indent with spaces, not tabs")
    if "could not find expected ':'" in problem and error.context_mark is not None:
        at = _Where(lines, error.context_mark)
        word = at.text.strip().split()[0] if at.text.strip() else ""
        if ":" in word.rstrip(":"):
            key, _, value = word.partition(":")
            return Explained(at.line, at.column, f"put a space after the ':' — {key}: {value}")
        message = f"this line should be 'key: value'; is the ':' missing after '{word}'?"
        if _LIST_ITEM.match(at.text) is None and _continues_text(lines, error.context_mark.line):
            message += " (a text continued on this line must be indented more than its key)"
        elif _LIST_ITEM.match(at.text) is None and _follows_text(lines, error.context_mark.line):
            message += " Or, if it continues the text above, indent it as far as that text"
        return Explained(at.line, at.column, message)
    if "sequence entries are not allowed" in problem:
        return Explained(
            where.line,
            where.column,
            "a list item ('- ') cannot follow its key on the same line; start each item on a line of its own, "
            "under the key",
        )
    if "escape" in problem:
        return Explained(
            where.line,
            where.column,
            "a backslash (\\) inside double quotes starts a code such as \\n; put the text in single quotes "
            "instead, or write each backslash twice (\\\\)",
        )
    if "quoted scalar" in context and error.context_mark is not None:
        at = _Where(lines, error.context_mark)
        mark = at.character
        return Explained(
            at.line,
            at.column,
            f"this text opens with a quotation mark ({mark}) that is never closed; "
            f"end the text with {mark} too, or write it without the opening one",
        )
    for mark in marks:
        explained = _starts_badly(lines, mark)
        if explained is not None:
            return explained
    if "mapping values are not allowed" in problem:
        return _colon_in_text(where)
    if "did not find expected key" in problem or "did not find expected '-' indicator" in problem:
        return Explained(
            where.line,
            where.column,
            "this line is out of line with the ones above: line it up with the field or the list item "
            "('- ') it belongs with, using the same number of spaces",
        )
    if "expected a single document" in problem or "found another document" in problem:
        return Explained(
            where.line, where.column, "'---' starts a second document; a form is a single one: delete this line"
        )
    if "cannot start any token" in problem and where.character:
        return Explained(
            where.line, where.column, f"a value cannot start with '{where.character}'; put the whole text in quotes"
        )
    said = " ".join(part for part in (context, problem) if part)
    return Explained(where.line, where.column, f"the layout of the file is wrong here (YAML says: {said})")


class _Where:
    """A 0-based PyYAML mark as a 1-based line and column, with the text of its line."""

    def __init__(self, lines: list[str], mark: Any) -> None:
        self.line: int | None = mark.line + 1 if mark is not None else None
        self.column: int | None = mark.column + 1 if mark is not None else None
        self.text = _line(lines, mark)
        index = mark.column if mark is not None else 0
        self.character = self.text[index] if index < len(self.text) else ""


def _line(lines: list[str], mark: Any) -> str:
    return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""


def _continues_text(lines: list[str], index: int) -> bool:
    """Whether the line before ``lines[index]`` opens a block of text ('>-' or '|')."""
    return 0 < index <= len(lines) and lines[index - 1].rstrip().endswith((">-", ">", "|", "|-"))


def _follows_text(lines: list[str], index: int) -> bool:
    """Whether the line before ``lines[index]`` is a list item of text that this line may continue."""
    if not 0 < index <= len(lines):
        return False
    previous = lines[index - 1].split(" #")[0].rstrip()
    return _LIST_ITEM.match(previous) is not None and not previous.endswith(":")


def _starts_badly(lines: list[str], mark: Any) -> Explained | None:
    """A text on the mark's line that starts with a quotation mark or a reserved sign, if that is the slip."""
    text = _line(lines, mark)
    match = _VALUE_START.match(text)
    if match is None:
        return None
    first, column = match.group("first"), match.start("first")
    rest = text[column:].strip()
    if len(rest) > _EXAMPLE_LENGTH:
        rest = rest[:_EXAMPLE_LENGTH] + "…"
    if first in "'\"":
        closing = text.find(first, column + 1)
        if closing < 0 or mark.column <= closing:
            return None  # not a text that goes on after its closing mark
        other, name = ('"', "double") if first == "'" else ("'", "single")
        return Explained(
            mark.line + 1,
            column + 1,
            f"this text starts with a quotation mark, so YAML ends it at the next {first}; "
            f"put the whole text in {name} quotes: {other}{rest}{other}",
        )
    if first in RESERVED_START and not (first in "|>" and re.fullmatch(r"[|>][-+0-9]*(\s+#.*)?", rest)):
        opens = "; if it is a list, close it with ']'" if first == "[" else ""
        return Explained(
            mark.line + 1,
            column + 1,
            f"a text cannot start with '{first}' unless it is in quotes; put the whole text in quotes: "
            f'"{rest}"{opens}',
        )
    return None


def _colon_in_text(where: _Where) -> Explained:
    """': ' inside a plain text, or a field indented as if it continued the line above."""
    stripped = where.text.strip()
    key = stripped.split(":", 1)[0]
    if where.column is not None and where.text[: where.column - 1].strip() == key and " " not in key:
        indent = len(where.text) - len(where.text.lstrip())
        return Explained(
            where.line,
            indent + 1,
            f"'{key}' is indented as if it continued the line above; if it is a field, line it up with "
            "the fields above; if it is text with ': ' in it, put the whole text in quotes",
        )
    return Explained(
        where.line,
        where.column,
        "this text contains ': ', which YAML reads as the start of a field; "
        "put the whole text in quotes, or write it as a '>-' block",
    )
