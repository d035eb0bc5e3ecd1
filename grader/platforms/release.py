"""What students get: ``grader release --out DIR``.

Everything is generated from the bank's ``exercises/`` (statements, starters, public
checks); nothing under ``solutions/`` is read. The notebooks are built here, never
maintained by hand: one per exercise and one for the whole course. Each opens with how
to install the grader (a cell that does it in Colab); each exercise is a statement
(Korean, then English), its starter cell, and a ``grader.check("<id>")`` cell that runs
its public checks in the student's kernel (:mod:`grader.grading.in_notebook`). The GitHub
workflow it writes is the template ``autograde.yml`` beside this module.
"""

from __future__ import annotations

import re
import shlex
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import grader
from grader.course.bank import Bank, Exercise
from grader.errors import GraderError
from grader.feedback import Message
from grader.messages.material import RELEASE
from grader.views.exports import write_atomically

_DEFAULT_PACKAGE = f"tf-grader=={grader.__version__}"
_STUDENT_FILES = ("exercise.toml", "statement.ko.md", "statement.en.md", "starter.py")


#: The workflow a release writes, with ``{package}`` and ``{lang}`` to fill in; every other
#: brace in it is GitHub's (``${{ ... }}``) or the shell's.
_WORKFLOW = "autograde.yml"
_PLACEHOLDER = re.compile(r"\{(package|lang)\}")


def workflow_yaml(grader_package: str, lang: str = "ko") -> str:
    """The GitHub Actions workflow that autogrades the students' repositories."""
    template = resources.files("grader.platforms").joinpath(_WORKFLOW).read_text(encoding="utf-8")
    values = {"package": _quotable(grader_package), "lang": lang}
    return _PLACEHOLDER.sub(lambda field: values[field[1]], template)


def _quotable(grader_package: str) -> str:
    """Give the pip requirement, unless the workflow's quotes or a notebook's ``!pip`` line
    (where IPython expands ``$name`` and ``{name}``) would change its meaning."""
    if any(c in grader_package for c in '"\\\n$`{}'):
        raise GraderError(
            f"{grader_package!r} is not a pip requirement the workflow and the notebooks can quote"
        )
    return grader_package


_COLAB_INSTALL = """\
# Colab: {comment}
import sys

if "google.colab" in sys.modules:
    !pip install --quiet {requirement}
"""


def setup_cells(grader_package: str) -> list[Any]:
    """How to install the grader, and a code cell that installs it when run in Colab."""
    requirement = shlex.quote(_quotable(grader_package))
    comment = _both(RELEASE["install-comment"], " / ")
    return [
        new_markdown_cell(_setup_text(grader_package)),
        new_code_cell(_COLAB_INSTALL.format(comment=comment, requirement=requirement).strip()),
    ]


def _setup_text(grader_package: str) -> str:
    """The set-up cell's Markdown: how to install the grader, in both languages."""
    heading = _both(RELEASE["setup-heading"], " / ")
    one_line = _both(RELEASE["setup-one-line"], " / ")
    how = _both(RELEASE["setup-how"], "\n")
    return f"**{heading}**\n\n{one_line}: `pip install {grader_package}`\n\n{how}"


def _readme(course: str, exercises: list[str], grader_package: str) -> str:
    """The release's README.md: the steps in Korean, then in English, then the exercises."""
    steps = RELEASE["readme"]
    label = RELEASE["exercises"]
    return (
        f"# {course}\n\n{steps.ko.format(package=grader_package)}\n\n"
        f"{steps.en.format(package=grader_package)}\n\n"
        f"{label.en} / {label.ko}: {', '.join(exercises)}\n"
    )


def _both(said: Message, join: str) -> str:
    return f"{said.ko}{join}{said.en}"


def check_cell(exercise: Exercise) -> Any:
    """The cell that runs an exercise's public checks in the student's own kernel."""
    return new_code_cell(f'import grader\n\ngrader.check("{exercise.id}")')


def exercise_cells(exercise: Exercise) -> list[Any]:
    """The statement (ko, en), the starter and the check of one exercise, as notebook cells."""
    statement = f"{exercise.statement('ko').strip()}\n\n---\n\n{exercise.statement('en').strip()}"
    starter = (exercise.folder / "starter.py").read_text(encoding="utf-8").strip()
    return [new_markdown_cell(statement), new_code_cell(starter), check_cell(exercise)]


def notebook_of(exercises: list[Exercise], grader_package: str = _DEFAULT_PACKAGE) -> Any:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells.extend(setup_cells(grader_package))
    for exercise in exercises:
        notebook.cells.extend(exercise_cells(exercise))
    return notebook


def release(
    bank: Bank,
    out: Path,
    course: str = "TensorFlow/Keras",
    grader_package: str = _DEFAULT_PACKAGE,
) -> list[Path]:
    """Write the student material into ``out``; give every file written."""
    written: list[Path] = []
    exercises_out = out / "exercises"
    if exercises_out.exists():
        shutil.rmtree(exercises_out)
    for exercise in bank.exercises:
        target = exercises_out / exercise.id
        target.mkdir(parents=True)
        for name in _STUDENT_FILES:
            if (exercise.folder / name).is_file():
                shutil.copyfile(exercise.folder / name, target / name)
                written.append(target / name)
        for check in exercise.public_checks:
            shutil.copyfile(check, target / check.name)
            written.append(target / check.name)
        path = out / "notebooks" / f"{exercise.id}.ipynb"
        write_atomically(path, nbformat.writes(notebook_of([exercise], grader_package)))
        written.append(path)
    course_path = out / "course.ipynb"
    write_atomically(
        course_path, nbformat.writes(notebook_of(list(bank.exercises), grader_package))
    )
    readme = out / "README.md"
    text = _readme(course, bank.ids(), grader_package)
    write_atomically(readme, text)
    workflow = out / ".github" / "workflows" / "autograde.yml"
    write_atomically(workflow, workflow_yaml(grader_package))
    return [*written, course_path, readme, workflow]
