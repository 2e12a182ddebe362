"""Where the project is, found the way git finds its repository; and what a mistyped path meant.

A project is a folder whose ``forces/`` holds campaign folders, each with its
``campaign.yaml`` and its forms (``forces/<campaign>/campaign.yaml``). Commands run
anywhere inside it — in the project folder, in ``forces/<campaign>/``, in
``output/kent/`` — find it by walking up from the working folder, so that ``authoring
batch`` run from ``forces/`` still reads every campaign and writes ``output/`` beside
``forces/``, not ``forces/output/``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from authoring.exceptions import UsageError
from authoring.inputs.load import CAMPAIGN_FILE, DEFAULT_FORMS_DIR, load_campaign
from authoring.model.campaign import Campaign
from authoring.registry import forces

#: Where builds go, inside the project, unless told otherwise.
OUTPUT_FOLDER = "output"


@dataclass(frozen=True)
class Project:
    """A project folder, as a path relative to the working folder where it is inside it."""

    root: Path

    @property
    def forms_dir(self) -> Path:
        """The folder of campaign folders: ``forces/``."""
        return self.root / DEFAULT_FORMS_DIR

    @property
    def campaigns(self) -> list[Path]:
        """Every campaign folder in ``forces/``, sorted: each holds a ``campaign.yaml`` and its forms."""
        return campaign_folders(self.forms_dir)

    @property
    def out_dir(self) -> Path:
        """Where releases are written unless told otherwise: ``output/``."""
        return self.root / OUTPUT_FOLDER


def campaign_folders(folder: Path) -> list[Path]:
    """The campaign folders in ``folder`` (those with a ``campaign.yaml``), sorted by name.

    A ``folder`` with a ``campaign.yaml`` of its own is one campaign (a project of one round,
    laid out as before campaigns had folders: ``forces/campaign.yaml``).
    """
    if (folder / CAMPAIGN_FILE).is_file():
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(child for child in folder.iterdir() if (child / CAMPAIGN_FILE).is_file())


def find_project(start: Path | None = None) -> Project | None:
    """The nearest folder, from ``start`` (the working folder) upwards, with ``forces/<campaign>/campaign.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if campaign_folders(folder / DEFAULT_FORMS_DIR):
            return Project(Path(os.path.relpath(folder, here)) if folder != here else Path())
    return None


def campaigns() -> list[Path]:
    """Every campaign folder of the project (``forces/<campaign>/``).

    Raises :class:`UsageError`, saying where to run from, if there is no project.
    """
    project = find_project()
    if project is not None:
        return project.campaigns
    raise UsageError(
        f"no {DEFAULT_FORMS_DIR}/<campaign>/{CAMPAIGN_FILE} here or in any folder above; run authoring inside the "
        f"project (the folder with {DEFAULT_FORMS_DIR}/), or name the forms"
    )


def expand_campaigns(paths: Sequence[Path]) -> list[Path]:
    """``paths``, with a folder of campaign folders (such as ``forces/``) standing for its campaigns."""
    result: list[Path] = []
    for path in paths:
        result.extend(campaign_folders(path) or [path])
    return result


def load_campaign_folder(folder: Path) -> Campaign:
    """The campaign of a campaign folder; :class:`UsageError` if there is none, its problems if it is invalid."""
    path = folder if folder.name == CAMPAIGN_FILE else folder / CAMPAIGN_FILE
    if not path.is_file():
        raise UsageError(f"{folder}: no {CAMPAIGN_FILE} here; a campaign folder holds one")
    return load_campaign(path)


def one_campaign(given: Path | None, *, how: str = "with --campaign") -> Path:
    """The campaign folder a command works on: ``given``, else the project's only one.

    Raises :class:`UsageError` if there is no project, or several campaigns and none was
    named (``how`` says how the command takes one).
    """
    if given is not None:
        return given
    found = campaigns()
    if len(found) == 1:
        return found[0]
    names = ", ".join(str(folder) for folder in found)
    raise UsageError(f"name the campaign folder {how}; the project has: {names}")


def out_dir() -> Path:
    """The project's output folder (``output`` here if there is no project)."""
    project = find_project()
    return project.out_dir if project is not None else Path(OUTPUT_FOLDER)


def check_paths(paths: list[Path]) -> None:
    """Raise :class:`UsageError` for the first path that does not exist, saying what it probably meant.

    ``build kent`` → did you mean ``forces/kent.yaml``? — or, if the force has no form yet,
    ``authoring new kent`` writes one.
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder{_meant(path)}")


def _meant(path: Path) -> str:
    name = path.name.removesuffix(".yaml")
    if not name:
        return ""
    folders = [path.parent]
    if path.parent == Path():
        if name.lower() in ("true", "false", "yes", "no"):
            return "; flags such as --final take no value: write the flag alone"
        project = find_project()
        folders = project.campaigns if project else [DEFAULT_FORMS_DIR]
        for folder in folders:
            candidate = folder / f"{name}.yaml"
            if candidate.is_file():
                return f"; did you mean {candidate}?"
    for folder in folders:
        stems = [f.stem for f in folder.glob("*.yaml") if f.name != CAMPAIGN_FILE] if folder.is_dir() else []
        close = difflib.get_close_matches(name, stems, n=1, cutoff=0.75)
        if close:
            return f"; did you mean {folder / close[0]}.yaml?"
    if name in forces():
        return f"; {name} has no form yet: 'authoring new {name}' writes one"
    return ""
