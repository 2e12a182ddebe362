"""Count the instructions one PDF costs, with callgrind: a measure the machine's load does not move.

Usage (from the checkout, with the package installed and valgrind on the machine)::

    python benchmarks/pdf_instructions.py                   # 4 releases; about 2 minutes
    python benchmarks/pdf_instructions.py --releases 22 --templates /path/to/templates

Wall-clock and CPU timings on a shared machine drift by ±30 % within minutes, too much to
judge a change of a few per cent. ``valgrind --tool=callgrind`` counts the instructions a
process executes instead: the same program, inputs and environment give the same count
(within 0.2 %), whatever else the machine is doing. This script runs two processes under
callgrind, each warming up as a batch worker does (``pdf.warm_up()``) and then printing
the first N synthetic releases (benchmarks/synthetic.py) to PDF — one with N releases and
one with none — and reports the difference divided by N: the instructions of one
release, start-up and warm-up left out. ``PYTHONHASHSEED`` is fixed so that both runs
hash alike.

To judge a change to the stylesheet or a template, run it once on each side of the
change (``--templates`` points at another templates folder); ``--keep`` keeps the
callgrind files for ``callgrind_annotate``. The count per release falls as N grows
(some costs come once per process: each new glyph count makes cffi parse a C type), so
compare counts made with the same N. The HTML page of each release (about 1 % of the
count) is made in the measured run too.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=4, help="releases printed in the measured run (default 4)")
    parser.add_argument("--templates", type=Path, help="another templates folder (default: the shipped one)")
    parser.add_argument("--keep", type=Path, help="keep the callgrind output files in this folder")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--forms", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return _print_releases(args.forms, args.child, args.templates)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2

    import synthetic

    with tempfile.TemporaryDirectory(prefix="authoring-instructions-") as scratch:
        folder = Path(scratch)
        forms = folder / "forms"
        forms.mkdir()
        synthetic.write_forms(forms)
        keep = args.keep or folder
        keep.mkdir(parents=True, exist_ok=True)
        counts = {n: _count(n, forms, args.templates, keep / f"callgrind.{n}.out") for n in (0, args.releases)}
    per_release = (counts[args.releases] - counts[0]) / args.releases
    print(f"start-up and warm-up: {counts[0] / 1e6:,.0f} M instructions")
    print(f"{args.releases} releases: {counts[args.releases] / 1e6:,.0f} M instructions")
    print(f"per release: {per_release / 1e6:,.1f} M instructions")
    return 0


def _count(releases: int, forms: Path, templates: Path | None, out: Path) -> int:
    """Run the child under callgrind; the total instructions it executed."""
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(releases),
        "--forms",
        str(forms),
    ]
    if templates is not None:
        command += ["--templates", str(templates)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"callgrind run failed:\n{result.stderr[-2000:]}")
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in callgrind's output:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def _print_releases(forms: Path, releases: int, templates: Path | None) -> int:
    """The measured process: warm up as a worker does, then print ``releases`` PDFs."""
    from authoring.build.pipeline import load_releases
    from authoring.render import pdf
    from authoring.render.environment import Templates
    from authoring.render.html import render_html

    shipped = Templates.at(templates)
    pdf.warm_up(shipped)
    paths = sorted(form for form in forms.glob("*.yaml") if form.name != "campaign.yaml")
    loaded = [release for _, release in load_releases(paths)]
    for release in loaded[:releases]:
        pdf.render_pdf(release, render_html(release, shipped), shipped)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
