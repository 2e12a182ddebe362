"""House style: the helpers, and the 2012 campaign's sentences phrased from its templates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pytest

from authoring.inputs.load import load_campaign, load_form
from authoring.model import phrasing
from authoring.model.campaign import Campaign, Inspector
from authoring.model.findings import StructuredFinding
from authoring.model.form import form_model
from authoring.model.release import build_release
from authoring.model.sentences import phrase_finding
from authoring.registry import get_force
from tests.conftest import FORCES


@cache
def campaign() -> Campaign:
    return load_campaign(FORCES / "campaign.yaml")


def sentence(kind: str, period: str | None = None, force: str = "kent", **values: Any) -> str:
    """The sentence the 2012 campaign makes of a finding of ``kind``."""
    model = form_model(campaign()).finding_kinds[kind]
    finding: StructuredFinding = model.model_validate({"kind": kind, "period": period, **values})
    return phrase_finding(finding, campaign(), get_force(force))


SINCE = "since-sept-2011"
BETWEEN = "sept-2011-to-may-2012"


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "zero"), (1, "one"), (2, "two"), (9, "nine"), (10, "10"), (11, "11"), (54, "54"), (129, "129")],
)
def test_number_words_to_nine_then_numerals(n: int, words: str) -> None:
    assert phrasing.number(n) == words


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        phrasing.number(-1)


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "no cases"), (1, "one case"), (2, "two cases"), (9, "nine cases"), (10, "10 cases")]
)
def test_counted_agrees_in_number_and_says_zero_in_words(n: int, expected: str) -> None:
    assert phrasing.counted(n, "case") == expected
    assert phrasing.counted(n, "person", "people").endswith("person" if n == 1 else "people")


@pytest.mark.parametrize(
    ("part", "whole", "words"),
    [(0, 5, "none"), (2, 2, "both"), (3, 3, "all"), (2, 3, "all but one"), (1, 2, "one"), (10, 12, "10")],
)
def test_proportion(part: int, whole: int, words: str) -> None:
    assert phrasing.proportion(part, whole) == words


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        (12500, "£12,500"),
        (12500.5, "£12,500.50"),
        (999, "£999"),
        (1_500_000, "£1.5m"),
        (749_000_000, "£749m"),
        (2_400_000_000, "£2.4bn"),
        (3_000_000_000, "£3bn"),
        (0.3 - 0.1 - 0.2, "£0"),  # a difference of whole pence, off by a binary fraction
        (0.1 + 0.2, "£0.30"),
    ],
)
def test_money(amount: float, printed: str) -> None:
    assert phrasing.money(amount) == printed


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (45, "45%"),
        (12.5, "12.5%"),
        (12.25, "12.2%"),
        (100.0, "100%"),
        (0, "0%"),
        (99.94, "99.9%"),
        # rounding never says all or none when the form does not
        (99.99, "99.99%"),
        (99.96, "99.96%"),
        (0.04, "0.04%"),
        (0.0001, "0.0001%"),
    ],
)
def test_percent(value: float, printed: str) -> None:
    assert phrasing.percent(value) == printed


@pytest.mark.parametrize(
    ("items", "joined"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")]
)
def test_and_list(items: list[str], joined: str) -> None:
    assert phrasing.and_list(items) == joined


def test_a_template_is_compiled_once_and_sees_its_values_only_as_data() -> None:
    source = "{{ name | capitalise }} said {{ counted(n, 'thing') }}."
    assert phrasing.compiled(source) is phrasing.compiled(source)
    assert phrasing.phrase(source, {"name": "{{ 7 * 7 }}", "n": 3}) == "{{ 7 * 7 }} said three things."


def test_the_sandbox_refuses_python_internals() -> None:
    with pytest.raises(phrasing.PhrasingError, match="not allowed in a template"):
        phrasing.phrase("{{ name.__class__.__mro__ }}", {"name": "x"})


def media(n: int, ongoing: int | None = None) -> dict[str, Any]:
    return {"investigated": n, "ongoing": ongoing}


@pytest.mark.parametrize(
    ("finding", "period", "expected"),
    [
        (
            media(0),
            SINCE,
            "Since September 2011 the force has not investigated any instances of inappropriate disclosure "
            "to the media.",
        ),
        (
            media(0),
            BETWEEN,
            "Between September 2011 and May 2012 the force did not investigate any instances of inappropriate "
            "disclosure to the media.",
        ),
        (
            media(1),
            BETWEEN,
            "Between September 2011 and May 2012 the force investigated one instance of inappropriate disclosure "
            "to the media.",
        ),
        (
            media(9),
            SINCE,
            "Since September 2011 the force has investigated nine instances of inappropriate disclosure to the media.",
        ),
        (
            media(10),
            SINCE,
            "Since September 2011 the force has investigated 10 instances of inappropriate disclosure to the media.",
        ),
        (
            media(2),
            SINCE,
            "Since September 2011 the force has investigated two instances of inappropriate disclosure to the media.",
        ),
    ],
)
def test_media_disclosures(finding: dict[str, Any], period: str | None, expected: str) -> None:
    assert sentence("media-disclosures", period, **finding) == expected


@pytest.mark.parametrize(
    ("n", "ongoing", "tail"),
    [
        (3, 1, "One of these was continuing at the time of our inspection."),
        (3, 2, "All but one of these were continuing at the time of our inspection."),
        (3, 3, "All of these were continuing at the time of our inspection."),
        (2, 2, "Both of these were continuing at the time of our inspection."),
        (2, 1, "One of these was continuing at the time of our inspection."),
        (12, 0, "None of these was continuing at the time of our inspection."),
        (12, 10, "10 of these were continuing at the time of our inspection."),
        (1, 1, "It was continuing at the time of our inspection."),
        (1, 0, "It had been concluded by the time of our inspection."),
    ],
)
def test_media_disclosures_still_ongoing(n: int, ongoing: int, tail: str) -> None:
    assert sentence("media-disclosures", SINCE, **media(n, ongoing)).endswith(" " + tail)


def social(cases: int, **extra: bool) -> dict[str, Any]:
    return {"cases": cases, **extra}


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        (
            social(0),
            "HMIC’s independently commissioned research did not identify any cases of inappropriate behaviour on "
            "Facebook or Twitter by Kent Police officers or staff.",
        ),
        (
            social(1, referred=True),
            "HMIC’s independently commissioned research identified one case of inappropriate behaviour on Facebook "
            "or Twitter by Kent Police officers or staff. This has been referred back to the force.",
        ),
        (
            social(5, potentially=True, referred=True),
            "HMIC’s independently commissioned research identified five cases of potentially inappropriate "
            "behaviour on Facebook or Twitter by Kent Police officers or staff. These have been referred back to "
            "the force.",
        ),
        (
            social(10),  # a form that says nothing about referral: the release says nothing either
            "HMIC’s independently commissioned research identified 10 cases of inappropriate behaviour on Facebook "
            "or Twitter by Kent Police officers or staff.",
        ),
    ],
)
def test_social_media(finding: dict[str, Any], expected: str) -> None:
    assert sentence("social-media", **finding) == expected


def jobs(applications: int, approved: int) -> dict[str, Any]:
    return {"applications": applications, "approved": approved}


@pytest.mark.parametrize(
    ("finding", "period", "expected"),
    [
        (jobs(0, 0), SINCE, "Since September 2011 there have been no applications for second jobs."),
        (jobs(0, 0), BETWEEN, "Between September 2011 and May 2012 there were no applications for second jobs."),
        (
            jobs(1, 1),
            SINCE,
            "Since September 2011 there has been one application for a second job, which has been approved.",
        ),
        (
            jobs(1, 0),
            SINCE,
            "Since September 2011 there has been one application for a second job, which has not been approved.",
        ),
        (
            jobs(2, 1),
            SINCE,
            "Since September 2011 there have been two applications for second jobs, one of which has been approved.",
        ),
        (
            jobs(2, 2),
            SINCE,
            "Since September 2011 there have been two applications for second jobs, both of which have been approved.",
        ),
        (
            jobs(9, 9),
            SINCE,
            "Since September 2011 there have been nine applications for second jobs, all of which have been approved.",
        ),
        (
            jobs(9, 0),
            SINCE,
            "Since September 2011 there have been nine applications for second jobs, none of which have been approved.",
        ),
        (
            jobs(129, 128),
            SINCE,
            "Since September 2011 there have been 129 applications for second jobs, with all but one being approved.",
        ),
        (
            jobs(3, 2),
            SINCE,
            "Since September 2011 there have been three applications for second jobs, with all but one being approved.",
        ),
        (
            jobs(54, 51),
            SINCE,
            "Since September 2011 there have been 54 applications for second jobs, 51 of which have been approved.",
        ),
        (
            jobs(10, 9),
            BETWEEN,
            "Between September 2011 and May 2012 there were 10 applications for second jobs, "
            "with all but one being approved.",
        ),
        (
            jobs(12, 4),
            BETWEEN,
            "Between September 2011 and May 2012 there were 12 applications for second jobs, "
            "four of which were approved.",
        ),
    ],
)
def test_second_jobs(finding: dict[str, Any], period: str, expected: str) -> None:
    assert sentence("second-jobs", period, **finding) == expected


@pytest.mark.parametrize(
    ("change", "words"),
    [("increase", "an increase in"), ("no-change", "no change in"), ("reduction", "a reduction in")],
)
def test_anti_corruption_staffing(change: str, words: str) -> None:
    assert sentence("anti-corruption-staffing", change=change) == (
        f"Data provided by the force to HMIC shows that there has been {words} the number of staff working in the "
        "anti-corruption unit since our 2011 inspection."
    )


def _attribution(inspector: Inspector) -> str:
    the_campaign = campaign().model_copy(update={"inspectors": {"someone": inspector}})
    form = load_form(FORCES / "bedfordshire.yaml", campaign()).model_copy(update={"inspector": "someone"})
    return build_release(form, the_campaign).attribution


def test_attribution_with_and_without_honours() -> None:
    otter = Inspector(name="Stephen Otter", honours=["QPM"], region="National Team")
    billingham = Inspector(name="Zoë Billingham", region="Eastern Region")
    assert _attribution(otter) == "HM Inspector of Constabulary for the National Team, Stephen Otter QPM, said:"
    assert _attribution(billingham) == "HM Inspector of Constabulary for the Eastern Region, Zoë Billingham, said:"
    two = Inspector(name="A Person", honours=["CBE", "QPM"], region="Western Region")
    assert _attribution(two) == "HM Inspector of Constabulary for the Western Region, A Person CBE QPM, said:"


def test_dates_and_the_embargo_line() -> None:
    assert phrasing.long_date(dt.date(2012, 12, 1)) == "1 December 2012"
    form = load_form(FORCES / "bedfordshire.yaml", campaign())
    assert build_release(form, campaign()).embargo == "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012"


@pytest.mark.parametrize(
    ("period", "perfect"),
    [
        ("Since September 2011", True),
        ("Between September 2011 and May 2012", False),
        ("since then", True),
        (None, True),
    ],
)
def test_tense_follows_the_period(period: str | None, perfect: bool) -> None:
    assert phrasing.is_perfect(period) is perfect
