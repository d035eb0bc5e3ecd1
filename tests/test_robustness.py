"""One submission never breaks a class: what a runner or a file says is checked on entry,
and what is stored, exported or rendered for one student fails for that student alone."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from grader.course.bank import Bank
from grader.errors import ProtocolError
from grader.grading import proxies
from grader.grading.batch import run_batch
from grader.grading.grader import GradingOptions
from grader.results.model import SubmissionResult
from grader.sandbox.session import RunnerSession
from grader.text import TRUNCATED, TextBudget, display_text, escaped_surrogates, valid_unicode

from .conftest import TEST_LIMITS, solution_source, starter_source

# -- text on entry -----------------------------------------------------------------


def test_text_from_a_runner_is_valid_unicode_without_controls() -> None:
    shown = display_text("a\x1b[31mred\x1b[0m\x00\x07\ud800\u202eb\tc\r\n", 100)
    assert shown == "ared\ufffdb\tc\n"
    shown.encode("utf-8")


def test_a_carriage_return_starts_its_line_over_as_in_a_terminal() -> None:
    assert display_text("1/3 [=>  ]\r2/3 [==> ]\r3/3 [===]\r\nloss 0.1\n", 100) == (
        "3/3 [===]\nloss 0.1\n"
    )


def test_long_text_is_cut_and_says_so() -> None:
    shown = display_text("x" * 10_000_000, 1000)
    assert len(shown) == 1000 and shown.endswith(TRUNCATED)
    assert display_text(12, 100) == "" and display_text(None, 100) == ""


def test_a_budget_is_shared_by_every_cell() -> None:
    budget = TextBudget(1000)
    kept = [budget.take("y" * 700, 800) for _ in range(3)]
    assert len(kept[0]) == 700 and 0 < len(kept[1]) <= 300 and kept[2] == ""
    assert sum(map(len, kept)) <= 1000


def test_names_keep_undecodable_bytes_apart() -> None:
    assert escaped_surrogates("kim\udcff") != escaped_surrogates("kim\udcfe")
    escaped_surrogates("kim\udcff").encode("utf-8")
    assert valid_unicode("kim") == "kim" and valid_unicode("\udcff") == "\ufffd"


# -- tensors rebuilt in the grader --------------------------------------------------


@pytest.mark.parametrize(
    "array",
    [
        np.ndarray(2_000, dtype="S0"),
        np.ndarray(2_000, dtype="U0"),
        np.zeros(3, dtype=[("a", "<f8")]),
        np.array([object()], dtype=object),
        "not an array",
    ],
    ids=["S0", "U0", "structured", "object", "str"],
)
def test_a_tensor_value_that_is_not_plain_sized_data_never_reaches_tensorflow(
    array: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tensorflow as tf

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tf.constant was called with an unchecked value")

    monkeypatch.setattr(tf, "constant", refuse)
    with pytest.raises(ProtocolError):
        proxies._as_tensor(array)


def test_string_tensors_have_their_own_element_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proxies, "MAX_STRING_TENSOR_ELEMENTS", 10)
    assert proxies._as_tensor(np.array(["ab"] * 10)).shape == (10,)
    assert proxies._as_tensor(np.zeros(11, np.float32)).shape == (11,)
    with pytest.raises(ProtocolError, match="elements"):
        proxies._as_tensor(np.array(["ab"] * 11))


# -- a runner whose own code the submission replaced --------------------------------

#: Student code that rewrites every cell report the runner sends: 2 MiB of stdout with
#: a lone surrogate and terminal escapes, a traceback and an error type of the same kind.
FLOOD = r"""
import grader.sandbox.wire as _p
_real = _p.encode_frame
def _flood(message, **options):
    value = message.get("value")
    if isinstance(value, dict) and "stdout" in value:
        value = {**value, "status": "error", "stdout": "\ud800\x1b[2J\x00" + "x" * 2**21,
                 "error": {"ename": "E" * 5000, "evalue": "v" * 2**20, "traceback": "t" * 2**21}}
        message = {**message, "value": value}
    return _real(message, **options)
