"""Run the examples of a Markdown page: the form files it shows, then the commands and their output.

An example is a run of fenced blocks:

- ```` ```yaml title="forces/kent.yaml" ```` — a file to write before the next commands (an
  ``encoding="cp1252"`` attribute writes it in that encoding). A ``forces/campaign.yaml`` block
  holds only the lines that differ from the reference campaign: each replaces the line that
  starts with the same key, so line numbers stay those of the real file.
- ```` ```console ```` — commands, each after ``$ ``, each followed by exactly what it prints
  (stdout and stderr, in order). Each console block runs in a fresh project: ``forces/`` with
  the reference campaign and the files shown since the previous console block.

Blocks of any other kind (``yaml`` without a title, ``sh``, ``text``) are illustrations, not run.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from authoring.cli.app import app

_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Example:
    """Files to write, then commands with the output each must print."""

    line: int
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    commands: list[tuple[str, str]] = field(default_factory=list)


def examples(markdown: str) -> Iterator[Example]:
    """Every console block of ``markdown``, with the files shown before it."""
    files: dict[str, tuple[str, str]] = {}
    for match in _FENCE.finditer(markdown):
        info, body = match.group("info").strip(), match.group("body")
        attributes = dict(_ATTRIBUTE.findall(info))
        if info.startswith("yaml") and "title" in attributes:
            files[attributes["title"]] = (body, attributes.get("encoding", "utf-8"))
        elif info == "console":
            yield Example(markdown.count("\n", 0, match.start()) + 1, files, list(_commands(body)))
            files = {}


def _commands(body: str) -> Iterator[tuple[str, str]]:
    command: str | None = None
    output: list[str] = []
    for line in body.splitlines(keepends=True):
        if line.startswith("$ "):
            if command is not None:
                yield command, "".join(output)
            command, output = line[2:].strip(), []
        else:
            output.append(line)
    if command is not None:
        yield command, "".join(output)


def run(example: Example, project: Path, reference: Path) -> list[tuple[str, str, str]]:
    """Set up the project, run each command; (command, expected, actual) for each."""
    forces = project / "forces"
    forces.mkdir(parents=True)
    shutil.copy(reference / "campaign.yaml", forces)
    for name, (text, encoding) in example.files.items():
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name == "forces/campaign.yaml":
            text = _patched(target.read_text(encoding="utf-8"), text)
        target.write_bytes(text.encode(encoding))
    runner = CliRunner()
    results = []
    for command, expected in example.commands:
        words = shlex.split(command, comments=True)
        assert words[0] == "authoring", command
        result = runner.invoke(app, words[1:], prog_name="authoring")
        results.append((command, expected, result.output))
    return results


def _patched(campaign: str, lines: str) -> str:
    """The campaign with each of ``lines`` in place of the line with the same key."""
    result = campaign.splitlines(keepends=True)
    for line in lines.splitlines(keepends=True):
        key = line.split(":", 1)[0] + ":"
        [index] = [n for n, old in enumerate(result) if old.startswith(key)]
        result[index] = line
    return "".join(result)
