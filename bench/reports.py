"""Time to render a class's HTML reports, against rendering each notebook with nbconvert.

Run on demand::

    .venv/bin/python bench/reports.py [--students 200]

Grades the bundled sample class once, then renders the reports of a class of N
students made from those results (names varied), and, as the baseline in the same
run, exports each student's notebook with nbconvert's full HTML exporter. Prints
seconds for both and the ratio baseline/ours.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from grader.course.bank import load_bank  # noqa: E402
from grader.grading.batch import run_batch  # noqa: E402
from grader.grading.grader import GradingOptions  # noqa: E402
from grader.results.store import ResultsStore  # noqa: E402
from grader.sandbox.confinement import Limits  # noqa: E402
from grader.views.html import write_reports  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    count = parser.parse_args().students
    bank = load_bank(ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "sample"
        limits = Limits(cpu_seconds=10)
        run_batch(bank, ROOT / "samples" / "class", out, GradingOptions(limits=limits))
        with ResultsStore(out / "results.sqlite") as store:
            graded = store.results()
        cls = [
            dataclasses.replace(graded[i % len(graded)], student=f"student{i:04d}")
            for i in range(count)
        ]
        started = time.perf_counter()
        write_reports(cls, bank, Path(scratch) / "class")
        ours = time.perf_counter() - started

        from nbconvert import HTMLExporter

        exporter = HTMLExporter()
        notebooks = [r.path for r in cls if r.path.endswith(".ipynb") and r.error is None]
        started = time.perf_counter()
        for path in notebooks:
            exporter.from_filename(path)
        per_notebook = (time.perf_counter() - started) / max(len(notebooks), 1)
        baseline = per_notebook * count
    print(f"{count} students' reports (index and one page each): {ours:.2f} s")
    print(
        f"nbconvert HTMLExporter, one notebook per student:   {baseline:.2f} s "
        f"({baseline / ours:.1f}x ours)"
    )


if __name__ == "__main__":
    main()
