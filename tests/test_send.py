"""``authoring send``: every final release, with its PDF, to its list, through a real SMTP server, once."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from authoring.cli.send_progress import ProgressBar, send_observer
from authoring.mail.send import Result, deliver, prepare
from authoring.mail.smtp import Connection, SmtpError, SmtpSettings, is_loopback
from tests.batch_helpers import STEMS, edit
from tests.send_helpers import EXPECTED, OUT, built_site, copy_site, force_of, parts, pdf, run
from tests.smtp_server import PASSWORD, USER, Server, make_certificate

SUBJECT = "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012: {}"
HEADLINE = {
    "bedfordshire": "Bedfordshire Police has made improvements to how it identifies, monitors and manages "
    "integrity issues",
    "thames-valley": "Thames Valley Police has made good progress in the way it identifies, monitors and manages "
    "integrity issues",
}
ALL = {(force, address) for force, addresses in EXPECTED.items() for address in addresses}


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    copy_site(built_site(tmp_path_factory), tmp_path)
    return tmp_path


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def delivered(server: Server) -> set[tuple[str, str]]:
    """(force, envelope recipient) of every message the server accepted."""
    return {(force_of(item.message), rcpt) for item in server.received for rcpt in item.recipients}


#: The round's own journal: beside its campaign.yaml, not in output/.
JOURNAL = Path("forces/sent.jsonl")


def journal() -> list[dict[str, object]]:
    return [json.loads(line) for line in JOURNAL.read_text(encoding="utf-8").splitlines()]


def test_each_release_goes_to_its_recipients_with_its_pdf_and_both_bodies(site: Path, server: Server) -> None:
    result = run("send", "--smtp", server.url())

    assert result.exit_code == 0, result.output
    assert delivered(server) == ALL
    assert len(server.received) == len(ALL)  # one envelope per recipient
    for item in server.received:
        message, force = item.message, force_of(item.message)
        assert item.sender == "press.office@inspectorate.example"
        assert message["From"] == "Press Office <press.office@inspectorate.example>"
        text, html, attached = parts(message)
        assert attached == pdf(force)
        assert text.startswith("EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012\n\n")
        assert "\nNotes to editors\n----------------\n\n1. A copy of the national report" in text
        assert "**" not in text
        assert "\\" not in text
        assert "](" not in text
        assert html == (OUT / force / f"{STEMS[force]}.html").read_text(encoding="utf-8")
        if force in HEADLINE:
            assert message["Subject"] == SUBJECT.format(HEADLINE[force])
            assert f"\n{HEADLINE[force][:40]}" in text  # the headline, as a line of its own
        assert message["Message-ID"].endswith("@inspectorate.example>")
    assert "sent" in result.stdout.splitlines()[-3]
    assert [cell.strip() for cell in result.stdout.splitlines()[-1].split("│")][:4] == ["9", "0", "0", "0"]


def test_no_recipient_sees_another(site: Path, server: Server) -> None:
    assert run("send", "--smtp", server.url()).exit_code == 0

    everyone = {address for _, address in ALL}
    for item in server.received:
        message = item.message
        assert len(item.recipients) == 1
        assert message["To"] == "undisclosed-recipients:;"
        assert message["Cc"] is None
        assert message["Bcc"] is None
        for address in everyone:
            assert address.encode() not in item.data


def test_the_journal_records_each_delivery_and_a_rerun_sends_nothing(site: Path, server: Server) -> None:
    assert run("send", "--smtp", server.url()).exit_code == 0
    first = journal()

    again = run("send", "--smtp", server.url())

    assert again.exit_code == 0, again.output
    assert len(server.received) == len(ALL)
    assert journal() == first
    ids = {item.message["Message-ID"] for item in server.received}
    assert len(ids) == len(ALL)  # one Message-ID per delivery
    assert {(line["force"], line["recipient"]) for line in first} == ALL
    assert {line["message_id"] for line in first} == ids
    line = next(line for line in first if line["force"] == "thames-valley")
    assert line["release"] == "thames-valley.yaml"
    assert line["file"] == f"thames-valley/{STEMS['thames-valley']}.pdf"
    assert line["correction"] is False
    assert line["status"] == "delivered"
    assert len(str(line["sha256"])) == 64
    assert [cell.strip() for cell in again.stdout.splitlines()[-1].split("│")][:4] == ["0", "9", "0", "0"]


def test_a_changed_release_goes_again_only_with_resend_marked_as_a_correction(site: Path, server: Server) -> None:
    assert run("send", "--smtp", server.url()).exit_code == 0
    first_ids = {item.recipients[0]: item.message["Message-ID"] for item in server.received}
    edit(Path("forces/thames-valley.yaml"), "Since 2011 Thames Valley Police", "Since 2011, Thames Valley Police")

    held = run("send", "--smtp", server.url())

    assert held.exit_code == 1
    assert len(server.received) == len(ALL)
    assert f"not sent: {STEMS['thames-valley']}.pdf to crime@oxford.example: had an earlier version on " in held.stderr
    assert "send again with --resend (marked as a correction)" in held.stderr

    resent = run("send", "--smtp", server.url(), "--resend")

    assert resent.exit_code == 0, resent.output
    corrections = server.received[len(ALL) :]
    assert {(force_of(item.message), item.recipients[0]) for item in corrections} == {
        ("thames-valley", address) for address in EXPECTED["thames-valley"]
    }
    for item in corrections:
        message = item.message
        text, html, attached = parts(message)
        assert message["Subject"] == SUBJECT.format("CORRECTION: " + HEADLINE["thames-valley"])
        assert " ".join(text.split()).startswith(
            "CORRECTION: this version replaces the one sent to you earlier; please use it instead."
        )
        # threaded under the first message this recipient got
        assert message["In-Reply-To"] == first_ids[item.recipients[0]]
        assert message["References"] == first_ids[item.recipients[0]]
        assert "<p><strong>CORRECTION: this version replaces" in html
        assert attached == pdf("thames-valley")
        assert b"Since 2011, Thames Valley Police" not in attached  # compressed; checked by hash instead
    assert [line["correction"] for line in journal()].count(True) == 3


def test_a_draft_is_never_sent_the_others_go_and_the_exit_code_is_1(site: Path, server: Server) -> None:
    edit(Path("forces/bedfordshire.yaml"), "status: final", "status: draft")

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 1
    assert "not sent, still a draft: forces/bedfordshire.yaml" in result.stderr
    assert {force for force, _ in delivered(server)} == {"british-transport-police", "thames-valley"}
    assert "bedfordshire" not in {line["force"] for line in journal()}
    assert [cell.strip() for cell in result.stdout.splitlines()[-1].split("│")][:4] == ["5", "0", "0", "1"]


def test_a_dry_run_shows_who_would_get_what_and_sends_nothing(site: Path, server: Server) -> None:
    result = run("send", "--dry-run", "--smtp", server.url())

    assert result.exit_code == 0, result.output
    assert server.received == []
    assert not JOURNAL.exists()
    assert (
        f"would send: {STEMS['thames-valley']}.pdf to crime@oxford.example, subject: "
        + SUBJECT.format(HEADLINE["thames-valley"])
    ) in result.stdout.splitlines()
    assert sum(line.startswith("would send: ") for line in result.stdout.splitlines()) == len(ALL)
    assert "Dry run: nothing was sent." in result.stdout


def test_what_may_pass_later_is_retried_a_refusal_is_final_and_the_rest_is_finished_later(
    site: Path, server: Server
) -> None:
    server.handler.refuse = {
        "crime@oxford.example": "450 4.2.1 mailbox busy, try later",
        "news@luton.example": "550 5.1.1 mailbox unavailable",
    }
    server.handler.drop_at_rcpt = 2  # the second RCPT: the connection drops before the message went
    waits: list[float] = []

    def connect() -> Connection:
        return Connection(SmtpSettings.parse(server.url()), password=None, retries=2, backoff=0.5, sleep=waits.append)

    prepared = prepare([Path("forces")], out_dir=OUT)
    with connect() as connection:
        report = deliver(prepared, out_dir=OUT, connection=connection)

    failed = {item.recipient: (item.reason, item.attempts) for item in report.of(Result.FAILED)}
    assert failed == {
        "crime@oxford.example": ("refused for now by the server: 450 4.2.1 mailbox busy, try later", 3),
        "news@luton.example": ("refused by the server: 550 5.1.1 mailbox unavailable", 1),  # at once
    }
    assert waits == [0.5, 0.5, 1.0]  # the drop once; the busy mailbox twice, the wait doubling
    assert delivered(server) == ALL - {
        ("thames-valley", "crime@oxford.example"),
        ("bedfordshire", "news@luton.example"),
    }
    assert len(server.received) == len(ALL) - 2  # the dropped one went again, once
    assert next(item for item in report.of(Result.SENT) if item.attempts == 2)
    assert {"crime@oxford.example", "news@luton.example"}.isdisjoint(line["recipient"] for line in journal())
    assert not report.ok

    server.handler.refuse = {}
    with connect() as connection:
        rerun = deliver(prepare([Path("forces")], out_dir=OUT), out_dir=OUT, connection=connection)

    assert {(item.package.force, item.recipient) for item in rerun.of(Result.SENT)} == {
        ("thames-valley", "crime@oxford.example"),
        ("bedfordshire", "news@luton.example"),
    }
    assert len(server.received) == len(ALL)
    assert delivered(server) == ALL
    assert rerun.ok


def test_the_cli_reports_each_refused_recipient(site: Path, server: Server) -> None:
    server.handler.refuse_with({"news@luton.example"})

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 1
    assert (
        f"failed: {STEMS['bedfordshire']}.pdf to news@luton.example: refused by the server: "
        "550 5.1.1 mailbox unavailable (tried once)" in result.stderr
    )
    assert [cell.strip() for cell in result.stdout.splitlines()[-1].split("│")][:4] == ["8", "0", "1", "0"]


def test_plain_smtp_is_only_for_a_loopback_host() -> None:
    assert SmtpSettings.parse("smtp://127.0.0.1:2525").allow_plain
    assert SmtpSettings.parse("smtp://localhost:2525").allow_plain
    assert SmtpSettings.parse("smtp://[::1]:2525").allow_plain
    remote = SmtpSettings.parse("smtp://press@relay.inspectorate.example")
    assert (remote.host, remote.port, remote.user, remote.allow_plain) == (
        "relay.inspectorate.example",
        587,
        "press",
        False,
    )
    assert SmtpSettings.parse("smtps://relay.inspectorate.example").port == 465
    assert not is_loopback("10.0.0.1")
    assert not is_loopback("localhost.inspectorate.example")


def test_a_server_without_starttls_is_refused_unless_loopback(site: Path, server: Server) -> None:
    # The server is on 127.0.0.1 but is treated as the remote host it stands for.
    remote = SmtpSettings(host="127.0.0.1", port=server.port, allow_plain=False)
    prepared = prepare([Path("forces")], out_dir=OUT)

    with pytest.raises(SmtpError) as raised, Connection(remote, password=None) as connection:
        deliver(prepared, out_dir=OUT, connection=connection)

    assert str(raised.value) == (
        f"127.0.0.1:{server.port} does not offer STARTTLS; refusing to send unencrypted "
        "(use smtps:// if it speaks TLS from the start)"
    )
    assert server.received == []
    assert not JOURNAL.exists() or JOURNAL.read_bytes() == b""


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    cert = make_certificate(tmp_path)
    if cert is None:
        pytest.skip("openssl is not installed: cannot make a certificate for the TLS tests")
    return cert


def test_starttls_is_used_and_the_password_comes_from_the_environment_only(site: Path, certificate: Path) -> None:
    env = {"SSL_CERT_FILE": str(certificate)}
    with Server(tls="starttls", cert=certificate, login=True) as server:
        missing = run("send", "--smtp", server.url(USER), env=env)
        wrong = run("send", "--smtp", server.url(USER), env={**env, "AUTHORING_SMTP_PASSWORD": "wrong-guess"})
        result = run("send", "--smtp", server.url(USER), env={**env, "AUTHORING_SMTP_PASSWORD": PASSWORD})

    assert missing.exit_code == 2
    assert missing.stderr == "Error: --smtp names the user 'press': set AUTHORING_SMTP_PASSWORD to their password\n"
    assert wrong.exit_code == 1
    assert f"Error: 127.0.0.1:{server.port} refused the login of 'press': 535" in wrong.stderr
    assert "wrong-guess" not in wrong.output
    assert not any(part in result.output for part in ("Pä", "ä", "ö", "£", "7731", "\\xe4"))
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert delivered(server) == ALL
    assert all(item.tls for item in server.received)


def test_smtps_is_tls_from_the_start(site: Path, certificate: Path) -> None:
    with Server(tls="implicit", cert=certificate) as server:
        untrusted = run("send", "--smtp", server.url())
        result = run("send", "--smtp", server.url(), env={"SSL_CERT_FILE": str(certificate)})

    assert result.exit_code == 0, result.output
    assert delivered(server) == ALL
    assert all(item.tls for item in server.received)
    assert untrusted.exit_code == 1
    assert untrusted.stderr.startswith(
        f"Error: TLS with 127.0.0.1:{server.port} failed: the server's certificate is not trusted: "
        "self-signed certificate; the certificate comes from an authority this computer does not trust"
    )
    assert "SSL_CERT_FILE" in untrusted.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://relay.example",
            "--smtp must start with smtp:// (STARTTLS) or smtps:// (TLS), e.g. smtp://relay.example:587",
        ),
        (
            "smtp://press:hunter2@relay.example",
            "do not put the password in --smtp; set AUTHORING_SMTP_PASSWORD instead",
        ),
        ("smtp://relay.example:99999", "the port in --smtp must be a number from 1 to 65535"),
        ("smtp://relay.example/inbox", "--smtp takes only [user@]host[:port], e.g. smtp://press@relay.example:587"),
        ("smtp://", "--smtp names no host, e.g. smtp://relay.example:587"),
    ],
)
def test_a_bad_smtp_url_is_a_usage_error_and_never_echoes_a_password(url: str, message: str) -> None:
    result = run("send", "--smtp", url)

    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert "hunter2" not in result.output


def test_send_needs_a_server_unless_it_is_a_dry_run() -> None:
    result = run("send")

    assert result.exit_code == 2
    assert result.stderr == "Error: give --smtp smtp://host:port (or --dry-run to see who would get what)\n"


def test_no_header_can_be_injected_through_a_campaign_value(site: Path, server: Server) -> None:
    edit(
        Path("forces/campaign.yaml"),
        "{{ verdict }} identifies, monitors and manages integrity issues",
        "{{ verdict }} manages integrity\\r\\nBcc: leak@rival.example\\r\\n\\r\\nissues",
    )

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 0, result.output
    assert delivered(server) == ALL
    by_force: dict[str, list[str]] = defaultdict(list)
    for item in server.received:
        message = item.message
        by_force[force_of(message)].append(message["Subject"])
        assert message["Bcc"] is None
        headers = item.data.split(b"\r\n\r\n", 1)[0].decode().splitlines()
        assert not [line for line in headers if line.lower().startswith("bcc:")]
        assert "leak@rival.example" not in item.recipients
    assert set(by_force["thames-valley"]) == {
        SUBJECT.format("Thames Valley Police has made good progress in the way it manages integrity Bcc: "
                       "leak@rival.example issues")
    }  # fmt: skip


def test_on_a_terminal_a_progress_bar_counts_the_messages_and_failures_show_above_it(
    site: Path, server: Server
) -> None:
    server.handler.refuse_with({"crime@oxford.example"})
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    prepared = prepare([Path("forces")], out_dir=OUT)

    with send_observer(Console(file=io.StringIO()), terminal) as observer:
        assert isinstance(observer, ProgressBar)
        with Connection(SmtpSettings.parse(server.url()), password=None, retries=0) as connection:
            deliver(prepared, out_dir=OUT, connection=connection, observer=observer)

    drawn = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert "9/9" in drawn
    assert (
        f"failed: {STEMS['thames-valley']}.pdf to crime@oxford.example: refused by the server: "
        "550 5.1.1 mailbox unavailable (tried once)"
    ) in drawn
