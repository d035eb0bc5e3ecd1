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
from grader.views.exports import write_atomically

_DEFAULT_PACKAGE = f"tf-grader=={grader.__version__}"
_STUDENT_FILES = ("exercise.toml", "statement.ko.md", "statement.en.md", "starter.py")

_README = """\
# {course}

## 한국어

0. 채점기를 설치하세요 (한 줄): `pip install {package}`
   Colab 에서는 노트북의 첫 코드 셀이 설치합니다.
1. 문제마다 `notebooks/<문제>.ipynb` 를 열거나, 모든 문제가 담긴 `course.ipynb` 를 여세요.
2. `# EXERCISE: <문제>` 줄이 있는 셀에 답을 쓰세요. 이 줄은 지우지 마세요.
   답은 다음 `# EXERCISE:` 줄, `# END EXERCISE` 줄, 또는 그 문제 제목과 같은 수준이나
   더 높은 수준의 마크다운 제목(`#`, `##` …)에서 끝납니다. 각 문제는 답이 끝난 시점의
   이름으로 채점되므로, 그 뒤에 같은 이름(예: `model`)을 다시 써도 점수는 바뀌지 않고,
   채점 결과가 그 사실을 알려 줍니다.
3. 이 폴더에서 확인하세요: `grader check notebooks/one_hot.ipynb`
   (영어 피드백은 `--lang en`). 공개 검사만 실행됩니다. 채점에는 숨겨진 검사도 쓰입니다.
   노트북 안에서는 문제마다 끝에 있는 `grader.check("one_hot")` 셀을 실행하면, 지금
   커널의 이름으로 공개 검사를 실행해 결과를 표로 보여 줍니다 (영어는
   `grader.check("one_hot", lang="en")` 또는 환경 변수 `GRADER_LANG=en`). 노트북은 이
   폴더 안에서 여세요: 공개 검사를 `exercises/` 에서 찾습니다.
4. 풀 리퀘스트를 열면 `.github/workflows/autograde.yml` 이 바뀐 노트북을 채점합니다.
   결과는 작업 요약(job summary)과 파일의 주석으로 보입니다.

## English

0. Install the grader (one line): `pip install {package}`
   In Colab, the notebook's first code cell installs it.
1. Open `notebooks/<exercise>.ipynb` for one exercise, or `course.ipynb` for all of them.
2. Write your answer in the cell with the line `# EXERCISE: <exercise>`; keep that line.
   An answer ends at the next `# EXERCISE:` line, at a line `# END EXERCISE`, or at a
   markdown heading of its exercise heading's level or higher (`#`, `##` …). Each
   exercise is graded on the names as they stood where its answer ends, so reusing a
   name later (say `model`) does not change its grade; the feedback points it out.
3. Check your work from this folder: `grader check notebooks/one_hot.ipynb --lang en`.
   Only the public checks run here; grading also uses hidden checks. Inside a notebook,
   run the `grader.check("one_hot")` cell at the end of each exercise: it runs the public
   checks on the kernel's current names and shows the result as a table (in English with
   `grader.check("one_hot", lang="en")` or the environment variable `GRADER_LANG=en`).
   Open the notebooks inside this folder: the public checks are found in `exercises/`.
4. A pull request is graded by `.github/workflows/autograde.yml`: the score and the
   feedback appear in the job summary and as annotations on your files.

Exercises / 문제: {exercises}
"""


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


_SETUP = """\
**채점기 설치 / Installing the grader**

한 줄로 설치합니다 / One line installs it: `pip install {package}`

Colab 에서는 아래 셀이 설치합니다. 각 문제 끝의 `grader.check(...)` 셀은 지금 커널의 이름으로
공개 검사를 실행해 결과를 표로 보여 줍니다 (영어: `lang="en"`).
In Colab, the cell below installs it. The `grader.check(...)` cell after each exercise runs
its public checks on the kernel's current names and shows the result as a table
(Korean by default; `lang="en"` for English).
"""

_COLAB_INSTALL = """\
# Colab: 채점기 설치 / install the grader
import sys

if "google.colab" in sys.modules:
    !pip install --quiet {requirement}
"""


def setup_cells(grader_package: str) -> list[Any]:
    """How to install the grader, and a code cell that installs it when run in Colab."""
    requirement = shlex.quote(_quotable(grader_package))
    return [
        new_markdown_cell(_SETUP.format(package=grader_package).strip()),
        new_code_cell(_COLAB_INSTALL.format(requirement=requirement).strip()),
    ]


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
    text = _README.format(course=course, exercises=", ".join(bank.ids()), package=grader_package)
    write_atomically(readme, text)
    workflow = out / ".github" / "workflows" / "autograde.yml"
    write_atomically(workflow, workflow_yaml(grader_package))
    return [*written, course_path, readme, workflow]
