"""Inline markup: italics, links, typographic quotes — and nothing else interpreted."""

from __future__ import annotations

from authoring.inline import Inline, Span, smarten


def test_italics_and_links() -> None:
    text = Inline.parse("See *Without Fear or Favour* at www.hmic.gov.uk. Or https://example.org/a?b=1).")
    assert text.spans == (
        Span("See "),
        Span("Without Fear or Favour", italic=True),
        Span(" at "),
        Span("www.hmic.gov.uk", href="http://www.hmic.gov.uk"),
        Span(". Or "),
        Span("https://example.org/a?b=1", href="https://example.org/a?b=1"),
        Span(")."),
    )


def test_lone_asterisks_and_markup_of_other_languages_stay_literal() -> None:
    source = "5 * 3 = 15, <b>bold</b>, {{ 7*7 }}, _under_ and **"
    assert Inline.parse(source).text == source


def test_straight_quotes_become_typographic() -> None:
    assert (
        smarten("""HMIC's "review" of 'forces' and forces' (\"x\")""")
        == "HMIC’s “review” of ‘forces’ and forces’ (“x”)"
    )


def test_neighbouring_spans_with_the_same_look_merge() -> None:
    quoted = Inline.plain("“").italicised() + Inline.parse("It *is* so").italicised() + Inline.plain("”").italicised()
    assert quoted.spans == (Span("“It is so”", italic=True),)
