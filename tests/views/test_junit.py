"""JUnit XML: valid against the format's schema, and read back as meant by a JUnit reader."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import junitparser
import xmlschema
import xunitparser

from grader.feedback import Message
from grader.results.model import CheckOutcome, ExerciseResult, Outcome, SubmissionResult
from grader.views.junit import junit_xml

SCHEMA = xmlschema.XMLSchema(Path(__file__).parents[1] / "schemas" / "junit.xsd")


def check(name: str, outcome: Outcome, points: float, max_points: float = 2.0) -> CheckOutcome:
    message = None if outcome == "passed" else Message(f"{name} 틀림", f"{name} is wrong\nsee")
    return CheckOutcome(
        "one_hot",
        f"test_public::{name}",
        Message(f"{name} 제목", f"{name} title"),
        "hidden" if name == "secret" else "public",
        outcome,
        points,
        max_points,
        message,
        "one-hot-twice" if outcome == "failed" else None,
        seconds=0.25,
    )


def submission(student: str = "kim") -> SubmissionResult:
    checks = (
        check("ok", "passed", 2.0),
        check("half", "partial", 1.0),
        check("wrong", "failed", 0.0),
        check("broken", "error", 0.0),
        check("secret", "passed", 3.0, 3.0),
    )
    return SubmissionResult(
        student,
        f"{student}.ipynb",
        "sha",
        "v1",
        (
            ExerciseResult("one_hot", True, checks),
            ExerciseResult("tensors", False, (check("none", "not-answered", 0.0),)),
        ),
    )


def test_the_document_is_valid_junit_xml() -> None:
    SCHEMA.validate(junit_xml([submission("kim"), submission("lee")]))


def test_a_junit_reader_sees_each_check_with_its_outcome(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml([submission()], "en"), encoding="utf-8")
    document = junitparser.JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in document}
    assert set(suites) == {"kim.one_hot", "kim.tensors"}
    one_hot = suites["kim.one_hot"]
    assert (one_hot.tests, one_hot.failures, one_hot.errors, one_hot.skipped) == (5, 2, 1, 0)
    cases = {case.name: case for case in one_hot}
    assert cases["test_public::ok"].is_passed
    [wrong] = cases["test_public::wrong"].result
    assert isinstance(wrong, junitparser.Failure)
    assert wrong.message == "wrong is wrong see" and wrong.text == "wrong is wrong\nsee"
    [half] = cases["test_public::half"].result
    assert isinstance(half, junitparser.Failure) and half.type == "partial"
    assert isinstance(cases["test_public::broken"].result[0], junitparser.Error)
    assert (document.tests, document.failures, document.errors, document.skipped) == (6, 3, 1, 0)


def test_an_unanswered_check_is_a_failure_not_a_neutral_skip(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml([submission()], "en"), encoding="utf-8")
    tensors = next(s for s in junitparser.JUnitXml.fromfile(str(path)) if s.name == "kim.tensors")
    [unanswered] = next(iter(tensors)).result
    assert isinstance(unanswered, junitparser.Failure)
    assert unanswered.type == "not-answered" and unanswered.message == "none is wrong see"
    bare = replace(check("none", "not-answered", 0.0), message=None)
    result = SubmissionResult(
        "kim", "kim.py", "", "v1", (ExerciseResult("tensors", False, (bare,)),)
    )
    assert 'message="답이 없습니다 · not answered"' in junit_xml([result])


def test_xunitparser_reads_every_check(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml([submission("kim"), submission("lee")], "ko"), encoding="utf-8")
    suite, run = xunitparser.parse(str(path))
    assert run.testsRun == 12
    assert (len(run.failures), len(run.errors), len(run.skipped)) == (6, 2, 0)
    cases = {(case.classname, case.methodname): case for case in suite}
    assert cases[("lee.one_hot", "test_public::wrong")].message == "wrong 틀림"


def test_each_case_names_the_students_file_and_the_exercises_line(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    lines = {"kim.ipynb": {"one_hot": 12}}
    path.write_text(junit_xml([submission()], "en", lines), encoding="utf-8")
    SCHEMA.validate(str(path))
    for suite in junitparser.JUnitXml.fromfile(str(path)):
        for case in suite:
            assert case._elem.get("file") == "kim.ipynb"
            expected = "12" if suite.name == "kim.one_hot" else None
            assert case._elem.get("line") == expected


def test_no_message_line_becomes_a_workflow_command(tmp_path: Path) -> None:
    forged = Message("x", "boom\n::add-mask::secret\n  ::error::forged ##[warning]y")
    base = submission()
    hostile = replace(base.exercises[0].checks[1], message=forged)
    result = replace(base, exercises=(replace(base.exercises[0], checks=(hostile,)),))
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml([result], "en"), encoding="utf-8")
    [case] = next(iter(junitparser.JUnitXml.fromfile(str(path))))
    [failure] = case.result
    assert "\n" not in failure.message
    for text in (failure.message, failure.text):
        for line in text.splitlines():
            assert not line.strip().startswith("::") and "##[" not in line, line
    assert failure.text.splitlines()[0] == "boom"


def test_points_travel_in_each_testcases_properties(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text(junit_xml([submission()], "ko"), encoding="utf-8")
    suite = next(iter(junitparser.JUnitXml.fromfile(str(path))))
    cases = {case.name: case for case in suite}
    half = case_properties(cases["test_public::half"])
    assert half["points"] == "1" and half["max_points"] == "2"
    assert half["visibility"] == "public" and half["title"] == "half 제목"
    assert case_properties(cases["test_public::wrong"])["diagnosis"] == "one-hot-twice"
    assert case_properties(cases["test_public::secret"])["visibility"] == "hidden"
    assert sum(float(case_properties(c)["points"]) for c in suite) == 6


def case_properties(case: junitparser.TestCase) -> dict[str, str]:
    properties = case.child(junitparser.Properties)
    assert properties is not None
    return {p.name: p.value for p in properties.iterchildren(junitparser.Property)}


def test_control_characters_from_student_output_do_not_break_the_xml() -> None:
    base = submission()
    noisy = CheckOutcome(
        "one_hot",
        "test_public::noisy",
        Message("t", "t"),
        "public",
        "failed",
        0.0,
        1.0,
        Message("\x1b[31mred\x00", "\x1b[31mred\x00\x07"),
    )
    result = SubmissionResult(
        "kim", "kim.py", "sha", "v1", (ExerciseResult("one_hot", True, (noisy,)),)
    )
    text = junit_xml([base, result])
    SCHEMA.validate(text)
    assert "\x1b" not in text and "\x00" not in text
