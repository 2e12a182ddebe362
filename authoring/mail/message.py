"""One release as an e-mail: embargoed subject, plain text and HTML bodies, the PDF attached.

The message is built with the standard library (:class:`email.message.EmailMessage` and
:data:`email.policy.SMTP`: folded headers, encoded words, CRLF line ends). Its parts are
the files the build wrote — the Markdown as the plain-text body, the HTML as its
alternative, the PDF byte for byte — so what is sent is what is on disk. A bilingual
release goes in one message, its Welsh first (docs/welsh.md): both subjects, both bodies
(each HTML part marked with its language) and both PDFs.

No recipient is ever named in a sent message: ``To`` is the empty group
``undisclosed-recipients:;`` and each recipient gets the message in an envelope of their
own. Header values come from the campaign and the registry; every run of white space
(line breaks included) is made one space, so no form or campaign value can add a header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from authoring.model.release import Release

#: The ``To`` of every sent message: a group with no members, as for blind copies.
UNDISCLOSED = "undisclosed-recipients:;"
CORRECTION = "CORRECTION"
CORRECTION_NOTE = "CORRECTION: this version replaces the one sent to you earlier; please use it instead."

_SPACE = re.compile(r"\s+")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Contents:
    """What one release's message carries, read from its built files."""

    release: Release
    text: str
    html: str
    pdf: bytes
    pdf_name: str
    translations: tuple[Contents, ...] = ()
    """The same release in other languages (a bilingual force's Welsh), sent in the same message, first."""


def one_line(value: str) -> str:
    """A header value on one line: every run of white space (line breaks too) becomes one space."""
    return _SPACE.sub(" ", value).strip()


def subject(release: Release, *, correction: bool = False) -> str:
    """'EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012: <headline>', as on the PDF (with a correction marked)."""
    parts = [release.embargo, CORRECTION if correction else None, release.headline]
    return one_line(": ".join(part for part in parts if part))


def compose(contents: Contents, *, sender: str, date: datetime, correction: bool = False) -> EmailMessage:
    """The message for one release, without a Message-ID (see :func:`stamp`) and without recipients."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = UNDISCLOSED
    versions = (*contents.translations, contents)  # a bilingual release: Welsh first, with no less prominence
    message["Subject"] = " / ".join(subject(version.release, correction=correction) for version in versions)
    message["Date"] = format_datetime(date)
    text, html = "\n\n---\n\n".join(version.text for version in versions), _together(versions)
    if correction:
        text = f"{CORRECTION_NOTE}\n\n{text}"
        html = _BODY_TAG.sub(lambda tag: f"{tag.group()}\n<p><strong>{CORRECTION_NOTE}</strong></p>", html, count=1)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for version in versions:
        message.add_attachment(version.pdf, maintype="application", subtype="pdf", filename=version.pdf_name)
    return message


def _together(versions: Sequence[Contents]) -> str:
    """One HTML body of every language version, in order, each marked with its language; one version as it is."""
    if len(versions) == 1:
        return versions[0].html
    *_, last = versions
    match = _BODY_TAG.search(last.html)
    if match is None or "</body>" not in last.html:  # pragma: no cover - the shipped template has a body
        return last.html
    sections = []
    for version in versions:
        start = _BODY_TAG.search(version.html)
        inner = version.html[start.end() :].split("</body>", 1)[0] if start else version.html
        sections.append(f'<div lang="{version.release.language}">{inner}</div>')
    end = last.html.index("</body>", match.end())
    return last.html[: match.end()] + "\n<hr>\n".join(sections) + last.html[end:]


def stamp(message: EmailMessage, *, domain: str) -> str:
    """Give ``message`` a new Message-ID in ``domain``; return it."""
    message_id = make_msgid(domain=domain)
    del message["Message-ID"]
    message["Message-ID"] = message_id
    return message_id


class Serialized:
    """A message as bytes, serialised once, that takes a new Message-ID per delivery cheaply.

    Serialising base64-encodes the PDF again each time; for one release going to many
    recipients, only the Message-ID differs, so it is put in place of the first one.
    """

    def __init__(self, message: EmailMessage, *, domain: str) -> None:
        self.message = message
        self.domain = domain
        self._placeholder = stamp(message, domain=domain).encode()
        self._head, self._separator, self._body = message.as_bytes().partition(b"\r\n\r\n")

    def stamped(self) -> tuple[str, bytes]:
        """A new Message-ID, and the message's bytes carrying it."""
        message_id = make_msgid(domain=self.domain)
        if self._head.count(self._placeholder) != 1:  # folded or repeated: serialise afresh
            del self.message["Message-ID"]
            self.message["Message-ID"] = message_id
            return message_id, self.message.as_bytes()
        head = self._head.replace(self._placeholder, message_id.encode())
        return message_id, head + self._separator + self._body


def draft_for_hand(message: EmailMessage, recipients: Sequence[str]) -> EmailMessage:
    """``message`` as an unsent draft for a mail client: the recipients as blind copies, marked unsent.

    ``X-Unsent: 1`` makes Outlook open the file as a message to send; other clients open it
    as a message to forward or "edit as new".
    """
    del message["Bcc"]
    if recipients:
        message["Bcc"] = ", ".join(recipients)
    message["X-Unsent"] = "1"
    return message
