"""The results store keeps every graded submission and knows what is already current."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grader.errors import StoreError
from grader.feedback import Message
from grader.results import CellRun, CheckOutcome, ExerciseResult, SubmissionResult
from grader.store import ResultsStore


def result(student: str, points: float, sha: str = "abc", version: str = "v1") -> SubmissionResult:
    check = CheckOutcome(
        "one_hot",
        "test_public::test_x",
        Message("제목", "title"),
        "public",
        "passed" if points else "failed",
        points,
        2.0,
        None if points else Message("틀림", "wrong"),
        "one-hot-twice",
    )
    return SubmissionResult(
        student,
        f"{student}.ipynb",
        sha,
        version,
        (ExerciseResult("one_hot", True, (check,)),),
        cells=(CellRun(1, "one_hot", "ok", stdout="hi"),),
        timings={"cells": 0.1},
    )


def test_a_saved_result_comes_back_whole(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(result("kim", 2.0))
    with ResultsStore(tmp_path / "r.sqlite") as store:
        [back] = store.results()
    assert back == result("kim", 2.0)
    assert back.points == 2.0 and back.max_points == 2.0


def test_regrading_replaces_the_earlier_result(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(result("kim", 0.0, sha="old"))
        store.save(result("kim", 2.0, sha="new"))
        assert [r.points for r in store.results()] == [2.0]
        assert store.is_current("kim", "new", "v1")
        assert not store.is_current("kim", "old", "v1")
        assert not store.is_current("kim", "new", "v2")


def test_per_check_rows_are_queryable_with_plain_sql(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(result("kim", 0.0))
        store.save(result("lee", 2.0))
    rows = (
        sqlite3.connect(tmp_path / "r.sqlite")
        .execute("SELECT student, outcome, diagnosis FROM checks ORDER BY student")
        .fetchall()
    )
    assert rows == [("kim", "failed", "one-hot-twice"), ("lee", "passed", "one-hot-twice")]


def test_only_the_asked_students_are_listed(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(result("kim", 1.0))
        store.save(result("lee", 2.0))
        assert [r.student for r in store.results(["lee"])] == ["lee"]


def test_an_unopenable_store_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="writable"):
        ResultsStore(blocker / "r.sqlite")
