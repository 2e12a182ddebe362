"""Inline markup: italics, links, typographic quotes — and nothing else interpreted."""

from __future__ import annotations

import pytest

from authoring.model.inline import Inline, Span, link_target, smarten


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


def test_a_web_address_ends_at_a_bracket_and_before_the_punctuation_of_its_sentence() -> None:
    assert Inline.parse("https://a.example)![i](http://127.0.0.1:9/p)").spans == (
        Span("https://a.example", href="https://a.example"),
        Span(")![i]("),
        Span("http://127.0.0.1:9/p", href="http://127.0.0.1:9/p"),
        Span(")"),
    )
    assert Inline.parse("(see https://en.example/wiki/A_(b)), then www.c.example/d?e=f&g=h!").spans == (
        Span("(see "),
        Span("https://en.example/wiki/A_(b)", href="https://en.example/wiki/A_(b)"),
        Span("), then "),
        Span("www.c.example/d?e=f&g=h", href="http://www.c.example/d?e=f&g=h"),
        Span("!"),
    )


def test_text_that_only_looks_like_an_address_stays_text() -> None:
    for source in (
        "www.",
        "https://",
        "https://.",
        "www..",
        "javascript:alert(1)",
        "mailto:a@b.example",
        "//a.example",
    ):
        assert Inline.parse(source).spans == (Span(source),)


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("http://www.hmic.gov.uk", "http://www.hmic.gov.uk"),
        ("https://a.example/(x)<y> z\"'", "https://a.example/%28x%29%3Cy%3E%20z%22'"),
        ("https://a.example/[i]\\{j}|^`", "https://a.example/%5Bi%5D%5C%7Bj%7D%7C%5E%60"),
        ("HTTPS://a.example/é?q=1&r=%41%zz", "HTTPS://a.example/%C3%A9?q=1&r=%41%25zz"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("ftp://a.example", None),
        ("mailto:a@b.example", None),
        ("//a.example", None),
        ("http:///path", None),
        ("http\n://a.example", None),
        (" http://a.example", None),
    ],
)
def test_a_link_target_is_a_percent_encoded_web_address_or_nothing(href: str, target: str | None) -> None:
    assert link_target(href) == target
    assert Span("text", href=href).target == target


def test_an_address_that_starts_with_www_is_linked_over_http_whatever_follows() -> None:
    assert Inline.parse("www.a.example/?u=https://b.example").spans == (
        Span("www.a.example/?u=https://b.example", href="http://www.a.example/?u=https://b.example"),
    )
