"""The bounded Jinja sandbox in which a campaign's templates run: limits on time and size.

A campaign file is shared between teams and its templates are code-like, so they are run
as untrusted code. Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` already
keeps them from reaching files, the network or Python's insides; :class:`BoundedEnvironment`
adds bounds, so that no template can hang or exhaust the toolkit:

- **time**: every template run has :data:`TEMPLATE_SECONDS` of processor time and at most :data:`MAX_STEPS`
  steps (a turn of a loop, a branch taken, a call, a filter); all the runs of one release
  together have :data:`RELEASE_SECONDS` (:func:`release_budget`). A compiled template checks
  its budget at the start of every block, so a loop with an empty body is counted too;
- **size**: nothing a template makes along the way may be longer than :data:`MAX_TEXT`
  characters, hold more than :data:`MAX_ITEMS` items, or be a whole number beyond
  :data:`MAX_NUMBER`. Whatever could make something larger (``*``, ``**``, ``+``, ``~``,
  ``%``, ``range``, ``lipsum``, ``format``, ``center``, ``indent``, ``wordwrap``,
  ``replace``, ``join``, ``sum``, ``str.ljust`` …) is checked *before* it runs, from the
  sizes of what it is given, so that the memory is never taken in the first place; a width,
  an indent or a repeat count given to a filter is at most :data:`MAX_WIDTH`;
- **depth**: calls (macros, ``caller()``, a recursive loop) nest at most :data:`MAX_DEPTH` deep;
- **what is printed**: every value a template prints is checked as a form's text is (no
  control characters, no direction controls, nothing the PDF's fonts cannot print).

Going past a bound raises :class:`BoundExceeded` inside the template, so that the caller
(:func:`authoring.model.phrasing.phrase`) can name the line of the template where it happened.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import update_wrapper, wraps
from string import Formatter
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, CompilerExit, Frame
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Namespace, _PassArg, generate_lorem_ipsum
from markupsafe import Markup

from authoring.fonts import describe, uncovered
from authoring.model.types import DIRECTION_CONTROL, NOT_TEXT, TEXT_LIMIT

#: The longest text a template may make along the way (a sentence is at most 5,000).
MAX_TEXT = 100_000
#: The most characters a template may print in all (what it prints is one sentence, of at most 5,000).
MAX_PRINTED = MAX_TEXT // 2
#: The most items a list, range or mapping made by a template may hold.
MAX_ITEMS = 10_000
#: The largest whole number a template may make (a billion pounds in pence is 10**11).
MAX_NUMBER = 10**18
#: The largest width, indent, precision or count given to a filter or a format.
MAX_WIDTH = 1_000
#: The most steps one run of a template may take: loop turns, branches, calls, filters.
MAX_STEPS = 20_000
#: How deep calls (macros, ``caller()``, recursive loops) may nest.
MAX_DEPTH = 40
#: The time one run of one template may take, in seconds of processor time.
TEMPLATE_SECONDS = 0.5
#: The time all the runs of one release's templates may take together, in seconds of processor time.
RELEASE_SECONDS = 5.0


class BoundExceeded(Exception):
    """A template went past a bound, printed what no release may hold, or gave a filter the wrong kind of value."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Budget:
    """What one run of a template has left."""

    deadline: float
    release: bool  # whether the deadline is the release's (rather than the template's own)
    steps: int = 0
    depth: int = 0
    printed: int = 0  # characters printed so far


#: The clock of the budgets: the processor time of this thread, so that a busy machine (other
#: programs taking the processor) never makes a template fail; it costs a system call, so it is
#: read every few steps.
_clock = time.thread_time
_CLOCK_EVERY = 8

_RUN: ContextVar[_Budget | None] = ContextVar("template_run", default=None)
_RELEASE: ContextVar[float | None] = ContextVar("release_deadline", default=None)


@contextmanager
def release_budget(seconds: float = RELEASE_SECONDS) -> Iterator[None]:
    """Give every template run inside this block, together, ``seconds`` (an outer budget still holds)."""
    outer = _RELEASE.get()
    deadline = _clock() + seconds
    token = _RELEASE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _RELEASE.reset(token)


@contextmanager
def template_run() -> Iterator[None]:
    """One run of a template: a fresh budget of steps, and the earlier of its own and its release's deadline."""
    own = _clock() + TEMPLATE_SECONDS
    release = _RELEASE.get()
    budget = _Budget(own, False) if release is None or own <= release else _Budget(release, True)
    token = _RUN.set(budget)
    try:
        yield
    finally:
        _RUN.reset(token)


