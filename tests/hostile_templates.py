"""Hostile campaign templates: the cases of issue 19, a generator of many, and a grammar for hypothesis.

A campaign is shared between teams, and its templates are code-like: each one here tries
to hang, exhaust or crash the toolkit, or to print what no release may hold.

- :data:`CASES`: named cases, each a template whose line ``line`` is the hostile one, and a
  fragment of what ``validate`` must say about it;
- :func:`generated`: any number of hostile templates (for the benchmark), each with benign
  lines around one hostile line, whose number it gives;
- :func:`templates`: a hypothesis strategy of templates built from Jinja's grammar
  (expressions, filters, calls, methods, loops, branches, macros, recursion);
- :func:`campaign_with_lead_in` and :func:`campaign_with_kinds`: the reference campaign with
  templates written into it as YAML block scalars, so that a template's line *k* is a known
  line of the file.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.conftest import FORCES

#: Where the lead-in's block scalar starts in the reference campaign (its key's line).
LEAD_IN_LINE = 18
_LEAD_IN = '  findings_lead_in: "In {{ force.name }}, {{ organisation_short }} found:"\n'


@dataclass(frozen=True)
class Case:
    """A hostile template, the line of it that is hostile (1-based), and a fragment of the problem."""

    name: str
    template: str
    line: int
    says: str


_DOUBLINGS = (
    "{% set s = 'ab' %}\n"
    + "".join("{% set s = s|replace('a', 'aa')|replace('b', 'bb') %}" for _ in range(30))
    + "\n{{ s }}"
)

CASES = (
    Case(
        "nested-loops",
        "In {{ force.name }}:\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        2,
        "'range' would make 100,000 items",
    ),
    Case(
        "nested-loops-within-range",
        "{% for i in range(10000) %}\n{% for j in range(10000) %}{% endfor %}\n{% endfor %}",
        2,
        "steps",
    ),
    Case(
        "loops-that-skip-their-body",
        "In:\n{% for i in range(10000) %}{% for j in range(10000) if j < 0 %}{% endfor %}{% endfor %}",
        2,
        "the template took more than 0.5 seconds of processor time",
    ),
    Case(
        "exponential-macros",
        "{% macro m0() %}x{% endmacro %}\n"
        + "".join(f"{{% macro m{i}() %}}{{{{ m{i - 1}() }}}}{{{{ m{i - 1}() }}}}{{% endmacro %}}" for i in range(1, 31))
        + "\n{{ m30() }}",
        2,
        "steps",
    ),
    Case(
        "recursive-macro",
        "{% macro f(n) %}\n{{ f(n - 1) }}{{ f(n - 1) }}\n{% endmacro %}{{ f(40) }}",
        2,
        "the macro 'f' calls itself",
    ),
    Case("lipsum", "In {{ force.name }}\n{{ lipsum(10000000) }}", 2, "'lipsum' makes at most 10 paragraphs"),
    Case("repeat-300-million", "{{ 'a' * 300000000 }}", 1, "'*' would make a text of 300,000,000 characters"),
    Case("repeat-2-billion", "{{ 'a' * 2000000000 }}", 1, "'*' would make a text of 2,000,000,000 characters"),
    Case("list-repeat", "{{ [1] * 10**9 }}", 1, "'*' would make 1,000,000,000 items"),
    Case("center", "{{ force.name|center(2000000000) }}", 1, "the filter 'center' is given 2,000,000,000"),
    Case("indent", "{{ force.name|indent(10**9) }}", 1, "the filter 'indent' is given 1,000,000,000"),
    Case("doubling-replace", _DOUBLINGS, 2, "the filter 'replace' would make a text of"),
    Case("format-width", "{{ '%*s'|format(10**9, force.name) }}", 1, "the filter 'format' is given 1,000,000,000"),
    Case("str-format-width", "{{ '{:>{w}}'.format(force.name, w=10**9) }}", 1, "'.format()' is given 1,000,000,000"),
    Case("method-width", "{{ force.name.ljust(10**9) }}", 1, "'.ljust()' is given 1,000,000,000"),
    Case("concat-doubling", "{% set s = 'ab' * 50000 %}\n{{ s ~ s ~ s }}", 2, "a text of"),
    Case("hundred-megabytes", "{{ 'x' * 100000000 }}", 1, "'*' would make a text of 100,000,000 characters"),
    Case("too-long-a-sentence", "In {{ force.name }}\n{{ 'word ' * 2000 }}", 2, "a whole sentence is at most 5,000"),
    Case("unknown-filter", "In\n{{ force.name|uper }}", 2, "there is no helper called 'uper'"),
    Case(
        "unknown-filter-in-branch", "{% if false %}\n{{ force.name|shout }}\n{% endif %}", 2, "no helper called 'shout'"
    ),
    Case("power", "{{ 10 ** 5000 }}", 1, "'**' would make a number larger than"),
    Case("huge-literal", "a\n{{ 1" + "0" * 4400 + " }}", 2, "a number in the template is larger than"),
    Case("wrong-type", "{{ 5|wordwrap }}", 1, "the filter 'wordwrap' cannot be used on a number"),
    Case("nul", "In\n{{ '\\x00' }}", 2, "the control character U+0000"),
    Case("direction-control", "{{ '\\u202e' }}{{ force.name }}", 1, "the invisible character U+202E"),
    Case("no-font", "{{ '%c'|format(128512) }}", 1, "which the PDF's fonts cannot print"),
    Case("unknown-name", "In\n{{ forse.name }}", 2, "no placeholder 'forse' here"),
)


def campaign_with_lead_in(folder: Path, template: str) -> Path:
    """The reference campaign in ``folder``, its findings lead-in ``template`` (line k at line 18 + k)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    assert _LEAD_IN in text
    block = "".join(f"    {line}\n" for line in template.split("\n"))
    text = text.replace(_LEAD_IN, f"  findings_lead_in: |-\n{block}", 1)
    path = folder / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def campaign_with_kinds(folder: Path, templates: list[str]) -> tuple[Path, list[int]]:
    """The reference campaign with one more kind of finding per template; the file line of each phrase's line 1."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    head, marker, rest = text.partition("\nfindings:\n")
    assert marker
    lines = f"{head}{marker}".count("\n") + 1
    added = []
    starts = []
    for index, template in enumerate(templates):
        starts.append(lines + 5)
        kind = [
            f"  h{index}:",
            "    description: H.",
            "    fields: {n: {type: count, description: N.}}",
            "    examples: [{values: {n: 3}, says: x}]",
            "    phrase: |-",
            *(f"      {line}" for line in template.split("\n")),
        ]
        added.extend(kind)
        lines += len(kind)
    path = folder / "campaign.yaml"
    path.write_text(f"{head}{marker}" + "\n".join(added) + "\n" + rest, encoding="utf-8")
    return path, starts


# --------------------------------------------------------------------------- many, generated

_HOSTILE_LINES = (
    lambda r: (
        f"{{% for i in range({r.randint(200, 5000)}) %}}{{% for j in range({r.randint(200, 5000)}) %}}"
        "{% endfor %}{% endfor %}"
    ),
    lambda r: f"{{{{ 'ab' * {r.randint(10**6, 10**10)} }}}}",
    lambda r: f"{{{{ [n] * {r.randint(10**5, 10**10)} }}}}",
    lambda r: f"{{{{ {r.randint(2, 99)} ** {r.randint(100, 10**6)} }}}}",
    lambda r: f"{{{{ lipsum({r.randint(11, 10**8)}) }}}}",
    lambda r: f"{{{{ force.name|center({r.randint(1001, 10**10)}) }}}}",
    lambda r: f"{{{{ force.name|indent({r.randint(1001, 10**10)}) }}}}",
    lambda r: f"{{{{ '%*s'|format({r.randint(1001, 10**10)}, force.name) }}}}",
    lambda r: f"{{{{ '{{:>{{w}}}}'.format(force.name, w={r.randint(1001, 10**10)}) }}}}",
    lambda r: "{{ ('ab' * 1000)" + "|replace('a', 'aaaaaaaaaa')" * r.randint(2, 12) + " }}",
    lambda r: f"{{{{ force.name|{r.choice(['uper', 'shout', 'titel', 'lenght'])} }}}}",
    lambda r: f"{{{{ {r.randint(1, 99)}|{r.choice(['wordwrap', 'first', 'join', 'list', 'length'])} }}}}",
    lambda r: "{{ '" + r.choice(["\\x00", "\\x1b", "\\u202e", "\\u2066", "\\x07"]) + "' }}",
    lambda r: f"{{{{ '%c'|format({r.choice([128512, 20013, 44032, 0x1F4A9])}) }}}}",
    lambda r: "{{ 1" + "0" * r.choice([*range(19, 300, 10), 4400]) + " }}",
    lambda r: f"{{{{ undefined_{r.randint(0, 10**6)} }}}}",
    lambda r: "{% macro r(x) %}{{ r(x) }}{% endmacro %}{{ r(1) }}",
    lambda r: f"{{{{ ('a' * {r.randint(50_001, 99_999)}) ~ ('a' * {r.randint(50_001, 99_999)}) }}}}",
    lambda r: f"{{{{ 'word ' * {r.randint(1100, 19_999)} }}}}",
    lambda r: "{{ n + }}",
)


def generated(count: int, seed: int = 19) -> list[tuple[str, int]]:
    """``count`` hostile templates, each with its one hostile line's number (benign lines around it)."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        before = rng.randint(0, 2)
        lines = [f"{{{{ force.name }}}} {k}" for k in range(before)]
        lines.append(_HOSTILE_LINES[index % len(_HOSTILE_LINES)](rng))
        lines.extend(f"{{{{ counted(n, 'case') }}}} {k}" for k in range(rng.randint(0, 1)))
        made.append(("\n".join(lines), before + 1))
    return made


