"""Every common slip, made through the command line, and the whole line the press officer reads.

One test per slip named in the issues: the YAML that a person writes by mistake, and the exact
``path:line:col: field: message`` that ``authoring validate`` prints for it (or builds from it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.inputs.load import load_campaign
from authoring.inputs.scaffold import skeleton
from authoring.registry import get_force
from tests.conftest import FORCES

runner = CliRunner()
F = "forces/kent.yaml"
C = "forces/campaign.yaml"
HEAD = "force: kent\nstatus: final\ngrade: improvements\ninspector: zoe-billingham\n"
QUOTE = "quote:\n  - Kent Police has made improvements.\n"


@pytest.fixture(autouse=True)
def forms(tmp_path: Path) -> Path:
    """A project in the working folder: forces/ with the 2012 campaign."""
    folder = tmp_path / "forces"
    folder.mkdir()
    shutil.copy(FORCES / "campaign.yaml", folder)
    return folder


def problems(text: str, *args: str, name: str = "kent.yaml") -> list[str]:
    """Write a form, validate it, and return every problem line; the command must exit 1."""
    Path("forces", name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", f"forces/{name}", *args])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    *lines, summary = result.stderr.splitlines()
    assert summary.endswith("checked.")
    return lines


def campaign_problems(old: str, new: str) -> list[str]:
    campaign = Path(C)
    text = campaign.read_text(encoding="utf-8")
    assert old in text
    campaign.write_text(text.replace(old, new), encoding="utf-8")
    result = runner.invoke(app, ["validate", C])
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()[:-1]


# ----------------------------------------------------------- issue 8.7: what validate accepts, build renders


def test_a_subject_too_long_for_the_document_title() -> None:
    long = ("identifies, monitors and manages integrity issues " * 6)[:274] + "s"  # the 275 characters
    old = "{{ verdict }} identifies, monitors and manages integrity issues"
    assert campaign_problems(old, "{{ verdict }} " + long) == [
        f"{C}:17:13: sentences.headline: too long: for the longest force name (Avon and Somerset Constabulary), "
        "the headline would have 343 characters, and at most 255 fit; shorten it"
    ]


def test_a_release_date_a_word_file_cannot_carry() -> None:
    assert campaign_problems("release_date: 2012-12-11", "release_date: 2108-01-01") == [
        f"{C}:8:15: release_date: is the year right? A release date must fall between 1980 and 2107 "
        "(a Word file cannot carry other dates)"
    ]


def test_a_national_report_title_too_long_for_file_names() -> None:
    title = "Revisiting Police Relationships " * 7  # 224 characters
    assert campaign_problems("national_report: Revisiting Police Relationships", f"national_report: {title}") == [
        f"{C}:7:18: national_report: too long: for the longest force name (Avon and Somerset Constabulary), "
        "file names would have 270 characters, and at most 200 fit; shorten it"
    ]


def test_a_national_report_title_with_nothing_for_a_file_name() -> None:
    assert campaign_problems("national_report: Revisiting Police Relationships", "national_report: “—”") == [
        f"{C}:7:18: national_report: the title needs some letters or digits (a to z, 0 to 9): "
        "file names are made from it"
    ]


def test_an_organisation_too_long_for_the_document_author() -> None:
    name = "Her Majesty's Inspectorate of Constabulary"
    assert campaign_problems(f"organisation: {name}", f"organisation: {(name + ' ') * 7}") == [
        f"{C}:4:15: organisation: too long: a document's author takes at most 255 characters, "
        "and this has 300; shorten it"
    ]


# --------------------------------------------------------------------------- issue 8.10: no claim by default


SOCIAL = HEAD + "findings:\n  - kind: social-media\n    cases: 3\n" + QUOTE


def _markdown(form: str) -> str:
    Path(F).write_text(form, encoding="utf-8")
    result = runner.invoke(app, ["build", F, "-f", "md"])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip()).read_text(encoding="utf-8")


def test_a_form_silent_on_referral_claims_none() -> None:
    text = _markdown(SOCIAL)
    assert "identified three cases of inappropriate behaviour on Facebook or Twitter by Kent Police" in text
    assert "referred" not in text


def test_referral_is_stated_when_the_form_states_it() -> None:
    text = _markdown(SOCIAL.replace("cases: 3\n", "cases: 3\n    referred: true\n"))
    assert "by Kent Police officers or staff. These have been referred back to the force." in text


def test_the_skeleton_offers_referral_as_a_claim_to_make() -> None:
    assert (
        "  #   referred: false  # (optional) Say that the cases have been referred back to the force "
        "(write true only if the report says so).\n"
        in skeleton(get_force("kent"), campaign=load_campaign(FORCES / "campaign.yaml"))
    )


# --------------------------------------------------------------------------- issue 8.12: report lines cannot be forged


def test_a_key_with_a_line_break_cannot_add_a_report_line() -> None:
    form = HEAD + '"grade\\nforces/kent.yaml:1:1: force: all good": x\nfindings:\n  - A finding.\n' + QUOTE
    assert problems(form) == [
        f"{F}:5:1: 'grade\\nforces/kent.yaml:1:1: force: all good': unknown field; "
        "check its spelling (fields are listed by 'authoring schema')"
    ]


def test_a_value_with_a_line_separator_cannot_add_a_report_line() -> None:
    form = HEAD.replace("status: final", 'status: "final\\u2028x"') + "findings:\n  - A finding.\n" + QUOTE
    assert problems(form) == [  # two characters more than a word of five: no guess, the options are listed
        f"{F}:2:9: status: expected 'draft' or 'final', found 'final\\u2028x'"
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2:09", "write a count in plain digits (0 to 9 only), e.g. 129; found '2:09'"),
        ("0x80", "write a count in plain digits (0 to 9 only), e.g. 129; found '0x80'"),
        ("0o17", "write a count in plain digits (0 to 9 only), e.g. 129; found '0o17'"),
        ("017", "write the number without a leading zero: 17"),
        ("1_000", "write numbers without '_': 1000"),
        ("+5", "write the number without '+': 5"),
        ("1,212", "write numbers without commas: 1212"),
        ('"212"', "the number is in quotes, which makes it text; remove the quotes: 212"),
    ],
)
def test_counts_are_decimal_digits(written: str, message: str) -> None:
    form = HEAD + f"findings:\n  - kind: second-jobs\n    applications: {written}\n    approved: 0\n" + QUOTE
    assert problems(form) == [f"{F}:7:19: findings.0.applications: {message}"]


# --------------------------------------------------------------------------- issue 10.1: a colon in prose


def test_a_colon_in_a_finding() -> None:
    form = HEAD + "findings:\n  - In summary: staff we spoke to knew the policy.\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:5: findings.0: this text contains ': ' (after 'In summary'), so YAML reads it as a field and "
        "its value; put the whole text in quotes, or write it as a '>-' block"
    ]


def test_a_colon_in_the_quote() -> None:
    form = HEAD + "findings:\n  - A finding.\nquote:\n  - Kent Police: a force that has made improvements.\n"
    assert problems(form) == [
        f"{F}:8:5: quote.0: this text contains ': ' (after 'Kent Police'), so YAML reads it as a field and "
        "its value; put the whole text in quotes, or write it as a '>-' block"
    ]


def test_a_colon_in_a_continued_line() -> None:
    form = HEAD + "findings:\n  - Since 2011 the force has reviewed\n    its policies: all of them.\n" + QUOTE
    assert problems(form) == [
        f"{F}:7:17: this text contains ': ', which YAML reads as the start of a field; "
        "put the whole text in quotes, or write it as a '>-' block"
    ]


# --------------------------------------------------------------------------- issue 10.2: the line of the mistake


def test_a_missing_colon_is_reported_at_its_own_line() -> None:
    form = "force: kent\nstatus: final\n# the verdict\ngrade some-improvements\n# who speaks\ninspector: x\n"
    assert problems(form) == [f"{F}:4:1: this line should be 'key: value'; is the ':' missing after 'grade'?"]


def test_windows_1252_is_reported_at_the_first_bad_byte() -> None:
    lines = [f"# comment {n}" for n in range(1, 69)]
    lines[18] = "# Kent’s form"  # line 19: a smart quote in a comment
    lines.append("  - It cost £5,000.")  # line 69
    Path(F).write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    result = runner.invoke(app, ["validate", F])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f'{F}:19:7: the file is not UTF-8 text: the byte 0x92 here is probably "’" saved as Windows-1252; '
        "save the file as UTF-8"
    )


def test_windows_1252_pound_sign() -> None:
    Path(F).write_bytes("force: kent\nquote:\n  - It cost £5,000.\n".encode("cp1252"))
    result = runner.invoke(app, ["validate", F])
    assert result.stderr.splitlines()[0] == (
        f'{F}:3:13: the file is not UTF-8 text: the byte 0xA3 here is probably "£" saved as Windows-1252; '
        "save the file as UTF-8"
    )


def test_utf_16_is_named() -> None:
    Path(F).write_bytes("force: kent\nstatus: final\n".encode("utf-16"))
    result = runner.invoke(app, ["validate", F])
    assert result.stderr.splitlines()[0] == f"{F}:1:1: the file is UTF-16 text, not UTF-8; save it as UTF-8"


NO_BREAK = (
    "a no-break space (as copied from Word) stands here where YAML needs a plain space; "
    "delete it and type an ordinary space"
)


@pytest.mark.parametrize(
    ("form", "where"),
    [
        pytest.param("force: kent\nstatus: final\ngrade:\u00a0some-improvements\n", "3:7", id="after-a-colon"),
        pytest.param(HEAD + "findings:\n  - A finding.\n\u00a0 - Another.\n" + QUOTE, "7:1", id="in-the-indentation"),
    ],
)
def test_a_no_break_space_where_yaml_needs_a_space(form: str, where: str) -> None:
    assert problems(form) == [f"{F}:{where}: {NO_BREAK}"]


# --------------------------------------------------------------------------- issue 10.3: no jargon


def test_a_tab() -> None:
    form = HEAD + "findings:\n  - A finding.\n\t- Another.\n" + QUOTE
    assert problems(form) == [f"{F}:7:1: indent with spaces, not tabs"]


def test_a_text_that_starts_with_a_quotation_mark() -> None:
    form = HEAD + "findings:\n  - 'Kent Police' has reviewed its policies.\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:5: this text starts with a quotation mark, so YAML ends it at the next '; put the whole text "
        """in double quotes: "'Kent Police' has reviewed its policies.\""""
    ]


