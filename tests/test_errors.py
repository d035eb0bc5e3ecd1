"""One error taxonomy: the grader's failures apart from what a submission did to itself."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from grader import errors
from grader.errors import BudgetSpent, GraderError, RunnerGone, StudentError, SubmissionFailed


def _defined_here() -> list[type[BaseException]]:
    return [
        value
        for value in vars(errors).values()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == errors.__name__
    ]


@pytest.mark.parametrize(
    "kind", [StudentError, BudgetSpent, RunnerGone, *RunnerGone.__subclasses__()]
)
def test_a_students_failure_is_never_the_grader_failing(kind: type[BaseException]) -> None:
    # The command line exits 2 for a GraderError; a student's crash is a grade, not that.
    assert issubclass(kind, SubmissionFailed)
    assert not issubclass(kind, GraderError)


def test_each_way_a_runner_ends_is_its_own_type() -> None:
    endings = {kind.__name__ for kind in RunnerGone.__subclasses__()}
    assert endings == {"RunnerTimedOut", "RunnerCrashed", "RunnerOutOfMemory", "RunnerMisbehaved"}
    assert not hasattr(RunnerGone("x"), "reason")


def test_every_exception_of_the_framework_lives_in_one_module() -> None:
    import ast

    package = Path(errors.__file__).parent
    elsewhere = []
    for path in package.rglob("*.py"):
        if path.name == "errors.py" or path.parent.name == "sandbox":
            # The runner's own interruption lives on the untrusted side, where it is raised.
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception"))
                for base in node.bases
            ):
                elsewhere.append(f"{path.name}: {node.name}")
    assert elsewhere == []


def test_every_error_says_what_it_is() -> None:
    for kind in _defined_here():
        assert kind.__doc__ and kind.__doc__.strip(), kind
