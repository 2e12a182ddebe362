"""A campaign's templates cannot hang, exhaust or crash the toolkit (issue 19).

Each hostile case runs the real CLI in a subprocess, under ``ulimit -v`` (500 MB) and a
timeout: ``validate`` reports the template's problem at its line in campaign.yaml, in one
short line, exits 1, and never shows a traceback; ``build`` does the same and writes
nothing. A hypothesis test then throws templates built from Jinja's grammar at
``validate``: whatever they are, the answer comes in seconds, within the memory bound,
as located problems or a pass.
"""

from __future__ import annotations

import re
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.model.phrasing import PhrasingError, phrase, release_budget
from tests.conftest import FORCES, REFERENCE_FORCES, ROOT
from tests.hostile_templates import CASES, LEAD_IN_LINE, Case, campaign_with_kinds, campaign_with_lead_in, templates

#: The memory a run may have (``ulimit -v``, in KiB): the toolkit needs about 300 MB.
MEMORY_KIB = 500_000
#: The time a run may take before it is killed, in seconds (a bounded one takes about two).
TIMEOUT = 30


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "authoring", *args))
    return subprocess.run(
        ["bash", "-c", f"ulimit -v {MEMORY_KIB}; exec timeout {TIMEOUT} {command}"],
        capture_output=True,
        text=True,
        cwd=Path.cwd(),
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": str(Path.cwd())},
        check=False,
    )


def _forces_with(template: str) -> Path:
    folder = Path("forces")
    campaign_with_lead_in(folder, template)
    for force in REFERENCE_FORCES:
        (folder / f"{force}.yaml").write_bytes((FORCES / f"{force}.yaml").read_bytes())
    return folder


def _assert_located(stderr: str, case: Case) -> None:
    assert "Traceback" not in stderr
    assert len(stderr) < 4000, stderr[:500]  # a line per problem, never the sentence it made
    expected = f"forces/campaign.yaml:{LEAD_IN_LINE + case.line}:5: sentences.findings_lead_in: "
    located = [line for line in stderr.splitlines() if line.startswith(expected)]
    assert located, stderr
    assert case.says in located[0], located[0]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_validate_reports_a_hostile_template_at_its_line(case: Case) -> None:
    _forces_with(case.template)
    started = time.monotonic()
    done = _run("validate", "forces")
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # 124: killed by the timeout
    assert time.monotonic() - started < TIMEOUT
    _assert_located(done.stderr, case)


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.name in ("repeat-300-million", "nul", "direction-control", "nested-loops")],
    ids=lambda case: case.name,
)
def test_build_refuses_a_hostile_template_and_writes_nothing(case: Case) -> None:
    _forces_with(case.template)
    done = _run("build", "forces", "--out", "out")
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    _assert_located(done.stderr, case)
    assert not Path("out").exists() or not any(Path("out").rglob("*.*"))


def test_a_hostile_phrase_with_a_form_value_is_bounded_in_build() -> None:
    """A kind's sentence that grows with a form's figure is stopped in build, in one line, naming its line."""
    folder = _forces_with("In {{ force.name }}, {{ organisation_short }} found:")
    campaign = folder / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    old = '{{ counted(investigated, "instance") }}'
    assert old in text
    campaign.write_text(text.replace(old, '{{ counted(investigated, "instance") }}{{ "x" * investigated ** 9 }}'))
    form = folder / "bedfordshire.yaml"
    form.write_text(re.sub(r"investigated: \d+", "investigated: 120", form.read_text(encoding="utf-8"), count=1))
    done = _run("build", "forces", "--out", "out")
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    assert "would make" in done.stderr
    assert len(done.stderr) < 4000


def test_an_example_that_does_not_match_a_long_sentence_quotes_only_its_start() -> None:
    """A long sentence that is not what its example says is quoted in part: one short line, not the sentence."""
    campaign_with_kinds(Path("forces"), ["{{ 'word ' * 900 }}"])
    done = _run("validate", "forces/campaign.yaml")
    assert done.returncode == 1
    [problem] = [line for line in done.stderr.splitlines() if "findings.h0.examples.0.says" in line]
    assert "the template gives: word word" in problem
    assert problem.endswith("… (4,499 characters)")
    assert len(done.stderr) < 2000


def test_the_sentences_of_one_release_share_one_time_budget() -> None:
    """Each template may be within its own time, and the release's sentences together still bounded."""
    slow = "{% for i in range(4000) %}{% for j in range(1000) if j < 0 %}{% endfor %}{% endfor %}done"
    with release_budget(0.3):
        assert phrase(slow, {}) == "done"  # one run is within it
        with pytest.raises(PhrasingError, match="the release's sentences together took more than") as raised:
            _phrase_times(slow, 50)
    assert raised.value.line == 1
    assert phrase(slow, {}) == "done"  # outside a release, each run has its own budget


def _phrase_times(template: str, times: int) -> None:
    for _ in range(times):
        phrase(template, {})


# --------------------------------------------------------------------------- hypothesis: Jinja's grammar

_runner = CliRunner()
_LOCATED = re.compile(r"forces/campaign\.yaml:(\d+):\d+: sentences\.findings_lead_in: \S")
_SUMMARY = re.compile(r"(\d+ problems? in \d+ files?;|All valid:) ")


@pytest.fixture
def memory_bound() -> Iterator[None]:
    """This process's address space bounded (soft limit) to what it uses now and 500 MB, for the test."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0]) * resource.getpagesize()
    limit = used + MEMORY_KIB * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=templates())
def test_any_template_is_answered_in_seconds_at_its_line(template: str, memory_bound: None) -> None:
    folder = Path("forces")
    campaign_with_lead_in(folder, template)
    started = time.monotonic()
    result = _runner.invoke(app, ["validate", "forces/campaign.yaml"])
    elapsed = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert elapsed < 10
    lines = result.stderr.splitlines()
    last = LEAD_IN_LINE + template.count("\n") + 1
    for line in lines:
        if _SUMMARY.match(line):
            continue
        located = _LOCATED.match(line)
        assert located, line
        assert LEAD_IN_LINE <= int(located.group(1)) <= last, (line, template)
    if result.exit_code == 0:
        assert all(_SUMMARY.match(line) for line in lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=templates())
def test_phrase_is_bounded_or_a_one_line_phrasing_error(template: str, memory_bound: None) -> None:
    """phrase() itself (what build, batch and preview call) is bounded, with any values."""
    context = {
        "force": {"name": "Kent Police", "short_name": "Kent", "slug": "kent"},
        "organisation_short": "HMIC",
        "national_report": "Without Fear or Favour",
        "website": {"text": "www.hmic.gov.uk", "url": "https://www.hmic.gov.uk"},
        "release_date": None,
        "x": "x",
    }
    started = time.monotonic()
    outcome: str | PhrasingError
    try:
        outcome = phrase(template, context)
    except PhrasingError as error:
        outcome = error
    assert time.monotonic() - started < 5
    if isinstance(outcome, PhrasingError):
        assert "\n" not in outcome.message
        assert len(outcome.message) <= 300
        assert outcome.line is None or 1 <= outcome.line <= template.count("\n") + 1
    else:
        assert len(outcome) <= 5000
