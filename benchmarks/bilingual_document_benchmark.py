"""Benchmark what a bilingual document costs a bilingual release, side by side with the naive way.

Usage (from the checkout, with the package installed)::

    python benchmarks/bilingual_document_benchmark.py            # 7 runs of each, interleaved
    python benchmarks/bilingual_document_benchmark.py --runs 11

The example round's Dyfed-Powys release (English and Welsh), rendered in one process in
all four formats, warmed up first:

- ``releases``: the English and the Welsh release, as a round without the setting makes them;
- ``+ side-by-side`` and ``+ welsh-first``: the same, with the campaign asking for a
  bilingual document (four more files);
- ``naive welsh-first PDF``: the Welsh PDF and the English PDF, already made, joined page
  after page with pikepdf — what a press office might do by hand. It is cheap, and it is not
  what the toolkit makes: the joined file keeps the Welsh file's structure tree only, so the
  English pages have no tags and no language (a screen reader gets nothing of them).

CPU seconds of this process (``time.process_time``); the kinds alternate run by run, so that
each sees the same load on the machine. Prints each kind's median and its ratio to the
releases alone.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pikepdf

from authoring.build.pipeline import load_releases
from authoring.model.release import Release
from authoring.render import Format, render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "forces" / "value-for-money-2013"
COMMENTED = "  # bilingual_document: side-by-side  # or welsh-first; none unless asked\n"


def release_asking(folder: Path, layout: str | None) -> Release:
    """The example's Dyfed-Powys release, its campaign asking for ``layout`` (None: no bilingual document)."""
    target = folder / (layout or "none")
    shutil.copytree(EXAMPLE, target)
    campaign = target / "campaign.yaml"
    text = campaign.read_text(encoding="utf-8")
    if layout is not None:
        campaign.write_text(text.replace(COMMENTED, f"  bilingual_document: {layout}\n"), encoding="utf-8")
    ((_, release),) = load_releases([target / "dyfed-powys.yaml"])
    return release


def naive_join(welsh: bytes, english: bytes) -> bytes:
    """The two PDFs joined page after page (pikepdf), as by hand: no structure for the English pages."""
    with pikepdf.open(io.BytesIO(welsh)) as first, pikepdf.open(io.BytesIO(english)) as second:
        first.pages.extend(second.pages)
        out = io.BytesIO()
        first.save(out)
        return out.getvalue()


def cpu(task: Callable[[], object]) -> float:
    started = time.process_time()
    task()
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each kind (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bilingual-benchmark-") as scratch:
        folder = Path(scratch)
        plain, side, first = (release_asking(folder, layout) for layout in (None, "side-by-side", "welsh-first"))
        made = render(plain)  # warms up every renderer (and checks that the releases render)
        if not render(side).keys() - made.keys():
            raise SystemExit("the campaign asking for a side-by-side document made no bilingual document")
        welsh_pdf, english_pdf = made[Format("pdf@cy")], made[Format.PDF]
        kinds: dict[str, Callable[[], object]] = {
            "releases": lambda: render(plain),
            "+ side-by-side": lambda: render(side),
            "+ welsh-first": lambda: render(first),
            "naive welsh-first PDF": lambda: naive_join(welsh_pdf, english_pdf),
        }
        seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
        order = list(kinds)
        for run in range(args.runs):
            for kind in order if run % 2 == 0 else order[::-1]:
                seconds[kind].append(cpu(kinds[kind]))
            print(f"run {run + 1}/{args.runs}: " + ", ".join(f"{k} {seconds[k][-1]:.3f}" for k in order), flush=True)
    base = statistics.median(seconds["releases"])
    print(f"\nmedian CPU seconds over {args.runs} runs (Dyfed-Powys, English and Welsh, four formats each):")
    for kind in order:
        median = statistics.median(seconds[kind])
        print(f"  {kind:<22} {median:7.3f} s   {median / base:5.2f} × the releases alone")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
