"""Results of one student's several files: each exercise counted once, from its best answer."""

from __future__ import annotations

from dataclasses import replace

from grader.results.model import ExerciseResult, SubmissionResult, best_answers

from ..views.test_junit import check


def file_result(path: str, **exercises: tuple[bool, float]) -> SubmissionResult:
    return SubmissionResult(
        "kim",
        path,
        "sha",
        "v1",
        tuple(
            ExerciseResult(name, answered, (replace(check("x", "partial", points), exercise=name),))
            for name, (answered, points) in exercises.items()
        ),
    )


def test_each_exercise_comes_from_the_file_that_answers_it_best() -> None:
    first = file_result(
        "a.ipynb", one_hot=(True, 1.0), tensors=(False, 0.0), gradients=(False, 0.0)
    )
    second = file_result(
        "b.ipynb", one_hot=(True, 2.0), tensors=(True, 0.0), gradients=(False, 0.0)
    )
    kept = best_answers([first, second])
    assert [e.exercise for e in kept[0].exercises] == ["gradients"]
    assert [e.exercise for e in kept[1].exercises] == ["one_hot", "tensors"]
    assert sum(r.points for r in kept) == 2.0
    assert sum(r.max_points for r in kept) == first.max_points


def test_a_tie_keeps_the_first_file() -> None:
    first = file_result("a.py", one_hot=(True, 1.0))
    second = file_result("b.py", one_hot=(True, 1.0))
    kept = best_answers([first, second])
    assert kept[0].exercises and not kept[1].exercises


def test_a_result_for_one_exercise_keeps_its_checks_and_the_cells_of_its_section() -> None:
    from grader.results.model import CellRun

    cells = (CellRun(0, None, "ok"), CellRun(1, "one_hot", "ok"), CellRun(2, "tensors", "ok"))
    result = replace(file_result("a.ipynb", one_hot=(True, 1.0), tensors=(True, 2.0)), cells=cells)
    only = result.only("one_hot")
    assert [e.exercise for e in only.exercises] == ["one_hot"]
    assert [c.cell for c in only.cells] == [0, 1]
    assert only.points == 1.0 and only.path == result.path
