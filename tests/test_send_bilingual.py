"""``authoring send`` and a bilingual release: the journal records both PDFs, so a Welsh-only change is a change.

Through the real mail path the other send tests use: the real CLI, a real batch, an
aiosmtpd server on 127.0.0.1 (tests/smtp_server.py), messages parsed back with Python's
MIME parser, and the round's journal read back line by line. The round is a copy of the
example round (forces/value-for-money-2013), whose Dyfed-Powys release is in Welsh and
English; its Metropolitan form, a draft, is left out so that a clean send exits 0.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from authoring.mail.journal import JOURNAL_FILE
from tests.conftest import ROOT
from tests.send_helpers import run
from tests.smtp_server import Received, Server

EXAMPLE = ROOT / "forces" / "value-for-money-2013"
ROUND = Path("forces") / "value-for-money-2013"
OUT = Path("output")
JOURNAL = ROUND / JOURNAL_FILE
STEM = "2013-07-18-dyfed-powys-police-value-for-money-in-policing-2013-example"
ENGLISH_PDF, WELSH_PDF = f"dyfed-powys/{STEM}.pdf", f"dyfed-powys/{STEM}-cy.pdf"
#: Who gets the Dyfed-Powys release (the round's list: everyone's address only).
DYFED_POWYS = ["newsdesk@national-news.example"]
#: A Welsh sentence of the form, and the same sentence corrected: the English beside it stays as it is.
WELSH_BEFORE = "cy: Mae’r heddlu wedi cytuno â Heddlu Gwent i rannu ei weithdy cerbydau yn Nhŷ Glas o fis Ebrill 2014."
WELSH_AFTER = "cy: Mae’r heddlu wedi cytuno â Heddlu Gwent i rannu ei weithdy cerbydau yn Nhŷ Glas o fis Mai 2014."
_BUILT: dict[str, Path] = {}


@pytest.fixture
def round_(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """The example round without its draft, and its output, built once by a real send's batch (copied per test)."""
    if "round" not in _BUILT:
        built = tmp_path_factory.mktemp("bilingual")
        shutil.copytree(EXAMPLE, built / ROUND)
        (built / ROUND / "metropolitan.yaml").unlink()
        result = run("send", built / ROUND, "--dry-run", "--out", built / OUT, "--jobs", "1")
        assert result.exit_code == 0, result.output
        _BUILT["round"] = built
    for name in ("forces", "output"):
        shutil.copytree(_BUILT["round"] / name, tmp_path / name)
    return ROUND


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def send(server: Server, *options: str) -> tuple[int, str, str]:
    result = run("send", ROUND, "--smtp", server.url(), "--out", OUT, "--jobs", "1", *options)
    return result.exit_code, result.stdout, result.stderr


def journal() -> list[dict[str, object]]:
    return [json.loads(line) for line in JOURNAL.read_text(encoding="utf-8").splitlines()]


def sha256(file: str) -> str:
    return hashlib.sha256((OUT / file).read_bytes()).hexdigest()


def attached(item: Received) -> dict[str, bytes]:
    """The attachments of a received message, by name, in order."""
    found = {}
    for part in item.message.iter_attachments():
        data = part.get_content()
        assert isinstance(data, bytes)
        found[str(part.get_filename())] = data
    return found


def dyfed_powys(server: Server) -> list[Received]:
    return [item for item in server.received if f"{STEM}.pdf" in attached(item)]


def edit_welsh_only(form: Path) -> None:
    text = form.read_text(encoding="utf-8")
    assert WELSH_BEFORE in text
    form.write_text(text.replace(WELSH_BEFORE, WELSH_AFTER), encoding="utf-8")


