"""HTML reports rendered from stored results: one page per student and one for the class.

Templates and CSS live in the bank's ``reports/`` folder (instructors may restyle
them). Pages are self-contained: CSS inline, charts as inline SVG, no script and
no request to any other host, so they open from disk offline.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from grader.bank import Bank
from grader.exports import write_atomically
from grader.feedback import Language, Message
from grader.results import SubmissionResult

_SYMBOLS = {"passed": "✓", "partial": "◐", "failed": "✗", "error": "!", "not-answered": "–"}
_PACKAGED_REPORTS = Path(__file__).resolve().parent.parent / "reports"


@dataclass(frozen=True)
class ClassStats:
    count: int
    mean: float
    median: float
    max: float
    failed: int


@dataclass(frozen=True)
class CheckRate:
    exercise: str
    check: str
    title: Message
    rate: float


def templates_folder(bank: Bank) -> Path:
    """The bank's own ``reports/`` if it has one, else the framework's."""
    own = bank.root / "reports"
    return own if (own / "student.html.j2").is_file() else _PACKAGED_REPORTS


def _environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["basename"] = lambda path: Path(str(path)).name
    env.filters["urlencode"] = lambda text: quote(str(text))
    env.globals["fmt"] = _fmt
    env.globals["symbols"] = _SYMBOLS
    return env


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def write_reports(
    results: list[SubmissionResult], bank: Bank, out: Path, lang: Language = "ko"
) -> None:
    """Write ``out/index.html`` and ``out/students/<student>.html``."""
    folder = templates_folder(bank)
    env = _environment(folder)
    css = (folder / "style.css").read_text(encoding="utf-8")
    titles = {e.id: e.title for e in bank.exercises}
    student_page = env.get_template("student.html.j2")
    for result in results:
        html = student_page.render(
            result=result, titles=_titles_for(result, titles), css=css, lang=lang
        )
        write_atomically(out / "students" / f"{result.student}.html", html)
    index = env.get_template("index.html.j2").render(
        results=results,
        exercises=bank.exercises,
        stats=class_stats(results),
        check_rates=check_rates(results),
        histogram=histogram_svg(results),
        css=css,
        lang=lang,
        labels={"title": "Grades"},
        points=_points_of,
    )
    write_atomically(out / "index.html", index)


def _titles_for(result: SubmissionResult, titles: dict[str, Message]) -> dict[str, Message]:
    return {
        e.exercise: titles.get(e.exercise, Message(e.exercise, e.exercise))
        for e in result.exercises
    }


def _points_of(result: SubmissionResult, exercise_id: str) -> float:
    exercise = result.exercise(exercise_id)
    return exercise.points if exercise else 0.0


def class_stats(results: list[SubmissionResult]) -> ClassStats:
    totals = [r.points for r in results]
    return ClassStats(
        count=len(results),
        mean=statistics.fmean(totals) if totals else 0.0,
        median=statistics.median(totals) if totals else 0.0,
        max=max((r.max_points for r in results), default=0.0),
        failed=sum(1 for r in results if r.error),
    )


def check_rates(results: list[SubmissionResult]) -> list[CheckRate]:
    """Each check's pass rate across the class, the most often failed first."""
    passed: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    titles: dict[tuple[str, str], Message] = {}
    for result in results:
        for exercise in result.exercises:
            for check in exercise.checks:
                key = (check.exercise, check.check)
                seen[key] += 1
                passed[key] += check.passed
                titles[key] = check.title
    rates = [CheckRate(k[0], k[1], titles[k], passed[k] / seen[k]) for k in seen]
    return sorted(rates, key=lambda r: (r.rate, r.exercise, r.check))


def histogram_svg(results: list[SubmissionResult], bins: int = 10) -> str:
    """The score distribution as an inline SVG bar chart (score as a share of the maximum)."""
    counts = [0] * bins
    for result in results:
        share = result.points / result.max_points if result.max_points else 0.0
        counts[min(int(share * bins), bins - 1)] += 1
    width, height, pad = 520, 160, 24
    bar = (width - 2 * pad) / bins
    tallest = max(counts) or 1
    parts: list[Any] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 30}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="score histogram">'
    ]
    for i, count in enumerate(counts):
        h = (height - pad) * count / tallest
        x, y = pad + i * bar, height - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
            f'fill="#0969da"><title>{count}</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 14}" text-anchor="middle">'
            f"{i * 100 // bins}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
