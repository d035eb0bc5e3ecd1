"""What ``grader ci`` shows in GitHub: the job summary, the annotations and GitHub
Classroom's result, rendered from one run's results.

The formats are GitHub's, documented under "Workflow commands for GitHub Actions": a
Markdown job summary (appended to ``$GITHUB_STEP_SUMMARY``) and annotations printed as
``::error file=…,line=…::…``. The ``result`` step output is GitHub Classroom's: base64
JSON that ``classroom-resources/autograding-grading-reporter`` turns into the
``Points X/Y`` Classroom records. Where they are written, and what the run grades, is
:mod:`grader.platforms.actions`.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from grader.course.submission import marker_lines
from grader.diagnoses import Named, for_student
from grader.feedback import Language
from grader.messages import pages
from grader.results.model import CheckOutcome, ExerciseResult, SubmissionResult
from grader.text import safe_text

_FEEDBACK_LIMIT = 1_500

Severity = Literal["error", "warning", "notice"]


class Checkout(Protocol):
    """The repository a run graded, as far as its reader needs it: each file named as the
    repository names it (:class:`grader.platforms.actions.Workflow` is one)."""

    def relative(self, path: Path | str) -> str: ...


@dataclass(frozen=True)
class Policy:
    """When ``grader ci`` fails the job: below ``fail_under`` percent of the points, or
    (with neither set) when an answered exercise lost points or a file could not run."""

    fail_under: float | None = None
    never_fail: bool = False

    def fails(self, report: Report) -> bool:
        if self.never_fail:
            return False
        if self.fail_under is not None:
            return report.percent < self.fail_under
        return any(r.error is not None for r in report.results) or any(
            e.answered and e.points < e.max_points for _, e in report.exercises()
        )


@dataclass(frozen=True)
class Selection:
    """The files ``grader ci`` grades, and what it noticed choosing them (made by
    :func:`grader.platforms.actions.select`)."""

    files: list[Path]
    passed_over: list[str]
    changed_material: list[str]


@dataclass(frozen=True)
class Report:
    """One ``grader ci`` run's results and how to present them."""

    #: Names the files shown, as the repository does.
    workflow: Checkout
    results: list[SubmissionResult]
    titles: Mapping[str, str]
    hidden: bool
    bank_version: str
    lang: Language
    policy: Policy
    selection: Selection
    #: What the grader could not do on this machine (such as a missing sandbox layer).
    notices: tuple[str, ...] = ()
    #: Each exercise's names for its mistakes (:func:`grader.diagnoses.named_in`), so that
    #: the annotations and the summary name a check's mistake rather than its slug.
    mistakes: Named = field(default_factory=dict)
    _lines: dict[str, dict[str, int]] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, result: SubmissionResult, exercise: str) -> int | None:
        """The line of ``result``'s file where the answer to ``exercise`` begins."""
        if result.path not in self._lines:
            self._lines[result.path] = marker_lines(Path(result.path))
        return self._lines[result.path].get(exercise)

    @property
    def points(self) -> float:
        return round(sum(r.points for r in self.results), 6)

    @property
    def max_points(self) -> float:
        return round(sum(r.max_points for r in self.results), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0

    def exercises(self) -> list[tuple[SubmissionResult, ExerciseResult]]:
        return [(r, e) for r in self.results for e in r.exercises]


# -- annotations -----------------------------------------------------------


#: The runner keeps this many annotations of each kind a step, and drops the rest.
ANNOTATIONS_PER_KIND = 10
#: The longest annotation message GitHub keeps whole.
ANNOTATION_MESSAGE = 4_096


def annotation_commands(report: Report) -> list[str]:
    """A workflow command per failing exercise (and per file that could not run), at the
    line of the file where the exercise's answer begins; at most
    :data:`ANNOTATIONS_PER_KIND` of each kind, the rest left to the summary.

    Checks are grouped by exercise, so that the ten a step shows cover most of a class's
    exercises.
    """
    kept: list[str] = []
    counts: dict[str, int] = {}
    for severity, line in _annotations(report):
        counts[severity] = counts.get(severity, 0) + 1
        if counts[severity] <= ANNOTATIONS_PER_KIND:
            kept.append(line)
    return kept


def unannotated(report: Report) -> int:
    """How many annotations :func:`annotation_commands` leaves out."""
    counts: dict[str, int] = {}
    for severity, _ in _annotations(report):
        counts[severity] = counts.get(severity, 0) + 1
    return sum(max(0, count - ANNOTATIONS_PER_KIND) for count in counts.values())


def _annotations(report: Report) -> list[tuple[Severity, str]]:
    commands: list[tuple[Severity, str]] = []
    for result in report.results:
        file = report.workflow.relative(result.path)
        if result.error is not None:
            commands.append(("error", command("error", result.error, file=file, title="grader")))
        for exercise in result.exercises:
            lost = [c for c in exercise.checks if not c.passed]
            if not exercise.answered or not lost:
                continue
            severity: Severity = "error" if exercise.points == 0 else "warning"
            message = "\n".join(_check_line(check, report) for check in lost)
            title = (
                f"{exercise.exercise}: {report.titles.get(exercise.exercise, '')} "
                f"({exercise.points:g}/{exercise.max_points:g})"
            )
            line = report.line_of(result, exercise.exercise) or 1
            commands.append(
                (severity, command(severity, message, file=file, line=line, title=title))
            )
    return commands


def _check_line(check: CheckOutcome, report: Report) -> str:
    lang = report.lang
    text = f"✗ {check.title.in_language(lang)} ({check.points:g}/{check.max_points:g})"
    if check.message is not None:
        text += f": {check.message.in_language(lang)}"
    mistake = for_student(check.exercise, check.diagnosis, report.mistakes)
    if mistake is not None:
        # Cut the feedback, never the mistake's name: it is the line a student looks up.
        said = f" ({mistake.said(lang)})"
        return text[: max(0, _FEEDBACK_LIMIT - len(said))] + said
    return text[:_FEEDBACK_LIMIT]


def command(severity: Severity, message: str, **properties: str | int) -> str:
    """A workflow command line, its data and properties escaped as the Actions toolkit does."""
    rendered = ",".join(
        f"{key}={_escape_property(str(value))}" for key, value in properties.items()
    )
    return f"::{severity}{' ' + rendered if rendered else ''}::{_escape_data(_fit(message))}"


def _fit(message: str) -> str:
    # The limit is on the message GitHub decodes, so it is measured before escaping.
    if len(message) <= ANNOTATION_MESSAGE:
        return message
    return message[: ANNOTATION_MESSAGE - 1] + "…"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# -- the job summary -------------------------------------------------------

_WORDS = pages.by_language(pages.GITHUB)


def job_summary(report: Report) -> str:
    """The Markdown summary: a score table per exercise, then each failed check's feedback;
    at most :data:`SUMMARY_BYTES` in UTF-8, cut between entries and saying so."""
    words = _WORDS[report.lang]
    head = [
        f"## {words['heading']}: {report.points:g} / {report.max_points:g} {words['points']} "
        f"({report.percent:.0f}%)",
        "",
        "> "
        + (
            words["hidden"].format(version=report.bank_version)
            if report.hidden
            else words["public"]
        ),
        "",
    ]
    policy = report.policy
    if policy.fail_under is not None and policy.fails(report):
        head += [f"**{words['threshold'].format(threshold=policy.fail_under)}**", ""]
    if not report.results:
        head += [words["nothing"], ""]
    blocks = [head, *_score_table(report, words), *_problems(report, words)]
    blocks += _failed_checks(report, words)
    return _within(blocks, SUMMARY_BYTES, words)


#: GitHub refuses a step summary over 1 MiB; other steps may append to the same file.
SUMMARY_BYTES = 900_000


def _within(blocks: list[list[str]], limit: int, words: Mapping[str, Any]) -> str:
    """The blocks' lines, as many whole blocks as fit in ``limit`` bytes."""
    out: list[str] = []
    used = 0
    for index, block in enumerate(blocks):
        text = "".join(line + "\n" for line in block)
        size = len(text.encode("utf-8"))
        if used + size + _CUT_NOTE_BYTES > limit:
            left = sum(1 for rest in blocks[index:] if any(line.strip() for line in rest))
            out += ["", words["cut"].format(count=left), ""]
            break
        out += block
        used += size
    return "\n".join(out) + "\n"


_CUT_NOTE_BYTES = 400


def _score_table(report: Report, words: Mapping[str, Any]) -> list[list[str]]:
    if not report.results:
        return []
    columns = ("", words["column-exercise"], words["column-points"], words["column-file"])
    rows = ["| " + " | ".join(columns) + " |", "|---|---|---:|---|"]
    for result, exercise in report.exercises():
        if not exercise.answered:
            mark, points = "➖", f"{words['not-answered']} · 0 / {exercise.max_points:g}"
        else:
            mark = (
                "✅"
                if exercise.points == exercise.max_points
                else ("❌" if exercise.points == 0 else "⚠️")
            )
            points = f"{exercise.points:g} / {exercise.max_points:g}"
        title = report.titles.get(exercise.exercise, "")
        file = report.workflow.relative(result.path) if exercise.answered else ""
        rows.append(
            f"| {mark} | `{exercise.exercise}` {_md(title)} | {points} | "
            f"{_code(file) if file else ''} |"
        )
    # A table cut short is still a table: its header goes with the first rows.
    return [[*rows[:3]], *([row] for row in rows[3:]), [""]]


def _problems(report: Report, words: Mapping[str, Any]) -> list[list[str]]:
    out: list[str] = []
    left_out = unannotated(report)
    if left_out:
        out.append(f"- {words['unannotated'].format(count=left_out, max=ANNOTATIONS_PER_KIND)}")
    for result in report.results:
        if result.error is not None:
            out.append(
                f"- **{words['run']}** {_code(report.workflow.relative(result.path))}: "
                f"{_md(result.error)}"
            )
    selection = report.selection
    if selection.changed_material:
        files = ", ".join(_code(f) for f in selection.changed_material)
        out.append(f"- **{words['material']}**: {files}")
    for sentence in selection.passed_over:
        out.append(f"- {words['passed-over']}: {_md(sentence)}")
    for notice in report.notices:
        out.append(f"- {_md(notice)}")
    return [*([line] for line in out), [""]] if out else []


def _failed_checks(report: Report, words: Mapping[str, Any]) -> list[list[str]]:
    out: list[list[str]] = []
    for result, exercise in report.exercises():
        if not exercise.answered:
            continue
        line = report.line_of(result, exercise.exercise)
        where = _code(report.workflow.relative(result.path))
        if line is not None:
            where += f" {words['line']} {line}"
        for check in exercise.checks:
            if check.passed:
                continue
            entry = [
                f"- **`{exercise.exercise}` · {_md(check.title.in_language(report.lang))}** "
                f"({check.points:g}/{check.max_points:g}) — {where}"
            ]
            if check.message is not None:
                feedback = check.message.in_language(report.lang)[:_FEEDBACK_LIMIT]
                entry.append(f"  > {_md(feedback)}")
            mistake = for_student(check.exercise, check.diagnosis, report.mistakes)
            if mistake is not None:
                entry.append(f"  > *{_md(mistake.said(report.lang))}*")
            out.append(entry)
    if not out:
        return []
    return [[f"### {words['failed']}", "", *out[0]], *out[1:], [""]]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: str) -> str:
    """Text shown as itself: student values may hold Markdown or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\r", "").replace("\n", "<br>")


def _code(text: str) -> str:
    """A file name shown as itself, even in a table: GFM splits a row at every ``|``
    (inside code too) and ends it at a line break."""
    shown = html.escape(safe_text(text.replace("\r", "\\r").replace("\n", "\\n")))
    return f"<code>{shown.replace('|', '&#124;')}</code>"


# -- GitHub Classroom ------------------------------------------------------

#: The released workflow hands ``result`` to the reporter in one environment variable, and
#: Linux refuses to start a program with one over 128 KiB (MAX_ARG_STRLEN): three quarters
#: of that leave room for the variable's name and whatever the reporter's action adds.
CLASSROOM_RESULT_BYTES = 96 * 1024
#: How finely Classroom's points are counted, finest first. Each is a power of two, so
#: that the reporter's JavaScript adds the scores up exactly.
_UNITS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
_ERROR_MESSAGE = 300
_COLONS = re.compile(r":(?=:)")
_TITLE = 60


@dataclass(frozen=True)
class _Entry:
    exercise: str
    title: str
    number: int
    passed: bool
    error: str | None
    line: int


def classroom_result(report: Report, failed: bool) -> dict[str, Any]:
    """The ``result`` output the Classroom grading reporter reads, at most
    :data:`CLASSROOM_RESULT_BYTES` once encoded.

    The reporter records the sum of the tests' scores but logs the share of tests
    passed times ``max_score``; the two agree only when every test is worth the same.
    So each check is as many tests as it has units of points (a unit is a quarter point
    when some check earned part of its points, else a point), as many of them passed as
    units earned, rounded to the nearest. The finest unit whose document fits is used,
    with shorter test names if need be. Only an ``error`` test's message is shown by the
    reporter, so only those carry one: one line, with nothing a workflow command reads.

    Its ``status`` follows the instructor's policy, because the reporter fails the job
    whenever it says ``fail``.
    """
    entries = _classroom_entries(report)
    fractional = any(
        not float(c.points).is_integer() for _, e in report.exercises() for c in e.checks
    )
    units = _UNITS if fractional else tuple(u for u in _UNITS if u >= 1)
    document: dict[str, Any] = {}
    for unit in units:
        for naming in ("title", "short", "number"):
            document = _classroom_document(report, entries, unit, naming, failed)
            if len(encode_classroom(document)) <= CLASSROOM_RESULT_BYTES:
                return document
    return document


def encode_classroom(document: Mapping[str, Any]) -> bytes:
    """``document`` as the ``result`` output carries it: base64 of compact UTF-8 JSON."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(text.encode("utf-8"))


