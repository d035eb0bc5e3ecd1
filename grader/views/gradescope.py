"""Gradescope's ``results.json``: a student's grade, a test per check.

The autograder bundle that writes it inside Gradescope is
:mod:`grader.platforms.gradescope`. The document's fields are those of Gradescope's
autograder specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from grader.diagnoses import Named, for_student
from grader.feedback import Language
from grader.results.model import CheckOutcome, SubmissionResult
from grader.text import safe_document, safe_text

#: When Gradescope shows a test to the student.
Visibility = Literal["hidden", "after_due_date", "after_published", "visible"]
VISIBILITIES: tuple[Visibility, ...] = ("hidden", "after_due_date", "after_published", "visible")

_OUTPUT_LIMIT = 8_000


def results_document(
    results: list[SubmissionResult],
    *,
    lang: Language = "ko",
    hidden_visibility: Visibility = "after_published",
    notes: tuple[str, ...] = (),
    mistakes: Named | None = None,
) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one student: a test per check.

    ``results`` are the student's files, each holding the exercises it is graded on
    (see :func:`grader.results.model.best_answers`). Public checks are visible at once,
    hidden ones as ``hidden_visibility`` says. A test's output names the mistake its
    check found by the name ``mistakes`` (:func:`grader.diagnoses.named_in`) or the
    framework gives it; the slug is only a tag.
    """
    tests = [
        _test(check, lang, hidden_visibility, f"{e_index}.{c_index}", mistakes)
        for e_index, exercise in enumerate((e for r in results for e in r.exercises), start=1)
        for c_index, check in enumerate(exercise.checks, start=1)
    ]
    problems = [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None] + [
        f"{Path(r.path).name}: {notice}" for r in results for notice in r.notices
    ]
    points = sum(test["score"] for test in tests)
    document = {
        "score": round(points, 6),
        "execution_time": math.ceil(sum(r.seconds for r in results)),
        "output": _clip("\n".join([*notes, *problems])),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "bank_version": results[0].bank_version if results else "",
            "files": [r.path for r in results],
        },
    }
    cleaned: dict[str, Any] = safe_document(document)
    return cleaned


def failure_document(message: str) -> dict[str, Any]:
    """A ``results.json`` saying that nothing could be graded, and why."""
    return {
        "score": 0,
        "output": _clip(safe_text(message)),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def _test(
    check: CheckOutcome, lang: Language, hidden: Visibility, number: str, mistakes: Named | None
) -> dict[str, Any]:
    feedback = check.message.in_language(lang) if check.message is not None else ""
    mistake = None if check.passed else for_student(check.exercise, check.diagnosis, mistakes)
    if mistake is not None:
        feedback += f"\n{mistake.said(lang)}"
    tags = [check.exercise, check.visibility]
    return {
        "name": f"{check.exercise}: {check.title.in_language(lang)}",
        "number": number,
        "score": check.points,
        "max_score": check.max_points,
        "status": "passed" if check.passed else "failed",
        "output": _clip(feedback.strip()),
        "output_format": "text",
        "tags": [*tags, check.diagnosis] if check.diagnosis else tags,
        "visibility": "visible" if check.visibility == "public" else hidden,
        "extra_data": {"check": check.check, "outcome": check.outcome},
    }


def _clip(text: str) -> str:
    return text if len(text) <= _OUTPUT_LIMIT else text[: _OUTPUT_LIMIT - 1] + "…"
