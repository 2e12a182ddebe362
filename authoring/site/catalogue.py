"""What the newsroom may show at a given time: the rounds and releases a batch built, past their embargo.

:func:`catalogue` reads top to bottom:

1. read the batch's manifest (``OUT/manifest.json``, :mod:`authoring.build.manifest`): each
   entry lists a release's files and what the site shows of it as it was built (its
   headline, verdict, corrections, its round's embargo …, :mod:`authoring.build.facts`).
   The forms are not read again: a release is shown as it was built, even if its form was
   edited since, or fails to validate now (the batch then keeps its older good files);
2. read each release's files, and keep only those still as the batch wrote them (the
   SHA-256 the manifest recorded);
3. keep what may be shown at ``now``: never a draft, never a release before its embargo, and
   never a release of an example round (``round: example``: invented, not news) unless asked;
4. gather each round's releases, its national release (if the batch built one), and the
   languages each release is in; a bilingual force's releases share the bilingual document
   (``pdf@cy+en`` …), where its campaign asked for one;
5. take the newsroom's words in each language from the newest round that gives them
   (:class:`authoring.site.words.SiteWords`): a Welsh page is Welsh throughout.

Nothing here writes anything; :mod:`authoring.site.publish` turns the catalogue into files.
Every name that becomes part of a path (a round's folder, a force, a file) is made of
lower-case letters, digits, hyphens and dots only, whatever a form or an edited manifest says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from authoring import __version__
from authoring.build.facts import DEFAULT_LANGUAGE, primary_language
from authoring.build.manifest import MANIFEST_FILE, MAX_MANIFEST_BYTES, Entry, FileRecord, Manifest
from authoring.exceptions import UsageError
from authoring.files.read import UnreadableFileError, read_regular
from authoring.model.campaign import house_data, house_newsroom
from authoring.model.inline import Inline
from authoring.model.newsroom import WORDS
from authoring.model.phrasing import phrase, speaking
from authoring.model.types import file_name_part
from authoring.render import Format, split_format
from authoring.site.clock import local, start_of
from authoring.site.content import release_body
from authoring.site.words import ENGLISH, SiteWords

#: Each format a release's page offers to download (its name is a word of the newsroom's), and its media type.
DOWNLOADS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
#: The folder of a round's national release in the batch's output (issue 23).
NATIONAL_FOLDER = "national"
_SAFE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,150}[a-z0-9])?")
#: Far above any real release file; a larger one is not read.
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Download:
    """One file to download: its name in the site, what it is, its media type and its bytes.

    ``kind`` is its format (``pdf``, ``docx``, ``md``; a national release's ``json`` and
    ``csv``), which a page names in its own language (:meth:`SiteWords.label`);
    ``bilingual``: the bilingual document's, in both languages at once; ``chart``: the
    chart a CSV file holds the figures of.
    """

    name: str
    kind: str
    media_type: str
    data: bytes
    bilingual: bool = False
    chart: str = ""

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def extension(self) -> str:
        return self.name.rsplit(".", 1)[-1].upper()


@dataclass(frozen=True)
class Correction:
    """A change made after publication: shown as 'Updated <date>: <note>'."""

    date: dt.date
    note: str


@dataclass(frozen=True)
class Published:
    """One release, as the newsroom shows it."""

    round_slug: str
    force: str
    force_name: str
    language: str
    headline: str
    verdict: str
    """The verdict's key in the campaign, as words ('good progress'); in Welsh, its name there ('' if none)."""
    published: dt.datetime
    corrections: tuple[Correction, ...]
    body: Markup
    downloads: tuple[Download, ...]
    html: bytes
    organisation: str
    round_title: str = ""
    """Its round's title in its language ('' for the round's own)."""
    bilingual: tuple[Download, ...] = ()
    """The bilingual document's files, where the campaign asked for one: the same for each language."""

    @property
    def path(self) -> str:
        """Its page's folder in the site: ``<round>/<force>/`` (``<round>/<force>/<lang>/`` for another language)."""
        base = f"{self.round_slug}/{self.force}/"
        return base if self.language == DEFAULT_LANGUAGE else f"{base}{self.language}/"

    @property
    def files_path(self) -> str:
        """Where its downloads go: beside its page."""
        return self.path

    @property
    def bilingual_path(self) -> str:
        """Where the bilingual document's files go: once, beside the default language's page."""
        return f"{self.round_slug}/{self.force}/"

    @property
    def bilingual_href(self) -> str:
        """The bilingual document's folder, from this page's: ``""`` or ``../``."""
        return "" if self.path == self.bilingual_path else "../"

    @property
    def verdict_label(self) -> str:
        """The verdict as a page shows it: the key capitalised in English ('Good progress'), the name given in Welsh."""
        return self.verdict.capitalize() if self.language == DEFAULT_LANGUAGE else self.verdict

    @property
    def updated(self) -> dt.datetime:
        """When it last changed: its latest correction's day (never before it was published), else its publication."""
        if not self.corrections:
            return self.published
        return max(self.published, start_of(max(c.date for c in self.corrections)))