def tick() -> None:
    """Count one step of the running template; raise :class:`BoundExceeded` past its steps or its time."""
    budget = _RUN.get()
    if budget is None:  # outside a run (Jinja folding constants while compiling): sizes still hold
        return
    budget.steps += 1
    if budget.steps > MAX_STEPS:
        raise BoundExceeded(
            f"the template takes more than {MAX_STEPS:,} steps (turns of a loop, calls); "
            "a sentence needs far fewer: look for a loop in a loop, or a macro that calls itself"
        )
    if budget.steps % _CLOCK_EVERY == 0 and _clock() > budget.deadline:
        if budget.release:
            raise BoundExceeded(
                f"the release's sentences together took more than {RELEASE_SECONDS:g} seconds of processor time; "
                "look for a loop in a loop, or a macro that calls itself"
            )
        raise BoundExceeded(
            f"the template took more than {TEMPLATE_SECONDS:g} seconds of processor time; "
            "look for a loop in a loop, or a macro that calls itself"
        )


# --------------------------------------------------------------------------- sizes


def _too_long(size: int, what: str) -> BoundExceeded:
    return BoundExceeded(
        f"{what} would make a text of {size:,} characters or more; a template may make at most "
        f"{MAX_TEXT:,} (a sentence is at most 5,000)"
    )


def _too_many(size: int, what: str) -> BoundExceeded:
    return BoundExceeded(f"{what} would make {size:,} items or more; a template may make at most {MAX_ITEMS:,}")


def _too_big(what: str) -> BoundExceeded:
    return BoundExceeded(f"{what} would make a number larger than {MAX_NUMBER:,}; no sentence needs one")


def weight(value: Any, limit: int = MAX_TEXT) -> int:
    """About how many characters ``value`` prints as: strings by length, containers by their items.

    Stops counting once past ``limit``, so that it costs at most ``limit`` steps however large
    (or shared, or circular) the value is.
    """
    total = 0
    stack = [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, bool) or item is None:
            total += 5
        elif isinstance(item, int):
            total += 1 + item.bit_length() // 3
        elif isinstance(item, (list, tuple, set, frozenset, range)):
            total += 2 + 2 * len(item)
            if total <= limit and not isinstance(item, range):
                stack.extend(item)
        elif isinstance(item, Mapping):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, Namespace):
            stack.append(dict(item._Namespace__attrs))
        else:
            total += 8
    return total


def check_weight(value: Any, what: str) -> None:
    """Refuse ``value`` if printing it would make more than :data:`MAX_TEXT` characters."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _too_long(len(value), what)
        return
    if isinstance(value, (int, float)) or value is None:
        return
    size = weight(value)
    if size > MAX_TEXT:
        raise _too_long(size, what)


def checked(value: Any, what: str) -> Any:
    """``value``, if it is within the bounds of size; :class:`BoundExceeded` otherwise."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _too_long(len(value), what)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise _too_big(what)
    elif isinstance(value, (list, tuple, set, frozenset, dict, range, bytes)):
        if len(value) > MAX_ITEMS and not isinstance(value, bytes):
            raise _too_many(len(value), what)
        if isinstance(value, bytes) and len(value) > MAX_TEXT:
            raise _too_long(len(value), what)
    return value


