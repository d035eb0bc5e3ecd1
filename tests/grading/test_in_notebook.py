"""``grader.check("one_hot")`` in a student's kernel: public checks on the kernel's names,
shown as a table in the student's language; a line and nothing more in the grader's runner."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from grader import messages
from grader.course.bank import Bank, load_bank
from grader.grading.grader import Grader
from grader.platforms.release import release

from ..conftest import ROOT, NotebookWriter, solution_source

EXERCISE = "one_hot"
MISTAKE = ROOT / "solutions" / EXERCISE / "mistakes" / "twice.py"


def public_check_names(bank: Bank, exercise: str) -> list[str]:
    """The public check functions of an exercise, read from its files."""
    names = []
    for path in bank.get(exercise).public_checks:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names += [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    return [name for name in names if name.startswith("test_")]


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An in-process IPython shell with an empty namespace, in the course folder."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GRADER_BANK", raising=False)
    monkeypatch.delenv("GRADER_LANG", raising=False)
    # IPython makes its own module __main__; the tests after these need Python's back
    # (multiprocessing's spawn reads __main__.__spec__), so it is put back at teardown.
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    instance = InteractiveShell.instance()
    sys.modules["__main__"] = instance.user_module
    instance.reset()
    yield instance
    instance.reset()


def shown(shell: Any, source: str) -> dict[str, str]:
    """What a cell displays: its one output's data, by MIME type."""
    with capture_output() as captured:
        result = shell.run_cell(source)
    assert result.success, result.error_in_exec
    assert len(captured.outputs) == 1, (captured.stdout, captured.outputs)
    return dict(captured.outputs[0].data)


