"""Distribution: build what is stale, then e-mail each final release to its list, exactly once.

It reads top to bottom, as ``authoring send`` runs it:

1. :func:`prepare` reads every campaign folder's distribution list (all problems at once,
   before anything is built or sent), builds what is stale with :func:`run_batch`, and
   turns each built release into a :class:`Package`: its phrased :class:`Release`, its
   PDF, HTML and Markdown as written, its recipients. Drafts are set aside, never sent.
2. :func:`deliver` holds the output folder's lock and each round's journal
   (:mod:`authoring.mail.journal`, ``forces/<round>/sent.jsonl``), and sends each package to
   each recipient that has not had these very files (a bilingual release's two PDFs), one
   envelope per recipient, over one reused connection (:mod:`authoring.mail.smtp`),
   journaling each acceptance, with every attachment's SHA-256, as it happens. A recipient
   who had an older version of any of them gets the new message only with ``resend``,
   marked as a correction and answering the first message they got. A message the server may have
   taken (the connection ended after it went) is journaled as such and goes again only
   with ``retry_uncertain``. A message the server refuses as such (its size) is tried once.
3. :func:`pack` instead writes each message as ``<stem>.eml`` beside the release's files,
   swapped into the release's folder with them.

:func:`open_rounds` sorts out the rounds a bare ``send`` or ``pack`` passes by (closed, or examples).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Protocol

from authoring import __version__
from authoring.build.batch import MESSAGE_SUFFIX, BatchObserver, BatchReport, BuildStatus, Outcome, run_batch
from authoring.build.manifest import FileRecord, Manifest, form_key
from authoring.build.pipeline import DEFAULT_OUT_DIR
from authoring.exceptions import InvalidInputError, Problem
from authoring.files.lock import output_lock
from authoring.files.read import safe_resolve
from authoring.files.write import write_release
from authoring.inputs.distribution import DistributionList, distribution_for, load_distribution
from authoring.inputs.load import DEFAULT_FORMS_DIR, campaign_for, load_campaign
from authoring.mail.journal import Attachment, Delivery, Journal, Status, read_legacy
from authoring.mail.message import Contents, Serialized, compose, draft_for_hand, stamp
from authoring.mail.smtp import Connection, DeliveryFailed, MaybeDelivered, MessageRefused
from authoring.model.bilingual_document import BILINGUAL_KEY, bilingual_document
from authoring.model.release import Release
from authoring.model.types import PdfEngine, RoundState
from authoring.render import Format, in_language
from authoring.render.environment import Templates


class Result(StrEnum):
    """What happened to one release for one recipient."""

    SENT = "sent"
    WOULD_SEND = "would send"
    ALREADY_SENT = "already sent"
    CHANGED = "changed since sent"
    UNCERTAIN = "may have been delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Package:
    """One final release, ready to go: what it says, what it carries, who gets it."""

    key: str
    """The form's file name in its round: what the round's journal records."""
    form: Path
    round: Path
    """The round's folder (beside campaign.yaml): where its journal is."""
    force: str
    pdf_path: Path
    pdf_file: str
    sha256: str
    contents: Contents
    distribution: DistributionList
    recipients: tuple[str, ...]
    attachments: tuple[Attachment, ...] = ()
    """Every file the message carries (path in the output folder, SHA-256), in its order: a bilingual
    release's Welsh PDF, then its own."""

    @property
    def carried(self) -> tuple[Attachment, ...]:
        """The files the message carries: :attr:`attachments`, or the release's own PDF alone."""
        return self.attachments or (Attachment(self.pdf_file, self.sha256),)

    @property
    def names(self) -> str:
        """The names of the files it carries, as a person reads them: 'x-cy.pdf and x.pdf'."""
        names = [PurePosixPath(item.file).name for item in self.carried]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class Dispatch:
    """One release for one recipient: sent, skipped or failed, and why."""

    package: Package
    recipient: str
    result: Result
    correction: bool = False
    message_id: str | None = None
    reason: str | None = None
    attempts: int = 0
    whole_message: bool = False
    """The server refused the message itself (its size), so none of its recipients got it."""


