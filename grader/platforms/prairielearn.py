"""PrairieLearn's course files that run the bank inside it: a question per exercise, the
bank and the entrypoint in ``serverFilesCourse``, and the image the grading runs in.

PrairieLearn copies a question's submission to ``/grade/student`` and the files the
question names in ``serverFilesCourse`` to ``/grade/serverFilesCourse``, runs the
image's entrypoint without network, and reads ``/grade/results/results.json``
(rendered by :mod:`grader.views.prairielearn`); :func:`grade` is what the entrypoint
runs. The fields are those of PrairieLearn's "External Grading" documentation.
"""

from __future__ import annotations

import html
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import grader
from grader.course.bank import Bank, Exercise
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language
from grader.messages.material import PRAIRIELEARN
from grader.platforms import autograder
from grader.platforms.gradescope import requirements
from grader.views.exports import write_atomically
from grader.views.prairielearn import (
    NO_SUBMISSION,
    cannot_run,
    encode,
    not_gradable,
    results_document,
)

#: Where the course files put the bank and the grader, below serverFilesCourse.
COURSE_FOLDER = "tf-grader"
#: PrairieLearn kills a grading job after 30 s unless told otherwise, and allows 600 s.
DEFAULT_TIMEOUT = 300
_MAX_TIMEOUT = 600
#: A fixed namespace, so that writing the course again gives each question the same UUID.
_UUIDS = uuid.UUID("5b0f4c55-2d0e-4d8a-9b61-3f2a7c1e9d40")


_DOCKERFILE = """\
# The image PrairieLearn grades in: TensorFlow and the grader installed when it is built,
# so that grading needs no network (PrairieLearn gives the container none).
FROM python:3.11-slim
COPY requirements.txt /opt/tf-grader/requirements.txt
COPY grader /opt/tf-grader/grader
RUN python -m venv /opt/tf-grader/venv \\
    && /opt/tf-grader/venv/bin/pip install --no-cache-dir -r /opt/tf-grader/requirements.txt \\
    && PYTHONPATH=/opt/tf-grader /opt/tf-grader/venv/bin/python -c "import grader.cli, tensorflow"
ENV PYTHONPATH=/opt/tf-grader TF_CPP_MIN_LOG_LEVEL=3
"""


_RUN = """\
#!/usr/bin/env bash
# PrairieLearn's entrypoint: grade /grade/student against the bank in serverFilesCourse.
set -uo pipefail
mkdir -p /grade/results
exec /opt/tf-grader/venv/bin/python -m grader.cli \\
    --bank /grade/serverFilesCourse/{folder}/bank prairielearn grade /grade/student \\
    --results /grade/results/results.json --exercise "$1" --lang {lang} --timeout {timeout:g} \
    "${{@:2}}"
"""


