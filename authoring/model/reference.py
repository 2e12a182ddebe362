"""The campaign file's reference (``docs/campaign-reference.md``), made from the model itself.

Every field of :class:`~authoring.model.campaign.Campaign`, and of each part it is made of
(the website, the press office, an inspector, the sentences, a kind of finding, its fields,
rules and examples): its name, its type, whether a campaign must give it, and what it is
for, from the field's own description. The page is generated, never written by hand; a
test checks that it matches the model. To write it again after changing the model::

    python -m authoring.model.reference > docs/campaign-reference.md
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from authoring.model.campaign import Campaign, Sentences
from authoring.model.findings import FindingKindSpec
from authoring.model.types import Key

#: Where the page lives in the project (the messages about a campaign's unknown fields point here).
REFERENCE_PAGE = "docs/campaign-reference.md"

_KEY_PATTERN = get_args(Key)[1].pattern

INTRODUCTION = """\
# The campaign file: every field

<!-- Generated from the model (authoring/model/reference.py); do not edit by hand:
     python -m authoring.model.reference > docs/campaign-reference.md -->

A round's `campaign.yaml` holds what every release of the round shares. This page lists
every field it may have, and every field of the parts it is made of, as the toolkit reads
them; `docs/campaigns.md` shows how to set a round up, step by step. A field not listed
here is refused (`unknown field`), with its line.

Types: *text* is one paragraph or sentence, never empty, in which `*words*` are set in
italics and web addresses become links; a *key* is lower-case letters and digits in words
joined by hyphens (`zoe-billingham`); a *template* is text with `{{ placeholders }}` (see
`docs/campaigns.md`); *mapping* is `key: value` lines, indented under the field. In the
headings, `KEY` stands for a key of yours and `N` for an item of a list.
"""


def campaign_reference() -> str:
    """The reference page, as Markdown: the campaign's fields, then each part's, in order of first use."""
    sections = [INTRODUCTION]
    for model, where in _models(Campaign):
        sections.append(_section(model, where))
    return "\n".join(sections)


def _models(root: type[BaseModel]) -> Iterator[tuple[type[BaseModel], str]]:
    """``root`` and every model its fields use, each once, in the order they are first used, with where."""
    seen: dict[type[BaseModel], str] = {root: ""}
    queue = [root]
    while queue:
        model = queue.pop(0)
        yield model, seen[model]
        for name, field in model.model_fields.items():
            for used, where in _used_models(field.annotation, _joined(seen[model], field.alias or name)):
                if used not in seen:
                    seen[used] = where
                    queue.append(used)


def _joined(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def _used_models(annotation: Any, where: str) -> Iterator[tuple[type[BaseModel], str]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, where
        return
    origin = get_origin(annotation)
    if origin is list:
        where += ".N"
    elif origin is dict:
        where += ".KEY"
    for arg in get_args(annotation)[1:] if origin is dict else get_args(annotation):
        yield from _used_models(arg, where)


def _section(model: type[BaseModel], where: str) -> str:
    title = "`campaign.yaml`" if model is Campaign else f"`{where}`"
    doc = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split()).replace("``", "`")
    rows = ["| field | type | required | what it is for |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        shown = field.alias or name
        kind = "template" if _is_template(model, name) else _type(field.annotation, field.metadata)
        rows.append(f"| `{shown}` | {kind} | {_required(field)} | {_about(field)} |")
    return f'<a id="{_anchor(model)}"></a>\n\n## {title}\n\n{doc}\n\n' + "\n".join(rows) + "\n"


def _is_template(model: type[BaseModel], name: str) -> bool:
    """Whether the field is a template (a sentence with placeholders) rather than text as printed."""
    return model is Sentences or (model is FindingKindSpec and name == "phrase")


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _required(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    default = field.get_default(call_default_factory=True)
    if default is None or default in ([], {}):
        return "optional"
    if isinstance(default, Enum):
        default = default.value
    if isinstance(default, bool):
        default = str(default).lower()
    return f"optional (default `{default}`)"


def _about(field: FieldInfo) -> str:
    about = field.description
    if about is None and isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
        about = " ".join((field.annotation.__doc__ or "").strip().split("\n\n")[0].split())
    return (about or "").replace("|", "\\|").replace("\n", " ")


def _type(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A field's type in words (``metadata``: the constraints pydantic took off its annotation)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return _type(base, [*extra, *(metadata or [])])
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return " or ".join(_type(arg) for arg in options)
    if origin is list:
        (item,) = get_args(annotation)
        return f"list of {_type(item)}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"mapping of {_type(key)} → {_type(value)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{_anchor(annotation)})"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{member.value}`" for member in annotation)
    if annotation is str:
        patterns = [getattr(item, "pattern", None) for item in metadata or []]
        if _KEY_PATTERN in patterns:
            return "key"
        if any(pattern and "https?" in pattern for pattern in patterns):
            return "web address (`http://…` or `https://…`)"
        if any(pattern and "_" in pattern for pattern in patterns):
            return "name (lower-case letters, digits and `_`)"
        if any(pattern and "A-Z" in pattern for pattern in patterns):
            return "letters (`QPM`)"
        return "text"
    if annotation is dt.datetime:
        return "date and time (`YYYY-MM-DD HH:MM`)"
    if annotation is dt.date:
        return "date (`YYYY-MM-DD`)"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is float:
        return "number"
    if annotation is int:
        return "whole number"
    return "any value" if annotation is Any else str(getattr(annotation, "__name__", annotation))


if __name__ == "__main__":  # pragma: no cover - how the page is written
    print(campaign_reference(), end="")
