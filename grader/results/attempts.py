"""Which exercises a submission attempted, from its stored result and the bank's starters.

An exercise is not attempted when the submission has no section for it, or when its
section is the released starter unchanged: the starter's ``return None`` fails checks
with diagnoses, and those are not the class's mistakes. Sections are compared as
code, not as text, so a starter run through a formatter, or with its comments edited,
still counts as untouched.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from grader.course.bank import Bank
from grader.results.model import SubmissionResult


def normalised(source: str) -> str:
    """``source`` as code: its syntax tree without the released check cell's lines, or for
    what does not parse (a magic, say) its lines without comments, blanks and indentation."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        lines = (line.strip() for line in source.splitlines())
        return "\n".join(line for line in lines if line and not line.startswith("#"))
    tree.body = [statement for statement in tree.body if not _is_check_cell(statement)]
    return ast.dump(tree)


def _is_check_cell(statement: ast.stmt) -> bool:
    """Whether ``statement`` is what a released notebook's check cell holds after each
    starter (``import grader`` and ``grader.check("<id>")``), which is no answer."""
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names] == ["grader"]
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and (call.func.value.id, call.func.attr) == ("grader", "check")
    )


def starters(bank: Bank) -> dict[str, str]:
    """Each exercise's starter, normalised; an exercise without a starter has none."""
    found: dict[str, str] = {}
    for exercise in bank.exercises:
        path = exercise.folder / "starter.py"
        if path.is_file():
            found[exercise.id] = normalised(path.read_text(encoding="utf-8"))
    return found


def not_attempted(result: SubmissionResult, starter_forms: Mapping[str, str]) -> frozenset[str]:
    """The exercises of ``result`` that were left unanswered or as the starter gave them."""
    sections: dict[str, list[str]] = {}
    for cell in result.cells:
        if cell.exercise is not None:
            sections.setdefault(cell.exercise, []).append(cell.source)
    skipped = set()
    for exercise in result.exercises:
        code = sections.get(exercise.exercise)
        starter = starter_forms.get(exercise.exercise)
        untouched = code is not None and normalised("\n".join(code)) == starter
        if not exercise.answered or untouched:
            skipped.add(exercise.exercise)
    return frozenset(skipped)