def test_a_quotation_mark_never_closed() -> None:
    form = HEAD + 'findings:\n  - "Kent Police has reviewed its policies.\n' + QUOTE
    assert problems(form) == [
        f'{F}:6:5: this text opens with a quotation mark (") that is never closed; end the text with " too, '
        "or write it without the opening one"
    ]


def test_a_text_that_starts_with_italics() -> None:
    form = HEAD + "findings:\n  - *Without Fear or Favour* made recommendations.\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:5: a text cannot start with '*' unless it is in quotes; put the whole text in quotes: "
        '"*Without Fear or Favour* made recommendations."'
    ]


def test_a_field_indented_too_far() -> None:
    form = "force: kent\n  status: final\n"
    assert problems(form) == [
        f"{F}:2:3: 'status' is indented as if it continued the line above; if it is a field, line it up with "
        "the fields above; if it is text with ': ' in it, put the whole text in quotes"
    ]


def test_a_second_document() -> None:
    assert problems(HEAD + "---\n") == [
        f"{F}:5:1: '---' starts a second document; a form is a single one: delete this line"
    ]


def test_a_kind_spelt_with_a_space() -> None:
    form = HEAD + "findings:\n  - kind: social media\n    cases: 3\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:11: findings.0.kind: no kind of finding is called 'social media'; did you mean 'social-media'?"
    ]


