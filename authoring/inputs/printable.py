"""Characters the PDF cannot print, found when a form or campaign file is read.

The PDF prints Latin (Vietnamese and Welsh included), Greek and Cyrillic letters through
the two font families it ships (:mod:`authoring.fonts`); anything else (emoji,
Chinese, Japanese, Korean …) has no glyph, and no other font may stand in. Checking at
validation time lets ``authoring validate`` name the field, the line and the column of
each such character, as it does every other problem, instead of a failed PDF later.

Only text values are checked: keys and comments are never printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from authoring.exceptions import Problem
from authoring.fonts import FAMILIES, describe, uncovered
from authoring.inputs.yamlsource import Loc, SourceDocument, field_path


def unprintable(document: SourceDocument) -> list[Problem]:
    """One problem for each text value of ``document`` with characters no shipped font has.

    The problem stands at the first such character in the file when it can be found
    there (the value's own position otherwise: a character written as a YAML escape).
    """
    problems = []
    lines: list[str] | None = None
    for loc, value in _texts(document.data, ()):
        missing = uncovered(value)
        if not missing:
            continue
        if lines is None:
            lines = _source_lines(document)
        line, column = _position(document, loc, missing[0], lines) or document.locate(loc) or (None, None)
        problems.append(Problem(document.path, line, column, field_path(loc), message(missing)))
    return problems


def message(missing: list[str]) -> str:
    """What a press officer reads about the characters ``missing`` (in order of appearance)."""
    house, fallback = (family.name for family in FAMILIES)
    if len(missing) == 1:
        what, it = f"the character {describe(missing[0])}", "it"
    else:
        listed = ", ".join(describe(char) for char in missing[:-1])
        what, it = f"the characters {listed} and {describe(missing[-1])}", "them"
    fonts = f"neither {house} nor {fallback} has {it}"
    return f"{what} cannot be printed in the PDF ({fonts}); replace {it} or leave {it} out"


def _texts(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every text value in ``data``, with its location."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*loc, index))


def _source_lines(document: SourceDocument) -> list[str]:
    """The lines of the file as it was read (never read again: it may have changed since)."""
    return document.raw.decode("utf-8", errors="replace").splitlines()


def _position(document: SourceDocument, loc: Loc, char: str, lines: list[str]) -> tuple[int, int] | None:
    """Line and column of ``char`` in the value at ``loc``: searched from where the value starts."""
    start = document.marks.get(loc)
    if start is None:
        return None
    line, column = start
    later = sorted(mark for mark in document.marks.values() if mark > start)
    end = later[0] if later else (len(lines) + 1, 1)
    for number in range(line, min(end[0], len(lines)) + 1):
        text = lines[number - 1]
        first = column - 1 if number == line else 0
        found = text.find(char, first)
        if found != -1 and (number, found + 1) < end:
            return number, found + 1
    return None