@dataclass(frozen=True)
class Prepared:
    """Every release built and sorted: packages to send, drafts held back, problems."""

    batch: BatchReport
    packages: tuple[Package, ...]
    drafts: tuple[Path, ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class SendReport:
    """What a send did, recipient by recipient."""

    prepared: Prepared
    dispatches: tuple[Dispatch, ...]
    seconds: float

    def of(self, *results: Result) -> list[Dispatch]:
        """The dispatches with one of these results."""
        return [item for item in self.dispatches if item.result in results]

    @property
    def ok(self) -> bool:
        """Whether everything due went (or would go): no failed build, draft, problem, failure or unsent change."""
        prepared = self.prepared
        held = prepared.drafts or prepared.problems or not prepared.batch.ok
        return not held and not self.of(Result.FAILED, Result.CHANGED, Result.UNCERTAIN)


class SendObserver(Protocol):
    """Told how sending goes (the CLI draws a progress bar with it); must not raise."""

    def planned(self, total: int) -> None:
        """``total`` messages are due (the others were delivered before)."""

    def done(self, dispatch: Dispatch) -> None:
        """One message has been sent, or has failed (or, in a dry run, would be sent)."""


def prepare(
    folders: Sequence[Path] = (DEFAULT_FORMS_DIR,),
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    jobs: int | None = None,
    observer: BatchObserver | None = None,
    templates: Templates | None = None,
    pdf_engine: PdfEngine | None = None,
) -> Prepared:
    """Read the distribution lists, build what is stale (as ``batch`` does), and package each final release.

    ``templates`` defaults to the shipped ones; ``pdf_engine`` overrides the campaigns' PDF engine.
    Raises :class:`InvalidInputError` with every
    problem if a list is missing or invalid (nothing is built then), and whatever
    :func:`run_batch` raises.
    """
    lists = _distribution_lists(folders)
    templates = templates or Templates.at()
    report = run_batch(
        folders, out_dir=out_dir, jobs=jobs, observer=observer, templates=templates, pdf_engine=pdf_engine
    )
    return _packages(report, out_dir, lists, templates)


def deliver(
    prepared: Prepared,
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    connection: Connection | None,
    resend: bool = False,
    retry_uncertain: bool = False,
    observer: SendObserver | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SendReport:
    """Send every package to every recipient that has not had it; with no ``connection``, a dry run.

    Holds the output folder's lock and every round's journal throughout, so no batch
    rebuilds and no other send of these rounds runs meanwhile. Every journal is read first,
    strictly: a damaged one stops everything before anything is sent
    (:class:`InvalidInputError`, :class:`authoring.mail.journal.JournalError`). Raises
    :class:`authoring.mail.smtp.SmtpError` if the server cannot be used at all, and
    :class:`~authoring.mail.journal.JournalError` if a delivery cannot be recorded; what
    was accepted until then is in the journals.
    """
    started = time.perf_counter()
    rounds = list(dict.fromkeys(package.round for package in prepared.packages))
    with output_lock(out_dir), ExitStack() as stack:
        journals = _journals(rounds, stack, locked=connection is not None)
        _absorb_legacy(journals, out_dir)
        due, skipped = _due(prepared.packages, journals, resend=resend, retry_uncertain=retry_uncertain)
        if observer:
            observer.planned(len(due))
        dispatches = list(skipped)
        messages: dict[tuple[str, bool], Serialized] = {}  # one per release (and kind), its PDF encoded once
        refused: dict[tuple[Path, bool], MessageRefused] = {}  # a message the server will not take from anyone
        for package, recipient, correction in due:
            journal = journals[package.round]
            if connection is None:
                dispatch = Dispatch(package, recipient, Result.WOULD_SEND, correction)
            elif (package.form, correction) in refused:
                failure = refused[package.form, correction]
                dispatch = Dispatch(
                    package, recipient, Result.FAILED, correction, reason=failure.reason, whole_message=True
                )
            else:
                if (package.key, correction) not in messages:
                    messages.clear()  # the previous release is done: keep one in memory
                    distribution = package.distribution
                    composed = compose(
                        package.contents, sender=distribution.sender, date=clock(), correction=correction
                    )
                    messages[package.key, correction] = Serialized(composed, domain=distribution.sender_domain)
                message = messages[package.key, correction]
                first = journal.first(package.key, recipient) if correction else None
                try:
                    dispatch = _send_one(package, recipient, correction, message, connection, journal, clock, first)
                except MessageRefused as failure:
                    refused[package.form, correction] = failure
                    dispatch = Dispatch(
                        package, recipient, Result.FAILED, correction, reason=failure.reason, whole_message=True
                    )
            dispatches.append(dispatch)
            if observer:
                observer.done(dispatch)
    order = {package.form: index for index, package in enumerate(prepared.packages)}
    dispatches.sort(key=lambda item: order[item.package.form])
    return SendReport(prepared, tuple(dispatches), time.perf_counter() - started)


def pack(
    prepared: Prepared,
    *,
    out_dir: Path = DEFAULT_OUT_DIR,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Path]:
    """Write each package's message as ``<stem>.eml`` beside its PDF, recipients as blind copies; return the paths.

    Holds the output folder's lock, so no batch swaps a release's files meanwhile; each
    file is swapped into its release's folder as :func:`write_release` does, so a reader
    finds the old message or the new one, never half of one.
    """
    written: list[Path] = []
    with output_lock(out_dir):
        for package in prepared.packages:
            message = compose(package.contents, sender=package.distribution.sender, date=clock())
            stamp(message, domain=package.distribution.sender_domain)
            data = draft_for_hand(message, package.recipients).as_bytes()
            eml = package.pdf_path.with_suffix(MESSAGE_SUFFIX)
            written += write_release(eml.parent, {eml.name: data})
    return written


def open_rounds(folders: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, RoundState]]]:
    """The folders whose rounds are open, and the others (closed, or examples) with their state.

    A round whose campaign cannot be read counts as open: building it reports why.
    """
    chosen: list[Path] = []
    passed: list[tuple[Path, RoundState]] = []
    for folder in folders:
        try:
            state = load_campaign(campaign_for(folder / "form.yaml")).round
        except (InvalidInputError, OSError):
            state = RoundState.OPEN
        if state is RoundState.OPEN:
            chosen.append(folder)
        else:
            passed.append((folder, state))
    return chosen, passed


