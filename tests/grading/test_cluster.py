"""A batch on a Dask cluster lands in the same store, with the same grades, as a local one."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest

from grader.course.bank import Bank
from grader.errors import GraderError
from grader.grading.batch import run_batch
from grader.grading.grader import GradingOptions

from ..conftest import COURSE_LIMITS, ROOT

pytestmark = pytest.mark.slow


def grades(out: Path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}


def test_a_two_worker_cluster_grades_like_one_process(bank: Bank, tmp_path: Path) -> None:
    import dask
    from distributed import LocalCluster

    class_dir = tmp_path / "class"
    class_dir.mkdir()
    for name in ("bob.py", "chloe.ipynb", "frank.ipynb", "eve"):
        source = ROOT / "samples" / "class" / name
        if source.is_dir():
            shutil.copytree(source, class_dir / name)
        else:
            shutil.copy(source, class_dir / name)
    options = GradingOptions(limits=COURSE_LIMITS)
    local = run_batch(bank, class_dir, tmp_path / "local", options)
    # The scheduler, the nannies and the workers each make a dask-scratch-space under the
    # temporary directory (/tmp by default, left behind); the nannies pass this config on
    # to their worker processes.
    with (
        dask.config.set({"temporary-directory": str(tmp_path / "dask")}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        scratch = [Path(w["local_directory"]) for w in cluster.scheduler_info["workers"].values()]
        assert len(scratch) == 2 and all(d.is_relative_to(tmp_path) for d in scratch)
        remote = run_batch(
            bank, class_dir, tmp_path / "cluster", options, cluster=cluster.scheduler_address
        )
        assert (remote.graded, local.graded) == (4, 4)
        again = run_batch(
            bank, class_dir, tmp_path / "cluster", options, cluster=cluster.scheduler_address
        )
        assert (again.graded, again.skipped) == (0, 4)
    assert grades(tmp_path / "cluster") == grades(tmp_path / "local")
    page = (tmp_path / "cluster" / "students" / "bob.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "return (n - m) // s + 1" in text, "the page should show bob's graded code"


def test_an_unreachable_scheduler_is_a_clear_error(bank: Bank, tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("x = 1\n")
    with pytest.raises(GraderError, match="dask scheduler"):
        run_batch(
            bank,
            tmp_path / "class",
            tmp_path / "out",
            GradingOptions(),
            cluster="tcp://127.0.0.1:1",
        )
