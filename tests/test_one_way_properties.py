"""The seams between the commands, over generated forms: one way from files to a release.

For any form of a round whose campaign divides one figure by another (so that some forms'
figures cannot be phrased), and whose forms may give any verdict, any figures, any text:

- ``validate`` exits 0 exactly when ``build`` makes all four formats;
- then ``preview`` shows the release (and otherwise its problems);
- and, for a final form, ``send --dry-run`` lists it for its recipients (and otherwise does not).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from authoring.cli.app import app
from authoring.preview.page import compose
from tests.hostile_forms import VALUE
from tests.test_one_way import ROUND, with_recording

runner = CliRunner()
SEAMS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
STEM = "2013-07-18-kent-police-value-for-money-in-policing-2013-example"

recording = st.fixed_dictionaries(
    {"kind": st.just("recording"), "recorded": st.integers(0, 3), "sampled": st.integers(0, 3)}
)
spending = st.fixed_dictionaries(
    {"kind": st.just("spending"), "budget": st.integers(0, 10**10) | st.just(2 * 10**12), "year": st.just("2013/14")},
    optional={"compared": st.sampled_from(["more", "less", "about-the-same", "fewer"])},
)
forms = st.fixed_dictionaries(
    {
        "force": st.just("kent"),
        "status": st.sampled_from(["draft", "final"]),
        "grade": st.sampled_from(["good", "good", "inadequate", "adequate", "TODO"]),
        "inspector": st.sampled_from(["alex-morgan", "alex-morgan", "alex-morgan", "TODO"]),
        "findings": st.lists(recording | spending | VALUE, min_size=1, max_size=3),
        "quote": st.lists(VALUE, min_size=1, max_size=2),
    }
)


def _round(folder: Path, form: dict[str, Any]) -> Path:
    """The example round with the dividing kind of finding, its distribution list, and only this form."""
    shutil.copytree(ROUND, folder)
    for other in ("dyfed-powys.yaml", "metropolitan.yaml"):
        (folder / other).unlink()
    with_recording(folder / "campaign.yaml")
    path = folder / "kent.yaml"
    path.write_text(yaml.safe_dump(form, allow_unicode=True), encoding="utf-8")
    return path


@SEAMS
@given(form=forms)
@example(
    form={
        "force": "kent",
        "status": "final",
        "grade": "good",
        "inspector": "alex-morgan",
        "findings": [{"kind": "recording", "recorded": 1, "sampled": 0}],
        "quote": ["A quote."],
    }
)
@example(
    form={
        "force": "kent",
        "status": "final",
        "grade": "good",
        "inspector": "alex-morgan",
        "findings": [{"kind": "recording", "recorded": 1, "sampled": 2}],
        "quote": ["A quote."],
    }
)
def test_what_validate_passes_every_command_builds_previews_and_sends(form: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        path = _round(base / "vfm", form)
        validated = runner.invoke(app, ["validate", str(path)])
        assert validated.exit_code in (0, 1), validated.output
        event(f"valid {form['status']}" if validated.exit_code == 0 else f"invalid {form['status']}")
        assert "Traceback" not in validated.output

        built = runner.invoke(app, ["build", str(path), "-o", str(base / "out")])
        files = sorted(p.name for p in (base / "out" / "kent").glob(f"{STEM}.*")) if (base / "out").exists() else []
        assert "Traceback" not in built.output
        if validated.exit_code == 0:
            assert built.exit_code == 0, built.output
            assert files == [f"{STEM}.{ext}" for ext in ("docx", "html", "md", "pdf")]
        else:
            assert built.exit_code == 1, built.output
            assert files == []

        page = compose(path, version="1")
        assert (page.release is not None) == (validated.exit_code == 0)
        if page.release is not None:
            assert page.release.headline.startswith("Kent Police ")

        sent = runner.invoke(app, ["send", str(path.parent), "--dry-run", "-o", str(base / "sent")])
        assert "Traceback" not in sent.output
        prefix = f"would send: {STEM}.pdf to "
        listed = [line[len(prefix) :].split(",")[0] for line in sent.stdout.splitlines() if line.startswith(prefix)]
        final = form["status"] == "final"
        if validated.exit_code == 0 and final:
            assert sent.exit_code == 0, sent.output
            assert listed == ["newsdesk@national-news.example", "news@kent-paper.example"]
        else:
            assert sent.exit_code == 1, sent.output
            assert listed == []
