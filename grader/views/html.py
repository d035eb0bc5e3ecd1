"""HTML reports rendered from stored results: one page per student and one for the class.

Templates and CSS live in the bank's ``reports/`` folder (instructors may restyle
them). Pages are self-contained: CSS inline, charts as inline SVG, no request to
any other host, so they open from disk offline; the only script sorts the class
table and nothing needs it to be read.

A student's page shows the submission as it ran: each exercise's cells (code
highlighted and markdown rendered by nbconvert's filters, with the outputs and
errors the runner reported) beside that exercise's checks. Everything comes from
the stored result (see :mod:`grader.results.shown`), never from the submitted file, so a page
shows what was graded; a rerun renders again only the pages whose result, templates
or style changed.

Everything a student wrote is shown, never run: raw HTML in markdown is shown as
text, links keep only the ``http``, ``https`` and ``mailto`` schemes and in-page
anchors, pasted images (cell attachments) are embedded as raster data URIs or
named in a placeholder, and every page carries a Content-Security-Policy that
allows its inline style and, on the class page, its one script by hash. A page
that cannot be rendered is replaced by one saying so; the others are written.

The class page's numbers are computed in :mod:`grader.views.statistics`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from markupsafe import Markup

from grader import messages
from grader.course.bank import Bank
from grader.diagnoses import Named, for_student, named_in
from grader.errors import StoreError
from grader.feedback import Language, Message
from grader.images import data_uris
from grader.messages import pages
from grader.results import attempts
from grader.results.model import CellRun, SubmissionResult
from grader.text import escaped_surrogates, safe_text
from grader.views.exports import Problems, write_atomically
from grader.views.statistics import (
    check_rates,
    class_stats,
    diagnosis_counts,
    exercise_rates,
    histogram_buckets,
    lookalike_names,
)

_SYMBOLS = {"passed": "✓", "partial": "◐", "failed": "✗", "error": "!", "not-answered": "–"}
_PACKAGED_REPORTS = Path(__file__).resolve().parents[2] / "reports"


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
    env.filters["urlencode"] = lambda text: quote(str(text), errors="backslashreplace")
    env.filters["page_name"] = page_name
    env.filters["strip_ansi"] = _strip_ansi
    env.filters["data_uris"] = data_uris
    env.filters["notice_parts"] = messages.notice_parts
    env.globals["fmt"] = _fmt
    env.globals["symbols"] = _SYMBOLS
    env.globals["diagnosis"] = for_student
    return env


def page_name(student: str) -> str:
    """The file name of a student's page (a name's undecodable bytes written as escapes)."""
    return f"{escaped_surrogates(student)}.html"


def _strip_ansi(text: str) -> str:
    from nbconvert.filters.ansi import strip_ansi

    return str(strip_ansi(text))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


class _Renderer:
    """nbconvert's filters, built once per batch (they are what costs)."""

    def __init__(self) -> None:
        from IPython.lib.lexers import IPython3Lexer
        from nbconvert.filters.markdown_mistune import MarkdownWithMath
        from pygments.formatters import HtmlFormatter

        # The markup of nbconvert's Highlight2HTML, whose lexer and formatter are built anew
        # for every cell: two thirds of the time a page of many cells takes.
        self._lexer = IPython3Lexer()
        self._formatter = HtmlFormatter(cssclass=" highlight hl-ipython3")
        self._markdown_html = _safe_markdown_renderer()
        self._markdown = MarkdownWithMath(renderer=self._markdown_html)
        self.pygments_css = HtmlFormatter().get_style_defs(".highlight")

    def code(self, source: str) -> Markup:
        from pygments import highlight

        return Markup(highlight(source or " ", self._lexer, self._formatter))

    def markdown(self, source: str, attachments: Any = None) -> Markup:
        # Student markdown may hold raw HTML; it is shown as text, never as markup.
        escaped = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self._markdown_html.attachments = _images(attachments)
        try:
            return Markup(self._markdown.render(escaped))
        except Exception:
            # Markdown the parser cannot take is still the student's text: shown as such.
            return Markup("<pre>") + source + Markup("</pre>")


#: Link targets a report keeps; any other scheme (javascript:, data:, vbscript:, file:)
#: is dropped with its link, the link's text kept.
_LINK_PREFIXES = ("http://", "https://", "mailto:", "#")
_RASTER_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
_MAX_IMAGE_BASE64 = 2 * 1024 * 1024
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
# Browsers ignore these anywhere in a URL (tab, newline) or around it (controls, space).
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")


