"""One release as an e-mail: embargoed subject, plain text and HTML bodies, the PDF attached.

The message is built with the standard library (:class:`email.message.EmailMessage` and
:data:`POLICY`, the SMTP policy: folded headers, encoded words, CRLF line ends). Its parts:
the release as plain text written for a person (:mod:`authoring.mail.text`, from the same
:class:`Release` the files were made from; the ``.md`` file is Markdown, for the web), the
HTML page as its alternative, and the PDF byte for byte as it is on disk. The PDF's name
is given as ``filename="…"`` on its Content-Disposition and as ``name="…"`` on its
Content-Type, on one line each (RFC 2231's encoding only where the name needs it: letters
beyond ASCII, or longer than a header line may be), so every mail reader saves it by name. A bilingual
release goes in one message, its Welsh first (docs/welsh.md): both subjects, both bodies
(the HTML parts each marked with its language) and both PDFs — after its one bilingual
document's PDF, where the campaign asks for one.

No recipient is ever named in a sent message: ``To`` is the empty group
``undisclosed-recipients:;`` and each recipient gets the message in an envelope of their
own. Header values come from the campaign and the registry; every run of white space
(line and paragraph separators included) is made one space, so no form or campaign value
can add a header; a subject holding something that looks like an encoded word
(``=?…?=``) is itself encoded, so a mail reader shows it exactly as written. Addresses
are kept as the list has them; a domain beyond ASCII is written in IDNA in a header.
A correction names the first message that recipient got in ``In-Reply-To`` and
``References`` (see :meth:`Serialized.stamped`), so mail readers thread it under it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from markupsafe import Markup

from authoring.mail.smtp import ascii_domain
from authoring.mail.text import plain_text
from authoring.model.release import Release

#: The ``To`` of every sent message: a group with no members, as for blind copies.
UNDISCLOSED = "undisclosed-recipients:;"
#: The SMTP policy; header values this module writes itself (``set_raw``) are sent as they are.
POLICY = policy.SMTP.clone(refold_source="none")
#: The longest header line a mail server must take (RFC 5322), less room for the header's name.
_LONGEST_VALUE = 900

_SPACE = re.compile(r"\s+")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Contents:
    """What one release's message carries, read from its built files."""

    release: Release
    html: str
    pdf: bytes
    pdf_name: str
    translations: tuple[Contents, ...] = ()
    """The same release in other languages (a bilingual force's Welsh), sent in the same message, first."""
    together: tuple[str, bytes] | None = None
    """The release's one bilingual document (its file name and PDF), where the campaign asks for one: attached first."""


def one_line(value: str) -> str:
    """A header value on one line: every run of white space (line and paragraph separators too), or any
    control character, becomes one space."""
    value = "".join(char if char.isprintable() else " " for char in value)
    return _SPACE.sub(" ", value).strip()


def subject(release: Release, *, correction: bool = False) -> str:
    """'EMBARGOED UNTIL 00:01 TUESDAY 11 DECEMBER 2012: <headline>', as on the PDF (with a correction marked)."""
    parts = [release.embargo, release.correction_mark if correction else None, release.headline]
    return one_line(": ".join(part for part in parts if part))


def message_subject(contents: Contents, *, correction: bool = False) -> str:
    """The subject of the message of ``contents``: its release's, after each translation's (Welsh first)."""
    versions = (*contents.translations, contents)
    return " / ".join(subject(version.release, correction=correction) for version in versions)


def header_address(mailbox: str) -> Address:
    """``Name <address>`` (or a bare address) as a header's address: its domain in IDNA, the name as it is."""
    name, address = parseaddr(mailbox)
    local, _, domain = address.rpartition("@")
    return Address(display_name=one_line(name), username=local, domain=ascii_domain(domain))


