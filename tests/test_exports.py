"""grades.csv and results.json, rendered from results."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from grader.bank import Bank
from grader.errors import StoreError
from grader.exports import grades_csv, results_json, write_atomically

from .test_store import result


def test_grades_have_a_column_per_exercise_then_total_and_max(bank: Bank) -> None:
    rows = list(csv.reader(io.StringIO(grades_csv([result("kim", 1.5)], bank.ids()))))
    assert rows[0] == ["student", *bank.ids(), "total", "max"]
    kim = dict(zip(rows[0], rows[1], strict=True))
    assert kim["student"] == "kim" and kim["one_hot"] == "1.50" and kim["total"] == "1.50"
    assert kim["tensors"] == "0" and kim["max"] == "2"


def test_results_json_carries_both_languages_and_timings(bank: Bank) -> None:
    document = json.loads(results_json([result("kim", 0.0)], bank))
    [student] = document["students"]
    check = student["exercises"][0]["checks"][0]
    assert check["message"] == {"ko": "틀림", "en": "wrong"}
    assert check["outcome"] == "failed" and check["max_points"] == 2.0
    assert student["timings"] == {"cells": 0.1}
    assert document["bank_version"] == bank.version


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "grades.csv"
    target.write_text("old")

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(StoreError, match="No space left"):
        write_atomically(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old"
