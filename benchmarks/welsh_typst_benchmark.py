"""Benchmark the Typst PDF of a Welsh release: one family (Fira Sans) against the house font with its fallback.

Usage (from the checkout, with the package installed)::

    python benchmarks/welsh_typst_benchmark.py             # 7 rounds of 10 PDFs each way
    python benchmarks/welsh_typst_benchmark.py --rounds 3 --pdfs 5

A bilingual release (both its languages) is set in one family, which has every Welsh
letter (docs/welsh.md). The naive way, as the Typst engine did before, sets it in the house
font and lets Typst take each letter the house font lacks (ŵ, ŷ, Greek, Cyrillic) from the
fallback, character by character. Both ways lay out the same text: the Welsh release of the
example round's Dyfed-Powys form, and the same release with hostile Welsh findings (Tŷ,
Ŵyr, names in Greek and Cyrillic, one finding in five). The naive way is that release with
its language set to English (the house font's rule), which changes nothing else Typst lays out.

In one warm process (Typst and its fonts loaded, one PDF of each made first, untimed), each
round times a batch of PDFs each way, in alternating order; reported: CPU seconds per PDF
(``time.process_time``, this process's threads included) for every round, their medians, and
the ratio of the medians.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from authoring.build.pipeline import load_releases
from authoring.model.inline import Inline, Span
from authoring.model.release import Release
from authoring.model.types import PdfEngine
from authoring.render.typst import render_typst_pdf

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "forces" / "value-for-money-2013"
#: Welsh text no house-font letter can print whole: ŵ ŷ Ŵ Ŷ, and names in Greek and Cyrillic.
HOSTILE_WELSH = (
    "Mae swyddogion yn Nhŷ Glas a Ŵyr yn Ŷd y Gaer yn cydweithio â Σωκράτης Παπαδόπουλος "
    "ac Ольга Петрова ar ŵyl yr heddlu; {n}"
)


def releases(folder: Path) -> dict[str, Release]:
    """The example's Welsh release, and the same with hostile Welsh findings; both to be printed by Typst."""
    shutil.copytree(EXAMPLE, folder / "round")
    form = folder / "round" / "dyfed-powys.yaml"
    (example,) = (release for _, release in load_releases([form], pdf_engine=PdfEngine.TYPST))
    data = yaml.safe_load(form.read_text(encoding="utf-8"))
    extra = [{"en": f"Officers at Tŷ Glas, finding {n}.", "cy": HOSTILE_WELSH.format(n=n)} for n in range(5)]
    data["findings"] = [*data["findings"], *extra]
    form.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (hostile,) = (release for _, release in load_releases([form], pdf_engine=PdfEngine.TYPST))
    return {"example": example.translations[0], "hostile": hostile.translations[0]}


def house_font_way(welsh: Release) -> Release:
    """The same Welsh text, set the naive way: the house font, and the fallback for each letter it lacks."""
    return dataclasses.replace(welsh, language="en-GB", translations=())


def variant(release: Release, number: int) -> Release:
    """The release with a number before every paragraph: Typst remembers the layout of a text it has laid out
    (in this process), so each PDF timed gets text of its own, as each release of a batch has."""

    def numbered(text: Inline) -> Inline:
        return Inline((Span(f"{number} "), *text.spans))

    fields = ("background", "findings", "after_findings", "quote", "notes")
    changed: dict[str, Any] = {name: tuple(map(numbered, getattr(release, name))) for name in fields}
    return dataclasses.replace(release, headline=f"{release.headline} {number}", **changed)


def timed(release: Release, pdfs: int, numbers: Iterator[int]) -> float:
    """CPU seconds per PDF of ``pdfs`` variants of the release, numbered from the next of ``numbers``."""
    first = next(numbers)
    variants = [variant(release, number) for number in range(first, first + pdfs)]
    start = time.process_time()
    for each in variants:
        render_typst_pdf(each)
    return (time.process_time() - start) / pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pdfs", type=int, default=10, help="PDFs per round and way")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        for name, welsh in releases(Path(scratch)).items():
            counter = itertools.count(step=args.pdfs)  # every PDF of the run has text of its own
            ways: dict[str, Callable[[], float]] = {
                "one family (Fira Sans)": functools.partial(timed, welsh, args.pdfs, counter),
                "house font + fallback (naive)": functools.partial(timed, house_font_way(welsh), args.pdfs, counter),
            }
            for way in ways.values():  # warm: fonts, template, the first layouts
                way()
            times: dict[str, list[float]] = {label: [] for label in ways}
            for number in range(args.rounds):
                order = list(ways) if number % 2 == 0 else list(ways)[::-1]
                for label in order:
                    times[label].append(ways[label]())
            print(f"\n{name}: the Welsh release, Typst, CPU ms per PDF ({args.rounds} rounds of {args.pdfs})")
            for label, values in times.items():
                rounds = ", ".join(f"{value * 1000:.1f}" for value in values)
                print(f"  {label:32} median {statistics.median(values) * 1000:6.1f}  ({rounds})")
            one, naive = (statistics.median(values) for values in times.values())
            print(f"  ratio one family / naive: {one / naive:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
