"""Results as JUnit XML, the test-report format every CI's viewer reads.

One ``<testsuite>`` per student and exercise, one ``<testcase>`` per check, with
the ``file`` it was answered in and, where known, the ``line`` where its exercise
begins, so that annotation reporters mark the student's file. The points a check
earned and could earn travel in the testcase's ``<properties>`` (``points``,
``max_points``; also ``visibility``, ``title`` and any ``diagnosis``). Suites
carry no properties: some readers (xunitparser) merge every suite's into one
mapping and refuse a name twice.

A check that earned part of its points is a ``<failure type="partial">``; one the
submission never answered is a ``<failure type="not-answered">``, because its
points are lost and every viewer counts ``<skipped>`` as neutral; one that could
not run is an ``<error>``. A ``message`` is one line, and no line of a message or
its text is one that the Actions runner would take for a workflow command when a
reporter logs it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from grader.feedback import Language
from grader.messages import pages
from grader.results.model import CheckOutcome, ExerciseResult, SubmissionResult
from grader.views.github import inert_line, inert_text

# XML 1.0 forbids most control characters; student output and tracebacks carry them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


#: Where each exercise's answer begins, by file: ``{path: {exercise: line}}``.
Lines = Mapping[str, Mapping[str, int]]

_NOT_ANSWERED = pages.both(pages.JUNIT["not-answered"])


def junit_xml(
    results: Iterable[SubmissionResult], lang: Language = "en", lines: Lines | None = None
) -> str:
    """A ``<testsuites>`` document for the results, feedback in ``lang``; ``lines`` gives
    each testcase the line where its exercise's answer begins."""
    root = ET.Element("testsuites", name="grader")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    seconds = 0.0
    for result in results:
        for exercise in result.exercises:
            line = (lines or {}).get(result.path, {}).get(exercise.exercise)
            suite = _suite(result, exercise, lang, line)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            seconds += float(suite.get("time", "0"))
    for key, count in totals.items():
        root.set(key, str(count))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(
    result: SubmissionResult, exercise: ExerciseResult, lang: Language, line: int | None
) -> ET.Element:
    name = f"{result.student}.{exercise.exercise}"
    checks = exercise.checks
    suite = ET.Element(
        "testsuite",
        name=_text(name),
        tests=str(len(checks)),
        failures=str(sum(c.outcome in ("failed", "partial", "not-answered") for c in checks)),
        errors=str(sum(c.outcome == "error" for c in checks)),
        skipped="0",
        time=f"{sum(c.seconds for c in checks):.3f}",
    )
    where = {"file": _text(result.path)}
    if line is not None and line > 0:
        where["line"] = str(line)
    for check in checks:
        suite.append(_case(name, check, result.error, lang, where))
    return suite


def _case(
    classname: str,
    check: CheckOutcome,
    error: str | None,
    lang: Language,
    where: Mapping[str, str],
) -> ET.Element:
    attributes = {
        "classname": _text(classname),
        "name": _text(check.check),
        "time": f"{check.seconds:.3f}",
        **where,
    }
    case = ET.Element("testcase", attributes)
    _properties(
        case,
        points=_number(check.points),
        max_points=_number(check.max_points),
        visibility=check.visibility,
        title=check.title.in_language(lang),
        diagnosis=check.diagnosis,
    )
    feedback = check.message.in_language(lang) if check.message is not None else ""
    if check.outcome in ("failed", "partial", "not-answered"):
        if check.outcome == "not-answered":
            feedback = feedback or _NOT_ANSWERED
        _outcome(case, "failure", check.outcome, feedback)
    elif check.outcome == "error":
        _outcome(case, "error", "error", feedback or error or "the check could not run")
    return case


def _outcome(case: ET.Element, tag: str, kind: str, feedback: str) -> None:
    element = ET.SubElement(case, tag, type=kind, message=_text(inert_line(feedback)))
    element.text = _text(inert_text(feedback))


def _properties(element: ET.Element, **values: str | None) -> None:
    properties = ET.SubElement(element, "properties")
    for name, value in values.items():
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=_text(value))


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"
