"""The body of a built HTML release, to show inside a newsroom page and a feed entry.

The built page (``templates/html/release.html.j2``) stands alone: its own ``<head>``,
``<header>``, ``<main>`` and ``<footer>``. Inside a newsroom page it becomes a part of
the page: its header and main are kept as ``<div>`` (one ``<main>`` per page), its
footer, head, styles and anything active are left out. Only the elements and attributes
a release uses are let through, every text is escaped again, and a link may only point
to a web address, an e-mail address or a place on the page: whatever a modified
template or an edited file holds, the newsroom carries no script and no markup it did
not expect.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import ClassVar

from markupsafe import Markup, escape

#: Elements kept, each as itself, or as the element named.
KEEP: dict[str, str] = {
    **{name: name for name in ("p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "em", "i", "strong", "b")},
    **{name: name for name in ("a", "figure", "figcaption", "blockquote", "section", "time", "span", "div", "br")},
    **{name: name for name in ("table", "thead", "tbody", "tr", "th", "td", "caption", "abbr", "cite", "q")},
    "header": "div",
    "main": "div",
    "article": "div",
}
#: Elements left out with everything inside them.
DROP = frozenset({"head", "footer", "script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
#: Attributes kept (on any kept element).
ATTRIBUTES = frozenset(
    {"class", "id", "href", "datetime", "lang", "dir", "aria-labelledby", "title", "colspan", "scope"}
)
#: Elements with no end tag (HTML's void elements).
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
LINK_SCHEMES = ("https://", "http://", "mailto:", "#")


class _Body(HTMLParser):
    """Collects the kept part of a page as safe HTML."""

    renamed: ClassVar[dict[str, str]] = {"header": "release-header", "main": "release-body", "article": "release"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.in_body = False
        self.dropping: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
            return
        if self.dropping or tag in DROP or (tag in VOID and tag not in KEEP):
            if tag not in VOID:
                self.dropping.append(tag)
            return
        if not self.in_body or tag not in KEEP:
            return
        kept = [(name, value or "") for name, value in attrs if name in ATTRIBUTES and _allowed(name, value or "")]
        if tag in self.renamed:
            kept = [(name, value) for name, value in kept if name != "class"] + [("class", self.renamed[tag])]
        text = "".join(f' {name}="{escape(value)}"' for name, value in kept)
        self.out.append(f"<{KEEP[tag]}{text}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag and not self.dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.out.append(f"</{KEEP[closed]}>")
                if closed == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.in_body and not self.dropping:
            self.out.append(str(escape(data)))


def _allowed(name: str, value: str) -> bool:
    if name == "href":
        return value.strip().lower().startswith(LINK_SCHEMES)
    return True


def release_body(html: bytes) -> Markup:
    """The kept body of a built HTML release, as safe HTML (see the module docstring)."""
    parser = _Body()
    parser.feed(html.decode("utf-8", errors="replace"))
    parser.close()
    while parser.open:
        parser.out.append(f"</{KEEP[parser.open.pop()]}>")
    return Markup("".join(parser.out).strip())  # every text and attribute escaped above