def _width(value: Any, what: str) -> None:
    """Refuse a width, count or indent beyond :data:`MAX_WIDTH` (or a text one longer than that)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int) and abs(value) > MAX_WIDTH:
        raise BoundExceeded(f"{what} is given {value:,}; a width, count or indent is at most {MAX_WIDTH:,}")
    if isinstance(value, float) and abs(value) > MAX_WIDTH:
        raise BoundExceeded(f"{what} is given {value:g}; a width, count or indent is at most {MAX_WIDTH:,}")


def _stringified(value: Any, what: str) -> str:
    """``str(value)``, refused beforehand if it would be too long."""
    if isinstance(value, str):
        checked(value, what)
        return str(value)
    check_weight(value, what)
    return checked(str(value), what)  # type: ignore[no-any-return]


def bounded_join(parts: Iterable[Any], what: str = "the template") -> str:
    """The parts joined as text, refused as soon as the text passes :data:`MAX_TEXT`."""
    out = []
    total = 0
    for part in parts:
        text = part if isinstance(part, str) else _stringified(part, what)
        total += len(text)
        if total > MAX_TEXT:
            raise _too_long(total, what)
        out.append(text)
    return "".join(out)


def _materialised(value: Any, what: str) -> Any:
    """An iterator read into a list of at most :data:`MAX_ITEMS` items and :data:`MAX_TEXT` characters of text.

    Sequences are left as they are (their size is known already).
    """
    if not isinstance(value, Iterator):
        return value
    items = []
    text = 0
    for item in value:
        tick()
        items.append(item)
        if len(items) > MAX_ITEMS:
            raise _too_many(len(items), what)
        text += len(item) if isinstance(item, str) else 0
        if text > MAX_TEXT:  # texts made one by one (a 'map'), more than any template may make
            raise _too_long(text, what)
    return items


# --------------------------------------------------------------------------- what each operation would make

_SPACE = re.compile(r"\s+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|[0-9]+)?(?:\.(\*|[0-9]+))?[hlL]?(.?)", re.DOTALL)


def _check_percent(template: Any, arguments: Any, what: str) -> None:
    """Refuse ``template % arguments`` if a width or precision in it (or given by ``*``) is too large."""
    if not isinstance(template, str):
        return
    values = arguments if isinstance(arguments, tuple) else (arguments,)
    index = 0
    for match in _PERCENT_SPEC.finditer(template):
        width, precision, conversion = match.groups()
        if conversion == "%":
            continue
        for part in (width, precision):
            if part == "*":
                _width(values[index] if index < len(values) else 0, what)
                index += 1
            elif part:
                _width(int(part) if len(part) <= 100 else 10**100, what)
        index += 1
    check_weight(arguments, what)


_SPEC_NUMBER = re.compile(r"[0-9]+")


def _check_spec(spec: str, what: str) -> None:
    for digits in _SPEC_NUMBER.findall(spec):
        _width(int(digits) if len(digits) <= 100 else 10**100, what)


def _check_replace(text: Any, old: Any, new: Any, what: str) -> None:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    times = len(text) + 1 if old == "" else text.count(old)
    size = len(text) + times * (len(new) - len(old))
    if size > MAX_TEXT:
        raise _too_long(size, what)


def _check_indent(text: Any, width: Any, what: str) -> None:
    if not isinstance(text, str):
        return
    each = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    size = len(text) + (text.count("\n") + 1) * each
    if size > MAX_TEXT:
        raise _too_long(size, what)


def _check_joined(items: Any, separator: Any, what: str) -> None:
    if isinstance(items, (list, tuple, str)) and isinstance(separator, str):
        size = weight(items) + len(separator) * len(items)
        if size > MAX_TEXT:
            raise _too_long(size, what)


def _check_repeat(left: Any, right: Any, what: str) -> None:
    """``left * right`` for a text or a list and a count: refused if the result would be too large."""
    sequence, count = (left, right) if isinstance(right, int) else (right, left)
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        return
    if isinstance(sequence, (str, bytes)):
        if len(sequence) * count > MAX_TEXT:
            raise _too_long(len(sequence) * count, what)
    elif isinstance(sequence, (list, tuple)):
        if len(sequence) * count > MAX_ITEMS:
            raise _too_many(len(sequence) * count, what)
        if weight(sequence) * count > MAX_TEXT:
            raise _too_long(weight(sequence) * count, what)


def _check_power(base: Any, exponent: Any, what: str) -> None:
    whole = isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1
    if whole and exponent * (abs(base).bit_length() - 1) > MAX_NUMBER.bit_length():
        raise _too_big(what)


def _check_product(left: Any, right: Any, what: str) -> None:
    whole = isinstance(left, int) and isinstance(right, int)
    if whole and left.bit_length() + right.bit_length() > MAX_NUMBER.bit_length() + 1:
        raise _too_big(what)


def _check_sum(left: Any, right: Any, what: str) -> None:
    if isinstance(left, str) and isinstance(right, str) and len(left) + len(right) > MAX_TEXT:
        raise _too_long(len(left) + len(right), what)
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)) and len(left) + len(right) > MAX_ITEMS:
        raise _too_many(len(left) + len(right), what)


def _check_sum_filter(items: Any, what: str) -> None:
    if isinstance(items, (list, tuple)) and any(isinstance(item, (str, list, tuple)) for item in items):
        size = weight(items)
        if size > MAX_TEXT:
            raise _too_long(size, what)


_OPERATOR_CHECKS: dict[str, Callable[[Any, Any, str], None]] = {
    "*": _check_repeat,
    "**": _check_power,
    "+": _check_sum,
    "%": _check_percent,
}


def _check_operator(operator: str, left: Any, right: Any) -> None:
    what = f"'{operator}'"
    check = _OPERATOR_CHECKS.get(operator)
    if check is not None:
        check(left, right, what)
    if operator == "*":
        _check_product(left, right, what)


#: Methods of a text that make a longer text from a width.
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


def _check_method(method: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse a call of a text's method (``'x'.center(10**9)``) that would make something too large."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, (str, bytes)):
        return
    name = getattr(method, "__name__", "")
    what = f"'.{name}()'"
    values = (*args, *kwargs.values())
    if name in _WIDTH_METHODS and values:
        _width(values[0], what)
    elif name == "expandtabs":
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        size = values[0] if values else 8
        if isinstance(size, int) and len(owner) + tabs * size > MAX_TEXT:
            raise _too_long(len(owner) + tabs * size, what)
    elif name == "replace" and len(values) >= 2:
        _check_replace(owner, values[0], values[1], what)
    elif name == "join" and values:
        _check_joined(values[0], owner, what)


# --------------------------------------------------------------------------- filters and globals

#: Filters whose other arguments are widths, counts or indents (and so at most :data:`MAX_WIDTH`).
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "round", "filesizeformat"})


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a filter), checked before it runs and on what it makes."""
    skip = 1 if _PassArg.from_obj(function) is not None else 0
    what = f"the filter '{name}'"

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        tick()
        if len(args) > skip:
            value = _materialised(args[skip], what)
            args = (*args[:skip], value, *args[skip + 1 :])
            check_weight(value, what)
            rest = (*args[skip + 1 :], *kwargs.values())
            if name in _WIDTH_FILTERS:
                for argument in rest:
                    _width(argument, what)
            if name == "format":
                _check_percent(value, tuple(args[skip + 1 :]) or dict(kwargs), what)
            elif name == "replace" and len(rest) >= 2:
                _check_replace(value, rest[0], rest[1], what)
            elif name == "indent":
                _check_indent(value, rest[0] if rest else 4, what)
            elif name == "join":
                _check_joined(value, rest[0] if rest else "", what)
            elif name == "sum":
                _check_sum_filter(value, what)
        try:
            result = function(*args, **kwargs)
        except (AttributeError, TypeError) as error:  # "5|wordwrap": the filter needs a text
            given = _kind(args[skip]) if len(args) > skip else "nothing"
            raise BoundExceeded(f"{what} cannot be used on {given} ({plain_error(error)})") from None
        return checked(result, what)

    return run


