"""The ``reference`` fixture: a reference solution imported once, its data calls computed once."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.errors import BankError
from grader.grading.reference import ReferenceSolution, ReferenceSolutions

from ..conftest import ROOT

#: A reference that writes a line to ``log`` when it is imported and when a function runs.
SOLUTION = """
from pathlib import Path

_LOG = Path({log!r})
_LOG.open("a").write("import\\n")

SCALE = 3
made = []


class Box:
    pass


def _note(what):
    with _LOG.open("a") as log:
        log.write(what + "\\n")


def scaled(values, factor=SCALE):
    _note("scaled")
    return [value * factor for value in values]


def kind(value):
    _note("kind")
    return type(value).__name__ + ":" + getattr(getattr(value, "dtype", None), "name", "")


def box():
    _note("box")
    return Box()


def which():
    _note("which")
    return {which!r}


def make(*args, **kwargs):
    made.append((args, kwargs))
    return len(made)
"""


def write_solution(root: Path, exercise: str, which: str = "") -> tuple[Path, Path]:
    """A solutions/<exercise>/solution.py and the log it writes to."""
    folder = root / "solutions" / exercise
    folder.mkdir(parents=True)
    log = folder / "log.txt"
    path = folder / "solution.py"
    path.write_text(SOLUTION.format(log=str(log), which=which), encoding="utf-8")
    return path, log


def runs(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


@pytest.fixture
def solution(tmp_path: Path) -> tuple[Path, Path]:
    return write_solution(tmp_path, "scaling")


def test_a_reference_gives_its_names_and_its_functions_results(
    solution: tuple[Path, Path],
) -> None:
    path, _ = solution
    reference = ReferenceSolutions().for_path(path)
    assert reference.SCALE == 3
    assert reference.scaled([1, 2]) == [3, 6]
    assert reference.scaled([1, 2], factor=10) == [10, 20]
    assert reference.scaled.__name__ == "scaled"


def test_a_class_of_the_reference_is_the_class_itself(solution: tuple[Path, Path]) -> None:
    reference = ReferenceSolutions().for_path(solution[0])
    assert isinstance(reference.box(), reference.Box)


def test_a_reference_is_imported_once_however_often_it_is_asked_for(
    solution: tuple[Path, Path],
) -> None:
    path, log = solution
    references = ReferenceSolutions()
    first = references.for_path(path)
    second = references.for_path(path)
    assert runs(log) == ["import"]
    first.make(1)
    assert second.make(2) == 2  # the same module: its state is shared


def test_a_call_with_data_arguments_runs_once_and_is_then_reused(
    solution: tuple[Path, Path],
) -> None:
    path, log = solution
    references = ReferenceSolutions()
    assert references.for_path(path).scaled([1, 2]) == [3, 6]
    # A later submission's check asks again, through a new fixture value: not run again.
    assert references.for_path(path).scaled([1, 2]) == [3, 6]
    assert runs(log).count("scaled") == 1
    assert references.for_path(path).scaled([1, 3]) == [3, 9]
    assert references.for_path(path).scaled([1, 2], factor=2) == [2, 4]
    assert runs(log).count("scaled") == 3


def test_a_reused_result_cannot_be_spoilt_by_the_check_that_got_it(
    solution: tuple[Path, Path],
) -> None:
    reference = ReferenceSolutions().for_path(solution[0])
    result = reference.scaled([1, 2])
    result.append("changed by a check")
    assert reference.scaled([1, 2]) == [3, 6]


@pytest.mark.parametrize(
    "arguments",
    [
        [1, 1.0, True, "1", (1,), [1]],
        [np.float32(1), np.float64(1), np.int64(1)],
        [np.zeros(3, np.float32), np.zeros(3, np.float64), np.zeros((3, 1), np.float32)],
    ],
    ids=["python", "numpy scalars", "arrays"],
)
def test_arguments_that_compare_equal_but_differ_in_type_are_not_confused(
    solution: tuple[Path, Path], arguments: list[object]
) -> None:
    # 1 == 1.0 == True: a cache keyed on equality would answer kind(1.0) with kind(1)'s result.
    reference = ReferenceSolutions().for_path(solution[0])
    unmemoised = object.__getattribute__(reference, "_module").kind
    assert [reference.kind(argument) for argument in arguments] == [
        unmemoised(argument) for argument in arguments
    ]


def test_a_call_whose_arguments_are_not_data_runs_every_time(
    solution: tuple[Path, Path],
) -> None:
    path, log = solution
    reference = ReferenceSolutions().for_path(path)
    thing = object()
    reference.kind(thing)
    reference.kind(thing)
    assert runs(log).count("kind") == 2


def test_a_call_whose_result_is_not_data_runs_every_time(solution: tuple[Path, Path]) -> None:
    path, log = solution
    reference = ReferenceSolutions().for_path(path)
    first, second = reference.box(), reference.box()
    assert first is not second
    assert runs(log).count("box") == 2


def test_two_references_with_functions_of_the_same_name_keep_their_own_results(
    tmp_path: Path,
) -> None:
    first, _ = write_solution(tmp_path, "first", which="first")
    second, _ = write_solution(tmp_path, "second", which="second")
    references = ReferenceSolutions()
    assert references.for_path(first).which() == "first"
    assert references.for_path(second).which() == "second"
    assert references.for_path(first).which() == "first"


def test_a_reference_is_not_importable_by_name_after_it_is_loaded(
    solution: tuple[Path, Path],
) -> None:
    # Nothing a later import could find (or a check shadow) by the names it was loaded as.
    before = set(sys.modules)
    reference = ReferenceSolutions().for_path(solution[0])
    module = object.__getattribute__(reference, "_module")
    added = set(sys.modules) - before
    assert module.__name__ not in sys.modules
    assert not {name for name in added if "reference" in name or "solution" in name}
    assert "solution" not in sys.modules and "scaling" not in sys.modules


def test_two_references_in_files_of_the_same_name_are_separate_modules(tmp_path: Path) -> None:
    first, _ = write_solution(tmp_path, "first")
    second, _ = write_solution(tmp_path, "second")
    references = ReferenceSolutions()
    references.for_path(first).make("a")
    assert references.for_path(second).make("b") == 1


def test_a_missing_reference_is_a_bank_error_that_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "solutions" / "gone" / "solution.py"
    with pytest.raises(BankError, match="gone"):
        ReferenceSolutions().for_path(missing)


def test_a_reference_that_is_not_python_is_a_bank_error(tmp_path: Path) -> None:
    notes = tmp_path / "solution.txt"
    notes.write_text("def f(): pass")
    with pytest.raises(BankError, match=r"solution\.txt"):
        ReferenceSolutions().for_path(notes)


@pytest.mark.parametrize(
    ("source", "error"),
    [("def broken(:\n", "SyntaxError"), ("raise ValueError('no data file')\n", "no data file")],
)
def test_a_reference_that_fails_to_run_is_a_bank_error_that_says_why(
    tmp_path: Path, source: str, error: str
) -> None:
    path = tmp_path / "solutions" / "broken" / "solution.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    with pytest.raises(BankError, match=error) as raised:
        ReferenceSolutions().for_path(path)
    assert str(path) in str(raised.value)


def test_a_reference_that_failed_is_not_remembered_as_loaded(tmp_path: Path) -> None:
    path = tmp_path / "solutions" / "later" / "solution.py"
    path.parent.mkdir(parents=True)
    path.write_text("raise RuntimeError('not yet')\n")
    references = ReferenceSolutions()
    with pytest.raises(BankError):
        references.for_path(path)
    path.write_text("VALUE = 1\n")
    assert references.for_path(path).VALUE == 1


def test_a_missing_name_of_the_reference_is_an_attribute_error(
    solution: tuple[Path, Path],
) -> None:
    reference = ReferenceSolutions().for_path(solution[0])
    with pytest.raises(AttributeError, match="no_such_function"):
        reference.no_such_function  # noqa: B018


@pytest.fixture(scope="module")
def conv_reference() -> ReferenceSolution:
    return ReferenceSolutions().for_path(ROOT / "solutions" / "conv_output_size" / "solution.py")


@given(
    n=st.integers(1, 512),
    m=st.integers(1, 11),
    p=st.integers(0, 5),
    s=st.integers(1, 4),
)
def test_the_banks_conv_reference_follows_the_output_size_formula(
    conv_reference: ReferenceSolution, n: int, m: int, p: int, s: int
) -> None:
    assume(n + 2 * p >= m)
    assert conv_reference.conv_output_size(n, m, p, s) == math.floor((n + 2 * p - m) / s) + 1
