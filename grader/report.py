"""HTML reports rendered from stored results: one page per student and one for the class.

Templates and CSS live in the bank's ``reports/`` folder (instructors may restyle
them). Pages are self-contained: CSS inline, charts as inline SVG, no request to
any other host, so they open from disk offline; the only script sorts the class
table and nothing needs it to be read.

A student's page shows the submission as it ran: each exercise's cells (code
highlighted and markdown rendered by nbconvert's filters, with the outputs and
errors the runner reported) beside that exercise's checks. The code is read
back from the submitted file, and only if it is the file that was graded.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from grader import messages
from grader.bank import Bank
from grader.errors import SubmissionError
from grader.exports import write_atomically
from grader.feedback import Language, Message
from grader.results import CellRun, SubmissionResult
from grader.submission import Submission, load_submission

_SYMBOLS = {"passed": "✓", "partial": "◐", "failed": "✗", "error": "!", "not-answered": "–"}
_PACKAGED_REPORTS = Path(__file__).resolve().parent.parent / "reports"


@dataclass(frozen=True)
class ClassStats:
    count: int
    mean: float
    median: float
    max: float
    failed: int
    timeouts: int
    crashes: int
    seconds: float


@dataclass(frozen=True)
class CheckRate:
    exercise: str
    check: str
    title: Message
    rate: float


@dataclass(frozen=True)
class Block:
    """One piece of the submission as shown: a markdown cell, or a code chunk and its run."""

    cell: int
    markdown: Markup | None = None
    code: Markup | None = None
    run: CellRun | None = None


@dataclass
class Section:
    exercise: str | None
    blocks: list[Block] = field(default_factory=list)


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
    env.filters["strip_ansi"] = _strip_ansi
    env.globals["fmt"] = _fmt
    env.globals["symbols"] = _SYMBOLS
    return env


def _strip_ansi(text: str) -> str:
    from nbconvert.filters.ansi import strip_ansi

    return str(strip_ansi(text))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


class _Renderer:
    """nbconvert's filters, built once per batch (they are what costs)."""

    def __init__(self) -> None:
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.markdown_mistune import markdown2html_mistune
        from pygments.formatters import HtmlFormatter

        self._highlight = Highlight2HTML(pygments_lexer="ipython3")
        self._markdown = markdown2html_mistune
        self.pygments_css = HtmlFormatter().get_style_defs(".highlight")

    def code(self, source: str) -> Markup:
        return Markup(self._highlight(source))

    def markdown(self, source: str) -> Markup:
        # Student markdown may hold raw HTML; it is shown as text, never as markup.
        escaped = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Markup(self._markdown(escaped))


def write_reports(
    results: list[SubmissionResult], bank: Bank, out: Path, lang: Language = "ko"
) -> None:
    """Write ``out/index.html`` and ``out/students/<student>.html``."""
    folder = templates_folder(bank)
    env = _environment(folder)
    renderer = _Renderer()
    css = Markup((folder / "style.css").read_text(encoding="utf-8") + renderer.pygments_css)
    titles = {e.id: e.title for e in bank.exercises}
    student_page = env.get_template("student.html.j2")
    for result in results:
        sections, shown = _sections(result, renderer)
        html = student_page.render(
            result=result,
            titles=_titles_for(result, titles),
            css=css,
            lang=lang,
            sections=sections,
            code_shown=shown,
            problems=run_problems(result),
        )
        write_atomically(out / "students" / f"{result.student}.html", html)
    index = env.get_template("index.html.j2").render(
        results=results,
        exercises=bank.exercises,
        stats=class_stats(results),
        check_rates=check_rates(results),
        exercise_rates=exercise_rates(results, bank.ids()),
        diagnoses=diagnosis_counts(results),
        histogram=Markup(histogram_svg(results)),
        css=css,
        lang=lang,
        points=_points_of,
        titles=titles,
    )
    write_atomically(out / "index.html", index)


def _titles_for(result: SubmissionResult, titles: dict[str, Message]) -> dict[str, Message]:
    known = {e.exercise for e in result.exercises}
    known |= {cell.exercise for cell in result.cells if cell.exercise}
    return {e: titles.get(e, Message(e, e)) for e in known}


def _points_of(result: SubmissionResult, exercise_id: str) -> float:
    exercise = result.exercise(exercise_id)
    return exercise.points if exercise else 0.0