# --------------------------------------------------------------------------- Jinja's grammar, for hypothesis

_NAMES = ("force.name", "organisation_short", "national_report", "website.text", "release_date", "x", "loop")
_FILTERS = (
    "center", "indent", "wordwrap", "truncate", "replace", "format", "join", "sum", "list", "string", "batch",
    "slice", "upper", "title", "trim", "length", "first", "last", "reverse", "sort", "unique", "int", "float",
    "round", "abs", "default", "striptags", "urlize", "wordcount", "tojson", "pprint", "xmlattr", "map", "select",
    "capitalise", "lower_first", "number", "and_list", "money", "percent", "filesizeformat", "uper",
)  # fmt: skip
_METHODS = ("center", "ljust", "rjust", "zfill", "replace", "join", "format", "split", "upper", "expandtabs")
_OPERATORS = ("+", "-", "*", "**", "%", "//", "/", "~", "and", "or", "==", "in")


def _literal() -> st.SearchStrategy[str]:
    number = st.one_of(
        st.integers(-10, 100),
        st.sampled_from([10**3, 10**5, 10**9, 2**31, 10**18, 10**19]),
        st.integers(0, 12).map(lambda e: f"10 ** {10**e}"),
    ).map(str)
    text = st.sampled_from(["'a'", "'ab'", "''", "'%*s'", "'{:>{w}}'", "'\\x00'", "'\\u202e'", "'%c'", "' '"])
    return st.one_of(number, text, st.sampled_from(["[1, 2]", "[]", "{'a': 1}", "none", "true", "range(5)"]))


