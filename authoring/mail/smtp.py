"""Talking to the mail server: the ``--smtp`` URL, encryption rules, one reused connection, retries.

``smtp://[user@]host[:port]`` (port 587 by default) must offer STARTTLS, and it is used;
sending in clear is allowed only to a loopback host (``localhost``, ``127.0.0.1``, ``::1``),
which is what tests and a local relay use. ``smtps://[user@]host[:port]`` (port 465) is
TLS from the first byte. Certificates are checked against the system's authorities (or
``SSL_CERT_FILE``); a certificate that cannot be trusted is reported with the reason
Python's TLS gives, in words a press officer can act on.

With a user, the password is given by the caller (the CLI reads ``AUTHORING_SMTP_PASSWORD``)
as a :class:`Secret`, which never shows its value (not in a message, an error, a ``repr``,
nor a traceback's variables). The login is ``AUTH PLAIN`` (RFC 4616: user and password in
UTF-8), or ``AUTH LOGIN`` where only that is offered; it is tried once: a refused login stops
the run, and the next login is only made by the next run.

What the server says decides what happens to a message (:meth:`Connection.deliver`):

- ``2xx``: accepted. The caller journals it.
- ``4xx``, a dropped connection or a timeout *before the message was handed over*: tried
  again, after ``backoff`` seconds, then twice that, and so on, ``retries`` times.
- ``5xx`` for the recipient: :class:`DeliveryFailed` at once; it will not pass later.
- a refusal that is about the message (``552``: too large, with the limit the server
  announced in its ``SIZE``): :class:`MessageRefused`, once, for every recipient of it.
- a drop or a timeout *after* the whole message was handed over: the server may have kept
  it. :class:`MaybeDelivered`; it is never sent again on the toolkit's own initiative.

Envelope addresses are sent with their domain in IDNA (``xn--…``); an address whose
local part is not ASCII needs the server's ``SMTPUTF8``, and without it that recipient
fails, saying why.
"""

from __future__ import annotations

import base64
import ipaddress
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import idna

from authoring.exceptions import AuthoringError, UsageError

#: Seconds to wait for the server on any one step.
TIMEOUT = 30.0
#: How often a message that may pass later (4xx, a drop, a timeout) is tried again, and the first wait (doubled).
RETRIES = 3
BACKOFF = 1.0

_PERIOD = re.compile(rb"(?m)^\.")


class Secret:
    """A password: its value is only read by the login, and never shown (``str`` and ``repr`` hide it)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal_utf8(self) -> bytes:
        """The password's bytes in UTF-8 (bytes an environment variable could not decode are kept as they were)."""
        return self._value.encode("utf-8", "surrogateescape")

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:  # never pickled into a worker or a log
        raise TypeError("a password is not to be copied")


class SmtpError(AuthoringError):
    """Raised when sending cannot go on at all: the server is unreachable, unsafe, or refuses the login."""


class Unreachable(SmtpError):
    """Raised when the server cannot be reached (tried again, then fatal: nothing else can go)."""


class DeliveryFailed(Exception):
    """Raised by :meth:`Connection.deliver` when one recipient's message was not accepted."""

    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


class MessageRefused(DeliveryFailed):
    """The server refuses the message itself (its size), whoever it is for: no recipient of it can get it."""


