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
from collections.abc import Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grader import diagnoses
from grader.course.bank import Bank, Exercise, load_bank
from grader.grading.grader import Grader, GradingOptions
from grader.results.model import CheckOutcome, ExerciseResult

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


@dataclass(frozen=True)
class Variant:
    """One file :func:`validate` grades for an exercise, and what it must earn."""

    exercise: str
    #: ``reference``, ``starter``, ``alternative <name>`` or ``mistake <name>``.
    label: str
    path: Path
    #: The diagnosis a mistake variant declares (empty when it declares none).
    diagnosis: str = ""


def variants(exercise: Exercise) -> list[Variant]:
    """Every file that proves the exercise's checks, in the order verdicts are given."""
    if exercise.solution is None:
        return []
    return [
        Variant(exercise.id, "reference", exercise.solution),
        Variant(exercise.id, "starter", exercise.folder / "starter.py"),
        *(Variant(exercise.id, f"alternative {p.stem}", p) for p in alternatives(exercise)),
        *(
            Variant(exercise.id, f"mistake {p.stem}", p, diagnosis)
            for p, diagnosis in mistake_variants(exercise)
        ),
    ]


def verdicts(
    bank: Bank, options: GradingOptions, jobs: int = 1, only: list[str] | None = None
) -> Generator[Verdict, None, None]:
    """The verdicts of :func:`validate`, graded by one grader here or, with more than one
    job, by :func:`validate_in_parallel`'s workers."""
    if jobs > 1:
        yield from validate_in_parallel(bank, options, jobs, only)
        return
    with Grader(bank, options) as grader:
        yield from validate(bank, grader, only)


def validate(bank: Bank, grader: Grader, only: list[str] | None = None) -> Iterator[Verdict]:
    """Grade every variant of every exercise (or of ``only``) and judge it."""
    for exercise in bank.exercises:
        if only and exercise.id not in only:
            continue
        for variant in variants(exercise):
            yield judge(variant, _graded(grader, variant))
        yield from _bank_verdicts(exercise)


def validate_in_parallel(
    bank: Bank, options: GradingOptions, jobs: int, only: list[str] | None = None
) -> Iterator[Verdict]:
    """The verdicts of :func:`validate`, in the bank's order, with every variant of every
    exercise graded by ``jobs`` worker processes side by side, each with its own grader
    and zygote.

    Variants, not exercises, are shared out: one exercise that trains models would
    otherwise keep one worker busy long after the others are done.
    """
    chosen = [e for e in bank.exercises if not only or e.id in only]
    todo = [v for e in chosen for v in variants(e)]
    # The costliest first (the exercises that ask for more time), so none is left for last.
    cost = {e.id: e.cpu_seconds or 0.0 for e in chosen}
    order = sorted(todo, key=lambda v: -cost[v.exercise])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_worker_start,
        initargs=(str(bank.root), options),
    ) as pool:
        futures = {variant: pool.submit(_worker_grade, variant) for variant in order}
        for exercise in chosen:
            for variant in variants(exercise):
                yield judge(variant, futures[variant].result())
            yield from _bank_verdicts(exercise)


_worker_grader: Grader | None = None


def _worker_start(bank_root: str, options: GradingOptions) -> None:
    global _worker_grader
    _worker_grader = Grader(load_bank(Path(bank_root)), options).__enter__()


def _worker_grade(variant: Variant) -> ExerciseResult:
    assert _worker_grader is not None
    return _graded(_worker_grader, variant)


def judge(variant: Variant, result: ExerciseResult) -> Verdict:
    """Whether ``result`` is what ``variant`` must earn."""
    kind = variant.label.split(" ", 1)[0]
    if kind == "reference":
        failing = [c.check for c in result.checks if not c.passed]
        sound, problem = not failing, f"fails on the reference: {', '.join(failing)}"
    elif kind == "starter":
        passing = [c.check for c in result.checks if c.max_points > 0 and c.points > 0]
        sound = not passing
        problem = f"gives points to the untouched starter: {', '.join(passing)}"
    elif kind == "alternative":
        failing = [c.check for c in result.checks if c.points < c.max_points]
        sound = not failing and result.max_points > 0
        problem = f"a correct answer written differently loses points: {', '.join(failing)}"
    else:
        sound, problem = _judge_mistake(result, variant.diagnosis)
    return Verdict(
        variant.exercise,
        variant.label,
        result.points,
        result.max_points,
        sound,
        None if sound else problem,
    )


def _bank_verdicts(exercise: Exercise) -> Iterator[Verdict]:
    """What the exercise's set of variants lacks: a reference, mistakes, a hard-coded one."""
    if exercise.solution is None:
        yield Verdict(exercise.id, "reference", 0, 0, False, "no solutions/<id>/solution.py")
        return
    declared = [d for _, d in mistake_variants(exercise)]
    named = [d for d in declared if d and d != HARDCODED]
    if len(named) < MIN_MISTAKES:
        yield Verdict(
            exercise.id,
            "mistakes",
            0,
            0,
            False,
            f"{len(named)} known-mistake variants; at least {MIN_MISTAKES} are needed",
        )
    unnamed = sorted(
        {d for d in named if d not in exercise.mistakes and d not in diagnoses.FRAMEWORK}
    )
    if unnamed:
        yield Verdict(
            exercise.id,
            "names",
            0,
            0,
            False,
            f"mistakes without a name for the pages: {', '.join(unnamed)}; give each "
            "[mistakes.<slug>] ko, en, explanation_ko and explanation_en in exercise.toml",
        )
    if HARDCODED not in declared:
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


def _graded(grader: Grader, variant: Variant) -> ExerciseResult:
    result = grader.grade_file(variant.path, student=f"{variant.exercise}:{variant.path.stem}")
    found = result.exercise(variant.exercise)
    if found is None:
        return ExerciseResult(variant.exercise, False, ())
    return found
