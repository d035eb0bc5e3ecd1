"""Checks of an exercise a submission does not answer are not run, and say what running
them would have said."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from grader.course.bank import Bank
from grader.errors import NotAnswered
from grader.grading import plugin as check_plugin
from grader.grading.grader import Grader
from grader.grading.plugin import CheckPlugin, run_checks
from grader.results.model import CheckOutcome, SubmissionResult, Visibility

from ..conftest import NotebookWriter, solution_source

#: Every kind of check the bank has: plain, parametrized, through a fixture of its own
#: that asks for the student, and hypothesis's; each notes that it ran.
CHECKS = '''\
import os
import pathlib

import pytest
from hypothesis import given, strategies as st

EXERCISE = pathlib.Path(__file__).parent.name


def ran(what):
    with open(os.environ["GRADER_TEST_RAN"], "a") as log:
        log.write(f"{EXERCISE} {what}\\n")


@pytest.fixture
def built(student):
    ran("fixture built")
    return student.value


@pytest.mark.points(2)
def test_plain(student):
    """ko: 그냥
    en: plain"""
    ran("test_plain")
    assert student.value == 1


@pytest.mark.parametrize("n", [1, 2])
def test_parametrized(student, n):
    ran(f"test_parametrized {n}")
    assert student.value == n


def test_through_a_fixture(built):
    ran("test_through_a_fixture")


@given(k=st.integers())
def test_hypothesis(student, k):
    ran("test_hypothesis")
'''

#: A check that sets up a fixture of its own before ``student``: one of the same scope
#: (module), which pytest sets up in the order the check names them.
OTHER_FIRST = """
@pytest.fixture(scope="module")
def other():
    ran("fixture other")


def test_other_first(other, student):
    ran("test_other_first")
