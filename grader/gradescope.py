"""Gradescope: its ``results.json``, and an autograder bundle that runs the bank inside it.

Gradescope builds an image by running the bundle's ``setup.sh`` once, then runs
``run_autograder`` for every submission: the student's files are in
``/autograder/submission`` and the grade goes to
``/autograder/results/results.json``. The document's fields are those of
Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/).
"""

from __future__ import annotations

import math
import shutil
import stat
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import grader
from grader.bank import Bank
from grader.diagnoses import Named, for_student
from grader.errors import GraderError
from grader.exports import write_atomically
from grader.feedback import Language
from grader.results import CheckOutcome, SubmissionResult
from grader.text import safe_text

#: When Gradescope shows a test to the student.
Visibility = Literal["hidden", "after_due_date", "after_published", "visible"]
VISIBILITIES: tuple[Visibility, ...] = ("hidden", "after_due_date", "after_published", "visible")

_OUTPUT_LIMIT = 8_000


def results_document(
    results: list[SubmissionResult],
    *,
    lang: Language = "ko",
    hidden_visibility: Visibility = "after_published",
    notes: tuple[str, ...] = (),
    mistakes: Named | None = None,
) -> dict[str, Any]:
    """Gradescope's ``results.json`` for one student: a test per check.

    ``results`` are the student's files, each holding the exercises it is graded on
    (see :func:`grader.results.best_answers`). Public checks are visible at once,
    hidden ones as ``hidden_visibility`` says. A test's output names the mistake its
    check found by the name ``mistakes`` (:func:`grader.diagnoses.named_in`) or the
    framework gives it; the slug is only a tag.
    """
    tests = [
        _test(check, lang, hidden_visibility, f"{e_index}.{c_index}", mistakes)
        for e_index, exercise in enumerate((e for r in results for e in r.exercises), start=1)
        for c_index, check in enumerate(exercise.checks, start=1)
    ]
    problems = [f"{Path(r.path).name}: {r.error}" for r in results if r.error is not None] + [
        f"{Path(r.path).name}: {notice}" for r in results for notice in r.notices
    ]
    points = sum(test["score"] for test in tests)
    document = {
        "score": round(points, 6),
        "execution_time": math.ceil(sum(r.seconds for r in results)),
        "output": _clip("\n".join([*notes, *problems])),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "bank_version": results[0].bank_version if results else "",
            "files": [r.path for r in results],
        },
    }
    cleaned: dict[str, Any] = _safe(document)
    return cleaned


def failure_document(message: str) -> dict[str, Any]:
    """A ``results.json`` saying that nothing could be graded, and why."""
    return {
        "score": 0,
        "output": _clip(safe_text(message)),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }


def _safe(value: Any) -> Any:
    # Feedback can quote what a submission printed or returned; Gradescope must get
    # valid UTF-8 whatever it holds, so the document is cleaned as a whole.
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {key: _safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_safe(item) for item in value]
    return value


def _test(
    check: CheckOutcome, lang: Language, hidden: Visibility, number: str, mistakes: Named | None
) -> dict[str, Any]:
    feedback = check.message.in_language(lang) if check.message is not None else ""
    mistake = None if check.passed else for_student(check.exercise, check.diagnosis, mistakes)
    if mistake is not None:
        feedback += f"\n{mistake.said(lang)}"
    tags = [check.exercise, check.visibility]
    return {
        "name": f"{check.exercise}: {check.title.in_language(lang)}",
        "number": number,
        "score": check.points,
        "max_score": check.max_points,
        "status": "passed" if check.passed else "failed",
        "output": _clip(feedback.strip()),
        "output_format": "text",
        "tags": [*tags, check.diagnosis] if check.diagnosis else tags,
        "visibility": "visible" if check.visibility == "public" else hidden,
        "extra_data": {"check": check.check, "outcome": check.outcome},
    }


def _clip(text: str) -> str:
    return text if len(text) <= _OUTPUT_LIMIT else text[: _OUTPUT_LIMIT - 1] + "…"


_SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
root="${AUTOGRADER_ROOT:-/autograder}"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python=""
for candidate in python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv
    python=python3.11
fi
"$python" -m venv "$root/venv"
"$root/venv/bin/pip" install --no-cache-dir --quiet -r "$source_dir/requirements.txt"
# Pay for importing TensorFlow once here rather than in the first submission's time.
PYTHONPATH="$source_dir" "$root/venv/bin/python" -c "import grader.cli, tensorflow"
"""

_RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission; the grade goes to results/results.json.
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
source_dir="$root/source"
python="${{GRADER_PYTHON:-$root/venv/bin/python}}"
mkdir -p "$root/results"
cd "$source_dir" || exit 1
export PYTHONPATH="$source_dir" TF_CPP_MIN_LOG_LEVEL=3
exec "$python" -m grader.cli --bank "$source_dir/bank" gradescope grade "$root/submission" \\
    --results "$root/results/results.json" --timeout {timeout:g} --lang {lang} \\
    --hidden-visibility {hidden_visibility}
"""


def write_bundle(
    bank: Bank,
    out: Path,
    *,
    timeout: float = 120.0,
    lang: Language = "ko",
    hidden_visibility: Visibility = "after_published",
) -> Path:
    """Write the autograder's files into ``out`` and zip them; give the zip's path.

    The bundle holds the bank (with its solutions and hidden checks), this grader's
    own package, its pinned requirements, ``setup.sh`` and ``run_autograder``.
    """
    if not any(exercise.solution for exercise in bank.exercises):
        raise GraderError(
            f"the bank at {bank.root} has no solutions/: Gradescope grades with the hidden "
            "checks and references, so bundle the instructor's bank"
        )
    out.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    for name in ("exercises", "solutions"):
        shutil.rmtree(out / "bank" / name, ignore_errors=True)
        shutil.copytree(bank.root / name, out / "bank" / name, ignore=ignore)
    shutil.rmtree(out / "grader", ignore_errors=True)
    shutil.copytree(Path(grader.__file__).parent, out / "grader", ignore=ignore)
    write_atomically(out / "requirements.txt", "\n".join(requirements()) + "\n")
    scripts = {
        "setup.sh": _SETUP,
        "run_autograder": _RUN.format(
            timeout=timeout, lang=lang, hidden_visibility=hidden_visibility
        ),
    }
    for name, text in scripts.items():
        write_atomically(out / name, text)
        (out / name).chmod(0o755)
    return _zip(out)


def requirements() -> list[str]:
    """The grader's own pinned dependencies, without the development extras."""
    try:
        requires = metadata.requires("tf-grader") or []
    except metadata.PackageNotFoundError:
        raise GraderError(
            "tf-grader is not installed, so its pinned requirements are unknown: "
            "install it (pip install .) and run again"
        ) from None
    return [line for line in requires if "extra ==" not in line]


def _zip(out: Path) -> Path:
    target = out / "autograder.zip"
    temporary = out / ".autograder.zip.tmp"
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(out.rglob("*")):
            if not path.is_file() or path.name in (target.name, temporary.name):
                continue
            info = zipfile.ZipInfo.from_file(path, path.relative_to(out).as_posix())
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            bundle.writestr(info, path.read_bytes())
    temporary.replace(target)
    return target
