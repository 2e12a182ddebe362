"""A mistake in a campaign's templates, fields, rules or examples: located, in words, by validate.

Each test edits the reference campaign once and runs the real ``authoring validate``:
the mistake is reported at its line in campaign.yaml, never as a traceback, exit 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli.app import app
from tests.conftest import FORCES, ROOT

runner = CliRunner()
C = "forces/campaign.yaml"
SUMMARY = "1 problem in 1 file; 0 forms and 1 campaign checked.\n"


def validate_edited(old: str, new: str) -> tuple[int, str]:
    """Run validate on the reference campaign with ``old`` replaced by ``new``: its exit code and stderr."""
    code, lines = validate_with_edits((old, new))
    return code, "".join(f"{line}\n" for line in lines)


def validate_with_edits(*edits: tuple[str, str]) -> tuple[int, list[str]]:
    """Run validate on the reference campaign with each ``(old, new)`` made once: its exit code and stderr's lines."""
    folder = Path("forces")
    folder.mkdir()
    text = (FORCES / "campaign.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "campaign.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", C])
    return result.exit_code, result.stderr.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "reported"),
    [
        pytest.param(
            "{% if investigated == 0 %}",
            "{% if investigated == 0 %",
            "83:7: findings.media-disclosures.phrase: the template cannot be read: expected token ':', got '}'",
            id="template-syntax",
        ),
        pytest.param(
            '{{ counted(investigated, "instance") }}',
            '{{ counted(investigatd, "instance") }}',
            "85:7: findings.media-disclosures.phrase: no placeholder 'investigatd' here; did you mean 'investigated'?",
            id="undefined-field",
        ),
        pytest.param(
            "says: Since September 2011 there have been 54 applications",
            "says: Since September 2011 there were 54 applications",
            "231:15: findings.second-jobs.examples.10.says: the template gives: Since September 2011 there have been "
            "54 applications for second jobs, 51 of which have been approved.",
            id="example-does-not-match",
        ),
        pytest.param(
            "        type: count\n        description: How many applications were made.",
            "        type: cuont\n        description: How many applications were made.",
            "175:15: findings.second-jobs.fields.applications.type: expected 'count', 'money', 'percent', 'choice', "
            "'yes-no', 'date' or 'text', found 'cuont'; did you mean 'count'?",
            id="unknown-field-type",
        ),
        pytest.param(
            "      - field: approved\n        at_most: applications",
            "      - field: approved\n        at_most: aplications",
            "182:18: findings.second-jobs.rules.0.at_most: no field 'aplications' in this kind of finding; it has: "
            "applications, approved",
            id="rule-names-a-missing-field",
        ),
        pytest.param(
            "In {{ force.name }}, {{ organisation_short }} found:",
            "In {{ force.nmae }}, {{ organisation_short }} found:",
            "18:21: sentences.findings_lead_in: there is nothing called 'nmae' here",
            id="misspelt-attribute",
        ),
        pytest.param(
            '{{ "This has" if cases == 1 else "These have" }}',
            '{{ "This has" if cases == 1 else "These have" | shout }}',
            "146:7: findings.social-media.phrase: there is no helper called 'shout'; the helpers are listed in "
            "docs/campaigns.md",
            id="unknown-helper",
        ),
        pytest.param(
            '  headline: "{{ force.name }} {{ verdict }}',
            '  headline: "{{ force.name }} {{ verdict }} {{ inspector.name }}',
            "17:13: sentences.headline: no placeholder 'inspector' here; it may use: force, organisation, "
            "organisation_short, national_report, original_report, release_date, embargo, website, press_office, "
            "verdict",
            id="placeholder-of-another-sentence",
        ),
        pytest.param(
            "      ongoing:\n        type: count",
            "      kind:\n        type: count",
            "70:7: findings.media-disclosures.fields: 'kind' is a name every finding has; "
            "call the field something else",
            id="reserved-field-name",
        ),
        pytest.param(
            "  media-disclosures: since-sept-2011\n",
            "  media-disclosure: since-sept-2011\n",
            "59:21: default_periods.media-disclosure: no kind of finding 'media-disclosure' in findings; the kinds "
            "are: media-disclosures, social-media, second-jobs, anti-corruption-staffing",
            id="default-period-of-an-unknown-kind",
        ),
    ],
)
def test_a_campaign_mistake_is_reported_at_its_line(old: str, new: str, reported: str) -> None:
    code, stderr = validate_edited(old, new)
    assert (code, stderr) == (1, f"{C}:{reported}\n{SUMMARY}")


def test_the_sandbox_stops_a_template_reaching_python() -> None:
    code, stderr = validate_edited(
        "In {{ force.name }}, {{ organisation_short }} found:",
        "In {{ force.name.__class__.__mro__ }}, {{ organisation_short }} found:",
    )
    assert code == 1
    assert stderr.startswith(f"{C}:18:21: sentences.findings_lead_in: ")
    assert "Traceback" not in stderr


VFM = ROOT / "forces" / "value-for-money-2013"


