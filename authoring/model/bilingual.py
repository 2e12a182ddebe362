"""Bilingual releases: the Welsh twin of a release, and what is still missing from its Welsh.

:func:`build_releases` phrases a form into its English :class:`Release` and, for a
bilingual force (:meth:`WelshSettings.bilingual`), its Welsh twin, attached as
``release.translations``. The Welsh release is phrased exactly as the English one is
(:func:`authoring.model.release.build_release`), from a *Welsh view* of the campaign and of
the form: the same models, every English text swapped for its Welsh, and the helpers
speaking Welsh (:func:`authoring.model.phrasing.speaking`). A Welsh text not written yet
is a gap: a draft prints ``[TODO: … (Cymraeg)]`` in its place; :func:`campaign_gaps` and
:func:`form_gaps` list them, each at the place it belongs, for ``authoring validate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from authoring.model.campaign import Campaign, house_data, house_newsroom
from authoring.model.findings import StructuredFinding
from authoring.model.form import ReleaseForm
from authoring.model.gaps import MARKER, Todo, parse_gap
from authoring.model.language import ENGLISH, WELSH, WELSH_SUFFIX, CampaignWelsh
from authoring.model.phrasing import speaking
from authoring.model.release import Release, build_release
from authoring.model.sentences import SITE_WORDS
from authoring.registry import Force, get_force

Loc = tuple[str | int, ...]

#: The press office's words, each of which a Welsh release needs in Welsh.
HOUSE_WORDS = (
    "dateline",
    "footer",
    "subject",
    "embargo",
    "notes_heading",
    "corrections_heading",
    "correction_mark",
    "correction_note",
    "draft_mark",
    "watermark",
    "category",
    "page_number",
)
#: The fixed sentences every campaign writes.
OWN_SENTENCES = ("headline", "findings_lead_in", "attribution", "full_report")
#: What a Welsh gap prints in a draft, after the field's name.
GAP_LABEL = "Cymraeg"


@dataclass(frozen=True)
class Gap:
    """A Welsh text not written yet: where it belongs (in campaign.yaml or the form), and what it is."""

    loc: Loc
    """Where to point: the Welsh if it is there as TODO, else the English it translates."""
    english: Loc
    """The English it translates."""
    note: str = ""
    """A TODO's note, if it has one."""

    @property
    def message(self) -> str:
        """What a press officer reads, at the gap's line."""
        if self.loc != self.english:
            return f"the Welsh is still TODO{': ' + self.note if self.note else ''}; write it in place of TODO"
        return "no Welsh for this yet; give it beside the English (docs/welsh.md says how)"


def is_bilingual(form: ReleaseForm, campaign: Campaign) -> bool:
    """Whether the form's release goes out in Welsh and English."""
    return campaign.welsh.bilingual(form.force)


def welsh_force(force: Force) -> Force:
    """The force as Welsh sentences name it: its Welsh name (the English one if the registry has none)."""
    name = force.welsh_name or force.name
    return force.model_copy(update={"name": name, "short_name": None if force.welsh_name else force.short_name})


# --------------------------------------------------------------------------- the campaign's Welsh


def _missing(value: Any) -> bool:
    return value is None or parse_gap(value) is not None


def _gap(english: Loc, welsh: Loc, value: Any) -> Gap:
    todo = parse_gap(value)
    return Gap(loc=welsh if todo is not None else english, english=english, note=todo.note if todo else "")


@dataclass(frozen=True)
class Pair:
    """An English text of the campaign or a form, and its Welsh as given (None: not given)."""

    english_loc: Loc
    english: str
    welsh_loc: Loc
    welsh: Any

    @property
    def gap(self) -> Gap | None:
        """The gap, if the Welsh is missing (an English gap needs no Welsh yet)."""
        if parse_gap(self.english) is not None:
            return None
        if isinstance(self.welsh, str) and self.welsh.strip() and parse_gap(self.welsh) is None:
            return None
        return _gap(self.english_loc, self.welsh_loc, self.welsh if isinstance(self.welsh, str) else None)


def campaign_gaps(campaign: Campaign) -> list[Gap]:
    """Every English text of the campaign whose Welsh is missing, in the file's order."""
    return [pair.gap for pair in campaign_pairs(campaign) if pair.gap is not None]


