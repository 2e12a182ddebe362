"""Gaps in draft forms: the ``TODO`` convention.

A press officer who does not know a value yet writes ``TODO`` in its place, optionally
followed by a note: ``TODO``, ``TODO figures from PSD on Friday``, ``TODO - ask Zoë``, or
in quotes ``"TODO: ask Zoë"`` (unquoted, YAML reads ``TODO: …`` as a key). That is allowed in a
``draft`` form for any text (a whole finding, a paragraph of the quote, …), any count in a
structured finding, the grade, the inspector and a staffing change. A draft with gaps
still builds; each gap is printed as ``[TODO: field]`` (or ``[TODO: field — note]``) so
that nobody can miss it. A ``final`` form may contain no ``TODO`` at all.

Text fields keep a ``TODO`` as the text itself (it is valid text); other fields hold a
:class:`Todo` instead of their value, through the :data:`OrTodo` type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import Discriminator, GetCoreSchemaHandler, GetJsonSchemaHandler, Tag
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

#: The word that marks a gap.
MARKER = "TODO"

# "TODO", "TODO note", "TODO - note", "TODO: note" — but not "TODOs" or "todo".
_GAP = re.compile(r"\s*TODO(?:\s*[:\-–—]\s*|\s+|$)(?P<note>.*?)\s*", re.DOTALL)
# The same rule for editors, as a JSON Schema (ECMA 262) pattern.
GAP_PATTERN = r"^\s*TODO(\s|[:\-–—]|$)"
#: How to write a note, for messages.
NOTE_HINT = 'write a note after TODO without a colon (TODO ask PSD), or quote it ("TODO: ask PSD")'

# TODO anywhere in a text: left over in a final form, it is a mistake.
_ANYWHERE = re.compile(r"\bTODO\b")


@dataclass(frozen=True)
class Todo:
    """A value the press officer has not filled in yet (``TODO`` or ``TODO: note``)."""

    note: str = ""

    def __str__(self) -> str:
        return f"{MARKER}: {self.note}" if self.note else MARKER

    def placeholder(self, label: str) -> str:
        """What a draft release prints in the gap's place: ``[TODO: quote — ask the inspector]``."""
        return f"[{MARKER}: {label} — {self.note}]" if self.note else f"[{MARKER}: {label}]"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_todo, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": GAP_PATTERN,
            "description": "In a draft: TODO, or TODO: a note, until the value is known.",
        }


def parse_gap(value: object) -> Todo | None:
    """The :class:`Todo` that ``value`` stands for, or ``None`` if it is not a gap."""
    if isinstance(value, Todo):
        return value
    if isinstance(value, str):
        match = _GAP.fullmatch(value)
        if match:
            return Todo(match.group("note"))
    return None


def mentions_todo(value: object) -> bool:
    """Whether ``value`` is a gap, or a text with the word ``TODO`` anywhere in it."""
    return isinstance(value, Todo) or (isinstance(value, str) and _ANYWHERE.search(value) is not None)


def _validate_todo(value: Any) -> Todo:
    gap = parse_gap(value)
    if gap is None:
        raise PydanticCustomError("todo", "write TODO, or TODO: a note")
    return gap


def _value_or_gap(value: Any) -> str:
    return "todo" if parse_gap(value) is not None else "value"


T = TypeVar("T")

#: A field that takes a ``T`` or, in a draft, a :class:`Todo`. Errors name only ``T``'s rule.
OrTodo = Annotated[Annotated[T, Tag("value")] | Annotated[Todo, Tag("todo")], Discriminator(_value_or_gap)]


def find_todos(data: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The location of every value in plain ``data`` (from YAML) that mentions ``TODO``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from find_todos(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from find_todos(value, (*loc, index))
    elif mentions_todo(data):
        yield loc
