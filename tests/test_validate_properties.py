"""Property tests: whatever a form file holds, validation ends in success or a clean list of problems.

"Clean" means: no exception escapes :func:`authoring.inputs.validate.validate`, every problem names
the file, and a form that passes can be phrased and rendered without error.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.exceptions import InvalidInputError, Problem
from authoring.inputs.load import load_campaign, validate_form
from authoring.inputs.validate import ValidationReport, validate
from authoring.inputs.yamlsource import parse_yaml
from authoring.model.release import build_release
from authoring.registry import forces
from authoring.render.html import render_html
from authoring.render.md import render_markdown
from tests.conftest import FORCES

# The autouse fixture only changes the working folder; sharing it between examples is harmless.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CAMPAIGN = load_campaign(FORCES / "campaign.yaml")

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=40)
    | st.dates()
    | st.datetimes()
)
anything = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
texts = (
    st.sampled_from(
        ["The force has reviewed its policies.", "TODO", "TODO ask PSD", "See *it* at www.example.org", "a TODO"]
    )
    | st.text(max_size=40)
    | anything
)
counts = st.integers(min_value=-2, max_value=150) | st.sampled_from(["TODO", "TODO figures", "3", 2.5, True]) | anything
finding = texts | st.fixed_dictionaries(
    {"kind": st.sampled_from(list(CAMPAIGN.findings)) | anything},
    optional={
        "investigated": counts,
        "ongoing": counts,
        "cases": counts,
        "potentially": st.booleans() | anything,
        "referred": st.booleans() | anything,
        "applications": counts,
        "approved": counts,
        "change": st.sampled_from(
            [*(CAMPAIGN.findings["anti-corruption-staffing"].fields["change"].choices or []), "TODO"]
        )
        | anything,
        "period": st.sampled_from([*CAMPAIGN.periods, "no-such-period"]) | anything,
        "extra": anything,
    },
)
forms = st.fixed_dictionaries(
    {},
    optional={
        "force": st.sampled_from([*list(forces())[:3], "thames-valey", "TODO"]) | anything,
        "status": st.sampled_from(["draft", "final", "Final"]) | anything,
        "grade": st.sampled_from([*CAMPAIGN.verdicts, "TODO", "TODO later"]) | anything,
        "inspector": st.sampled_from([*CAMPAIGN.inspectors, "nobody", "TODO"]) | anything,
        "background_extra": texts,
        "findings": st.lists(finding, max_size=5) | anything,
        "after_findings": st.lists(texts, max_size=3) | anything,
        "quote": st.lists(texts, max_size=3) | anything,
        "quote_closing": st.none() | st.lists(texts, max_size=2),
        "grdae": anything,
    },
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "forces"
    target.mkdir(exist_ok=True)
    shutil.copy(FORCES / "campaign.yaml", target)
    return target


def _check(report: ValidationReport, form: Path) -> None:
    """The report is well formed, and a form it accepts can be phrased and rendered."""
    for problem in report.problems:
        assert isinstance(problem, Problem)
        assert str(problem).startswith(f"{problem.path}")
        assert problem.message
    (check,) = report.forms
    assert check.path == form
    if check.ok and check.form is not None:
        release = build_release(check.form, CAMPAIGN)
        assert release.force.slug == check.form.force
        assert release.is_draft == (check.form.status.value == "draft")
        render_html(release)
        render_markdown(release)
    else:
        assert report.problems


@PROPERTY
@given(st.binary(max_size=2000))
def test_any_bytes(folder: Path, data: bytes) -> None:
    form = folder / "form.yaml"
    form.write_bytes(data)
    _check(validate([form]), form)


yaml_alphabet = st.sampled_from(list(":-[]{}&*!|>'\"#%@,?\n\n  \t\\x0TODOforce: kent\u00e9\u2028\x0b\x85"))


@PROPERTY
@given(st.text(yaml_alphabet, max_size=300) | st.text(max_size=300))
def test_any_yaml_text(folder: Path, text: str) -> None:
    form = folder / "form.yaml"
    form.write_text(text, encoding="utf-8")
    _check(validate([form]), form)


def _problems(text: str) -> list[Problem]:
    try:
        validate_form(parse_yaml(text, Path("form.yaml")), CAMPAIGN)
    except InvalidInputError as error:
        return error.problems
    return []


@PROPERTY
@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=200))
def test_any_text_even_with_surrogates(text: str) -> None:
    """Text that cannot even be written to a file: the parser still answers with problems."""
    problems = _problems(text)
    assert all(isinstance(problem, Problem) and problem.message for problem in problems)
    if any("\ud800" <= character <= "\udfff" for character in text):
        assert problems


@PROPERTY
@given(forms)
def test_any_structured_values(folder: Path, data: dict[str, Any]) -> None:
    form = folder / "form.yaml"
    form.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _check(validate([form]), form)


@PROPERTY
@given(anything)
def test_any_campaign(folder: Path, data: Any) -> None:
    (folder / "campaign.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    shutil.copy(FORCES / "thames-valley.yaml", folder)
    report = validate([folder])
    assert not report.campaigns[0].ok
    assert all(problem.path.name == "campaign.yaml" for problem in report.problems)
