"""Helpers for the distribution tests: a campaign folder with a list, built once, copied per test."""

from __future__ import annotations

import shutil
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from authoring.build.batch import run_batch
from authoring.cli.app import app
from tests.batch_helpers import STEMS
from tests.conftest import FORCES

OUT = Path("output")
LIST = """\
from: Press Office <press.office@inspectorate.example>
everyone:                      # every release goes to these
  - newsdesk@national.example
  - desk@regional.example
forces:                        # and each force's release also to these
  thames-valley: [crime@oxford.example]
  bedfordshire: [news@luton.example, editor@beds.example]
"""
#: Who gets each force's release, given LIST.
EXPECTED = {
    "bedfordshire": {"newsdesk@national.example", "desk@regional.example", "news@luton.example", "editor@beds.example"},
    "british-transport-police": {"newsdesk@national.example", "desk@regional.example"},
    "thames-valley": {"newsdesk@national.example", "desk@regional.example", "crime@oxford.example"},
}
_BUILT: dict[str, Path] = {}


def built_site(factory: pytest.TempPathFactory) -> Path:
    """A folder holding forces/ (with distribution.yaml) and output/ already built; built once per session."""
    if "site" not in _BUILT:
        root = factory.mktemp("site")
        shutil.copytree(FORCES, root / "forces")
        (root / "forces" / "distribution.yaml").write_text(LIST, encoding="utf-8")
        report = run_batch([root / "forces"], out_dir=root / "output", jobs=2)
        assert report.ok
        _BUILT["site"] = root
    return _BUILT["site"]


def copy_site(site: Path, into: Path) -> None:
    """Copy forces/ and output/ into ``into`` (the test's working folder): a batch there finds all unchanged."""
    for name in ("forces", "output"):
        shutil.copytree(site / name, into / name)


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run ``authoring ARGS`` in this process."""
    return CliRunner().invoke(app, list(map(str, args)), env=env)


def pdf(slug: str, out: Path = OUT) -> bytes:
    return (out / slug / f"{STEMS[slug]}.pdf").read_bytes()


def force_of(message: EmailMessage) -> str:
    """Which force's release a message carries, by its attachment's name."""
    names = [part.get_filename() for part in message.iter_attachments()]
    return next(slug for slug, stem in STEMS.items() if names == [f"{stem}.pdf"])


def parts(message: EmailMessage) -> tuple[str, str, bytes]:
    """The plain-text body, the HTML body (line ends as in files: mail sends CRLF), and the attached PDF's bytes."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_content_type() == "application/pdf"
    data = attachments[0].get_content()
    assert isinstance(data, bytes)
    return _lf(text.get_content()), _lf(html.get_content()), data


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")
