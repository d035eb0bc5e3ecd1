"""The ``grader`` command as students and instructors type it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grader.cli import _parser, _subcommands, main
from grader.course.bank import Bank, load_bank
from grader.errors import GraderError
from grader.grading import batch, validate
from grader.grading import grader as grading
from grader.grading.grader import GradingOptions
from grader.sandbox.confinement import Limits

from .conftest import ROOT, NotebookWriter, solution_source, starter_source


def grader(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("GRADER_BANK", None)
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_check_passes_a_correct_answer_in_english(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("mine.ipynb", solution_source(bank, "one_hot"))
    done = grader("check", str(path), "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed" in done.stdout and "one_hot" in done.stdout
    assert "conv_output_size" not in done.stdout


@pytest.mark.slow
def test_check_fails_a_starter_in_korean_with_feedback(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("mine.ipynb", starter_source(bank, "conv_output_size"))
    done = grader("check", str(path))
    assert done.returncode == 1
    assert "점수: 0 / 4" in done.stdout and "숫자여야" in done.stdout


@pytest.mark.slow
def test_check_never_runs_hidden_checks(bank: Bank, write_notebook: NotebookWriter) -> None:
    path = write_notebook("mine.ipynb", solution_source(bank, "conv_output_size"))
    done = grader("check", str(path), "--lang", "en")
    assert "hidden" not in done.stdout.lower() and "Keras Conv2D" not in done.stdout


@pytest.mark.slow
def test_a_missing_file_is_an_error_without_traceback(tmp_path: Path) -> None:
    done = grader("check", str(tmp_path / "nope.ipynb"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_batch_outside_a_bank_says_how_to_find_one(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    done = grader("batch", "class", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2 and "--bank" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_batch_exits_zero_even_when_students_fail(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim.py").write_text("raise SystemExit(3)\n")
    done = grader(
        "batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--timeout", "20"
    )
    assert done.returncode == 0, done.stderr
    assert "1 students: 1 graded" in done.stdout
    assert (tmp_path / "out" / "students" / "kim.html").is_file()


@pytest.mark.slow
def test_check_one_exercise_of_a_course_notebook_with_bank_after_the_command(
    bank: Bank, write_notebook: NotebookWriter, tmp_path: Path
) -> None:
    path = write_notebook(
        "course.ipynb", solution_source(bank, "one_hot"), starter_source(bank, "conv_output_size")
    )
    done = grader(
        "check",
        str(path),
        "--exercise",
        "one_hot",
        "--bank",
        str(ROOT),
        "--lang",
        "en",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "one_hot" in done.stdout and "conv_output_size" not in done.stdout
    assert "Took " in done.stdout and " s." in done.stdout


@pytest.mark.slow
def test_help_shows_the_grader_package_default_once() -> None:
    done = grader("release", "--help")
    assert "tf-grader==tf-grader" not in " ".join(done.stdout.split())
    assert "tf-grader==" in done.stdout


@pytest.mark.slow
def test_help_at_80_columns_never_breaks_the_grader_package_default_at_its_hyphen() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "release", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert any(word.startswith("tf-grader==") for word in done.stdout.split())
    assert all(len(line) <= 80 for line in done.stdout.splitlines())


# -- the command line as parsed, without grading ------------------------------

#: A command line each subcommand accepts, without the options shared with others.
COMMANDS = {
    "check": ["check", "mine.ipynb"],
    "batch": ["batch", "class", "--out", "out"],
    "release": ["release", "--out", "out"],
    "ci": ["ci"],
    "export": ["export", "out", "--format", "junit"],
    "validate": ["validate"],
    "gradescope bundle": ["gradescope", "bundle", "--out", "out"],
    "gradescope grade": ["gradescope", "grade", "submission", "--results", "r.json"],
    "prairielearn course": ["prairielearn", "course", "--out", "out", "--image", "img"],
    "prairielearn grade": ["prairielearn", "grade"],
}
GRADING = [c for c in COMMANDS if c not in ("release", "export")]
#: Each shared option: how it is given, where it lands, and the subcommands that take it.
SHARED: dict[str, tuple[list[str], str, Any, list[str]]] = {
    "--bank": (["--bank", "course"], "bank", Path("course"), list(COMMANDS)),
    "--lang": (
        ["--lang", "en"],
        "lang",
        "en",
        [c for c in COMMANDS if c not in ("release", "validate")],
    ),
    "--timeout": (["--timeout", "7"], "timeout", 7.0, GRADING),
    "--wall-timeout": (["--wall-timeout", "70"], "wall_timeout", 70.0, GRADING),
    "--trust-submissions": (["--trust-submissions"], "trust_submissions", True, GRADING),
    "--jobs": (["--jobs", "3"], "jobs", 3, ["batch", "validate"]),
    "--exercise": (
        ["--exercise", "one_hot"],
        "exercise",
        "one_hot",
        ["check", "prairielearn grade"],
    ),
    "--hidden-visibility": (
        ["--hidden-visibility", "visible"],
        "hidden_visibility",
        "visible",
        ["export", "gradescope bundle", "gradescope grade"],
    ),
}


@pytest.mark.parametrize(
    ("option", "command"),
    [(option, command) for option, (*_, takers) in SHARED.items() for command in takers],
)
def test_every_subcommand_that_takes_a_shared_option_accepts_it(option: str, command: str) -> None:
    given, dest, value, _ = SHARED[option]
    args = _parser().parse_args([*COMMANDS[command], *given])
    assert getattr(args, dest) == value


@pytest.mark.parametrize("option", SHARED)
def test_a_shared_option_means_the_same_in_every_subcommand(option: str) -> None:
    declared = {
        (action.default, action.type, str(action.choices), action.help)
        for command in _subcommands(_parser())
        for action in command._actions
        if option in action.option_strings
    }
    assert len(declared) == 1, declared


def test_bank_before_the_subcommand_is_kept_by_a_gradescope_action() -> None:
    args = _parser().parse_args(["--bank", "course", "gradescope", "bundle", "--out", "out"])
    assert args.bank == Path("course")


def test_fail_under_and_never_fail_together_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["ci", "--fail-under", "50", "--never-fail"])
    assert stopped.value.code == 2
    assert "--never-fail: not allowed with argument --fail-under" in capsys.readouterr().err


def test_fail_under_or_never_fail_alone_is_accepted() -> None:
    assert _parser().parse_args(["ci", "--fail-under", "50"]).fail_under == 50.0
    args = _parser().parse_args(["ci", "--never-fail"])
    assert args.never_fail and args.fail_under is None


# -- the grading modes ----------------------------------------------------------

LIMITS = Limits(cpu_seconds=20, wall_seconds=100)


def test_the_named_modes_give_the_options_the_command_line_gave_before(tmp_path: Path) -> None:
    bank = load_bank(ROOT)
    submission, results = tmp_path / "submission", tmp_path / "results" / "results.json"
    assert GradingOptions.for_check(LIMITS) == GradingOptions(
        limits=LIMITS, hidden=False, answered_only=True, trust_submissions=True
    )
    assert GradingOptions.for_batch(LIMITS) == GradingOptions(limits=LIMITS)
    assert GradingOptions.for_validate(LIMITS) == GradingOptions(limits=LIMITS, answered_only=True)
    assert GradingOptions.for_ci(LIMITS, bank, tmp_path) == GradingOptions(
        limits=LIMITS, hidden=True, hidden_paths=(str(tmp_path),)
    )
    assert GradingOptions.for_autograder(LIMITS, submission, results) == GradingOptions(
        limits=LIMITS, hidden_paths=(str(submission.resolve()), str(results.resolve().parent))
    )


def test_a_timeout_gives_a_wall_clock_and_totals_that_grow_with_it() -> None:
    short = Limits.from_timeouts(20)
    assert (short.cpu_seconds, short.wall_seconds) == (20.0, Limits.wall_seconds)
    assert (short.total_cpu_seconds, short.total_wall_seconds) == (900.0, 4500.0)
    long = Limits.from_timeouts(100, 900)
    assert (long.cpu_seconds, long.wall_seconds) == (100.0, 900.0)
    assert (long.total_cpu_seconds, long.total_wall_seconds) == (1500.0, 13500.0)
    for cpu, wall in ((0, None), (20, -1)):
        with pytest.raises(GraderError, match="must be a positive number of seconds"):
            Limits.from_timeouts(cpu, wall)


def test_ci_runs_hidden_checks_only_with_a_bank_that_has_them(tmp_path: Path) -> None:
    public = load_bank(ROOT, with_solutions=False)
    assert not GradingOptions.for_ci(LIMITS, public, tmp_path).hidden
    assert GradingOptions.for_ci(LIMITS, load_bank(ROOT), tmp_path).hidden


class Graded(BaseException):
    """Raised by a stand-in grader with the options it was given, before any grading;
    not an Exception, so that no handler's fallback catches it."""

    def __init__(self, options: GradingOptions) -> None:
        super().__init__()
        self.options = options


