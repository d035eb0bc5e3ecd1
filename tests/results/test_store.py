"""The results store keeps every graded submission and knows what is already current."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from grader.errors import StoreError
from grader.feedback import Message
from grader.results.model import CellRun, CheckOutcome, ExerciseResult, SubmissionResult
from grader.results.store import ResultsStore


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


def hostile_result(student: str = "mallory\udcff") -> SubmissionResult:
    """A result carrying lone surrogates and controls in every text a submission can reach."""
    bad = "\ud800 \udfff\x00\x1b[31m"
    check = CheckOutcome(
        "one_hot" + bad,
        "test_public::test_x" + bad,
        Message("제목" + bad, "title" + bad),
        "public",
        "failed",
        0.0,
        2.0,
        Message("틀림" + bad, "wrong" + bad),
        "diagnosis" + bad,
    )
    return SubmissionResult(
        student,
        f"{student}.ipynb",
        "abc",
        "v1",
        (ExerciseResult("one_hot", True, (check,)),),
        cells=(CellRun(1, "one_hot", "error", stdout=bad, ename=bad, evalue=bad, traceback=bad),),
        error="could not read" + bad,
        notices=(bad,),
        runner_status=bad,
        timings={bad: 1.0},
    )


def test_a_result_with_lone_surrogates_anywhere_is_saved_and_read_back(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(hostile_result())
        store.save(hostile_result("mallory\udcfe"))
        store.save(result("kim", 2.0))
        assert store.is_current("mallory\udcff", "abc", "v1")
        back = store.results()
    assert len(back) == 3
    import json

    for stored in back:
        json.dumps(stored.to_json(), ensure_ascii=False).encode("utf-8")
    kim, mallory, other = back
    assert kim == result("kim", 2.0)
    assert mallory.student != other.student
    assert mallory.cells[0].stdout.startswith("\ufffd")
    assert mallory.exercises[0].checks[0].message is not None
    assert "\x00" not in mallory.exercises[0].checks[0].message.en


def test_a_stored_row_that_cannot_be_read_is_that_students_alone(tmp_path: Path) -> None:
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(result("kim", 2.0))
        store.save(result("lee", 1.0))
    with sqlite3.connect(tmp_path / "r.sqlite") as db:
        db.execute("UPDATE submissions SET result = '{\"student\": 3}' WHERE student = 'lee'")
    with ResultsStore(tmp_path / "r.sqlite") as store:
        kim, lee = store.results()
    assert kim == result("kim", 2.0)
    assert lee.student == "lee" and lee.error is not None and "results store" in lee.error


def test_what_the_page_shows_is_stored_with_the_result(tmp_path: Path) -> None:
    from dataclasses import replace

    from grader.results.model import MarkdownCell

    shown = replace(
        result("kim", 2.0),
        cells=(CellRun(2, "one_hot", "ok", stdout="hi", source="# EXERCISE: one_hot\nx = 1\n"),),
        markdown=(
            MarkdownCell(1, "## 풀이 ![s](attachment:s.png)", {"s.png": {"image/png": "iVBO"}}),
        ),
    )
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(shown)
    with ResultsStore(tmp_path / "r.sqlite") as store:
        [back] = store.results()
    assert back == shown
    assert back.cells[0].source.endswith("x = 1\n") and back.markdown[0].attachments


def test_a_result_stored_before_code_was_kept_still_reads(tmp_path: Path) -> None:
    data = result("kim", 2.0).to_json()
    del data["markdown"]
    for cell in data["cells"]:
        del cell["source"]
    back = SubmissionResult.from_json(data)
    assert back == result("kim", 2.0) and back.markdown == () and back.cells[0].source == ""