def test_a_grade_spelt_with_a_space() -> None:
    form = HEAD.replace("grade: improvements", "grade: some improvements") + "findings:\n  - A finding.\n" + QUOTE
    assert problems(form) == [
        f"{F}:3:8: grade: expected 'good-progress', 'some-improvements' or 'improvements', found "
        "'some improvements'; did you mean 'some-improvements'?"
    ]


def test_a_structured_finding_without_its_kind() -> None:
    form = HEAD + "findings:\n  - applications: 3\n    approved: 2\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:5: findings.0: a structured finding needs a 'kind', one of: media-disclosures, social-media, "
        "second-jobs, anti-corruption-staffing"
    ]


# --------------------------------------------------------------------------- issue 10.4: a draft's gaps, listed

DRAFT = "force: kent\ngrade: TODO\ninspector: zoe-billingham\nfindings:\n  - TODO ask PSD\n" + QUOTE


def test_a_drafts_gaps_are_listed_as_information() -> None:
    Path(F).write_text(DRAFT, encoding="utf-8")
    result = runner.invoke(app, ["validate", F])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"{F}:2:8: grade: TODO still to fill",
        f"{F}:5:5: findings.0: TODO still to fill: ask PSD",
        "All valid: 1 form and 1 campaign checked (1 draft, 2 TODOs to fill).",
    ]


def test_under_final_a_drafts_gaps_are_problems() -> None:
    assert problems(DRAFT, "--final") == [
        f"{F}:1:1: status: the form is still a draft; set 'status: final' when it is ready to publish",
        f"{F}:2:8: grade: TODO still to fill",
        f"{F}:5:5: findings.0: TODO still to fill: ask PSD",
    ]


# --------------------------------------------------------------------------- issue 10.5: dates


def test_an_embargo_without_a_time() -> None:
    assert campaign_problems("embargo: 2012-12-11 00:01", "embargo: 2012-12-11") == [
        f"{C}:9:10: embargo: give the time too: write YYYY-MM-DD HH:MM, e.g. 2012-12-11 00:01"
    ]


