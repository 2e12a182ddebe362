"""Properties of what `validate` says, whatever the files hold.

1. Every line of the report is ``path:line:col: field: message`` (or ``path: message`` for a
   problem of the whole file), one line per problem or gap: no value can add a line.
2. What `validate` accepts, `build` renders, in all four formats: the campaign fields that end
   up in file names, DOCX core properties, ZIP timestamps and PDF metadata are pushed to their
   limits and beyond.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from authoring.build.pipeline import build
from authoring.cli.app import app
from authoring.inputs.validate import validate
from authoring.render import ALL_FORMATS
from tests.conftest import FORCES

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
runner = CliRunner()
LINE = re.compile(r"forces/form\.yaml(:[0-9]+:[0-9]+)?: \S.*")

# Any text at all: control characters, line and paragraph separators, quotes, colons.
wild_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | wild_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(wild_text, children, max_size=3),
    max_leaves=10,
)
forms = st.fixed_dictionaries(
    {"force": st.sampled_from(["kent", "thames-valley", "TODO"]) | wild_text},
    optional={
        "status": st.sampled_from(["draft", "final"]) | wild_text,
        "grade": st.sampled_from(["improvements", "TODO"]) | wild_text,
        "inspector": st.sampled_from(["zoe-billingham", "TODO"]) | wild_text,
        "findings": st.lists(wild_text | values, max_size=3),
        "quote": st.lists(wild_text, max_size=2) | values,
    },
).flatmap(lambda form: st.dictionaries(wild_text, values, max_size=2).map(lambda extra: {**form, **extra}))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "forces"
    target.mkdir(exist_ok=True)
    shutil.copy(FORCES / "campaign.yaml", target)
    return target


def _lines_are_the_report(text: str, count: int) -> None:
    lines = text.splitlines()
    assert len(lines) == count, lines
    for line in lines:
        assert LINE.fullmatch(line), line


@PROPERTY
@given(forms, st.booleans())
def test_every_line_is_one_problem_or_gap(folder: Path, data: dict[str, Any], final: bool) -> None:
    (folder / "form.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = validate([folder / "form.yaml"], final=final)
    result = runner.invoke(app, ["validate", "forces/form.yaml", *(["--final"] if final else [])])
    if report.ok:
        assert (result.exit_code, result.stderr) == (0, "")
        *gaps, summary = result.stdout.splitlines()
        _lines_are_the_report("\n".join(gaps), len(report.gaps))
        assert summary.startswith("All valid: 1 form and 1 campaign checked")
    else:
        assert (result.exit_code, result.stdout) == (1, "")
        *problems, summary = result.stderr.splitlines()
        _lines_are_the_report("\n".join(problems), len(report.problems))
        assert summary.endswith("; 1 form and 1 campaign checked.")


@PROPERTY
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_any_text_gives_one_line_per_problem(folder: Path, text: str) -> None:
    (folder / "form.yaml").write_text(text, encoding="utf-8")
    report = validate([folder / "form.yaml"])
    result = runner.invoke(app, ["validate", "forces/form.yaml"])
    if not report.ok:
        _lines_are_the_report("\n".join(result.stderr.splitlines()[:-1]), len(report.problems))


# --------------------------------------------------------------------------- validate-OK implies build-OK

CAMPAIGN: dict[str, Any] = yaml.safe_load((FORCES / "campaign.yaml").read_text(encoding="utf-8"))
# Text a campaign is written in, with the marks a title may carry and a Welsh letter the house font lacks.
words = st.text(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLM0123456789,.'’&-–éëŵ")), min_size=1, max_size=300
)
LONGEST = "Avon and Somerset Constabulary"
HEADLINE = max(CAMPAIGN["verdicts"].values(), key=len)


def _campaign(**changes: Any) -> dict[str, Any]:
    subject = changes.pop("subject", None)
    data = {**CAMPAIGN, **changes}
    if subject is not None:  # the words after the verdict in the campaign's headline
        data["sentences"] = {**CAMPAIGN["sentences"], "headline": "{{ force.name }} {{ verdict }} " + subject}
    data["release_date"] = str(data["release_date"])
    data["embargo"] = None if data["embargo"] is None else str(data["embargo"])[:16]
    return {key: value for key, value in data.items() if value is not None}


@st.composite
def campaigns(draw: st.DrawFn) -> dict[str, Any]:
    """A campaign with its titles and dates drawn near and past their limits."""
    release = draw(st.dates(dt.date(1975, 1, 1), dt.date(2112, 12, 31)))
    lead = draw(st.none() | st.integers(-10, 2))
    embargo = None
    if lead is not None:
        moment = dt.datetime.combine(release, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
        embargo = moment + dt.timedelta(days=lead)
    return _campaign(
        subject=draw(words),
        national_report=draw(words),
        organisation=draw(words),
        organisation_short=draw(words),
        release_date=release,
        embargo=embargo,
    )


AT_THE_LIMITS = _campaign(
    subject="s" * (255 - len(f"{LONGEST} {HEADLINE} ")),
    national_report="t" * (200 - len(f"2107-12-31-{LONGEST.lower().replace(' ', '-')}-.docx")),
    organisation="o" * 255,
    release_date=dt.date(2107, 12, 31),
    embargo=dt.datetime(2107, 12, 31, 0, 1),
)
EARLIEST = _campaign(release_date=dt.date(1980, 1, 1), embargo=dt.datetime(1979, 12, 31, 23, 0))
# The three.
REFUSED = [
    _campaign(subject="x" * 275),
    _campaign(release_date=dt.date(2108, 1, 1), embargo=None),
    _campaign(national_report="Revisiting Police Relationships " * 7),
]


def _validate_then_build(folder: Path, campaign: dict[str, Any]) -> bool:
    """Validate a form for the longest-named force with ``campaign``; if valid, build all four formats."""
    (folder / "campaign.yaml").write_text(yaml.safe_dump(campaign, allow_unicode=True), encoding="utf-8")
    form = folder / "avon-and-somerset.yaml"
    form.write_text((FORCES / "thames-valley.yaml").read_text().replace("thames-valley", "avon-and-somerset"))
    report = validate([folder])
    if not report.ok:
        assert report.problems
        assert {problem.path.name for problem in report.problems} == {"campaign.yaml"}
        return False
    shutil.rmtree(folder.parent / "out", ignore_errors=True)
    (built,) = build([form], out_dir=folder.parent / "out", formats=ALL_FORMATS)
    assert sorted(path.suffix for path in built.files) == [".docx", ".html", ".md", ".pdf"]
    assert all(path.stat().st_size > 0 for path in built.files)
    return True


@settings(PROPERTY, max_examples=8)
@given(campaigns())
@example(AT_THE_LIMITS)
@example(EARLIEST)
@example(REFUSED[0])
def test_what_validate_accepts_build_renders(folder: Path, campaign: dict[str, Any]) -> None:
    _validate_then_build(folder, campaign)


def test_right_at_the_limits_is_accepted_and_built(folder: Path) -> None:
    assert _validate_then_build(folder, AT_THE_LIMITS)
    assert _validate_then_build(folder, EARLIEST)


@pytest.mark.parametrize("campaign", REFUSED, ids=["subject-275", "release-2108", "national-report-224"])
def test_beyond_the_limits_is_refused_by_validate(folder: Path, campaign: dict[str, Any]) -> None:
    assert not _validate_then_build(folder, campaign)


# Mostly text the house font prints (with markup, markup-like and separator characters), sometimes anything.
any_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from(list("éëŵ’“”—…\u2028\u00a0")),
    min_size=1,
    max_size=60,
) | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60)
valid_looking_forms = st.fixed_dictionaries(
    {
        "force": st.sampled_from(["avon-and-somerset", "dyfed-powys"]),
        "status": st.sampled_from(["draft", "final"]),
        "grade": st.sampled_from(["improvements", "TODO"]),
        "inspector": st.sampled_from(["zoe-billingham", "stephen-otter"]),
        "findings": st.lists(
            any_text
            | st.fixed_dictionaries(
                {"kind": st.just("second-jobs"), "applications": st.integers(0, 20), "approved": st.integers(0, 20)}
            )
            | st.fixed_dictionaries(
                {"kind": st.just("social-media"), "cases": st.integers(0, 12), "referred": st.booleans()}
            ),
            min_size=1,
            max_size=3,
        ),
        "quote": st.lists(any_text, min_size=1, max_size=2),
    },
    optional={"background_extra": any_text, "after_findings": st.lists(any_text, max_size=2)},
)


@settings(PROPERTY, max_examples=6)
@given(valid_looking_forms)
@example(
    {
        "force": "dyfed-powys",
        "status": "final",
        "grade": "improvements",
        "inspector": "zoe-billingham",
        "findings": ["Line\u2028separated, *italic*, <b>tags</b>, {{ braces }}, & “quotes”"],
        "quote": ["Zoë said: 'fine'."],
    }
)
def test_a_form_that_validates_builds_in_all_four_formats(folder: Path, data: dict[str, Any]) -> None:
    form = folder / "form.yaml"
    form.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = validate([form])
    if not report.ok:
        assert all(problem.path == form for problem in report.problems)
        return
    shutil.rmtree(folder.parent / "out", ignore_errors=True)
    (built,) = build([form], out_dir=folder.parent / "out", formats=ALL_FORMATS)
    assert sorted(path.suffix for path in built.files) == [".docx", ".html", ".md", ".pdf"]
