"""Per-submission overhead of a runner forked from the warm zygote, against two baselines.

Run on demand (not part of the tests)::

    .venv/bin/python bench/overhead.py [--runs 10]

Measures, in one run on this machine, for the same notebook (every reference solution):

* ours: fork a runner from the warm zygote, run the notebook's cells, close it;
* ``python -c "import tensorflow"``: what a fresh interpreter pays before any cell;
* nbclient: a fresh Jupyter kernel executing the notebook (the common notebook grader).

Prints the median per submission and the ratio of each baseline to ours.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from grader.course.bank import load_bank  # noqa: E402
from grader.sandbox.confinement import Confinement, Limits  # noqa: E402
from grader.sandbox.session import RunnerSession  # noqa: E402
from grader.sandbox.zygote import Zygote  # noqa: E402


def reference_cells() -> list[str]:
    bank = load_bank(ROOT)
    return [e.solution.read_text() for e in bank.exercises if e.solution is not None]


def time_ours(cells: list[str], runs: int) -> tuple[list[float], list[float]]:
    totals, cell_times = [], []
    confinement = Confinement(Limits(), (str(ROOT),))
    with Zygote() as zygote:
        RunnerSession(zygote, confinement).close()  # the zygote's own start is paid once
        for _ in range(runs):
            started = time.perf_counter()
            session = RunnerSession(zygote, confinement)
            ran = [session.run_cell(i, None, source) for i, source in enumerate(cells)]
            session.close()
            totals.append(time.perf_counter() - started)
            cell_times.append(sum(run.seconds for run in ran))
            assert all(run.status == "ok" for run in ran), ran
    return totals, cell_times


def time_import(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import tensorflow"],
            check=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        times.append(time.perf_counter() - started)
    return times


def time_nbclient(cells: list[str], runs: int) -> list[float]:
    from nbclient import NotebookClient

    notebook = new_notebook()
    notebook.cells = [new_code_cell(source) for source in cells]
    times = []
    for _ in range(runs):
        copy = nbformat.from_dict(notebook)
        started = time.perf_counter()
        NotebookClient(copy, timeout=120, kernel_name="python3").execute()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    cells = reference_cells()
    ours, cell_times = time_ours(cells, runs)
    imports = time_import(max(3, runs // 2))
    kernels = time_nbclient(cells, max(3, runs // 2))
    ours_median = statistics.median(ours)
    overhead = statistics.median(t - c for t, c in zip(ours, cell_times, strict=True))
    print(f"notebook: {len(cells)} cells (every reference solution); runs: {runs}")
    print(
        f"ours (fork from warm zygote, run, close): {ours_median:.3f} s per submission, "
        f"of which {overhead:.3f} s overhead above the cells' own run time"
    )
    print(
        f"python -c 'import tensorflow':            {statistics.median(imports):.3f} s "
        f"({statistics.median(imports) / ours_median:.1f}x ours)"
    )
    print(
        f"fresh Jupyter kernel (nbclient):          {statistics.median(kernels):.3f} s "
        f"({statistics.median(kernels) / ours_median:.1f}x ours)"
    )


if __name__ == "__main__":
    main()