def _journals(rounds: Sequence[Path], stack: ExitStack, *, locked: bool) -> dict[Path, Journal]:
    """Each round's journal (held locked for a real send); every damaged line of every journal at once."""
    journals: dict[Path, Journal] = {}
    problems: list[Problem] = []
    for folder in rounds:
        try:
            journals[folder] = stack.enter_context(Journal.locked(folder)) if locked else Journal.read(folder)
        except InvalidInputError as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInputError(problems)
    return journals


def _absorb_legacy(journals: dict[Path, Journal], out_dir: Path) -> None:
    """Count what an earlier version recorded in ``OUT/sent.jsonl`` for the rounds being sent."""
    by_folder = {safe_resolve(folder): journal for folder, journal in journals.items()}
    base = safe_resolve(out_dir).parent
    for delivery in read_legacy(out_dir):
        form = safe_resolve(base / delivery.release)
        journal = by_folder.get(form.parent)
        if journal is not None:
            journal.absorb([replace(delivery, release=form.name)])


def _due(
    packages: Sequence[Package], journals: dict[Path, Journal], *, resend: bool, retry_uncertain: bool
) -> tuple[list[tuple[Package, str, bool]], list[Dispatch]]:
    """What to send (package, recipient, as a correction?) and what to skip, from the journals."""
    due: list[tuple[Package, str, bool]] = []
    skipped: list[Dispatch] = []
    for package in packages:
        journal = journals[package.round]
        for recipient in package.recipients:
            last = journal.latest(package.key, recipient)
            first = journal.first(package.key, recipient)
            if last is None or first is None:
                due.append((package, recipient, False))
                continue
            changed = changed_since(last, package)
            if not changed and last.status is Status.UNCERTAIN:
                if retry_uncertain:
                    due.append((package, recipient, last.correction))
                else:
                    reason = (
                        f"may have been delivered on {last.sent_at} (the connection ended before the server "
                        "said); ask the recipient, and send it again only with --retry-uncertain"
                    )
                    skipped.append(Dispatch(package, recipient, Result.UNCERTAIN, reason=reason))
            elif not changed:
                skipped.append(Dispatch(package, recipient, Result.ALREADY_SENT, message_id=last.message_id))
            elif resend:
                due.append((package, recipient, True))
            else:
                which = f"; changed since: {', '.join(changed)}" if len(package.carried) > 1 else ""
                reason = (
                    f"had an earlier version on {last.sent_at}{which}; send again with --resend "
                    "(marked as a correction)"
                )
                skipped.append(Dispatch(package, recipient, Result.CHANGED, reason=reason))
    return due, skipped


