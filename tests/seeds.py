"""Parse the seed releases (tests/data/seeds/, copied from the 2012 round) into their parts.

The seeds were set by hand, in two styles; this reads both. :data:`HOUSE_STYLE` lists,
per force, every place where the toolkit's standard wording deliberately departs from a
seed — the drift the toolkit exists to remove. Everything else must appear word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.readback import normalise

SEEDS = Path(__file__).resolve().parent / "data" / "seeds"

#: (seed wording, house wording) per force: the only departures allowed from each seed.
HOUSE_STYLE: dict[str, list[tuple[str, str]]] = {
    "british-transport-police": [
        ("In British Transport Police, HMIC found", "In British Transport Police, HMIC found:"),
        ("by members of BTP staff.", "by British Transport Police officers or staff."),
    ],
    "bedfordshire": [
        ("how they identify, monitor and manage integrity", "how it identifies, monitors and manages integrity"),
        (
            "identified five cases of potentially inappropriate behaviour on Facebook or Twitter by officers and "
            "staff in Bedfordshire Police, which has been referred back to the force.",
            "identified five cases of potentially inappropriate behaviour on Facebook or Twitter by Bedfordshire "
            "Police officers or staff. These have been referred back to the force.",
        ),
        (
            "national thematic review 'Revisiting police relationships', can",
            "national thematic review, Revisiting Police Relationships, can",
        ),
    ],
    "thames-valley": [
        ("In Thames Valley, HMIC found:", "In Thames Valley Police, HMIC found:"),
        (
            "in relation to key integrity issues, such as how to interact with the media, use of social media, and",
            "in relation to social media, and",
        ),
        (
            "Since September 2011, the force has investigated three instances of inappropriate disclosures",
            "Since September 2011 the force has investigated three instances of inappropriate disclosure",
        ),
        ("officers or members of staff.", "officers or staff."),
        (
            "national thematic review 'Revisiting police relationships', can",
            "national thematic review, Revisiting Police Relationships, can",
        ),
    ],
}


@dataclass
class Seed:
    """A seed release, in parts, with house-style departures already applied."""

    slug: str
    headline: str = ""
    background: list[str] = field(default_factory=list)
    findings_intro: str = ""
    findings: list[str] = field(default_factory=list)
    attribution: str = ""
    quote: list[str] = field(default_factory=list)
    full_report: str = ""
    notes: list[str] = field(default_factory=list)

    def pieces(self) -> list[str]:
        """Every part, in reading order."""
        return [
            self.headline,
            *self.background,
            self.findings_intro,
            *self.findings,
            self.attribution,
            *self.quote,
            self.full_report,
            "Notes to editors",
            *self.notes,
        ]


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _plain(line: str) -> str:
    line = _LINK.sub(r"\1", line)
    line = re.sub(r"^#+\s*", "", line).replace("**", "").replace("*", "")
    return normalise(line)


def load_seed(slug: str) -> Seed:
    """Read ``tests/data/seeds/<slug>.md`` into a :class:`Seed`."""
    text = (SEEDS / f"{slug}.md").read_text(encoding="utf-8")
    for old, _ in HOUSE_STYLE[slug]:
        assert normalise(old) in normalise(text), f"{slug}: house-style entry {old!r} is not in the seed"
    blocks = [_plain(block) for block in re.split(r"\n\s*\n", text) if block.strip()]
    seed = Seed(slug)
    state = "headline"
    for block in blocks:
        for old, new in HOUSE_STYLE[slug]:
            block = block.replace(normalise(old), normalise(new))
        if state == "headline":
            seed.headline, state = block, "background"
        elif state == "background":
            if re.match(r"In .*, HMIC found", block):
                seed.findings_intro, state = block, "findings"
            else:
                seed.background.append(block)
        elif state == "findings":
            if block.startswith("HM Inspector"):
                seed.attribution, state = block, "quote"
            else:
                seed.findings.extend(item.strip() for item in re.split(r"(?:^| )- ", block) if item.strip())
        elif state == "quote":
            if block.startswith("The full report"):
                seed.full_report, state = block, "notes-heading"
            else:
                seed.quote.append(block)
        elif state == "notes-heading":
            assert block == "Notes to editors", block
            state = "notes"
        else:
            items = re.split(r"(?:^| )\d\. ", block)
            if re.match(r"\d\. ", block):
                seed.notes.extend(item.strip() for item in items if item.strip())
            else:  # a note broken across a blank line
                seed.notes[-1] += " " + items[0].strip()
    return seed
