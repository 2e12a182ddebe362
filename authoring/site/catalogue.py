"""What the newsroom may show at a given time: the rounds and releases a batch built, past their embargo.

:func:`catalogue` reads top to bottom:

1. read the batch's manifest (``OUT/manifest.json``, :mod:`authoring.build.manifest`);
2. read and phrase the forms it lists, as a batch does (:func:`authoring.build.pipeline.load`),
   so that each release's headline, verdict, embargo and corrections are the ones it was
   built with: a release is shown only if its form and campaign are byte for byte those
   its files were built from (the manifest's digests), and its files are intact;
3. keep what may be shown at ``now``: never a draft, never a release before its embargo;
4. gather each round's releases, its national release (if the batch built one), and the
   languages each release is in.

Nothing here writes anything; :mod:`authoring.site.publish` turns the catalogue into files.
Every name that becomes part of a path (a round's folder, a force, a file) is made of
lower-case letters, digits, hyphens and dots only, whatever a form or an edited manifest says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from authoring import __version__
from authoring.build.manifest import MANIFEST_FILE, Entry, FileRecord, Manifest
from authoring.build.pipeline import Loaded, load
from authoring.exceptions import UsageError
from authoring.files.read import UnreadableFileError, read_regular
from authoring.model.campaign import Campaign, HouseWords, house_words
from authoring.model.inline import Inline
from authoring.model.phrasing import phrase
from authoring.model.release import Release
from authoring.model.sentences import SITE_NAMES
from authoring.model.types import file_name_part
from authoring.render import Format
from authoring.site.clock import local, start_of
from authoring.site.content import release_body

#: The language of a release that names none (issue 21 gives releases a language).
DEFAULT_LANGUAGE = "en"
#: What each downloadable format is called on a page, and its media type.
DOWNLOADS: dict[str, tuple[str, str]] = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word document (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "md": ("Plain text (Markdown)", "text/markdown; charset=utf-8"),
}
#: The folder of a round's national release in the batch's output (issue 23).
NATIONAL_FOLDER = "national"
_SAFE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,150}[a-z0-9])?")
#: Far above any real release file; a larger one is not read.
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Download:
    """One file to download: its name in the site, its label and media type, and its bytes."""

    name: str
    label: str
    media_type: str
    data: bytes

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
    """The verdict's key in the campaign, as words ('good progress')."""
    published: dt.datetime
    corrections: tuple[Correction, ...]
    body: Markup
    downloads: tuple[Download, ...]
    html: bytes
    organisation: str

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


@dataclass(frozen=True)
class SiteWords:
    """The newsroom's own words, phrased with the press office's names."""

    title: str
    accessibility_statement: tuple[Inline, ...]
    another_format: tuple[Inline, ...]
    website: str


@dataclass
class Catalogue:
    """Everything the site shows at ``now``, and what it held back and why."""

    now: dt.datetime
    rounds: list[Round]
    words: SiteWords
    embargoed: dict[str, dt.datetime] = field(default_factory=dict)
    """Each round held back by its embargo, and when it lifts."""
    drafts: int = 0
    problems: list[str] = field(default_factory=list)
    """Releases left out because their files do not match their form (and what to do)."""

    @property
    def releases(self) -> list[Published]:
        return [release for round_ in self.rounds for release in round_.releases]


