"""Grading one submission: run its sections in a runner, run each exercise's checks on them.

The :class:`Grader` owns a zygote and the reference solutions for as long as it
lives, so a batch pays for TensorFlow and for each reference result once. For
each submission, a runner executes the chunks up to the end of an exercise's
last section, that exercise's checks run (in this process, through pytest),
and execution goes on to the next exercise.
"""

from __future__ import annotations

import difflib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader import messages
from grader.course.bank import Bank, Exercise
from grader.course.submission import Submission, load_submission
from grader.errors import (
    BankError,
    GraderError,
    NotAnswered,
    NotRun,
    RunnerGone,
    SubmissionError,
    UnconfinedError,
    ZygoteError,
)
from grader.grading.plugin import CheckPlugin, register_hypothesis_profile, run_checks
from grader.grading.proxies import StudentNamespace
from grader.grading.reference import ReferenceSolutions
from grader.quiet import import_tensorflow
from grader.results import shown
from grader.results.model import (
    CellRun,
    CheckOutcome,
    ExerciseResult,
    SubmissionResult,
    Visibility,
    best_answers,
)
from grader.sandbox.confinement import Confinement, Limits
from grader.sandbox.session import RunnerSession, SectionBudget
from grader.sandbox.zygote import Runners, warm_runners


@dataclass(frozen=True)
class GradingOptions:
    """How submissions are graded."""

    limits: Limits = field(default_factory=Limits)
    #: Run the hidden checks too (instructors); public checks only otherwise (students).
    hidden: bool = True
    #: Grade only the exercises a submission answers (``grader check``), not the whole bank.
    answered_only: bool = False
    #: Paths the runner must not see, beyond the bank itself.
    hidden_paths: tuple[str, ...] = ()
    #: Grade even where runners cannot be confined (no namespaces): the submissions are
    #: trusted not to read the bank or touch the instructor's files.
    trust_submissions: bool = False

    # The grading modes, one named constructor each, so that what a mode runs is said here.

    @classmethod
    def for_check(cls, limits: Limits) -> GradingOptions:
        """``grader check``: the public checks of the exercises a submission answers. It is
        a student's own code on the student's own machine, so confinement is a courtesy."""
        return cls(limits=limits, hidden=False, answered_only=True, trust_submissions=True)

    @classmethod
    def for_batch(cls, limits: Limits, *, trust_submissions: bool = False) -> GradingOptions:
        """``grader batch``: every exercise of the bank, hidden checks too."""
        return cls(limits=limits, trust_submissions=trust_submissions)

    @classmethod
    def for_validate(cls, limits: Limits, *, trust_submissions: bool = False) -> GradingOptions:
        """``grader validate``: each variant answers one exercise; its checks, hidden ones too."""
        return cls(limits=limits, answered_only=True, trust_submissions=trust_submissions)

    @classmethod
    def for_ci(
        cls, limits: Limits, bank: Bank, workspace: Path, *, trust_submissions: bool = False
    ) -> GradingOptions:
        """``grader ci``: the hidden checks where the bank has them (the instructor's); the
        runner does not see the student's repository."""
        return cls(
            limits=limits,
            hidden=any(e.hidden_checks for e in bank.exercises),
            hidden_paths=(str(workspace),),
            trust_submissions=trust_submissions,
        )

    @classmethod
    def for_autograder(
        cls, limits: Limits, submission: Path, results: Path, *, trust_submissions: bool = False
    ) -> GradingOptions:
        """Gradescope's and PrairieLearn's ``grade``: as ``grader batch``, and the runner sees
        neither the submission folder nor the folder the grade is written to."""
        hidden = (str(submission.resolve()), str(results.resolve().parent))
        return cls(limits=limits, hidden_paths=hidden, trust_submissions=trust_submissions)


#: An exercise that asks for more CPU time gets this many times as much wall-clock time.
_WALL_PER_CPU = 5.0


