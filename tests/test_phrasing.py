"""House style for numbers and the standard sentences of structured findings."""

from __future__ import annotations

import datetime as dt

import pytest

from authoring import phrasing
from authoring.models import (
    AntiCorruptionStaffing,
    Inspector,
    MediaDisclosures,
    SecondJobs,
    SocialMedia,
    Staffing,
)

SINCE = "Since September 2011"
BETWEEN = "Between September 2011 and May 2012"


@pytest.mark.parametrize(
    ("n", "words"),
    [(0, "zero"), (1, "one"), (2, "two"), (9, "nine"), (10, "10"), (11, "11"), (54, "54"), (129, "129")],
)
def test_number_words_to_nine_then_numerals(n: int, words: str) -> None:
    assert phrasing.number(n) == words


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        phrasing.number(-1)


@pytest.mark.parametrize(("n", "expected"), [(1, "one case"), (2, "two cases"), (9, "nine cases"), (10, "10 cases")])
def test_counted_agrees_in_number(n: int, expected: str) -> None:
    assert phrasing.counted(n, "case", "cases") == expected


def media(n: int, ongoing: int | None = None) -> MediaDisclosures:
    return MediaDisclosures(kind="media-disclosures", investigated=n, ongoing=ongoing)


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
        (media(2), None, "The force has investigated two instances of inappropriate disclosure to the media."),
    ],
)
def test_media_disclosures(finding: MediaDisclosures, period: str | None, expected: str) -> None:
    assert phrasing.media_disclosures(finding, period) == expected


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
    sentence = phrasing.media_disclosures(media(n, ongoing), SINCE)
    assert sentence.endswith(" " + tail)


def social(cases: int, **extra: bool) -> SocialMedia:
    return SocialMedia(kind="social-media", cases=cases, **extra)


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
def test_social_media(finding: SocialMedia, expected: str) -> None:
    assert phrasing.social_media(finding, None, force_name="Kent Police", organisation="HMIC") == expected


def jobs(applications: int, approved: int) -> SecondJobs:
    return SecondJobs(kind="second-jobs", applications=applications, approved=approved)


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
def test_second_jobs(finding: SecondJobs, period: str, expected: str) -> None:
    assert phrasing.second_jobs(finding, period) == expected


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (Staffing.INCREASE, "an increase in"),
        (Staffing.NO_CHANGE, "no change in"),
        (Staffing.REDUCTION, "a reduction in"),
    ],
)
def test_anti_corruption_staffing(change: Staffing, words: str) -> None:
    finding = AntiCorruptionStaffing(kind="anti-corruption-staffing", change=change)
    assert phrasing.anti_corruption_staffing(finding, "Since our 2011 inspection", organisation="HMIC") == (
        f"Data provided by the force to HMIC shows that there has been {words} the number of staff working in the "
        "anti-corruption unit since our 2011 inspection."
    )


def test_attribution_with_and_without_honours() -> None:
    otter = Inspector(name="Stephen Otter", honours=["QPM"], region="National Team")
    billingham = Inspector(name="Zoë Billingham", region="Eastern Region")
    assert phrasing.attribution(otter) == "HM Inspector of Constabulary for the National Team, Stephen Otter QPM, said:"
    assert (
        phrasing.attribution(billingham) == "HM Inspector of Constabulary for the Eastern Region, Zoë Billingham, said:"
    )
    two = Inspector(name="A Person", honours=["CBE", "QPM"], region="Western Region")
    assert phrasing.attribution(two) == "HM Inspector of Constabulary for the Western Region, A Person CBE QPM, said:"


def test_dates() -> None:
    assert phrasing.long_date(dt.date(2012, 12, 1)) == "1 December 2012"
    assert phrasing.embargo_line(dt.datetime(2012, 12, 11, 0, 1)) == "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012"


@pytest.mark.parametrize(("period", "perfect"), [(SINCE, True), (BETWEEN, False), ("since then", True)])
def test_tense_follows_the_period(period: str, perfect: bool) -> None:
    assert phrasing.is_perfect(period) is perfect
