"""Synthetic forms for benchmarks: one valid form per registry force, with invented figures.

Every form says it is synthetic (a header comment, and "[Synthetic]" in its text) and is
written only into the folder it is given, never into the repository's forces/ folder.
The text is as long as a real release's (three printed pages), so it costs what a real
release costs to render. The campaign is bilingual, as a new round is: the four Welsh
forces' releases are built in Welsh too, from synthetic "Welsh" (the English text, marked
"[Synthetig]", as long as the English), so that the benchmark pays for twice their files.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

from authoring.model.findings import finding_model
from authoring.model.language import WELSH
from authoring.model.phrasing import phrase, speaking
from authoring.model.sentences import finding_context
from authoring.registry import forces

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN = REPO / "forces" / "revisiting-police-relationships-2012" / "campaign.yaml"

HEADER = "# SYNTHETIC benchmark form: invented text and figures, not a real release.\n"

PARAGRAPHS = (
    "[Synthetic] Since 2011 {name} has conducted a self evaluation against the Self Assessment Checklist "
    "provided in HMIC's 2011 report, *Without Fear or Favour*, and reports regularly on the actions it has taken.",
    "[Synthetic] Several policies (covering relationships with the media, gifts and hospitality, social media "
    "use and second jobs) have been reviewed and where necessary updated, and staff were told of the changes.",
    "[Synthetic] In general there was good awareness, and officers and staff understood their responsibilities "
    "in relation to these policies, although some had not read the most recent guidance.",
    "[Synthetic] The force has completed a review of its media policy and is satisfied that it clearly outlines "
    "how relationships with the press should work, including contact with journalists outside working hours.",
    "[Synthetic] The force has reinforced its guidance on how staff should behave on social networking sites, "
    "which covers the standards of behaviour expected both at work and off duty.",
    "[Synthetic] Changes to policies and guidance are communicated to staff by email and on the intranet, but "
    "there is no mechanism to check that officers and staff have read and understood them.",
)


def synthetic_form(slug: str, name: str, *, seed: int = 0) -> str:
    """The YAML text of one synthetic form for the force ``slug``; the same seed gives the same text."""
    rng = random.Random(f"{slug}/{seed}")
    investigated = rng.randint(0, 12)
    applications = rng.randint(20, 200)
    text = [paragraph.format(name=name) for paragraph in PARAGRAPHS]
    findings: list[object] = [
        text[0],
        text[1],
        text[2],
        {"kind": "media-disclosures", "investigated": investigated, "ongoing": rng.randint(0, investigated)},
        text[3],
        {"kind": "social-media", "cases": rng.randint(0, 9), "potentially": rng.random() < 0.5},
        text[4],
        {"kind": "second-jobs", "applications": applications, "approved": rng.randint(0, applications)},
        text[5],
        {"kind": "anti-corruption-staffing", "change": rng.choice(["increase", "no-change", "reduction"])},
    ]
    if forces()[slug].bilingual:  # each text beside its (synthetic) Welsh
        findings = [{"en": item, "cy": f"[Synthetig] {item}"} if isinstance(item, str) else item for item in findings]
    form = {
        "force": slug,
        "status": "final",
        "grade": rng.choice(["good-progress", "some-improvements", "improvements"]),
        "inspector": rng.choice(["zoe-billingham", "stephen-otter"]),
        "findings": findings,
        "quote": [
            f"[Synthetic] {name} has made progress in how it manages integrity issues since HMIC last reviewed "
            "this in 2011. There have been improvements in the way the force identifies and monitors integrity, "
            "and in how it deals with the inappropriate behaviour of staff using social media."
        ],
    }
    if forces()[slug].bilingual:
        form["quote"] = [{"en": text, "cy": f"[Synthetig] {text}"} for text in form["quote"]]
    return HEADER + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)


def write_forms(folder: Path, *, seed: int = 0, release_day: int | None = None) -> list[Path]:
    """Write the campaign and one synthetic form per force into ``folder``; return the forms.

    ``release_day`` moves the campaign's release date (and embargo) to that day of
    December 2012, so that several folders give releases with different file names.
    """
    folder.mkdir(parents=True, exist_ok=True)
    campaign = CAMPAIGN.read_text(encoding="utf-8")
    if release_day is not None:
        campaign = re.sub(r"2012-12-11", f"2012-12-{release_day:02d}", campaign)
    (folder / "campaign.yaml").write_text(bilingual(campaign), encoding="utf-8")
    written = []
    for slug, force in forces().items():
        path = folder / f"{slug}.yaml"
        path.write_text(synthetic_form(slug, force.name, seed=seed), encoding="utf-8")
        written.append(path)
    return written


def bilingual(campaign: str) -> str:
    """The campaign's text with its Welsh forces bilingual, and a synthetic Welsh for every English text.

    The Welsh is the English marked "[Synthetig]", its templates the English ones; each
    kind's Welsh examples say what the template gives in Welsh (figures, Welsh dates).
    """
    from authoring.inputs.load import validate_campaign
    from authoring.inputs.yamlsource import parse_yaml

    data = yaml.safe_load(campaign)
    data.pop("welsh", None)
    english = validate_campaign(parse_yaml(yaml.safe_dump(data, allow_unicode=True), CAMPAIGN))

    def mark(text: str) -> str:
        return f"[Synthetig] {text}"

    force = next(iter(forces().values()))
    kinds = {}
    for key, spec in english.findings.items():
        model = finding_model(key, spec)
        examples = []
        for example in spec.examples:
            finding = model.model_validate({**example.values, "kind": key}, context={"campaign": english})
            with speaking(WELSH):
                says = phrase(spec.phrase, finding_context(finding, english, force))
            examples.append({"values": example.values, "says": says})
        kinds[key] = {"phrase": spec.phrase, "examples": examples}
    data["cy"] = {
        "organisation": mark(english.organisation),
        "national_report": mark(english.national_report),
        **({"original_report": mark(english.original_report)} if english.original_report else {}),
        "verdicts": {key: mark(words) for key, words in english.verdicts.items()},
        "sentences": {
            name: getattr(english.sentences, name)
            for name in ("headline", "findings_lead_in", "attribution", "full_report")
        },
        "background": [mark(text) for text in english.background],
        "revisit": mark(english.revisit),
        "notes_to_editors": [mark(text) for text in english.notes_to_editors],
        "press_office": {"hours": mark(english.press_office.hours)},
        "quote_closing": [mark(text) for text in english.quote_closing],
        "periods": dict(english.periods),  # as in English, so that the examples read the same period
        "inspectors": {
            key: {part: mark(getattr(inspector, part)) for part in ("role", "region") if getattr(inspector, part)}
            for key, inspector in english.inspectors.items()
        },
        "findings": kinds,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def change_one(form: Path, step: int) -> None:
    """Change one figure in ``form`` (the social-media cases), as a press officer would."""
    text = form.read_text(encoding="utf-8")
    form.write_text(re.sub(r"cases: \d+", f"cases: {10 + step}", text, count=1), encoding="utf-8")


def remove(folder: Path) -> None:
    """Delete a folder this module (or the benchmark) made."""
    shutil.rmtree(folder, ignore_errors=True)