@dataclass(frozen=True)
class National:
    """A round's national release, as the batch built it (issue 23): its page and its downloads."""

    html: bytes | None
    body: Markup | None
    downloads: tuple[Download, ...]


@dataclass
class Round:
    """One campaign folder's published releases."""

    slug: str
    title: str
    organisation: str
    release_date: dt.date
    published: dt.datetime
    tag_authority: str
    releases: list[Published] = field(default_factory=list)
    national: National | None = None

    @property
    def path(self) -> str:
        return f"{self.slug}/"

    @property
    def updated(self) -> dt.datetime:
        return max((release.updated for release in self.releases), default=self.published)

    def languages_of(self, release: Published) -> list[Published]:
        """Every language version of ``release``'s force in this round, the default language first."""
        same = [other for other in self.releases if other.force == release.force]
        return sorted(same, key=lambda other: (other.language != DEFAULT_LANGUAGE, other.language))


@dataclass
class Catalogue:
    """Everything the site shows at ``now``, and what it held back and why."""

    now: dt.datetime
    rounds: list[Round]
    words: SiteWords
    """The newsroom's words in English: the newest round's."""
    embargoed: dict[str, dt.datetime] = field(default_factory=dict)
    """Each round held back by its embargo, and when it lifts."""
    drafts: int = 0
    examples: list[str] = field(default_factory=list)
    """Each example round left out, by its folder (``forces/value-for-money-2013``)."""
    problems: list[str] = field(default_factory=list)
    """Releases left out because their files do not match their form (and what to do)."""

    translated: dict[str, SiteWords] = field(default_factory=dict)
    """The newsroom's words in each other language, from the newest round that gives them."""

    @property
    def releases(self) -> list[Published]:
        return [release for round_ in self.rounds for release in round_.releases]

    @property
    def languages(self) -> list[str]:
        """The languages of the releases shown, English first."""
        found = {release.language for release in self.releases} | {DEFAULT_LANGUAGE}
        return sorted(found, key=lambda language: (language != DEFAULT_LANGUAGE, language))

    def words_in(self, language: str) -> SiteWords:
        """The newsroom's words in ``language``: the newest round's, else the house file's (English for another)."""
        if language == DEFAULT_LANGUAGE:
            return self.words
        known = self.translated.get(language)
        if known is not None:
            return known
        return house_site_words(language) if language in house_data() else self.words


