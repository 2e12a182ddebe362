"""Languages: which releases go out in Welsh as well as English, and the Welsh words a campaign gives.

Four forces are in Wales and work under the Welsh Language Standards: what they publish
goes out in Welsh and English at the same time. The registry marks them
(``bilingual: true`` in ``authoring/data/forces.yaml``); a campaign may add any force, or
take one off, in its ``welsh:`` block (:class:`WelshSettings`). A bilingual release needs
the Welsh of every English sentence the campaign writes: its ``cy:`` block
(:class:`CampaignWelsh`) mirrors the English fields, and whatever it leaves out is a gap
that ``authoring validate`` lists at the line of the English (see docs/welsh.md).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from authoring.model.findings import Example
from authoring.model.newsroom import known_words
from authoring.model.types import Key, Text, _Model
from authoring.registry import forces, unknown_force_message

#: The language of every release (BCP 47), and of the Welsh twin of a bilingual one.
ENGLISH, WELSH = "en-GB", "cy"
#: What a Welsh release adds to the English file name: ``…-value-for-money-cy.pdf``.
WELSH_SUFFIX = "-cy"


def _known_forces(value: list[str]) -> list[str]:
    for slug in value:
        if slug not in forces():
            raise ValueError(unknown_force_message(slug))
    return value


class BilingualLayout(StrEnum):
    """How one document sets a bilingual release's two languages out (docs/welsh.md)."""

    WELSH_FIRST = "welsh-first"
    """The whole Welsh release, then the whole English one."""
    SIDE_BY_SIDE = "side-by-side"
    """Welsh on the left, English on the right, passage by passage."""


class WelshSettings(_Model):
    """Which forces' releases of this round go out in Welsh as well as English.

    By default the four Welsh forces' (the registry's ``bilingual``); ``add`` makes others
    bilingual, ``remove`` makes a force's releases English only. ``bilingual_document``
    asks for one more document of each bilingual release, in both languages at once.
    """

    add: list[str] = Field(
        default_factory=list, description="Forces whose releases are bilingual too, e.g. [british-transport-police]."
    )
    remove: list[str] = Field(
        default_factory=list, description="Forces whose releases are in English only this round, e.g. [gwent]."
    )

    bilingual_document: BilingualLayout | None = Field(
        default=None,
        description=(
            "One document in both languages as well, beside the Welsh and the English release: welsh-first "
            "(the whole Welsh release, then the whole English) or side-by-side (Welsh left, English right, "
            "passage by passage). Default: none (docs/welsh.md)."
        ),
    )

    _known_add = field_validator("add")(_known_forces)
    _known_remove = field_validator("remove")(_known_forces)

    def bilingual(self, slug: str) -> bool:
        """Whether the force ``slug``'s releases are in Welsh and English."""
        if slug in self.remove:
            return False
        force = forces().get(slug)
        return slug in self.add or (force is not None and force.bilingual)


class WelshInspector(_Model):
    """The Welsh of an inspector's role and region (the name stays as it is)."""

    role: Text | None = Field(default=None, description="The role in Welsh.")
    region: Text | None = Field(default=None, description="The region in Welsh.")


class WelshKind(_Model):
    """The Welsh sentence of a kind of finding, with examples of its own, checked like the English ones."""

    phrase: Text = Field(description="The template of its Welsh sentence.")
    examples: list[Example] = Field(min_length=1, description="Values and the exact Welsh sentence they give.")


class WelshSentences(_Model):
    """The Welsh of the campaign's fixed sentences, and of the press office's words it changes."""

    headline: Text | None = None
    findings_lead_in: Text | None = None
    attribution: Text | None = None
    full_report: Text | None = None
    dateline: Text | None = None
    footer: Text | None = None
    subject: Text | None = None
    embargo: Text | None = None
    notes_heading: Text | None = None
    corrections_heading: Text | None = None
    correction_mark: Text | None = None
    correction_note: Text | None = None
    draft_mark: Text | None = None
    watermark: Text | None = None
    category: Text | None = None
    page_number: Text | None = None
    press_office_notes: list[Text] | None = None
    site_title: Text | None = Field(default=None, description="The newsroom's name on its Welsh pages.")
    accessibility_statement: list[Text] | None = Field(
        default=None, description="The newsroom's Welsh accessibility statement, by paragraph."
    )
    another_format: list[Text] | None = Field(
        default=None, description="The newsroom's Welsh page on asking for a release in another format."
    )
    newsroom: dict[str, Text] | None = Field(
        default=None, description="The newsroom's Welsh words it changes, by name (docs/site.md lists them)."
    )

    _known_words = field_validator("newsroom")(known_words)