def catalogue(built: Path, *, now: dt.datetime) -> Catalogue:
    """What the batch output folder ``built`` may show at ``now`` (see the module docstring).

    Raises :class:`UsageError` if ``built`` has no manifest (no batch has run there).
    """
    manifest_path = built / MANIFEST_FILE
    if not manifest_path.is_file() or manifest_path.is_symlink():
        raise UsageError(f"{built} has no {MANIFEST_FILE}: run 'authoring batch' first, then 'authoring site'")
    manifest = Manifest.read(built, toolkit_version=__version__)
    root = built.resolve().parent
    forms: dict[str, Path] = {}
    national: dict[str, Entry] = {}
    problems: list[str] = []
    for key, entry in sorted(manifest.releases.items()):
        if entry.files and all(record.path.startswith(f"{NATIONAL_FOLDER}/") for record in entry.files.values()):
            national[Path(key).parent.as_posix()] = entry
            continue
        form = _form_path(root, key)
        if form is None:
            continue  # a form removed since the batch (its files go with the next batch), or an edited key
        forms[key] = form
    loaded: list[Loaded] = load(sorted(forms.values()))[1] if forms else []
    by_path = {item.check.path.resolve(): item for item in loaded}
    result = Catalogue(now=now, rounds=[], words=_site_words(_newest_campaign(loaded)))
    rounds: dict[str, Round] = {}
    for key, form in forms.items():
        entry = manifest.releases[key]
        item = by_path.get(form.resolve())
        release = item.release if item else None
        if item is None or release is None:
            if entry.status != "failed" or entry.files:
                problems.append(f"{key}: not published: the form has problems now; 'authoring validate' shows them")
            continue
        if release.is_draft:
            result.drafts += 1
            continue
        if not _built_from(entry, item):
            problems.append(
                f"{key}: not published: it changed after the last batch; run 'authoring batch', then 'authoring site'"
            )
            continue
        campaign = release.campaign
        slug = _round_slug(form.parent.name)
        published = _publication(campaign)
        if now < published:
            result.embargoed[slug] = published
            continue
        round_ = rounds.get(slug)
        if round_ is None:
            round_ = rounds[slug] = Round(
                slug=slug,
                title=Inline.parse(campaign.national_report).text,
                organisation=campaign.organisation,
                release_date=campaign.release_date,
                published=published,
                tag_authority=_authority(campaign.website.url),
            )
        grade = item.check.form.grade if item.check.form is not None else ""
        made = _published(release, entry, built, slug, published, verdict=str(grade).replace("-", " "))
        if isinstance(made, str):
            problems.append(f"{key}: not published: {made}; run 'authoring batch' to rebuild it")
            continue
        if any(other.force == made.force and other.language == made.language for other in round_.releases):
            problems.append(f"{key}: not published: {made.force_name} has another release in {slug} already")
            continue
        round_.releases.append(made)
    for folder, entry in national.items():
        round_ = rounds.get(_round_slug(Path(folder).name))
        if round_ is not None:
            round_.national = _national(entry, built)
    for round_ in rounds.values():
        round_.releases.sort(key=lambda release: (release.force_name, release.force, release.language))
    result.rounds = sorted(rounds.values(), key=lambda round_: (round_.published, round_.slug), reverse=True)
    result.problems = problems
    return result


def _form_path(root: Path, key: str) -> Path | None:
    """The form a manifest key names, if it is a regular file inside the project (never outside it)."""
    relative = Path(key)
    if relative.is_absolute() or ".." in relative.parts or relative.suffix not in (".yaml", ".yml"):
        return None
    path = root / relative
    try:
        if not path.is_file() or path.is_symlink() or not path.resolve().is_relative_to(root):
            return None
    except OSError:
        return None
    return path


def _round_slug(folder_name: str) -> str:
    return file_name_part(folder_name) or "round"


def _built_from(entry: Entry, item: Loaded) -> bool:
    """Whether the release's files were built from the very form and campaign read now."""
    digest = {
        "form": hashlib.sha256(item.check.source).hexdigest(),
        "campaign": hashlib.sha256(item.campaign.source).hexdigest(),
    }
    return entry.status != "failed" and all(entry.inputs.get(name) == value for name, value in digest.items())


def _publication(campaign: Campaign) -> dt.datetime:
    """When a round's releases may be seen: the embargo, or the start of the release date without one."""
    return local(campaign.embargo) if campaign.embargo is not None else start_of(campaign.release_date)


def _published(
    release: Release, entry: Entry, built: Path, slug: str, published: dt.datetime, *, verdict: str
) -> Published | str:
    """The release as the site shows it, or what is wrong with its files."""
    html_record = entry.files.get(Format.HTML)
    if html_record is None:
        return "it has no HTML file (the batch was run with --format without html)"
    html = _read(html_record, built)
    if html is None:
        return f"its file {html_record.path} is missing or was changed after the batch wrote it"
    downloads = _downloads(entry, built)
    if isinstance(downloads, str):
        return downloads
    return Published(
        round_slug=slug,
        force=release.force.slug,
        force_name=release.force.name,
        language=language_of(release),
        headline=release.headline,
        verdict=verdict,
        published=published,
        corrections=tuple(Correction(c.date, c.note) for c in release.corrections),
        body=release_body(html),
        downloads=downloads,
        html=html,
        organisation=release.organisation,
    )


