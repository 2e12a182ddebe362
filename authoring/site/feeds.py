"""The newsroom's Atom feeds (RFC 4287) and its sitemap (sitemaps.org 0.9), written with an XML writer.

Every document is built as an element tree (:mod:`xml.etree.ElementTree`) and serialised
by it, so every text and attribute is escaped; characters XML 1.0 cannot carry (control
characters, U+FFFE, U+FFFF) are replaced by U+FFFD first, so no value can break a feed.
Nothing depends on the clock: a feed's ``updated`` is its newest entry's, so the same
catalogue gives the same bytes.

Each release is one entry, whose ``id`` (a ``tag:`` URI, RFC 4151, from its round's web
address, its release date, its round and force) never changes: a correction changes the
entry's ``updated`` and says what changed, and a feed reader shows the entry as updated,
not as a new one. A Welsh version is an entry of its own (``xml:lang="cy"``), each linking
to the other with ``rel="alternate"`` and ``hreflang``, and says everything in Welsh: its
title, summary, dates, its files' titles and its round's title.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable

from markupsafe import escape

from authoring.site.catalogue import Published, Round, house_site_words
from authoring.site.clock import utc_text
from authoring.site.words import SiteWords

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: A feed with no entries yet still needs an ``updated``: this fixed time, not the clock.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _serialise(root: ET.Element, namespace: str) -> bytes:
    ET.register_namespace("", namespace)
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom_feed(
    *,
    title: str,
    feed_id: str,
    url: str,
    self_url: str,
    author: str,
    entries: Iterable[tuple[Published, Round]],
    base_url: str,
    language: str = "en",
    words_in: Callable[[str], SiteWords] = house_site_words,
) -> bytes:
    """An Atom feed of ``entries`` (release, its round), newest first; ``url`` is the page it stands for.

    Each entry is in its release's language, in the newsroom's words ``words_in`` gives for it.
    """
    ns = f"{{{ATOM}}}"
    ordered = sorted(entries, key=lambda pair: (pair[0].updated, pair[0].path), reverse=True)
    feed = ET.Element(f"{ns}feed", {XML_LANG: language})
    _sub(feed, f"{ns}id", feed_id)
    _sub(feed, f"{ns}title", title)
    _sub(feed, f"{ns}updated", utc_text(max((release.updated for release, _ in ordered), default=EPOCH)))
    _sub(_sub(feed, f"{ns}author"), f"{ns}name", author or title)
    _sub(feed, f"{ns}link", rel="alternate", type="text/html", href=url)
    _sub(feed, f"{ns}link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, f"{ns}generator", "authoring")
    for release, round_ in ordered:
        _entry(feed, release, round_, base_url, words_in(release.language))
    return _serialise(feed, ATOM)


def entry_id(release: Published, round_: Round) -> str:
    """A release's permanent id: ``tag:<host>,<release date>:<round>/<force>[/<language>]``."""
    return f"tag:{round_.tag_authority},{round_.release_date.isoformat()}:{release.path.rstrip('/')}"


def _entry(feed: ET.Element, release: Published, round_: Round, base_url: str, words: SiteWords) -> None:
    ns = f"{{{ATOM}}}"
    entry = _sub(feed, f"{ns}entry", **{XML_LANG: release.language})
    _sub(entry, f"{ns}id", entry_id(release, round_))
    _sub(entry, f"{ns}title", release.headline)
    _sub(entry, f"{ns}published", utc_text(release.published))
    _sub(entry, f"{ns}updated", utc_text(release.updated))
    _sub(_sub(entry, f"{ns}author"), f"{ns}name", release.organisation)
    for version in round_.languages_of(release):
        _sub(
            entry,
            f"{ns}link",
            rel="alternate",
            type="text/html",
            hreflang=version.language,
            href=base_url + version.path,
        )
    files = [(release.files_path, download) for download in release.downloads]
    files += [(release.bilingual_path, download) for download in release.bilingual]
    for folder, download in files:
        _sub(
            entry,
            f"{ns}link",
            rel="enclosure",
            type=download.media_type,
            length=str(download.size),
            title=words.label(download.kind, bilingual=download.bilingual, chart=download.chart),
            href=base_url + folder + download.name,
        )
    _sub(entry, f"{ns}category", term=round_.slug, label=release.round_title or round_.title)
    summary = f"{release.force_name}: {release.verdict}." if release.verdict else release.force_name
    updated = [(words.text("updated", date=words.day(c.date)), c.note) for c in reversed(release.corrections)]
    updates = " ".join(f"{when} {note}" for when, note in updated)
    _sub(entry, f"{ns}summary", f"{updates} {summary}".strip())
    notes = "".join(
        f'<p class="correction"><strong>{escape(when)}</strong> {escape(note)}</p>' for when, note in updated
    )
    _sub(entry, f"{ns}content", notes + str(release.body), type="html")


def sitemap(pages: Iterable[tuple[str, dt.datetime | None, dict[str, str]]]) -> bytes:
    """A sitemap of ``pages``: (address, last changed or None, other language versions by language)."""
    ns = f"{{{SITEMAP}}}"
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{ns}urlset")
    for loc, changed, alternates in sorted(pages, key=lambda page: page[0]):
        url = _sub(urlset, f"{ns}url")
        _sub(url, f"{ns}loc", loc)
        if changed is not None:
            _sub(url, f"{ns}lastmod", utc_text(changed))
        if alternates:
            for language, href in sorted(alternates.items()):
                _sub(url, f"{{{XHTML}}}link", rel="alternate", hreflang=language, href=href)
    return _serialise(urlset, SITEMAP)