def campaign_pairs(campaign: Campaign) -> Iterator[Pair]:
    """Every English text the campaign writes, with its Welsh (``cy:`` + the same path), in the file's order."""
    cy = campaign.cy or CampaignWelsh()

    def one(english: Loc, text: str, value: Any) -> Pair:
        return Pair(english, text, ("cy", *english), value)

    def many(field: Loc, english: list[str], welsh: list[str]) -> Iterator[Pair]:
        for index, text in enumerate(english):
            yield one((*field, index), text, welsh[index] if index < len(welsh) else None)

    yield one(("organisation",), campaign.organisation, cy.organisation)
    yield one(("national_report",), campaign.national_report, cy.national_report)
    if campaign.original_report:
        yield one(("original_report",), campaign.original_report, cy.original_report)
    for key, words in campaign.verdicts.items():
        yield one(("verdicts", key), words, cy.verdicts.get(key))
    for name in OWN_SENTENCES:
        yield one(("sentences", name), getattr(campaign.sentences, name), getattr(cy.sentences, name))
    for name in HOUSE_WORDS:  # a word the campaign changes in English needs its own Welsh
        if getattr(campaign.sentences, name) is not None:
            yield one(("sentences", name), getattr(campaign.sentences, name), getattr(cy.sentences, name))
    if campaign.sentences.press_office_notes is not None:
        notes = cy.sentences.press_office_notes or []
        yield from many(("sentences", "press_office_notes"), campaign.sentences.press_office_notes, notes)
    yield from many(("background",), campaign.background, cy.background)
    yield one(("revisit",), campaign.revisit, cy.revisit)
    yield from many(("notes_to_editors",), campaign.notes_to_editors, cy.notes_to_editors)
    yield one(("press_office", "hours"), campaign.press_office.hours, cy.press_office.hours)
    yield from many(("quote_closing",), campaign.quote_closing, cy.quote_closing)
    for key, words in campaign.periods.items():
        yield one(("periods", key), words, cy.periods.get(key))
    for key, inspector in campaign.inspectors.items():
        welsh = cy.inspectors.get(key)
        for part in ("role", "region"):
            if getattr(inspector, part):
                yield one(("inspectors", key, part), getattr(inspector, part), getattr(welsh, part, None))
    for key, spec in campaign.findings.items():
        kind = cy.findings.get(key)
        yield one(("findings", key, "phrase"), spec.phrase, kind.phrase if kind else None)


def _placeholder(english: Loc) -> str:
    return Todo().placeholder(f"{'.'.join(map(str, english))} ({GAP_LABEL})")


def welsh_campaign(campaign: Campaign) -> Campaign:
    """The campaign with every English text swapped for its Welsh (a gap for a placeholder), for phrasing."""
    cy = campaign.cy or CampaignWelsh()

    def text(english: Loc, value: str | None) -> str:
        return _placeholder(english) if _missing(value) else str(value)

    def texts(field: str, english: list[str], welsh: list[str]) -> list[str]:
        return [text((field, i), welsh[i] if i < len(welsh) else None) for i in range(len(english))]

    house = {**house_data()["cy"], **cy.sentences.model_dump(exclude_none=True)}
    english_own = campaign.sentences
    sentences = {
        name: (
            text(("sentences", name), getattr(cy.sentences, name))
            if name in OWN_SENTENCES or getattr(english_own, name) is not None
            else house[name]
        )
        for name in (*OWN_SENTENCES, *HOUSE_WORDS)
    }
    if english_own.press_office_notes is not None and cy.sentences.press_office_notes is None:
        sentences["press_office_notes"] = texts("sentences.press_office_notes", english_own.press_office_notes, [])
    else:
        sentences["press_office_notes"] = house["press_office_notes"]
    for name in SITE_WORDS:  # the newsroom's Welsh pages: the campaign's Welsh words, else the house's
        sentences[name] = house[name]
    sentences["newsroom"] = {**house_newsroom(WELSH), **(cy.sentences.newsroom or {})}
    inspectors = {
        key: inspector.model_copy(
            update={
                part: text(("inspectors", key, part), getattr(cy.inspectors.get(key), part, None))
                for part in ("role", "region")
                if getattr(inspector, part)
            }
        )
        for key, inspector in campaign.inspectors.items()
    }
    kinds = {}
    for key, spec in campaign.findings.items():
        welsh = cy.findings.get(key)
        update: dict[str, Any] = (
            {"phrase": welsh.phrase, "examples": welsh.examples}
            if welsh is not None and not _missing(welsh.phrase)
            else {"phrase": _placeholder(("findings", key, "phrase"))}
        )
        kinds[key] = spec.model_copy(update=update)
    return campaign.model_copy(
        update={
            "organisation": text(("organisation",), cy.organisation),
            "organisation_short": cy.organisation_short or campaign.organisation_short,
            "national_report": text(("national_report",), cy.national_report),
            "original_report": (text(("original_report",), cy.original_report) if campaign.original_report else None),
            "verdicts": {key: text(("verdicts", key), cy.verdicts.get(key)) for key in campaign.verdicts},
            "background": texts("background", campaign.background, cy.background),
            "revisit": text(("revisit",), cy.revisit),
            "website": campaign.website.model_copy(update=cy.website.model_dump()) if cy.website else campaign.website,
            "notes_to_editors": texts("notes_to_editors", campaign.notes_to_editors, cy.notes_to_editors),
            "press_office": campaign.press_office.model_copy(
                update={"hours": text(("press_office", "hours"), cy.press_office.hours)}
            ),
            "quote_closing": texts("quote_closing", campaign.quote_closing, cy.quote_closing),
            "periods": {key: text(("periods", key), cy.periods.get(key)) for key in campaign.periods},
            "inspectors": inspectors,
            "findings": kinds,
            "sentences": campaign.sentences.model_copy(update=sentences),
        }
    )