def catalogue(built: Path, *, now: dt.datetime, examples: bool = False) -> Catalogue:
    """What the batch output folder ``built`` may show at ``now`` (see the module docstring).

    Example rounds (``round: example`` in their campaign) are left out, and listed, unless
    ``examples``: a press office's site shows no invented release (nor takes its words from
    one). Raises :class:`UsageError` if ``built`` has no manifest (no batch has run there).
    """
    manifest_path = built / MANIFEST_FILE
    if not manifest_path.is_file() or manifest_path.is_symlink():
        raise UsageError(f"{built} has no {MANIFEST_FILE}: run 'authoring batch' first, then 'authoring site'")
    manifest = Manifest.read(built, toolkit_version=__version__)
    problems: list[str] = []
    rounds: dict[str, Round] = {}
    drafts = 0
    embargoed: dict[str, dt.datetime] = {}
    left_out: set[str] = set()
    newest_words: tuple[dt.date, str, SiteWords] | None = None
    translated: dict[str, tuple[dt.date, str, SiteWords]] = {}
    lifts = _embargoes(manifest)
    example_rounds = set() if examples else _examples(manifest)
    for key, entry in sorted(manifest.releases.items()):
        slug = _round_slug(PurePosixPath(key).parent.name)
        if not entry.release:
            if entry.files:
                problems.append(f"{key}: not published: run 'authoring batch' to record what the site shows of it")
            continue
        try:
            facts = _Facts.of(entry.release)
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(
                f"{key}: not published: its record in {MANIFEST_FILE} is damaged; run 'authoring batch --force'"
            )
            continue
        if slug in example_rounds:
            left_out.add(PurePosixPath(key).parent.as_posix())
            continue
        if newest_words is None or (facts.release_date, facts.round_title) > newest_words[:2]:
            newest_words = (facts.release_date, facts.round_title, facts.words)
        for twin in facts.translations:
            newest = translated.get(twin.language)
            if twin.has_words and (newest is None or (facts.release_date, facts.round_title) > newest[:2]):
                translated[twin.language] = (facts.release_date, facts.round_title, twin.words)
        if facts.draft:
            drafts += 1
            continue
        published = lifts.get(slug, facts.published)
        if now < published:
            embargoed[slug] = published
            continue
        force = entry.force or ""
        if not _SAFE_NAME.fullmatch(force):
            problems.append(f"{key}: not published: its force {force!r} is not a registry key")
            continue
        round_ = rounds.get(slug)
        if round_ is None:
            round_ = rounds[slug] = Round(
                slug=slug,
                title=facts.round_title,
                organisation=facts.round_organisation,
                release_date=facts.release_date,
                published=published,
                tag_authority=_authority(facts.website),
            )
        versions, bilingual_files = _versions(entry, facts)
        bilingual = _downloads(bilingual_files, built, bilingual=True)
        for version, files in versions:
            if version.draft:
                continue
            if isinstance(bilingual, str):
                problems.append(f"{key}: not published: {bilingual}; run 'authoring batch' to rebuild it")
                break
            made = _published(files, version, built, slug, force, published, bilingual)
            if isinstance(made, str):
                problems.append(f"{key}: not published: {made}; run 'authoring batch' to rebuild it")
                continue
            if any(other.force == made.force and other.language == made.language for other in round_.releases):
                problems.append(f"{key}: not published: {made.force_name} has another release in {slug} already")
                continue
            round_.releases.append(made)
    for folder, record in _national_records(manifest, built).items():
        slug = _round_slug(PurePosixPath(folder).name)
        if slug in rounds:
            rounds[slug].national = _national(record, built)
    for round_ in rounds.values():
        round_.releases.sort(key=lambda release: (release.force_name, release.force, release.language))
    return Catalogue(
        now=now,
        rounds=sorted(rounds.values(), key=lambda round_: (round_.published, round_.slug), reverse=True),
        words=newest_words[2] if newest_words else house_site_words(DEFAULT_LANGUAGE),
        translated={language: newest[2] for language, newest in translated.items()},
        embargoed=embargoed,
        drafts=drafts,
        examples=sorted(left_out),
        problems=problems,
    )


