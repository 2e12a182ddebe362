"""House style: the helpers and the sandbox in which a campaign's sentences are phrased.

A campaign writes every sentence of its round as a small template (``campaign.yaml``:
``sentences`` and each kind of finding's ``phrase``). This module compiles those
templates, once per process, in a sandboxed Jinja environment, and gives them the
house-style helpers below. Form values reach a template only as data in its context;
they are never compiled. The output is plain text (no escaping here: each renderer
escapes it for its own format), with every run of white space made one space, so a
template may be written over several lines.

Numbers follow the seeds: words for one to nine, numerals for 10 and above, and a
natural phrase for zero ("no applications").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number(n: int) -> str:
    """A count in house style: 'one' … 'nine', then '10', '54', '1,800' (and 'zero')."""
    if n < 0:
        raise ValueError(f"counts are never negative: {n}")
    return _WORDS[n] if n < 10 else f"{n:,}"


def plural(n: float, singular: str, plural_form: str | None = None) -> str:
    """The noun that agrees with ``n``: 'case' for one, 'cases' otherwise (``plural_form`` if irregular)."""
    return singular if n == 1 else plural_form or f"{singular}s"


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """'no cases', 'one case', 'three cases', '54 cases': zero as prose."""
    noun = plural(n, singular, plural_form)
    return f"no {noun}" if n == 0 else f"{number(n)} {noun}"


def proportion(part: int, whole: int) -> str:
    """How many of ``whole`` ``part`` is: 'none', 'both', 'all', 'all but one', else the number in words."""
    if part == 0:
        return "none"
    if part == whole:
        return "both" if whole == 2 else "all"
    if part == whole - 1 and whole >= 3:
        return "all but one"
    return number(part)


def capitalise(text: str) -> str:
    """Upper-case the first letter only ('all but one' -> 'All but one')."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """Lower-case the first letter only ('Since our 2011 inspection' -> 'since our …')."""
    return text[:1].lower() + text[1:]


def is_perfect(period: str | None) -> bool:
    """No period, or one that begins 'Since', takes the present perfect; others ('Between …') the simple past."""
    return period is None or period.strip().lower().startswith("since ")


def _trimmed(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(amount: float) -> str:
    """An amount in pounds: '£12,500', '£12,500.50'; from £1m, three figures: '£1.25bn', '£47.3m', '£749m'.

    Three figures, rounded half up (£9,250,000 is '£9.25m', £1,005,000,000 '£1.01bn'), so
    that figures which add up in a form add up in print (£9.25m and £3.25m make £12.5m).
    Forms give whole pence; a sum or difference of them is rounded to the penny first, so
    that the error of binary fractions never shows ('£0', not '£0.00').
    """
    pence = Decimal(repr(round(amount, 2) + 0.0))  # + 0.0: no '-0'; repr: the shortest decimal, no binary tail
    if pence < 0:
        return f"minus {money(float(-pence))}"
    if pence < 1_000_000:
        return f"£{int(pence):,}" if pence == pence.to_integral_value() else f"£{pence:,.2f}"
    figures = _significant(pence, 3)
    for size, unit in ((Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")):
        if figures >= size:
            return f"£{_plain(figures / size)}{unit}"
    return f"£{_plain(figures)}"  # pragma: no cover - a million or more always has a unit


def _significant(value: Decimal, figures: int) -> Decimal:
    """``value`` rounded half up to ``figures`` significant figures."""
    exponent = value.adjusted() - figures + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent, thousands separated: '1.25', '749', '1,250'."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: float) -> str:
    """A percentage: '45%', '12.5%' (one decimal place, more only where it must).

    Rounding never says 'none' or 'all' when the form does not: 99.99 is '99.99%', not
    '100%', and 0.001 is '0.001%', not '0%'.
    """
    places = 1
    text = _trimmed(value, places)
    while value not in (0, 100) and float(text.replace(",", "")) in (0, 100) and places < 12:
        places += 1
        text = _trimmed(value, places)
    return f"{text}%"


def percent_of(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a percentage: 996 of 1,000 is '99.6%', 9,996 of 10,000 '99.96%', never '100%'.

    Only all of it is '100%', and only none '0%' (see :func:`percent`). A whole of zero has
    no share: a template checks it first (``{% if sampled %}…{% endif %}``).
    """
    if whole == 0:
        raise ValueError(f"{_figure(part)} of 0 is no percentage (the whole is 0)")
    return percent(part / whole * 100)


def _figure(value: float) -> str:
    return f"{value:,}" if value != int(value) else f"{int(value):,}"


