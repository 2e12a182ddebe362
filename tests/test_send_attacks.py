"""``authoring send`` attacked: a damaged journal, a full disk, a server that drops or stalls, hostile headers and URLs.

Against aiosmtpd (tests/smtp_server.py) where a server must misbehave on cue; Postfix
covers the well-behaved server (test_send_postfix.py).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from authoring.inputs.distribution import check_distribution
from authoring.mail.journal import Journal
from authoring.mail.send import Result, deliver, prepare
from authoring.mail.smtp import Connection, Secret, SmtpSettings
from tests.batch_helpers import STEMS, edit
from tests.send_helpers import EXPECTED, OUT, built_site, copy_site, force_of, parts, run
from tests.smtp_server import LOGINS, PASSWORD, USER, Server, make_certificate

ALL = {(force, address) for force, addresses in EXPECTED.items() for address in addresses}
JOURNAL = Path("forces/sent.jsonl")


@pytest.fixture
def site(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    copy_site(built_site(tmp_path_factory), tmp_path)
    return tmp_path


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as running:
        yield running


def delivered(server: Server) -> list[tuple[str, str]]:
    return [(force_of(item.message), rcpt) for item in server.received for rcpt in item.recipients]


def journal_lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in JOURNAL.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- the journal is the round's record


def test_deleting_output_never_causes_a_second_send(site: Path, server: Server) -> None:
    assert run("send", "--smtp", server.url()).exit_code == 0
    shutil.rmtree(OUT)

    again = run("send", "--smtp", server.url())

    assert again.exit_code == 0, again.output
    assert len(server.received) == len(ALL)  # rebuilt, and nothing sent twice
    assert (OUT / "thames-valley" / f"{STEMS['thames-valley']}.pdf").exists()


def test_what_an_earlier_version_recorded_in_output_is_not_sent_again(site: Path, server: Server) -> None:
    import hashlib

    sha = hashlib.sha256((OUT / "thames-valley" / f"{STEMS['thames-valley']}.pdf").read_bytes()).hexdigest()
    old = {**GOOD, "release": "forces/thames-valley.yaml", "force": "thames-valley", "sha256": sha}
    del old["status"]
    (OUT / "sent.jsonl").write_text(json.dumps(old) + "\n", encoding="utf-8")

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 0, result.output
    assert ("thames-valley", "crime@oxford.example") not in delivered(server)
    assert len(server.received) == len(ALL) - 1


GOOD = {
    "release": "kent.yaml",
    "force": "kent",
    "file": "kent/x.pdf",
    "sha256": "a" * 64,
    "recipient": "crime@oxford.example",
    "message_id": "<1@inspectorate.example>",
    "sent_at": "2012-12-10T17:00:00+00:00",
    "correction": False,
    "status": "delivered",
}


def _json(value: dict[str, object]) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_json({**GOOD, "correction": "yes"}), "not a delivery record: 'correction' must be true or false"),
        (b"[" * 200_000, "not a delivery record: the line is far longer than any delivery record"),
        (b"[" * 60_000, "not a delivery record: the line is not a JSON object"),
        (_json({k: v for k, v in GOOD.items() if k != "sha256"}), "not a delivery record: missing sha256"),
        (_json({**GOOD, "extra": 1}), "not a delivery record: unknown extra"),
        (_json({**GOOD, "status": "maybe"}), "not a delivery record: 'status' must be 'delivered' or 'uncertain'"),
        (_json({**GOOD, "message_id": "<a@b>\r\nBcc: x"}), "not a delivery record: 'message_id' must be"),
        (b"\xff\xfe", "not a delivery record: the line is not UTF-8 text"),
    ],
)
def test_a_line_the_journal_does_not_understand_stops_send_with_its_line_number(
    site: Path, server: Server, line: bytes, message: str
) -> None:
    JOURNAL.write_bytes(_json(GOOD) + b"\n" + line + b"\n")

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 1
    assert result.stderr.startswith(f"forces/sent.jsonl:2:1: {message}")
    assert "nothing is sent until it reads cleanly" in result.stderr
    assert "Traceback" not in result.output
    assert server.received == []


def test_a_journal_that_is_not_a_regular_file_is_refused_without_hanging(site: Path, server: Server) -> None:
    elsewhere = Path("elsewhere.jsonl")
    elsewhere.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    cases = {
        "directory": lambda: JOURNAL.mkdir(),
        "fifo": lambda: os.mkfifo(JOURNAL),
        "link to a file elsewhere": lambda: JOURNAL.symlink_to(elsewhere.resolve()),
        "link to /dev/zero": lambda: JOURNAL.symlink_to("/dev/zero"),
    }
    for name, make in cases.items():
        make()
        result = run("send", "--smtp", server.url())  # a FIFO would hang a reader: it must not
        assert result.exit_code == 1, name
        assert result.stderr.startswith("Error: forces/sent.jsonl is "), (name, result.stderr)
        assert "Traceback" not in result.output
        assert server.received == [], name
        if JOURNAL.is_dir() and not JOURNAL.is_symlink():
            JOURNAL.rmdir()
        else:
            JOURNAL.unlink()
    assert elsewhere.read_text(encoding="utf-8") == json.dumps(GOOD) + "\n"  # nothing written through the link


def test_a_full_disk_stops_sending_with_a_clear_error_and_no_torn_line(site: Path, server: Server) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system (a full disk) needs root")
    disk = Path("disk").resolve()
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        shutil.copytree("forces", disk / "forces")
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)  # fill the disk to the last byte
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        result = run("send", str(disk / "forces"), "--smtp", server.url())
        journal = (disk / "forces" / "sent.jsonl").read_bytes()
    finally:
        subprocess.run(["umount", str(disk)], check=False)

    assert result.exit_code == 1
    assert "Error: cannot record a delivery in " in result.stderr
    assert "No space left on device" in result.stderr
    assert "nothing more is sent" in result.stderr
    assert "Traceback" not in result.output
    assert len(server.received) == 1  # the one the server took; nothing after it
    assert journal == b""  # the partial line was taken back


# --------------------------------------------------------------------------- a message the server may have taken


def test_a_drop_after_the_message_went_is_may_have_been_delivered_and_never_resent_unless_asked(
    site: Path, server: Server
) -> None:
    server.handler.drop_at = 2  # stored, then the connection drops before the reply

    first = run("send", "--smtp", server.url())

    assert first.exit_code == 1
    stored = delivered(server)
    assert len(stored) == len(ALL)  # the dropped one was stored once and not sent again
    uncertain = [line for line in journal_lines() if line["status"] == "uncertain"]
    assert len(uncertain) == 1
    recipient = uncertain[0]["recipient"]
    assert f"may have been delivered: {STEMS['bedfordshire']}.pdf to {recipient}: may have been delivered" in (
        first.stderr
    )

    second = run("send", "--smtp", server.url())
    assert second.exit_code == 1
    assert len(server.received) == len(ALL)
    assert "send it again only with --retry-uncertain" in second.stderr

    third = run("send", "--smtp", server.url(), "--retry-uncertain")
    assert third.exit_code == 0, third.output
    assert delivered(server)[len(ALL) :] == [("bedfordshire", recipient)]
    assert journal_lines()[-1]["status"] == "delivered"


def test_a_server_that_answers_too_late_is_may_have_been_delivered_not_a_duplicate(site: Path, server: Server) -> None:
    server.handler.slow = 1.5
    prepared = prepare([Path("forces")], out_dir=OUT)

    with Connection(SmtpSettings.parse(server.url()), password=None, timeout=0.5, backoff=0) as connection:
        report = deliver(prepared, out_dir=OUT, connection=connection)

    assert len(report.of(Result.UNCERTAIN)) == len(ALL)
    assert len(server.received) == len(ALL)  # each stored once: nothing was tried again
    assert {line["status"] for line in journal_lines()} == {"uncertain"}


# --------------------------------------------------------------------------- refusals


def test_a_message_refused_for_its_size_is_reported_once_and_not_tried_for_the_others(
    site: Path, server: Server
) -> None:
    server.handler.refuse_data = "552 5.3.4 Message size exceeds fixed limit"

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 1
    assert server.handler.data_count == len(EXPECTED)  # one try per release, not per recipient
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert sorted(failures) == sorted(
        f"failed: {STEMS[force]}.pdf, to all {len(addresses)} of its recipients: too large for the server; "
        f"127.0.0.1:{server.port} takes at most 33.6 MB (33,554,432 bytes); "  # the limit its EHLO announced
        "it said 552 5.3.4 Message size exceeds fixed limit"
        for force, addresses in EXPECTED.items()
    )


def test_a_refused_sender_is_reported_once_per_release(site: Path, server: Server) -> None:
    server.handler.refuse_mail = "553 5.7.1 sender not allowed to relay"

    result = run("send", "--smtp", server.url())

    assert result.exit_code == 1
    assert server.handler.mail_count == len(EXPECTED)  # once per release; the other recipients are not tried
    assert server.handler.rcpt_count == 0
    assert (
        f"failed: {STEMS['thames-valley']}.pdf, to all 3 of its recipients: the server refuses the sender: "
        "553 5.7.1 sender not allowed to relay"
    ) in result.stderr.splitlines()


def test_an_address_beyond_ascii_fails_alone_where_the_server_has_no_smtputf8(site: Path) -> None:
    Path("forces/distribution.yaml").write_text(
        "from: press.office@inspectorate.example\neveryone: [rédaction@journal.example, desk@news.example]\n",
        encoding="utf-8",
    )
    with Server(smtputf8=False) as plain:
        result = run("send", "--smtp", plain.url())

    assert result.exit_code == 1
    assert {rcpt for _, rcpt in delivered(plain)} == {"desk@news.example"}
    assert (
        f"failed: {STEMS['bedfordshire']}.pdf to rédaction@journal.example: the address has letters beyond plain "
        f"ASCII before the @, and 127.0.0.1:{plain.port} does not accept such addresses (it does not offer SMTPUTF8)"
    ) in result.stderr


# --------------------------------------------------------------------------- the login and its password


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    cert = make_certificate(tmp_path)
    if cert is None:
        pytest.skip("openssl is not installed: cannot make a certificate for the TLS tests")
    return cert


def _password_parts() -> list[str]:
    """Every piece of the password that would give part of it away (and its UTF-8 and base64 forms)."""
    pieces = {PASSWORD[i : i + 3] for i in range(len(PASSWORD) - 2)}
    pieces |= {"ä", "ö", "£", "\\xe4", "\\xc3", "7731"}
    pieces.add(base64.b64encode(b"\0" + USER.encode() + b"\0" + PASSWORD.encode()).decode()[8:20])
    return sorted(pieces)


def test_a_utf8_password_logs_in_and_a_refused_login_is_tried_once_per_run(site: Path, certificate: Path) -> None:
    env = {"SSL_CERT_FILE": str(certificate)}
    with Server(tls="starttls", cert=certificate, login=True) as server:
        LOGINS.clear()
        wrong = run("send", "--smtp", server.url(USER), env={**env, "AUTHORING_SMTP_PASSWORD": "Pässwörd-£-7732"})
        logins_when_wrong = list(LOGINS)
        right = run("send", "--smtp", server.url(USER), env={**env, "AUTHORING_SMTP_PASSWORD": PASSWORD})

    assert wrong.exit_code == 1
    assert logins_when_wrong == [("PLAIN", USER.encode())]  # one attempt, no LOGIN fallback
    assert "no other login is tried in this run" in wrong.stderr
    assert right.exit_code == 0, right.output
    assert {rcpt for _, rcpt in delivered(server)} == {address for _, address in ALL}
    for output in (wrong.output, right.output):
        assert not [piece for piece in _password_parts() if piece in output]


def test_no_part_of_the_password_is_in_a_traceback(site: Path, certificate: Path) -> None:
    """A failure nobody planned for, forced in the middle of the login: the traceback shows no part of the password."""
    script = (
        "import smtplib, sys\n"
        "original = smtplib.SMTP.docmd\n"
        "def docmd(self, cmd, args=''):\n"
        "    if cmd.upper() == 'AUTH':\n"
        "        raise RuntimeError('forced failure during the login')\n"
        "    return original(self, cmd, args)\n"
        "smtplib.SMTP.docmd = docmd\n"
        "from authoring.cli.app import run\n"
        "sys.argv = ['authoring', *sys.argv[1:]]\n"
        "run()\n"
    )
    with Server(tls="starttls", cert=certificate, login=True) as server:
        env = {**os.environ, "SSL_CERT_FILE": str(certificate), "AUTHORING_SMTP_PASSWORD": PASSWORD}
        result = subprocess.run(
            [sys.executable, "-c", script, "send", "--smtp", server.url(USER)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: forced failure during the login" in result.stderr
    assert not [piece for piece in _password_parts() if piece in result.stdout + result.stderr]
    assert repr(Secret(PASSWORD)) == "Secret('********')"
    assert PASSWORD not in f"{Secret(PASSWORD)}"


def test_a_password_that_is_not_utf8_is_sent_as_its_bytes_without_a_traceback(site: Path, certificate: Path) -> None:
    with Server(tls="starttls", cert=certificate, login=True) as server:
        env = {**os.environ, "SSL_CERT_FILE": str(certificate)}
        env_bytes = {key.encode(): value.encode() for key, value in env.items()}
        env_bytes[b"AUTHORING_SMTP_PASSWORD"] = "Pässwörd".encode("latin-1")  # not UTF-8
        result = subprocess.run(
            [sys.executable, "-c", "from authoring.cli.app import run; run()", "send", "--smtp", server.url(USER)],
            capture_output=True,
            env=env_bytes,  # type: ignore[arg-type]
            check=False,
            timeout=120,
        )

    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert result.returncode == 1, output
    assert f"refused the login of '{USER}': 535" in output
    assert "Traceback" not in output
    assert "Pässw" not in output
    assert "P\ufffdssw" not in output


# --------------------------------------------------------------------------- headers from the list, and --smtp


@pytest.mark.parametrize(
    ("sender", "message"),
    [
        ("Press\u2028Office <press.office@inspectorate.example>", "the sender must be on one line"),
        ("Press\u2029Office <press.office@inspectorate.example>", "the sender must be on one line"),
        ("=?utf-8?q?Press=0D=0ABcc:_x@y.example?= <press.office@inspectorate.example>", "which mail readers take"),
        ("=?utf-8?b?UHJlc3M=?= =?utf-8?b?T2ZmaWNl?= <p@inspectorate.example>", "which mail readers take as encoded"),
        (f"{'P' * 1500} <press.office@inspectorate.example>", "the name is 1500 characters long"),
        ("Press <prëss@inspectorate.example>", "the sender's address must be plain ASCII before the @"),
    ],
)
def test_every_header_from_the_list_is_checked_as_a_header(tmp_path: Path, sender: str, message: str) -> None:
    path = tmp_path / "distribution.yaml"
    path.write_text(f"from: {json.dumps(sender)}\neveryone: [desk@news.example]\n", encoding="utf-8")

    [problem] = check_distribution(path)

    assert (problem.line, problem.field) == (1, "from")
    assert message in problem.message


def test_validate_reports_a_header_problem_in_the_list_at_its_line(site: Path) -> None:
    Path("forces/distribution.yaml").write_text(
        'from: "Press\\u2028Office <press.office@inspectorate.example>"\neveryone:\n  - "a@b.example\\u2029"\n',
        encoding="utf-8",
    )

    result = run("validate", "forces")

    assert result.exit_code == 1
    assert "forces/distribution.yaml:1:7: from: the sender must be on one line" in result.output
    assert "forces/distribution.yaml:3:5: everyone.0: an address must be on one line" in result.output
    assert "2 problems in the distribution lists; the forms and campaigns are valid (3 forms" in result.output


def test_punycode_stays_punycode_in_a_packed_message(site: Path) -> None:
    Path("forces/distribution.yaml").write_text(
        "from: Press Office <press.office@inspectorate.example>\n"
        "everyone: [leser@xn--bcher-kva.example, redaktion@zeitung-münchen.example]\n",
        encoding="utf-8",
    )

    assert run("pack").exit_code == 0
    raw = (OUT / "thames-valley" / f"{STEMS['thames-valley']}.eml").read_bytes()

    assert b"Bcc: leser@xn--bcher-kva.example, redaktion@xn--zeitung-mnchen-osb.example\r\n" in raw
    assert b"=?" not in raw.split(b"\r\n\r\n")[0].split(b"Bcc:")[1].split(b"\r\n")[0]


def test_a_subject_with_what_looks_like_encoded_words_arrives_exactly_as_written(site: Path, server: Server) -> None:
    edit(
        Path("forces/campaign.yaml"),
        "{{ verdict }} identifies, monitors and manages integrity issues",
        "{{ verdict }} manages =?utf-8?q?integrity?= =?utf-8?q?issues?=",
    )

    assert run("send", "--smtp", server.url()).exit_code == 0

    subjects = {item.message["Subject"] for item in server.received if force_of(item.message) == "thames-valley"}
    assert subjects == {
        "EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012: Thames Valley Police has made good progress in the way it "
        "manages =?utf-8?q?integrity?= =?utf-8?q?issues?="
    }
    assert all(max(map(len, item.data.split(b"\r\n"))) <= 998 for item in server.received)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp://press%3Ahunter2@relay.example", "do not put the password in --smtp; set AUTHORING_SMTP_PASSWORD"),
        ("smtp://press%3ahunter2@relay.example:587", "do not put the password in --smtp; set AUTHORING_SMTP_PASSWORD"),
        ("smtp://[127.0.0.1]:2525", "write an IPv4 address in --smtp without brackets: smtp://127.0.0.1:2525"),
        ("smtp://[::1:2525", "--smtp names its host in a way that cannot be read"),
        ("smtp://[nonsense]:2525", "--smtp names its host in a way that cannot be read"),
        ("smtp://pre%0Ass@relay.example", "the user in --smtp must be one word"),
    ],
)
def test_a_smtp_url_that_hides_a_password_or_brackets_an_address_is_a_usage_error(url: str, message: str) -> None:
    result = run("send", "--smtp", url)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


def test_a_bracketed_ipv6_loopback_address_is_fine(server: Server) -> None:
    settings = SmtpSettings.parse("smtp://[::1]:2525")
    assert (settings.host, settings.port, settings.allow_plain, settings.where) == ("::1", 2525, True, "[::1]:2525")


# --------------------------------------------------------------------------- rounds, and pack


def test_a_bare_send_or_pack_passes_an_example_or_closed_round_by_and_says_so(site: Path) -> None:
    text = Path("forces/campaign.yaml").read_text(encoding="utf-8")
    for state in ("example", "closed"):
        Path("forces/campaign.yaml").write_text(f"{text}\nround: {state}\n", encoding="utf-8")
        for command in ("send", "pack"):
            args = [command, "--dry-run"] if command == "send" else [command]
            result = run(*args)
            assert result.exit_code == 2, result.output
            assert f"passed by: forces is {'an example' if state == 'example' else 'a closed'} round" in result.stderr
            assert "every round is closed or an example: nothing to do" in result.stderr
        named = run("send", "forces", "--dry-run")
        assert named.exit_code == 0, named.output
        assert sum(line.startswith("would send: ") for line in named.stdout.splitlines()) == len(ALL)
    assert not list(OUT.glob("*/*.eml"))


def test_the_example_round_in_the_repository_is_marked_as_one() -> None:
    from authoring.inputs.load import load_campaign
    from tests.conftest import FORCES

    example = FORCES.parent / "value-for-money-2013" / "campaign.yaml"
    assert load_campaign(example).round == "example"
    assert load_campaign(FORCES / "campaign.yaml").round == "open"


def test_an_eml_goes_with_its_release_when_it_is_rebuilt(site: Path) -> None:
    assert run("pack").exit_code == 0
    eml = OUT / "thames-valley" / f"{STEMS['thames-valley']}.eml"
    old = eml.read_bytes()

    edit(Path("forces/thames-valley.yaml"), "Since 2011 Thames Valley Police", "Since 2011, Thames Valley Police")
    assert run("batch").exit_code == 0

    assert not eml.exists()  # never an old message (and its old PDF) beside the new PDF
    assert (OUT / "bedfordshire" / f"{STEMS['bedfordshire']}.eml").exists()  # the others are untouched
    assert run("pack").exit_code == 0
    assert eml.read_bytes() != old
    message = message_from_bytes(eml.read_bytes(), _class=EmailMessage, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert parts(message)[2] == (OUT / "thames-valley" / f"{STEMS['thames-valley']}.pdf").read_bytes()
    assert "Since 2011, Thames Valley Police" in parts(message)[0]
    assert Journal.read(Path("forces")).deliveries == []  # packing journals nothing