def _embargoes(manifest: Manifest) -> dict[str, dt.datetime]:
    """When each round may be seen: the latest embargo any of its releases records.

    Releases of one round share their campaign's embargo; but a release whose form fails
    keeps the facts of its older build, so after an embargo is postponed it may still record
    the earlier time. The latest one holds for the whole round: a postponement is never
    undone by an older record.
    """
    lifts: dict[str, dt.datetime] = {}
    for key, entry in manifest.releases.items():
        try:
            published = _Facts.of(entry.release).published
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        slug = _round_slug(PurePosixPath(key).parent.name)
        lifts[slug] = max(published, lifts.get(slug, published))
    return lifts


def _examples(manifest: Manifest) -> set[str]:
    """The rounds any of whose releases records its round as an example: the whole round is one.

    As for the embargo, a release whose form fails keeps the facts of its older build; a
    round is left out if any record says it is an example, so that no older record can
    publish an invented release.
    """
    rounds: set[str] = set()
    for key, entry in manifest.releases.items():
        try:
            example = _Facts.of(entry.release).example
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if example:
            rounds.add(_round_slug(PurePosixPath(key).parent.name))
    return rounds


def _round_slug(folder_name: str) -> str:
    return file_name_part(folder_name) or "round"


@dataclass(frozen=True)
class _Facts:
    """A manifest entry's ``release`` record, read and checked (an edited manifest may hold anything)."""

    draft: bool
    language: str
    force_name: str
    headline: str
    verdict: str
    organisation: str
    corrections: tuple[Correction, ...]
    round_title: str
    round_organisation: str
    release_date: dt.date
    embargo: dt.datetime | None
    website: str
    words: SiteWords
    example: bool = False
    """Whether its round is an example (``round: example``); a record from before rounds recorded it says no."""
    tag: str = DEFAULT_LANGUAGE
    """The language tag as the batch recorded it (``en-GB``, ``cy``): a translation's files are keyed by it."""
    translations: tuple[_Facts, ...] = ()
    title_in_language: str = ""
    """A translation's round title in its language ('' when the record has none)."""
    has_words: bool = True
    """Whether the record gives the newsroom's words in its language (a translation's from before it did does not)."""

    @classmethod
    def of(cls, data: dict[str, Any], *, original: dict[str, Any] | None = None) -> _Facts:
        """The facts of ``data``; a translation's (``original`` given) take the round and verdict from its original.

        A translation records its round's title and the newsroom's words in its own language
        (and its verdict's name there); a record from before it did takes the house file's words.
        """
        base = original or data
        round_ = base["round"]
        own_round = data.get("round") if original is not None else round_
        embargo = round_.get("embargo")
        tag = _text(data.get("language") or DEFAULT_LANGUAGE)
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", tag):
            raise ValueError("not a language tag")
        language = primary_language(tag)
        website = _text(round_.get("website") or "")
        if isinstance(own_round, dict):
            words = _site_words(own_round["site_words"], language, website)
        else:
            words = house_site_words(language)
        return cls(
            draft=bool(data["draft"]),
            language=language,
            tag=tag,
            translations=()
            if original is not None
            else tuple(cls.of(twin, original=data) for twin in data.get("translations") or []),
            force_name=_text(data["force_name"]),
            headline=_text(data["headline"]),
            verdict=_text(data.get("verdict_name") or "")
            if original is not None
            else _text(data.get("verdict") or "").replace("-", " "),
            organisation=_text(data["organisation"]),
            corrections=tuple(
                Correction(dt.date.fromisoformat(_text(c["date"])), _text(c["note"]))
                for c in data.get("corrections", [])
            ),
            round_title=_text(round_["title"]),
            round_organisation=_text(round_["organisation"]),
            release_date=dt.date.fromisoformat(_text(round_["release_date"])),
            embargo=dt.datetime.fromisoformat(_text(embargo)) if embargo else None,
            website=website,
            example=_text(round_.get("state") or "open") == "example",
            words=words,
            title_in_language=_text(own_round["title"]) if isinstance(own_round, dict) else "",
            has_words=isinstance(own_round, dict),
        )

    @property
    def published(self) -> dt.datetime:
        """When the release may be seen: its embargo, or the start of its release date without one."""
        return local(self.embargo) if self.embargo is not None else start_of(self.release_date)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _site_words(words: dict[str, Any], language: str, website: str) -> SiteWords:
    """The newsroom's words as a release records them; a link or label it lacks (an older record) is the house's."""
    recorded = words.get("newsroom")
    newsroom = dict(house_newsroom(language))
    if recorded is not None:
        if not isinstance(recorded, dict):
            raise TypeError("not a mapping")
        newsroom.update({name: _text(value) for name, value in recorded.items() if name in WORDS})
    return SiteWords(
        title=_text(words["site_title"]),
        accessibility_statement=tuple(Inline.parse(_text(t)) for t in words["accessibility_statement"]),
        another_format=tuple(Inline.parse(_text(t)) for t in words["another_format"]),
        website=website,
        language=language,
        newsroom=newsroom,
    )