def changed_since(last: Delivery, package: Package) -> tuple[str, ...]:
    """The names of the files ``package`` carries that differ from what the message ``last`` carried (or that it
    no longer carries); none if they are the same.

    A line written before the journal recorded every attachment tells of the release's
    own PDF alone: for it, that PDF alone is compared.
    """
    if not last.attachments:
        return () if last.sha256 == package.sha256 else (PurePosixPath(package.pdf_file).name,)
    now = package.carried
    carried_now = {item.file for item in now}
    changed = [PurePosixPath(item.file).name for item in now if item not in last.attachments]
    gone = [item.file for item in last.attachments if item.file not in carried_now]
    return (*changed, *(f"{PurePosixPath(file).name} (no longer sent)" for file in gone))


def _send_one(
    package: Package,
    recipient: str,
    correction: bool,
    message: Serialized,
    connection: Connection,
    journal: Journal,
    clock: Callable[[], datetime],
    first: Delivery | None,
) -> Dispatch:
    """Send one message in its own envelope, with its own Message-ID; journal it once the server has (or may have) it.

    A correction answers the first message of this release the recipient got. Raises
    :class:`MessageRefused` if the server will not take this message from anyone.
    """
    message_id, data = message.stamped(replying_to=first.message_id if first else None)
    status, result, attempts, reason = Status.DELIVERED, Result.SENT, 0, None
    try:
        attempts = connection.deliver(package.distribution.sender_address, recipient, data)
    except MessageRefused:
        raise
    except MaybeDelivered as failure:
        status, result, attempts, reason = Status.UNCERTAIN, Result.UNCERTAIN, failure.attempts, failure.reason
    except DeliveryFailed as failure:
        return Dispatch(package, recipient, Result.FAILED, correction, reason=failure.reason, attempts=failure.attempts)
    journal.record(
        Delivery(
            release=package.key,
            force=package.force,
            file=package.pdf_file,
            sha256=package.sha256,
            recipient=recipient,
            message_id=message_id,
            sent_at=clock().isoformat(timespec="seconds"),
            correction=correction,
            status=status,
            attachments=package.carried,
        )
    )
    return Dispatch(package, recipient, result, correction, message_id=message_id, reason=reason, attempts=attempts)


def _distribution_lists(folders: Sequence[Path]) -> dict[Path, DistributionList]:
    """Each campaign folder's list, by resolved folder; every problem of every list at once."""
    lists: dict[Path, DistributionList] = {}
    problems: list[Problem] = []
    for folder in dict.fromkeys(folder.resolve() for folder in folders):
        path = distribution_for(folder)
        shown = next((distribution_for(f) for f in folders if f.resolve() == folder), path)
        if not path.is_file():
            message = "no distribution list here; write one beside campaign.yaml (see docs/distribution-email.md)"
            problems.append(Problem(shown, None, None, "", message))
            continue
        try:
            lists[folder] = load_distribution(shown)
        except InvalidInputError as error:
            problems.extend(error.problems)
    if problems:
        raise InvalidInputError(problems)
    return lists


def _packages(
    report: BatchReport, out_dir: Path, lists: dict[Path, DistributionList], templates: Templates
) -> Prepared:
    """Package each release the batch built or found unchanged; set drafts aside; note what cannot go."""
    manifest = Manifest.read(out_dir, toolkit_version=__version__)
    packages: list[Package] = []
    drafts: list[Path] = []
    problems: list[Problem] = []
    for outcome in report.outcomes:
        if outcome.status is BuildStatus.FAILED:
            continue  # reported with the batch's problems
        distribution = lists[outcome.form.parent.resolve()]
        built = _built_release(outcome, out_dir, manifest)
        if isinstance(built, Problem):
            problems.append(built)
        elif built[0].is_draft:
            drafts.append(outcome.form)
        else:
            release, contents, pdf_path = built
            pdf_file = pdf_path.relative_to(out_dir).as_posix()
            recipients = distribution.recipients(release.force.slug)
            if not recipients:
                message = f"no one gets this release; add addresses under 'everyone' or 'forces.{release.force.slug}'"
                problems.append(Problem(distribution_for(outcome.form.parent), None, None, "", message))
                continue
            packages.append(
                Package(
                    key=outcome.form.name,
                    form=outcome.form,
                    round=outcome.form.parent,
                    force=release.force.slug,
                    pdf_path=pdf_path,
                    pdf_file=pdf_file,
                    sha256=hashlib.sha256(contents.pdf).hexdigest(),
                    contents=contents,
                    distribution=distribution,
                    recipients=recipients,
                    attachments=_attachments(contents, PurePosixPath(pdf_file).parent),
                )
            )
    return Prepared(report, tuple(packages), tuple(drafts), tuple(problems))


