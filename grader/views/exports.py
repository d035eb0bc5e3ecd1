"""Grade files rendered from stored results, for the gradebooks instructors already use.

``grades.csv`` (a row per student, a column per exercise), ``results.json``
(everything, per check) and ``canvas.csv`` (Canvas's gradebook import); ``grader export``
also writes Gradescope's ``results.json`` per student and JUnit XML. Each is
written to a temporary file and moved into place, so a full disk or a crash
leaves the previous file whole instead of a truncated one.

Names come from students' file names: a text cell a spreadsheet would read as a
formula (``=2+5*7.py``) is written with a leading apostrophe, and a student whose
row cannot be made is named in the problems returned, the others written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from grader.course.bank import Bank
from grader.errors import GraderError, StoreError
from grader.feedback import Language
from grader.results.model import SubmissionResult
from grader.text import safe_text
from grader.views import gradescope
from grader.views.junit import junit_xml

#: What could not be exported or rendered for a student, by student.
Problems = dict[str, str]

#: The formats ``grader export`` writes, each with the name it is written under by
#: default, next to results.sqlite.
FORMATS = {
    "gradebook": "grades.csv",
    "canvas": "canvas.csv",
    "gradescope": "gradescope",
    "junit": "junit.xml",
}


def write_format(
    format: str,
    results: list[SubmissionResult],
    out: Path,
    *,
    lang: Language = "ko",
    hidden_visibility: gradescope.Visibility = "after_published",
    assignment: str = "TensorFlow/Keras",
    roster: Path | None = None,
    per_exercise: bool = False,
) -> list[str]:
    """Write ``results`` to ``out`` in ``format``, one of :data:`FORMATS`; give the students
    the Canvas ``roster`` does not know.

    ``gradescope`` is a folder holding a ``<student>/results.json`` each (hidden checks
    shown as ``hidden_visibility`` says); ``canvas`` reads ``roster``, a gradebook
    exported from Canvas, to match students, with one ``assignment`` column or one per
    exercise; the others are one file each.
    """
    if format == "gradescope":
        for result in results:
            document = gradescope.results_document(
                [result], lang=lang, hidden_visibility=hidden_visibility
            )
            text = json.dumps(document, ensure_ascii=False, indent=1)
            write_atomically(out / result.student / "results.json", text)
        return []
    unknown: list[str] = []
    if format == "canvas":
        rows = read_canvas_roster(roster) if roster else None
        text, unknown = canvas_csv(results, assignment, rows, per_exercise=per_exercise)
    elif format == "junit":
        text = junit_xml(results, lang)
    elif format == "gradebook":
        text = grades_csv(results, exercise_ids(results))
    else:
        raise GraderError(f"no export format {format!r}: choose one of {', '.join(FORMATS)}")
    write_atomically(out, text)
    return unknown


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step; raise StoreError saying what failed."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A lone surrogate that got this far is written as its escape (valid in JSON)
        # rather than losing the whole file.
        temporary.write_text(text, encoding="utf-8", errors="backslashreplace")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(
            f"could not write {path}: {error.strerror or error}. Free space or fix permissions, "
            "then rerun: graded submissions are kept in results.sqlite."
        ) from None


def grades_csv(
    results: list[SubmissionResult], exercise_ids: list[str], problems: Problems | None = None
) -> str:
    """One row per student: a column per exercise, then the total and the maximum.

    A student whose row cannot be made gets a row with the name only, and is named in
    ``problems``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *(text_cell(e) for e in exercise_ids), "total", "max"])
    for result in results:
        try:
            by_exercise = {e.exercise: e.points for e in result.exercises}
            row = [
                *(_number(by_exercise.get(exercise_id, 0.0)) for exercise_id in exercise_ids),
                _number(result.points),
                _number(result.max_points),
            ]
        except Exception as error:
            _note(problems, result, "grades.csv", error)
            row = [""] * (len(exercise_ids) + 2)
        writer.writerow([text_cell(result.student), *row])
    return buffer.getvalue()