def _expression() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        arguments = st.lists(inner, max_size=3).map(", ".join)
        return st.one_of(
            st.tuples(inner, st.sampled_from(_OPERATORS), inner).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
            st.tuples(inner, st.sampled_from(_FILTERS), arguments).map(lambda p: f"({p[0]}|{p[1]}({p[2]}))"),
            st.tuples(inner, st.sampled_from(_METHODS), arguments).map(lambda p: f"({p[0]}).{p[1]}({p[2]})"),
            st.tuples(st.sampled_from(["range", "lipsum", "dict", "namespace", "counted"]), arguments).map(
                lambda p: f"{p[0]}({p[1]})"
            ),
            st.lists(inner, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        )

    return st.recursive(st.one_of(_literal(), st.sampled_from(_NAMES)), extend, max_leaves=5)


def _statements() -> st.SearchStrategy[str]:
    expression = _expression()

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(expression, inner).map(lambda p: f"{{% for x in {p[0]} %}}{p[1]}{{% endfor %}}"),
            st.tuples(expression, inner, inner).map(
                lambda p: f"{{% if {p[0]} %}}{p[1]}{{% else %}}{p[2]}{{% endif %}}"
            ),
            st.tuples(expression, inner).map(lambda p: f"{{% set x = {p[0]} %}}{p[1]}"),
            st.tuples(inner, expression).map(
                lambda p: f"{{% macro m(x) %}}{p[0]}{{% endmacro %}}{{{{ m({p[1]}) }}}}{{{{ m(m({p[1]})) }}}}"
            ),
            inner.map(lambda body: f"{{% macro r(x) %}}{body}{{{{ r(x) }}}}{{% endmacro %}}{{{{ r(1) }}}}"),
            st.tuples(inner, inner).map(lambda p: f"{p[0]}\n{p[1]}"),
        )

    leaf = st.one_of(expression.map(lambda e: f"{{{{ {e} }}}}"), st.sampled_from(["words ", "In {{ force.name }} "]))
    return st.recursive(leaf, extend, max_leaves=5)


def templates() -> st.SearchStrategy[str]:
    """Campaign templates built from Jinja's grammar: most are hostile, some are harmless."""
    return _statements()


def as_yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)