def safe_link(url: str) -> str | None:
    """Give ``url`` if a report may link to it (http, https, mailto, an in-page anchor),
    else None; entities, percent-escapes, case and whitespace cannot disguise a scheme."""
    candidates = [url]
    decoded = url
    for _ in range(3):
        decoded = html.unescape(unquote(decoded))
        candidates.append(decoded)
    for candidate in candidates:
        if not _URL_IGNORED.sub("", candidate).lower().startswith(_LINK_PREFIXES):
            return None
    return url


def _images(attachments: Any) -> dict[str, str]:
    """A markdown cell's attachments as data URIs, for the raster images among them only."""
    if not isinstance(attachments, dict):
        return {}
    images = {}
    for name, bundle in attachments.items():
        if not (isinstance(name, str) and isinstance(bundle, dict)):
            continue
        for mime in _RASTER_TYPES:
            data = bundle.get(mime)
            if isinstance(data, list):
                data = "".join(part for part in data if isinstance(part, str))
            if not isinstance(data, str):
                continue
            data = "".join(data.split())
            if len(data) <= _MAX_IMAGE_BASE64 and _BASE64.fullmatch(data):
                images[name] = f"data:{mime};base64,{data}"
                break
    return images


def _safe_markdown_renderer() -> Any:
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class SafeRenderer(IPythonRenderer):
        """nbconvert's renderer with student links and images made inert.

        ``attachments`` holds, by name, the data URIs :func:`_images` made.
        """

        def link(self, text: str, url: str, title: str | None = None) -> str:
            target = safe_link(url)
            if target is None:
                return f'<span class="dropped-link">{text}</span>'
            attrs = {"href": target, "title": title, "rel": "noopener noreferrer"}
            return f"<a{self.render_attrs(attrs)}>{text}</a>"

        def image(self, text: str, url: str, title: str | None = None) -> str:
            alt = html.escape(re.sub(r"<[^>]*>", "", text))
            name = url.removeprefix("attachment:")
            source = self.attachments.get(name) if url.startswith("attachment:") else None
            if isinstance(source, str):
                return f'<img src="{source}" alt="{alt}">'
            # Any other image would be fetched from elsewhere: it is named, not loaded.
            label = alt or html.escape(name)
            named = pages.both(pages.REPORT["image"])
            return f'<span class="image-placeholder">[{named}: {label}]</span>'

    return SafeRenderer(escape=False, allow_harmful_protocols=False)


def page_policy(script: str | None = None) -> Markup:
    """The Content-Security-Policy of a page: its inline style, images as data URIs, and
    no script but ``script``, allowed by its SHA-256 hash."""
    scripts = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        scripts = f"'sha256-{digest}'"
    # Markup: made of constants and a base64 digest, nothing to escape.
    return Markup(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {scripts}; base-uri 'none'; form-action 'none'"
    )


_PAGE_FAILED = pages.REPORT["page-failed"]


def write_reports(
    results: list[SubmissionResult],
    bank: Bank,
    out: Path,
    lang: Language = "ko",
    problems: Problems | None = None,
) -> Problems:
    """Write ``out/index.html`` and ``out/students/<student>.html``; give the students whose
    page could not be rendered, and why.

    ``problems`` (from storing and exporting) and the pages' own are shown on the
    students' rows of the class page.
    """
    folder = templates_folder(bank)
    env = _environment(folder)
    renderer = _Renderer()
    css = Markup((folder / "style.css").read_text(encoding="utf-8") + renderer.pygments_css)
    titles = {e.id: e.title for e in bank.exercises}
    named = named_in(bank.exercises)
    student_page = env.get_template("student.html.j2")
    key = _format_key(folder, css, lang)
    view = _PageView(student_page, renderer, titles, named, css, lang, key)
    failed = _write_student_pages(results, view, out / "students")
    script = _script(folder)
    starters = attempts.starters(bank)
    skipped = {r.student: attempts.not_attempted(r, starters) for r in results}
    index = env.get_template("index.html.j2").render(
        results=results,
        exercises=bank.exercises,
        stats=class_stats(results),
        check_rates=check_rates(results, skipped),
        exercise_rates=exercise_rates(results, bank.ids(), skipped),
        diagnoses=diagnosis_counts(results, skipped, named),
        histogram=Markup(histogram_svg(results)),
        skipped=skipped,
        css=css,
        lang=lang,
        points=_points_of,
        titles=titles,
        script=Markup(script),
        policy=page_policy(script),
        problems={**(problems or {}), **failed},
        lookalikes=lookalike_names([r.student for r in results]),
        flags={r.student: row_flags(r) for r in results},
    )
    write_atomically(out / "index.html", index)
    return failed


