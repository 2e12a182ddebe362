"""A form's figures changed, and every other byte kept: in place, and through ruamel.yaml where it must be."""

from __future__ import annotations

import datetime as dt

import yaml

from authoring.inputs.yamlsource import _FormLoader
from authoring.sheet.yamledit import Edit, RoundTrip, edited, layout

ORDER = ("kind", "target", "identified", "from_collaboration", "share_of_budget")

FORM = """\
# A comment at the top
force: kent   # the key
status: draft
grade: good
inspector: alex-morgan
findings:
  - The force has joined its back-office
    services with a neighbouring force.
  - kind: savings
    target: 54800000  # from the finance team
    identified: 'TODO: ask'
    share_of_budget: 16.5
  - {kind: crime, since: 2010-04-01, direction: fallen, change: 12.5, published: true}
quote:
  - >-
    A quote, folded
    by hand.
"""


def lines_changed(before: str, after: str) -> tuple[list[str], list[str]]:
    old, new = before.splitlines(), after.splitlines()
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_values_replaced_where_they_stand() -> None:
    result = edited(
        FORM,
        [
            Edit("set", ("findings", 1, "target"), 55000000, ORDER),
            Edit("set", ("findings", 1, "identified"), 1212, ORDER),
            Edit("set", ("findings", 2, "change"), 13.5),
            Edit("set", ("grade",), "requires-improvement"),
        ],
    )

    assert lines_changed(FORM, result) == (
        [
            "grade: good",
            "    target: 54800000  # from the finance team",
            "    identified: 'TODO: ask'",
            "  - {kind: crime, since: 2010-04-01, direction: fallen, change: 12.5, published: true}",
        ],
        [
            "grade: requires-improvement",
            "    target: 55000000  # from the finance team",
            "    identified: 1212",
            "  - {kind: crime, since: 2010-04-01, direction: fallen, change: 13.5, published: true}",
        ],
    )


def test_a_field_added_and_one_removed_in_place() -> None:
    result = edited(
        FORM,
        [
            Edit("set", ("findings", 1, "from_collaboration"), 12500, ORDER),
            Edit("remove", ("findings", 1, "share_of_budget")),
            Edit("insert", ("findings", 3), [("kind", "workforce"), ("officers_then", 3850)]),
            Edit("insert", ("findings", 3), [("kind", "spending"), ("year", "2013/14")]),
        ],
    )

    assert result == FORM.replace(
        "    share_of_budget: 16.5\n",
        "    from_collaboration: 12500\n",
    ).replace(
        "published: true}\n",
        "published: true}\n  - kind: workforce\n    officers_then: 3850\n  - kind: spending\n    year: 2013/14\n",
    )


def test_a_flow_mapping_changed_by_ruamel_keeps_every_other_line() -> None:
    result = edited(
        FORM, [Edit("set", ("findings", 2, "since"), dt.date(2011, 4, 1)), Edit("remove", ("findings", 2, "published"))]
    )

    removed, added = lines_changed(FORM, result)
    assert removed == ["  - {kind: crime, since: 2010-04-01, direction: fallen, change: 12.5, published: true}"]
    assert added == ["  - {kind: crime, since: 2011-04-01, direction: fallen, change: 12.5}"]
    data = yaml.load(result, Loader=_FormLoader)
    assert data["findings"][0] == "The force has joined its back-office services with a neighbouring force."
    assert data["findings"][2] == {"kind": "crime", "since": "2011-04-01", "direction": "fallen", "change": 12.5}


def test_crlf_and_a_list_at_the_keys_column() -> None:
    text = "force: kent\r\nfindings:\r\n- kind: savings\r\n  target: 5\r\n  identified: 3\r\nquote:\r\n- Words.\r\n"
    assert layout(text.replace("\r\n", "\n")) == (2, 2, 0)

    result = edited(
        text,
        [
            Edit("set", ("findings", 0, "share_of_budget"), 12.5, ORDER),
            Edit("insert", ("findings", 1), [("kind", "crime"), ("since", "2010-04-01")]),
        ],
    )

    assert result == (
        "force: kent\r\nfindings:\r\n- kind: savings\r\n  target: 5\r\n  identified: 3\r\n  share_of_budget: 12.5\r\n"
        "- kind: crime\r\n  since: 2010-04-01\r\nquote:\r\n- Words.\r\n"
    )


def test_ruamel_yaml_keeps_comments_and_the_forms_indentation() -> None:
    trip = RoundTrip(FORM)
    result = trip.apply([Edit("set", ("findings", 2, "direction"), "risen")])

    assert result == FORM.replace("direction: fallen", "direction: risen")


def test_texts_that_would_read_as_something_else_are_quoted() -> None:
    text = "findings:\n  - kind: spending\n    year: 2013/14\n"
    for value, shown in (("yes", "'yes'"), ("12", "'12'"), ("TODO: ask", "'TODO: ask'"), ("it's", "it's")):
        result = edited(text, [Edit("set", ("findings", 0, "year"), value)])
        assert result == f"findings:\n  - kind: spending\n    year: {shown}\n"
        assert yaml.load(result, Loader=_FormLoader)["findings"][0]["year"] == value