def stop_grading(bank: Bank, options: GradingOptions) -> Any:
    """Stands in for :class:`grader.grading.grader.Grader`."""
    raise Graded(options)


def stop_batch(bank: Bank, folder: Path, out: Path, options: GradingOptions, **named: Any) -> Any:
    """Stands in for :func:`grader.grading.batch.run_batch`."""
    raise Graded(options)


@pytest.fixture
def answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A submission folder holding one answer, with the grader and the batch replaced by
    stand-ins that stop with the options they were given."""
    monkeypatch.setattr(grading, "Grader", stop_grading)
    monkeypatch.setattr(validate, "Grader", stop_grading)
    monkeypatch.setattr(batch, "run_batch", stop_batch)
    monkeypatch.delenv("GRADER_BANK", raising=False)
    for name in [n for n in os.environ if n.startswith("GITHUB_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "mine.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    return folder


#: Per subcommand, the mode's options: hidden checks, answered only, trusted, hidden paths
#: (``{tmp}`` for the test's folder).
MODES: dict[str, tuple[list[str], tuple[bool, bool, bool, tuple[str, ...]]]] = {
    "check": (["check", "{tmp}/submission/mine.py"], (False, True, True, ())),
    "batch": (["batch", "{tmp}/submission", "--out", "{tmp}/out"], (True, False, False, ())),
    "batch trusted": (
        ["batch", "{tmp}/submission", "--out", "{tmp}/out", "--trust-submissions"],
        (True, False, True, ()),
    ),
    "validate": (["validate", "one_hot"], (True, True, False, ())),
    "ci": (["ci", "{tmp}/submission/mine.py"], (True, False, False, ("{tmp}",))),
    "gradescope grade": (
        ["gradescope", "grade", "{tmp}/submission", "--results", "{tmp}/results/results.json"],
        (True, False, False, ("{tmp}/submission", "{tmp}/results")),
    ),
    "prairielearn grade": (
        ["prairielearn", "grade", "{tmp}/submission", "--results", "{tmp}/results/results.json"],
        (True, False, False, ("{tmp}/submission", "{tmp}/results")),
    ),
}


@pytest.mark.parametrize("command", MODES)
def test_each_command_grades_in_its_mode(answer: Path, command: str) -> None:
    tmp = str(answer.parent.resolve())
    line, (hidden, answered_only, trusted, hidden_paths) = MODES[command]
    argv = [word.format(tmp=tmp) for word in line]
    with pytest.raises(Graded) as graded:
        main(["--bank", str(ROOT), *argv, "--timeout", "20", "--wall-timeout", "100"])
    options = graded.value.options
    assert (options.hidden, options.answered_only, options.trust_submissions) == (
        hidden,
        answered_only,
        trusted,
    )
    assert options.hidden_paths == tuple(path.format(tmp=tmp) for path in hidden_paths)
    assert (options.limits.cpu_seconds, options.limits.wall_seconds) == (20, 100)


def test_every_subcommand_parses_to_the_handler_that_runs_it() -> None:
    for command, line in COMMANDS.items():
        assert callable(_parser().parse_args(line).handler), command
