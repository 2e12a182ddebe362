"""Change a form's figures and keep everything else in it exactly: comments, order, free text, layout.

ruamel.yaml is the maintained round-trip YAML library: it reads a file into mappings and
lists that remember their comments, key order and scalar styles, and writes them back.
The form's indentation is found by trying the layouts forms are written in until one
gives the file back byte for byte. Then only the lines ruamel.yaml changes are put into
the original text (a line diff of its output before and after the change), so even a
layout it would not write itself (a paragraph wrapped by hand, CRLF line ends) is kept
outside the lines whose figures changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from typing import Any

import yaml

from authoring.inputs.yamlsource import _FormLoader

#: Indentation of mappings, of a list's items, and of the dash, as forms are written (the first is 'authoring new's).
LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0))


class RoundTrip:
    """A form read for editing: its data (ruamel.yaml's mappings and lists) and how to write it back."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self.source = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        plain = text.replace("\r\n", "\n")
        best: tuple[Any, Any, str] | None = None
        for mapping, sequence, offset in LAYOUTS:
            handler = YAML(typ="rt")
            handler.preserve_quotes = True
            handler.width = 4096
            handler.indent(mapping=mapping, sequence=sequence, offset=offset)
            data = handler.load(plain)
            written = self._dump(handler, data)
            if best is None:
                best = (handler, data, written)
            if written == plain:
                best = (handler, data, written)
                break
        assert best is not None
        self.handler, _, self.before = best
        self.data = self.handler.load(plain)  # a fresh copy to change

    @staticmethod
    def _dump(handler: Any, data: Any) -> str:
        stream = io.StringIO()
        handler.dump(data, stream)
        return stream.getvalue()

    def text(self) -> str:
        """The form's text with the changes made to :attr:`data`, every other line as it was."""
        after = self._dump(self.handler, self.data)
        plain = self.source.replace("\r\n", "\n")
        result = after if plain == self.before else (_splice(plain, self.before, after) or after)
        return result.replace("\n", self.newline) if self.newline != "\n" else result


def _splice(source: str, before: str, after: str) -> str | None:
    """``source`` with the lines that differ between ``before`` and ``after`` (both ruamel.yaml's) changed.

    ``None`` if a changed line of ``before`` is not itself a line of ``source`` (the change
    falls where the source's layout differs from ruamel.yaml's).
    """
    src, old, new = source.splitlines(keepends=True), before.splitlines(keepends=True), after.splitlines(keepends=True)
    where: dict[int, int] = {}  # a line of `before` → the same line of `source`
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, old, src, autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                where[i1 + offset] = j1 + offset
    result: list[str] = []
    done = 0  # lines of `source` already copied
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            if any(line not in where for line in range(i1, i2)):
                return None
            start, end = where[i1], where[i2 - 1] + 1
            if end - start != i2 - i1:
                return None
        else:  # an insertion: after the line before it
            if i1 == 0:
                start = end = 0
            elif i1 - 1 in where:
                start = end = where[i1 - 1] + 1
            else:
                return None
        if start < done:
            return None
        result.extend(src[done:start])
        result.extend(new[j1:j2])
        done = end
    result.extend(src[done:])
    return "".join(result)


def scalar(value: Any) -> Any:
    """``value`` as ruamel.yaml should write it so that the toolkit's YAML reader reads it back the same.

    A text that would read as something else written plainly (``yes``, ``2013-04``, ``12``) is quoted.
    """
    if isinstance(value, str):
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        try:
            back = yaml.load(value, Loader=_FormLoader)
        except yaml.YAMLError:
            back = None
        if back != value or value != value.strip() or "\n" in value:
            return SingleQuotedScalarString(value)
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def mapping(pairs: list[tuple[str, Any]]) -> Any:
    """A new mapping (a structured finding) that ruamel.yaml writes in block style."""
    from ruamel.yaml.comments import CommentedMap

    result = CommentedMap()
    for key, value in pairs:
        result[key] = scalar(value)
    return result


def put(target: Any, key: str, value: Any, order: list[str]) -> None:
    """Set ``key`` of the mapping ``target`` to ``value``; a new key goes where ``order`` puts it among the others."""
    value = scalar(value)
    if key in target:
        target[key] = value
        return
    position = len(target)
    if key in order:
        later = order[order.index(key) + 1 :]
        keys = list(target)
        position = next((index for index, name in enumerate(keys) if name in later), len(keys))
    target.insert(position, key, value)
