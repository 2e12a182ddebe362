"""docs/campaigns.md is true: a new round set up from its blocks alone validates, and builds in every format.

The page's titled ``yaml`` blocks are written in order (``append="true"`` adds to the
file), its ``console`` blocks are run in the same project and must print exactly what the
page shows, and the release is then built in all four formats and read back.
"""

from __future__ import annotations

import shlex
from contextlib import chdir
from pathlib import Path

import pytest
from typer.testing import CliRunner

from authoring.build.pipeline import build
from authoring.cli.app import app
from authoring.render import ALL_FORMATS
from tests.conftest import ROOT
from tests.docs_examples import _ATTRIBUTE, _FENCE, _commands
from tests.readback import docx_text, html_text, markdown_text, normalise, pdf_text

PAGE = ROOT / "docs" / "campaigns.md"


def follow_the_guide(project: Path) -> list[tuple[str, str, str]]:
    """Write each file of the page and run each command in ``project``, in order: (command, shown, printed)."""
    with chdir(project):
        return _follow(project)


def _follow(project: Path) -> list[tuple[str, str, str]]:
    runner = CliRunner()
    results = []
    for match in _FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        info, body = match.group("info").strip(), match.group("body")
        attributes = dict(_ATTRIBUTE.findall(info))
        if info.startswith("yaml") and "title" in attributes:
            target = project / attributes["title"]
            target.parent.mkdir(parents=True, exist_ok=True)
            before = target.read_text(encoding="utf-8") if attributes.get("append") == "true" else ""
            target.write_text(before + body, encoding="utf-8")
        elif info == "console":
            for command, shown in _commands(body):
                words = shlex.split(command)
                assert words[0] == "authoring", command
                result = runner.invoke(app, words[1:], prog_name="authoring")
                results.append((command, shown, result.output))
    return results


def test_every_command_of_the_guide_prints_what_the_page_shows(tmp_path: Path) -> None:
    results = follow_the_guide(tmp_path)
    assert len(results) == 4
    for command, shown, printed in results:
        assert printed == shown, f"docs/campaigns.md: $ {command}"


def _sentences() -> list[str]:
    """The lines of the page's ``text`` block: what the release must say."""
    for match in _FENCE.finditer(PAGE.read_text(encoding="utf-8")):
        if match.group("info").strip() == "text" and "example inspection finds" in match.group("body"):
            return match.group("body").splitlines()
    raise AssertionError("the page shows no sentences of the release")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    project = tmp_path_factory.mktemp("guide")
    follow_the_guide(project)
    (release,) = build([project / "forces/custody-2014/kent.yaml"], out_dir=project / "out", formats=ALL_FORMATS)
    readers = {".docx": docx_text, ".pdf": pdf_text, ".html": html_text, ".md": markdown_text}
    return {path.suffix: normalise(readers[path.suffix](path.read_bytes())) for path in release.files}


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".html", ".md"])
def test_the_new_round_says_its_own_words_in_every_format(built: dict[str, str], suffix: str) -> None:
    text = built[suffix]
    for sentence in _sentences():
        assert normalise(sentence).replace(" ", "") in text.replace(" ", ""), (suffix, sentence)
    assert "When the inspectors visited on 5 November 2013, 87.5% of detainees" in text, suffix
    assert "Notes to editors" in text  # a press office default the round keeps
