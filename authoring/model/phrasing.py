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
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError

from authoring.exceptions import AuthoringError
from authoring.model.sandbox import (
    MAX_NUMBER,
    MAX_TEXT,
    BoundedEnvironment,
    BoundExceeded,
    check_printed,
    plain_error,
    release_budget,
    template_run,
)
from authoring.model.types import TEXT_LIMIT

__all__ = ["PhrasingError", "compiled", "names_used", "phrase", "release_budget", "template_mistakes"]

from authoring.model import cymraeg

#: The language sentences are phrased in: "en" (the default) or "cy" (:func:`speaking`).
_LANGUAGE: ContextVar[str] = ContextVar("phrasing_language", default="en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Phrase in ``language`` ("en" or "cy") within the block: the helpers then say dates and numbers in it."""
    token = _LANGUAGE.set(language.split("-")[0].lower())
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def language() -> str:
    """The language sentences are being phrased in: "en" or "cy"."""
    return _LANGUAGE.get()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _in_welsh(welsh: Callable[_P, _R]) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """The helper, or its Welsh twin (:mod:`authoring.model.cymraeg`) while :func:`speaking` Welsh."""

    def decorate(english: Callable[_P, _R]) -> Callable[_P, _R]:
        @wraps(english)
        def helper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            return (welsh if _LANGUAGE.get() == "cy" else english)(*args, **kwargs)

        return helper

    return decorate


_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@_in_welsh(cymraeg.number)
def number(n: int) -> str:
    """A count in house style: 'one' … 'nine', then '10', '54', '1,800' (and 'zero')."""
    if n < 0:
        raise ValueError(f"counts are never negative: {n}")
    return _WORDS[n] if n < 10 else f"{n:,}"


@_in_welsh(cymraeg.plural)
def plural(n: float, singular: str, plural_form: str | None = None) -> str:
    """The noun that agrees with ``n``: 'case' for one, 'cases' otherwise (``plural_form`` if irregular)."""
    return singular if n == 1 else plural_form or f"{singular}s"


@_in_welsh(cymraeg.counted)
def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """'no cases', 'one case', 'three cases', '54 cases': zero as prose."""
    noun = plural(n, singular, plural_form)
    return f"no {noun}" if n == 0 else f"{number(n)} {noun}"


@_in_welsh(cymraeg.proportion)
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


@_in_welsh(cymraeg.is_perfect)
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
        return f"{'minws' if _LANGUAGE.get() == 'cy' else 'minus'} {money(float(-pence))}"
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


@_in_welsh(cymraeg.and_list)
def and_list(items: Iterable[Any]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@_in_welsh(cymraeg.long_date)
def long_date(day: dt.date) -> str:
    """'11 December 2012'."""
    return f"{day.day} {day:%B %Y}"


def clock(moment: dt.datetime) -> str:
    """'00:01'."""
    return f"{moment:%H:%M}"


@_in_welsh(cymraeg.weekday)
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


#: The longest message about a template: what Python says may quote a whole value.
_MESSAGE_LIMIT = 300


class PhrasingError(AuthoringError):
    """A campaign template that cannot be compiled or run: ``line`` is within the template's text.

    The message is one line of at most a few hundred characters, whatever the template made.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        message = _SPACE.sub(" ", message).strip()
        if len(message) > _MESSAGE_LIMIT:
            message = message[: _MESSAGE_LIMIT - 1] + "…"
        super().__init__(message)
        self.message = message
        self.line = line


def _environment() -> BoundedEnvironment:
    env = BoundedEnvironment(autoescape=False, undefined=StrictUndefined)
    env.globals.update(GLOBALS)
    env.filters.update(FILTERS)
    env.bound_filters()
    return env


_ENV = _environment()


_LONG_NUMBER = re.compile(r"[0-9]{19,}")


@lru_cache(maxsize=512)
def _parsed(source: str) -> nodes.Template:
    try:
        return _ENV.parse(source)
    except TemplateSyntaxError as error:
        raise PhrasingError(_syntax_message(error), error.lineno) from None
    except ValueError:  # a number too long for Python to read (thousands of digits)
        raise PhrasingError(_HUGE_NUMBER, _line_matching(source, _LONG_NUMBER)) from None
    except (RecursionError, MemoryError):
        raise PhrasingError(_TOO_DEEP, None) from None


_HUGE_NUMBER = f"a number in the template is larger than {MAX_NUMBER:,}; no sentence needs one"
_TOO_DEEP = "the template nests brackets or blocks too deeply to be read; write it more simply"


@lru_cache(maxsize=512)
def compiled(source: str) -> Template:
    """``source`` compiled in the sandbox, once per process; raises :class:`PhrasingError`."""
    try:
        return _ENV.from_string(_parsed(source))
    except TemplateSyntaxError as error:
        raise PhrasingError(_syntax_message(error), error.lineno) from None
    except (RecursionError, MemoryError, SyntaxError, ValueError, OverflowError):
        raise PhrasingError(_TOO_DEEP, None) from None


def template_mistakes(source: str) -> list[PhrasingError]:
    """What is wrong with ``source`` before it runs, each at its line: every mistake, not just the first.

    A template that cannot be read; a filter or test no helper provides (anywhere, even in a
    branch that rarely runs); a number or text written into it beyond what a template may
    make; a macro that calls itself, directly or through another.
    """
    if _is_plain(source):
        return []
    try:
        tree = _parsed(source)
    except PhrasingError as error:
        return [error]
    found: list[PhrasingError] = []
    for node in tree.find_all((nodes.Filter, nodes.Test)):
        known = _ENV.filters if isinstance(node, nodes.Filter) else _ENV.tests
        if node.name not in known:
            found.append(PhrasingError(_runtime_message(f"No filter named '{node.name}'."), node.lineno))
    for block in tree.find_all(nodes.FilterBlock):
        if block.filter.name not in _ENV.filters:
            found.append(PhrasingError(_runtime_message(f"No filter named '{block.filter.name}'."), block.lineno))
    for constant in tree.find_all(nodes.Const):
        value = constant.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
            found.append(PhrasingError(_HUGE_NUMBER, constant.lineno))
        elif isinstance(value, str) and len(value) > MAX_TEXT:
            found.append(
                PhrasingError(f"a text in the template is longer than {MAX_TEXT:,} characters", constant.lineno)
            )
    found.extend(_recursive_macros(tree))
    if not found:
        try:
            compiled(source)
        except PhrasingError as error:
            found.append(error)
    return sorted(found, key=lambda error: error.line or 0)


def _recursive_macros(tree: nodes.Template) -> list[PhrasingError]:
    """A macro that calls itself, directly or through others: at the line of the call that closes the circle."""
    macros = {macro.name: macro for macro in tree.find_all(nodes.Macro)}
    calls: dict[str, list[nodes.Call]] = {
        name: [
            call
            for call in macro.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name in macros
        ]
        for name, macro in macros.items()
    }
    found = []
    for name in macros:
        seen: set[str] = set()
        todo = [callee.node.name for callee in calls[name]]  # type: ignore[attr-defined]
        while todo:
            callee = todo.pop()
            if callee == name:
                line = next((call.lineno for call in calls[name]), macros[name].lineno)
                found.append(
                    PhrasingError(
                        f"the macro '{name}' calls itself; a sentence cannot repeat without end, "
                        "so write it without the call",
                        line,
                    )
                )
                break
            if callee not in seen:
                seen.add(callee)
                todo.extend(call.node.name for call in calls[callee])  # type: ignore[attr-defined]
    return found


def _line_matching(source: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(source)
    return source.count("\n", 0, match.start()) + 1 if match else None


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
    try:
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateSyntaxError as error:  # an unknown filter, found while Jinja looks at the names
        raise PhrasingError(_syntax_message(error), error.lineno) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise PhrasingError(_TOO_DEEP, None) from None
    return frozenset(undeclared - set(_ENV.globals) - assigned)


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
            text.append(_ENV.finalize(_value(part, context)))  # type: ignore[misc]
        except BoundExceeded as error:
            raise PhrasingError(error.message, part.lineno) from None
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
            raise PhrasingError(f"the template failed: {error}", part.lineno) from None
    return "".join(text)


def phrase(source: str, context: Mapping[str, Any]) -> str:
    """Run the template ``source`` on ``context``: plain text, white space made single spaces.

    The run is bounded (:mod:`authoring.model.sandbox`): in time (per template, and per
    release inside :func:`release_budget`), in the size of everything it makes, and in
    what it prints, which is checked as a form's text is. Whatever goes wrong is a
    :class:`PhrasingError` of one line, naming the template's line where it can.
    """
    if _is_plain(source):
        return _SPACE.sub(" ", source).strip()
    parts = _substitution(source)
    template = None if parts is not None else compiled(source)
    with template_run():
        text = _rendered(template, context) if template is not None else _substituted(parts or (), context)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > TEXT_LIMIT:
        raise PhrasingError(
            f"the template makes a sentence of {len(text):,} characters; a sentence is at most {TEXT_LIMIT:,}",
            None,
        )
    try:
        check_printed(text)
    except BoundExceeded as error:
        raise PhrasingError(error.message, None) from None
    return text


def _rendered(template: Template, context: Mapping[str, Any]) -> str:
    """``template`` run on ``context``; any failure a :class:`PhrasingError` at the template's line."""
    try:
        return template.render(context)
    except BoundExceeded as error:
        raise PhrasingError(error.message, _line_of(error)) from None
    except UndefinedError as error:
        raise PhrasingError(_undefined_message(error.message), _line_of(error)) from None
    except SecurityError as error:
        raise PhrasingError(f"not allowed in a template: {error}", _line_of(error)) from None
    except TemplateError as error:
        raise PhrasingError(_runtime_message(error.message), _line_of(error)) from None
    except RecursionError as error:
        raise PhrasingError("the template calls itself without end", _line_of(error)) from None
    except MemoryError as error:  # every size is bounded beforehand; this is the last guard
        raise PhrasingError("the template needs more memory than a sentence may", _line_of(error)) from None
    except Exception as error:  # a filter given the wrong type (AttributeError), and any other
        raise PhrasingError(f"the template failed: {plain_error(error)}", _line_of(error)) from None


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