def test_an_embargo_after_the_release_date() -> None:
    assert campaign_problems("embargo: 2012-12-11 00:01", "embargo: 2012-12-12 00:01") == [
        f"{C}:9:10: embargo: the embargo ends after the release date: a release embargoed until 00:01 on "
        "12 December 2012 cannot be dated 11 December 2012; correct one of the two (release_date, line 8)"
    ]


def test_a_release_date_long_before_the_embargo() -> None:
    assert campaign_problems("release_date: 2012-12-11", "release_date: 2012-01-11") == [
        f"{C}:9:10: embargo: the embargo ends after the release date: a release embargoed until 00:01 on "
        "11 December 2012 cannot be dated 11 January 2012; correct one of the two (release_date, line 8)"
    ]


def test_an_embargo_long_before_the_release_date() -> None:
    assert campaign_problems("embargo: 2012-12-11 00:01", "embargo: 2012-11-11 00:01") == [
        f"{C}:9:10: embargo: the embargo ends at 00:01 on 11 November 2012, 30 days before the release is dated "
        "11 December 2012; correct one of the two (release_date, line 8)"
    ]


def test_a_date_written_another_way() -> None:
    assert campaign_problems("release_date: 2012-12-11", "release_date: 11/12/2012") == [
        f"{C}:8:15: release_date: write the date as YYYY-MM-DD, e.g. 2012-12-11"
    ]


# --------------------------------------------------------------------------- issue 8.7: text the PDF cannot print


def test_a_character_no_font_can_print() -> None:
    form = HEAD + "findings:\n  - The force opened Tŷ Newydd 😀.\n" + QUOTE
    assert problems(form) == [
        f"{F}:6:32: findings.0: the character '😀' (U+1F600 GRINNING FACE) cannot be printed in the PDF "
        "(neither Atkinson Hyperlegible nor Fira Sans has it); replace it or leave it out"
    ]


# ------------------------------------------------------------------ issue 10.3: more slips, in a press officer's words


def test_no_space_after_the_colon() -> None:
    assert problems("force: kent\ngrade:improvements\n") == [
        f"{F}:2:1: put a space after the ':' — grade: improvements"
    ]


def test_a_list_item_on_the_line_of_its_key() -> None:
    assert problems(HEAD + "findings: - A finding.\n" + QUOTE) == [
        f"{F}:5:11: a list item ('- ') cannot follow its key on the same line; start each item on a line of its "
        "own, under the key"
    ]


def test_a_text_continued_without_indent() -> None:
    form = HEAD + "findings:\n  - Since 2011 the force\nhas reviewed its policies.\n" + QUOTE
    assert problems(form) == [
        f"{F}:7:1: this line should be 'key: value'; is the ':' missing after 'has'? "
        "Or, if it continues the text above, indent it as far as that text"
    ]


def test_a_list_item_without_a_space_after_its_dash() -> None:
    assert problems(HEAD + "findings:\n  -A finding.\n" + QUOTE) == [
        f"{F}:6:3: findings: expected a list (one item per line, each starting with '- '), found '-A finding.'; "
        "put a space after the '-'"
    ]


def test_a_finding_that_yaml_reads_as_yes() -> None:
    assert problems(HEAD + "findings:\n  - yes\n" + QUOTE) == [
        f"{F}:6:5: findings.0: a finding is either text, or fields with a 'kind', one of: media-disclosures, "
        "social-media, second-jobs, anti-corruption-staffing; found 'true' (yes/no); put it in quotes if it is "
        "meant as text"
    ]


def test_a_backslash_in_double_quotes() -> None:
    assert problems(HEAD + 'findings:\n  - "Filed under S:\\docs\\2012"\n' + QUOTE) == [
        f"{F}:6:20: a backslash (\\) inside double quotes starts a code such as \\n; put the text in single quotes "
        "instead, or write each backslash twice (\\\\)"
    ]


def test_a_hash_in_a_text_would_cut_it_short() -> None:
    assert problems(HEAD + "findings:\n  - Kent Police is the #1 force for vetting.\n" + QUOTE) == [
        f"{F}:6:24: the text stops before ' #', which starts a comment in YAML; to keep the rest, put the whole "
        "text in quotes (for a comment, put a space after the '#')"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [("Kent Police has made improvements.\n", "text only"), ("", "an empty file"), ("2012\n", "a number")],
)
def test_a_file_without_fields(text: str, found: str) -> None:
    assert problems(text) == [f"{F}:1:1: expected fields, one per line as key: value, found {found}"]


def test_true_in_quotes_for_a_yes_no_field() -> None:
    form = HEAD + 'findings:\n  - kind: social-media\n    cases: 3\n    referred: "true"\n' + QUOTE
    assert problems(form) == [
        f"{F}:8:15: findings.0.referred: expected true or false, found the text 'true': remove the quotes"
    ]
