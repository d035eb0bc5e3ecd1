"""PrairieLearn: results.json as its external-grading documentation lists it, and the
course files (questions, bank, image) that grade inside it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest

from grader.cli import main
from grader.course.bank import Bank, load_bank
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language, Message
from grader.platforms import prairielearn
from grader.platforms.autograder import Job
from grader.platforms.prairielearn import write_course
from grader.results.model import CheckOutcome, ExerciseResult, SubmissionResult
from grader.views.prairielearn import (
    NO_SUBMISSION,
    RESULTS_BYTES,
    cannot_run,
    encode,
    not_gradable,
    results_document,
)

from .conftest import ROOT, solution_source
from .views.test_junit import submission

SCHEMAS = Path(__file__).parent / "schemas"
RESULTS = json.loads((SCHEMAS / "prairielearn_results.schema.json").read_text())
INFO = json.loads((SCHEMAS / "prairielearn_info.schema.json").read_text())


def read_as_prairielearn(raw: bytes) -> float:
    """The score PrairieLearn records from results.json (makeGradingResult): the JSON must
    parse, and a score, when there is one, must be a number."""
    data = json.loads(raw.decode("utf-8").replace("\0", "\ufffd"))
    score = data.get("score")
    if score is None:
        return 0.0
    assert isinstance(score, int | float) and not math.isnan(score)
    return float(score)


def test_results_follow_prairielearns_field_list() -> None:
    document = results_document([submission()], lang="en")
    jsonschema.validate(document, RESULTS)
    jsonschema.validate(not_gradable(["no file"]), RESULTS)
    assert read_as_prairielearn(encode(document)) == pytest.approx(6 / 13, abs=1e-6)


def test_every_check_is_a_test_with_points_and_hidden_ones_show_only_those() -> None:
    document = results_document([submission()], lang="ko")
    tests = {test["name"]: test for test in document["tests"]}
    assert len(tests) == 6
    # PrairieLearn shows per-test points only when every test has both.
    assert all("points" in t and "max_points" in t for t in tests.values())
    half = tests["one_hot: half 제목"]
    assert (half["points"], half["max_points"]) == (1.0, 2.0)
    assert half["message"] == "half 틀림" and half["output"] == "half 틀림"
    assert "one-hot-twice" not in tests["one_hot: wrong 제목"]["output"]
    assert tests["one_hot: secret 제목"] == {
        "name": "one_hot: secret 제목",
        "points": 3.0,
        "max_points": 3.0,
    }
    assert document["gradable"] is True and document["score"] == round(6 / 13, 6)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_tests_output_names_its_mistake_in_the_students_language_not_its_slug(
    public_bank: Bank, lang: Language
) -> None:
    document = results_document([submission()], lang=lang, mistakes=named_in(public_bank.exercises))
    tests = {test["name"].split(": ", 1)[1]: test for test in document["tests"]}
    wrong = tests["wrong 제목" if lang == "ko" else "wrong title"]
    mistake = public_bank.get("one_hot").mistakes["one-hot-twice"]
    assert wrong["output"].endswith(
        f"{mistake.name.in_language(lang)} — {mistake.explanation.in_language(lang)}"
    )
    assert "one-hot-twice" not in json.dumps(document, ensure_ascii=False)
    jsonschema.validate(document, RESULTS)


def hostile(checks: int) -> list[SubmissionResult]:
    feedback = Message("모양이 다릅니다 " * 2_000, "the shapes differ " * 2_000)
    outcomes = tuple(
        CheckOutcome(
            "one_hot",
            f"test_public::c{c}",
            Message("검사", "check"),
            "public",
            "failed",
            0.0,
            1.0,
            feedback,
        )
        for c in range(checks)
    )
    return [
        SubmissionResult("kim", "kim.py", "", "v1", (ExerciseResult("one_hot", True, outcomes),))
    ]


def test_results_stay_under_prairielearns_one_megabyte() -> None:
    document = results_document(hostile(500), lang="ko")
    jsonschema.validate(document, RESULTS)
    assert len(encode(document)) <= RESULTS_BYTES < 1_000_000
    assert len(document["tests"]) == 500


def test_a_submission_that_cannot_run_is_not_gradable() -> None:
    unreadable = SubmissionResult(
        "kim",
        "/grade/student/kim.ipynb",
        "",
        "v1",
        (ExerciseResult("one_hot", False, ()),),
        error="the notebook is not valid JSON",
    )
    assert cannot_run([unreadable]) == ["kim.ipynb: the notebook is not valid JSON"]
    assert cannot_run([submission()]) == []
    document = not_gradable(cannot_run([unreadable]))
    jsonschema.validate(document, RESULTS)
    assert document["gradable"] is False and "score" not in document


def test_an_empty_submission_leaves_a_not_gradable_results_file(tmp_path: Path) -> None:
    (tmp_path / "student").mkdir()
    (tmp_path / "student" / "notes.txt").write_text("hello")
    results = tmp_path / "results" / "results.json"
    arguments = ["--bank", str(ROOT), "prairielearn", "grade", str(tmp_path / "student")]
    assert main([*arguments, "--results", str(results), "--exercise", "one_hot"]) == 0
    document = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, RESULTS)
    assert document["gradable"] is False
    assert "No submission" in document["format_errors"][0]


def test_a_bank_that_cannot_load_is_not_the_students_fault(tmp_path: Path) -> None:
    (tmp_path / "student").mkdir()
    results = tmp_path / "results.json"
    arguments = ["--bank", str(tmp_path / "nowhere"), "prairielearn", "grade"]
    assert main([*arguments, str(tmp_path / "student"), "--results", str(results)]) == 0
    document = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, RESULTS)
    assert document["gradable"] is False and "nowhere" in document["format_errors"][0]


class _Grader:
    """Stands in for the warm grader: gives the results (or raises) the test chose."""

    answer: ClassVar[list[SubmissionResult] | Exception] = []

    def __init__(self, *args: object) -> None:
        self.notices: list[str] = []

    def __enter__(self) -> _Grader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def grade_answers(self, chosen: object) -> list[SubmissionResult]:
        if isinstance(_Grader.answer, Exception):
            raise _Grader.answer
        return _Grader.answer


@pytest.fixture
def student(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding one answer, graded by a stand-in for the grader."""
    from grader.grading import grader as grading

    monkeypatch.setattr(grading, "Grader", _Grader)
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "a.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    return folder


