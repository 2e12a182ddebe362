"""The columns of a round's workbook, made from its campaign: one definition for writing and reading.

A row per force of the registry; a column per figure. The first columns are the form's own
fields (``force``, the force's ``name`` for people to read, ``status``, ``grade`` — the
verdict — and ``inspector``), then each kind of structured finding's fields in the
campaign's order, headed ``kind.field`` (``savings.target``), as ``authoring validate``
names them. Each column carries its field's description (the header's note) and what a
cell may hold (the drop-down lists and number formats), all taken from the campaign and
the form model, so that the workbook cannot drift from what ``validate`` accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from authoring.model.campaign import Campaign
from authoring.model.findings import FieldType
from authoring.model.form import ReleaseForm
from authoring.model.types import Status

#: The column that says which force a row is for; every sheet must have it.
FORCE = "force"
#: The force's name, for people to read; an import ignores it.
NAME = "name"
#: A finding's period, if not the campaign's default for its kind (a column only where the campaign has periods).
PERIOD = "period"
#: What a yes-no cell holds.
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Column:
    """One column of the workbook: its header, the field it fills, and what a cell may hold."""

    header: str
    """``grade``, ``savings.target``: the field's path as ``validate`` names it."""
    kind: str | None
    """The kind of structured finding the field belongs to; ``None`` for the form's own fields."""
    field: str
    """The field's name in the form (or in the finding)."""
    type: FieldType
    """What a cell holds: a count, money, a percentage, a choice, yes or no, a date or a short text."""
    description: str
    """What the field holds, for the person filling in the sheet (the header's note)."""
    required: bool = False
    """Whether a form must give it (for a finding's field: whenever the form has that finding)."""
    choices: tuple[str, ...] = ()
    """For a choice: the words a cell may hold (the drop-down list)."""
    minimum: float | None = None
    maximum: float | None = None

    @property
    def informative(self) -> bool:
        """Whether the column only helps people read the sheet (an import ignores it)."""
        return self.header == NAME

    def what(self) -> str:
        """What a cell of this column holds, in a few words (the instructions sheet, the notes)."""
        bounds = ""
        if self.minimum is not None or self.maximum is not None:
            low = "" if self.minimum is None else f"from {_figure(self.minimum)}"
            high = "" if self.maximum is None else f"up to {_figure(self.maximum)}"
            bounds = " (" + " ".join(part for part in (low, high) if part) + ")"
        return {
            FieldType.COUNT: f"a whole number{bounds}, e.g. 1212",
            FieldType.MONEY: f"an amount in pounds{bounds}, in figures, e.g. 54800000 or 1250.50",
            FieldType.PERCENT: f"a percentage as a number{bounds}: 16.5 for 16.5%",
            FieldType.CHOICE: "one of: " + ", ".join(self.choices),
            FieldType.YES_NO: "yes or no",
            FieldType.DATE: "a date, e.g. 2010-04-01",
            FieldType.TEXT: "a short text",
        }[self.type]


def columns(campaign: Campaign) -> list[Column]:
    """The workbook's columns for ``campaign``, in order."""
    model = ReleaseForm.model_fields
    found = [
        Column(FORCE, None, FORCE, FieldType.TEXT, "The force's key: do not change it.", True),
        Column(NAME, None, NAME, FieldType.TEXT, "The force's name, for reading only (the import ignores it)."),
        Column(
            "status",
            None,
            "status",
            FieldType.CHOICE,
            _text(model["status"].description),
            choices=tuple(status.value for status in Status),
        ),
        Column(
            "grade",
            None,
            "grade",
            FieldType.CHOICE,
            "The verdict; it chooses the headline.",
            True,
            tuple(campaign.verdicts),
        ),
        Column(
            "inspector",
            None,
            "inspector",
            FieldType.CHOICE,
            "The inspector quoted in the release.",
            True,
            tuple(campaign.inspectors),
        ),
    ]
    for kind, spec in campaign.findings.items():
        for name, field in spec.fields.items():
            found.append(
                Column(
                    f"{kind}.{name}",
                    kind,
                    name,
                    field.type,
                    field.description,
                    field.required,
                    tuple(field.choices or ()),
                    field.min if field.min is not None else _default_min(field.type),
                    field.max if field.max is not None else (100.0 if field.type is FieldType.PERCENT else None),
                )
            )
        if campaign.periods:
            default = campaign.default_periods.get(kind)
            usual = f"blank for the usual one ({default})" if default else "blank for none"
            found.append(
                Column(
                    f"{kind}.{PERIOD}",
                    kind,
                    PERIOD,
                    FieldType.CHOICE,
                    f"The period the {kind} figures cover, {usual}.",
                    choices=tuple(campaign.periods),
                )
            )
    return found


def kinds(found: list[Column]) -> dict[str, list[Column]]:
    """The columns of each kind of finding, by kind, in order."""
    result: dict[str, list[Column]] = {}
    for column in found:
        if column.kind is not None:
            result.setdefault(column.kind, []).append(column)
    return result


def one_finding_each(data: dict[str, Any]) -> tuple[dict[str, tuple[int, dict[str, Any]]], dict[str, list[int]]]:
    """A form's structured findings by kind (index and fields), and the kinds it gives more than once (indexes)."""
    single: dict[str, tuple[int, dict[str, Any]]] = {}
    twice: dict[str, list[int]] = {}
    for index, finding in _structured(data):
        kind = finding["kind"]
        if kind in twice:
            twice[kind].append(index)
        elif kind in single:
            twice[kind] = [single.pop(kind)[0], index]
        else:
            single[kind] = (index, finding)
    return single, twice


def _structured(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    findings = data.get("findings")
    if not isinstance(findings, list):
        return
    for index, finding in enumerate(findings):
        if isinstance(finding, dict) and isinstance(finding.get("kind"), str):
            yield index, finding


def _default_min(kind: FieldType) -> float | None:
    return 0.0 if kind in (FieldType.COUNT, FieldType.MONEY, FieldType.PERCENT) else None


def _text(description: str | None) -> str:
    return description or ""


def _figure(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"