def rows(html: str) -> list[tuple[str, str]]:
    """The table's rows as (outcome, text)."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    [table] = tree.findall(".//table")
    return [(tr.get("data-outcome", ""), "".join(tr.itertext())) for tr in table.iter("tr")][1:]


def test_a_correct_answer_shows_every_public_check_passing(shell: Any, bank: Bank) -> None:
    shell.run_cell(solution_source(bank, EXERCISE))
    html = shown(shell, f'import grader\ngrader.check("{EXERCISE}")')["text/html"]
    outcomes = [outcome for outcome, _ in rows(html)]
    assert outcomes == ["passed"] * len(public_check_names(bank, EXERCISE))
    assert "공개 검사를 모두 통과했습니다" in html


def test_a_wrong_answer_shows_the_diagnosis(shell: Any) -> None:
    shell.run_cell(MISTAKE.read_text(encoding="utf-8"))
    table = rows(shown(shell, f'import grader\ngrader.check("{EXERCISE}")')["text/html"])
    failed = [text for outcome, text in table if outcome == "failed"]
    assert len(failed) == 1
    assert "(128, 10, 10)" in failed[0] and "두 번" in failed[0]
    english = shown(shell, f'grader.check("{EXERCISE}", lang="en")')["text/plain"]
    assert "the one-hot encoding was applied twice" in english


def test_the_checks_see_the_kernels_names_as_they_are_now(shell: Any, bank: Bank) -> None:
    shell.run_cell(MISTAKE.read_text(encoding="utf-8"))
    shell.run_cell("import grader")
    assert "failed" in {o for o, _ in rows(shown(shell, 'grader.check("one_hot")')["text/html"])}
    shell.run_cell("y = one_hot(labels, 10)")
    outcomes = {o for o, _ in rows(shown(shell, 'grader.check("one_hot")')["text/html"])}
    assert outcomes == {"passed"}


def test_a_missing_name_gets_the_usual_message(shell: Any, bank: Bank) -> None:
    shell.run_cell(solution_source(bank, EXERCISE) + "\ndel entropy\nimport grader")
    text = shown(shell, f'grader.check("{EXERCISE}")')["text/plain"]
    assert messages.missing_name("entropy", EXERCISE).ko in text


def test_an_unknown_id_suggests_the_right_one(shell: Any) -> None:
    data = shown(shell, 'import grader\ngrader.check("tensor")')
    expected = messages.unknown_check_id("tensor", "tensors", []).ko
    assert data["text/plain"] == expected
    tree = html5lib.parse(data["text/html"], namespaceHTMLElements=False)
    assert not tree.findall(".//table") and "".join(tree.itertext()) == expected
    english = shown(shell, 'grader.check("tensor", lang="en")')["text/plain"]
    assert "Did you mean `tensors`?" in english


def test_without_a_course_folder_the_student_is_told_where_to_open_the_notebook(
    shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = shown(shell, 'import grader\ngrader.check("one_hot")')["text/plain"]
    assert text == messages.bank_not_found().ko


def test_the_output_is_an_html_table_with_a_text_twin(shell: Any, bank: Bank) -> None:
    shell.run_cell(solution_source(bank, EXERCISE))
    data = shown(shell, f'import grader\ngrader.check("{EXERCISE}")')
    tree = html5lib.parse(data["text/html"], namespaceHTMLElements=False)
    assert len(tree.findall(".//table//th")) == 3 and not tree.findall(".//script")
    for title in _titles(bank):
        assert title in data["text/plain"] and title in data["text/html"]


def _titles(bank: Bank) -> list[str]:
    """Each public check's Korean title, as the checks of the solution's names give them."""
    from grader.grading.in_notebook import public_checks

    namespace: dict[str, Any] = {}
    exec(compile(solution_source(bank, EXERCISE), "solution", "exec"), namespace)
    checks = public_checks(EXERCISE, namespace).result.checks
    assert len(checks) == len(public_check_names(bank, EXERCISE))
    return [check.title.ko for check in checks]


def test_korean_by_default_english_by_argument_or_environment(
    shell: Any, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell.run_cell(solution_source(bank, EXERCISE) + "\nimport grader")
    title = bank.get(EXERCISE).title
    assert title.ko in shown(shell, f'grader.check("{EXERCISE}")')["text/plain"]
    assert title.en in shown(shell, f'grader.check("{EXERCISE}", lang="en")')["text/plain"]
    monkeypatch.setenv("GRADER_LANG", "en")
    assert title.en in shown(shell, f'grader.check("{EXERCISE}")')["text/plain"]


def test_outside_ipython_a_text_table_is_printed_for_the_callers_names(bank: Bank) -> None:
    source = solution_source(bank, EXERCISE) + f'\nimport grader\ngrader.check("{EXERCISE}")\n'
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    environment.pop("GRADER_BANK", None)
    done = subprocess.run(
        [sys.executable, "-c", source],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert bank.get(EXERCISE).title.ko in done.stdout and "<table" not in done.stdout
    assert done.stdout.count("✓") == len(public_check_names(bank, EXERCISE))


def test_the_released_notebook_checks_its_exercise_in_the_kernel(
    shell: Any, bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release(load_bank(ROOT, with_solutions=False), tmp_path)
    notebook = nbformat.read(tmp_path / "notebooks" / f"{EXERCISE}.ipynb", as_version=4)
    # Jupyter starts a notebook's kernel in the notebook's folder.
    monkeypatch.chdir(tmp_path / "notebooks")
    outputs = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if source.startswith("# EXERCISE:"):
            source = solution_source(bank, EXERCISE)
        with capture_output() as captured:
            assert shell.run_cell(source).success
        outputs += captured.outputs
    [table] = outputs
    outcomes = [outcome for outcome, _ in rows(table.data["text/html"])]
    assert outcomes == ["passed"] * len(public_check_names(bank, EXERCISE))


def test_the_course_notebook_has_a_check_cell_after_each_exercise(
    bank: Bank, tmp_path: Path
) -> None:
    release(load_bank(ROOT, with_solutions=False), tmp_path)
    cells = nbformat.read(tmp_path / "course.ipynb", as_version=4).cells
    starters = [i for i, c in enumerate(cells) if c.source.startswith("# EXERCISE:")]
    assert len(starters) == len(bank.exercises)
    for index in starters:
        exercise = cells[index].source.split()[2]
        assert cells[index + 1].source == f'import grader\n\ngrader.check("{exercise}")'
        after = cells[index + 2] if index + 2 < len(cells) else None
        assert after is None or after.cell_type == "markdown"


@pytest.mark.slow
def test_in_the_graders_runner_the_check_cell_prints_one_line(
    grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "mine.ipynb",
        solution_source(bank, EXERCISE),
        f'import grader\n\ngrader.check("{EXERCISE}")',
    )
    result = grader.grade_file(path)
    check_cell = result.cells[-1]
    assert check_cell.status == "ok"
    assert check_cell.stdout.strip() == messages.check_skipped_while_grading(EXERCISE).ko
    [graded] = [e for e in result.exercises if e.exercise == EXERCISE]
    assert graded.points == graded.max_points and all(c.passed for c in graded.checks)
