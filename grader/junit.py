"""Results as JUnit XML, the test-report format every CI's viewer reads.

One ``<testsuite>`` per student and exercise, one ``<testcase>`` per check. The
points a check earned and could earn travel in the testcase's ``<properties>``
(``points``, ``max_points``; also ``visibility`` and any ``diagnosis``), and each
suite carries its exercise's totals the same way. A check that earned part of
its points is a ``<failure type="partial">``; one the submission never answered
is ``<skipped>``; one that could not run is an ``<error>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from grader.feedback import Language
from grader.results import CheckOutcome, ExerciseResult, SubmissionResult

# XML 1.0 forbids most control characters; student output and tracebacks carry them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_xml(results: Iterable[SubmissionResult], lang: Language = "en") -> str:
    """A ``<testsuites>`` document for the results, feedback in ``lang``."""
    root = ET.Element("testsuites", name="grader")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    seconds = 0.0
    for result in results:
        for exercise in result.exercises:
            suite = _suite(result, exercise, lang)
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            seconds += float(suite.get("time", "0"))
    for key, count in totals.items():
        root.set(key, str(count))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(result: SubmissionResult, exercise: ExerciseResult, lang: Language) -> ET.Element:
    name = f"{result.student}.{exercise.exercise}"
    checks = exercise.checks
    suite = ET.Element(
        "testsuite",
        name=_text(name),
        tests=str(len(checks)),
        failures=str(sum(c.outcome in ("failed", "partial") for c in checks)),
        errors=str(sum(c.outcome == "error" for c in checks)),
        skipped=str(sum(c.outcome == "not-answered" for c in checks)),
        time=f"{sum(c.seconds for c in checks):.3f}",
    )
    _properties(
        suite,
        points=_number(exercise.points),
        max_points=_number(exercise.max_points),
        file=result.path,
    )
    for check in checks:
        suite.append(_case(name, check, result.error, lang))
    return suite


def _case(classname: str, check: CheckOutcome, error: str | None, lang: Language) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=_text(classname),
        name=_text(check.check),
        time=f"{check.seconds:.3f}",
    )
    _properties(
        case,
        points=_number(check.points),
        max_points=_number(check.max_points),
        visibility=check.visibility,
        title=check.title.in_language(lang),
        diagnosis=check.diagnosis,
    )
    feedback = check.message.in_language(lang) if check.message is not None else ""
    if check.outcome in ("failed", "partial"):
        element = ET.SubElement(
            case, "failure", type=check.outcome, message=_text(feedback.split("\n")[0])
        )
        element.text = _text(feedback)
    elif check.outcome == "error":
        detail = feedback or error or "the check could not run"
        element = ET.SubElement(case, "error", type="error", message=_text(detail.split("\n")[0]))
        element.text = _text(detail)
    elif check.outcome == "not-answered":
        ET.SubElement(case, "skipped", message=_text(feedback or "not answered"))
    return case


def _properties(element: ET.Element, **values: str | None) -> None:
    properties = ET.SubElement(element, "properties")
    for name, value in values.items():
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=_text(value))


def _text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"
