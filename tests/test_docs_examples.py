"""The examples of docs/validation.md are true: each command prints exactly what the page shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FORCES, ROOT
from tests.docs_examples import Example, examples, run

PAGE = ROOT / "docs" / "validation.md"
EXAMPLES = list(examples(PAGE.read_text(encoding="utf-8")))


def test_the_page_has_its_examples() -> None:
    assert len(EXAMPLES) >= 15
    assert all(example.commands for example in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line-{example.line}" for example in EXAMPLES])
def test_example(example: Example, tmp_path: Path) -> None:
    for command, expected, actual in run(example, tmp_path, FORCES):
        assert actual == expected, f"docs/validation.md:{example.line}: $ {command}"