"""


class _Context:
    """A GradingContext over a small bank, answering the exercises it is given."""

    def __init__(self, files: dict[Path, str], answered: set[str]) -> None:
        self.files = {path.resolve(): exercise for path, exercise in files.items()}
        self.answered = answered
        self.asked: list[str] = []
        self.outcomes: list[CheckOutcome] = []

    def check_file(self, path: Path) -> tuple[str, Visibility] | None:
        exercise = self.files.get(path.resolve())
        return None if exercise is None else (exercise, "public")

    def position(self, exercise: str) -> int:
        return 0 if exercise in self.answered else 1 << 30

    def unanswered(self, exercise: str) -> bool:
        return exercise not in self.answered

    def student_for(self, exercise: str) -> Any:
        self.asked.append(exercise)
        if self.unanswered(exercise):
            raise NotAnswered(exercise)
        return SimpleNamespace(value=1)

    def reference_for(self, exercise: str) -> Any:
        raise AssertionError("no check here asks for the reference")

    def record(self, outcome: CheckOutcome) -> None:
        self.outcomes.append(outcome)

    def collection_failed(self, where: str, text: str) -> None:
        raise AssertionError(f"{where}: {text}")


class _ReportingPlugin(CheckPlugin):
    """The check plugin, noting each check pytest reports on."""

    def __init__(self, context: _Context) -> None:
        super().__init__(context)
        self.reported: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reported.add(report.nodeid)


@pytest.fixture
def small_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[Path, str]:
    """Exercises ``a``, ``b`` (checks as :data:`CHECKS`) and ``c`` (one more, set up
    another way); what ran is logged to ``ran.log``."""
    files = {}
    for exercise, extra in (("a", ""), ("b", ""), ("c", OTHER_FIRST)):
        path = tmp_path / "exercises" / exercise / "test_public.py"
        path.parent.mkdir(parents=True)
        path.write_text(CHECKS + extra, encoding="utf-8")
        files[path] = exercise
    monkeypatch.setenv("GRADER_TEST_RAN", str(tmp_path / "ran.log"))
    return files


def _grade(files: dict[Path, str], answered: set[str]) -> tuple[_Context, _ReportingPlugin]:
    context = _Context(files, answered)
    plugin = _ReportingPlugin(context)
    root = next(iter(files)).parent.parent.parent
    run_checks([str(path) for path in files], root, plugin)
    return context, plugin


def _ran(files: dict[Path, str]) -> list[str]:
    log = next(iter(files)).parent.parent.parent / "ran.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def _unrun(outcomes: list[CheckOutcome]) -> dict[str, list[CheckOutcome]]:
    """Each exercise's outcomes in order, as a submission's result keeps them, with the
    time each took (which no two runs share) left out."""
    by_exercise: dict[str, list[CheckOutcome]] = {}
    for outcome in outcomes:
        by_exercise.setdefault(outcome.exercise, []).append(dataclasses.replace(outcome, seconds=0))
    return by_exercise


def test_no_fixture_or_body_of_an_unanswered_exercise_runs(small_bank: dict[Path, str]) -> None:
    files = {path: e for path, e in small_bank.items() if e in ("a", "b")}
    context, plugin = _grade(files, answered={"a"})
    assert "b" not in context.asked
    assert not any(nodeid.startswith("exercises/b/") for nodeid in plugin.reported)
    assert [line for line in _ran(files) if not line.startswith("a ")] == []
    by_exercise = {e: [o for o in context.outcomes if o.exercise == e] for e in "ab"}
    assert [o.outcome for o in by_exercise["b"]] == ["not-answered"] * 5
    assert plugin.not_answered["b"] == tuple(by_exercise["b"])


def test_an_answered_exercise_runs_every_check(small_bank: dict[Path, str]) -> None:
    files = {path: e for path, e in small_bank.items() if e in ("a", "b")}
    context, _ = _grade(files, answered={"a"})
    ran = set(_ran(files))
    expected = {"test_plain", "test_parametrized 1", "test_parametrized 2", "fixture built"}
    assert {f"a {what}" for what in expected} | {"a test_through_a_fixture"} <= ran
    assert "a test_hypothesis" in ran
    outcomes = [o.outcome for o in context.outcomes if o.exercise == "a"]
    assert outcomes == ["passed", "passed", "failed", "passed", "passed"]


@pytest.mark.parametrize("answered", [set(), {"a"}, {"b"}, {"a", "b", "c"}])
def test_unrun_checks_say_what_running_them_says(
    small_bank: dict[Path, str], monkeypatch: pytest.MonkeyPatch, answered: set[str]
) -> None:
    unrun, _ = _grade(small_bank, answered)
    # Every check run, as before checks could be left unrun: student raises NotAnswered.
    monkeypatch.setattr(check_plugin, "stops_at_student", lambda item: False)
    every, _ = _grade(small_bank, answered)
    assert _unrun(unrun.outcomes) == _unrun(every.outcomes)
    plain = next(o for o in unrun.outcomes if o.check.endswith("::test_plain"))
    assert (plain.max_points, plain.title.en, plain.title.ko) == (2.0, "plain", "그냥")


def test_an_exercise_whose_check_sets_up_another_fixture_first_runs_as_before(
    small_bank: dict[Path, str],
) -> None:
    context, plugin = _grade(small_bank, answered={"a"})
    assert "c" in context.asked and "c fixture other" in _ran(small_bank)
    assert "c" not in plugin.not_answered and "b" in plugin.not_answered
    outcomes = [o.outcome for o in context.outcomes if o.exercise == "c"]
    assert outcomes == ["not-answered"] * 6


def test_a_skip_mark_keeps_its_exercise_run(small_bank: dict[Path, str], tmp_path: Path) -> None:
    skipping = tmp_path / "exercises" / "d" / "test_public.py"
    skipping.parent.mkdir(parents=True)
    skipping.write_text(
        CHECKS + '\n\n@pytest.mark.skipif(True, reason="x")\ndef test_skipped(student):\n    pass\n'
    )
    files = {**small_bank, skipping: "d"}
    _, plugin = _grade(files, answered=set())
    assert "d" not in plugin.not_answered and {"a", "b"} <= set(plugin.not_answered)


# -- the bank's own checks, graded for real -------------------------------------------


def _comparable(result: SubmissionResult) -> Any:
    """The result as the store keeps it, without the times no two runs share."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("seconds", "timings")}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value

    return strip(result.to_json())


SUBMISSIONS = {
    "one exercise": ["one_hot"],
    "several": ["tensors", "conv_output_size", "variables"],
    "one that crashes": ["conv_output_size", "import os\nos._exit(3)"],
    "none known": ["# EXERCISE: no_such_exercise\nx = 1"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", [*SUBMISSIONS, "a broken file"])
def test_grading_without_unanswered_checks_gives_the_results_running_them_gives(
    grader: Grader,
    bank: Bank,
    write_notebook: NotebookWriter,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    if name == "a broken file":
        path = write_notebook("broken.ipynb")
        path.write_text("{ not a notebook", encoding="utf-8")
    else:
        cells = [solution_source(bank, c) if c in bank.ids() else c for c in SUBMISSIONS[name]]
        path = write_notebook("work.ipynb", *cells)
    monkeypatch.setattr(grader, "not_answered", {})
    with monkeypatch.context() as every_check:
        every_check.setattr(check_plugin, "stops_at_student", lambda item: False)
        every = _comparable(grader.grade_file(path))
    assert grader.not_answered == {}
    deselected = _comparable(grader.grade_file(path))
    known = set(grader.not_answered)
    from_known = _comparable(grader.grade_file(path))
    assert deselected == every
    assert from_known == every
    unanswered = {e["exercise"] for e in every["exercises"] if not e["answered"]}
    if name != "a broken file":
        assert known == unanswered and len(unanswered) >= len(bank.ids()) - 3
