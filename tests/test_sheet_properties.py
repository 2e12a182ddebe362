"""Properties of reading cells and writing values: fuzzed, never a traceback, never a value read back wrong."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from authoring.inputs.yamlsource import _FormLoader
from authoring.model.findings import FieldType
from authoring.sheet.cells import Blank, CellError, read_cell
from authoring.sheet.columns import Column
from authoring.sheet.yamledit import Edit, edited, written

# What a form's text may hold: no control characters, surrogates or line separators (refused earlier).
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co"), blacklist_characters="\ufeff\ufffe\uffff"),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() == text)

CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["1,212", "£3,000", "16.5%", "12,5", "01/04/2010", "31/02/2010", "TODO ask", "#DIV/0!", "3m"]),
)


@settings(max_examples=400)
@given(CELLS, st.sampled_from(list(FieldType)))
def test_a_cell_is_read_or_explained_never_a_crash(value: object, kind: FieldType) -> None:
    column = Column("k.f", "k", "f", kind, "A field.", choices=("a", "b") if kind is FieldType.CHOICE else ())

    result = read_cell(value, column)

    assert isinstance(result, Blank | CellError | str | int | float | bool | dt.date)
    if isinstance(result, CellError):
        assert result.message
        assert "Traceback" not in result.message


@settings(max_examples=400)
@given(TEXT)
def test_a_text_is_written_so_that_it_reads_back_the_same(text: str) -> None:
    assert yaml.load(f"year: {written(text)}\n", Loader=_FormLoader) == {"year": text}
    assert yaml.load(f"{{year: {written(text, flow=True)}}}\n", Loader=_FormLoader) == {"year": text}


@given(TEXT, st.integers(min_value=0, max_value=10**12))
def test_an_edit_changes_its_value_and_no_other_byte(text: str, number: int) -> None:
    form = (
        "# comment\nfindings:\n  - kind: spending\n    year: '2013/14'  # note\n    budget: 5\n"
        f"quote:\n  - {written(text)}\n"
    )

    result = edited(form, [Edit("set", ("findings", 0, "budget"), number)])

    assert result == form.replace("budget: 5\n", f"budget: {number}\n")
