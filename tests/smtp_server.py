"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that keeps what it receives.

It can refuse chosen recipients, drop the connection at a chosen message, speak STARTTLS
or TLS with a self-signed certificate made by ``openssl``, and ask for a login.
"""

from __future__ import annotations

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
USER, PASSWORD = "press", "s3cret-pass"


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
    """aiosmtpd handler: stores each message; refuses ``refuse``; drops the connection at DATA number ``drop_at``."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    drop_at: int | None = None
    data_count: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_count += 1
        if self.data_count == self.drop_at:
            server.transport.close()  # the client sees the connection drop before any reply
            return "421 closing"
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content, tls))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


class Server:
    """Start with ``with Server(...) as server``; ``server.url`` is what ``--smtp`` takes."""

    def __init__(self, *, tls: str | None = None, cert: Path | None = None, login: bool = False) -> None:
        self.handler = Handler()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if tls:
            assert cert is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, cert.with_name("key.pem"))
            kwargs["ssl_context" if tls == "implicit" else "tls_context"] = context
            if tls == "starttls":
                kwargs["require_starttls"] = True
        if login:
            # smtplib falls back from PLAIN to LOGIN after a refusal, which aiosmtpd's LOGIN never answers
            kwargs.update(authenticator=_authenticate, auth_require_tls=True, auth_exclude_mechanism=["LOGIN"])
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
