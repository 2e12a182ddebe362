"""Talking to the mail server: the ``--smtp`` URL, encryption rules, one reused connection, retries.

``smtp://[user@]host[:port]`` (port 587 by default) must offer STARTTLS, and it is used;
sending in clear is allowed only to a loopback host (``localhost``, ``127.0.0.1``, ``::1``),
which is what tests and a local relay use. ``smtps://[user@]host[:port]`` (port 465) is
TLS from the first byte. Certificates are checked against the system's authorities (or
``SSL_CERT_FILE``). With a user, the password is given by the caller (the CLI reads
``AUTHORING_SMTP_PASSWORD``); it is never put in a message or an error.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import unquote, urlsplit

from authoring.exceptions import AuthoringError, UsageError

#: Seconds to wait for the server on any one step.
TIMEOUT = 30.0
#: How often a refused or dropped message is tried again, and the first wait (doubled each time).
RETRIES = 3
BACKOFF = 1.0


class SmtpError(AuthoringError):
    """Raised when sending cannot go on at all: the server is unreachable, unsafe, or refuses the login."""


class Unreachable(SmtpError):
    """Raised when the server cannot be reached (tried again, then fatal: nothing else can go)."""


class DeliveryFailed(Exception):
    """Raised by :meth:`Connection.deliver` when one recipient's message was not accepted (after retries)."""

    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    port: int
    user: str | None = None
    implicit_tls: bool = False
    allow_plain: bool = False
    """Whether to send without encryption when the server offers no STARTTLS (loopback hosts only)."""

    @classmethod
    def parse(cls, url: str) -> SmtpSettings:
        """Read an ``smtp://`` or ``smtps://`` URL; :class:`UsageError` if it is not one."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise UsageError(
                "--smtp must start with smtp:// (STARTTLS) or smtps:// (TLS), e.g. smtp://relay.example:587"
            )
        if parts.password is not None:
            raise UsageError("do not put the password in --smtp; set AUTHORING_SMTP_PASSWORD instead")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise UsageError("--smtp takes only [user@]host[:port], e.g. smtp://press@relay.example:587")
        try:
            port = parts.port
        except ValueError:
            raise UsageError("the port in --smtp must be a number from 1 to 65535") from None
        host = parts.hostname
        if not host:
            raise UsageError("--smtp names no host, e.g. smtp://relay.example:587")
        implicit = parts.scheme == "smtps"
        return cls(
            host=host,
            port=port or (465 if implicit else 587),
            user=unquote(parts.username) if parts.username else None,
            implicit_tls=implicit,
            allow_plain=not implicit and is_loopback(host),
        )

    @property
    def where(self) -> str:
        """``host:port``, for messages (never the user or password)."""
        return f"{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine by name or address (checked as written, not looked up)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Connection:
    """One SMTP session, opened on first use, reused for every message, reopened after a drop."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        password: str | None,
        context: ssl.SSLContext | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if settings.user and not password:
            raise UsageError(f"--smtp names the user '{settings.user}': set AUTHORING_SMTP_PASSWORD to their password")
        self.settings = settings
        self._password = password
        self._context = context or ssl.create_default_context()
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF if backoff is None else backoff
        self._sleep = sleep
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def open(self) -> None:
        """Connect, secure and log in now (it is otherwise done on the first message)."""
        self._session()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def deliver(self, sender: str, recipient: str, data: bytes) -> int:
        """Send ``data`` to one recipient; return the attempts it took.

        A refusal or a dropped connection is tried again after ``backoff``, then twice
        that, and so on, ``retries`` times; then :class:`DeliveryFailed` says why.
        """
        reason = ""
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                self._sleep(self.backoff * 2 ** (attempt - 2))
            try:
                smtp = self._session()
                smtp.sendmail(sender, [recipient], data)
            except Unreachable:
                if attempt > self.retries:
                    raise
                continue
            except smtplib.SMTPRecipientsRefused as error:
                code, text = error.recipients.get(recipient, (0, b""))
                reason = f"refused by the server: {code} {_text(text)}"
            except smtplib.SMTPResponseException as error:
                reason = f"refused by the server: {error.smtp_code} {_text(error.smtp_error)}"
            except OSError as error:  # smtplib.SMTPServerDisconnected among them
                self._drop()
                reason = f"connection lost: {error or type(error).__name__}"
            else:
                return attempt
        raise DeliveryFailed(reason, self.retries + 1)

    def _session(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            if settings.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    settings.host, settings.port, timeout=TIMEOUT, context=self._context
                )
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        except ssl.SSLError as error:
            raise SmtpError(f"TLS with {settings.where} failed: {error.reason or error}") from None
        except OSError as error:
            raise Unreachable(f"cannot connect to {settings.where}: {error.strerror or error}") from None
        try:
            self._secure(smtp)
            if settings.user:
                smtp.login(settings.user, self._password or "")
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            raise SmtpError(
                f"{settings.where} refused the login of '{settings.user}': {error.smtp_code} {_text(error.smtp_error)}"
            ) from None
        except smtplib.SMTPNotSupportedError:
            smtp.close()
            raise SmtpError(
                f"{settings.where} does not accept a login (no AUTH); remove the user from --smtp"
            ) from None
        except ssl.SSLError as error:
            smtp.close()
            raise SmtpError(f"STARTTLS with {settings.where} failed: {error.reason or error}") from None
        except (smtplib.SMTPException, OSError) as error:
            smtp.close()
            raise SmtpError(f"cannot start a session with {settings.where}: {error}") from None
        return smtp

    def _secure(self, smtp: smtplib.SMTP) -> None:
        """STARTTLS if the session is not encrypted yet; refuse to go on in clear unless allowed."""
        smtp.ehlo()
        if self.settings.implicit_tls:
            return
        if smtp.has_extn("starttls"):
            smtp.starttls(context=self._context)
            smtp.ehlo()
        elif not self.settings.allow_plain:
            smtp.close()
            raise SmtpError(
                f"{self.settings.where} does not offer STARTTLS; refusing to send unencrypted "
                "(use smtps:// if it speaks TLS from the start)"
            )


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
