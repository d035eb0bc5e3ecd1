"""What a student waits for: ``grader check`` against one TensorFlow import.

Run on demand (not part of the tests)::

    .venv/bin/python bench/check.py [--runs 5]

Times, in one run and alternating so that both see the same machine:

* ``python -c "import tensorflow"``: the least any check of TensorFlow code can cost;
* ``grader check`` on a one-exercise notebook (the reference answer of ``one_hot``), as a
  student runs it, from process start to exit.

Prints the medians, the cells' own run time as the runner measured it, and the ratio
``check / (import + cells)``, whose target is at most 1.3.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "one_hot"


def write_notebook(folder: Path) -> Path:
    notebook = new_notebook()
    source = (ROOT / "solutions" / EXERCISE / "solution.py").read_text(encoding="utf-8")
    notebook.cells = [new_code_cell(source)]
    path = folder / "mine.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def timed(command: list[str]) -> float:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def cell_seconds(notebook: Path) -> float:
    """The cells' own run time, from one graded run's stored timings."""
    sys.path.insert(0, str(ROOT))
    from grader.bank import load_bank
    from grader.grading import Grader, GradingOptions

    options = GradingOptions(hidden=False, answered_only=True, trust_submissions=True)
    with Grader(load_bank(ROOT, with_solutions=False), options) as grader:
        return grader.grade_file(notebook).timings["cells"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        notebook = write_notebook(Path(scratch))
        check = [sys.executable, "-m", "grader.cli", "--bank", str(ROOT), "check", str(notebook)]
        imports, checks = [], []
        for _ in range(args.runs):
            imports.append(timed([sys.executable, "-c", "import tensorflow"]))
            checks.append(timed(check))
        cells = cell_seconds(notebook)
    tf_import, graded = statistics.median(imports), statistics.median(checks)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "import_tensorflow_s": round(tf_import, 3),
                "cells_s": round(cells, 3),
                "grader_check_s": round(graded, 3),
                "ratio": round(graded / (tf_import + cells), 2),
                "target_ratio": 1.3,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
