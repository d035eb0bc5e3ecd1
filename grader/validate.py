"""Proof that the bank's checks are sound: ``grader validate``.

For every exercise, through the same runners and checks as real grading:

* the reference solution passes every check;
* the untouched starter fails every check worth points;
* each known-mistake variant (``solutions/<id>/mistakes/<name>.py``, starting with a
  line ``# MISTAKE: <diagnosis>``) loses points, and a failing check names that
  diagnosis with feedback in both languages;
* a variant declared ``# MISTAKE: hardcoded`` (the public checks' expected values
  written in) passes every public check and fails a hidden one;
* there are at least two mistake variants besides the hard-coded one;
* each correct alternative (``solutions/<id>/alternatives/<name>.py``: a right answer
  written differently from the reference, with loops, helpers, other APIs) earns
  full marks.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader.bank import Bank, Exercise, load_bank
from grader.grading import Grader, GradingOptions
from grader.results import CheckOutcome, ExerciseResult

MISTAKE_LINE = re.compile(r"^#\s*MISTAKE:\s*(?P<diagnosis>\S+)\s*$", re.MULTILINE)
HARDCODED = "hardcoded"
MIN_MISTAKES = 2


@dataclass(frozen=True)
class Verdict:
    """Whether one variant of one exercise is graded as it must be."""

    exercise: str
    variant: str
    points: float
    max_points: float
    sound: bool
    problem: str | None = None


def mistake_variants(exercise: Exercise) -> list[tuple[Path, str]]:
    """The exercise's mistake variants with the diagnosis each declares."""
    if exercise.solution is None:
        return []
    folder = exercise.solution.parent / "mistakes"
    variants = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        match = MISTAKE_LINE.search(path.read_text(encoding="utf-8"))
        variants.append((path, match["diagnosis"] if match else ""))
    return variants


def alternatives(exercise: Exercise) -> list[Path]:
    """The exercise's correct answers written differently from its reference solution."""
    if exercise.solution is None:
        return []
    folder = exercise.solution.parent / "alternatives"
    return sorted(folder.glob("*.py")) if folder.is_dir() else []


def validate(bank: Bank, grader: Grader, only: list[str] | None = None) -> Iterator[Verdict]:
    """Grade every variant of every exercise (or of ``only``) and judge it."""
    for exercise in bank.exercises:
        if only and exercise.id not in only:
            continue
        yield from _validate_exercise(exercise, grader)


def validate_in_parallel(
    bank: Bank, options: GradingOptions, jobs: int, only: list[str] | None = None
) -> Iterator[Verdict]:
    """The verdicts of :func:`validate`, in the bank's order, with exercises proved by
    ``jobs`` worker processes side by side, each with its own grader and zygote."""
    chosen = [e.id for e in bank.exercises if not only or e.id in only]
    # The slowest exercises (the most variants to grade) start first.
    order = sorted(chosen, key=lambda i: -_variant_count(bank.get(i)))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_worker_start,
        initargs=(str(bank.root), options),
    ) as pool:
        futures = {exercise: pool.submit(_worker_validate, exercise) for exercise in order}
        for exercise in chosen:
            yield from futures[exercise].result()


def _variant_count(exercise: Exercise) -> int:
    return 2 + len(alternatives(exercise)) + len(mistake_variants(exercise))


_worker_grader: Grader | None = None


def _worker_start(bank_root: str, options: GradingOptions) -> None:
    global _worker_grader
    _worker_grader = Grader(load_bank(Path(bank_root)), options).__enter__()


def _worker_validate(exercise_id: str) -> list[Verdict]:
    assert _worker_grader is not None
    return list(_validate_exercise(_worker_grader.bank.get(exercise_id), _worker_grader))


def _validate_exercise(exercise: Exercise, grader: Grader) -> Iterator[Verdict]:
    if exercise.solution is None:
        yield Verdict(exercise.id, "reference", 0, 0, False, "no solutions/<id>/solution.py")
        return
    reference = _graded(grader, exercise, exercise.solution)
    failing = [c.check for c in reference.checks if not c.passed]
    yield _verdict(
        exercise,
        "reference",
        reference,
        not failing,
        f"fails on the reference: {', '.join(failing)}",
    )
    starter = _graded(grader, exercise, exercise.folder / "starter.py")
    passing = [c.check for c in starter.checks if c.max_points > 0 and c.points > 0]
    yield _verdict(
        exercise,
        "starter",
        starter,
        not passing,
        f"gives points to the untouched starter: {', '.join(passing)}",
    )
    for path in alternatives(exercise):
        result = _graded(grader, exercise, path)
        failing = [c.check for c in result.checks if c.points < c.max_points]
        yield _verdict(
            exercise,
            f"alternative {path.stem}",
            result,
            not failing and result.max_points > 0,
            f"a correct answer written differently loses points: {', '.join(failing)}",
        )
    variants = mistake_variants(exercise)
    for path, diagnosis in variants:
        result = _graded(grader, exercise, path)
        sound, problem = _judge_mistake(result, diagnosis)
        yield _verdict(exercise, f"mistake {path.stem}", result, sound, problem)
    named = [d for _, d in variants if d and d != HARDCODED]
    if len(named) < MIN_MISTAKES:
        yield Verdict(
            exercise.id,
            "mistakes",
            0,
            0,
            False,
            f"{len(named)} known-mistake variants; at least {MIN_MISTAKES} are needed",
        )
    if HARDCODED not in (d for _, d in variants):
        yield Verdict(
            exercise.id,
            "hardcoded",
            0,
            0,
            False,
            "no variant '# MISTAKE: hardcoded' proving hidden checks differ from public",
        )


def _judge_mistake(result: ExerciseResult, diagnosis: str) -> tuple[bool, str]:
    if not diagnosis:
        return False, "the file has no '# MISTAKE: <diagnosis>' line"
    if diagnosis == HARDCODED:
        public = [c for c in result.checks if c.visibility == "public"]
        hidden = [c for c in result.checks if c.visibility == "hidden"]
        if not all(c.passed for c in public):
            return False, "a hard-coded answer should pass every public check"
        if all(c.passed for c in hidden):
            return False, "a hard-coded answer passes every hidden check too"
        return True, ""
    if result.points >= result.max_points:
        return False, "loses no points"
    if not any(_names(check, diagnosis) for check in result.checks):
        found = sorted({c.diagnosis for c in result.checks if c.diagnosis})
        return False, f"no failing check names {diagnosis!r} (named: {found or 'none'})"
    return True, ""


def _names(check: CheckOutcome, diagnosis: str) -> bool:
    return (
        not check.passed
        and check.diagnosis == diagnosis
        and check.message is not None
        and bool(check.message.ko.strip())
        and bool(check.message.en.strip())
    )


def _graded(grader: Grader, exercise: Exercise, path: Path) -> ExerciseResult:
    result = grader.grade_file(path, student=f"{exercise.id}:{path.stem}")
    found = result.exercise(exercise.id)
    if found is None:
        return ExerciseResult(exercise.id, False, ())
    return found


def _verdict(
    exercise: Exercise, variant: str, result: ExerciseResult, sound: bool, problem: str
) -> Verdict:
    return Verdict(
        exercise.id, variant, result.points, result.max_points, sound, None if sound else problem
    )
