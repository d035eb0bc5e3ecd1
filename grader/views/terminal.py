"""What ``grader check`` prints: a readable, coloured account of one submission's checks.

Everything is in the student's language, wrapped by display width (a Hangul syllable
is two columns) and never cut: a word longer than the line is folded onto the next.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.course.bank import Bank
from grader.diagnoses import for_student, named_in
from grader.feedback import Language
from grader.messages import notice_parts, pages
from grader.results.model import CellRun, SubmissionResult
from grader.text import display_text

_STYLE = {
    "passed": ("✓", "green"),
    "partial": ("◐", "yellow"),
    "failed": ("✗", "red"),
    "error": ("!", "red"),
    "not-answered": ("–", "red"),
}
_WORDS = pages.by_language(pages.TERMINAL)


def print_check_result(
    console: Console, result: SubmissionResult, bank: Bank, lang: Language
) -> None:
    words = _WORDS[lang]
    if result.error:
        error = notice_parts(result.error).in_language(lang)
        console.print(Text(f"{words['run']}: {error}", style="bold red", overflow="fold"))
    for notice in result.notices:
        console.print(Text(notice_parts(notice).in_language(lang), style="yellow", overflow="fold"))
    for cell in result.cells:
        if cell.status in ("error", "timeout", "crashed"):
            console.print(Text(_cell_line(cell, lang), style="red", overflow="fold"))
    if not result.exercises:
        console.print(Text(words["none"], overflow="fold"))
        return
    checks = [c for e in result.exercises for c in e.checks]
    if result.error and not result.cells and all(c.outcome == "error" for c in checks):
        # Nothing ran: one sentence above says why, so each check would only repeat it.
        console.print(Text(words["unread"].format(checks=len(checks)), overflow="fold"))
    else:
        _print_exercises(console, result, bank, lang)
    summary = f"{words['score']}: {result.points:g} / {result.max_points:g}"
    passed = all(c.passed for c in checks)
    console.print(
        Text(
            summary + ("  " + words["all"] if passed else ""),
            style="bold green" if passed else "bold",
        )
    )


def print_elapsed(console: Console, seconds: float, lang: Language) -> None:
    """How long the check took, so a slow first run is not mistaken for a hang."""
    console.print(Text(_WORDS[lang]["seconds"].format(seconds=seconds), style="dim"))


def _print_exercises(
    console: Console, result: SubmissionResult, bank: Bank, lang: Language
) -> None:
    titles = {e.id: e.title.in_language(lang) for e in bank.exercises}
    named = named_in(bank.exercises)
    for exercise in result.exercises:
        # The title is a line of its own rather than the table's: a table title is cropped.
        title = titles.get(exercise.exercise, exercise.exercise)
        console.print(
            Text(
                f"{title} ({exercise.exercise}) — {exercise.points:g} / {exercise.max_points:g}",
                style="bold",
                overflow="fold",
            )
        )
        table = Table(show_header=False, expand=True)
        table.add_column(width=2)
        # Rich's default for a column, "ellipsis", cuts wrapped Korean text at a line end.
        table.add_column(ratio=1, overflow="fold")
        table.add_column(justify="right", width=9)
        for check in exercise.checks:
            symbol, style = _STYLE[check.outcome]
            text = Text(check.title.in_language(lang))
            if check.message is not None:
                text.append("\n" + check.message.in_language(lang), style=style)
            mistake = None if check.passed else for_student(check.exercise, check.diagnosis, named)
            if mistake is not None:
                text.append("\n" + mistake.said(lang), style="dim")
            table.add_row(Text(symbol, style=style), text, f"{check.points:g}/{check.max_points:g}")
        console.print(table)


def _cell_line(cell: CellRun, lang: Language) -> str:
    """A failed cell in one line: its number as the notebook counts, what happened, where."""
    words = _WORDS[lang]
    detail = display_text(f"{cell.ename}: {cell.evalue}".strip(": "), 600)
    where = f"{words['cell']} {cell.cell}"
    at = cell.error_at()
    if at is not None:
        # A function defined in an earlier cell fails there: that cell is named too.
        raised_in = ", " if at[0] == cell.cell else f" → {words['cell']} {at[0]}, "
        where += raised_in + words["line"].format(line=at[1])
    return f"{where} ({words[cell.status]}): {detail}"
