"""Read rendered outputs back as a reader would see them: plain text, paragraph by paragraph.

Used by the tests to check what a journalist would actually read in each format, with
real parsers (python-docx, pypdf, html.parser, markdown-it-py), not by looking at template source.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import docx
import pypdf
import yaml
from markdown_it import MarkdownIt

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold white space and quotation-mark styles, so texts compare by their words."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return _SPACE.sub(" ", text).strip()


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every non-empty body paragraph."""
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]


def docx_text(data: bytes) -> str:
    return normalise(" ".join(text for _, text in docx_paragraphs(data)))


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, laid out as printed (list markers stay where they stand)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]


_PAGE_FOOTER = re.compile(r"^.*\bPage \d+ of \d+\s*$", re.MULTILINE)
_LIST_MARKER = re.compile(r"^\s{0,3}(?:•|\d{1,2}\.)\s+", re.MULTILINE)


def pdf_text(data: bytes) -> str:
    """The PDF's text in reading order, without page footers and list markers."""
    pages = [_LIST_MARKER.sub("", _PAGE_FOOTER.sub("", page)) for page in pdf_pages(data)]
    return normalise(" ".join(pages))


_INLINE = {"a", "em", "strong", "span", "time", "abbr", "b", "i"}


@dataclass
class HtmlDocument(HTMLParser):
    """A tiny reader-view of an HTML page: text, and text per element kind."""

    text_parts: list[str] = field(default_factory=list)
    by_tag: dict[str, list[str]] = field(default_factory=dict)
    _stack: list[tuple[str, list[str]]] = field(default_factory=list)
    _skip: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head"):
            self._skip += 1
        if tag in ("p", "li", "h1", "h2", "em", "a", "blockquote", "figcaption", "title"):
            self._stack.append((tag, []))
        if tag not in _INLINE:
            self.text_parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip -= 1
        if tag not in _INLINE:
            self.text_parts.append(" ")
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                name, parts = self._stack.pop(index)
                self.by_tag.setdefault(name, []).append(normalise("".join(parts)))
                break

    def handle_data(self, data: str) -> None:
        for _, parts in self._stack:
            parts.append(data)
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return normalise("".join(self.text_parts))


def html_document(data: bytes) -> HtmlDocument:
    parser = HtmlDocument()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser


def html_text(data: bytes) -> str:
    return html_document(data).text


def markdown_text(data: bytes) -> str:
    """Markdown as a reader sees it: its front matter read apart, the rest rendered by a CommonMark parser,
    then read as HTML."""
    _, body = front_matter(data.decode("utf-8"))
    html = MarkdownIt("commonmark").render(body)
    return html_text(f"<body>{html}</body>".encode())


#: YAML front matter, as pandoc and the static-site generators find it: a line ``---`` first, to the next ``---``.
_FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)?---\n", re.DOTALL)


def front_matter(markdown: str) -> tuple[dict[str, object], str]:
    """A Markdown file's front matter (read with PyYAML) and the Markdown after it; ``{}`` and the file if none."""
    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return {}, markdown
    meta = yaml.safe_load(match["yaml"] or "") or {}
    assert isinstance(meta, dict), f"front matter that is not a mapping: {match['yaml']!r}"
    return meta, markdown[match.end() :]
