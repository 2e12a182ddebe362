"""Change a form's figures and keep everything else in it exactly: comments, order, free text, layout.

Two ways, one result. When the sheet only *replaces* values a form already has (the usual
case: a figure, a verdict, a status), each value's characters are replaced where they
stand in the file (their place found by libyaml's parser, in a fraction of a millisecond),
and not a byte around them moves: comments on the same line, quotes elsewhere, line ends.

When a value is added or taken away, or a finding is added, ruamel.yaml does it: the
maintained round-trip YAML library, which reads a file into mappings and lists that remember
their comments, key order and scalar styles, and writes them back. The form's indentation
is read from the file; then only the lines ruamel.yaml changes are put into the original text
(a line diff of its output before and after the change), so even a layout it would not write
itself (a paragraph wrapped by hand, CRLF line ends) is kept outside the lines that changed.

Either way the caller reads the new text back with the toolkit's own reader and checks it
says what was meant (:func:`authoring.sheet.importer`), then validates it as ``validate`` does.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from authoring.inputs.yamlsource import _FormLoader

#: Characters a plain scalar may not hold inside a flow mapping or list ({kind: savings, target: 5}).
_FLOW_INDICATORS = re.compile(r"[,\[\]{}#]")
_KEY_LINE = re.compile(r"^( *)[^\s#-][^:#]*:\s*(?:#.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")
_NESTED_KEY = re.compile(r"^( *)[^\s#-][^:#]*:")


@dataclass(frozen=True)
class Edit:
    """One change to a form: set a key of a mapping, remove it, or insert a finding into the list of findings."""

    action: str
    """``set``, ``remove`` or ``insert``."""
    path: tuple[str | int, ...]
    """For ``set`` and ``remove``: the key's path (``("findings", 3, "target")``); for ``insert``: the new item's."""
    value: Any = None
    """The new value; for ``insert``, the finding's fields as (name, value) pairs."""
    order: tuple[str, ...] = field(default=())
    """For ``set`` of a new key: the keys in the order they should stand."""


def edited(text: str, edits: list[Edit]) -> str:
    """``text`` (a form) with ``edits`` made: in place where it can be, else by ruamel.yaml."""
    replaced = _in_place(text, edits)
    if replaced is not None and _says(replaced, edits):
        return replaced
    return RoundTrip(text).apply(edits)


def _says(text: str, edits: list[Edit]) -> bool:
    """Whether ``text``, read as the toolkit reads forms, holds what each edit meant."""
    try:
        data = yaml.load(text, Loader=_FormLoader)
    except yaml.YAMLError:
        return False
    inserted = sorted((edit for edit in edits if edit.action == "insert"), key=lambda edit: edit.path[-1])
    for edit in edits:
        if edit.action == "insert":
            continue
        path = list(edit.path)
        if path[:1] == ["findings"] and isinstance(path[1], int):  # the finding, after the ones inserted before it
            path[1] += sum(1 for other in inserted if isinstance(other.path[-1], int) and other.path[-1] <= path[1])
        found = _has(data, tuple(path))
        if edit.action == "remove":
            if found:
                return False
            continue
        if not found:
            return False
        value: Any = data
        for part in path:
            value = value[part]
        if not _equal(value, edit.value):
            return False
    for shift, edit in enumerate(inserted):
        at = edit.path[-1]
        assert isinstance(at, int)
        findings = data.get("findings") if isinstance(data, dict) else None
        item = findings[at + shift] if isinstance(findings, list) and at + shift < len(findings) else None
        wanted = dict(edit.value)
        if not isinstance(item, dict) or set(item) != set(wanted):
            return False
        if any(not _equal(item[key], value) for key, value in wanted.items()):
            return False
    return True


def _equal(value: Any, wanted: Any) -> bool:
    wanted = wanted.isoformat() if isinstance(wanted, dt.date) else wanted
    return bool(value == wanted) and (type(value) is bool) == (type(wanted) is bool)


def _has(data: Any, path: tuple[str | int, ...]) -> bool:
    for part in path:
        if not isinstance(data, dict | list) or (isinstance(data, list) and not isinstance(part, int)):
            return False
        container: Any = data
        try:
            data = container[part]
        except (KeyError, IndexError):
            return False
    return True


# --------------------------------------------------------------------------- edits made where they stand


class _NotInPlace(Exception):
    """An edit falls where the text's layout is not plain block YAML: ruamel.yaml makes it instead."""