_QUESTION = """\
<pl-question-panel>
  <h4>{title_ko} · {title_en}</h4>
  <pre style="white-space: pre-wrap">{statement}</pre>
  <p>{upload}</p>
</pl-question-panel>
<pl-file-upload optional-file-patterns="*.ipynb, *.py"></pl-file-upload>
<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def write_course(
    bank: Bank,
    out: Path,
    *,
    image: str,
    timeout: int = DEFAULT_TIMEOUT,
    cpu_seconds: float = 60.0,
    lang: Language = "ko",
) -> list[Path]:
    """Write into the course folder ``out`` a question per exercise, the bank and the
    entrypoint in ``serverFilesCourse/tf-grader/``, and the image's build files in
    ``graders/tf-grader/``; give the files written.

    ``image`` is the name the image is pushed under; ``timeout`` is PrairieLearn's limit
    on the whole job, ``cpu_seconds`` the grader's on each exercise.
    """
    if not any(exercise.solution for exercise in bank.exercises):
        raise GraderError(
            f"the bank at {bank.root} has no solutions/: PrairieLearn grades with the hidden "
            "checks and references, so write the course from the instructor's bank"
        )
    if not 30 < timeout <= _MAX_TIMEOUT:
        raise GraderError(
            f"--timeout {timeout} is out of PrairieLearn's range: give more than its 30 s "
            f"default (TensorFlow alone takes seconds to start) and at most {_MAX_TIMEOUT}"
        )
    written: list[Path] = []
    server = out / "serverFilesCourse" / COURSE_FOLDER
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    for name in ("exercises", "solutions"):
        shutil.rmtree(server / "bank" / name, ignore_errors=True)
        shutil.copytree(bank.root / name, server / "bank" / name, ignore=ignore)
    run = server / "run.sh"
    write_atomically(run, _RUN.format(folder=COURSE_FOLDER, lang=lang, timeout=cpu_seconds))
    run.chmod(0o755)
    written.append(run)
    image_folder = out / "graders" / COURSE_FOLDER
    shutil.rmtree(image_folder / "grader", ignore_errors=True)
    shutil.copytree(Path(grader.__file__).parent, image_folder / "grader", ignore=ignore)
    write_atomically(image_folder / "requirements.txt", "\n".join(requirements()) + "\n")
    write_atomically(image_folder / "Dockerfile", _DOCKERFILE)
    written += [image_folder / "requirements.txt", image_folder / "Dockerfile"]
    for exercise in bank.exercises:
        written += _question(out, exercise, image=image, timeout=timeout)
    return written


def question_info(exercise: Exercise, *, image: str, timeout: int) -> dict[str, Any]:
    """The question's ``info.json``: externally graded in ``image``, with the bank."""
    return {
        "uuid": str(uuid.uuid5(_UUIDS, exercise.id)),
        "type": "v3",
        "title": f"{exercise.title.ko} · {exercise.title.en}",
        "topic": "TensorFlow/Keras",
        "tags": [COURSE_FOLDER, exercise.id],
        "gradingMethod": "External",
        "singleVariant": True,
        "externalGradingOptions": {
            "image": image,
            "serverFilesCourse": [f"{COURSE_FOLDER}/"],
            "entrypoint": [f"/grade/serverFilesCourse/{COURSE_FOLDER}/run.sh", exercise.id],
            "timeout": timeout,
            "enableNetworking": False,
        },
    }


def _upload_prompt(exercise: str) -> str:
    """How to hand in an answer to the question of ``exercise`` (escaped): Korean · English."""
    upload = PRAIRIELEARN["upload"]
    return f"{upload.ko} · {upload.en}".format(exercise=exercise)


def _question(out: Path, exercise: Exercise, *, image: str, timeout: int) -> list[Path]:
    folder = out / "questions" / COURSE_FOLDER / exercise.id
    info = question_info(exercise, image=image, timeout=timeout)
    write_atomically(folder / "info.json", json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    text = "\n\n".join(
        part for part in (exercise.statement("ko"), exercise.statement("en")) if part
    )
    page = _QUESTION.format(
        title_ko=html.escape(exercise.title.ko),
        title_en=html.escape(exercise.title.en),
        statement=html.escape(text.strip()),
        upload=_upload_prompt(html.escape(exercise.id)),
    )
    write_atomically(folder / "question.html", page)
    return [folder / "info.json", folder / "question.html"]


def grade(job: autograder.Job, *, exercise: str | None = None) -> None:
    """Grade ``job``'s folder, as the question of ``exercise`` if one is named, and write
    its ``results.json``, whatever happens.

    Nothing to score (no notebook or module, or files that did not run and answered
    nothing) is not gradable, saying why; so is every fault of the grader's (a bank that
    cannot load, an exercise it does not have, a bad budget, a bug).
    """
    try:
        document = _document(job, exercise)
    except Exception as error:
        # A fault of the grader, not the student's: PrairieLearn must not use up an attempt.
        document = not_gradable([autograder.could_not_grade(error)])
    write_atomically(job.results, encode(document).decode("utf-8"))


def _document(job: autograder.Job, exercise: str | None) -> dict[str, Any]:
    bank = job.load_bank()
    if exercise is not None:
        bank.get(exercise)
    chosen, passed_over = autograder.submissions_in(job.folder)
    if not chosen:
        return not_gradable([NO_SUBMISSION, *passed_over])
    graded = autograder.grade(job, bank, chosen, passed_over)
    results = graded.results
    if exercise is not None:
        results = [result.only(exercise) for result in results]
    errors = cannot_run(results)
    if errors:
        return not_gradable(errors)
    return results_document(
        results, lang=job.lang, notes=graded.notes, mistakes=named_in(bank.exercises)
    )
