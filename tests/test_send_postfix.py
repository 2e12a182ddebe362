"""``authoring send`` through a real Postfix on 127.0.0.1, read back from its Maildir with Python's MIME parser.

Each test starts a private Postfix instance (tests/postfix.py): plain SMTP on the
loopback, STARTTLS with a certificate from an authority the test makes, a size limit,
and addresses with a domain (or a local part) beyond ASCII. What Postfix cannot be made
to do on cue (drop a connection, answer late) is tested against aiosmtpd in test_send.py
and test_send_attacks.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.batch_helpers import STEMS
from tests.postfix import Postfix, make_authority, postfix_or_skip
from tests.send_helpers import EXPECTED, OUT, built_site, copy_site, force_of, parts, pdf, run

ALL = {(force, address) for force, addresses in EXPECTED.items() for address in addresses}


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    postfix_or_skip()
    copy_site(built_site(tmp_path_factory), tmp_path)
    return tmp_path


@pytest.fixture
def postfix() -> Iterator[Postfix]:
    with Postfix() as server:
        yield server


def test_every_release_reaches_its_recipients_through_postfix_as_sent(site: Path, postfix: Postfix) -> None:
    result = run("send", "--smtp", postfix.url())

    assert result.exit_code == 0, result.output
    messages = postfix.messages(len(ALL))
    assert {(force_of(message), message["Delivered-To"]) for message in messages} == ALL
    assert len({message["Message-ID"] for message in messages}) == len(ALL)
    for message in messages:
        force = force_of(message)
        assert message["From"] == "Press Office <press.office@inspectorate.example>"
        assert message["To"] == "undisclosed-recipients:;"
        assert message["Return-Path"] == "<press.office@inspectorate.example>"
        text, html, attached = parts(message)
        assert attached == pdf(force)  # byte for byte, through a real MTA
        [attachment] = message.iter_attachments()
        assert attachment.get_param("name") == f"{STEMS[force]}.pdf"  # munpack and others read this one
        assert attachment.get_param("filename", header="content-disposition") == f"{STEMS[force]}.pdf"
        assert text.startswith("EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012\n\n")
        assert "www.hmic.gov.uk" in text
        assert "**" not in text
        assert "\\" not in text
        assert html == (OUT / force / f"{STEMS[force]}.html").read_text(encoding="utf-8")
        assert not message.defects
    assert "status=sent (delivered to maildir)" in postfix.log


def test_starttls_with_a_private_authority_named_by_host_name(site: Path, tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    ca, cert, key = make_authority(tmp_path / "ca")
    with Postfix(tls=(cert, key)) as server:
        untrusted = run("send", "--smtp", server.url("localhost"))
        by_address = run("send", "--smtp", server.url("127.0.0.1"), env={"SSL_CERT_FILE": str(ca)})
        assert server.delivered_count() == 0
        trusted = run("send", "--smtp", server.url("localhost"), env={"SSL_CERT_FILE": str(ca)})
        messages = server.messages(len(ALL))

    assert untrusted.exit_code == 1
    assert untrusted.stderr.startswith(
        f"Error: STARTTLS with localhost:{server.port} failed: the server's certificate is not trusted: "
        "unable to get local issuer certificate; the certificate comes from an authority this computer "
        "does not trust, such as your organisation's own; set SSL_CERT_FILE to that authority's certificate"
    )
    assert by_address.exit_code == 1
    assert by_address.stderr.startswith(
        f"Error: STARTTLS with 127.0.0.1:{server.port} failed: the server's certificate is not trusted: "
        "IP address mismatch, certificate is not valid for '127.0.0.1'; the certificate was made for another "
        "name than the one in --smtp; name the relay in --smtp by the host name on its certificate"
    )
    assert trusted.exit_code == 0, trusted.output
    assert {(force_of(message), message["Delivered-To"]) for message in messages} == ALL
    for message in messages:
        received = " ".join(str(value) for value in message.get_all("Received", []))
        assert "with ESMTPS" in received  # Postfix says the message came over TLS
        assert "using TLS" in received


def test_a_message_over_the_size_limit_is_reported_once_with_the_limit_and_never_retried(site: Path) -> None:
    with Postfix(size_limit=20_000) as server:
        result = run("send", "--smtp", server.url())
        delivered = server.delivered_count()

    assert result.exit_code == 1
    assert delivered == 0
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failures) == len(EXPECTED)  # once per release, not once per recipient
    line = next(line for line in failures if STEMS["bedfordshire"] in line)
    size = len(pdf("bedfordshire"))
    assert line.startswith(
        f"failed: {STEMS['bedfordshire']}.pdf, to all 4 of its recipients: too large for the server;"
    )
    assert f"127.0.0.1:{server.port} takes at most 20,000 bytes" in line
    assert int(line.split("the message is ")[1].split(" ")[0].replace(",", "")) > size
    assert [cell.strip() for cell in result.stdout.splitlines()[-1].split("│")][:3] == ["0", "0", str(len(ALL))]
    assert not Path("forces/sent.jsonl").read_text(encoding="utf-8")


IDN_LIST = """\
from: Press Office <press.office@inspectorate.example>
everyone:
  - redaktion@zeitung-münchen.example
  - leser@xn--bcher-kva.example
  - rédaction@journal.example
"""


def test_addresses_beyond_ascii_reach_postfix_in_idna_and_smtputf8(site: Path, postfix: Postfix) -> None:
    Path("forces/distribution.yaml").write_text(IDN_LIST, encoding="utf-8")

    result = run("send", "--smtp", postfix.url())

    assert result.exit_code == 0, result.output
    messages = postfix.messages(3 * len(EXPECTED))
    assert {message["Delivered-To"] for message in messages} == {
        "redaktion@xn--zeitung-mnchen-osb.example",  # the domain in IDNA on the envelope
        "leser@xn--bcher-kva.example",  # punycode as written
        "rédaction@journal.example",  # SMTPUTF8, which Postfix offers
    }
    journal = [json.loads(line) for line in Path("forces/sent.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {line["recipient"] for line in journal} == {  # recorded as the list has them
        "redaktion@zeitung-münchen.example",
        "leser@xn--bcher-kva.example",
        "rédaction@journal.example",
    }
    again = run("send", "--smtp", postfix.url())
    assert again.exit_code == 0, again.output
    assert postfix.delivered_count() == 3 * len(EXPECTED)  # nothing twice