def graded(folder: Path, exercise: str | None = None, bank: Path = ROOT) -> dict[str, object]:
    results = folder.parent / "results" / "results.json"
    prairielearn.grade(Job(folder, results, bank=bank, lang="en"), exercise=exercise)
    document: dict[str, object] = json.loads(results.read_text(encoding="utf-8"))
    jsonschema.validate(document, RESULTS)
    return document


def test_grade_on_a_folder_without_a_submission_is_not_gradable(tmp_path: Path) -> None:
    (tmp_path / "student").mkdir()
    assert graded(tmp_path / "student") == {"gradable": False, "format_errors": [NO_SUBMISSION]}


def test_grade_scores_only_the_questions_exercise(student: Path) -> None:
    _Grader.answer = [submission()]
    document = graded(student, exercise="one_hot")
    tests = document["tests"]
    assert isinstance(tests, list) and {t["name"].split(":")[0] for t in tests} == {"one_hot"}
    # The tensors exercise's 2 points are another question's: 6 of one_hot's 11.
    assert document["gradable"] is True and document["score"] == round(6 / 11, 6)


@pytest.mark.parametrize(
    ("answer", "exercise", "said"),
    [
        (RuntimeError("bug"), None, "RuntimeError: bug"),
        ([], "no_such_exercise", "no_such_exercise"),
    ],
)
def test_grade_makes_a_fault_of_the_graders_not_gradable(
    student: Path, answer: list[SubmissionResult] | Exception, exercise: str | None, said: str
) -> None:
    _Grader.answer = answer
    document = graded(student, exercise=exercise)
    assert document["gradable"] is False
    errors = document["format_errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert errors[0].startswith("The autograder could not grade this: ") and said in errors[0]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course")
    write_course(load_bank(ROOT), out, image="course/tf-grader:1", timeout=240, lang="en")
    return out


def test_each_exercise_is_an_externally_graded_question(course: Path, bank: Bank) -> None:
    infos = sorted((course / "questions" / "tf-grader").glob("*/info.json"))
    assert [p.parent.name for p in infos] == sorted(e.id for e in bank.exercises)
    uuids = set()
    for path in infos:
        info = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(info, INFO)
        options = info["externalGradingOptions"]
        assert options["timeout"] == 240 and options["enableNetworking"] is False
        assert options["image"] == "course/tf-grader:1"
        assert options["entrypoint"][1] == path.parent.name
        entrypoint = Path(options["entrypoint"][0]).relative_to("/grade/serverFilesCourse")
        assert (course / "serverFilesCourse" / entrypoint).is_file()
        uuids.add(info["uuid"])
        page = (path.parent / "question.html").read_text(encoding="utf-8")
        assert "<pl-file-upload" in page and "<pl-external-grader-results>" in page
    assert len(uuids) == len(infos)


def test_the_bank_goes_in_server_files_and_the_image_needs_no_network(course: Path) -> None:
    server = course / "serverFilesCourse" / "tf-grader"
    assert (server / "bank" / "solutions" / "one_hot" / "solution.py").is_file()
    subprocess.run(["bash", "-n", str(server / "run.sh")], check=True)
    image = course / "graders" / "tf-grader"
    dockerfile = (image / "Dockerfile").read_text()
    assert "pip install" in dockerfile and "import grader.cli, tensorflow" in dockerfile
    requirements = (image / "requirements.txt").read_text().splitlines()
    assert any(line.startswith("tensorflow-cpu==") for line in requirements)
    assert (image / "grader" / "cli.py").is_file()


def test_a_job_timeout_prairielearn_would_refuse_or_too_short_for_tensorflow(
    tmp_path: Path,
) -> None:
    for timeout in (30, 601):
        with pytest.raises(GraderError, match="PrairieLearn"):
            write_course(load_bank(ROOT), tmp_path, image="x", timeout=timeout)


@pytest.mark.slow
def test_the_entrypoint_grades_the_questions_exercise(tmp_path: Path, bank: Bank) -> None:
    (tmp_path / "student").mkdir()
    answer = "# EXERCISE: one_hot\n" + solution_source(bank, "one_hot")
    (tmp_path / "student" / "answer.py").write_text(answer, encoding="utf-8")
    results = tmp_path / "results" / "results.json"
    command = [sys.executable, "-m", "grader.cli", "--bank", str(ROOT), "prairielearn"]
    options = ["--results", str(results), "--exercise", "one_hot", "--lang", "en"]
    done = subprocess.run(
        [*command, "grade", str(tmp_path / "student"), *options],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    raw = results.read_bytes()
    document = json.loads(raw)
    jsonschema.validate(document, RESULTS)
    assert read_as_prairielearn(raw) == 1.0
    assert {t["name"].split(":")[0] for t in document["tests"]} == {"one_hot"}
    hidden = [t for t in document["tests"] if set(t) == {"name", "points", "max_points"}]
    assert hidden and len(hidden) < len(document["tests"])
