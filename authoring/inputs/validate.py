"""Check forms and their campaigns without building anything: every problem, at once.

:func:`validate` is what ``authoring validate`` runs: it reads each campaign once, checks
every form against its campaign, and then checks the set as a whole (one form per force).
Nothing here raises for a mistake in the files; every problem ends up in the
:class:`ValidationReport`, whose checks keep the bytes they read: a build and a batch
phrase their releases from it (:func:`authoring.build.pipeline.load`), so what is validated is
what is built and hashed.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from authoring.exceptions import InvalidInputError, Problem, UsageError
from authoring.files.read import safe_resolve
from authoring.inputs.distribution import check_distribution, distribution_for
from authoring.inputs.load import (
    CAMPAIGN_FILE,
    DEFAULT_FORMS_DIR,
    DISTRIBUTION_FILE,
    campaign_for,
    draft_gaps,
    form_files,
    validate_campaign,
    validate_form,
)
from authoring.inputs.phrasing_check import _position
from authoring.inputs.translation import campaign_gap_problems, form_gap_problems, twin_problems
from authoring.inputs.yamlsource import SourceDocument, load_yaml
from authoring.model.bilingual import build_releases
from authoring.model.campaign import Campaign, Vocabulary, vocabulary
from authoring.model.form import ReleaseForm
from authoring.model.release import Release, SentenceError
from authoring.model.types import Status
from authoring.registry import forces

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CampaignCheck:
    """The outcome of checking one campaign file."""

    path: Path
    campaign: Campaign | None
    problems: tuple[Problem, ...] = ()
    source: bytes = field(default=b"", repr=False)
    """The bytes that were read and validated (for a batch's input hash)."""
    words: Vocabulary | None = None
    """An invalid campaign's verdicts and kinds of finding, if they are valid: its forms are checked against them."""
    welsh_gaps: tuple[Problem, ...] = ()
    """Where a valid campaign still lacks the Welsh a bilingual release needs (docs/welsh.md)."""
    document: SourceDocument | None = field(default=None, repr=False, compare=False)
    """The file as read, with the position of each value (to name a template's line)."""

    @property
    def ok(self) -> bool:
        """Whether the campaign file is valid."""
        return not self.problems


@dataclass(frozen=True)
class FormCheck:
    """The outcome of checking one form file against its campaign."""

    path: Path
    campaign: Path
    form: ReleaseForm | None
    problems: tuple[Problem, ...] = ()
    force: str | None = None
    """The force the file names, even if the file is otherwise invalid (for the one-form-per-force rule)."""
    force_at: tuple[int, int] | None = None
    gaps: tuple[Problem, ...] = ()
    """Where a valid draft still says TODO, one line each (information, not problems)."""
    source: bytes = field(default=b"", repr=False)
    """The bytes that were read and validated (for a batch's input hash)."""
    release: Release | None = field(default=None, repr=False, compare=False)
    """The release phrased from the form and its campaign, once both are valid (every sentence made)."""

    @property
    def ok(self) -> bool:
        """Whether the form is valid (its campaign may still be invalid)."""
        return self.form is not None and not self.problems

    @property
    def todos(self) -> list[str]:
        """The fields of a valid draft still marked TODO."""
        return self.form.todos() if self.form is not None else []


@dataclass(frozen=True)
class ListCheck:
    """The outcome of checking one campaign's distribution list (``distribution.yaml``)."""

    path: Path
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the list is valid."""
        return not self.problems


@dataclass(frozen=True)
class ValidationReport:
    """Every campaign, form and distribution list checked, with every problem found."""

    campaigns: tuple[CampaignCheck, ...]
    forms: tuple[FormCheck, ...]
    lists: tuple[ListCheck, ...] = ()

    @property
    def problems(self) -> list[Problem]:
        """All problems, ordered by file, line and column (a campaign's missing Welsh once, however many forms)."""
        found = [p for check in self.campaigns for p in check.problems]
        found += [p for check in self.forms for p in check.problems]
        found += [p for check in self.lists for p in check.problems]
        return sorted(dict.fromkeys(found), key=lambda p: (str(p.path), p.line or 0, p.column or 0))

    @property
    def ok(self) -> bool:
        """Whether every file checked is valid."""
        checks: list[CampaignCheck | FormCheck | ListCheck] = [*self.campaigns, *self.forms, *self.lists]
        return all(check.ok for check in checks)

    @property
    def invalid_files(self) -> list[Path]:
        """The files with at least one problem."""
        return sorted({problem.path for problem in self.problems})

    def campaign_of(self, check: FormCheck) -> Campaign | None:
        """The campaign a form was checked against (``None`` if it is invalid)."""
        found = self.campaign_check(check)
        return found.campaign if found else None

    def campaign_check(self, check: FormCheck) -> CampaignCheck | None:
        """The check of the campaign file a form was checked against (with the bytes read)."""
        used = safe_resolve(check.campaign)
        return next((c for c in self.campaigns if safe_resolve(c.path) == used), None)

    @property
    def gaps(self) -> list[Problem]:
        """Where the valid drafts still say TODO, ordered by file and line (not problems, unless ``final``)."""
        found = [gap for check in self.forms for gap in check.gaps]
        return sorted(dict.fromkeys(found), key=lambda p: (str(p.path), p.line or 0, p.column or 0))

    @property
    def drafts(self) -> list[FormCheck]:
        """The valid forms that are drafts."""
        return [check for check in self.forms if check.form is not None and check.form.status is Status.DRAFT]


def validate(
    paths: Sequence[Path] = (DEFAULT_FORMS_DIR,), *, campaign: Path | None = None, final: bool = False
) -> ValidationReport:
    """Check the forms and campaigns at ``paths`` (files or folders of forms).

    A folder stands for its forms, its ``campaign.yaml`` and its ``distribution.yaml``; a
    file named ``campaign.yaml`` is checked as a campaign, one named ``distribution.yaml`` as
    a distribution list, and the list beside every campaign checked is checked too (as
    ``send`` reads it). Each form uses the campaign beside it, or ``campaign`` if given,
    and every sentence of its release is made, as ``build`` makes it: a template that fails
    for the form's values is the form's problem. With ``final``, a draft is a problem too
    (before publication). Raises :class:`UsageError` only if a path does not exist or
    nothing is found.
    """
    form_paths, campaign_paths, list_paths = find_files(paths)
    uses = {form_path: campaign or campaign_for(form_path) for form_path in form_paths}
    campaigns = {safe_resolve(path): check_campaign(path) for path in _unique([*campaign_paths, *uses.values()])}
    forms = [
        check_form(
            form_path,
            campaigns[safe_resolve(used)].campaign,
            campaign_path=used,
            final=final,
            words=campaigns[safe_resolve(used)].words,
            welsh_gaps=campaigns[safe_resolve(used)].welsh_gaps,
            campaign_document=campaigns[safe_resolve(used)].document,
        )
        for form_path, used in uses.items()
    ]
    beside = [distribution_for(path.parent) for path in _unique([*campaign_paths, *uses.values()])]
    list_paths = _unique([*list_paths, *(path for path in beside if os.path.lexists(path))])
    lists = tuple(ListCheck(path, tuple(check_distribution(path))) for path in list_paths)
    return ValidationReport(campaigns=tuple(campaigns.values()), forms=tuple(one_form_per_force(forms)), lists=lists)


def find_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """The form files, campaign files and distribution lists that ``paths`` name, each once, in order.

    A path that is there but is no plain file (a named pipe, a link) counts as a file: it
    is then reported as a problem of that file, never read. A folder named ``*.yaml`` is such a
    path too (as :func:`form_files` lists it), so that ``validate`` and ``batch``, which names
    each form it found, agree on what is a form.
    """
    forms: list[Path] = []
    campaigns: list[Path] = []
    lists: list[Path] = []
    for path in paths:
        if path.is_dir() and path.suffix != ".yaml":
            forms.extend(form_files(path))
            if os.path.lexists(path / CAMPAIGN_FILE):
                campaigns.append(path / CAMPAIGN_FILE)
            if os.path.lexists(path / DISTRIBUTION_FILE):
                lists.append(path / DISTRIBUTION_FILE)
        elif os.path.lexists(path):
            if path.name == DISTRIBUTION_FILE:
                lists.append(path)
            else:
                (campaigns if path.name == CAMPAIGN_FILE else forms).append(path)
        else:
            raise UsageError(f"{path}: no such file or folder")
    if not forms and not campaigns and not lists:
        raise UsageError(f"no form files found in {', '.join(str(p) for p in paths)}")
    return _unique(forms), _unique(campaigns), _unique(lists)


def check_campaign(path: Path) -> CampaignCheck:
    """Check one campaign file."""
    if not os.path.lexists(path):
        message = f"campaign file not found; put {CAMPAIGN_FILE} beside the forms, or name one with --campaign"
        return CampaignCheck(path, None, (Problem(path, None, None, "", message),))
    try:
        document = load_yaml(path, keep_going=True)
    except InvalidInputError as error:
        return CampaignCheck(path, None, tuple(error.problems))
    try:
        campaign = validate_campaign(document)
    except InvalidInputError as error:
        words = vocabulary(document.data)
        return CampaignCheck(path, None, tuple(error.problems), source=document.raw, words=words, document=document)
    gaps = tuple(campaign_gap_problems(document, campaign))
    return CampaignCheck(path, campaign, source=document.raw, welsh_gaps=gaps, document=document)


def check_form(
    path: Path,
    campaign: Campaign | None,
    *,
    campaign_path: Path | None = None,
    final: bool = False,
    words: Vocabulary | None = None,
    welsh_gaps: tuple[Problem, ...] = (),
    campaign_document: SourceDocument | None = None,
) -> FormCheck:
    """Check one form file against its campaign (``None`` if the campaign is itself invalid: then ``words``).

    A valid form's release is phrased (:func:`build_releases`, as a build does, the Welsh twin
    of a bilingual force's too): a sentence that cannot be made from its values is a problem at
    the form's line, naming the template's place in ``campaign_document``. A valid draft's gaps
    are listed in ``gaps``. With ``final``, a valid draft is a problem too (it is not ready to
    publish), and so is each of its gaps. A bilingual force's form also lists each Welsh text
    still missing, its own and its campaign's (``welsh_gaps``): gaps in a draft, problems in a
    final form or with ``final``.
    """
    used = campaign_path or campaign_for(path)
    try:
        document = load_yaml(path, keep_going=True)
    except InvalidInputError as error:
        return FormCheck(path, used, None, tuple(error.problems))
    force = document.data.get("force") if isinstance(document.data, dict) else None
    named = force if isinstance(force, str) else None
    at = document.locate(("force",)) if named else None
    try:
        form = validate_form(document, campaign, words)
    except InvalidInputError as error:
        return FormCheck(path, used, None, tuple(error.problems), named, at, source=document.raw)
    gaps = tuple(draft_gaps(document)) if form.status is Status.DRAFT else ()
    twins = twin_problems(document, form)
    if twins:  # Welsh that cannot be used, whether or not the release is bilingual
        return FormCheck(path, used, None, tuple(twins), named, at, source=document.raw)
    if campaign is not None and campaign.welsh.bilingual(form.force):
        welsh = (*form_gap_problems(document, form), *welsh_gaps)
        if form.status is Status.FINAL and welsh:
            return FormCheck(path, used, form, welsh, named, at, source=document.raw)
        gaps = (*gaps, *welsh)
    release = None
    if campaign is not None:
        try:
            release = build_releases(form, campaign)
        except SentenceError as error:
            problem = sentence_problem(error, document, campaign_document)
            return FormCheck(path, used, form, (problem,), named, at, source=document.raw)
        except Exception as error:  # a bug: this form fails alone, with a line to report, never a traceback
            log.debug("phrasing %s failed", path, exc_info=True)
            detail = traceback.format_exception_only(error)[-1].strip()
            message = f"unexpected error while making its sentences (a bug; please report it): {detail}"
            return FormCheck(
                path, used, form, (Problem(path, None, None, "", message),), named, at, source=document.raw
            )
    if final and form.status is Status.DRAFT:
        line, column = document.key_position(("status",)) or (None, None)
        message = "the form is still a draft; set 'status: final' when it is ready to publish"
        status = Problem(path, line, column, "status", message)
        return FormCheck(path, used, form, (status, *gaps), named, at, source=document.raw)
    return FormCheck(path, used, form, (), named, at, gaps=gaps, source=document.raw, release=release)


def sentence_problem(error: SentenceError, form: SourceDocument, campaign: SourceDocument | None) -> Problem:
    """A sentence that cannot be made, at the form's line, with the template's place in the campaign file.

    ``forces/x/kent.yaml:14:5: findings.0: the sentence cannot be made from these figures:
    division by zero (template at campaign.yaml:41)``
    """
    line, column = form.locate(error.form_place) or (None, None)
    field_name = ".".join(str(part) for part in error.form_place)
    where = "the press office's default template"
    if campaign is not None and error.template_place is not None:
        lines = campaign.raw.decode("utf-8", errors="replace").splitlines()
        at, _ = _position(campaign, lines, error.template_place, error.line)
        shown = campaign.path.name if campaign.path.parent == form.path.parent else str(campaign.path)
        where = f"template at {shown}:{at}" if at is not None else f"template at {shown}"
    return Problem(form.path, line, column, field_name, f"{error} ({where})")


def one_form_per_force(checks: Iterable[FormCheck]) -> list[FormCheck]:
    """The checks, with a problem added to *every* form that names a force another form names.

    None of them is built, so a copied form can never replace another force's release;
    each message names all the files. The rule holds per campaign: folders with campaigns
    of their own (another round, a test run) may each have a form for the same force.
    A form whose file name is another force's key (``surrey.yaml`` saying
    ``force: thames-valley``, the mark of a copy) gets a problem too.
    """
    checks = list(checks)
    claims: dict[tuple[Path, str], list[Path]] = {}
    for check in checks:
        if check.force is not None:
            claims.setdefault((safe_resolve(check.campaign), check.force), []).append(check.path)
    registry = forces()
    result = []
    for check in checks:
        added = []
        line, column = check.force_at or (None, None)
        if check.force is not None:
            claimants = claims[(safe_resolve(check.campaign), check.force)]
            if len(claimants) > 1:
                files = ", ".join(str(path) for path in claimants[:-1]) + f" and {claimants[-1]}"
                message = (
                    f"'{check.force}' is named by {len(claimants)} forms ({files}); each force may have one form only"
                )
                added.append(Problem(check.path, line, column, "force", message))
            stem = check.path.stem
            if stem != check.force and stem in registry and check.force in registry:
                message = (
                    f"the file is named after '{stem}' but is the form of '{check.force}'; "
                    "rename the file, or correct 'force'"
                )
                added.append(Problem(check.path, line, column, "force", message))
        result.append(replace(check, problems=(*check.problems, *added)) if added else check)
    return result


def _unique(paths: Iterable[Path]) -> list[Path]:
    """Paths in order, each file once however it was spelled."""
    seen: dict[Path, Path] = {}
    for path in paths:
        seen.setdefault(safe_resolve(path), path)
    return list(seen.values())