def compose(
    contents: Contents, *, sender: str, date: datetime, correction: bool = False, text: str | None = None
) -> EmailMessage:
    """The message for one release, without a Message-ID (see :func:`stamp`) and without recipients.

    ``text`` is the plain-text body; by default the release laid out as plain text.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = header_address(sender)
    message["To"] = UNDISCLOSED
    versions = (*contents.translations, contents)  # a bilingual release: Welsh first, with no less prominence
    _set_subject(message, message_subject(contents, correction=correction))
    message["Date"] = format_datetime(date)
    if correction:  # each language says so in its own words (the house's correction_note)
        versions = tuple(
            replace(version, html=_noted(version.html, version.release.correction_note)) for version in versions
        )
    html = _together(versions)
    if text is None:
        text = "\n\n---\n\n".join(
            plain_text(version.release, preface=version.release.correction_note if correction else None)
            for version in versions
        )
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    attachments = [*((contents.together,) if contents.together else ()), *((v.pdf_name, v.pdf) for v in versions)]
    for name, pdf in attachments:  # the bilingual document first, then the Welsh, then the English
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=name)
        _name_attachment(message, name)
    return message


def _noted(html: str, note: str) -> str:
    """The page with ``note`` in bold at the top of its body (the note escaped: it is a house word, not markup)."""
    paragraph = Markup("<p><strong>{}</strong></p>").format(note)
    return _BODY_TAG.sub(lambda tag: f"{tag.group()}\n{paragraph}", html, count=1)


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


def _set_subject(message: EmailMessage, value: str) -> None:
    """The subject, exactly as written: text that looks like an encoded word is encoded, so it is not decoded."""
    if "=?" not in value:
        message["Subject"] = value
        return
    encoded = Header(value, "utf-8", header_name="Subject").encode(linesep="\r\n")
    message.set_raw("Subject", encoded)


def _name_attachment(message: EmailMessage, name: str) -> None:
    """The attachment's name as ``filename="…"`` and ``name="…"`` on one line each, where the name allows."""
    part = list(message.iter_attachments())[-1]
    if not (name.isascii() and name.isprintable() and len(name) <= _LONGEST_VALUE):
        part.set_param("name", name, header="Content-Type")  # RFC 2231, as the library writes it
        return
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    content_type = part.get_content_type()
    del part["Content-Type"], part["Content-Disposition"]
    part.set_raw("Content-Type", f'{content_type}; name="{quoted}"')
    part.set_raw("Content-Disposition", f'attachment; filename="{quoted}"')


def stamp(message: EmailMessage, *, domain: str) -> str:
    """Give ``message`` a new Message-ID in ``domain``; return it."""
    message_id = make_msgid(domain=ascii_domain(domain))
    del message["Message-ID"]
    message["Message-ID"] = message_id
    return message_id


class Serialized:
    """A message as bytes, serialised once, that takes a new Message-ID per delivery cheaply.

    Serialising base64-encodes the PDF again each time; for one release going to many
    recipients, only the Message-ID differs (and, for a correction, which message it
    answers), so it is put in place of the first one.
    """

    def __init__(self, message: EmailMessage, *, domain: str) -> None:
        self.message = message
        self.domain = ascii_domain(domain)
        self._placeholder = stamp(message, domain=self.domain).encode()
        self._head, self._separator, self._body = message.as_bytes().partition(b"\r\n\r\n")

    def stamped(self, *, replying_to: str | None = None) -> tuple[str, bytes]:
        """A new Message-ID, and the message's bytes carrying it (and ``In-Reply-To``/``References`` if given)."""
        message_id = make_msgid(domain=self.domain)
        if self._head.count(self._placeholder) != 1:  # folded or repeated: serialise afresh
            del self.message["Message-ID"]
            self.message["Message-ID"] = message_id
            head, separator, body = self.message.as_bytes().partition(b"\r\n\r\n")
        else:
            head = self._head.replace(self._placeholder, message_id.encode())
            separator, body = self._separator, self._body
        if replying_to is not None:
            if not _MESSAGE_ID.fullmatch(replying_to):
                raise ValueError(f"not a Message-ID: {replying_to!r}")
            reference = replying_to.encode("ascii")
            head += b"\r\nIn-Reply-To: " + reference + b"\r\nReferences: " + reference
        return message_id, head + separator + body


#: A Message-ID this module will write in a header: ASCII, on one line, short.
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,200}@[!-;=?-~]{1,200}>")


def draft_for_hand(message: EmailMessage, recipients: Sequence[str]) -> EmailMessage:
    """``message`` as an unsent draft for a mail client: the recipients as blind copies, marked unsent.

    ``X-Unsent: 1`` makes Outlook open the file as a message to send; other clients open it
    as a message to forward or "edit as new". The addresses are written as the list has
    them (their domain in IDNA where it is not ASCII); an address with letters beyond ASCII
    before its ``@`` makes the file an internationalised message (RFC 6532).
    """
    del message["Bcc"]
    if recipients:
        addresses = [header_address(recipient) for recipient in recipients]
        if not all(address.username.isascii() for address in addresses):
            message.policy = POLICY.clone(utf8=True)
        message["Bcc"] = addresses
    message["X-Unsent"] = "1"
    return message