def language_of(release: Release) -> str:
    """The language a release is written in, as a BCP 47 tag (``en``, ``cy``).

    The hook for Welsh releases (issue 21): a release that carries a ``language`` is shown
    in that language, beside the same force's release in the others; one without is English.
    """
    value = getattr(release, "language", None)
    text = str(getattr(value, "value", value) or DEFAULT_LANGUAGE).lower()
    return text if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*", text) else DEFAULT_LANGUAGE


def _downloads(entry: Entry, built: Path) -> tuple[Download, ...] | str:
    downloads = []
    for name, (label, media_type) in DOWNLOADS.items():
        record = next((r for fmt, r in entry.files.items() if str(fmt) == name), None)
        if record is None:
            continue
        file_name = record.path.rsplit("/", 1)[-1]
        if not _SAFE_NAME.fullmatch(file_name):
            return f"its file name {file_name!r} is not one the toolkit writes"
        data = _read(record, built)
        if data is None:
            return f"its file {record.path} is missing or was changed after the batch wrote it"
        downloads.append(Download(file_name, label, media_type, data))
    return tuple(downloads)


def _national(entry: Entry, built: Path) -> National | None:
    """A round's national release from the manifest (issue 23), if its files are intact."""
    html: bytes | None = None
    downloads = []
    for fmt, record in sorted(entry.files.items(), key=lambda item: str(item[0])):
        data = _read(record, built)
        file_name = record.path.rsplit("/", 1)[-1]
        if data is None or not _SAFE_NAME.fullmatch(file_name):
            return None
        if str(fmt) == "html":
            html = data
        elif str(fmt) in DOWNLOADS:
            label, media_type = DOWNLOADS[str(fmt)]
            downloads.append(Download(file_name, label, media_type, data))
    if html is None and not downloads:
        return None
    return National(html=html, body=release_body(html) if html else None, downloads=tuple(downloads))


def _read(record: FileRecord, built: Path) -> bytes | None:
    """A file the manifest lists, if it is in place, a regular file, and has the bytes recorded."""
    if not record.is_in_place or (built / record.path).parent.is_symlink():
        return None
    try:
        data = read_regular(built / record.path, limit=MAX_FILE_BYTES, what="a release file")
    except UnreadableFileError:
        return None
    return data if hashlib.sha256(data).hexdigest() == record.sha256 else None


def _authority(url: str) -> str:
    """The host of a web address, for tag: URIs (RFC 4151): letters, digits, dots and hyphens only."""
    host = (urlsplit(url).hostname or "").lower()
    return host if re.fullmatch(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", host) else "authoring.invalid"


def _newest_campaign(loaded: Iterable[Loaded]) -> Campaign | None:
    campaigns = {id(item.campaign): item.campaign.campaign for item in loaded if item.campaign.campaign is not None}
    valid = [campaign for campaign in campaigns.values() if campaign is not None]
    return max(valid, key=lambda campaign: (campaign.release_date, campaign.national_report), default=None)


def _site_words(campaign: Campaign | None) -> SiteWords:
    """The newsroom's words, from the newest round's campaign (its own or the house's), or the house's alone."""
    words: HouseWords = campaign.words if campaign is not None else house_words()
    names: dict[str, Any] = dict.fromkeys(SITE_NAMES, "")
    names["website"] = {"text": "", "url": ""}
    names["press_office"] = {"hours": "", "phone": "", "out_of_hours_phone": ""}
    if campaign is not None:
        names = {
            "organisation": campaign.organisation,
            "organisation_short": campaign.organisation_short,
            "website": {"text": campaign.website.text, "url": campaign.website.url},
            "press_office": campaign.press_office.model_dump(),
        }
    return SiteWords(
        title=phrase(words.site_title, names) or "Press releases",
        accessibility_statement=tuple(Inline.parse(phrase(text, names)) for text in words.accessibility_statement),
        another_format=tuple(Inline.parse(phrase(text, names)) for text in words.another_format),
        website=names["website"]["url"],
    )