# --------------------------------------------------------------------------- the form's Welsh


def form_texts(form: ReleaseForm) -> Iterator[tuple[Loc, str]]:
    """Every free text of the form a bilingual release needs in Welsh, with its field path."""
    if form.background_extra:
        yield ("background_extra",), form.background_extra
    for index, finding in enumerate(form.findings):
        if isinstance(finding, str):
            yield ("findings", index), finding
    for field in ("after_findings", "quote", "quote_closing"):
        for index, paragraph in enumerate(getattr(form, field) or ()):
            yield (field, index), paragraph
    for index, correction in enumerate(form.corrections):
        yield ("corrections", index, "note"), correction.note


def _key(loc: Loc) -> str:
    return ".".join(map(str, loc))


def form_pairs(form: ReleaseForm) -> Iterator[Pair]:
    """Every free text of the form, with its Welsh twin as given (the twin's ``cy:`` beside the English)."""
    for loc, english in form_texts(form):
        yield Pair(loc, english, (*loc, "cy"), form.welsh_twins.get(_key(loc)))


def form_gaps(form: ReleaseForm) -> list[Gap]:
    """Every free text of the form whose Welsh twin is missing (an English gap needs no Welsh yet)."""
    return [pair.gap for pair in form_pairs(form) if pair.gap is not None]


def welsh_form(form: ReleaseForm) -> ReleaseForm:
    """The form with every free text swapped for its Welsh twin (``TODO`` where there is none)."""
    twins = form.welsh_twins

    def text(loc: Loc, english: str) -> str:
        welsh = twins.get(_key(loc))
        if parse_gap(english) is not None:
            return english
        todo = parse_gap(welsh)
        if not isinstance(welsh, str) or not welsh.strip() or todo is not None:
            return f"{MARKER} {GAP_LABEL}{': ' + todo.note if todo and todo.note else ''}"
        return welsh

    def finding(index: int, item: str | StructuredFinding) -> str | StructuredFinding:
        if isinstance(item, str):
            return text(("findings", index), item)
        own = {
            name: twins[key]
            for name, value in item
            if isinstance(value, str) and isinstance(twins.get(key := f"findings.{index}.{name}"), str)
        }
        return item.model_copy(update=own) if own else item

    def paragraphs(field: str) -> list[str] | None:
        values = getattr(form, field)
        return None if values is None else [text((field, i), value) for i, value in enumerate(values)]

    return form.model_copy(
        update={
            "background_extra": text(("background_extra",), form.background_extra) if form.background_extra else None,
            "findings": [finding(index, item) for index, item in enumerate(form.findings)],
            "after_findings": paragraphs("after_findings"),
            "quote": paragraphs("quote"),
            "quote_closing": paragraphs("quote_closing"),
            "corrections": [
                item.model_copy(update={"note": text(("corrections", index, "note"), item.note)})
                for index, item in enumerate(form.corrections)
            ],
        }
    )


# --------------------------------------------------------------------------- the releases


def build_releases(form: ReleaseForm, campaign: Campaign) -> Release:
    """The form's release, with its Welsh twin in ``translations`` if the force's releases are bilingual."""
    english = build_release(form, campaign)
    if not is_bilingual(form, campaign):
        return english
    return replace(english, translations=(welsh_release(form, campaign, english),))


def welsh_release(form: ReleaseForm, campaign: Campaign, english: Release) -> Release:
    """The Welsh twin of ``english``: phrased from the Welsh views, named after the English file plus '-cy'."""
    force = get_force(form.force)
    with speaking(WELSH):
        release = build_release(welsh_form(form), welsh_campaign(campaign), force=welsh_force(force))
    return replace(release, language=WELSH, file_name=f"{english.file_stem}{WELSH_SUFFIX}")


__all__ = [
    "ENGLISH",
    "WELSH",
    "Gap",
    "Pair",
    "build_releases",
    "campaign_gaps",
    "campaign_pairs",
    "form_gaps",
    "form_pairs",
    "welsh_campaign",
    "welsh_form",
]
