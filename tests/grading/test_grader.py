"""Grading whole submissions: credit per section; a failure costs only what it must."""

from __future__ import annotations

import pytest

from grader.course.bank import Bank
from grader.grading.grader import Grader, GradingOptions
from grader.results.model import SubmissionResult

from ..conftest import TEST_LIMITS, NotebookWriter, solution_source, starter_source

pytestmark = pytest.mark.slow


def outcomes(result: SubmissionResult, exercise: str) -> set[str]:
    found = result.exercise(exercise)
    assert found is not None, exercise
    return {check.outcome for check in found.checks}


def test_the_reference_solutions_score_full_marks(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("ref.ipynb", *(solution_source(bank, e) for e in bank.ids()))
    result = grader.grade_file(path)
    assert result.error is None
    assert result.points == result.max_points > 0
    assert all(cell.status == "ok" for cell in result.cells)


def test_the_starters_score_nothing_and_every_check_says_why(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("starter.ipynb", *(starter_source(bank, e) for e in bank.ids()))
    result = grader.grade_file(path)
    assert result.points == 0
    for exercise in result.exercises:
        for check in exercise.checks:
            assert check.message is not None and check.message.ko and check.message.en


def test_rebinding_a_name_later_keeps_earlier_credit(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "re.ipynb",
        solution_source(bank, "one_hot"),
        "# EXERCISE: conv_output_size\none_hot = None\ny = None\n"
        + solution_source(bank, "conv_output_size").split("\n", 1)[1],
    )
    result = grader.grade_file(path)
    assert outcomes(result, "one_hot") == {"passed"}
    assert outcomes(result, "conv_output_size") == {"passed"}


def test_without_markers_the_final_namespace_is_graded(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    plain = solution_source(bank, "one_hot").replace("# EXERCISE: one_hot", "")
    kept = grader.grade_file(write_notebook("plain.ipynb", plain))
    assert outcomes(kept, "one_hot") == {"passed"}
    overwritten = grader.grade_file(write_notebook("late.ipynb", plain, "y = None"))
    assert "failed" in outcomes(overwritten, "one_hot")


def test_a_failing_cell_does_not_stop_the_later_ones(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("err.ipynb", "1 / 0", solution_source(bank, "conv_output_size"))
    result = grader.grade_file(path)
    assert [cell.status for cell in result.cells] == ["error", "ok"]
    assert result.cells[0].ename == "ZeroDivisionError"
    assert outcomes(result, "conv_output_size") == {"passed"}


def test_magics_and_shell_commands_work(grader: Grader, write_notebook: NotebookWriter) -> None:
    path = write_notebook(
        "magic.ipynb",
        "!echo from-the-shell",
        "%time x = 41 + 1",
        "files = !ls /\nprint('tmp' in files)",
    )
    cells = grader.grade_file(path).cells
    assert [cell.status for cell in cells] == ["ok", "ok", "ok"]
    assert "from-the-shell" in cells[0].stdout and "Wall time" in cells[1].stdout
    assert "True" in cells[2].stdout


def test_os_exit_mid_notebook_keeps_earlier_credit_and_says_where(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "exit.ipynb",
        solution_source(bank, "tensors"),
        "# EXERCISE: one_hot\nimport os\nos._exit(3)",
        solution_source(bank, "conv_output_size"),
    )
    result = grader.grade_file(path)
    assert outcomes(result, "tensors") == {"passed"}
    assert outcomes(result, "one_hot") == {"error"}
    assert outcomes(result, "conv_output_size") == {"error"}
    assert result.error is not None and "during cell 2" in result.error
    assert [cell.status for cell in result.cells] == ["ok", "crashed", "not-run"]
    assert "exited with code 3" in result.runner_status


def test_sys_exit_is_just_an_error_in_its_cell(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "sysexit.ipynb", "import sys\nsys.exit(1)", solution_source(bank, "conv_output_size")
    )
    result = grader.grade_file(path)
    assert result.cells[0].status == "error"
    assert outcomes(result, "conv_output_size") == {"passed"}


def test_a_timed_out_section_is_named_in_its_feedback(
    grader: Grader, write_notebook: NotebookWriter
) -> None:
    path = write_notebook("slow.ipynb", "# EXERCISE: conv_output_size\nwhile True:\n    pass")
    result = grader.grade_file(path)
    assert result.cells[0].status == "timeout"
    exercise = result.exercise("conv_output_size")
    assert exercise is not None
    for check in exercise.checks:
        assert check.message is not None
        assert "CPU time" in check.message.en and "CPU 시간" in check.message.ko


def test_check_mode_grades_only_answered_exercises_with_public_checks(
    public_bank: Bank, bank: Bank, write_notebook: NotebookWriter
) -> None:
    options = GradingOptions(limits=TEST_LIMITS, hidden=False, answered_only=True)
    with Grader(public_bank, options, zygote=None) as student_grader:
        result = student_grader.grade_file(
            write_notebook("mine.ipynb", solution_source(bank, "one_hot"))
        )
    assert [e.exercise for e in result.exercises] == ["one_hot"]
    assert {c.visibility for e in result.exercises for c in e.checks} == {"public"}
    assert result.points == result.max_points


def test_hard_coding_the_public_answers_fails_the_hidden_checks(
    grader: Grader, write_notebook: NotebookWriter
) -> None:
    cheat = (
        "# EXERCISE: conv_output_size\ndef conv_output_size(n, m, p, s):\n"
        "    return {(28, 3, 0, 1): 26, (28, 5, 2, 1): 28, (7, 3, 0, 2): 3}.get((n, m, p, s), 0)\n"
        "def keras_output_size(n, m, s, padding):\n"
        "    return 26 if padding == 'valid' else 28"
    )
    result = grader.grade_file(write_notebook("cheat.ipynb", cheat))
    exercise = result.exercise("conv_output_size")
    assert exercise is not None
    public = {c.outcome for c in exercise.checks if c.visibility == "public"}
    hidden = {c.outcome for c in exercise.checks if c.visibility == "hidden"}
    assert public == {"passed"} and "failed" in hidden


def test_the_time_checks_spend_in_student_code_is_counted_apart_from_the_cells(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    slow = (
        solution_source(bank, "one_hot")
        + "\n\nimport time\n_fast = one_hot\n\n\ndef one_hot(labels, depth):\n"
        "    time.sleep(0.05)\n    return _fast(labels, depth)\n"
    )
    result = grader.grade_file(write_notebook("slow.ipynb", slow))
    assert outcomes(result, "one_hot") == {"passed"}
    # Every call the checks make sleeps in the runner; the cells themselves call nothing.
    assert result.timings["calls"] >= 0.05
    assert result.timings["cells"] + result.timings["calls"] <= result.seconds


def test_grading_is_reproducible(grader: Grader, write_notebook: NotebookWriter) -> None:
    wrong = (
        "# EXERCISE: conv_output_size\ndef conv_output_size(n, m, p, s):\n"
        "    return (n + p - m) // s + 1"
    )
    path = write_notebook("wrong.ipynb", wrong)
    first, second = grader.grade_file(path), grader.grade_file(path)
    assert [c.message for e in first.exercises for c in e.checks] == [
        c.message for e in second.exercises for c in e.checks
    ]


def test_a_later_lesson_that_rebinds_a_checked_name_leaves_the_exercise_graded_at_its_end(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    lesson = "from tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])"
    right = grader.grade_file(
        write_notebook(
            "textbook.ipynb",
            ("md", "## 3.5 A linear classifier"),
            solution_source(bank, "linear_classifier"),
            ("md", "## 3.6 Keras models"),
            lesson,
        )
    )
    assert outcomes(right, "linear_classifier") == {"passed"}
    told = [n for n in right.notices if "`model`" in n]
    assert len(told) == 1 and "셀 4" in told[0] and "cell 4" in told[0]
    assert "after cell 2" in told[0]

    unanswered = starter_source(bank, "linear_classifier")
    done_later = solution_source(bank, "linear_classifier").replace("# EXERCISE:", "# was:")
    wrong = grader.grade_file(
        write_notebook(
            "later.ipynb",
            ("md", "## 3.5"),
            unanswered,
            ("md", "## 3.6"),
            done_later,
        )
    )
    assert "passed" not in outcomes(wrong, "linear_classifier")


def test_a_submission_without_markers_is_told_so_once(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    plain = solution_source(bank, "one_hot").replace("# EXERCISE: one_hot", "")
    result = grader.grade_file(write_notebook("plain.ipynb", plain, "y = 1"))
    told = [n for n in result.notices if "`# EXERCISE:`" in n]
    assert len(told) == 1
    assert "# END EXERCISE" in told[0] and "줄이 하나도 없어서" in told[0]


def test_an_unknown_exercise_id_is_answered_with_the_one_meant(
    grader: Grader, write_notebook: NotebookWriter
) -> None:
    result = grader.grade_file(write_notebook("typo.ipynb", "# EXERCISE: tensor\nx = 1"))
    assert any(
        "`tensors` 문제를 뜻했나요?" in n and "Did you mean `tensors`?" in n for n in result.notices
    )


def test_colab_set_up_cells_are_answered_politely_and_grading_goes_on(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "colab.ipynb",
        "!pip install -q tf-grader\n%pip install seaborn",
        "from google.colab import drive\ndrive.mount('/content/drive')\nimport google.colab.files",
        solution_source(bank, "one_hot"),
    )
    result = grader.grade_file(path)
    assert outcomes(result, "one_hot") == {"passed"}
    first, second = result.cells[0], result.cells[1]
    assert first.status == "ok" and second.status == "ok"
    assert first.stdout.count("패키지를 설치하지 않습니다") == 2
    assert "not installed when grading" in first.stdout
    assert second.stdout.count("google.colab") == 2 and "Colab" in second.stdout