@dataclass(frozen=True)
class _PageView:
    """What every student page of a batch is rendered with."""

    template: jinja2.Template
    renderer: _Renderer
    titles: dict[str, Message]
    #: Each exercise's names for its mistakes, shown for the slugs its checks report.
    named: Named
    css: Markup
    lang: Language
    #: Changes with anything but the result that changes a page: templates, style, code.
    format_key: str


#: In the students' folder: for each page, the key of what it shows (see :func:`_page_key`).
_RENDERED = ".rendered.json"


def _write_student_pages(
    results: list[SubmissionResult], view: _PageView, folder: Path
) -> Problems:
    """Write each student's page whose result changed since it was written; give the
    students whose page could not be rendered or written, and why."""
    earlier = _rendered_keys(folder / _RENDERED)
    rendered: dict[str, str] = {}
    failed: Problems = {}
    for result in results:
        name = page_name(result.student)
        key = _page_key(result, view)
        if earlier.get(name) == key and (folder / name).is_file():
            rendered[name] = key
            continue
        try:
            page = _student_page(result, view)
        except Exception as error:
            failed[result.student] = safe_text(
                f"page: could not be rendered for {result.student} ({type(error).__name__}: "
                f"{error})"
            )
            page = _failed_page(view.template, result, view.css, view.lang)
        try:
            write_atomically(folder / name, page)
        except Exception as error:
            failed[result.student] = safe_text(f"page: could not be written ({error})")
        if result.student not in failed:
            rendered[name] = key
    # Without the record the next run renders every page again: slower, never wrong.
    with contextlib.suppress(StoreError):
        write_atomically(folder / _RENDERED, json.dumps(rendered, indent=0, sort_keys=True))
    return failed


def _rendered_keys(path: Path) -> dict[str, str]:
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def _format_key(folder: Path, css: str, lang: Language) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(folder.glob("*.j2")):
        digest.update(path.read_bytes())
    digest.update(css.encode("utf-8", "surrogatepass"))
    digest.update(lang.encode())
    return digest.hexdigest()


def _page_key(result: SubmissionResult, view: _PageView) -> str:
    """A digest of everything a student's page shows: the stored result, the titles of
    its exercises and the names of its mistakes, and the view's format."""
    titles = {e: [t.ko, t.en] for e, t in _titles_for(result, view.titles).items()}
    mistakes = [
        [d.name.ko, d.name.en, d.explanation.ko, d.explanation.en]
        for e in result.exercises
        for c in e.checks
        if (d := for_student(c.exercise, c.diagnosis, view.named)) is not None
    ]
    data = json.dumps(
        [view.format_key, result.to_json(), titles, mistakes], sort_keys=True, default=str
    )
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()


def _student_page(result: SubmissionResult, view: _PageView) -> str:
    sections, shown = _sections(result, view.renderer)
    setup, answers = _by_exercise(sections, {e.exercise for e in result.exercises})
    return view.template.render(
        result=result,
        titles=_titles_for(result, view.titles),
        named=view.named,
        css=view.css,
        lang=view.lang,
        sections=sections,
        setup=setup,
        answers=answers,
        code_shown=shown,
        problems=run_problems(result),
        policy=page_policy(),
    )


def _failed_page(
    template: jinja2.Template, result: SubmissionResult, css: Markup, lang: Language
) -> str:
    """The page of a student whose own could not be rendered: the score and why, or, if
    even that fails, a plain page saying so."""
    bare = replace(result, cells=(), notices=(), exercises=())
    try:
        return template.render(
            result=bare,
            titles={},
            named={},
            css=css,
            lang=lang,
            sections=[],
            setup=[],
            answers={},
            code_shown=False,
            problems=[_PAGE_FAILED],
            policy=page_policy(),
        )
    except Exception:
        name = html.escape(safe_text(result.student))
        return (
            f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{page_policy()}">'
            f"<title>{name}</title></head><body><h1>{name}</h1>"
            f'<p lang="ko">{_PAGE_FAILED.ko}</p><p lang="en">{_PAGE_FAILED.en}</p></body></html>'
        )


def _script(folder: Path) -> str:
    """The class page's one script: the templates folder's own, else the framework's."""
    own = folder / "sort-table.js"
    path = own if own.is_file() else _PACKAGED_REPORTS / "sort-table.js"
    return path.read_text(encoding="utf-8")


def _titles_for(result: SubmissionResult, titles: dict[str, Message]) -> dict[str, Message]:
    known = {e.exercise for e in result.exercises}
    known |= {cell.exercise for cell in result.cells if cell.exercise}
    return {e: titles.get(e, Message(e, e)) for e in known}