def plain_error(error: BaseException) -> str:
    """What Python says went wrong, with its names for kinds of value in words ('a number', 'a text')."""
    return _PYTHON_KIND.sub(lambda match: _KINDS[match.group(1)], str(error) or type(error).__name__)


_KINDS = {
    "int": "a number",
    "float": "a number",
    "str": "a text",
    "list": "a list",
    "tuple": "a list",
    "dict": "a set of named values",
    "NoneType": "nothing",
    "bool": "yes or no",
}
_PYTHON_KIND = re.compile(r"'(int|float|str|list|dict|tuple|NoneType|bool)' object")


def _kind(value: Any) -> str:
    """What a value is, in a press officer's words."""
    if isinstance(value, bool):
        return "yes or no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, Mapping):
        return "a set of named values"
    if isinstance(value, (list, tuple, range)):
        return "a list"
    return "this value"


def _range(*args: int) -> range:
    """Jinja's ``range``, of at most :data:`MAX_ITEMS` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_ITEMS:
        raise _too_many(len(numbers), "'range'")
    return numbers


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # Jinja's names
    """Jinja's ``lipsum``, of at most 10 paragraphs of at most 100 words."""
    if not (isinstance(n, int) and isinstance(min, int) and isinstance(max, int)) or n > 10 or max > 100:
        raise BoundExceeded("'lipsum' makes at most 10 paragraphs of at most 100 words")
    return generate_lorem_ipsum(n, html, min, max)


