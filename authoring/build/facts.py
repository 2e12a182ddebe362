"""What the newsroom needs to know of a built release, recorded by the batch beside its files.

``authoring site`` publishes what a batch built. So that it shows each release as it was
built — even after its form has been edited, or while it fails to validate — the batch
records, in each manifest entry (``"release"``), the facts the site shows: whether it is a
draft, its language, force, headline, verdict and corrections, and its round's title,
dates, embargo, web address, state (``open``, ``closed`` or ``example``: the site leaves
example rounds out) and the newsroom's words (the house's, or the campaign's own): its
name and statements phrased with the press office's names, its links and labels as the
templates the site phrases on each page (:mod:`authoring.model.newsroom`). A translation
(a bilingual force's Welsh release) records its own: its words, its round's title and
the newsroom's words in its language, and its verdict's name there (the campaign's
``cy: verdict_names``). They are data, like the form they come from: the site escapes
every one of them.
"""

from __future__ import annotations

import re
from typing import Any

from authoring.model.campaign import Campaign
from authoring.model.form import ReleaseForm
from authoring.model.inline import Inline, smarten
from authoring.model.phrasing import phrase, speaking
from authoring.model.release import Release
from authoring.model.sentences import SITE_WORDS

#: The language of a release that names none (issue 21 gives releases a language).
DEFAULT_LANGUAGE = "en"


def release_facts(release: Release, form: ReleaseForm | None) -> dict[str, Any]:
    """The facts of one built release (see the module docstring), as JSON-ready data.

    A release built with translations (issue 21: a bilingual force's Welsh twin, its files
    keyed ``pdf@cy`` in the manifest) lists each under ``translations``, with its language.
    """
    grade = getattr(form, "grade", None)
    verdict = str(grade) if isinstance(grade, str) else ""
    return {
        **_words_of(release),
        "verdict": verdict,
        "round": round_facts(release.campaign),
        "translations": [_translation_facts(twin, verdict) for twin in getattr(release, "translations", ())],
    }


def _translation_facts(twin: Release, verdict: str) -> dict[str, Any]:
    """A translation's words, its verdict's name in its language (if the campaign gives one) and its round's facts."""
    names = twin.campaign.cy.verdict_names if twin.campaign.cy is not None else {}
    with speaking(language_of(twin)):
        round_ = round_facts(twin.campaign)
    return {**_words_of(twin), "verdict_name": names.get(verdict, ""), "round": round_}


def _words_of(release: Release) -> dict[str, Any]:
    """What differs between a release and its translation: its language and its words."""
    return {
        "draft": release.is_draft,
        "language": language_of(release),
        "force_name": release.force.name,
        "headline": release.headline,
        "organisation": release.organisation,
        "corrections": [{"date": c.date.isoformat(), "note": c.note} for c in release.corrections],
    }


def round_facts(campaign: Campaign) -> dict[str, Any]:
    """A round's facts: its title, organisation, release date, embargo, web address, state and the newsroom's words."""
    return {
        "title": Inline.parse(campaign.national_report).text,
        "organisation": smarten(campaign.organisation),
        "release_date": campaign.release_date.isoformat(),
        "embargo": campaign.embargo.isoformat(timespec="minutes") if campaign.embargo else None,
        "website": campaign.website.url,
        "state": campaign.round.value,
        "site_words": site_words(campaign),
    }


def site_names(campaign: Campaign) -> dict[str, Any]:
    """The names the newsroom's words may use: the press office's, never a round's."""
    return {
        "organisation": campaign.organisation,
        "organisation_short": campaign.organisation_short,
        "website": {"text": campaign.website.text, "url": campaign.website.url},
        "press_office": campaign.press_office.model_dump(),
    }


def site_words(campaign: Campaign) -> dict[str, Any]:
    """The newsroom's words: its title, accessibility statement and 'another format' page phrased, its links and labels.

    The links and labels (``newsroom``) are templates of the page's own values (a date, a
    count …): the site phrases them on each page (:mod:`authoring.model.newsroom`).
    """
    words, names = campaign.words, site_names(campaign)
    phrased: dict[str, Any] = {}
    for name in SITE_WORDS:
        value = getattr(words, name)
        phrased[name] = phrase(value, names) if isinstance(value, str) else [phrase(text, names) for text in value]
    phrased["newsroom"] = dict(words.newsroom)
    return phrased


def language_of(release: Release) -> str:
    """The language a release is written in, as a BCP 47 tag, as the release gives it (``en-GB``, ``cy``).

    The hook for Welsh releases (issue 21): a release that carries a ``language`` is shown
    in that language, beside the same force's release in the others; one without is English.
    """
    value = getattr(release, "language", None)
    text = str(getattr(value, "value", value) or DEFAULT_LANGUAGE)
    return text if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", text) else DEFAULT_LANGUAGE


def primary_language(tag: str) -> str:
    """A language tag's language alone, in lower case: ``en-GB`` → ``en``, ``cy`` → ``cy``."""
    return tag.split("-", 1)[0].lower()