def _attachments(contents: Contents, folder: PurePosixPath) -> tuple[Attachment, ...]:
    """Every PDF the message of ``contents`` carries, in its order (a bilingual document's, then the translations',
    then the release's, as :func:`compose` puts them), by its path in the output folder (each is beside the
    release's, in ``folder``)."""
    versions = (*contents.translations, contents)
    carried = [*((contents.together,) if contents.together else ()), *((item.pdf_name, item.pdf) for item in versions)]
    return tuple(Attachment((folder / name).as_posix(), hashlib.sha256(pdf).hexdigest()) for name, pdf in carried)


def _built_release(outcome: Outcome, out_dir: Path, manifest: Manifest) -> tuple[Release, Contents, Path] | Problem:
    """The release a batch outcome stands for, with its files as written; a problem if they do not match.

    This is the one place that knows how a batch reports its work: the outcome's release
    and files, and the manifest's input hash and PDF SHA-256. The release is the batch's
    own, phrased once from the very bytes whose hash the manifest recorded (nothing is
    read or validated again), so its draft status and subject are those of the files; a
    release rebuilt meanwhile, or a PDF changed on disk, is not sent.
    """
    form, release = outcome.form, outcome.release
    entry = manifest.releases.get(form_key(form, out_dir))
    paths: dict[str, Path] = {}
    for path in outcome.files:  # the release's own files come first (then its Welsh twin's)
        paths.setdefault(path.suffix, path)
    hashes_match = entry is not None and outcome.input_hash is not None and entry.input_hash == outcome.input_hash
    if entry is None or release is None or not hashes_match:
        return Problem(form, None, None, "", "changed while it was being built; run again")
    translations = []
    for twin in release.translations:  # a bilingual release goes in one message, its Welsh first
        own = {path.suffix: path for path in outcome.files if path.stem == twin.file_stem}
        twin_contents = _contents(form, twin, own, entry.files.get(in_language(Format.PDF, twin.language)))
        if isinstance(twin_contents, Problem):
            return twin_contents
        translations.append(twin_contents)
    contents = _contents(form, release, paths, entry.files.get(Format.PDF), tuple(translations))
    if isinstance(contents, Problem):
        return contents
    together = _bilingual_pdf(form, release, outcome.files, entry.files)
    if isinstance(together, Problem):
        return together
    return release, replace(contents, together=together), paths[".pdf"]


def _bilingual_pdf(
    form: Path, release: Release, files: Sequence[Path], records: Mapping[Format, FileRecord]
) -> tuple[str, bytes] | Problem | None:
    """The release's one bilingual document as a PDF (its name and bytes, as built), if its campaign asks for one."""
    document = bilingual_document(release)
    if document is None:
        return None
    record = records.get(in_language(Format.PDF, BILINGUAL_KEY))
    path = next((path for path in files if path.name == f"{document.file_stem}.pdf"), None)
    if record is None or path is None:
        return Problem(form, None, None, "", "changed while it was being built; run again")
    try:
        pdf = path.read_bytes()
    except OSError as error:
        return Problem(form, None, None, "", f"cannot read its files as built ({error}); run again")
    if hashlib.sha256(pdf).hexdigest() != record.sha256:
        return Problem(form, None, None, "", f"{path} was changed after it was built; run again")
    return path.name, pdf


def _contents(
    form: Path,
    release: Release,
    paths: dict[str, Path],
    record: FileRecord | None,
    translations: tuple[Contents, ...] = (),
) -> Contents | Problem:
    """What the message of ``release`` carries, from its files as written; a problem if they are not as built."""
    if record is None or not {".pdf", ".html"} <= set(paths):
        return Problem(form, None, None, "", "changed while it was being built; run again")
    try:
        pdf = paths[".pdf"].read_bytes()
        html = paths[".html"].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:  # removed or damaged since the batch wrote it
        return Problem(form, None, None, "", f"cannot read its files as built ({error}); run again")
    if hashlib.sha256(pdf).hexdigest() != record.sha256:
        return Problem(form, None, None, "", f"{paths['.pdf']} was changed after it was built; run again")
    return Contents(release=release, html=html, pdf=pdf, pdf_name=paths[".pdf"].name, translations=translations)