def test_the_journal_records_every_attachment_both_pdfs_of_a_bilingual_release(round_: Path, server: Server) -> None:
    status, _, stderr = send(server)

    assert status == 0, stderr
    lines = journal()
    welsh_lines = [line for line in lines if line["force"] == "dyfed-powys"]
    assert [line["recipient"] for line in welsh_lines] == DYFED_POWYS
    [line] = welsh_lines
    assert (line["file"], line["sha256"]) == (ENGLISH_PDF, sha256(ENGLISH_PDF))  # the release's own PDF, as before
    assert line["attachments"] == [  # every file the message carried, in its order: the Welsh first
        {"file": WELSH_PDF, "sha256": sha256(WELSH_PDF)},
        {"file": ENGLISH_PDF, "sha256": sha256(ENGLISH_PDF)},
    ]
    [message] = dyfed_powys(server)
    assert [
        {"file": f"dyfed-powys/{name}", "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in attached(message).items()
    ] == line["attachments"]  # what the recipient got
    kent = next(line for line in lines if line["force"] == "kent")
    assert kent["attachments"] == [{"file": kent["file"], "sha256": kent["sha256"]}]  # English only: one

    again = send(server)
    assert again[0] == 0, again[2]
    assert journal() == lines  # nothing changed, nothing sent
    assert len(server.received) == len(lines)


def test_a_change_to_the_welsh_alone_is_a_change_held_listed_and_resent_as_a_threaded_correction(
    round_: Path, server: Server
) -> None:
    assert send(server)[0] == 0
    [first] = dyfed_powys(server)
    english_before, welsh_before = sha256(ENGLISH_PDF), sha256(WELSH_PDF)
    edit_welsh_only(round_ / "dyfed-powys.yaml")

    status, _, stderr = send(server)  # builds the change, then holds it back

    assert status == 1
    assert sha256(ENGLISH_PDF) == english_before  # the English PDF is byte for byte the same:
    assert sha256(WELSH_PDF) != welsh_before  # only the Welsh changed
    assert len(server.received) == 3  # nothing more went
    assert (
        f"not sent: {STEM}-cy.pdf and {STEM}.pdf to {DYFED_POWYS[0]}: had an earlier version on "
        f"{journal()[0]['sent_at']}; changed since: {STEM}-cy.pdf; send again with --resend (marked as a correction)"
    ) in stderr.splitlines()
    assert "kent" not in stderr  # the other releases did not change

    dry = run("send", ROUND, "--dry-run", "--resend", "--out", OUT, "--jobs", "1")
    assert dry.exit_code == 0, dry.output
    listed = [line for line in dry.stdout.splitlines() if line.startswith("would send: ")]
    assert len(listed) == 1
    assert listed[0].startswith(f"would send: {STEM}-cy.pdf and {STEM}.pdf to {DYFED_POWYS[0]} (correction), subject: ")
    assert "DAN EMBARGO TAN" in listed[0]
    welsh_subject, english_subject = listed[0].split("subject: ", 1)[1].split(" / ")
    assert "CYWIRIAD" in welsh_subject
    assert "CORRECTION" not in welsh_subject
    assert "CORRECTION" in english_subject

    status, _, stderr = send(server, "--resend")

    assert status == 0, stderr
    [_, correction] = dyfed_powys(server)
    assert len(server.received) == 4  # the Dyfed-Powys correction, and nothing else
    assert correction.message["In-Reply-To"] == first.message["Message-ID"]  # threaded under the first message
    assert correction.message["References"] == first.message["Message-ID"]
    subject = str(correction.message["Subject"])
    assert subject.index("CYWIRIAD") < subject.index(" / ") < subject.index("CORRECTION")  # Welsh first
    text = correction.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    welsh_text, english_text = text.split("\n\n---\n\n")
    assert " ".join(welsh_text.split()).startswith("CYWIRIAD: mae’r fersiwn hon yn cymryd lle’r un a anfonwyd atoch")
    assert " ".join(english_text.split()).startswith("CORRECTION: this version replaces the one sent to you earlier")
    html = correction.message.get_body(("html",)).get_content().replace("\r\n", "\n")
    welsh_html, english_html = html.split('<div lang="en-GB">')
    assert '<div lang="cy">' in welsh_html
    assert "<p><strong>CYWIRIAD: mae’r fersiwn" in welsh_html
    assert "CORRECTION" not in welsh_html
    assert "<p><strong>CORRECTION: this version replaces" in english_html
    files = attached(correction)
    assert list(files) == [f"{STEM}-cy.pdf", f"{STEM}.pdf"]
    assert files[f"{STEM}-cy.pdf"] == (OUT / WELSH_PDF).read_bytes()  # the corrected Welsh
    assert files[f"{STEM}.pdf"] == (OUT / ENGLISH_PDF).read_bytes()
    last = journal()[-1]
    assert (last["force"], last["correction"], last["message_id"]) == (
        "dyfed-powys",
        True,
        correction.message["Message-ID"],
    )
    assert last["attachments"] == [
        {"file": WELSH_PDF, "sha256": sha256(WELSH_PDF)},
        {"file": ENGLISH_PDF, "sha256": english_before},
    ]

    assert send(server)[0] == 0  # and now it is sent: nothing more goes
    assert len(server.received) == 4


def test_a_journal_line_an_earlier_version_wrote_with_the_english_checksum_alone_is_read_and_counts(
    round_: Path, server: Server
) -> None:
    assert send(server)[0] == 0
    old_lines = []
    for line in journal():  # as an earlier version wrote them: the release's own PDF alone
        del line["attachments"]
        old_lines.append(json.dumps(line, ensure_ascii=False))
    JOURNAL.write_text("\n".join(old_lines) + "\n", encoding="utf-8")

    status, stdout, stderr = send(server)

    assert (status, stderr) == (0, "")  # read without error: everything already sent
    assert len(server.received) == 3
    assert [cell.strip() for cell in stdout.splitlines()[-1].split("│")][:3] == ["0", "3", "0"]

    # An old line knows only the English PDF: a change to it is a change, and the correction is recorded in full.
    form = round_ / "dyfed-powys.yaml"
    edit_welsh_only(form)
    text = form.read_text(encoding="utf-8")
    assert "Tŷ Glas from April 2014." in text
    form.write_text(text.replace("Tŷ Glas from April 2014.", "Tŷ Glas from May 2014."), encoding="utf-8")
    status, _, stderr = send(server)
    assert status == 1
    assert f"to {DYFED_POWYS[0]}: had an earlier version on " in stderr
    status, _, stderr = send(server, "--resend")
    assert status == 0, stderr
    [first, correction] = dyfed_powys(server)
    assert correction.message["In-Reply-To"] == first.message["Message-ID"]
    lines = JOURNAL.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == old_lines  # the old lines stay as they were
    assert json.loads(lines[-1])["attachments"] == [
        {"file": WELSH_PDF, "sha256": sha256(WELSH_PDF)},
        {"file": ENGLISH_PDF, "sha256": sha256(ENGLISH_PDF)},
    ]


@pytest.mark.parametrize(
    ("attachments", "message"),
    [
        ("[]", "'attachments' must be a list of"),
        ('"x.pdf"', "'attachments' must be a list of"),
        ('[{"file": "kent/x.pdf"}]', "'attachments' must be a list of"),
        ('[{"file": "kent/other.pdf", "sha256": "' + "b" * 64 + '"}]', "the release's own PDF among them"),
        (
            '[{"file": "kent/x.pdf", "sha256": "' + "a" * 64 + '"}, {"file": "", "sha256": "' + "b" * 64 + '"}]',
            "'file' must be",
        ),
        (
            '[{"file": "kent/x.pdf", "sha256": "' + "a" * 64 + '"}, {"file": "y.pdf", "sha256": "B"}]',
            "'sha256' must be",
        ),
    ],
)
def test_attachments_that_are_not_a_record_of_files_stop_send_at_their_line(
    round_: Path, server: Server, attachments: str, message: str
) -> None:
    good = (
        '{"release": "kent.yaml", "force": "kent", "file": "kent/x.pdf", "sha256": "' + "a" * 64 + '", '
        '"recipient": "news@kent-paper.example", "message_id": "<1@inspectorate.example>", '
        '"sent_at": "2013-07-17T17:00:00+00:00", "correction": false, "status": "delivered"'
    )
    JOURNAL.write_text(f'{good}}}\n{good}, "attachments": {attachments}}}\n', encoding="utf-8")

    status, _, stderr = send(server)

    assert status == 1
    assert stderr.startswith(f"{JOURNAL}:2:1: not a delivery record: ")
    assert message in stderr.splitlines()[0]
    assert "Traceback" not in stderr
    assert server.received == []
