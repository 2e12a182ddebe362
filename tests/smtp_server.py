"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that keeps what it receives.

It does what Postfix (tests/postfix.py) cannot be made to do on cue: refuse chosen
recipients with a chosen reply, drop the connection at a chosen recipient (before the
message went) or right after a chosen message (stored, then dropped before it says so),
answer a message too late, and count the logins it is asked for. It speaks STARTTLS or
TLS with a self-signed certificate made by ``openssl``, and can ask for a login.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
USER, PASSWORD = "press", "Pässwörd-£-7731"


@dataclass(frozen=True)
class Received:
    """One message as the server got it: envelope sender, envelope recipients, parsed message."""

    sender: str
    recipients: tuple[str, ...]
    data: bytes
    tls: bool

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, _class=EmailMessage, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    """aiosmtpd handler: stores each message, unless told otherwise.

    ``refuse`` maps an address to the reply its RCPT gets (``refuse_with`` for a set);
    ``drop_at_rcpt`` drops the connection at that RCPT (counted from 1), before anything went;
    ``drop_at`` stores message number ``drop_at`` and drops the connection before replying;
    ``slow`` stores every message and replies after that many seconds; ``refuse_data`` is the
    reply to every message (not stored), ``refuse_mail`` to every MAIL FROM.
    """

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    drop_at: int | None = None
    drop_at_rcpt: int | None = None
    slow: float = 0.0
    refuse_data: str | None = None
    refuse_mail: str | None = None
    data_count: int = 0
    mail_count: int = 0
    rcpt_count: int = 0
    rcpt_options: list[list[str]] = field(default_factory=list)

    def refuse_with(self, addresses: set[str], reply: str = "550 5.1.1 mailbox unavailable") -> None:
        self.refuse = dict.fromkeys(addresses, reply)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.mail_count += 1
        if self.refuse_mail:
            return self.refuse_mail
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        self.rcpt_count += 1
        if self.rcpt_count == self.drop_at_rcpt:
            server.transport.close()
            return "421 closing"
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        self.rcpt_options.append(list(envelope.mail_options))
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_count += 1
        if self.refuse_data:
            return self.refuse_data
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content, tls))
        if self.data_count == self.drop_at:
            server.transport.close()  # stored, and the client sees the connection drop before any reply
            return "421 closing"
        if self.slow:
            await asyncio.sleep(self.slow)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


#: Every login the test servers were asked for: (mechanism, user), never the password.
LOGINS: list[tuple[str, bytes]] = []


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    LOGINS.append((mechanism, data.login if isinstance(data, LoginPassword) else b""))
    return AuthResult(success=ok, handled=False)


class Server:
    """Start with ``with Server(...) as server``; ``server.url`` is what ``--smtp`` takes."""

    def __init__(
        self, *, tls: str | None = None, cert: Path | None = None, login: bool = False, smtputf8: bool = True
    ) -> None:
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
        if tls:
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, cert.with_name("key.pem"))
            kwargs["ssl_context" if tls == "implicit" else "tls_context"] = context
            if tls == "starttls":
                kwargs["require_starttls"] = True
        if login:
            kwargs.update(authenticator=_authenticate, auth_require_tls=True)
        self.scheme = "smtps" if tls == "implicit" else "smtp"
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, server_hostname=HOST, **kwargs)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def url(self, user: str | None = None) -> str:
        return f"{self.scheme}://{user + '@' if user else ''}{HOST}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def make_certificate(folder: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1 (``cert.pem``, ``key.pem``), or ``None`` without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert
