"""PrairieLearn's ``results.json``: a student's grade on one question, a test per check.

PrairieLearn reads ``/grade/results/results.json``: a ``score`` in [0, 1], ``gradable``
(``false``, with ``format_errors``, for a submission that cannot be graded: no attempt
is used up), and ``tests`` that the ``<pl-external-grader-results>`` element shows, each
with ``name``, ``points``, ``max_points``, ``message`` and ``output``. The file must stay
under 1 MB. The fields are those of PrairieLearn's "External Grading" documentation; the
course files that grade inside PrairieLearn are :mod:`grader.platforms.prairielearn`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.diagnoses import Named, for_student
from grader.feedback import Language
from grader.messages import pages
from grader.results.model import CheckOutcome, SubmissionResult
from grader.text import safe_document, safe_text

#: PrairieLearn's limit on results.json is 1 MB; this leaves room for what it adds.
RESULTS_BYTES = 900_000
_OUTPUT_LIMIT = 4_000


def results_document(
    results: list[SubmissionResult],
    *,
    lang: Language = "ko",
    notes: tuple[str, ...] = (),
    mistakes: Named | None = None,
) -> dict[str, Any]:
    """PrairieLearn's ``results.json`` for one student's files: a test per check.

    A hidden check is shown by its name and points only, so its feedback cannot give
    the hidden inputs away. A public check's output names the mistake it found by the
    name ``mistakes`` (:func:`grader.diagnoses.named_in`) or the framework gives it,
    never by its slug. Outputs are cut until the document fits :data:`RESULTS_BYTES`.
    """
    checks = [c for r in results for e in r.exercises for c in e.checks]
    points = sum(c.points for c in checks)
    maximum = sum(c.max_points for c in checks)
    problems = [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None]
    problems += [f"{Path(r.path).name}: {notice}" for r in results for notice in r.notices]
    document: dict[str, Any] = {}
    for limit in (_OUTPUT_LIMIT, 1_000, 200, 0):
        document = {
            "gradable": True,
            "score": round(points / maximum, 6) if maximum else 0.0,
            "message": f"{points:g} / {maximum:g}",
            "output": _clip("\n".join([*notes, *problems]), max(limit, 2_000)),
            "tests": [_test(check, lang, limit, mistakes) for check in checks],
        }
        document = safe_document(document)
        if len(encode(document)) <= RESULTS_BYTES:
            break
    return document


def not_gradable(errors: list[str]) -> dict[str, Any]:
    """A ``results.json`` saying the submission could not be graded, and why."""
    return {
        "gradable": False,
        "format_errors": [_clip(safe_text(error), _OUTPUT_LIMIT) for error in errors[:20]],
    }


def cannot_run(results: list[SubmissionResult]) -> list[str]:
    """Why ``results`` are no submission PrairieLearn should score: each file that did
    not run and answered nothing; empty when something was graded."""
    if any(e.answered for r in results for e in r.exercises):
        return []
    return [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None] or [
        NO_ANSWER
    ]


NO_SUBMISSION = pages.both(pages.PRAIRIELEARN["no-submission"])
NO_ANSWER = pages.both(pages.PRAIRIELEARN["no-answer"])


def encode(document: dict[str, Any]) -> bytes:
    """``document`` as results.json holds it."""
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _test(
    check: CheckOutcome, lang: Language, limit: int, mistakes: Named | None
) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": f"{check.exercise}: {check.title.in_language(lang)}",
        "points": check.points,
        "max_points": check.max_points,
    }
    if check.visibility == "hidden":
        return test
    feedback = check.message.in_language(lang) if check.message is not None else ""
    test["message"] = _clip(feedback.split("\n", 1)[0], min(limit, 300))
    mistake = None if check.passed else for_student(check.exercise, check.diagnosis, mistakes)
    output = feedback + (f"\n{mistake.said(lang)}" if mistake is not None else "")
    test["output"] = _clip(output.strip(), limit)
    return test


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