def _versions(entry: Entry, facts: _Facts) -> tuple[list[tuple[_Facts, dict[str, FileRecord]]], dict[str, FileRecord]]:
    """The release and each of its translations, with its files by format (``pdf@cy`` files are the ``cy`` one's).

    And the bilingual document's files by format, which every version offers: a file of a
    translation and its original at once (``pdf@cy+en``).
    """
    own = {str(fmt): record for fmt, record in entry.files.items() if "@" not in str(fmt)}
    versions = [(facts, own)]
    for twin in facts.translations:
        suffix = f"@{twin.tag}"
        files = {str(fmt)[: -len(suffix)]: record for fmt, record in entry.files.items() if str(fmt).endswith(suffix)}
        versions.append((twin, files))
    bilingual = {}
    if facts.translations:
        for fmt, record in entry.files.items():
            base, languages = split_format(str(fmt))
            if languages and "+" in languages:
                bilingual[str(base)] = record
    return versions, bilingual


def _published(
    files: dict[str, FileRecord],
    facts: _Facts,
    built: Path,
    slug: str,
    force: str,
    published: dt.datetime,
    bilingual: tuple[Download, ...] = (),
) -> Published | str:
    """The release as the site shows it, or what is wrong with its files."""
    html_record = files.get(str(Format.HTML))
    if html_record is None:
        return "it has no HTML file (the batch was run with --format without html)"
    html = _read(html_record, built)
    if html is None:
        return f"its file {html_record.path} is missing or was changed after the batch wrote it"
    downloads = _downloads(files, built)
    if isinstance(downloads, str):
        return downloads
    return Published(
        round_slug=slug,
        force=force,
        force_name=facts.force_name,
        language=facts.language,
        headline=facts.headline,
        verdict=facts.verdict,
        published=published,
        corrections=facts.corrections,
        body=release_body(html),
        downloads=downloads,
        html=html,
        organisation=facts.organisation,
        round_title=facts.title_in_language or facts.round_title,
        bilingual=bilingual,
    )


def _downloads(files: dict[str, FileRecord], built: Path, *, bilingual: bool = False) -> tuple[Download, ...] | str:
    downloads = []
    for kind, media_type in DOWNLOADS.items():
        record = files.get(kind)
        if record is None:
            continue
        file_name = record.path.rsplit("/", 1)[-1]
        if not _SAFE_NAME.fullmatch(file_name):
            return f"its file name {file_name!r} is not one the toolkit writes"
        data = _read(record, built)
        if data is None:
            return f"its file {record.path} is missing or was changed after the batch wrote it"
        downloads.append(Download(file_name, kind, media_type, data, bilingual=bilingual))
    return tuple(downloads)


