"""A campaign's distribution list: who gets each release by e-mail (``distribution.yaml``).

The list sits in the campaign folder, beside ``campaign.yaml``::

    from: Press Office <press.office@inspectorate.example>
    everyone:            # every release goes to these
      - newsdesk@national.example
    forces:              # and each force's release also to these
      thames-valley: [crime@oxford.example]

It is read like every other input (:mod:`authoring.inputs.yamlsource`), validated with a pydantic
model, and every problem is reported at its line: an address that is not one (checked by
``email-validator``, without looking the domain up), a force key the registry does not
know (with "did you mean"), the same address twice in a list, or a force's address that
``everyone`` already has.

Every value that goes into a header is checked as a header: no line or paragraph
separator or other control character, nothing that reads as an encoded word (``=?…?=``),
no name longer than :data:`NAME_LIMIT`. Addresses are kept exactly as written (a
``xn--`` domain stays so; ``send`` writes a domain beyond ASCII in IDNA on the envelope);
letters beyond ASCII before the ``@`` are allowed for recipients (such a message needs a
server that offers SMTPUTF8), not for the sender, whose address is in every header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.utils import formataddr, parseaddr
from pathlib import Path
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from authoring.exceptions import InvalidInputError, Problem
from authoring.inputs.load import DISTRIBUTION_FILE, validate_document
from authoring.inputs.yamlsource import SourceDocument, load_yaml
from authoring.registry import forces as registry_forces
from authoring.registry import unknown_force_message

_MAILBOX = re.compile(r"\s*(?:(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>|(?P<bare>[^<>]*?))\s*")
#: The longest sender name: it must fit on a header line with its address (RFC 5322: 998 characters).
NAME_LIMIT = 200
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?", re.ASCII)


def _header_safe(value: str, what: str) -> None:
    """A press officer's message if ``value`` cannot go into a header as it is."""
    if any(not char.isprintable() and char != " " for char in value):
        raise ValueError(f"{what} must be on one line, with no line or paragraph separator or control character")
    if _ENCODED_WORD.search(value):
        raise ValueError(f"{what} holds '=?…?', which mail readers take as encoded text; write the words themselves")


def _address(value: str, *, smtputf8: bool = True) -> str:
    """One address, checked (syntax only) and kept as written; a press officer's message if it is not one."""
    _header_safe(value, "an address")
    written = value.strip()
    try:
        validate_email(written, check_deliverability=False, allow_smtputf8=smtputf8)
    except EmailNotValidError as error:
        raise ValueError(f"'{value}' is not an e-mail address: {error}") from None
    return written


def _mailbox(value: str) -> str:
    """``Name <address>`` or a bare address, with the name and address checked; returned in standard form."""
    _header_safe(value, "the sender")
    match = _MAILBOX.fullmatch(value)
    if match is None:
        raise ValueError(f"write it as 'Name <address>' or just the address; found '{value}'")
    name = (match["name"] or "").strip('"')
    if len(name) > NAME_LIMIT:
        raise ValueError(f"the name is {len(name)} characters long; a sender's name may have at most {NAME_LIMIT}")
    written = match["address"] if match["address"] is not None else match["bare"]
    try:
        address = _address(written, smtputf8=False)
    except ValueError as error:
        if not written.partition("@")[0].isascii():
            raise ValueError(f"the sender's address must be plain ASCII before the @; found '{written}'") from None
        raise error from None
    return formataddr((name, address))


def _force_key(value: str) -> str:
    if value not in registry_forces():
        raise ValueError(unknown_force_message(value))
    return value


Address = Annotated[str, AfterValidator(_address)]
ForceKey = Annotated[str, AfterValidator(_force_key)]


class DistributionList(BaseModel):
    """Who sends a campaign's releases, and who receives each of them."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sender: Annotated[str, AfterValidator(_mailbox)] = Field(
        alias="from",
        description="Who the e-mails come from, e.g. 'Press Office <press.office@inspectorate.example>'.",
    )
    everyone: list[Address] = Field(default_factory=list, description="Addresses that get every release.")
    forces: dict[ForceKey, list[Address]] = Field(
        default_factory=dict, description="Per force key, the addresses that also get that force's release."
    )

    @property
    def sender_address(self) -> str:
        """The bare address of :attr:`sender` (the envelope sender)."""
        return parseaddr(self.sender)[1]

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address (for Message-IDs)."""
        return self.sender_address.rpartition("@")[2]

    def recipients(self, force: str) -> tuple[str, ...]:
        """Everyone's addresses, then the force's own, each once."""
        unique: dict[str, str] = {}
        for address in [*self.everyone, *self.forces.get(force, [])]:
            unique.setdefault(address.casefold(), address)
        return tuple(unique.values())


def distribution_for(folder: Path) -> Path:
    """Where a campaign folder's distribution list is."""
    return folder / DISTRIBUTION_FILE


def load_distribution(path: Path) -> DistributionList:
    """Load and validate a distribution list; :class:`InvalidInputError` with every problem if it is wrong."""
    return validate_distribution(load_yaml(path))


def validate_distribution(document: SourceDocument) -> DistributionList:
    """Validate a distribution list already read (see :func:`load_distribution`)."""
    return validate_document(document, DistributionList, extra=_duplicates(document))


def check_distribution(path: Path) -> list[Problem]:
    """Every problem of the list at ``path`` (none if it is valid); for ``authoring validate``."""
    try:
        load_distribution(path)
    except InvalidInputError as error:
        return list(error.problems)
    return []


def _duplicates(document: SourceDocument) -> list[Problem]:
    """The same address twice in one list, or a force's address that ``everyone`` already has."""
    data = document.data
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    everyone = _first_seen(document, ("everyone",), data.get("everyone"), problems)
    for force, addresses in (data.get("forces") or {}).items() if isinstance(data.get("forces"), dict) else ():
        seen = _first_seen(document, ("forces", force), addresses, problems)
        for key, index in seen.items():
            if key in everyone:
                line, column = document.locate(("forces", force, index)) or (None, None)
                message = f"'{addresses[index]}' is already in 'everyone', which gets every release; delete it here"
                problems.append(Problem(document.path, line, column, f"forces.{force}.{index}", message))
    return problems


def _first_seen(
    document: SourceDocument, loc: tuple[str, ...], addresses: Any, problems: list[Problem]
) -> dict[str, int]:
    """Each address of one list (case-insensitively) with the index where it first appears; repeats are problems."""
    seen: dict[str, int] = {}
    for index, address in _strings(addresses):
        key = address.strip().casefold()
        if key in seen:
            line, column = document.locate((*loc, index)) or (None, None)
            first = document.locate((*loc, seen[key]))
            where = f" (first at line {first[0]})" if first else ""
            message = f"'{address}' is listed twice{where}; delete one"
            problems.append(Problem(document.path, line, column, ".".join((*loc, str(index))), message))
        else:
            seen[key] = index
    return seen


def _strings(values: Any) -> Iterable[tuple[int, str]]:
    if isinstance(values, list):
        yield from ((index, value) for index, value in enumerate(values) if isinstance(value, str))
