"""What ``grader.check`` shows in a notebook: one exercise's public checks as a table.

The same table twice: as HTML for Jupyter and Colab (inline styles, no script, nothing
fetched) and as plain text for a terminal or a frontend without HTML, both in the
student's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from grader.feedback import Language, Message
from grader.messages import pages
from grader.results.model import ExerciseResult

_SYMBOL = {
    "passed": ("✓", "#1a7f37"),
    "partial": ("◐", "#9a6700"),
    "failed": ("✗", "#cf222e"),
    "error": ("!", "#cf222e"),
    "not-answered": ("–", "#cf222e"),
}
_WORDS = pages.by_language(pages.NOTEBOOK)


@dataclass(frozen=True)
class CheckTable:
    """One exercise's public checks on the kernel's names, ready to show."""

    title: Message
    result: ExerciseResult
    language: Language

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.result.checks)

    def heading(self) -> str:
        title = self.title.in_language(self.language)
        score = f"{self.result.points:g} / {self.result.max_points:g}"
        return f"{title} ({self.result.exercise}) — {score}"

    def summary(self) -> str:
        return _WORDS[self.language]["all" if self.passed else "some"]

    def text(self) -> str:
        """The table as lines of text: a check's verdict, title and points, then its message."""
        lines = [self.heading()]
        for check in self.result.checks:
            symbol, _ = _SYMBOL[check.outcome]
            points = f"{check.points:g}/{check.max_points:g}"
            lines.append(f"{symbol} {check.title.in_language(self.language)}  [{points}]")
            if check.message is not None:
                lines.extend(
                    f"    {line}" for line in check.message.in_language(self.language).splitlines()
                )
        lines.append(self.summary())
        return "\n".join(lines)

    def html(self) -> str:
        """The table as an HTML fragment with inline styles."""
        words = _WORDS[self.language]
        rows = []
        for check in self.result.checks:
            symbol, colour = _SYMBOL[check.outcome]
            message = ""
            if check.message is not None:
                text = escape(check.message.in_language(self.language))
                message = f'<div style="color:{colour};white-space:pre-wrap">{text}</div>'
            rows.append(
                f'<tr data-outcome="{check.outcome}">'
                f'<td style="color:{colour};font-weight:bold;text-align:center">{symbol}</td>'
                f'<td style="text-align:left">{escape(check.title.in_language(self.language))}'
                f"{message}</td>"
                f'<td style="text-align:right;white-space:nowrap">'
                f"{check.points:g} / {check.max_points:g}</td></tr>"
            )
        colour = _SYMBOL["passed" if self.passed else "failed"][1]
        return (
            f'<div class="grader-check" lang="{self.language}">'
            f'<p style="font-weight:bold">{escape(self.heading())}</p>'
            '<table style="border-collapse:collapse">'
            f'<thead><tr><th></th><th style="text-align:left">{words["check"]}</th>'
            f'<th style="text-align:right">{words["points"]}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p style="color:{colour}">{escape(self.summary())}</p></div>'
        )


def message_html(message: str) -> str:
    """A sentence for the student (an unknown id, no bank) as an HTML fragment."""
    return f'<div class="grader-check" style="white-space:pre-wrap">{escape(message)}</div>'