def _points_of(result: SubmissionResult, exercise_id: str) -> float:
    exercise = result.exercise(exercise_id)
    return exercise.points if exercise else 0.0


def _sections(result: SubmissionResult, renderer: _Renderer) -> tuple[list[Section], bool]:
    """The submission's blocks grouped by exercise, from the store alone, and whether its
    code is shown (a result stored before code was kept has outputs only)."""
    code = [
        (
            run.exercise,
            Block(run.cell, code=renderer.code(run.source) if run.source else None, run=run),
        )
        for run in result.cells
    ]
    markdown: list[tuple[str | None, Block]] = [
        (None, Block(cell.cell, markdown=renderer.markdown(cell.source, cell.attachments)))
        for cell in result.markdown
    ]
    # A notebook numbers its code and markdown cells together; the sort is stable, so the
    # chunks of one cell keep their order.
    blocks = sorted(code + markdown, key=lambda pair: pair[1].cell)
    shown = any(run.source for run in result.cells) or bool(result.markdown)
    return _group(blocks), shown


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


def _by_exercise(
    sections: list[Section], known: set[str]
) -> tuple[list[Block], dict[str, list[Block]]]:
    """The setup blocks (before any exercise, or of an exercise not graded), then each
    graded exercise's blocks in order: one pass, whatever the number of sections."""
    before: list[Block] = []
    unknown: list[Block] = []
    answers: dict[str, list[Block]] = defaultdict(list)
    for section in sections:
        if section.exercise is None:
            before.extend(section.blocks)
        elif section.exercise in known:
            answers[section.exercise].extend(section.blocks)
        else:
            unknown.extend(section.blocks)
    return before + unknown, dict(answers)


def run_problems(result: SubmissionResult) -> list[Message]:
    """What went wrong with the run itself, in plain words, with the cell where it happened."""
    problems = [
        messages.budget_ran_out(o.exercise, o.cell, o.limit, o.seconds) for o in result.overruns
    ]
    for run in result.cells:
        if run.status == "crashed":
            problems.append(messages.cell_crashed(run.cell, run.evalue))
        elif run.ename in _OUT_OF_MEMORY:
            problems.append(messages.cell_out_of_memory(run.cell))
    explained = result.overruns or any(run.status == "crashed" for run in result.cells)
    if result.error and not explained:
        # A runner that never started read nothing: only then was the file unreadable.
        unread = result.runner_status == "not started"
        problems.append(
            (messages.submission_unreadable if unread else messages.runner_stopped)(result.error)
        )
    return problems


def row_flags(result: SubmissionResult) -> list[Message]:
    """What the class page says on a student's row about how the file was graded: an
    unreadable file, no markers, markers naming no exercise, names rebound later."""
    if result.error and not result.cells and result.runner_status == "not started":
        return [messages.flag_unreadable()]
    flags = []
    if result.cells and all(cell.exercise is None for cell in result.cells):
        flags.append(messages.flag_no_markers())
    unknown = [e for e in map(messages.unknown_in, result.notices) if e is not None]
    if unknown:
        flags.append(messages.flag_unknown_exercise(list(dict.fromkeys(unknown))))
    rebound = [r[0] for r in map(messages.rebound_in, result.notices) if r is not None]
    if rebound:
        flags.append(messages.flag_rebound(list(dict.fromkeys(rebound))))
    return flags


_OUT_OF_MEMORY = ("MemoryError", "_ArrayMemoryError", "ResourceExhaustedError")


def histogram_svg(results: list[SubmissionResult], bins: int = 10) -> str:
    """The score distribution as an inline SVG bar chart, each bar labelled with the range
    of scores it holds (a share of the maximum; full marks is a bar of its own)."""
    buckets = histogram_buckets(results, bins)
    width, height, pad = 560, 160, 12
    bar = (width - 2 * pad) / len(buckets)
    tallest = max(count for _, count in buckets) or 1
    histogram = pages.REPORT["histogram"]
    parts: list[Any] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 30}" '
        f'width="100%" style="max-width:{width}px" role="img" '
        f'aria-label="{histogram.en} · {histogram.ko}">'
    ]
    for i, (label, count) in enumerate(buckets):
        h = (height - pad) * count / tallest
        x, y = pad + i * bar, height - h
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
            f'fill="#0969da" data-bucket="{label}"><title>{label}: {count}</title></rect>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 14}" text-anchor="middle" '
            f'class="bucket">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
