"""Gradescope: results.json as its specification lists it, and a bundle that grades inside it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader import messages
from grader.cli import main
from grader.course.bank import Bank, load_bank
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language
from grader.platforms import gradescope
from grader.platforms.autograder import Job
from grader.platforms.gradescope import write_bundle
from grader.views.gradescope import failure_document, results_document

from .conftest import ROOT, solution_source, starter_source
from .views.test_junit import submission

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "gradescope_results.schema.json").read_text()
)


def test_results_follow_gradescopes_field_list() -> None:
    document = results_document([submission()], lang="en")
    jsonschema.validate(document, SCHEMA)
    jsonschema.validate(failure_document("nothing to grade"), SCHEMA)


def test_every_check_is_a_test_with_its_points_and_feedback() -> None:
    document = results_document([submission()], lang="ko", hidden_visibility="after_due_date")
    tests = {test["name"]: test for test in document["tests"]}
    assert len(tests) == 6
    half = tests["one_hot: half 제목"]
    assert (half["score"], half["max_score"], half["status"]) == (1.0, 2.0, "failed")
    assert half["output"] == "half 틀림"
    assert "one-hot-twice" not in tests["one_hot: wrong 제목"]["output"]
    assert "one-hot-twice" in tests["one_hot: wrong 제목"]["tags"]
    assert tests["one_hot: ok 제목"]["status"] == "passed"
    assert tests["one_hot: secret 제목"]["visibility"] == "after_due_date"
    assert tests["one_hot: ok 제목"]["visibility"] == "visible"
    assert document["score"] == 6.0 == sum(test["score"] for test in tests.values())


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_tests_output_names_its_mistake_in_the_students_language_not_its_slug(
    public_bank: Bank, lang: Language
) -> None:
    document = results_document([submission()], lang=lang, mistakes=named_in(public_bank.exercises))
    [wrong] = [t for t in document["tests"] if t["extra_data"]["check"] == "test_public::wrong"]
    mistake = public_bank.get("one_hot").mistakes["one-hot-twice"]
    assert wrong["output"].endswith(
        f"{mistake.name.in_language(lang)} — {mistake.explanation.in_language(lang)}"
    )
    assert "one-hot-twice" not in wrong["output"] + wrong["name"]
    jsonschema.validate(document, SCHEMA)


def test_a_bank_without_solutions_cannot_be_bundled(public_bank: Bank, tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="hidden"):
        write_bundle(public_bank, tmp_path / "bundle")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gradescope")
    return write_bundle(load_bank(ROOT), out, timeout=60, lang="en", hidden_visibility="hidden")


def test_the_zip_holds_setup_and_run_autograder_at_its_root(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        infos = {info.filename: info for info in archive.infolist()}
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
    assert "bank/solutions/one_hot/solution.py" in infos
    assert "bank/exercises/one_hot/test_public.py" in infos
    assert "grader/cli.py" in infos
    assert not [name for name in infos if "__pycache__" in name]


def test_the_scripts_are_valid_bash_and_the_requirements_pinned(bundle: Path) -> None:
    folder = bundle.parent
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(folder / script)], check=True)
        assert (folder / script).read_text().startswith("#!/usr/bin/env bash\n")
    requirements = (folder / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("tensorflow-cpu==") for line in requirements)
    assert all("==" in line for line in requirements)
    assert not [line for line in requirements if "ruff" in line or "extra" in line]


@pytest.mark.slow
def test_run_autograder_grades_a_submission_as_gradescope_would(
    bundle: Path, tmp_path: Path, bank: Bank
) -> None:
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    answer = "# EXERCISE: one_hot\n" + solution_source(bank, "one_hot")
    answer += "\n# EXERCISE: tensors\n" + starter_source(bank, "tensors")
    (root / "submission" / "answers.py").write_text(answer, encoding="utf-8")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    subprocess.run([str(script)], env=environment, check=True, timeout=600)
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, SCHEMA)
    by_exercise: dict[str, float] = {}
    for test in document["tests"]:
        exercise = test["tags"][0]
        by_exercise[exercise] = by_exercise.get(exercise, 0.0) + test["score"]
        assert test["visibility"] == ("hidden" if "hidden" in test["tags"] else "visible")
    assert by_exercise["one_hot"] == sum(
        t["max_score"] for t in document["tests"] if t["tags"][0] == "one_hot"
    )
    assert by_exercise["tensors"] == 0.0
    assert any("hidden" in t["tags"] for t in document["tests"])


def test_an_empty_submission_still_leaves_a_results_file(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("hello")
    results = tmp_path / "results" / "results.json"
    command = [sys.executable, "-m", "grader.cli", "--bank", str(ROOT), "gradescope", "grade"]
    done = subprocess.run(
        [*command, str(tmp_path / "submission"), "--results", str(results)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(results.read_text())
    jsonschema.validate(document, SCHEMA)
    assert document["score"] == 0 and "No submission found" in document["output"]


def test_a_bank_that_cannot_load_still_leaves_a_results_file(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    results = tmp_path / "results.json"
    arguments = ["--bank", str(tmp_path / "nowhere"), "gradescope", "grade"]
    assert main([*arguments, str(tmp_path / "submission"), "--results", str(results)]) == 0
    document = json.loads(results.read_text())
    jsonschema.validate(document, SCHEMA)
    assert document["score"] == 0 and "could not grade" in document["output"]
    assert "nowhere" in document["output"]


class _FakeGrader:
    """Stands in for the warm grader: gives the results (or raises) the test chose."""

    answer: object = None

    def __init__(self, *args: object) -> None:
        self.notices: list[str] = []

    def __enter__(self) -> _FakeGrader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def grade_answers(self, chosen: object) -> object:
        if isinstance(_FakeGrader.answer, Exception):
            raise _FakeGrader.answer
        return _FakeGrader.answer


@pytest.mark.parametrize("trouble", ["surrogate", "crash"])
def test_run_autograder_always_leaves_a_results_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trouble: str
) -> None:
    from grader.grading import grader as grading

    from .results.test_store import hostile_result

    _FakeGrader.answer = [hostile_result()] if trouble == "surrogate" else RuntimeError("bug")
    monkeypatch.setattr(grading, "Grader", _FakeGrader)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "a.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    results = tmp_path / "results" / "results.json"
    arguments = ["--bank", str(ROOT), "gradescope", "grade", str(tmp_path / "submission")]
    assert main([*arguments, "--results", str(results)]) == 0
    text = results.read_text(encoding="utf-8")
    document = json.loads(text)
    jsonschema.validate(document, SCHEMA)
    assert "\\ud800" not in text and "\ud800" not in text
    if trouble == "surrogate":
        [test] = document["tests"]
        assert test["output"].startswith("틀림\ufffd") and test["status"] == "failed"
    else:
        assert document["score"] == 0 and "bug" in document["output"]


def test_grade_on_a_folder_without_a_submission_says_what_to_submit(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("hello")
    results = tmp_path / "results" / "results.json"
    gradescope.grade(Job(tmp_path / "submission", results, bank=ROOT))
    document = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    said = messages.no_submission_found()
    assert document["score"] == 0 and document["tests"] == []
    assert document["output"] == f"{said.ko}\n{said.en}"


#: Faults of the grader's: what the job is given, and what the student reads of it.
FAULTS = {
    "a bug": (ROOT, 20.0, "RuntimeError: bug"),
    "a bad budget": (ROOT, -1.0, "--timeout must be a positive number of seconds, not -1"),
    "no bank": (Path("/nowhere"), 20.0, "/nowhere"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_grade_turns_a_fault_of_the_graders_into_a_results_file_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    from grader.grading import grader as grading

    bank, timeout, said = FAULTS[fault]
    _FakeGrader.answer = RuntimeError("bug")
    monkeypatch.setattr(grading, "Grader", _FakeGrader)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "a.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    results = tmp_path / "results.json"
    gradescope.grade(Job(tmp_path / "submission", results, bank=bank, timeout=timeout))
    document = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert document["score"] == 0
    assert document["output"].startswith("The autograder could not grade this: ")
    assert said in document["output"]


def test_results_hold_only_valid_unicode() -> None:
    from .results.test_store import hostile_result

    document = results_document([hostile_result()], lang="en")
    json.dumps(document, ensure_ascii=False).encode("utf-8")
    assert "\x00" not in json.dumps(document)
