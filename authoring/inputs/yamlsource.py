"""Read a YAML file into plain Python data, remembering where every value stood.

PyYAML's safe loader is used for scalars, but mappings and sequences are built here so
that we can (a) refuse what PyYAML lets through silently — duplicate keys, aliases —
and (b) keep the line and column of every value, keyed by its path, so that a
validation error on ``findings.3.approved`` can point at the right line of the file.

Before anything is built, the file's events are scanned once (iteratively, so a hostile
file cannot exhaust the stack): anchors, aliases, explicit tags and deep nesting are
refused there, with their positions. Dates are left as text for the models to parse,
so that ``2012-02-30`` is reported as a field problem, not a crash.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from authoring.exceptions import InvalidInputError, Problem
from authoring.files.read import UnreadableFileError, read_regular
from authoring.inputs.yamlerrors import explain
from authoring.model.types import DIRECTION_CONTROL, NOT_TEXT

try:  # the C loader is several times faster; fall back to the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: A form file is a page or two of text; anything far larger is a mistake (or an attack).
MAX_BYTES = 256 * 1024

Loc = tuple[str | int, ...]

#: No form needs more than four levels (findings → a finding → its fields); this bounds the builder's recursion.
MAX_DEPTH = 16
_TOO_DEEP = f"values nested more than {MAX_DEPTH} levels deep"

# Line breaks as YAML counts them for its marks (U+0085 is refused above).
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")

# After a plain text, " #" and a word: a comment to YAML, but most likely the rest of the text ("Kent #1").
_CUT_BY_COMMENT = re.compile(r"\s+#(?=[^\s#])")

_SPELL = "write the value out in full"
_CORE_TAG = "tag:yaml.org,2002:"
# Implicit types a form never needs: dates stay text (the models parse them, and report
# impossible ones); "=" stays text rather than a YAML 1.1 'value' key. Numbers are read
# only as plain decimals: YAML 1.1 would read 2:09 as 129, 0x80 as 128, 017 as 15 and
# 1_000 as 1000 without a word; as text, the models refuse them with a plain message.
_UNRESOLVED = {_CORE_TAG + "timestamp", _CORE_TAG + "value", _CORE_TAG + "int", _CORE_TAG + "float"}
_DECIMALS = [
    (_CORE_TAG + "int", re.compile(r"^-?(?:0|[1-9][0-9]*)$")),
    (_CORE_TAG + "float", re.compile(r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$")),
]


class _FormLoader(_Loader):
    """The safe loader, without the implicit types listed in ``_UNRESOLVED``, and numbers only in decimals."""


_FormLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _UNRESOLVED]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
for _tag, _pattern in _DECIMALS:
    _FormLoader.add_implicit_resolver(_tag, _pattern, list("-0123456789"))


_PLAIN_KEY = re.compile(r"[^\s.:'\"]+(?: [^\s.:'\"]+)*")


def field_path(loc: Loc) -> str:
    """A location as a problem names it: ``findings.3.approved``.

    A key that is not a plain word or words (empty, with a dot, a colon, a quotation mark or
    surrounding spaces) is shown in quotes, so that the path reads unambiguously.
    """
    parts = []
    for part in loc:
        text = str(part)
        if isinstance(part, str) and not _PLAIN_KEY.fullmatch(text):
            text = "'" + text.replace("'", "''") + "'"
        parts.append(text)
    return ".".join(parts)


@dataclass(frozen=True)
class SourceDocument:
    """The data of one YAML file and the position (1-based line, column) of each value."""

    path: Path
    data: Any
    marks: dict[Loc, tuple[int, int]] = field(repr=False)
    raw: bytes = field(default=b"", repr=False, compare=False)
    """The file's bytes exactly as read and parsed (what a batch hashes); empty for text parsed directly."""
    problems: tuple[Problem, ...] = field(default=(), repr=False, compare=False)
    """What was wrong in a file read with ``keep_going`` (a duplicate key, a control character in a
    value): the data is still checked, so that these are reported with every other problem."""

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


