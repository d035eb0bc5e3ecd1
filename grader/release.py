"""What students get: ``grader release --out DIR``.

Everything is generated from the bank's ``exercises/`` (statements, starters, public
checks); nothing under ``solutions/`` is read. The notebooks are built here, never
maintained by hand: one per exercise and one for the whole course, each exercise a
statement (Korean, then English) followed by its starter cell.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.bank import Bank, Exercise
from grader.exports import write_atomically

_STUDENT_FILES = ("exercise.toml", "statement.ko.md", "statement.en.md", "starter.py")

_README = """\
# {course}

## 한국어

1. 문제마다 `notebooks/<문제>.ipynb` 를 열거나, 모든 문제가 담긴 `course.ipynb` 를 여세요.
2. `# EXERCISE: <문제>` 줄이 있는 셀에 답을 쓰세요. 이 줄은 지우지 마세요.
3. 이 폴더에서 확인하세요: `grader check notebooks/one_hot.ipynb`
   (영어 피드백은 `--lang en`). 공개 검사만 실행됩니다. 채점에는 숨겨진 검사도 쓰입니다.

## English

1. Open `notebooks/<exercise>.ipynb` for one exercise, or `course.ipynb` for all of them.
2. Write your answer in the cell with the line `# EXERCISE: <exercise>`; keep that line.
3. Check your work from this folder: `grader check notebooks/one_hot.ipynb --lang en`.
   Only the public checks run here; grading also uses hidden checks.

Exercises / 문제: {exercises}
"""


def exercise_cells(exercise: Exercise) -> list[Any]:
    """The statement (ko, en) and the starter of one exercise, as notebook cells."""
    statement = f"{exercise.statement('ko').strip()}\n\n---\n\n{exercise.statement('en').strip()}"
    starter = (exercise.folder / "starter.py").read_text(encoding="utf-8").strip()
    return [new_markdown_cell(statement), new_code_cell(starter)]


def notebook_of(exercises: list[Exercise]) -> Any:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for exercise in exercises:
        notebook.cells.extend(exercise_cells(exercise))
    return notebook


def release(bank: Bank, out: Path, course: str = "TensorFlow/Keras") -> list[Path]:
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
        write_atomically(path, nbformat.writes(notebook_of([exercise])))
        written.append(path)
    course_path = out / "course.ipynb"
    write_atomically(course_path, nbformat.writes(notebook_of(list(bank.exercises))))
    readme = out / "README.md"
    write_atomically(readme, _README.format(course=course, exercises=", ".join(bank.ids())))
    return [*written, course_path, readme]