def test_a_form_of_another_round_is_checked_against_that_rounds_verdicts_and_kinds() -> None:
    folder = Path("forces")
    folder.mkdir()
    shutil.copy(VFM / "campaign.yaml", folder)
    (folder / "kent.yaml").write_text(
        "force: kent\nstatus: final\ngrade: goood\ninspector: alex-morgan\nfindings:\n"
        "  - kind: spending\n    budget: £749m\n    year: 2013/14\n"
        "  - kind: savings\n    target: 1000\n    identified: 500\n    from_collaboration: 600\n"
        "    share_of_budget: 60\n"
        "  - kind: workfroce\n    officers_then: 10\n"
        "  - kind: crime\n    since: 2010-13-01\n    direction: up\n    change: true\n    published: yes\n"
        "quote:\n  - A quote.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "forces/kent.yaml"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "forces/kent.yaml:3:8: grade: expected 'outstanding', 'good', 'requires-improvement' or 'inadequate', "
        "found 'goood'; did you mean 'good'?",
        "forces/kent.yaml:7:13: findings.0.budget: write the figure as a plain number, without £, % or commas, "
        "e.g. 12500 or 45.5; found '£749m'",
        "forces/kent.yaml:12:25: findings.1.from_collaboration: "
        "from_collaboration (600) cannot exceed identified (500)",
        "forces/kent.yaml:13:22: findings.1.share_of_budget: must be 50 or less",
        "forces/kent.yaml:14:11: findings.2.kind: no kind of finding is called 'workfroce'; did you mean 'workforce'?",
        "forces/kent.yaml:17:12: findings.3.since: not a real date (month value is outside expected range of 1-12); "
        "write YYYY-MM-DD, e.g. 2012-12-11",
        "forces/kent.yaml:18:16: findings.3.direction: expected 'fallen' or 'risen', found 'up'",
        "forces/kent.yaml:19:13: findings.3.change: expected a number such as 12500 or 45.5 (or TODO in a draft), "
        "found 'true' (yes/no)",
        "8 problems in 1 file; 1 form and 1 campaign checked.",
    ]


def test_an_example_that_is_not_a_valid_finding_is_reported_at_its_values() -> None:
    code, stderr = validate_edited("- values: {investigated: 10}", "- values: {investigated: -1}")
    assert (code, stderr) == (
        1,
        f"{C}:105:17: findings.media-disclosures.examples.3.values: this example's investigated: "
        f"must be 0 or more\n{SUMMARY}",
    )


def test_every_mistake_between_a_campaigns_fields_is_reported_at_once() -> None:
    """Checks between fields (pydantic would stop at the first) each report their own line, in one run."""
    code, lines = validate_with_edits(
        ("embargo: 2012-12-11 00:01", "embargo: 2012-12-12 00:01"),
        ("  media-disclosures: since-sept-2011\n", "  media-disclosure: since-sept-2011\n"),
        ("  second-jobs: since-sept-2011\n", "  second-jobs: since-last-year\n"),
    )
    assert code == 1
    assert lines == [
        f"{C}:9:10: embargo: the embargo ends after the release date: a release embargoed until 00:01 on "
        "12 December 2012 cannot be dated 11 December 2012; correct one of the two (release_date, line 8)",
        f"{C}:59:21: default_periods.media-disclosure: no kind of finding 'media-disclosure' in findings; the kinds "
        "are: media-disclosures, social-media, second-jobs, anti-corruption-staffing",
        f"{C}:60:16: default_periods.second-jobs: no period named 'since-last-year' in periods",
        "3 problems in 1 file; 0 forms and 1 campaign checked.",
    ]


def test_every_rule_naming_a_missing_field_is_reported_at_once() -> None:
    code, lines = validate_with_edits(
        (
            "      - field: approved\n        at_most: applications",
            "      - field: aproved\n        at_most: aplications",
        ),
    )
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [
        [f"{C}:181:16", "findings.second-jobs.rules.0.field"],
        [f"{C}:182:18", "findings.second-jobs.rules.0.at_most"],
    ]
    assert lines[-1] == "2 problems in 1 file; 0 forms and 1 campaign checked."


@pytest.mark.parametrize(
    ("edit", "reported"),
    [
        pytest.param(
            ("embargo: 2012-12-11 00:01", "embargo: 2012-12-12 00:01"), [f"{C}:10:10", "embargo"], id="embargo"
        ),
        pytest.param(
            ("{% if investigated == 0 %}", "{% if investigated == 0 %"),
            [f"{C}:84:7", "findings.media-disclosures.phrase"],
            id="template",
        ),
    ],
)
def test_an_unknown_field_hides_neither_the_checks_between_fields_nor_the_templates(
    edit: tuple[str, str], reported: list[str]
) -> None:
    code, lines = validate_with_edits(("organisation: ", "colour: blue\norganisation: "), edit)
    assert code == 1
    assert [line.split(": ", 2)[:2] for line in lines[:-1]] == [[f"{C}:4:1", "colour"], reported]
    assert lines[-1] == "2 problems in 1 file; 0 forms and 1 campaign checked."


def test_a_template_is_checked_while_a_field_is_unknown_but_not_while_fields_disagree() -> None:
    """Templates are tried with the campaign's own values, so only once those agree with each other."""
    code, lines = validate_with_edits(
        ("  second-jobs: since-sept-2011\n", "  second-jobs: since-never\n"),
        ("{% if investigated == 0 %}", "{% if investigated == 0 %"),
    )
    assert code == 1
    assert lines == [
        f"{C}:60:16: default_periods.second-jobs: no period named 'since-never' in periods",
        "1 problem in 1 file; 0 forms and 1 campaign checked.",
    ]
