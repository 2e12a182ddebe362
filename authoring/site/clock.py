"""The newsroom's clock: what time it is, in the press office's time zone.

Embargo times in a campaign are written without a zone (``2012-12-11 00:01``) and mean
Europe/London time, as the releases print them; so does a ``--now`` without one. Every
comparison is made between aware times, so the change to and from summer time is
handled by :mod:`zoneinfo`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from authoring.exceptions import UsageError

#: The press office's time zone: a time written without a zone is in it.
LONDON = ZoneInfo("Europe/London")


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware Europe/London time (a naive time is taken to be one already)."""
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day``, Europe/London."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON)


def parse_now(text: str | None) -> dt.datetime:
    """The time the site is built for: ``text`` in ISO 8601 (``2012-12-11T09:00``), or the clock.

    Raises :class:`UsageError`, saying how to write it, if ``text`` is not a time.
    """
    if text is None:
        return dt.datetime.now(LONDON)
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--now {text!r} is not a time; write it in ISO 8601, e.g. 2012-12-11T09:00 "
            "(Europe/London) or 2012-12-11T09:00+00:00"
        ) from None
    return local(moment)


def utc_text(moment: dt.datetime) -> str:
    """An RFC 3339 time for feeds and sitemaps, in UTC: ``2012-12-11T00:01:00Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