class Grader:
    """Grades submissions against one bank; a context manager that owns the zygote."""

    def __init__(self, bank: Bank, options: GradingOptions, zygote: Runners | None = None) -> None:
        self.bank = bank
        self.options = options
        self.zygote = zygote or warm_runners()
        self.references = ReferenceSolutions()
        self.notices: list[str] = []
        #: Each exercise's outcomes for a submission that does not answer it, once a
        #: submission has given them (:attr:`CheckPlugin.not_answered`): they depend on
        #: the bank alone, so later submissions do not collect that exercise's checks.
        self.not_answered: dict[str, tuple[CheckOutcome, ...]] = {}
        register_hypothesis_profile()
        hidden = {str(bank.root), *options.hidden_paths}
        self._confinement = Confinement(options.limits, tuple(sorted(hidden)))

    def __enter__(self) -> Grader:
        self.zygote.start()
        # Checks and references need TensorFlow here too; importing it while the zygote
        # imports its own copy overlaps the two costs.
        import_tensorflow()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.zygote.close()

    def grade_file(self, path: Path, student: str | None = None) -> SubmissionResult:
        """Grade the submission at ``path``; an unreadable file gives a result saying why."""
        try:
            submission = load_submission(path, student)
        except SubmissionError as error:
            return self._unreadable(path, student or path.stem, str(error))
        return self.grade(submission)

    def grade_answers(
        self, paths: list[Path], student: str | None = None
    ) -> list[SubmissionResult]:
        """Grade one student's files; each result keeps the exercises that file answers best
        (see :func:`grader.results.model.best_answers`)."""
        return best_answers([self.grade_file(path, student) for path in paths])

    def grade(self, submission: Submission) -> SubmissionResult:
        """Grade one submission; never raises for anything the submission did."""
        started = time.perf_counter()
        session: RunnerSession | None = None
        unavailable = None
        try:
            session = RunnerSession(self.zygote, self._confinement, self.budget_for)
        except (ZygoteError, RunnerGone) as error:
            unavailable = f"the runner could not start: {error}"
        if session is not None and not session.confined and not self.options.trust_submissions:
            session.close()
            raise UnconfinedError(
                "this machine cannot confine a runner (no namespaces: not root, and user "
                "namespaces are off), so a submission could read the bank and the "
                "instructor's files; grade as root, enable user namespaces, or pass "
                "--trust-submissions to grade anyway"
            )
        forked = time.perf_counter()
        run = _SubmissionRun(
            self, submission, session, self._exercises_for(submission), unavailable
        )
        runner_status = ""
        try:
            run.check()
            run.finish_cells()
        finally:
            if session is not None:
                runner_status = session.close()
                self._notice_once(session.missing_protections)
        return run.result(runner_status, started, forked)

    def budget_for(self, section: str | None) -> SectionBudget:
        """The time one section may use: the grader's budget, or more where the exercise
        asks for more in its exercise.toml (its wall clock grows with its CPU)."""
        limits = self.options.limits
        exercise = next((e for e in self.bank.exercises if e.id == section), None)
        if exercise is None:
            return SectionBudget(limits.cpu_seconds, limits.wall_seconds)
        cpu = max(limits.cpu_seconds, exercise.cpu_seconds or 0.0)
        wall = exercise.wall_seconds or _WALL_PER_CPU * (exercise.cpu_seconds or 0.0)
        return SectionBudget(cpu, max(limits.wall_seconds, wall))

    def _notice_once(self, missing: list[str]) -> None:
        for sentence in missing:
            if sentence not in self.notices:
                self.notices.append(sentence)

    def _exercises_for(self, submission: Submission) -> list[Exercise]:
        if self.options.answered_only and submission.has_markers:
            answered = set(submission.answered())
            return [e for e in self.bank.exercises if e.id in answered]
        return list(self.bank.exercises)

    def _unreadable(self, path: Path, student: str, error: str) -> SubmissionResult:
        started = time.perf_counter()
        empty = Submission(path, student, "module", (), _digest_or_empty(path))
        run = _SubmissionRun(self, empty, None, list(self.bank.exercises), error)
        run.check()
        return run.result("not started", started, started)

    def check_paths(self, exercise: Exercise) -> list[tuple[Path, Visibility]]:
        paths: list[tuple[Path, Visibility]] = [(p, "public") for p in exercise.public_checks]
        if self.options.hidden:
            paths += [(p, "hidden") for p in exercise.hidden_checks]
        return paths


