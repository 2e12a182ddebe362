"""Authoring helpers: a commented skeleton of a form, and the JSON Schema of a campaign's forms.

The skeleton is generated from the form model the campaign makes (:func:`authoring.models.form_model`):
every field is explained by its description, so the comments cannot drift from what
validation accepts. What the registry knows (the force's slug and name) and what the
campaign beside the form knows (its verdicts, inspectors, kinds of finding and periods)
is filled in; everything else is ``TODO``, which makes the skeleton a valid draft (see
:mod:`authoring.model.gaps`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from authoring.exceptions import InvalidInputError, UsageError
from authoring.files.read import UnreadableFileError, read_regular
from authoring.files.write import write_files
from authoring.inputs.load import CAMPAIGN_FILE, form_files, load_campaign
from authoring.inputs.yamlsource import load_yaml
from authoring.model.campaign import Campaign
from authoring.model.form import form_model
from authoring.model.gaps import MARKER
from authoring.model.language import with_twins
from authoring.model.types import Status
from authoring.registry import Force, forces, unknown_force_message

#: The schema's file name; ``authoring new`` writes it beside the forms it creates.
SCHEMA_FILE = "form.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def form_schema(campaign: Campaign | None) -> dict[str, Any]:
    """The JSON Schema of a campaign's form files, with the registry's force slugs as choices.

    Rules that need more than the schema (inspector and period keys, rules between figures)
    are checked by ``authoring validate`` only.
    """
    return _schema(form_model(campaign))


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = with_twins(model.model_json_schema())
    schema["properties"]["force"]["enum"] = list(forces())
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def schema_text(campaign: Campaign | None) -> str:
    """:func:`form_schema` as the text of a ``.json`` file."""
    return json.dumps(form_schema(campaign), indent=2, ensure_ascii=False) + "\n"


def skeleton(
    force: Force, *, campaign: Campaign | None = None, schema: str = SCHEMA_FILE, path: Path | None = None
) -> str:
    """A commented draft form for ``force``: valid as it stands, every unknown value ``TODO``.

    ``schema`` is where the first line points editors to; ``path`` is where the form will be.
    """
    lines = [
        f"# yaml-language-server: $schema={schema}",
        "#",
        f"# {force.name}: release form"
        + (f" for {campaign.national_report}." if campaign else ".")
        + f" Written by 'authoring new {force.slug}'.",
        f"# Replace every {MARKER} (you may add a note: '{MARKER}: ask PSD'), then check the form with",
        f"#   authoring validate {path or force.slug + '.yaml'}",
        f"# A draft builds, with each {MARKER} printed as [{MARKER}: field]; a final form may contain no {MARKER}.",
        "# In text, *words* are set in italics, and web addresses become links.",
    ]
    if campaign.welsh.bilingual(force.slug) if campaign else force.bilingual:
        lines += [
            "# This release goes out in Welsh and English at once: give each text's Welsh beside its",
            "# English, as '- en: …' and 'cy: …' on the next line (docs/welsh.md). A draft may say 'cy: TODO'.",
        ]
    model = form_model(campaign)
    schema_properties = model.model_json_schema()["properties"]
    for name, field in model.model_fields.items():
        if field.exclude:  # kept by the model, never written by hand (the Welsh twins)
            continue
        lines.append("")
        optional = "" if field.is_required() or name == "status" else " (Optional: delete the '# ' to use it.)"
        lines.append(f"# {field.description}{optional}")
        if name == "inspector" and campaign:
            choices = ", ".join(
                f"{key} ({', '.join(filter(None, (i.display_name, i.region or i.role)))})"
                for key, i in campaign.inspectors.items()
            )
            lines.append(f"# This campaign's inspectors: {choices}.")
        value = {"force": force.slug, "status": Status.DRAFT.value}.get(name, MARKER)
        is_list = "array" in json.dumps(schema_properties[name].get("type", schema_properties[name].get("anyOf")))
        prefix = "" if field.is_required() or name in ("status",) else "# "
        if not is_list:
            lines.append(f"{prefix}{name}: {value}")
            continue
        lines.append(f"{prefix}{name}:")
        lines.append(f"{prefix}  - {MARKER}")
        if name == "findings" and campaign:
            lines.extend(_structured_examples(campaign))
    return "\n".join(lines) + "\n"


def _structured_examples(campaign: Campaign) -> Iterator[str]:
    kinds = form_model(campaign).finding_kinds
    if not kinds:
        return
    yield "  # A finding may instead be structured: give the figures, and the sentence is written in house"
    yield "  # style. To use one, delete the '# ' at the start of its lines. Fields marked (optional) may go."
    for kind, model in kinds.items():
        yield f"  # {model.__doc__}"
        yield f"  # - kind: {kind}"
        for name, field in model.model_fields.items():
            if name in ("kind", "period"):
                continue
            optional = " (optional)" if not field.is_required() else ""
            value = MARKER if field.is_required() or field.default is None else json.dumps(field.default)
            yield f"  #   {name}: {value}  #{optional} {field.description}"
        if campaign.periods:  # the period keys are the campaign's
            default = campaign.default_periods.get(kind)
            usual = f"by default {default}" if default else "by default none"
            about = f"{model.model_fields['period'].description} One of: {', '.join(campaign.periods)}."
            yield f"  #   period: {default or next(iter(campaign.periods))}  # (optional, {usual}) {about}"


@dataclass(frozen=True)
class NewForms:
    """What :func:`new_forms` wrote, and what it left alone."""

    written: tuple[Path, ...]
    schema: Path | None
    skipped: tuple[tuple[str, Path], ...]
    """Forces with a form already, and that form."""


def new_form(slug: str, *, out: Path | None = None, forms_dir: Path = Path("forces")) -> NewForms:
    """Write the skeleton for force ``slug`` to ``out`` (default ``forms_dir/<slug>.yaml``).

    Raises :class:`UsageError` for an unknown force, a file that exists, or a force that
    already has a form in the folder; it never overwrites anything.
    """
    registry = forces()
    if slug not in registry:
        raise UsageError(unknown_force_message(slug))
    target = out or forms_dir / f"{slug}.yaml"
    existing = forms_by_force(target.parent)
    if target.exists():
        raise UsageError(f"{target} already exists; it was not overwritten")
    if slug in existing:
        raise UsageError(f"{slug} already has a form: {existing[slug]}; each force may have one form only")
    campaign = _campaign_in(target.parent)
    _write_new(target, skeleton(registry[slug], campaign=campaign, path=target))
    return NewForms(written=(target,), schema=write_schema_beside(target, campaign), skipped=())


def new_forms(forms_dir: Path = Path("forces")) -> NewForms:
    """Write a draft for every force in the registry that has no form in ``forms_dir`` yet."""
    existing = forms_by_force(forms_dir)
    campaign = _campaign_in(forms_dir)
    written = []
    for slug, force in forces().items():
        target = forms_dir / f"{slug}.yaml"
        if slug in existing or target.exists():
            continue
        _write_new(target, skeleton(force, campaign=campaign, path=target))
        written.append(target)
    schema = write_schema_beside(written[0], campaign) if written else None
    skipped = tuple(sorted(existing.items()))
    return NewForms(written=tuple(written), schema=schema, skipped=skipped)


def forms_by_force(folder: Path) -> dict[str, Path]:
    """The forms in ``folder`` by the force they name (by file name if a form cannot be read)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for path in form_files(folder):
        try:
            data = load_yaml(path).data
        except InvalidInputError:
            data = None
        force = data.get("force") if isinstance(data, dict) else None
        found.setdefault(force if isinstance(force, str) else path.stem, path)
    return found


def write_schema_beside(form: Path, campaign: Campaign | None) -> Path | None:
    """Write (or refresh) the schema that a new form's first line points to; the path if it changed.

    Never written through a link: a link (or any other file) in its place is replaced by
    the schema, atomically, and whatever the link pointed to is left alone.
    """
    target = form.parent / SCHEMA_FILE
    data = schema_text(campaign).encode()
    try:
        if read_regular(target, limit=len(data)) == data:
            return None
    except UnreadableFileError:
        pass
    write_files({target: data})
    return target


def _campaign_in(folder: Path) -> Campaign | None:
    try:
        return load_campaign(folder / CAMPAIGN_FILE) if (folder / CAMPAIGN_FILE).is_file() else None
    except InvalidInputError:
        return None


def _write_new(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as stream:  # "x": fail rather than overwrite
            stream.write(text)
    except FileExistsError:
        raise UsageError(f"{target} already exists; it was not overwritten") from None