def _national_records(manifest: Manifest, built: Path) -> dict[str, dict[str, Any]]:
    """Each round's national release as the manifest lists it (issue 23: ``"national"``, by campaign folder).

    Read from the manifest object where it carries them, else from the file itself, so the
    site shows national releases whichever way the manifest is read.
    """
    records = getattr(manifest, "national", None)
    if not isinstance(records, dict):
        try:
            data = json.loads(read_regular(built / MANIFEST_FILE, limit=MAX_MANIFEST_BYTES, what="a manifest"))
            records = data.get("national") if isinstance(data, dict) else None
        except (UnreadableFileError, ValueError, RecursionError):
            records = None
    if not isinstance(records, dict):
        return {}
    return {str(key): value for key, value in records.items() if isinstance(value, dict)}


def _national(record: dict[str, Any], built: Path) -> National | None:
    """A round's national release (issue 23), if every file it lists is in place and intact."""
    html: bytes | None = None
    downloads = []
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return None
    for fmt, file in sorted(files.items()):
        try:
            path, size, sha256 = str(file["path"]), int(file["size"]), str(file["sha256"])
        except (KeyError, TypeError, ValueError):
            return None
        parts = path.split("/")
        if parts[0] != NATIONAL_FOLDER or not all(_SAFE_NAME.fullmatch(part) for part in parts[1:]) or len(parts) > 3:
            return None
        data = _read(FileRecord(path, size, sha256, ""), built, nested=True)
        if data is None:
            return None
        name = parts[-1]
        if fmt == "html":
            html = data
        elif fmt in DOWNLOADS:
            downloads.append(Download(name, fmt, DOWNLOADS[fmt], data))
        elif fmt == "json":
            downloads.append(Download(name, "json", "application/json", data))
        elif fmt.endswith(".csv"):
            chart = fmt.removesuffix(".csv").replace("-", " ")
            downloads.append(Download(name, "csv", "text/csv; charset=utf-8", data, chart=chart))
    if html is None and not downloads:
        return None
    return National(html=html, body=release_body(html) if html else None, downloads=tuple(downloads))


def _read(record: FileRecord, built: Path, *, nested: bool = False) -> bytes | None:
    """A file the manifest lists, if it is in place, a regular file, and has the bytes recorded.

    ``nested``: a national release's file (``national/<round>/<file>``), its path checked by the caller.
    """
    path = built / record.path
    if not (record.is_in_place or nested) or any(parent.is_symlink() for parent in _between(built, path)):
        return None
    try:
        data = read_regular(path, limit=MAX_FILE_BYTES, what="a release file")
    except UnreadableFileError:
        return None
    return data if hashlib.sha256(data).hexdigest() == record.sha256 else None


def _between(built: Path, path: Path) -> list[Path]:
    """The folders from ``built`` (excluded) down to ``path``'s own."""
    return [parent for parent in path.parents if parent != built and built in parent.parents]


def _authority(url: str) -> str:
    """The host of a web address, for tag: URIs (RFC 4151): letters, digits, dots and hyphens only."""
    host = (urlsplit(url).hostname or "").lower()
    return host if re.fullmatch(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", host) else "authoring.invalid"


def house_site_words(language: str) -> SiteWords:
    """The newsroom's words in ``language`` when no release records them: the house file's, phrased with no names."""
    words = {**house_data()["en"], **(house_data().get(language, {}) if language != DEFAULT_LANGUAGE else {})}
    names: dict[str, Any] = {
        "organisation": "",
        "organisation_short": "",
        "website": {"text": "", "url": ""},
        "press_office": {"hours": "", "phone": "", "out_of_hours_phone": ""},
    }
    with speaking(language):
        return SiteWords(
            title=phrase(words["site_title"], names).strip(),
            accessibility_statement=tuple(
                Inline.parse(phrase(text, names)) for text in words["accessibility_statement"]
            ),
            another_format=tuple(Inline.parse(phrase(text, names)) for text in words["another_format"]),
            website="",
            language=language if language in house_data() else ENGLISH,
            newsroom=house_newsroom(language),
        )