def _classroom_entries(report: Report) -> list[tuple[CheckOutcome, _Entry]]:
    entries = []
    for result, exercise in report.exercises():
        line = report.line_of(result, exercise.exercise) if exercise.answered else None
        for number, check in enumerate(exercise.checks, start=1):
            error = None
            if check.outcome == "error":
                text = check.message.in_language(report.lang) if check.message else ""
                error = inert_line(text or check.title.in_language(report.lang))
                error = error[:_ERROR_MESSAGE]
            entry = _Entry(
                exercise.exercise,
                inert_line(check.title.in_language(report.lang)),
                number,
                check.passed,
                error,
                line or 0,
            )
            entries.append((check, entry))
    return entries


def _classroom_document(
    report: Report,
    entries: list[tuple[CheckOutcome, _Entry]],
    unit: float,
    naming: str,
    failed: bool,
) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for check, entry in entries:
        count = _units(check.max_points, unit)
        earned = min(count, _units(check.points, unit))
        for index in range(count):
            test: dict[str, Any] = {
                "name": _entry_name(entry, naming, index, count),
                "status": "pass" if index < earned else "fail",
                "score": unit if index < earned else 0,
                "line_no": entry.line,
            }
            if entry.error is not None and index == earned:
                test["status"], test["message"] = "error", entry.error
            tests.append(test)
    return {
        "version": 1,
        "status": "fail" if failed else "pass",
        "max_score": unit * len(tests),
        "tests": tests,
    }


def _units(points: float, unit: float) -> int:
    # Half a unit and more counts as a unit; a float's error is not allowed to decide it.
    return int(points / unit + 0.5 + 1e-9)


def _entry_name(entry: _Entry, naming: str, index: int, count: int) -> str:
    part = f" ({index + 1}/{count})" if count > 1 else ""
    if naming == "number":
        return f"{entry.exercise} #{entry.number}{part}"
    title = entry.title if naming == "title" else entry.title[:_TITLE]
    return f"{entry.exercise}: {title}{part}"


def inert_line(text: str) -> str:
    """``text`` on one line, with nothing the Actions runner would read as a workflow
    command when a log prints it: ``::`` (at a line's start) and ``##[`` (anywhere)."""
    line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return _defused(line)


def inert_text(text: str) -> str:
    """``text`` with its lines kept, none of which the Actions runner would read as a
    workflow command when a log prints it."""
    return "\n".join(_defused(line) for line in text.splitlines())


def _defused(line: str) -> str:
    # A zero-width space between the characters: the line reads the same to a person.
    return _COLONS.sub(":\u200b", line).replace("##[", "#\u200b#[")
