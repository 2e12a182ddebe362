"""Distribution lists (``distribution.yaml``), ``authoring pack`` (.eml files) and the delivery journal."""

from __future__ import annotations

import mailbox
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from authoring.exceptions import InvalidInputError
from authoring.inputs.distribution import DistributionList, check_distribution, load_distribution
from authoring.inputs.load import form_files
from authoring.mail.journal import JOURNAL_FILE, Delivery, Journal
from tests.batch_helpers import STEMS, edit
from tests.conftest import FORCES
from tests.send_helpers import EXPECTED, LIST, OUT, built_site, copy_site, force_of, parts, pdf, run


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    copy_site(built_site(tmp_path_factory), tmp_path)
    return tmp_path


def write_list(text: str) -> Path:
    path = Path("distribution.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_list_gives_everyone_then_the_forces_own_addresses() -> None:
    listed = load_distribution(write_list(LIST.replace("news@luton.example", "News@LUTON.Example")))

    assert listed.sender == "Press Office <press.office@inspectorate.example>"
    assert listed.sender_address == "press.office@inspectorate.example"
    assert listed.sender_domain == "inspectorate.example"
    assert listed.recipients("bedfordshire") == (
        "newsdesk@national.example",
        "desk@regional.example",
        "News@LUTON.Example",  # kept as written: a mail server may tell capitals apart before the @
        "editor@beds.example",
    )
    assert listed.recipients("kent") == ("newsdesk@national.example", "desk@regional.example")


def test_the_example_list_in_the_repository_is_valid() -> None:
    listed = load_distribution(FORCES / "distribution.yaml")

    addresses = [*listed.everyone, *(address for some in listed.forces.values() for address in some)]
    assert len(addresses) == 6
    assert all(address.endswith(".example") for address in addresses)


def test_every_problem_in_a_list_is_reported_at_its_line() -> None:
    path = write_list(
        """\
from: Press Office press.office@inspectorate.example
everyone:
  - newsdesk@national.example
  - NewsDesk@National.example
  - desk@
  - someone@localhost
forces:
  thames-valey: [crime@oxford.example]
  bedfordshire: [newsdesk@national.example, 3]
  kent: news@kent.example
cc: [x@y.example]
"""
    )

    assert [str(problem) for problem in check_distribution(path)] == [
        "distribution.yaml:1:7: from: 'Press Office press.office@inspectorate.example' is not an e-mail address: "
        "The email address contains invalid characters before the @-sign: SPACE.",
        "distribution.yaml:4:5: everyone.1: 'NewsDesk@National.example' is listed twice (first at line 3); delete one",
        "distribution.yaml:5:5: everyone.2: 'desk@' is not an e-mail address: "
        "There must be something after the @-sign.",
        "distribution.yaml:6:5: everyone.3: 'someone@localhost' is not an e-mail address: "
        "The part after the @-sign is not valid. It should have a period.",
        "distribution.yaml:8:3: forces.thames-valey: unknown force 'thames-valey'; did you mean 'thames-valley'?",
        "distribution.yaml:9:18: forces.bedfordshire.0: 'newsdesk@national.example' is already in 'everyone', "
        "which gets every release; delete it here",
        "distribution.yaml:9:45: forces.bedfordshire.1: expected text, found the number 3; "
        "put it in quotes if it is meant as text",
        "distribution.yaml:10:9: forces.kent: expected a list (one item per line, each starting with '- '), "
        "found 'news@kent.example'",
        "distribution.yaml:11:1: cc: unknown field; check its spelling (fields are listed by 'authoring schema')",
    ]


@pytest.mark.parametrize(
    ("sender", "message"),
    [
        ("", "distribution.yaml:2:1: from: required field is missing"),
        (
            'from: "Press\\nOffice <press.office@inspectorate.example>"',
            "distribution.yaml:1:7: from: the sender must be on one line, with no line or paragraph separator "
            "or control character",
        ),
        (
            "from: Press <Office> <press.office@inspectorate.example>",
            "distribution.yaml:1:7: from: write it as 'Name <address>' or just the address; "
            "found 'Press <Office> <press.office@inspectorate.example>'",
        ),
    ],
)
def test_the_sender_must_be_one_mailbox_on_one_line(sender: str, message: str) -> None:
    path = write_list(f"{sender}\neveryone: [newsdesk@national.example]\n")

    assert [str(problem) for problem in check_distribution(path)] == [message]


def test_a_bare_sender_address_is_accepted() -> None:
    listed = load_distribution(write_list("from: press.office@inspectorate.example\n"))

    assert listed == DistributionList.model_validate({"from": "press.office@inspectorate.example"})
    assert listed.recipients("kent") == ()


def test_the_list_is_not_a_form(forces_copy: Path) -> None:
    assert (forces_copy / "distribution.yaml").is_file()

    assert [path.name for path in form_files(forces_copy)] == [
        "bedfordshire.yaml",
        "british-transport-police.yaml",
        "thames-valley.yaml",
    ]


def test_an_invalid_or_missing_list_stops_send_before_anything_is_built(forces_copy: Path) -> None:
    (forces_copy / "distribution.yaml").unlink()  # the repository's example list
    missing = run("send", "--dry-run")
    (forces_copy / "distribution.yaml").write_text(LIST.replace("thames-valley:", "thames-vally:"), encoding="utf-8")
    invalid = run("send", "--dry-run")

    assert missing.exit_code == 1
    assert missing.stderr == (
        "forces/distribution.yaml: no distribution list here; write one beside campaign.yaml "
        "(see docs/distribution-email.md)\n1 problem found; nothing was written.\n"
    )
    assert invalid.exit_code == 1
    assert invalid.stderr.splitlines()[0] == (
        "forces/distribution.yaml:6:3: forces.thames-vally: unknown force 'thames-vally'; did you mean 'thames-valley'?"
    )
    assert not OUT.exists()


def test_pack_writes_a_message_beside_each_release_that_a_mail_client_opens(site: Path) -> None:
    result = run("pack")

    assert result.exit_code == 0, result.output
    written = sorted(result.stdout.splitlines()[-3:])
    assert written == [f"output/{slug}/{STEMS[slug]}.eml" for slug in sorted(STEMS)]
    for slug in STEMS:
        raw = (OUT / slug / f"{STEMS[slug]}.eml").read_bytes()
        message = message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
        assert isinstance(message, EmailMessage)
        assert force_of(message) == slug
        assert message["X-Unsent"] == "1"
        assert message["To"] == "undisclosed-recipients:;"
        assert {address.addr_spec for address in message["Bcc"].addresses} == EXPECTED[slug]
        assert message["Subject"].startswith("EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012: ")
        text, html, attached = parts(message)
        assert attached == pdf(slug)
        markdown = (OUT / slug / f"{STEMS[slug]}.md").read_text(encoding="utf-8")
        assert markdown.startswith("---\nlang: en-GB\n---\n\n**EMBARGOED")  # the .md file stays Markdown, with
        # its front matter; the mail's text is for people
        assert text.startswith("EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012\n\n")
        assert "**" not in text
        assert "\\" not in text
        assert html == (OUT / slug / f"{STEMS[slug]}.html").read_text(encoding="utf-8")
        assert not message.defects
        assert all(line.endswith(b"\r\n") for line in raw.splitlines(keepends=True))  # RFC 5322 line ends
        assert max(len(line) for line in raw.splitlines()) <= 998  # no line a server refuses
        name = f"{STEMS[slug]}.pdf".encode()
        assert b'Content-Disposition: attachment; filename="' + name + b'"\r\n' in raw
        assert b'Content-Type: application/pdf; name="' + name + b'"\r\n' in raw
        # A mail client's mbox/MIME reader takes it as it is:
        assert mailbox.mboxMessage(BytesParser(policy=policy.compat32).parsebytes(raw)).get_content_type() == (
            "multipart/mixed"
        )


def test_pack_writes_nothing_for_a_draft(site: Path) -> None:
    edit(Path("forces/thames-valley.yaml"), "status: final", "status: draft")

    result = run("pack")

    assert result.exit_code == 1
    assert "not packed, still a draft: forces/thames-valley.yaml" in result.stderr
    assert not (OUT / "thames-valley" / f"{STEMS['thames-valley']}.eml").exists()
    assert (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.eml").exists()


def delivery(recipient: str, sha256: str = "a" * 64) -> Delivery:
    return Delivery(
        release="forces/kent.yaml",
        force="kent",
        file="kent/x.pdf",
        sha256=sha256,
        recipient=recipient,
        message_id="<1@inspectorate.example>",
        sent_at="2012-12-10T17:00:00+00:00",
    )


def test_a_torn_last_line_stops_the_journal_with_its_line_number(tmp_path: Path) -> None:
    journal = Journal.read(tmp_path)
    journal.record(delivery("one@news.example"))
    with (tmp_path / JOURNAL_FILE).open("ab") as stream:
        stream.write(b'{"release": "forces/kent.yaml", "recip')  # a crash mid-write

    with pytest.raises(InvalidInputError) as raised:
        Journal.read(tmp_path)

    [problem] = raised.value.problems
    assert (problem.path, problem.line) == (tmp_path / JOURNAL_FILE, 2)
    assert problem.message.startswith("the last line is incomplete: an earlier send was stopped while recording")


def test_the_latest_and_the_first_delivery_of_a_release_to_a_recipient(tmp_path: Path) -> None:
    journal = Journal.read(tmp_path)
    journal.record(delivery("one@news.example"))
    journal.record(delivery("two@news.example"))
    journal.record(delivery("two@news.example", sha256="b" * 64))

    final = Journal.read(tmp_path)
    assert [item.recipient for item in final.deliveries] == ["one@news.example", "two@news.example", "two@news.example"]
    assert final.latest("forces/kent.yaml", "TWO@news.example") == delivery("two@news.example", sha256="b" * 64)
    assert final.first("forces/kent.yaml", "TWO@news.example") == delivery("two@news.example")
    assert final.latest("forces/kent.yaml", "three@news.example") is None


def test_a_release_that_no_one_would_get_is_reported_and_the_others_still_go(site: Path) -> None:
    Path("forces/distribution.yaml").write_text(
        "from: press.office@inspectorate.example\nforces:\n  thames-valley: [crime@oxford.example]\n",
        encoding="utf-8",
    )

    result = run("send", "--dry-run")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "forces/distribution.yaml: no one gets this release; add addresses under 'everyone' or 'forces.bedfordshire'",
        "forces/distribution.yaml: no one gets this release; add addresses under 'everyone' or "
        "'forces.british-transport-police'",
    ]
    assert [line for line in result.stdout.splitlines() if line.startswith("would send")] == [
        f"would send: {STEMS['thames-valley']}.pdf to crime@oxford.example, subject: EMBARGOED UNTIL 00:01 "
        "TUESDAY 11 DECEMBER 2012: Thames Valley Police has made good progress in the way it identifies, monitors "
        "and manages integrity issues"
    ]