def _in_place(text: str, edits: list[Edit]) -> str | None:
    """``text`` with each edit made in its own characters or lines; ``None`` if one cannot be made so."""
    try:
        root = yaml.compose(text, Loader=_FormLoader)
    except yaml.YAMLError:
        return None
    newline = "\r\n" if "\r\n" in text else "\n"
    starts = [0]
    for index, character in enumerate(text):
        if character == "\n":
            starts.append(index + 1)
    spans: list[tuple[int, int, int, str]] = []
    try:
        for number, edit in enumerate(edits):
            spans.append(_edit_span(text, root, edit, starts, newline, number))
    except _NotInPlace:
        return None
    result = text
    previous = len(text) + 1
    for start, end, _, new in sorted(spans, reverse=True):
        if end > previous:
            return None  # two edits overlap
        result = result[:start] + new + result[end:]
        previous = start
    return result


def _edit_span(
    text: str, root: Any, edit: Edit, starts: list[int], newline: str, number: int
) -> tuple[int, int, int, str]:
    """The characters an edit replaces (start, end), its order among edits at one place, and what goes there."""
    *parents, last = edit.path
    parent, flow = _node(root, tuple(parents))
    if edit.action == "insert":
        if not isinstance(parent, yaml.SequenceNode) or flow or not isinstance(last, int) or not parent.value:
            raise _NotInPlace
        first = parent.value[0]
        dash = first.start_mark.column - 2
        line_start = starts[first.start_mark.line]
        if dash < 0 or text[line_start + dash : line_start + dash + 2] != "- ":
            raise _NotInPlace
        lines = []
        for index, (key, value) in enumerate(edit.value):
            lead = " " * dash + ("- " if index == 0 else "  ")
            lines.append(f"{lead}{key}: {written(value)}{newline}")
        if last < len(parent.value):
            item = parent.value[last]
            at = starts[item.start_mark.line] if item.start_mark.column == first.start_mark.column else None
            if at is None or text[at + dash : at + dash + 2] != "- ":
                raise _NotInPlace
        else:
            at = _after(parent.value[-1], starts, text)
        return at, at, number, "".join(lines)
    if not isinstance(parent, yaml.MappingNode) or flow:
        if edit.action == "set" and isinstance(parent, yaml.MappingNode):
            return _replace_value(parent, last, edit, flow=True)
        raise _NotInPlace
    pairs = parent.value
    keys = [key.value for key, _ in pairs]
    if edit.action == "set" and last in keys:
        return _replace_value(parent, last, edit, flow=False)
    if edit.action == "remove":
        if last not in keys:
            raise _NotInPlace
        key, value = pairs[keys.index(last)]
        line_start = starts[key.start_mark.line]
        if text[line_start : key.start_mark.index].strip() or not _one_line(value):
            raise _NotInPlace
        end = starts[key.start_mark.line + 1] if key.start_mark.line + 1 < len(starts) else len(text)
        return line_start, end, number, ""
    order = list(edit.order)
    later = order[order.index(last) + 1 :] if last in order else []
    position = next((index for index, name in enumerate(keys) if name in later), len(keys))
    column = pairs[0][0].start_mark.column
    line = f"{' ' * column}{last}: {written(edit.value)}{newline}"
    if position < len(keys):
        key = pairs[position][0]
        line_start = starts[key.start_mark.line]
        if text[line_start : key.start_mark.index].strip():
            raise _NotInPlace  # the key shares its line with the list's dash
        return line_start, line_start, number, line
    at = _after(pairs[-1][1], starts, text)
    return at, at, number, line


def _replace_value(parent: Any, name: Any, edit: Edit, *, flow: bool) -> tuple[int, int, int, str]:
    value = next((value for key, value in parent.value if key.value == name), None)
    if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">") or not _one_line(value):
        raise _NotInPlace
    return value.start_mark.index, value.end_mark.index, 0, written(edit.value, flow=flow)


def _node(root: Any, path: tuple[str | int, ...]) -> tuple[Any, bool]:
    node, flow = root, False
    for part in path:
        if isinstance(node, yaml.MappingNode):
            flow = flow or bool(node.flow_style)
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            flow = flow or bool(node.flow_style)
            node = node.value[part]
        else:
            node = None
        if node is None:
            raise _NotInPlace
    return node, flow or bool(getattr(node, "flow_style", False))


