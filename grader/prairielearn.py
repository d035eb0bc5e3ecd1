"""PrairieLearn: its external grader's ``results.json``, and the course files that run the
bank inside it.

PrairieLearn copies a question's submission to ``/grade/student`` and the files the
question names in ``serverFilesCourse`` to ``/grade/serverFilesCourse``, runs the
image's entrypoint without network, and reads ``/grade/results/results.json``: a
``score`` in [0, 1], ``gradable`` (``false``, with ``format_errors``, for a submission
that cannot be graded: no attempt is used up), and ``tests`` that the
``<pl-external-grader-results>`` element shows, each with ``name``, ``points``,
``max_points``, ``message`` and ``output``. The file must stay under 1 MB. The fields
are those of PrairieLearn's "External Grading" documentation.
"""

from __future__ import annotations

import html
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import grader
from grader.bank import Bank, Exercise
from grader.diagnoses import Named, for_student
from grader.errors import GraderError
from grader.exports import write_atomically
from grader.feedback import Language
from grader.gradescope import requirements
from grader.results import CheckOutcome, SubmissionResult
from grader.text import safe_text

#: PrairieLearn's limit on results.json is 1 MB; this leaves room for what it adds.
RESULTS_BYTES = 900_000
_OUTPUT_LIMIT = 4_000
#: Where the course files put the bank and the grader, below serverFilesCourse.
COURSE_FOLDER = "tf-grader"
#: PrairieLearn kills a grading job after 30 s unless told otherwise, and allows 600 s.
DEFAULT_TIMEOUT = 300
_MAX_TIMEOUT = 600
#: A fixed namespace, so that writing the course again gives each question the same UUID.
_UUIDS = uuid.UUID("5b0f4c55-2d0e-4d8a-9b61-3f2a7c1e9d40")


def results_document(
    results: list[SubmissionResult],
    *,
    lang: Language = "ko",
    notes: tuple[str, ...] = (),
    mistakes: Named | None = None,
) -> dict[str, Any]:
    """PrairieLearn's ``results.json`` for one student's files: a test per check.

    A hidden check is shown by its name and points only, so its feedback cannot give
    the hidden inputs away. A public check's output names the mistake it found by the
    name ``mistakes`` (:func:`grader.diagnoses.named_in`) or the framework gives it,
    never by its slug. Outputs are cut until the document fits :data:`RESULTS_BYTES`.
    """
    checks = [c for r in results for e in r.exercises for c in e.checks]
    points = sum(c.points for c in checks)
    maximum = sum(c.max_points for c in checks)
    problems = [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None]
    problems += [f"{Path(r.path).name}: {notice}" for r in results for notice in r.notices]
    document: dict[str, Any] = {}
    for limit in (_OUTPUT_LIMIT, 1_000, 200, 0):
        document = {
            "gradable": True,
            "score": round(points / maximum, 6) if maximum else 0.0,
            "message": f"{points:g} / {maximum:g}",
            "output": _clip("\n".join([*notes, *problems]), max(limit, 2_000)),
            "tests": [_test(check, lang, limit, mistakes) for check in checks],
        }
        document = _safe(document)
        if len(encode(document)) <= RESULTS_BYTES:
            break
    return document


def not_gradable(errors: list[str]) -> dict[str, Any]:
    """A ``results.json`` saying the submission could not be graded, and why."""
    return {
        "gradable": False,
        "format_errors": [_clip(safe_text(error), _OUTPUT_LIMIT) for error in errors[:20]],
    }


def cannot_run(results: list[SubmissionResult]) -> list[str]:
    """Why ``results`` are no submission PrairieLearn should score: each file that did
    not run and answered nothing; empty when something was graded."""
    if any(e.answered for r in results for e in r.exercises):
        return []
    return [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None] or [
        NO_ANSWER
    ]


NO_SUBMISSION = (
    "제출물이 없습니다: `# EXERCISE: <문제>` 줄이 있는 .ipynb 또는 .py 파일을 올리세요. · "
    "No submission: upload a .ipynb or .py file with an `# EXERCISE: <id>` line."
)
NO_ANSWER = (
    "이 문제의 답이 없습니다: 답 셀의 `# EXERCISE: <문제>` 줄을 지우지 마세요. · "
    "No answer to this question: keep the `# EXERCISE: <id>` line of your answer's cell."
)


def encode(document: dict[str, Any]) -> bytes:
    """``document`` as results.json holds it."""
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _test(
    check: CheckOutcome, lang: Language, limit: int, mistakes: Named | None
) -> dict[str, Any]:
    test: dict[str, Any] = {
        "name": f"{check.exercise}: {check.title.in_language(lang)}",
        "points": check.points,
        "max_points": check.max_points,
    }
    if check.visibility == "hidden":
        return test
    feedback = check.message.in_language(lang) if check.message is not None else ""
    test["message"] = _clip(feedback.split("\n", 1)[0], min(limit, 300))
    mistake = None if check.passed else for_student(check.exercise, check.diagnosis, mistakes)
    output = feedback + (f"\n{mistake.said(lang)}" if mistake is not None else "")
    test["output"] = _clip(output.strip(), limit)
    return test


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def _safe(value: Any) -> Any:
    # Feedback can quote what a submission printed; the document must be valid UTF-8.
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value


# -- the course files ------------------------------------------------------

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
  <p>답 셀에 <code># EXERCISE: {exercise}</code> 줄을 두고 노트북(.ipynb)이나 .py 파일을
  올리세요. · Upload your notebook (.ipynb) or .py file, with the line
  <code># EXERCISE: {exercise}</code> in your answer's cell.</p>
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
        exercise=html.escape(exercise.id),
    )
    write_atomically(folder / "question.html", page)
    return [folder / "info.json", folder / "question.html"]
