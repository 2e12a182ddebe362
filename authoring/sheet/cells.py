"""What a cell says, read as a form's value; and a form's value, written as a cell.

A workbook's cells arrive as what the spreadsheet stored: numbers as floats, dates as
dates (or as Excel's serial numbers, in a cell formatted as a number), text as typed
("1,212", "£3,000", "16.5%"). :func:`read_cell` turns a cell into the value a form
would hold, or says plainly what is wrong with it. It checks only the *kind* of value a
column takes; the rules (bounds, choices, rules between fields, TODO in a final form) are
the form model's own, checked when the updated form is validated as ``validate`` would.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from authoring.inputs.yamlsource import _character_message, _direction_message
from authoring.model.findings import FieldType
from authoring.model.gaps import parse_gap
from authoring.model.types import DIRECTION_CONTROL, NOT_TEXT
from authoring.sheet.columns import NO, YES, Column

#: Excel's day 0 (its 1900 date system, with the 1900 leap-year bug already past).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: The years a serial date may fall in (as a release date may).
FIRST_YEAR, LAST_YEAR = 1980, 2107

_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_EXCEL_ERROR = re.compile(r"#(?:DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|GETTING_DATA)")
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})


class Blank:
    """An empty cell (or one holding only spaces)."""

    def __repr__(self) -> str:
        return "BLANK"


#: The value of an empty cell.
BLANK = Blank()


@dataclass(frozen=True)
class CellError:
    """Why a cell cannot be read as its column's value, in a press officer's words."""

    message: str


def read_cell(value: Any, column: Column) -> Any:
    """The value a form would hold for this cell: a number, text, yes/no, a date, a gap (TODO), or :data:`BLANK`.

    Returns a :class:`CellError` for what cannot be read as the column's kind of value.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return BLANK
    if isinstance(value, float) and not math.isfinite(value):
        return CellError(f"expected {column.what()}, found {value} (not a figure)")
    if isinstance(value, str):
        bad = NOT_TEXT.search(value)
        if bad:
            return CellError(_character_message(bad.group()))
        turned = DIRECTION_CONTROL.search(value)
        if turned:
            return CellError(_direction_message(turned.group()))
        value = value.strip()
        excel = _EXCEL_ERROR.fullmatch(value)
        if excel:
            return CellError(f"the cell's formula gives an error ({value}); correct the formula, or type the value")
        if parse_gap(value) is not None:
            return value  # a gap: TODO, or TODO and a note
    if isinstance(value, dt.time | dt.timedelta):
        return CellError(f"expected {column.what()}, found a time of day ({value}); type the value again")
    return _READERS[column.type](value, column)


def _number(value: Any, column: Column, *, whole: bool) -> Any:
    found = _found(value)
    what = "a whole number" if whole else ("a percentage" if column.type is FieldType.PERCENT else "an amount")
    if isinstance(value, (bool, dt.date)):
        return CellError(f"expected {column.what()}, found {found}")
    if isinstance(value, str):
        text = value.replace("\u00a0", " ").strip()
        if column.type is FieldType.MONEY:
            text = text.removeprefix("£").strip()
        if column.type is FieldType.PERCENT:
            text = text.removesuffix("%").strip()
        if _GROUPED.fullmatch(text):
            text = text.replace(",", "")  # "1,212": a thousands separator
        elif _DECIMAL_COMMA.fullmatch(text):
            dotted = text.replace(",", ".")
            return CellError(f"write decimals with a point: {dotted}, not {text} (found {found})")
        if not _PLAIN.fullmatch(text):
            if column.type is FieldType.MONEY:
                return CellError(f"an amount in pounds, in figures, e.g. 3200000 (found {found})")
            if column.type is FieldType.PERCENT:
                return CellError(f"a percentage in figures, e.g. 16.5 for 16.5% (found {found})")
            return CellError(f"a whole number, in figures, e.g. 1212 (found {found})")
        value = float(text) if "." in text else int(text)
    if isinstance(value, float):
        if not math.isfinite(value):
            return CellError(f"expected {what} in figures, found {found}")
        value = float(f"{value:.15g}")  # a spreadsheet's binary noise (0.1 + 0.2) is not a figure
        if not math.isfinite(value):
            return CellError(f"expected {what} in figures, found {found}")
        if _whole(value):
            value = int(value)
    if whole and not isinstance(value, int):
        return CellError(f"a whole number, with no fraction (found {found})")
    return value