def _one_line(node: Any) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.start_mark.line == node.end_mark.line


def _after(node: Any, starts: list[int], text: str) -> int:
    """Where the line after ``node``'s last line starts (the end of the text if it ends there)."""
    end = node.end_mark
    line: int = end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    if line + 1 < len(starts):
        return starts[line + 1]
    if not text.endswith("\n"):
        raise _NotInPlace
    return len(text)


def written(value: Any, *, flow: bool = False) -> str:
    """A value as a plain (or, where it must be, single-quoted) YAML scalar the toolkit's reader reads back the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        shown = repr(value)
        if "e" in shown or "E" in shown:
            shown = f"{value:.15f}".rstrip("0").rstrip(".")
        return shown
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _reads_back(text, flow=flow) and not (flow and _FLOW_INDICATORS.search(text)):
        return text
    return "'" + text.replace("'", "''") + "'"


def _reads_back(text: str, *, flow: bool = False) -> bool:
    """Whether ``text``, written plainly as a value (in a flow mapping, with ``flow``), reads back as itself."""
    if not text or text != text.strip() or "\n" in text or "\r" in text or text[0] in "'\"&*!|>%@`":
        return False
    try:
        source = f"{{k: {text}}}" if flow else f"k: {text}"
        return bool(yaml.load(source, Loader=_FormLoader) == {"k": text})
    except yaml.YAMLError:
        return False


# --------------------------------------------------------------------------- ruamel.yaml


class RoundTrip:
    """A form read with ruamel.yaml, its indentation read from the file, to change and write back."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self.source = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.plain = text.replace("\r\n", "\n")
        mapping, sequence, offset = layout(self.plain)
        self.handler = YAML(typ="rt")
        self.handler.preserve_quotes = True
        self.handler.width = 4096
        self.handler.indent(mapping=mapping, sequence=sequence, offset=offset)
        self.data = self.handler.load(self.plain)

    def _dump(self) -> str:
        stream = io.StringIO()
        self.handler.dump(self.data, stream)
        return stream.getvalue()

    def apply(self, edits: list[Edit]) -> str:
        """The form's text with ``edits`` made, every other line as it was."""
        before = self._dump()
        changes = [edit for edit in edits if edit.action != "insert"]
        inserts = [(number, edit) for number, edit in enumerate(edits) if edit.action == "insert"]
        for edit in changes:  # by the findings' first places, before any is inserted
            _apply(self.data, edit)
        for _, edit in sorted(inserts, key=lambda pair: (pair[1].path[-1], pair[0]), reverse=True):
            _apply(self.data, edit)
        after = self._dump()
        result = after if self.plain == before else (_splice(self.plain, before, after) or after)
        return result.replace("\n", self.newline) if self.newline != "\n" else result


def layout(text: str) -> tuple[int, int, int]:
    """How ``text`` indents: a mapping's keys, a list's items, and the dash before an item (ruamel.yaml's terms)."""
    lines = text.split("\n")
    offset: int | None = None
    mapping: int | None = None
    for number, line in enumerate(lines[:-1]):
        key = _KEY_LINE.match(line)
        if not key:
            continue
        following = next(
            (later for later in lines[number + 1 :] if later.strip() and not later.lstrip().startswith("#")), ""
        )
        item = _ITEM_LINE.match(following)
        nested = _NESTED_KEY.match(following)
        if item and offset is None:
            offset = len(item.group(1)) - len(key.group(1))
        elif nested and not item and mapping is None and len(nested.group(1)) > len(key.group(1)):
            mapping = len(nested.group(1)) - len(key.group(1))
        if offset is not None and mapping is not None:
            break
    mapping = mapping or 2
    offset = max(0, offset if offset is not None else 2)
    return mapping, max(mapping, offset + 2), offset


def _apply(data: Any, edit: Edit) -> None:
    *parents, last = edit.path
    target = data
    for part in parents:
        target = target[part]
    if edit.action == "remove":
        if last in target:
            del target[last]
    elif edit.action == "insert":
        assert isinstance(last, int)
        target.insert(last, mapping(edit.value))
    else:
        assert isinstance(last, str)
        put(target, last, edit.value, list(edit.order))


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
        elif i1 == 0:
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
    """``value`` as ruamel.yaml should hold it so that the toolkit's YAML reader reads it back the same."""
    if isinstance(value, str):
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        return value if _reads_back(value) else SingleQuotedScalarString(value)
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
