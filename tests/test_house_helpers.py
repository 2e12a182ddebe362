"""The house helpers say what the figures say; the campaign file has a reference made from its model.

- ``money()`` keeps three significant figures, rounded half up, so that figures that add up
  in a form add up in print; an absurd amount is refused at its line;
- ``percent_of()`` never says all (or none) of a whole when the figures do not;
- ``docs/campaign-reference.md`` is what the model says, and an unknown campaign field points to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.model import phrasing
from authoring.model.reference import REFERENCE_PAGE, campaign_reference
from tests.conftest import ROOT

runner = CliRunner()
ROUND = ROOT / "forces" / "value-for-money-2013"


@pytest.mark.parametrize(
    ("amount", "printed"),
    [
        (1_250_000_000, "£1.25bn"),
        (1_005_000_000, "£1.01bn"),  # half up, not to even
        (9_250_000, "£9.25m"),
        (3_250_000, "£3.25m"),
        (12_500_000, "£12.5m"),
        (47_250_000, "£47.3m"),
        (749_000_000, "£749m"),
        (749_499_999, "£749m"),
        (999_999_999, "£1bn"),
        (1_000_000, "£1m"),
        (999_999.99, "£999,999.99"),  # below a million: to the penny
        (1_000_000_000_000, "£1tn"),
        (-9_250_000, "minus £9.25m"),
    ],
)
def test_money_keeps_three_significant_figures(amount: float, printed: str) -> None:
    assert phrasing.money(amount) == printed


def test_figures_that_add_up_in_a_form_add_up_in_print() -> None:
    """The issue's example: £12.5m to save, £9.25m found, £3.25m still to find (it printed £9.2m and £3.2m)."""
    target, identified = 12_500_000, 9_250_000
    printed = [phrasing.money(value) for value in (target, identified, target - identified)]
    assert printed == ["£12.5m", "£9.25m", "£3.25m"]


@pytest.mark.parametrize(
    ("part", "whole", "printed"),
    [(996, 1_000, "99.6%"), (9_996, 10_000, "99.96%"), (1_000, 1_000, "100%"), (0, 7, "0%"), (1, 3, "33.3%")],
)
def test_percent_of(part: int, whole: int, printed: str) -> None:
    assert phrasing.percent_of(part, whole) == printed


@given(st.integers(2, 10**9).flatmap(lambda whole: st.tuples(st.integers(1, whole - 1), st.just(whole))))
def test_percent_of_never_says_all_or_none_of_a_part(figures: tuple[int, int]) -> None:
    part, whole = figures
    assert phrasing.percent_of(part, whole) not in ("100%", "0%")


def test_percent_of_nothing_is_a_template_problem() -> None:
    with pytest.raises(phrasing.PhrasingError, match="of 0 is no percentage"):
        phrasing.phrase("{{ percent_of(recorded, sampled) }}", {"recorded": 3, "sampled": 0})
    guarded = "{% if sampled %}{{ percent_of(recorded, sampled) }}{% else %}none sampled{% endif %}"
    assert phrasing.phrase(guarded, {"recorded": 3, "sampled": 0}) == "none sampled"


@pytest.fixture
def round_copy(tmp_path: Path) -> Path:
    target = tmp_path / "forces" / "vfm"
    shutil.copytree(ROUND, target)
    return target


def test_an_absurd_amount_is_refused_at_its_line(round_copy: Path) -> None:
    kent = round_copy / "kent.yaml"
    text = kent.read_text(encoding="utf-8")
    line = text.splitlines().index("    budget: 282400000") + 1
    kent.write_text(text.replace("budget: 282400000", "budget: 2824000000000"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(kent)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{kent}:{line}:13: findings.0.budget: 2824000000000 (£2.82tn) is more than this field allows, "
        "at most 1000000000000 (£1tn); check the number of zeros"
    )


def test_a_campaign_sets_its_own_most(round_copy: Path) -> None:
    campaign = round_copy / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    spec = "      budget:\n        type: money\n"
    assert spec in text
    campaign.write_text(text.replace(spec, spec + "        max: 500000000\n"), encoding="utf-8")
    kent = round_copy / "kent.yaml"
    kent.write_text(kent.read_text(encoding="utf-8").replace("budget: 282400000", "budget: 2824000000"), "utf-8")
    result = runner.invoke(app, ["validate", str(round_copy)])
    assert result.exit_code == 1
    assert "findings.0.budget: 2824000000 (£2.82bn) is more than this field allows, at most 500000000 (£500m)" in (
        result.stderr
    )
    campaign.write_text(text.replace(spec, spec + "        max: 5000000000000\n"), encoding="utf-8")
    kent.write_text(kent.read_text(encoding="utf-8").replace("budget: 2824000000", "budget: 2824000000000"), "utf-8")
    assert runner.invoke(app, ["validate", str(round_copy)]).exit_code == 0


def test_the_campaign_reference_is_what_the_model_says() -> None:
    """docs/campaign-reference.md is generated: python -m authoring.model.reference > docs/campaign-reference.md."""
    assert (ROOT / REFERENCE_PAGE).read_text(encoding="utf-8") == campaign_reference()


def test_the_reference_names_every_field_of_the_campaign_and_its_parts() -> None:
    from authoring.model.campaign import Campaign, Inspector, PressOffice, Sentences, Website
    from authoring.model.findings import Example, FieldSpec, FindingKindSpec, Rule

    page = campaign_reference()
    for model in (Campaign, Website, PressOffice, Inspector, Sentences, FindingKindSpec, FieldSpec, Rule, Example):
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in page, (model.__name__, name)
    assert "| `revisit` | text | required | The paragraph after the background" in page


def test_an_unknown_campaign_field_points_to_the_reference(round_copy: Path) -> None:
    campaign = round_copy / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    campaign.write_text(text.replace("revisit:", "revisted:", 1) + "spokesperson: Sam\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(round_copy)])
    assert result.exit_code == 1
    problems = result.stderr
    assert (
        f"revisted: unknown field; did you mean 'revisit'? (every field is described in {REFERENCE_PAGE})" in problems
    )
    assert (
        "spokesperson: unknown field; check its spelling "
        f"(every field of a campaign file is described in {REFERENCE_PAGE})" in problems
    )