def _count(value: Any, column: Column) -> Any:
    return _number(value, column, whole=True)


def _amount(value: Any, column: Column) -> Any:
    return _number(value, column, whole=False)


def _yes_no(value: Any, column: Column) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    return CellError(f"expected yes or no, found {_found(value)}")


def _date(value: Any, column: Column) -> Any:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            return CellError(f"expected a date, found a date and time ({value:%Y-%m-%d %H:%M}); give the date alone")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a date shown as a number: Excel's serial date (days since 30 December 1899)
        if _whole(value):
            try:
                date = EXCEL_EPOCH + dt.timedelta(days=int(value))
            except OverflowError:
                date = None
            if date is not None and FIRST_YEAR <= date.year <= LAST_YEAR:
                return date
        return CellError(f"expected a date, e.g. 2010-04-01, found the number {_found(value)}")
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # the form model says why it is not a real date
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:  # as a spreadsheet in the UK writes dates: 01/04/2010 is 1 April 2010
        day, month, year = (int(part) for part in day_first.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return CellError(f"not a real date, read day first as in the UK (found {_found(value)})")
    return CellError(f"expected a date, e.g. 2010-04-01 (found {_found(value)})")


def _choice(value: Any, column: Column) -> Any:
    if isinstance(value, str):
        text = value.strip()
        # a spreadsheet's autocorrect may capitalise a word ("Good"); the words are all lower case
        return text.lower() if text.lower() in column.choices else text
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _text_of_number(value)  # the model says it is not one of the choices
    return CellError(f"expected {column.what()}, found {_found(value)}")


def _text(value: Any, column: Column) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return CellError(f"expected a short text, found {_found(value)}")
    if isinstance(value, dt.date):
        return CellError(
            f"the spreadsheet turned this text into a date ({value:%Y-%m-%d}); "
            "format the cell as text and type it again"
        )
    return _text_of_number(value)


def _text_of_number(value: float) -> str:
    if isinstance(value, float) and _whole(value):
        return str(int(value))
    return str(value)


_READERS = {
    FieldType.COUNT: _count,
    FieldType.MONEY: _amount,
    FieldType.PERCENT: _amount,
    FieldType.YES_NO: _yes_no,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.TEXT: _text,
}


def _whole(value: float) -> bool:
    """Whether a number is a whole one (not infinite, not NaN)."""
    return math.isfinite(value) and value == int(value)


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and _whole(value):
        return str(int(value))
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "…"
        return f"'{shown}'"
    return str(value)


def cell_of(value: Any, column: Column) -> Any:
    """The cell that shows a form's raw ``value`` (as read from its YAML): numbers, dates, yes/no, text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if column.type is FieldType.DATE and isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def same(old: Any, new: Any, column: Column) -> bool:
    """Whether a form's raw value ``old`` and a cell's value ``new`` say the same (so the form is left as it is)."""
    if isinstance(new, Blank):
        return old is None or (column.type is FieldType.YES_NO and not column.required and old is False)
    if old is None:
        return column.type is FieldType.YES_NO and not column.required and new is False
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new))
    if numbers:
        return bool(float(old) == float(new))
    if isinstance(new, dt.date):
        return isinstance(old, str) and old.strip() == new.isoformat()
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    return type(old) is type(new) and bool(old == new)


def shown(value: Any) -> str:
    """A value as a dry run prints it: ``54800000``, ``yes``, ``2010-04-01``, ``—`` for none."""
    if value is None or isinstance(value, Blank):
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and _whole(value):
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
