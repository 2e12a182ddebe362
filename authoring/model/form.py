"""The input models: what a campaign file and a per-force form file may say.

Every field carries a description; it flows into the JSON Schema and into scaffolded
form files, so write it for a press officer, not a programmer.

Text fields accept one piece of inline markup: ``*words*`` sets the words in italics
(report titles). Web addresses (``www.…`` or ``https://…``) become links by themselves.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Union

from pydantic import (
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from authoring.model.campaign import Campaign, Vocabulary
from authoring.model.findings import _OR_TODO, StructuredFinding, _any_kind_tag, _finding_tag, finding_model
from authoring.model.gaps import OrTodo, Todo, find_todos
from authoring.model.language import split_twins
from authoring.model.types import Key, Status, Text, _Model
from authoring.registry import forces, unknown_force_message

# --------------------------------------------------------------------------- the form


class Correction(_Model):
    """A change made to a release after it was first published, as GOV.UK's change notes record it."""

    date: dt.date = Field(description="The day the corrected release was issued, as YYYY-MM-DD.")
    note: Text = Field(description="What changed, in a sentence a reader understands: 'Corrected the savings figure.'")


class ReleaseForm(_Model):
    """One force's release: the only file a press officer edits.

    Its ``grade`` and ``findings`` come from the campaign: :func:`form_model` makes the
    class of a campaign's forms.
    """

    finding_kinds: ClassVar[dict[str, type[StructuredFinding]]] = {}

    force: str = Field(description="The force's registry key, e.g. 'thames-valley' (see 'authoring forces').")
    status: Status = Field(
        default=Status.DRAFT,
        description="'draft' (marked as such, and may have gaps written TODO) or 'final' (complete, no TODO).",
    )
    grade: OrTodo[Key] = Field(description="The verdict. It chooses the headline.")
    inspector: OrTodo[Key] = Field(description="Key of the quoted inspector in the campaign file (its 'inspectors').")
    background_extra: Text | None = Field(
        default=None, description="A sentence added to the end of the first background paragraph, if any."
    )
    findings: list[Any] = Field(min_length=1, description="What was found, in order: text or structured findings.")
    after_findings: list[Text] = Field(default_factory=list, description="Paragraphs after the list of findings.")
    quote: list[Text] = Field(min_length=1, description="The force-specific opening paragraph(s) of the quote.")
    quote_closing: list[Text] | None = Field(
        default=None,
        min_length=1,
        description="Closing paragraphs of the quote, only if not the campaign's default (leave it out for that).",
    )
    corrections: list[Correction] = Field(
        default_factory=list,
        description="Corrections made after publication, oldest first: each with its date and what changed.",
    )

    welsh_twins: SkipJsonSchema[dict[str, Any]] = Field(
        default_factory=dict,
        exclude=True,
        description="The Welsh of texts given as {en: …, cy: …}, by the English one's field path (docs/welsh.md).",
    )

    @model_validator(mode="before")
    @classmethod
    def _twins(cls, data: Any) -> Any:
        """Texts given in both languages (``{en: …, cy: …}``): the English in its field, the Welsh kept aside."""
        return split_twins(data)

    @field_validator("force")
    @classmethod
    def _force_known(cls, value: str) -> str:
        if value not in forces():
            raise ValueError(unknown_force_message(value))
        return value

    @field_validator("inspector")
    @classmethod
    def _inspector_known(cls, value: str | Todo, info: ValidationInfo) -> str | Todo:
        campaign = (info.context or {}).get("campaign")
        if isinstance(value, str) and isinstance(campaign, Campaign) and value not in campaign.inspectors:
            raise ValueError(f"no inspector '{value}' in the campaign; it has: {', '.join(campaign.inspectors)}")
        return value

    def todos(self) -> list[str]:
        """The field paths that are gaps (``TODO``) or whose text mentions TODO, e.g. ``findings.3.approved``."""
        return [".".join(str(part) for part in loc) for loc in find_todos(self.model_dump())]

    @model_validator(mode="after")
    def _final_is_complete(self) -> ReleaseForm:
        todos = self.todos()
        if self.status is Status.FINAL and todos:
            raise PydanticCustomError(
                FINAL_HAS_TODO,
                "a final form cannot contain TODO; fill in {fields}, or set 'status: draft'",
                {"fields": ", ".join(todos)},
            )
        return self


#: The error type of a final form with gaps (the loader reports each gap at its own line instead).
FINAL_HAS_TODO = "final_has_todo"

_FORM_MODELS: dict[str, type[ReleaseForm]] = {}


def form_model(campaign: Campaign | Vocabulary | None) -> type[ReleaseForm]:
    """The class of a campaign's forms: its verdicts and kinds of finding (made once per campaign content).

    With only a :class:`Vocabulary` (when the campaign is invalid elsewhere), the same; with
    nothing, any verdict key and any kind are let through, so that everything else about a
    form is still checked.
    """
    key = (
        ""
        if campaign is None
        else campaign.model_dump_json(
            include={"verdicts": True, "findings": {"__all__": {"fields", "rules", "description"}}}
        )
    )
    model = _FORM_MODELS.get(key)
    if model is None:
        model = _FORM_MODELS[key] = _make_form_model(campaign)
    return model


def _make_form_model(campaign: Campaign | Vocabulary | None) -> type[ReleaseForm]:
    if campaign is None:
        finding: Any = Annotated[
            Annotated[Text, Tag("text")] | Annotated[dict[str, Any], Tag("structured")],
            Discriminator(
                _any_kind_tag,
                custom_error_type="finding",
                custom_error_message="a finding is either text, or a mapping with a 'kind'",
            ),
        ]
        return create_model("ReleaseForm", __base__=ReleaseForm, findings=(list[finding], Field(min_length=1)))
    kinds = {key: finding_model(key, spec) for key, spec in campaign.findings.items()}
    choices: list[Any] = [Annotated[Text, Tag("text")], *(Annotated[m, Tag(k)] for k, m in kinds.items())]
    names = ", ".join(kinds) or "none (this campaign has text findings only)"
    finding = Annotated[
        Union[tuple(choices)],  # noqa: UP007 - a union of classes made at run time
        Discriminator(
            _finding_tag,
            custom_error_type="finding",
            custom_error_message=f"a finding is either text, or a mapping whose 'kind' is one of: {names}",
        ),
    ]
    keys = list(campaign.verdicts)
    verdict = StrEnum("Verdict", {key.upper().replace("-", "_"): key for key in keys})  # type: ignore[misc]
    listed = f"{', '.join(keys[:-1])} or {keys[-1]}" if len(keys) > 1 else keys[0]
    model = create_model(
        "ReleaseForm",
        __base__=ReleaseForm,
        grade=(_OR_TODO[verdict], Field(description=f"The verdict: {listed}. It chooses the headline.")),
        findings=(
            list[finding],
            Field(min_length=1, description="What was found, in order: text or structured findings."),
        ),
    )
    model.finding_kinds = kinds
    return model