def _sections(result: SubmissionResult, renderer: _Renderer) -> tuple[list[Section], bool]:
    """The submission's blocks grouped by exercise, and whether its code could be shown."""
    submission = _graded_file(result)
    blocks: list[tuple[str | None, Block]] = []
    if submission is None:
        blocks = [(run.exercise, Block(run.cell, run=run)) for run in result.cells]
    else:
        runs = list(result.cells) + [None] * (len(submission.chunks) - len(result.cells))
        by_cell: dict[int, list[tuple[str | None, Block]]] = defaultdict(list)
        for chunk, run in zip(submission.chunks, runs, strict=False):
            by_cell[chunk.cell].append(
                (chunk.exercise, Block(chunk.cell, code=renderer.code(chunk.source), run=run))
            )
        for number, cell in enumerate((submission.notebook or {}).get("cells", []), start=1):
            if cell.get("cell_type") == "markdown":
                source = cell.get("source", "")
                text = "".join(source) if isinstance(source, list) else str(source)
                by_cell[number].append((None, Block(number, markdown=renderer.markdown(text))))
        for number in sorted(by_cell):
            blocks.extend(by_cell[number])
    return _group(blocks), submission is not None


def _group(blocks: list[tuple[str | None, Block]]) -> list[Section]:
    """Consecutive blocks of one exercise form a section; markdown joins the code after it."""
    sections: list[Section] = []
    pending: list[Block] = []
    for exercise, block in blocks:
        if block.markdown is not None:
            pending.append(block)
            continue
        if not sections or sections[-1].exercise != exercise:
            sections.append(Section(exercise))
        sections[-1].blocks.extend([*pending, block])
        pending = []
    if pending:
        if not sections:
            sections.append(Section(None))
        sections[-1].blocks.extend(pending)
    return sections


def _graded_file(result: SubmissionResult) -> Submission | None:
    try:
        submission = load_submission(Path(result.path), result.student)
    except SubmissionError:
        return None
    return submission if submission.sha256 == result.sha256 else None


def run_problems(result: SubmissionResult) -> list[Message]:
    """What went wrong with the run itself, in plain words, with the cell where it happened."""
    problems = []
    for run in result.cells:
        if run.status == "timeout":
            problems.append(messages.cell_timed_out(run.cell))
        elif run.status == "crashed":
            problems.append(messages.cell_crashed(run.cell, run.evalue))
        elif run.ename in _OUT_OF_MEMORY:
            problems.append(messages.cell_out_of_memory(run.cell))
    if result.error and not any(run.status in ("timeout", "crashed") for run in result.cells):
        problems.append(messages.submission_unreadable(result.error))
    return problems


_OUT_OF_MEMORY = ("MemoryError", "_ArrayMemoryError", "ResourceExhaustedError")


def class_stats(results: list[SubmissionResult]) -> ClassStats:
    totals = [r.points for r in results]
    return ClassStats(
        count=len(results),
        mean=statistics.fmean(totals) if totals else 0.0,
        median=statistics.median(totals) if totals else 0.0,
        max=max((r.max_points for r in results), default=0.0),
        failed=sum(1 for r in results if r.error),
        timeouts=sum(1 for r in results for c in r.cells if c.status == "timeout"),
        crashes=sum(1 for r in results for c in r.cells if c.status == "crashed"),
        seconds=sum(r.seconds for r in results),
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


def exercise_rates(results: list[SubmissionResult], order: list[str]) -> list[tuple[str, float]]:
    """Each exercise's share of points earned across the class, in course order."""
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    for result in results:
        for exercise in result.exercises:
            earned[exercise.exercise] += exercise.points
            possible[exercise.exercise] += exercise.max_points
    return [(e, earned[e] / possible[e] if possible[e] else 0.0) for e in order if e in possible]


def diagnosis_counts(results: list[SubmissionResult]) -> list[tuple[str, str, int]]:
    """How many students each named mistake was found in: (exercise, diagnosis, students)."""
    counts: Counter[tuple[str, str]] = Counter()
    for result in results:
        found = {
            (c.exercise, c.diagnosis)
            for e in result.exercises
            for c in e.checks
            if c.diagnosis and not c.passed
        }
        counts.update(found)
    return [(exercise, name, n) for (exercise, name), n in counts.most_common()]


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
