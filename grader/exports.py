"""Grade files rendered from stored results: ``grades.csv`` and ``results.json``.

Each is written to a temporary file and moved into place, so a full disk or a
crash leaves the previous file whole instead of a truncated one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from grader.bank import Bank
from grader.errors import StoreError
from grader.results import SubmissionResult


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step; raise StoreError saying what failed."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(
            f"could not write {path}: {error.strerror or error}. Free space or fix permissions, "
            "then rerun: graded submissions are kept in results.sqlite."
        ) from None


def grades_csv(results: list[SubmissionResult], bank: Bank) -> str:
    """One row per student: a column per exercise, then the total and the maximum."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *bank.ids(), "total", "max"])
    for result in results:
        by_exercise = {e.exercise: e.points for e in result.exercises}
        writer.writerow(
            [
                result.student,
                *(_number(by_exercise.get(exercise_id, 0.0)) for exercise_id in bank.ids()),
                _number(result.points),
                _number(result.max_points),
            ]
        )
    return buffer.getvalue()


def results_json(results: list[SubmissionResult], bank: Bank) -> str:
    """Every student's result, per check: outcome, points, messages (ko, en), timings."""
    document = {
        "bank_version": bank.version,
        "exercises": [
            {"id": e.id, "title": {"ko": e.title.ko, "en": e.title.en}} for e in bank.exercises
        ],
        "students": [result.to_json() for result in results],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def write_exports(results: list[SubmissionResult], bank: Bank, out: Path) -> None:
    write_atomically(out / "grades.csv", grades_csv(results, bank))
    write_atomically(out / "results.json", results_json(results, bank))
