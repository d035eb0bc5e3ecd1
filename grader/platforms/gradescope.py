"""Gradescope's autograder: the bundle (``setup.sh``, ``run_autograder`` and the zip) that
runs the bank inside Gradescope, and the grading of each submission it runs.

Gradescope builds an image by running the bundle's ``setup.sh`` once, then runs
``run_autograder`` for every submission: the student's files are in
``/autograder/submission`` and the grade goes to
``/autograder/results/results.json``, rendered by :mod:`grader.views.gradescope`.
The bundle's layout is that of Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/); :func:`grade` is what
``run_autograder`` runs.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import grader
from grader import messages
from grader.course.bank import Bank
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language
from grader.platforms import autograder
from grader.views.exports import write_atomically
from grader.views.gradescope import Visibility, failure_document, results_document

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


def grade(job: autograder.Job, *, hidden_visibility: Visibility = "after_published") -> None:
    """Grade ``job``'s folder and write its ``results.json``, whatever happens.

    No notebook or module to grade is a score of 0 saying what to submit; a bank that
    cannot load, a bad budget or a fault of the grader's own is a score of 0 saying the
    autograder could not grade it, so that the student never waits on a missing file.
    """
    try:
        document = _document(job, hidden_visibility)
    except Exception as error:
        document = failure_document(autograder.could_not_grade(error))
    write_atomically(job.results, json.dumps(document, ensure_ascii=False, indent=1))


def _document(job: autograder.Job, hidden_visibility: Visibility) -> dict[str, Any]:
    bank = job.load_bank()
    chosen, passed_over = autograder.submissions_in(job.folder)
    if not chosen:
        said = messages.no_submission_found()
        return failure_document("\n".join([said.ko, said.en, *passed_over]))
    graded = autograder.grade(job, bank, chosen, passed_over)
    return results_document(
        graded.results,
        lang=job.lang,
        hidden_visibility=hidden_visibility,
        notes=graded.notes,
        mistakes=named_in(bank.exercises),
    )
