"""A campaign's words: its sentences and kinds of finding phrased, and checked before any build.

Every sentence of a release that is not copied from a form or the campaign's paragraphs
is a template in the campaign (``sentences``, each kind of finding's ``phrase``) or a
press-office default (``authoring/data/house.yaml``). :func:`check_phrasing` compiles
each one, checks the names it uses, runs it once for every verdict and inspector, and
runs every example of every kind of finding, comparing the sentence with what the
example says: a mistake is a :class:`Problem` at its line in ``campaign.yaml``.
"""

from __future__ import annotations

from typing import Any

from authoring.model.campaign import Campaign, Inspector
from authoring.model.findings import StructuredFinding
from authoring.model.phrasing import is_perfect, phrase
from authoring.registry import Force

#: The names every sentence may use.
COMMON_NAMES = (
    "force",
    "organisation",
    "organisation_short",
    "national_report",
    "original_report",
    "release_date",
    "embargo",
    "website",
    "press_office",
)
#: The names the newsroom's words may use (``authoring site``): the press office's, never a round's.
SITE_NAMES = ("organisation", "organisation_short", "website", "press_office")
#: The newsroom's words in the house file (a campaign may change them under ``sentences``).
SITE_WORDS = ("site_title", "accessibility_statement", "another_format")
#: The names one sentence has besides the common ones.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "headline": ("verdict",),
    "attribution": ("inspector",),
    "page_number": ("page", "pages"),
}
#: The names a finding's sentence has besides its fields.
FINDING_NAMES = ("kind", "period", "perfect", "force", "organisation", "organisation_short", "national_report")


def force_names(force: Force) -> dict[str, Any]:
    """A force as sentences see it: ``force.name``, ``force.short_name``, ``force.slug``."""
    return {"name": force.name, "short_name": force.short_name or force.name, "slug": force.slug}


def inspector_names(inspector: Inspector) -> dict[str, Any]:
    """An inspector as the attribution sees it."""
    return {
        "name": inspector.name,
        "display_name": inspector.display_name,
        "honours": " ".join(inspector.honours),
        "region": inspector.region or "",
        "role": inspector.role or "",
    }


def common(campaign: Campaign, force: Force) -> dict[str, Any]:
    """The names every sentence of ``force``'s release may use."""
    return {"force": force_names(force), **round_names(campaign)}


def round_names(campaign: Campaign) -> dict[str, Any]:
    """The round's own names, the same for every force (what a national summary's sentences see too)."""
    return {
        "organisation": campaign.organisation,
        "organisation_short": campaign.organisation_short,
        "national_report": campaign.national_report,
        "original_report": campaign.original_report or "",
        "release_date": campaign.release_date,
        "embargo": campaign.embargo,
        "website": {"text": campaign.website.text, "url": campaign.website.url},
        "press_office": campaign.press_office.model_dump(),
    }


def period_of(finding: StructuredFinding, campaign: Campaign) -> str | None:
    """The words of the period a finding covers: its own, or its kind's default, or none."""
    key = finding.period or campaign.default_periods.get(finding.kind)
    return campaign.periods[key] if key else None


def finding_context(finding: StructuredFinding, campaign: Campaign, force: Force) -> dict[str, Any]:
    """What a finding's sentence sees: its fields, its kind and period, the force and the organisation."""
    period = period_of(finding, campaign)
    return {
        **finding.values(),
        "kind": finding.kind,
        "period": period,
        "perfect": is_perfect(period),
        "force": force_names(force),
        "organisation": campaign.organisation,
        "organisation_short": campaign.organisation_short,
        "national_report": campaign.national_report,
    }


def phrase_finding(finding: StructuredFinding, campaign: Campaign, force: Force) -> str:
    """The sentence of a structured finding, from its kind's template."""
    return phrase(campaign.findings[finding.kind].phrase, finding_context(finding, campaign, force))
