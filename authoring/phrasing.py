"""House style: how numbers and the standard sentences are phrased.

Every sentence the toolkit generates (rather than copies from a form or the campaign)
is built here, so that the DOCX, HTML, PDF and Markdown outputs all say the same thing.

Numbers follow the seeds: words for one to nine, numerals for 10 and above, and a
natural sentence for zero ("did not identify any cases", "there were no applications").
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from authoring.gaps import Todo
from authoring.models import (
    AntiCorruptionStaffing,
    Inspector,
    MediaDisclosures,
    SecondJobs,
    SocialMedia,
    Staffing,
)

T = TypeVar("T")

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int) -> str:
    """A count in house style: 'one' … 'nine', then '10', '54', '129'."""
    if n < 0:
        raise ValueError(f"counts are never negative: {n}")
    return _WORDS[n] if n < 10 else str(n)


def counted(n: int, singular: str, plural: str) -> str:
    """'one instance', 'three instances', '54 instances'."""
    return f"{number(n)} {singular if n == 1 else plural}"


def capitalise(text: str) -> str:
    """Upper-case the first letter only ('all but one' -> 'All but one')."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter only ('Since our 2011 inspection' -> 'since our …')."""
    return text[:1].lower() + text[1:]


def is_perfect(period: str) -> bool:
    """Periods that begin 'Since' take the present perfect; others ('Between …') the simple past."""
    return period.strip().lower().startswith("since ")


def _known(value: T | Todo) -> T:
    """A value that is not a gap; a draft's gaps are printed as placeholders by the context, never phrased."""
    if isinstance(value, Todo):
        raise ValueError(f"cannot phrase a gap ({value})")
    return value


def _lead(period: str | None) -> str:
    return f"{period} " if period else ""


def media_disclosures(finding: MediaDisclosures, period: str | None) -> str:
    """Phrase a media-disclosures finding, with how many were continuing if stated."""
    perfect = period is None or is_perfect(period)
    n = _known(finding.investigated)
    noun = "of inappropriate disclosure to the media"
    if n == 0:
        verb = "has not investigated" if perfect else "did not investigate"
        return f"{_lead(period)}the force {verb} any instances {noun}."
    verb = "has investigated" if perfect else "investigated"
    sentence = f"{_lead(period)}the force {verb} {counted(n, 'instance', 'instances')} {noun}."
    sentence = capitalise(sentence)
    if finding.ongoing is None:
        return sentence
    return f"{sentence} {_ongoing(n, _known(finding.ongoing))}"


def _ongoing(n: int, k: int) -> str:
    tail = "continuing at the time of our inspection."
    if n == 1:
        return f"It was {tail}" if k == 1 else "It had been concluded by the time of our inspection."
    if k == 0:
        return f"None of these was {tail}"
    if k == n:
        return f"{'Both' if n == 2 else 'All'} of these were {tail}"
    if k == n - 1 and n >= 3:
        return f"All but one of these were {tail}"
    return f"{capitalise(number(k))} of these {'was' if k == 1 else 'were'} {tail}"


def social_media(finding: SocialMedia, period: str | None, *, force_name: str, organisation: str) -> str:
    """Phrase a social-media finding from the inspectorate's research."""
    kind = "potentially inappropriate" if finding.potentially else "inappropriate"
    research = f"{_lead(period)}{organisation}’s independently commissioned research"
    tail = f"{kind} behaviour on Facebook or Twitter by {force_name} officers or staff."
    n = _known(finding.cases)
    if n == 0:
        return capitalise(f"{research} did not identify any cases of {tail}")
    sentence = capitalise(f"{research} identified {counted(n, 'case', 'cases')} of {tail}")
    if finding.referred:
        sentence += (
            " This has been referred back to the force." if n == 1 else " These have been referred back to the force."
        )
    return sentence


def second_jobs(finding: SecondJobs, period: str | None) -> str:
    """Phrase applications for second jobs and how many were approved."""
    perfect = period is None or is_perfect(period)
    n, k = _known(finding.applications), _known(finding.approved)
    been = "have been" if perfect else "were"
    if n == 0:
        return capitalise(f"{_lead(period)}there {been} no applications for second jobs.")
    if n == 1:
        there = "there has been" if perfect else "there was"
        outcome = {
            (True, True): "has been",
            (True, False): "has not been",
            (False, True): "was",
            (False, False): "was not",
        }[(perfect, k == 1)]
        return capitalise(f"{_lead(period)}{there} one application for a second job, which {outcome} approved.")
    if k == n:
        tail = f"{'both' if n == 2 else 'all'} of which {been} approved"
    elif k == 0:
        tail = f"none of which {been} approved"
    elif k == n - 1 and n >= 3:
        tail = "with all but one being approved"
    else:
        verb = ("has been" if perfect else "was") if k == 1 else been
        tail = f"{number(k)} of which {verb} approved"
    return capitalise(
        f"{_lead(period)}there {been} {counted(n, 'application', 'applications')} for second jobs, {tail}."
    )


def anti_corruption_staffing(finding: AntiCorruptionStaffing, period: str | None, *, organisation: str) -> str:
    """Phrase the change in anti-corruption unit staffing; the period closes the sentence."""
    perfect = period is None or is_perfect(period)
    there = "there has been" if perfect else "there was"
    change = {
        Staffing.INCREASE: "an increase in",
        Staffing.NO_CHANGE: "no change in",
        Staffing.REDUCTION: "a reduction in",
    }[_known(finding.change)]
    when = f" {lower_first(period)}" if period else ""
    return (
        f"Data provided by the force to {organisation} shows that {there} {change} "
        f"the number of staff working in the anti-corruption unit{when}."
    )


def attribution(inspector: Inspector) -> str:
    """'HM Inspector of Constabulary for the Eastern Region, Zoë Billingham, said:'."""
    return f"HM Inspector of Constabulary for the {inspector.region}, {inspector.display_name}, said:"


def long_date(day: dt.date) -> str:
    """'11 December 2012'."""
    return f"{day.day} {day:%B %Y}"


def embargo_line(moment: dt.datetime) -> str:
    """'EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012'."""
    return f"EMBARGOED UNTIL {moment:%H:%M} {moment:%A} {long_date(moment.date())}".upper()