def _at(path: Path, mark: Any, message: str) -> Problem:
    """A problem at a YAML mark (0-based) of the pure-Python or the C parser."""
    return _problem(path, mark.line + 1, mark.column + 1, message)


def _character_message(character: str) -> str:
    kind = "invalid character" if "\ud800" <= character <= "\udfff" or character > "\ufffd" else "control character"
    return f"{kind} U+{ord(character):04X} is not allowed; delete it (it corrupts Word files)"


def _direction_message(character: str) -> str:
    name = unicodedata.name(character, "a direction control").lower()
    return (
        f"the invisible character U+{ord(character):04X} ({name}) would print this text in another order "
        "than it is written; delete it"
    )


def _refused_events(text: str, path: Path) -> list[Problem]:
    """Anchors, aliases, explicit tags and deep nesting, found by one pass over the YAML events.

    Each anchor is reported, and the first use of each alias; nesting stops the scan at once.
    """
    problems: list[Problem] = []
    aliases: set[str] = set()
    depth = 0
    for event in yaml.parse(text, Loader=_FormLoader):
        if isinstance(event, yaml.AliasEvent):
            if event.anchor and event.anchor not in aliases:
                aliases.add(event.anchor)
                problems.append(
                    _at(path, event.start_mark, f"YAML alias '*{event.anchor}' is not allowed in forms; {_SPELL}")
                )
            continue
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            continue
        if event.anchor is not None:
            problems.append(
                _at(path, event.start_mark, f"YAML anchor '&{event.anchor}' is not allowed in forms; {_SPELL}")
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag
            problems.append(
                _at(path, event.start_mark, f"YAML tag '{shown}' is not allowed in forms; write the plain value")
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(_at(path, event.start_mark, _TOO_DEEP))
                break
    return problems


def load_yaml(path: Path, *, keep_going: bool = False) -> SourceDocument:
    """Load ``path`` safely; raise :class:`InvalidInputError` listing what is wrong.

    Reads the file once, as :func:`authoring.files.read.read_regular` does: a regular file (or
    a link to one inside the project), at most :data:`MAX_BYTES`. The document keeps
    those bytes (``raw``), so what is hashed is exactly what was validated.
    Refuses files over :data:`MAX_BYTES`, invalid UTF-8, control characters, YAML
    syntax errors, anchors and aliases, explicit tags, nesting deeper than
    :data:`MAX_DEPTH`, merge keys, duplicate keys and non-string keys.

    With ``keep_going``, the mistakes that leave the data as meant (a duplicate key, a
    control character in a value, a text cut short by ``#``) are not raised but kept in
    the document's ``problems`` (the first of two duplicate keys is kept), for
    :func:`authoring.loading.validate_document` to report with the fields' own.
    """
    try:
        raw = read_regular(path, limit=MAX_BYTES, links=True)
    except UnreadableFileError as exc:
        raise InvalidInputError([_problem(path, None, None, str(exc))]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError([not_utf8(path, raw, exc.start)]) from exc
    return replace(parse_yaml(text, path, keep_going=keep_going), raw=raw)


def not_utf8(path: Path, raw: bytes, start: int) -> Problem:
    """The problem of a file that is not UTF-8: the first bad byte's line and column, and what it probably is."""
    line_start = raw.rfind(b"\n", 0, start) + 1
    line = raw[:start].count(b"\n") + 1
    column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _problem(path, 1, 1, "the file is UTF-16 text, not UTF-8; save it as UTF-8")
    byte = raw[start]
    try:
        guess = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        guess = ""
    probably = f' is probably "{guess}" saved as Windows-1252' if guess.isprintable() and guess.strip() else ""
    message = f"the file is not UTF-8 text: the byte 0x{byte:02X} here{probably}; save the file as UTF-8"
    return _problem(path, line, column, message)


def parse_yaml(text: str, path: Path, *, keep_going: bool = False) -> SourceDocument:
    """Parse YAML ``text`` (read from ``path``) into a :class:`SourceDocument` (``keep_going``: :func:`load_yaml`)."""
    problems = []
    for number, source_line in enumerate(_LINE_BREAK.split(text), start=1):
        for match in NOT_TEXT.finditer(source_line):
            problems.append(_problem(path, number, match.start() + 1, _character_message(match.group())))
    if problems:
        raise InvalidInputError(problems)

    loader = _FormLoader(text)
    try:
        problems = _refused_events(text, path)
        if problems:
            raise InvalidInputError(problems)
        node = loader.get_single_node()
        builder = _Builder(loader, path, _LINE_BREAK.split(text))
        data = builder.build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in str(exc.problem):  # PyYAML >= 6.0.2 caps nesting in its scanner, before our check
            line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
            raise InvalidInputError([_problem(path, line, column, _TOO_DEEP)]) from exc
        explained = explain(exc, _LINE_BREAK.split(text))
        raise InvalidInputError([_problem(path, explained.line, explained.column, explained.message)]) from exc
    except yaml.YAMLError as exc:  # e.g. a reader error; the checks above should leave none
        raise InvalidInputError([_problem(path, None, None, f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()
    if builder.problems and (builder.fatal or not keep_going):
        raise InvalidInputError(builder.problems)
    return SourceDocument(path=path, data=data, marks=builder.marks, problems=tuple(builder.problems))


class _Builder:
    """Turns a composed YAML node tree into Python data, recording positions."""

    def __init__(self, loader: Any, path: Path, lines: list[str]) -> None:
        self.loader = loader
        self.path = path
        self.lines = lines
        self.marks: dict[Loc, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        #: A problem that leaves the data unlike what was meant (a merge, a key or value that
        #: could not be read), so that checking it further would only mislead.
        self.fatal = False

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.marks[loc] = self._pos(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _scalar(self, node: yaml.Node, loc: Loc | None = None) -> Any:
        """The value of a scalar (of a key, where ``loc`` is None); a problem is recorded if it cannot be a form's.

        A text with a control character (written as a YAML escape: ``"\\a"``) is kept as it
        is, so that the rest is checked too; the problem recorded keeps it from being built.
        """
        line, column = self._pos(node)
        where = "" if loc is None else field_path(loc)
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            self.problems.append(Problem(self.path, line, column, where, f"cannot read this value: {exc}"))
            self.fatal = True
            return None
        if isinstance(value, str):
            bad = NOT_TEXT.search(value)
            if bad:
                self.problems.append(Problem(self.path, line, column, where, _character_message(bad.group())))
                return None if loc is None else value
            turned = DIRECTION_CONTROL.search(value)
            if turned:
                self.problems.append(Problem(self.path, line, column, where, _direction_message(turned.group())))
            if not getattr(node, "style", None):  # plain (the C parser says '', the Python one None)
                self._cut_by_a_comment(node)
        return value

    def _cut_by_a_comment(self, node: yaml.Node) -> None:
        """A plain text followed by '#word' on its line: YAML took the rest of the text for a comment."""
        end = node.end_mark
        rest = self.lines[end.line][end.column :] if end.line < len(self.lines) else ""
        match = _CUT_BY_COMMENT.match(rest)
        if match:
            message = (
                "the text stops before ' #', which starts a comment in YAML; to keep the rest, put the whole "
                "text in quotes (for a comment, put a space after the '#')"
            )
            self.problems.append(_problem(self.path, end.line + 1, end.column + match.end(), message))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, column = self._pos(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(_problem(self.path, line, column, "YAML merge keys (<<) are not allowed in forms"))
                self.fatal = True
                continue
            reported = len(self.problems)
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if len(self.problems) > reported:
                self.fatal = True
                continue
            if not isinstance(key, str):
                self.problems.append(_problem(self.path, line, column, "keys must be plain words"))
                self.fatal = True
                continue
            if key in result:
                first_line = self.marks[("<key>", *loc, key)][0]
                self.problems.append(
                    Problem(
                        path=self.path,
                        line=line,
                        column=column,
                        field=field_path((*loc, key)),
                        message=f"duplicate key '{key}' (first given on line {first_line}); give each key once",
                    )
                )
                continue
            self.marks[("<key>", *loc, key)] = (line, column)
            result[key] = self.build(value_node, (*loc, key))
        return result