def results_json(
    results: list[SubmissionResult], bank: Bank, problems: Problems | None = None
) -> str:
    """Every student's result, per check: outcome, points, messages (ko, en), timings.

    A student whose result cannot be written is listed with its name and the error,
    and named in ``problems``.
    """
    document = {
        "bank_version": bank.version,
        "exercises": [
            {"id": e.id, "title": {"ko": e.title.ko, "en": e.title.en}} for e in bank.exercises
        ],
        "students": [_student_json(result, problems) for result in results],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def _student_json(result: SubmissionResult, problems: Problems | None) -> dict[str, Any]:
    try:
        data = result.to_json()
        json.dumps(data)
    except Exception as error:
        what = _note(problems, result, "results.json", error)
        return {"student": result.student, "path": result.path, "error": what}
    return data


def _note(problems: Problems | None, result: SubmissionResult, view: str, error: Exception) -> str:
    what = f"{view}: could not be written for {result.student} ({type(error).__name__}: {error})"
    if problems is not None:
        problems[result.student] = safe_text(what)
    return what


def text_cell(value: str) -> str:
    """Give ``value`` as a CSV text cell that no spreadsheet reads as a formula."""
    text = safe_text(value)
    return (
        "'" + text
        if value.startswith(_FORMULA_STARTS) or text.startswith(_FORMULA_STARTS)
        else text
    )


# Spreadsheets (Excel, LibreOffice, Google Sheets) start a formula at any of these,
# tab and carriage return included (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def write_exports(results: list[SubmissionResult], bank: Bank, out: Path) -> Problems:
    """Write ``grades.csv`` and ``results.json``; give the students whose rows failed."""
    problems: Problems = {}
    write_atomically(out / "grades.csv", grades_csv(results, bank.ids(), problems))
    write_atomically(out / "results.json", results_json(results, bank, problems))
    return problems


#: The identity columns Canvas's gradebook import reads, in its export's order.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


def exercise_ids(results: list[SubmissionResult]) -> list[str]:
    """The exercises of stored results, in the order grading met them."""
    return list(dict.fromkeys(e.exercise for r in results for e in r.exercises))


def canvas_csv(
    results: list[SubmissionResult],
    assignment: str,
    roster: list[dict[str, str]] | None = None,
    *,
    per_exercise: bool = False,
) -> tuple[str, list[str]]:
    """Canvas's gradebook import: the identity columns, then the assignment column
    holding each student's total (or, ``per_exercise``, one ``<assignment>: <exercise>``
    column each); and the students the roster does not know.

    With ``roster`` (the rows of a gradebook exported from Canvas) a student is the
    roster's row whose SIS Login ID, SIS User ID, ID or name equals the submission's
    name, exactly or else ignoring case; the row's identity columns are copied. Without
    it the name goes in Student and SIS Login ID. An assignment column Canvas does not
    have yet becomes a new assignment when the file is imported. Raise GraderError for a
    column name that Canvas's importer would misread, or two students one row.
    """
    exercises = exercise_ids(results) if per_exercise else []
    columns = [f"{assignment}: {e}" for e in exercises] if per_exercise else [assignment]
    existing = set(roster[0]) if roster else set()
    for column in columns:
        check_canvas_column(column, existing)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, *(text_cell(c) for c in columns)])
    blank = [""] * (len(CANVAS_COLUMNS) - 1)
    writer.writerow(["    Points Possible", *blank, *_canvas_maxima(results, exercises)])
    unknown: list[str] = []
    claimed: dict[int, str] = {}
    for result in results:
        row = _roster_row(result.student, roster) if roster is not None else None
        if row is None:
            if roster is not None:
                unknown.append(result.student)
            row = {"Student": result.student, "SIS Login ID": result.student}
        elif id(row) in claimed:
            raise GraderError(
                f"{claimed[id(row)]} and {result.student} both match the Canvas roster's "
                f"{row.get('Student') or row.get('SIS Login ID')}: Canvas would keep one "
                "grade. Rename one submission to the student's SIS login."
            )
        else:
            claimed[id(row)] = result.student
        writer.writerow(
            [
                *(text_cell(row.get(column) or "") for column in CANVAS_COLUMNS),
                *_canvas_scores(result, exercises),
            ]
        )
    return buffer.getvalue(), unknown


def _canvas_maxima(results: list[SubmissionResult], exercises: list[str]) -> list[str]:
    if not exercises:
        return [_number(max((r.max_points for r in results), default=0.0))]
    return [
        _number(
            max(
                (e.max_points for r in results for e in r.exercises if e.exercise == exercise),
                default=0.0,
            )
        )
        for exercise in exercises
    ]


def _canvas_scores(result: SubmissionResult, exercises: list[str]) -> list[str]:
    if not exercises:
        return [_number(result.points)]
    points = {e.exercise: e.points for e in result.exercises}
    return [_number(points.get(exercise, 0.0)) for exercise in exercises]


# Canvas's importer reads "Title (123)" as the assignment whose id is 123, and drops
# the columns it writes itself (the course's and each assignment group's scores and
# grades) without a word.
_CANVAS_ID = re.compile(r"\(\s*\d+\s*\)\s*$")
_CANVAS_COMPUTED = re.compile(
    r"(^|\s)(unposted\s+)?(current|final|override)\s+(score|grade|points)\s*$", re.IGNORECASE
)
_CANVAS_RESERVED = frozenset(
    name.casefold() for name in (*CANVAS_COLUMNS, "Integration ID", "Root Account")
)


def check_canvas_column(name: str, existing: set[str] | frozenset[str] = frozenset()) -> None:
    """Raise GraderError, saying why and what to do, if Canvas's gradebook import would
    not read ``name`` as the assignment column it is meant to be.

    A name the roster already has as a column is that assignment, id and all.
    """
    if not name.strip():
        raise GraderError("the Canvas assignment needs a name (--assignment)")
    if name in existing:
        return
    if _CANVAS_ID.search(name):
        raise GraderError(
            f"Canvas reads the column {name!r} as the assignment whose id is the number in "
            "brackets, not as a new assignment: drop the number, or give the exact column "
            "header of that assignment with --roster holding its gradebook export"
        )
    if _CANVAS_COMPUTED.search(name) or name.strip().casefold() in _CANVAS_RESERVED:
        raise GraderError(
            f"Canvas's import drops the column {name!r} without a word: names such as "
            "'Current Score', 'Final Grade' or 'Unposted Final Score' and the identity "
            "columns are its own. Choose another --assignment name"
        )


def read_canvas_roster(path: Path) -> list[dict[str, str]]:
    """The rows of a gradebook CSV exported from Canvas; raise GraderError if it is not one."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GraderError(f"cannot read the Canvas roster {path}: {error}") from None
    if not rows or "Student" not in rows[0] or "SIS Login ID" not in rows[0]:
        raise GraderError(
            f"{path} is not a Canvas gradebook export: it needs the columns "
            f"{', '.join(CANVAS_COLUMNS)} (Grades > Export > Export Entire Gradebook)"
        )
    return [row for row in rows if "Points Possible" not in (row.get("Student") or "")]


def _roster_row(student: str, roster: list[dict[str, str]]) -> dict[str, str] | None:
    # An exact match first: logins differ in case only when the roster says they do.
    for same in (str.strip, lambda text: text.strip().casefold()):
        wanted = same(student)
        for column in ("SIS Login ID", "SIS User ID", "ID", "Student"):
            for row in roster:
                if same(row.get(column) or "") == wanted:
                    return row
    return None