def and_list(items: Iterable[Any]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def long_date(day: dt.date) -> str:
    """'11 December 2012'."""
    return f"{day.day} {day:%B %Y}"


def clock(moment: dt.datetime) -> str:
    """'00:01'."""
    return f"{moment:%H:%M}"


def weekday(day: dt.date) -> str:
    """'Tuesday'."""
    return f"{day:%A}"


#: The helpers a campaign's templates may call, as functions (``counted(n, 'case')``).
GLOBALS: dict[str, Callable[..., Any]] = {
    "number": number,
    "plural": plural,
    "counted": counted,
    "proportion": proportion,
    "money": money,
    "percent": percent,
    "percent_of": percent_of,
    "and_list": and_list,
    "long_date": long_date,
}
#: The helpers as filters (``{{ period | lower_first }}``).
FILTERS: dict[str, Callable[..., Any]] = {
    **GLOBALS,
    "capitalise": capitalise,
    "lower_first": lower_first,
    "clock": clock,
    "weekday": weekday,
}

_SPACE = re.compile(r"\s+")


class PhrasingError(Exception):
    """A campaign template that cannot be compiled or run: ``line`` is within the template's text."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    return env


_ENV = _environment()


@lru_cache(maxsize=512)
def _parsed(source: str) -> nodes.Template:
    try:
        return _ENV.parse(source)
    except TemplateSyntaxError as error:
        raise PhrasingError(_syntax_message(error), error.lineno) from None


@lru_cache(maxsize=512)
def compiled(source: str) -> Template:
    """``source`` compiled in the sandbox, once per process; raises :class:`PhrasingError`."""
    try:
        return _ENV.from_string(_parsed(source))
    except TemplateSyntaxError as error:
        raise PhrasingError(_syntax_message(error), error.lineno) from None


def _is_plain(source: str) -> bool:
    """Whether ``source`` is words only, with nothing for Jinja to do (most of the press office's words)."""
    return "{" not in source and "}" not in source


def _syntax_message(error: TemplateSyntaxError) -> str:
    message = error.message or "unreadable"
    if re.fullmatch(r"No (filter|test) named '([^']*)'\.?", message):
        return _runtime_message(message)
    return f"the template cannot be read: {message}"


@lru_cache(maxsize=512)
def names_used(source: str) -> frozenset[str]:
    """The names ``source`` reads from its context (helpers excluded); raises :class:`PhrasingError`."""
    if _is_plain(source):
        return frozenset()
    tree = _parsed(source)
    assigned = {name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    return frozenset(meta.find_undeclared_variables(tree) - set(GLOBALS) - assigned)


#: Filters a plain substitution may use: functions of their value alone.
_PLAIN_FILTERS = {*FILTERS, "upper", "lower"}


@lru_cache(maxsize=512)
def _substitution(source: str) -> tuple[nodes.Node, ...] | None:
    """The parts of ``source`` if it is only words and ``{{ name.attribute | filter }}`` placeholders.

    Most sentences are; they are filled in here directly, without compiling them or paying
    for a Jinja render, which is most of what a release's phrasing costs.
    """
    body = _parsed(source).body
    if not body:
        return ()
    if len(body) != 1 or not isinstance(body[0], nodes.Output):
        return None
    parts = tuple(body[0].nodes)
    return parts if all(isinstance(part, nodes.TemplateData) or _simple(part) for part in parts) else None


def _simple(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Name):
        return node.ctx == "load"
    if isinstance(node, nodes.Getattr):
        return _simple(node.node)
    if isinstance(node, nodes.Filter):
        plain = not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs)
        return plain and node.name in _PLAIN_FILTERS and node.node is not None and _simple(node.node)
    return False


def _value(node: nodes.Node, context: Mapping[str, Any]) -> Any:
    """The value of a placeholder's expression, with the sandbox's rules for attributes."""
    if isinstance(node, nodes.Name):
        if node.name not in context:
            raise PhrasingError(f"'{node.name}' is not defined here", node.lineno)
        return context[node.name]
    if isinstance(node, nodes.Getattr):
        value = _ENV.getattr(_value(node.node, context), node.attr)
        if isinstance(value, Undefined):
            try:
                str(value)  # raises the reason: nothing by that name, or a name the sandbox refuses
            except SecurityError as error:
                raise PhrasingError(f"not allowed in a template: {error}", node.lineno) from None
            except UndefinedError:
                raise PhrasingError(f"there is nothing called '{node.attr}' here", node.lineno) from None
        return value
    if not isinstance(node, nodes.Filter) or node.node is None:  # pragma: no cover - _simple let only these through
        raise PhrasingError("the template failed: an unexpected expression", node.lineno)
    return _ENV.filters[node.name](_value(node.node, context))


def _substituted(parts: tuple[nodes.Node, ...], context: Mapping[str, Any]) -> str:
    text = []
    for part in parts:
        if isinstance(part, nodes.TemplateData):
            text.append(part.data)
            continue
        try:
            text.append(str(_value(part, context)))
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
            raise PhrasingError(f"the template failed: {error}", part.lineno) from None
    return "".join(text)


def phrase(source: str, context: Mapping[str, Any]) -> str:
    """Run the template ``source`` on ``context``: plain text, white space made single spaces."""
    if _is_plain(source):
        return _SPACE.sub(" ", source).strip()
    parts = _substitution(source)
    if parts is not None:
        return _SPACE.sub(" ", _substituted(parts, context)).strip()
    try:
        text = compiled(source).render(context)
    except UndefinedError as error:
        raise PhrasingError(_undefined_message(error.message), _line_of(error)) from None
    except SecurityError as error:
        raise PhrasingError(f"not allowed in a template: {error}", _line_of(error)) from None
    except TemplateError as error:
        raise PhrasingError(_runtime_message(error.message), _line_of(error)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise PhrasingError(f"the template failed: {error}", _line_of(error)) from None
    return _SPACE.sub(" ", text).strip()


def _undefined_message(message: str | None) -> str:
    text = message or "undefined"
    named = re.fullmatch(r"'([^']*)' is undefined", text)
    if named:
        return f"'{named.group(1)}' is not defined here"
    attribute = re.fullmatch(r"'[^']*'(?: object| value)? has no attribute '([^']*)'", text)
    if attribute:
        return f"there is nothing called '{attribute.group(1)}' here"
    return text


def _runtime_message(message: str | None) -> str:
    text = message or "the template failed"
    named = re.fullmatch(r"No (filter|test) named '([^']*)'(?: found)?\.?", text)
    if named:
        return f"there is no helper called '{named.group(2)}'; the helpers are listed in docs/campaigns.md"
    return f"the template failed: {text}"


def _line_of(error: BaseException) -> int | None:
    """The line of the template where ``error`` happened, from its traceback."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line
