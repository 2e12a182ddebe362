"""Read a YAML file into plain Python data, remembering where every value stood.

PyYAML's safe loader is used for scalars, but mappings and sequences are built here so
that we can (a) refuse what PyYAML lets through silently — duplicate keys, aliases —
and (b) keep the line and column of every value, keyed by its path, so that a
validation error on ``findings.3.approved`` can point at the right line of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from authoring.exceptions import InvalidInputError, Problem

try:  # the C loader is several times faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: A form file is a page or two of text; anything far larger is a mistake (or an attack).
MAX_BYTES = 256 * 1024

Loc = tuple[str | int, ...]

# C0 controls other than tab, newline and carriage return; DEL; C1 controls.
# Word cannot open a document that contains them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SourceDocument:
    """The data of one YAML file and the position (1-based line, column) of each value."""

    path: Path
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(repr=False)

    def locate(self, loc: Loc) -> tuple[int, int] | None:
        """Position of the value at ``loc``, or of its nearest ancestor that exists."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(loc[:end])
            if mark is not None:
                return mark
        return None

    def key_position(self, loc: Loc) -> tuple[int, int] | None:
        """Position of the key that introduces ``loc`` (for unknown or missing keys)."""
        return self.marks.get(("<key>", *loc)) or self.locate(loc)


def _problem(path: Path, line: int | None, column: int | None, message: str) -> Problem:
    return Problem(path=path, line=line, column=column, field="", message=message)


def load_yaml(path: Path) -> SourceDocument:
    """Load ``path`` safely; raise :class:`InvalidInputError` listing what is wrong.

    Refuses files over :data:`MAX_BYTES`, invalid UTF-8, control characters, YAML
    syntax errors, duplicate keys, aliases and non-string keys.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError([_problem(path, None, None, f"cannot read file: {exc.strerror}")]) from exc
    if len(raw) > MAX_BYTES:
        raise InvalidInputError(
            [_problem(path, None, None, f"file is {len(raw):,} bytes; a form may be at most {MAX_BYTES:,} bytes")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidInputError([_problem(path, line, None, "file is not valid UTF-8 text")]) from exc
    return parse_yaml(text, path)


def parse_yaml(text: str, path: Path) -> SourceDocument:
    """Parse YAML ``text`` (read from ``path``) into a :class:`SourceDocument`."""
    problems = []
    for number, source_line in enumerate(text.splitlines(), start=1):
        for match in _CONTROL.finditer(source_line):
            problems.append(
                _problem(
                    path,
                    number,
                    match.start() + 1,
                    f"control character U+{ord(match.group()):04X} is not allowed; delete it (it corrupts Word files)",
                )
            )
    if problems:
        raise InvalidInputError(problems)

    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, path)
        data = builder.build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InvalidInputError([_problem(path, line, column, f"YAML syntax error: {message}")]) from exc
    except yaml.YAMLError as exc:
        raise InvalidInputError([_problem(path, None, None, f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()
    if builder.problems:
        raise InvalidInputError(builder.problems)
    return SourceDocument(path=path, data=data, marks=builder.marks)


class _Builder:
    """Turns a composed YAML node tree into Python data, recording positions."""

    def __init__(self, loader: Any, path: Path) -> None:
        self.loader = loader
        self.path = path
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.marks[loc] = self._pos(node)
        if id(node) in self._seen:
            # The composer hands back the anchored node itself for every alias.
            line, column = self._pos(node)
            self.problems.append(
                _problem(self.path, line, column, "YAML anchors and aliases (&name, *name) are not allowed in forms")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            self._seen.add(id(node))
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            self._seen.add(id(node))
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, column = self._pos(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(_problem(self.path, line, column, "YAML merge keys (<<) are not allowed in forms"))
                continue
            key = self.loader.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problems.append(_problem(self.path, line, column, "keys must be plain words"))
                continue
            if key in result:
                first_line = self.marks[("<key>", *loc, key)][0]
                self.problems.append(
                    Problem(
                        path=self.path,
                        line=line,
                        column=column,
                        field=".".join(str(part) for part in (*loc, key)),
                        message=f"duplicate key '{key}' (first given on line {first_line}); give each key once",
                    )
                )
                continue
            self.marks[("<key>", *loc, key)] = (line, column)
            result[key] = self.build(value_node, (*loc, key))
        return result
