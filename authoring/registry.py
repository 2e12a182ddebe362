"""The registry of the 44 forces, shipped with the package (``authoring/data/forces.yaml``)."""

from __future__ import annotations

import difflib
from enum import StrEnum
from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class Country(StrEnum):
    """Where a force polices."""

    ENGLAND = "England"
    WALES = "Wales"
    GREAT_BRITAIN = "Great Britain"


class Force(BaseModel):
    """One police force, as the registry knows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: str = Field(pattern=r"^[a-z]+(-[a-z]+)*$", description="Lowercase, hyphenated key, e.g. 'thames-valley'.")
    name: str = Field(description="Full name as printed, e.g. 'Thames Valley Police'.")
    short_name: str | None = Field(default=None, description="Short name where releases use one, e.g. 'BTP'.")
    country: Country = Field(description="Where the force polices.")
    bilingual: bool = Field(
        default=False,
        description="Whether its releases go out in Welsh and English at once (the Welsh Language Standards).",
    )
    welsh_name: str | None = Field(default=None, description="Its name in Welsh, e.g. 'Heddlu Gwent'.")


@cache
def forces() -> dict[str, Force]:
    """All 44 forces, keyed by slug, in alphabetical order of slug."""
    text = files("authoring").joinpath("data/forces.yaml").read_text(encoding="utf-8")
    loader = getattr(
        yaml, "CSafeLoader", yaml.SafeLoader
    )  # libyaml when present: the registry is read by every command
    loaded = TypeAdapter(list[Force]).validate_python(yaml.load(text, Loader=loader))
    return {force.slug: force for force in loaded}


def get_force(slug: str) -> Force:
    """The force with this slug; ``KeyError`` with a suggestion if there is none."""
    try:
        return forces()[slug]
    except KeyError:
        raise KeyError(unknown_force_message(slug)) from None


def unknown_force_message(slug: str) -> str:
    """An actionable message for a slug the registry does not know."""
    close = difflib.get_close_matches(slug, list(forces()), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else "; run 'authoring forces' for the list"
    return f"unknown force '{slug}'{hint}"
