"""The house helpers in Welsh: dates from CLDR (Babel's ``cy`` locale), numbers in figures.

A Welsh template calls the same helpers as an English one (``long_date``, ``counted``,
``money`` …); while a Welsh release is phrased (:func:`authoring.model.phrasing.speaking`)
they say it in Welsh:

- dates and weekdays come from the CLDR data Babel ships: ``Dydd Mawrth``, ``11 Rhagfyr 2012``;
- counts are figures, never words. A Welsh number word takes the gender of its noun and
  mutates it ("tri chi", "tair cath", "pum mlynedd"), which no library gets right for
  every noun (num2words' Welsh gives "pump ci", "saith blynedd"); a translator who wants
  words writes them in the template;
- after a figure, a noun stays singular, as Welsh writes it ("58 achos", BBC Cymru Fyw):
  ``counted(3, "swyddog")`` is "3 swyddog", and zero is "dim" with the plural if given;
- money and percentages are printed as in English ("£166m", "47%"), as Welsh public
  bodies and the Welsh press print them (docs/welsh.md cites examples);
- a list is joined with "a", or "ac" before a vowel ("Gwent ac Abertawe").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from babel.dates import format_date

#: Babel's locale for Welsh.
LOCALE = "cy"
_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúàèìòùäëïöüAEIOUWYÂÊÎÔÛŴŶ")


def long_date(day: dt.date) -> str:
    """'11 Rhagfyr 2012'."""
    return format_date(day, "d MMMM y", locale=LOCALE)


def weekday(day: dt.date) -> str:
    """'Dydd Mawrth'."""
    return format_date(day, "EEEE", locale=LOCALE)


def number(n: int) -> str:
    """A count in figures: '3', '54', '1,800' (Welsh number words need the noun's gender and mutation)."""
    if n < 0:
        raise ValueError(f"counts are never negative: {n}")
    return f"{n:,}"


def plural(n: float, singular: str, plural_form: str | None = None) -> str:
    """After a figure Welsh keeps the noun singular; ``plural_form`` only where the template asks for it."""
    return singular if n == 1 or plural_form is None else plural_form


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """'3 swyddog', '1 swyddog', 'dim swyddogion' (zero: 'dim' and the plural, if given)."""
    if n == 0:
        return f"dim {plural_form or singular}"
    return f"{number(n)} {singular}"


def proportion(part: int, whole: int) -> str:
    """How many of ``whole`` ``part`` is, in figures (the words 'y ddau', 'y ddwy' depend on the noun)."""
    return number(part)


def and_list(items: Iterable[Any]) -> str:
    """'a', 'a a b', 'a, b ac c': 'ac' before a vowel."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    joiner = "ac" if words[-1][:1] in _VOWELS else "a"
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def is_perfect(period: str | None) -> bool:
    """No period, or one that begins 'Ers' ('since'), takes the perfect."""
    return period is None or period.strip().lower().startswith("ers ")