def _digest_or_empty(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


class _SubmissionRun:
    """One submission being graded: the GradingContext the check plugin talks to."""

    def __init__(
        self,
        grader: Grader,
        submission: Submission,
        session: RunnerSession | None,
        exercises: list[Exercise],
        unavailable: str | None = None,
    ) -> None:
        self.grader = grader
        self.submission = submission
        self.session = session
        self.unavailable = unavailable
        self.exercises = exercises
        self.cells: list[CellRun] = []
        self.notices: list[str] = []
        self.outcomes: dict[str, list[CheckOutcome]] = {e.id: [] for e in exercises}
        self._next_chunk = 0
        self._points = submission.grading_points()
        self._files: dict[Path, tuple[str, Visibility]] = {}
        self._bank_failures: list[str] = []
        for exercise in exercises:
            for path, visibility in grader.check_paths(exercise):
                self._files[path.resolve()] = (exercise.id, visibility)
        #: The names each exercise's checks asked the student for.
        self._used: dict[str, set[str]] = {e.id: set() for e in exercises}
        known = grader.bank.ids()
        for exercise_id in self._points:
            if exercise_id not in known:
                close = difflib.get_close_matches(exercise_id, known, n=1, cutoff=0.6)
                unknown = messages.unknown_exercise(exercise_id, close[0] if close else None)
                self.notices.append(messages.as_notice(unknown))
        if submission.chunks and not submission.has_markers:
            self.notices.append(messages.as_notice(messages.no_markers()))

    # -- GradingContext ---------------------------------------------------

    def check_file(self, path: Path) -> tuple[str, Visibility] | None:
        return self._files.get(path.resolve())

    def position(self, exercise: str) -> int:
        if not self.submission.has_markers:
            return len(self.submission.chunks)
        return self._points.get(exercise, 1 << 30)

    def unanswered(self, exercise: str) -> bool:
        """Whether the exercise's checks can only say "not answered": the submission has
        markers but none for it. This rests on the grader's own reading of the file, never
        on anything its runner reports."""
        if self.session is None:
            return False
        return self.submission.has_markers and exercise not in self._points

    def student_for(self, exercise: str) -> StudentNamespace:
        if self.session is None:
            raise NotRun(self.unavailable or "the submission was not run")
        if self.unanswered(exercise):
            raise NotAnswered(exercise)
        self._run_chunks_until(self.position(exercise))
        if self.session.gone is not None:
            raise self.session.gone
        self.session.enter_section(exercise)
        return _RecordingNamespace(
            self.session, exercise, self._trouble_in(exercise), self._used[exercise]
        )

    def _trouble_in(self, exercise: str) -> str | None:
        """The first cell of the exercise's section that did not run cleanly, in words."""
        for cell in self.cells:
            if cell.exercise == exercise and cell.status != "ok":
                what = "timeout" if cell.status == "timeout" else f"{cell.ename}: {cell.evalue}"
                return f"cell {cell.cell}: {what}"[:300]
        return None

    def reference_for(self, exercise: str) -> Any:
        solution = self.grader.bank.get(exercise).solution
        if solution is None:
            raise BankError(f"exercise {exercise!r} has no solutions/{exercise}/solution.py")
        return self.grader.references.for_path(solution)

    def record(self, outcome: CheckOutcome) -> None:
        self.outcomes[outcome.exercise].append(outcome)

    def collection_failed(self, where: str, text: str) -> None:
        self._bank_failures.append(f"{where}: {text}")

    # -- driving ----------------------------------------------------------

    def check(self) -> None:
        """Run the submission's checks; those of an exercise it does not answer are not run,
        and once an earlier submission has given their outcomes, not collected either."""
        to_collect = []
        for exercise in self.exercises:
            known = self.grader.not_answered.get(exercise.id)
            if known is not None and self.unanswered(exercise.id):
                self.outcomes[exercise.id].extend(known)
            else:
                to_collect.append(exercise)
        self._run_checks(to_collect)

    def _run_checks(self, exercises: list[Exercise]) -> None:
        paths = [str(p) for e in exercises for p, _ in self.grader.check_paths(e)]
        if not paths:
            return
        plugin = CheckPlugin(self)
        exit_code = run_checks(paths, self.grader.bank.root, plugin)
        if exit_code == pytest.ExitCode.INTERRUPTED:
            # pytest turns Ctrl-C into an exit code; the caller must stop as for any Ctrl-C.
            raise KeyboardInterrupt
        if self._bank_failures:
            raise BankError("a check file fails to import:\n" + "\n".join(self._bank_failures))
        # No check is left to run when every one is of an exercise the file does not answer.
        all_skipped = exit_code == pytest.ExitCode.NO_TESTS_COLLECTED and bool(plugin.not_answered)
        if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not all_skipped:
            raise GraderError(f"pytest stopped with {exit_code!r} while running the checks")
        self.grader.not_answered.update(plugin.not_answered)

    def finish_cells(self) -> None:
        self._run_chunks_until(len(self.submission.chunks))

    def _run_chunks_until(self, end: int) -> None:
        chunks = self.submission.chunks
        while self._next_chunk < min(end, len(chunks)):
            chunk = chunks[self._next_chunk]
            self._next_chunk += 1
            if self.session is None or self.session.gone is not None:
                self.cells.append(CellRun(chunk.cell, chunk.exercise, "not-run"))
                continue
            self.cells.append(
                self.session.run_cell(chunk.cell, chunk.exercise, chunk.source, chunk.first_line)
            )

    def exercise_results(self) -> tuple[ExerciseResult, ...]:
        answered = set(self._points) if self.submission.has_markers else set(self.outcomes)
        return tuple(
            ExerciseResult(e.id, e.id in answered, tuple(self.outcomes[e.id]))
            for e in self.exercises
        )

    def rebinding_notices(self) -> list[str]:
        """A notice for each name an exercise's checks used that later code binds again."""
        if not self.submission.has_markers:
            return []
        notices: list[str] = []
        for exercise, point in self._points.items():
            used = self._used.get(exercise, set())
            graded_at = self.submission.chunks[point - 1].cell
            for name, cell in self.submission.rebound_after(point, used).items():
                rebound = messages.rebound_later(exercise, name, cell, graded_at)
                notices.append(messages.as_notice(rebound))
        return notices

    def result(self, runner_status: str, started: float, forked: float) -> SubmissionResult:
        cells, markdown = shown.kept(self.submission, self.cells)
        return SubmissionResult(
            student=self.submission.student,
            path=str(self.submission.path),
            sha256=self.submission.sha256,
            bank_version=self.grader.bank.version,
            exercises=self.exercise_results(),
            cells=cells,
            markdown=markdown,
            error=self.error(),
            notices=(*self.notices, *self.rebinding_notices()),
            runner_status=runner_status,
            seconds=time.perf_counter() - started,
            overruns=tuple(self.session.overruns) if self.session is not None else (),
            timings=self.timings(started, forked),
        )

    def timings(self, started: float, forked: float) -> dict[str, float]:
        """Where the submission's time went: starting its runner, its cells, the checks
        (with their fixtures), and, within those, waiting on the runner's answers to the
        checks' calls (the student's own code, run on the grader's data)."""
        cells = sum(cell.seconds for cell in self.cells)
        waited = self.session.waited if self.session is not None else 0.0
        return {
            "start": forked - started,
            "cells": cells,
            "checks": sum(c.seconds for e in self.outcomes.values() for c in e),
            "calls": max(waited - cells, 0.0),
        }

    def error(self) -> str | None:
        if self.unavailable is not None:
            return self.unavailable
        gone = self.session.gone if self.session is not None else None
        if gone is None:
            return None
        where = next(
            (c.cell for c in reversed(self.cells) if c.status in ("crashed", "timeout")), None
        )
        at = f" during cell {where}" if where is not None else " while its answers were checked"
        return f"{gone}{at}"


class _RecordingNamespace(StudentNamespace):
    """The ``student`` fixture, noting each name a check asks for, so that a later
    rebinding of one of them can be pointed out to the student."""

    def __init__(
        self, session: RunnerSession, exercise: str, trouble: str | None, used: set[str]
    ) -> None:
        super().__init__(session, exercise, trouble)
        object.__setattr__(self, "_used", used)

    def __getattr__(self, name: str) -> Any:
        if not (name.startswith("__") and name.endswith("__")):
            object.__getattribute__(self, "_used").add(name)
        return super().__getattr__(name)
