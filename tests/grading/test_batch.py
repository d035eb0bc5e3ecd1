"""Grading a class folder: every view written, reruns resume, workers agree with one process."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from grader.course.bank import Bank
from grader.grading.batch import discover, run_batch
from grader.grading.grader import GradingOptions
from grader.results.store import ResultsStore

from ..conftest import COURSE_LIMITS, ROOT, cpu_hogs

SAMPLES = ROOT / "samples" / "class"


def test_discovery_finds_files_and_folders_and_refuses_doubles(tmp_path: Path) -> None:
    (tmp_path / "kim.ipynb").write_text("{}")
    (tmp_path / "kim.py").write_text("")
    (tmp_path / "lee").mkdir()
    (tmp_path / "lee" / "work.py").write_text("")
    (tmp_path / "park").mkdir()
    (tmp_path / "notes.txt").write_text("")
    entries = {e.student: e for e in discover(tmp_path)}
    assert set(entries) == {"kim", "lee", "park"}
    assert "more than one submission (kim.ipynb, kim.py)" in str(entries["kim"].refusal)
    assert "kim.py" in str(entries["kim"].problem)
    assert entries["lee"].path.name == "work.py" and entries["lee"].problem is None
    assert entries["lee"].refusal is None
    assert "holds no .ipynb or .py" in str(entries["park"].problem)


@pytest.fixture(scope="module")
def sample_batch(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("batch")
    class_dir = base / "class"
    shutil.copytree(SAMPLES, class_dir)
    out = base / "out"
    # Graded with the machine busy: a grade must not depend on the load.
    with cpu_hogs(2):
        summary = run_batch(bank, class_dir, out, GradingOptions(limits=COURSE_LIMITS))
    assert summary.graded == summary.students == 6
    return class_dir, out


@pytest.mark.slow
def test_the_sample_class_earns_its_recorded_totals_on_a_busy_machine(
    sample_batch: tuple[Path, Path],
) -> None:
    _, out = sample_batch
    expected = json.loads((ROOT / "samples" / "expected.json").read_text())
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert {student: float(row["total"]) for student, row in rows.items()} == expected["total"]
    assert {float(row["max"]) for row in rows.values()} == {expected["max"]}


@pytest.mark.slow
def test_the_sample_class_is_graded_into_every_view(
    sample_batch: tuple[Path, Path], bank: Bank
) -> None:
    _, out = sample_batch
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert set(rows) == {"alice", "bob", "chloe", "dan", "eve", "frank"}
    assert rows["alice"]["total"] == rows["alice"]["max"] == rows["eve"]["total"]
    assert rows["frank"]["total"] == "0"
    document = json.loads((out / "results.json").read_text())
    by_student = {s["student"]: s for s in document["students"]}
    assert "invalid JSON" in by_student["frank"]["error"]
    bob_diagnoses = {c["diagnosis"] for e in by_student["bob"]["exercises"] for c in e["checks"]}
    assert {"numpy-not-tensor", "one-hot-twice", "padding-forgotten"} <= bob_diagnoses
    dan_cells = by_student["dan"]["cells"]
    assert [c["status"] for c in dan_cells] == ["ok", "timeout", "ok"]
    assert (out / "index.html").is_file()
    assert {p.stem for p in (out / "students").glob("*.html")} == set(rows)


@pytest.mark.slow
def test_a_rerun_skips_unchanged_and_regrades_changed(
    sample_batch: tuple[Path, Path], bank: Bank
) -> None:
    class_dir, out = sample_batch
    with ResultsStore(out / "results.sqlite") as store:
        [before] = store.results(["bob"])
    again = run_batch(bank, class_dir, out, GradingOptions(limits=COURSE_LIMITS))
    assert (again.graded, again.skipped) == (0, 6)
    bob = class_dir / "bob.py"
    bob.write_text(bob.read_text().replace("(n - m) // s + 1", "(n + 2 * p - m) // s + 1"))
    changed = run_batch(bank, class_dir, out, GradingOptions(limits=COURSE_LIMITS))
    assert (changed.graded, changed.skipped) == (1, 5)
    with ResultsStore(out / "results.sqlite") as store:
        [after] = store.results(["bob"])
    conv_before, conv_after = (
        before.exercise("conv_output_size"),
        after.exercise("conv_output_size"),
    )
    assert conv_before is not None and conv_after is not None
    assert conv_after.points > conv_before.points
    assert "padding-forgotten" not in {c.diagnosis for c in conv_after.checks}


@pytest.mark.slow
def test_two_workers_give_the_same_grades_as_one(
    bank: Bank, tmp_path: Path, sample_batch: tuple[Path, Path]
) -> None:
    _, out = sample_batch
    parallel = tmp_path / "parallel"
    summary = run_batch(bank, SAMPLES, parallel, GradingOptions(limits=COURSE_LIMITS), jobs=2)
    assert summary.graded == 6
    single = {r["student"]: r["total"] for r in csv.DictReader((out / "grades.csv").open())}
    both = {r["student"]: r["total"] for r in csv.DictReader((parallel / "grades.csv").open())}
    single["bob"] = both["bob"]  # bob was corrected in the rerun test's copy
    assert both == single


@pytest.mark.slow
def test_one_submission_to_grade_starts_no_worker_pool(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started for one submission")

    monkeypatch.setattr("grader.grading.batch.ProcessPoolExecutor", no_pool)
    monkeypatch.setattr("grader.grading.batch.SharedZygote", no_pool)
    single = tmp_path / "class"
    single.mkdir()
    shutil.copy(SAMPLES / "bob.py", single / "bob.py")
    options = GradingOptions(limits=COURSE_LIMITS)
    summary = run_batch(bank, single, tmp_path / "out", options, jobs=2)
    assert summary.graded == 1