class WelshPressOffice(_Model):
    """The Welsh of the press office's hours (the numbers stay as they are)."""

    hours: Text | None = Field(default=None, description="Office hours in Welsh, e.g. '8:30yb – 5:30yh'.")


class WelshWebsite(_Model):
    """Where the Welsh reports are, if not at the English address."""

    text: Text = Field(description="The address as printed, e.g. 'www.hmic.gov.uk/cymraeg'.")
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = Field(description="The link target.")


class CampaignWelsh(_Model):
    """The campaign's words in Welsh (its ``cy:`` block): each field the Welsh of the English one of the same name.

    Left out, a field is a gap: a draft prints ``[TODO: …]`` in its place, a final release
    cannot be built, and ``authoring validate`` lists it at the English line.
    """

    organisation: Text | None = None
    organisation_short: Text | None = Field(default=None, description="Default: the English abbreviation.")
    national_report: Text | None = None
    original_report: Text | None = None
    verdicts: dict[Key, Text] = Field(default_factory=dict)
    verdict_names: dict[Key, Text] = Field(
        default_factory=dict,
        description=(
            "Each verdict's name as the newsroom's Welsh pages show it, e.g. good: Da (the English pages show "
            "the verdict's key). A verdict without one is not shown on a Welsh page."
        ),
    )
    background: list[Text] = Field(default_factory=list)
    revisit: Text | None = None
    website: WelshWebsite | None = Field(default=None, description="Default: the English address.")
    notes_to_editors: list[Text] = Field(default_factory=list)
    press_office: WelshPressOffice = Field(default_factory=WelshPressOffice)
    quote_closing: list[Text] = Field(default_factory=list)
    periods: dict[Key, Text] = Field(default_factory=dict)
    inspectors: dict[Key, WelshInspector] = Field(default_factory=dict)
    findings: dict[Key, WelshKind] = Field(default_factory=dict)
    sentences: WelshSentences = Field(default_factory=WelshSentences)


# --------------------------------------------------------------------------- a form's Welsh twins

#: The two keys of a text given in both languages: ``{en: "…", cy: "…"}``.
TWIN_KEYS = frozenset({"en", "cy"})
#: The form field that keeps the Welsh twins, by the field path of their English ("quote.0").
TWINS_FIELD = "welsh_twins"


def is_twin(value: Any) -> bool:
    """Whether ``value`` (from YAML) is a text given in both languages: a mapping of 'en' and, maybe, 'cy'."""
    return isinstance(value, dict) and "en" in value and set(value) <= TWIN_KEYS


def split_twins(data: Any) -> Any:
    """A form's data with each ``{en, cy}`` twin replaced by its English; the Welsh under :data:`TWINS_FIELD`.

    Every model check then sees the English as it always has; the Welsh is kept by the
    English one's field path (``quote.0``, ``findings.2``, ``findings.3.year``).
    """
    if not isinstance(data, dict):
        return data
    found: dict[str, Any] = {}

    def walk(value: Any, path: tuple[str | int, ...]) -> Any:
        if is_twin(value):
            if "cy" in value:
                found[".".join(map(str, path))] = value["cy"]
            return value["en"]
        if isinstance(value, dict):
            return {key: walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*path, index)) for index, item in enumerate(value)]
        return value

    english = {key: walk(value, (key,)) for key, value in data.items() if key != TWINS_FIELD}
    return {**english, TWINS_FIELD: found} if found else english


#: The free-text fields of a form that a bilingual release needs in Welsh (each may be a twin).
TWIN_FIELDS = ("background_extra", "findings", "after_findings", "quote", "quote_closing")


def with_twins(schema: dict[str, Any]) -> dict[str, Any]:
    """A form's JSON Schema where each free text may also be given as ``{en: …, cy: …}`` (for editors)."""

    def widen(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("type") == "string" and "maxLength" in node:
                twin = {
                    "type": "object",
                    "description": "The text in English and in Welsh (docs/welsh.md).",
                    "properties": {"en": node, "cy": {"type": "string"}},
                    "required": ["en"],
                    "additionalProperties": False,
                }
                return {"anyOf": [node, twin]}
            return {key: widen(value) for key, value in node.items()}
        if isinstance(node, list):
            return [widen(item) for item in node]
        return node

    properties = {
        name: widen(value) if name in TWIN_FIELDS else value for name, value in schema.get("properties", {}).items()
    }
    return {**schema, "properties": properties}
