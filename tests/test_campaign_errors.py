"""A mistake in a campaign's templates, fields, rules or examples: located, in words, by validate.

Each test edits the reference campaign once and runs the real ``authoring validate``:
the mistake is reported at its line in campaign.yaml, never as a traceback, exit 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.cli import app
from tests.conftest import FORCES

runner = CliRunner()
C = "forces/campaign.yaml"
SUMMARY = "1 problem in 1 file; 0 forms and 1 campaign checked.\n"


def validate_edited(old: str, new: str) -> tuple[int, str]:
    """Run validate on the reference campaign with ``old`` replaced by ``new``: its exit code and stderr."""
    folder = Path("forces")
    folder.mkdir()
    shutil.copy(FORCES / "campaign.yaml", folder)
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    (folder / "campaign.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(app, ["validate", C])
    return result.exit_code, result.stderr


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
            "docs/campaigns.md (with the values of example 3)",
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