_p.encode_frame = _flood
"""


@pytest.mark.slow
def test_what_a_runner_reports_is_capped_in_the_grader_per_cell_and_submission(
    runner: Callable[..., RunnerSession],
) -> None:
    session = runner()
    # The flood's own cell is reported through the replaced code too.
    runs = [session.run_cell(1, None, FLOOD)]
    runs += [session.run_cell(n, None, "print('hi')") for n in range(2, 6)]
    limit = TEST_LIMITS.output_bytes
    for run in runs:
        assert run.status == "error"
        assert "\ud800" not in run.stdout and "\x1b" not in run.stdout and "\x00" not in run.stdout
        assert len(run.stdout) <= limit and len(run.ename) <= 200
        assert len(run.traceback) <= 32 * 1024
    assert sum(len(run.stdout) for run in runs) <= limit
    assert sum(len(run.traceback) + len(run.evalue) for run in runs) <= limit
    assert runs[0].stdout.endswith(TRUNCATED)


# -- one student's post-processing fails alone --------------------------------------


def test_a_student_whose_result_cannot_be_stored_fails_alone(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.grading import batch
    from grader.results.store import ResultsStore

    from .results.test_store import hostile_result, result

    class_dir = tmp_path / "class"
    class_dir.mkdir()
    for name in ("kim", "lee", "mallory"):
        (class_dir / f"{name}.py").write_text("# EXERCISE: one_hot\n")
    graded = [result("kim", 2.0), result("lee", 1.0), replace(hostile_result(), student="mallory")]

    def grade_all(*args: object) -> Iterator[tuple[SubmissionResult, list[str]]]:
        yield from ((r, []) for r in graded)

    real_save = ResultsStore.save

    def save(store: ResultsStore, stored: SubmissionResult) -> None:
        if stored.student == "lee" and stored.exercises:
            raise sqlite3.OperationalError("database or disk is full")
        real_save(store, stored)

    monkeypatch.setattr(batch, "_grade_all", grade_all)
    monkeypatch.setattr(ResultsStore, "save", save)
    out = tmp_path / "out"
    summary = run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    assert summary.graded == 3
    assert any(n.startswith("lee: result: could not be stored") for n in summary.notices)
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert (rows["kim"]["total"], rows["lee"]["total"], rows["mallory"]["total"]) == ("2", "0", "0")
    assert {p.stem for p in (out / "students").glob("*.html")} == {"kim", "lee", "mallory"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "disk is full" in index
    with ResultsStore(out / "results.sqlite") as store:
        [lee] = store.results(["lee"])
    assert lee.error is not None and "could not be stored" in lee.error


# -- a hostile notebook graded beside honest ones ------------------------------------

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)


@pytest.mark.slow
def test_a_hostile_notebook_beside_honest_ones_leaves_every_view_written(
    bank: Bank, tmp_path: Path
) -> None:
    import json

    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    answer = solution_source(bank, "one_hot")
    class_dir = tmp_path / "class"
    class_dir.mkdir()
    (class_dir / "kim.py").write_text("# EXERCISE: one_hot\n" + answer)
    (class_dir / "lee.py").write_text("# EXERCISE: one_hot\n" + starter_source(bank, "one_hot"))
    mallory = new_notebook()
    mallory.cells = [
        new_markdown_cell(
            "![screen](attachment:screen.png) [docs](javascript:alert(1))",
            attachments={"screen.png": {"image/png": PNG}},
        ),
        new_code_cell("print('\\ud800', '\\x1b[2J\\x00\\x07'); raise ValueError('\\udcff')"),
        new_code_cell("# EXERCISE: one_hot\n" + answer),
    ]
    (class_dir / "mallory.ipynb").write_text(nbformat.writes(mallory), encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    assert summary.graded == 3
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    assert {p.stem for p in (out / "students").glob("*.html")} == set(rows)
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    [kim] = [s for s in document["students"] if s["student"] == "kim"]
    full = sum(e["max_points"] for e in kim["exercises"] if e["exercise"] == "one_hot")
    assert float(rows["kim"]["one_hot"]) == float(rows["mallory"]["one_hot"]) == full
    assert float(rows["lee"]["one_hot"]) < full
    [run] = [c for s in document["students"] if s["student"] == "mallory" for c in s["cells"]][:1]
    assert run["stdout"].startswith("\ufffd") and "\x1b" not in run["stdout"]
    page = (out / "students" / "mallory.html").read_text(encoding="utf-8")
    assert f"data:image/png;base64,{PNG}" in page and "javascript:" not in page
    assert "Content-Security-Policy" in (out / "index.html").read_text(encoding="utf-8")
