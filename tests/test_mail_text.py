"""The e-mail's plain-text part is text for a person: no markup, and every address and link exactly as written."""

from __future__ import annotations

from pathlib import Path

from authoring.build.pipeline import load_releases, render
from authoring.mail.text import WIDTH, plain_text
from authoring.model.release import Release
from authoring.render import Format
from tests.conftest import FORCES
from tests.outputs import form_copy

WRITTEN = (
    "Contact press@thamesvalley.police.uk, or read https://www.example.org/report?a=1&b=2_c "
    "on R&D, e.g. the *Without Fear or Favour* follow-up [see notes] at www.hmic.gov.uk."
)


def release_with(tmp_path: Path, paragraph: str) -> Release:
    form = form_copy("thames-valley", "final", tmp_path)
    form.write_text(form.read_text(encoding="utf-8") + f"after_findings:\n  - {paragraph!r}\n", encoding="utf-8")
    [(_, release)] = load_releases([form], campaign=FORCES / "campaign.yaml")
    return release


def test_addresses_and_links_are_exactly_as_written_and_nothing_is_marked_up(tmp_path: Path) -> None:
    release = release_with(tmp_path, WRITTEN)

    text = plain_text(release)
    flowing = " ".join(text.split())

    words = text.split()
    assert "press@thamesvalley.police.uk," in words
    assert "https://www.example.org/report?a=1&b=2_c" in words
    assert "www.hmic.gov.uk." in words
    assert "R&D, e.g. the Without Fear or Favour follow-up [see notes] at www.hmic.gov.uk." in flowing
    assert "\\" not in text
    assert "*" not in text
    assert "](" not in text
    assert "#" not in text
    assert max(len(line) for line in text.splitlines()) <= WIDTH  # wrapped, never inside a word or a link
    markdown = render(release, (Format.MD,))[Format.MD].decode()
    assert "R\\&D" in markdown  # the .md file stays Markdown, escaped
    assert markdown.startswith("---\nlang: en-GB\n---\n\n**EMBARGOED")  # its front matter, then the release
    assert text.startswith("EMBARGOED")  # the e-mail's text has no front matter: it is not the .md file
    assert "lang:" not in text


def test_headings_are_lines_and_the_notes_are_numbered(tmp_path: Path) -> None:
    release = release_with(tmp_path, "A paragraph.")

    lines = plain_text(release).splitlines()

    headline = next(index for index, line in enumerate(lines) if line.startswith("Thames Valley Police has made"))
    assert " ".join(lines[headline : headline + 2]) == release.headline  # the headline, on two lines
    assert set(lines[headline + 2]) == {"="}
    notes = lines.index(release.notes_heading)
    assert set(lines[notes + 1]) == {"-"}
    assert len(lines[notes + 1]) == len(release.notes_heading)
    numbered = [line for line in lines[notes + 2 :] if line[:1].isdigit()]
    assert [line.split(".")[0] for line in numbered] == [str(n) for n in range(1, len(release.notes) + 1)]
    quote = [line for line in lines if line.startswith("    “")]
    assert quote  # the quote is indented