class MaybeDelivered(DeliveryFailed):
    """The whole message went, then the connection dropped or timed out before the server said it had it."""


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
        """Read an ``smtp://`` or ``smtps://`` URL; :class:`UsageError` if it is not one (never echoing a password)."""
        example = "e.g. smtp://press@relay.example:587"
        try:
            parts = urlsplit(url)
            host, port, password = parts.hostname, parts.port, parts.password
        except ValueError as error:
            if "Port" in str(error) or "port" in str(error):
                raise UsageError("the port in --smtp must be a number from 1 to 65535") from None
            bracketed = re.search(r"\[(\d{1,3}(?:\.\d{1,3}){3})\](?::(\d+))?", url)
            if bracketed:
                address, port_text = bracketed.groups()
                raise UsageError(
                    f"write an IPv4 address in --smtp without brackets: smtp://{address}:{port_text or 587}"
                ) from None
            raise UsageError(
                "--smtp names its host in a way that cannot be read: write a name (relay.example), "
                "an IPv4 address as it is (127.0.0.1) or an IPv6 address in brackets ([::1])"
            ) from None
        if parts.scheme not in ("smtp", "smtps"):
            raise UsageError(
                "--smtp must start with smtp:// (STARTTLS) or smtps:// (TLS), e.g. smtp://relay.example:587"
            )
        user = unquote(parts.username, errors="strict") if parts.username else None
        if password is not None or (user is not None and ":" in user):
            raise UsageError("do not put the password in --smtp; set AUTHORING_SMTP_PASSWORD instead")
        if user is not None and (not user.isprintable() or any(char.isspace() for char in user)):
            raise UsageError(f"the user in --smtp must be one word, {example}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise UsageError(f"--smtp takes only [user@]host[:port], {example}")
        if not host:
            raise UsageError("--smtp names no host, e.g. smtp://relay.example:587")
        if "[" in parts.netloc and ":" not in host:
            raise UsageError(f"write an IPv4 address in --smtp without brackets: smtp://{host}:{port or 587}")
        implicit = parts.scheme == "smtps"
        return cls(
            host=host,
            port=port or (465 if implicit else 587),
            user=user,
            implicit_tls=implicit,
            allow_plain=not implicit and is_loopback(host),
        )

    @property
    def where(self) -> str:
        """``host:port``, for messages (never the user or password)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine by name or address (checked as written, not looked up)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def envelope_address(address: str) -> tuple[str, bool]:
    """The address as the envelope carries it: its domain in IDNA; and whether its local part needs SMTPUTF8.

    Raises :class:`ValueError` (with a press officer's reason) for a domain IDNA cannot write.
    """
    local, at, domain = address.rpartition("@")
    if not at:
        return address, not address.isascii()
    return f"{local}@{ascii_domain(domain)}", not local.isascii()


def ascii_domain(domain: str) -> str:
    """A domain in ASCII: unchanged if it is ASCII already (``xn--`` stays as it is), else in IDNA."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(f"the domain '{domain}' cannot be written for the mail system: {error}") from None


class Connection:
    """One SMTP session, opened on first use, reused for every message, reopened after a drop."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        password: Secret | str | None,
        context: ssl.SSLContext | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if settings.user and not password:
            raise UsageError(f"--smtp names the user '{settings.user}': set AUTHORING_SMTP_PASSWORD to their password")
        self.settings = settings
        self._password = password if isinstance(password, Secret) or password is None else Secret(password)
        self._context = context or ssl.create_default_context()
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF if backoff is None else backoff
        self.timeout = TIMEOUT if timeout is None else timeout
        self._sleep = sleep
        self._smtp: smtplib.SMTP | None = None
        self._login_refused: SmtpError | None = None

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

    @property
    def size_limit(self) -> int | None:
        """The largest message the server said it takes (its ``SIZE``), once connected; ``None`` if it said none."""
        if self._smtp is None:
            return None
        value = self._smtp.esmtp_features.get("size", "")
        return int(value) if value.isdigit() and int(value) > 0 else None

    def deliver(self, sender: str, recipient: str, data: bytes) -> int:
        """Send ``data`` to one recipient in an envelope of its own; return the attempts it took.

        Raises :class:`DeliveryFailed` (the recipient is refused, or it still did not pass
        after the retries), :class:`MessageRefused` (the message itself is refused),
        :class:`MaybeDelivered` (the server may have it), :class:`SmtpError` (nothing can go).
        """
        try:
            envelope_sender, sender_utf8 = envelope_address(sender)
            envelope_recipient, recipient_utf8 = envelope_address(recipient)
        except ValueError as error:
            raise DeliveryFailed(str(error), 0) from None
        reason = ""
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                self._sleep(self.backoff * 2 ** (attempt - 2))
            try:
                smtp = self._session()
                self._transaction(smtp, envelope_sender, envelope_recipient, data, sender_utf8 or recipient_utf8)
            except Unreachable:
                if attempt > self.retries:
                    raise
                continue
            except _Temporary as error:
                reason = error.reason
            except DeliveryFailed as failure:
                failure.attempts = attempt
                raise
            else:
                return attempt
        raise DeliveryFailed(reason, self.retries + 1)

    def _transaction(self, smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, utf8: bool) -> None:
        """MAIL, RCPT, DATA for one recipient; each reply sorted into temporary, permanent, or about the message."""
        where = self.settings.where
        options: list[str] = []
        if utf8:
            if not smtp.has_extn("smtputf8"):
                self._reset(smtp)
                raise DeliveryFailed(
                    f"the address has letters beyond plain ASCII before the @, and {where} does not "
                    "accept such addresses (it does not offer SMTPUTF8); ask the recipient for another address",
                    0,
                )
            options.append("SMTPUTF8")
        limit = self.size_limit
        if smtp.has_extn("size"):
            options.append(f"SIZE={len(data)}")
        if limit is not None and len(data) > limit:
            self._reset(smtp)
            raise MessageRefused(_too_large(len(data), limit, where, None), 0)
        phase = "before"
        try:
            code, reply = smtp.mail(sender, options)
            if code != 250:
                self._refused(smtp, code, reply, sender=True)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._refused(smtp, code, reply)
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._refused(smtp, code, reply)
            payload = _PERIOD.sub(b"..", data)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            smtp.send(payload + b".\r\n")
            phase = "after"
            code, reply = smtp.getreply()
        except TimeoutError as error:
            self._drop()
            if phase == "after":
                raise MaybeDelivered(_maybe(where, "did not answer in time"), 0) from None
            raise _Temporary(f"no answer from {where} in time ({error or 'timeout'})") from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            if phase == "after":
                raise MaybeDelivered(_maybe(where, "dropped the connection"), 0) from None
            raise _Temporary(f"connection lost: {error or type(error).__name__}") from None
        if code != 250:
            self._refused(smtp, code, reply)

    def _refused(self, smtp: smtplib.SMTP, code: int, reply: bytes, *, sender: bool = False) -> NoReturn:
        """Sort a refusal: temporary (4xx), about the message (its size, or its sender), or this recipient's (5xx).

        A permanent refusal of ``MAIL FROM`` (``sender``) names no recipient: it holds for the
        message, whoever it is for.
        """
        text = _text(reply)
        if code == 421 or code == -1:
            self._drop()
            raise _Temporary(f"the server closed the connection: {code} {text}")
        self._reset(smtp)
        if 400 <= code < 500:
            raise _Temporary(f"refused for now by the server: {code} {text}")
        if code == 552 or "5.3.4" in text:
            limit = self.size_limit
            raise MessageRefused(_too_large(None, limit, self.settings.where, f"{code} {text}"), 0)
        if sender:
            raise MessageRefused(f"the server refuses the sender: {code} {text}", 0)
        raise DeliveryFailed(f"refused by the server: {code} {text}", 0)

    def _reset(self, smtp: smtplib.SMTP) -> None:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _session(self) -> smtplib.SMTP:
        if self._login_refused is not None:
            raise self._login_refused
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        host = settings.host if is_ip_address(settings.host) else ascii_domain(settings.host)
        try:
            if settings.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, settings.port, timeout=self.timeout, context=self._context)
            else:
                smtp = smtplib.SMTP(host, settings.port, timeout=self.timeout)
        except ssl.SSLError as error:
            raise SmtpError(tls_failure(error, settings, "TLS")) from None
        except OSError as error:
            raise Unreachable(f"cannot connect to {settings.where}: {error.strerror or error}") from None
        try:
            self._secure(smtp)
            if settings.user:
                self._login(smtp)
        except SmtpError:
            smtp.close()
            raise
        except ssl.SSLError as error:
            smtp.close()
            raise SmtpError(tls_failure(error, settings, "STARTTLS")) from None
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

    def _login(self, smtp: smtplib.SMTP) -> None:
        """One login, AUTH PLAIN (RFC 4616, UTF-8) or else AUTH LOGIN; a refusal ends every later attempt."""
        settings, password = self.settings, self._password
        if settings.user is None or password is None:
            raise UsageError("a login needs a user in --smtp and a password in AUTHORING_SMTP_PASSWORD")
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        if not smtp.has_extn("auth"):
            raise SmtpError(f"{settings.where} does not accept a login (no AUTH); remove the user from --smtp")
        user = settings.user.encode("utf-8")
        if "PLAIN" in offered:
            token = base64.b64encode(b"\0" + user + b"\0" + password.reveal_utf8()).decode("ascii")
            code, reply = smtp.docmd("AUTH", "PLAIN " + token)
            del token
        elif "LOGIN" in offered:
            code, reply = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user).decode("ascii"))
            if code == 334:
                code, reply = smtp.docmd(base64.b64encode(password.reveal_utf8()).decode("ascii"))
        else:
            raise SmtpError(
                f"{settings.where} offers no login this toolkit speaks (PLAIN or LOGIN over TLS): {' '.join(offered)}"
            )
        if code in (235, 503):  # 503: already authenticated
            return
        if 400 <= code < 500:
            raise SmtpError(f"{settings.where} cannot check the login now: {code} {_text(reply)}; try again later")
        self._login_refused = SmtpError(
            f"{settings.where} refused the login of '{settings.user}': {code} {_text(reply)}; "
            "check the user and AUTHORING_SMTP_PASSWORD (no other login is tried in this run)"
        )
        raise self._login_refused


class _Temporary(Exception):
    """A failure that may pass if tried again (4xx, a drop or a timeout before the message went)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def tls_failure(error: ssl.SSLError, settings: SmtpSettings, step: str) -> str:
    """Why TLS with the server failed, in words a press officer can act on."""
    where = settings.where
    if isinstance(error, ssl.SSLCertVerificationError):
        why = (error.verify_message or error.reason or str(error)).rstrip(".")
        if "mismatch" in why or "not valid for" in why:
            hint = (
                "the certificate was made for another name than the one in --smtp; name the relay in --smtp "
                "by the host name on its certificate (an IP address rarely is on it)"
            )
        elif "self-signed" in why or "self signed" in why or "local issuer" in why:
            hint = (
                "the certificate comes from an authority this computer does not trust, such as your "
                "organisation's own; set SSL_CERT_FILE to that authority's certificate (see docs/distribution-email.md)"
            )
        elif "expired" in why:
            hint = "the server's certificate has expired; ask whoever runs the relay to renew it"
        else:
            hint = "ask whoever runs the relay which authority issued its certificate (see docs/distribution-email.md)"
        return f"{step} with {where} failed: the server's certificate is not trusted: {why}; {hint}"
    return f"{step} with {where} failed: {error.reason or error}"


def _maybe(where: str, what: str) -> str:
    return (
        f"may have been delivered: the whole message went, then {where} {what} before saying it had it; "
        "it is not sent again unless you ask (send --retry-uncertain), as the recipient may already have it"
    )


def _too_large(size: int | None, limit: int | None, where: str, reply: str | None) -> str:
    parts = ["too large for the server"]
    if size is not None:
        parts.append(f"the message is {_size(size)}")
    if limit is not None:
        parts.append(f"{where} takes at most {_size(limit)}")
    if reply:
        parts.append(f"it said {reply}")
    return "; ".join(parts)


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB ({count:,} bytes)" if count >= 1_000_000 else f"{count:,} bytes"


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())
