"""What ``grader check`` prints: a readable, coloured account of one submission's checks."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.bank import Bank
from grader.feedback import Language
from grader.results import SubmissionResult

_STYLE = {
    "passed": ("✓", "green"),
    "partial": ("◐", "yellow"),
    "failed": ("✗", "red"),
    "error": ("!", "red"),
    "not-answered": ("–", "red"),
}
_WORDS = {
    "ko": {
        "score": "점수",
        "run": "실행 문제",
        "cell": "셀",
        "none": "채점할 문제가 없습니다. 답 앞에 `# EXERCISE: <문제 id>` 줄을 넣으세요.",
        "all": "모두 통과했습니다!",
    },
    "en": {
        "score": "Score",
        "run": "Run problem",
        "cell": "cell",
        "none": "No exercise to check. Put a line `# EXERCISE: <exercise id>` above each answer.",
        "all": "All checks passed!",
    },
}


def print_check_result(
    console: Console, result: SubmissionResult, bank: Bank, lang: Language
) -> None:
    words = _WORDS[lang]
    titles = {e.id: e.title.in_language(lang) for e in bank.exercises}
    if result.error:
        console.print(Text(f"{words['run']}: {result.error}", style="bold red"))
    for notice in result.notices:
        console.print(Text(notice, style="yellow"))
    for cell in result.cells:
        if cell.status in ("error", "timeout", "crashed"):
            detail = f"{cell.ename}: {cell.evalue}".strip(": ")
            console.print(
                Text(f"{words['cell']} {cell.cell} [{cell.status}] {detail}", style="red")
            )
    if not result.exercises:
        console.print(words["none"])
        return
    for exercise in result.exercises:
        table = Table(
            title=f"{titles.get(exercise.exercise, exercise.exercise)} "
            f"({exercise.exercise}) — {exercise.points:g} / {exercise.max_points:g}",
            title_justify="left",
            show_header=False,
            expand=True,
        )
        table.add_column(width=2)
        table.add_column(ratio=1)
        table.add_column(justify="right", width=9)
        for check in exercise.checks:
            symbol, style = _STYLE[check.outcome]
            text = Text(check.title.in_language(lang))
            if check.message is not None:
                text.append("\n" + check.message.in_language(lang), style=style)
            if check.diagnosis:
                text.append(f"\n[{check.diagnosis}]", style="yellow")
            table.add_row(Text(symbol, style=style), text, f"{check.points:g}/{check.max_points:g}")
        console.print(table)
    summary = f"{words['score']}: {result.points:g} / {result.max_points:g}"
    passed = all(c.passed for e in result.exercises for c in e.checks)
    console.print(
        Text(
            summary + ("  " + words["all"] if passed else ""),
            style="bold green" if passed else "bold",
        )
    )