def check_printed(text: str) -> None:
    """Refuse a text a template prints if no release may hold it (as a form's text would be refused)."""
    bad = NOT_TEXT.search(text)
    if bad:
        char = bad.group()
        raise BoundExceeded(
            f"the template prints the control character U+{ord(char):04X}, which no document may hold; "
            "take it out of the template"
        )
    direction = DIRECTION_CONTROL.search(text)
    if direction:
        raise BoundExceeded(
            f"the template prints the invisible character U+{ord(direction.group()):04X}, which would show the "
            "text in another order than it is written; take it out of the template"
        )
    missing = uncovered(text)
    if missing:
        raise BoundExceeded(
            f"the template prints {describe(missing[0])}, which the PDF's fonts cannot print; take it out"
        )


# --------------------------------------------------------------------------- the environment


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with a step counted at the start of every block, and ``~`` bounded."""

    def blockvisit(self, nodes: Iterable[nodes.Node], frame: Frame) -> None:
        try:
            self.writeline("environment.tick()")
            for node in nodes:
                self.visit(node, frame)
        except CompilerExit:
            pass

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BoundedFormatter(SandboxedFormatter):
    """``str.format`` in the sandbox, refusing large widths and values."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        tick()
        _check_spec(format_spec, "'.format()'")
        check_weight(value, "'.format()'")
        return checked(super().format_field(value, format_spec), "'.format()'")


class _BoundedEscapeFormatter(_BoundedFormatter, SandboxedEscapeFormatter):
    pass


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, bounded in time, size and depth (see the module's documentation)."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%", "-", "/", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._printed, **options)
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum

    def bound_filters(self) -> None:
        """Wrap every filter (call once the environment's filters are all added)."""
        self.filters = {name: _bounded_filter(name, function) for name, function in self.filters.items()}

    @staticmethod
    def tick() -> None:
        """One step of the running template (called by the compiled code at every block)."""
        tick()

    def concat(self, parts: Iterable[Any]) -> str:
        """The pieces of the output (or of a ``~``) joined, bounded as they come."""
        return bounded_join(parts, "the template's text")

    @staticmethod
    def _printed(value: Any) -> str:
        tick()
        text = _stringified(value, "printing this")
        check_printed(text)
        if len(text) > TEXT_LIMIT and len(_SPACE.sub(" ", text)) > TEXT_LIMIT:
            raise BoundExceeded(
                f"the template prints {len(text):,} characters here; a whole sentence is at most {TEXT_LIMIT:,}"
            )
        budget = _RUN.get()
        if budget is not None:
            budget.printed += len(text)
            if budget.printed > MAX_PRINTED:  # here rather than when the output is joined, to name this line
                raise BoundExceeded(
                    f"the template prints more than {MAX_PRINTED:,} characters in all; "
                    f"a whole sentence is at most {TEXT_LIMIT:,}"
                )
        return text

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        tick()
        _check_operator(operator, left, right)
        return checked(self.binop_table[operator](left, right), f"'{operator}'")

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's names
        tick()
        what = f"calling '{getattr(__obj, '__name__', None) or getattr(__obj, 'name', None) or 'this'}'"
        for argument in (*args, *kwargs.values()):
            check_weight(argument, what)
        _check_method(__obj, args, kwargs)
        budget = _RUN.get()
        if budget is not None:
            budget.depth += 1
            if budget.depth > MAX_DEPTH:
                budget.depth -= 1
                kind = "macro" if isinstance(__obj, Macro) else "call"
                raise BoundExceeded(f"{kind}s nest more than {MAX_DEPTH} deep: a macro that calls itself without end?")
        try:
            return checked(super().call(__context, __obj, *args, **kwargs), what)
        finally:
            if budget is not None:
                budget.depth -= 1

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` and ``format_map`` through :class:`_BoundedFormatter` (Jinja's own, bounded)."""
        if getattr(value, "__name__", None) not in ("format", "format_map"):
            return None
        owner = getattr(value, "__self__", None)
        if not isinstance(owner, str):
            return None
        formatter: Formatter = (
            _BoundedEscapeFormatter(self, escape=owner.escape) if isinstance(owner, Markup) else _BoundedFormatter(self)
        )
        is_map = value.__name__ == "format_map"
        kind = type(owner)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return checked(kind(formatter.vformat(owner, args, kwargs)), "'.format()'")  # type: ignore[no-any-return]

        return update_wrapper(wrapper, value)
