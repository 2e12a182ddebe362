"""The input models: what a campaign file and a per-force form file may say.

Every field carries a description; it flows into the JSON Schema and into scaffolded
form files, so write it for a press officer, not a programmer.

Text fields accept one piece of inline markup: ``*words*`` sets the words in italics
(report titles). Web addresses (``www.…`` or ``https://…``) become links by themselves.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError


def file_name_part(text: str) -> str:
    """Text as a file-name part: ASCII letters and digits in lower case, joined by single hyphens.

    ``Dyfed-Powys Police`` → ``dyfed-powys-police``; ``Stop & Search: One Year On`` → ``stop-search-one-year-on``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: A validation context key: check each field of a campaign alone, not the checks between them.
FIELDS_ALONE = "fields_alone"


def _all_at_once(model: BaseModel, problems: list[PydanticCustomError]) -> None:
    """Raise every problem a model's checks across its fields found, together.

    Pydantic stops at the first model validator that raises; a model whose checks
    collect their problems and raise them here has each one reported at once, each at
    the line of the field its ``field`` names.
    """
    if problems:
        details = [InitErrorDetails(type=problem, loc=(), input=model) for problem in problems]
        raise ValidationError.from_exception_data(type(model).__name__, details)


#: Word's document properties (title, subject, author, keywords) stop at 255 characters.
PROPERTY_LIMIT = 255
#: The longest file name a release may have: most file systems allow 255, less the temporary file's suffix.
FILE_NAME_LIMIT = 200
#: The years a DOCX file (a ZIP archive) can date its contents in.
FIRST_YEAR, LAST_YEAR = 1980, 2107
#: An embargo that ends more days than this before the release date contradicts it.
MAX_EMBARGO_LEAD_DAYS = 7
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}")

#: The longest paragraph or sentence of text, typed into a form or made by a campaign's template.
TEXT_LIMIT = 5000
#: One paragraph or sentence of text: stripped, never empty.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]

# C0 controls other than tab, newline and carriage return; DEL; C1 controls; and code
# points that are not characters (surrogates, U+FFFE, U+FFFF). Word cannot open a
# document that contains them. Refused in a file, in its values, and in what a template makes.
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Bidirectional embeddings, overrides and isolates: invisible, they make text show in another
# order than it is written and read (U+202E turns "evil" into "live"). Marks (U+200E, U+200F) are kept.
DIRECTION_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
#: A count: a whole number, 0 or more (not 2.5, not "3", not true).
Count = Annotated[int, Strict(), Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Status(StrEnum):
    """Whether a release may be published."""

    DRAFT = "draft"
    FINAL = "final"


class PdfEngine(StrEnum):
    """What prints the PDF (see docs/pdf-engines.md)."""

    WEASYPRINT = "weasyprint"
    """WeasyPrint prints the HTML page (templates/html): the default."""
    TYPST = "typst"
    """Typst lays the release out from its data (templates/typst/release.typ): about ten times less CPU."""


class RoundState(StrEnum):
    """Whether a round's releases are still to go out (``send`` and ``pack`` without folders skip the others)."""

    OPEN = "open"
    """Its releases go out: the default."""
    CLOSED = "closed"
    """Done: everything went; a bare ``send`` or ``pack`` passes it by (name its folder to send to it again)."""
    EXAMPLE = "example"
    """Invented, to show how a round is set up: never sent or packed unless its folder is named."""


class QuoteMarks(StrEnum):
    """Where opening quotation marks go in a quote of several paragraphs."""

    FIRST_AND_LAST = "first-and-last"
    """An opening mark on the first paragraph, a closing mark on the last (the seeds' style)."""
    EVERY_PARAGRAPH = "every-paragraph"
    """An opening mark on every paragraph, a closing mark on the last (the GOV.UK style guide)."""
