"""Benchmark the national release's PDF: laid out by Typst (as shipped) against WeasyPrint printing its page.

Usage (from the checkout, with the package installed)::

    python benchmarks/national_pdf_benchmark.py            # 9 prints of each, interleaved
    python benchmarks/national_pdf_benchmark.py --runs 15

The 2012 round's summary over synthetic forms for all 44 forces (benchmarks/synthetic.py):
its national release is phrased and its charts drawn once, then printed alternately by the
two engines as a batch worker prints it: Typst from the release as data
(``render_national_pdf``), in a fresh process each time (a worker has not loaded Typst: its
import, fonts and first layout are counted; Typst would otherwise reuse its own cache from
the print before), and WeasyPrint from the national HTML page with the project's fonts and
asset fetcher, warmed up (as a worker has it), which is how the national PDF was printed
before: the naive way, one template for page and PDF. The figure is the median CPU time of
one print.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import synthetic

from authoring.build.manifest import Manifest
from authoring.build.national import NationalBuilds
from authoring.build.pipeline import load
from authoring.inputs.load import form_files
from authoring.render import formats
from authoring.render.assets import assets_fetcher, base_url, font_config, house_font_stylesheet
from authoring.render.environment import Templates
from authoring.render.national import draw_charts, render_national_html
from authoring.render.pdf import PDF_VARIANT
from authoring.render.weasy import use_fast_compression, weasyprint_module

#: One Typst print in a fresh process (the toolkit loaded, Typst not): the CPU time of the print alone.
TYPST_PRINT = """
import pickle, resource, sys
from authoring.render.national import render_national_pdf
release, svgs = pickle.loads(open(sys.argv[1], "rb").read())
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
started = cpu()
render_national_pdf(release, svgs)
print(cpu() - started)
"""


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="prints of each (default 9)")
    args = parser.parse_args(argv)
    templates = Templates.at()
    with tempfile.TemporaryDirectory(prefix="national-pdf-benchmark-") as scratch:
        root = Path(scratch)
        synthetic.write_forms(root / "round")
        _, loaded = load(form_files(root / "round"))
        plan = NationalBuilds.plan(
            loaded,
            out_dir=root / "out",
            formats=formats(),
            manifest=Manifest.read(root / "out", toolkit_version="benchmark"),
            templates=templates,
            force=True,
        )
    release = plan.jobs[0].release
    charts = draw_charts(release)
    svgs = {key: str(drawn.svg) for key, drawn in charts.items()}
    page = render_national_html(release, charts, templates)
    weasyprint = weasyprint_module()

    def by_weasyprint() -> float:
        started = cpu_seconds()
        use_fast_compression()
        document = weasyprint.HTML(string=page, base_url=base_url(templates), url_fetcher=assets_fetcher(templates))
        rendered = document.render(
            stylesheets=[house_font_stylesheet()], font_config=font_config(), pdf_variant=PDF_VARIANT
        )
        rendered.write_pdf(pdf_variant=PDF_VARIANT)
        return cpu_seconds() - started

    def by_typst(data: Path) -> float:
        done = subprocess.run(
            [sys.executable, "-c", TYPST_PRINT, str(data)], capture_output=True, text=True, check=True
        )
        return float(done.stdout.split()[-1])

    by_weasyprint()  # warm up, as a worker is
    with tempfile.TemporaryDirectory(prefix="national-pdf-benchmark-") as scratch:
        data = Path(scratch) / "release.pickle"
        data.write_bytes(pickle.dumps((release, svgs)))
        seconds: dict[str, list[float]] = {"Typst (shipped)": [], "WeasyPrint, the page": []}
        for _ in range(args.runs):
            seconds["Typst (shipped)"].append(by_typst(data))
            seconds["WeasyPrint, the page"].append(by_weasyprint())
    print(f"national release of {release.forces} forces; median CPU of {args.runs} prints, as a batch worker prints")
    for name, times in seconds.items():
        print(f"{name:>22}: {statistics.median(times):.3f} CPU-s")
    typst, weasy = (statistics.median(times) for times in seconds.values())
    print(f"ratio (WeasyPrint / Typst): {weasy / typst:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
