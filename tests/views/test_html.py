"""HTML reports: self-contained, both languages, the numbers of the results."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from grader import diagnoses, messages
from grader.course.bank import Bank
from grader.feedback import Language, Message
from grader.grading.grader import Grader
from grader.results import attempts, shown
from grader.results.model import (
    CellRun,
    CheckOutcome,
    ExerciseResult,
    SubmissionResult,
)
from grader.views.html import _Renderer, histogram_svg, row_flags, safe_link, write_reports
from grader.views.statistics import (
    check_rates,
    class_stats,
    diagnosis_counts,
    exercise_rates,
    histogram_buckets,
    lookalike_names,
)

from ..conftest import NotebookWriter
from ..results.test_store import result


def test_pages_are_self_contained_and_bilingual(bank: Bank, tmp_path: Path) -> None:
    results = [result("kim", 0.0), result("lee", 2.0)]
    write_reports(results, bank, tmp_path, lang="en")
    index = (tmp_path / "index.html").read_text()
    page = (tmp_path / "students" / "kim.html").read_text()
    for html in (index, page):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
        assert "<script src" not in html and "<style>" in html
    assert "<script" not in page
    assert "틀림" in page and "wrong" in page and "one-hot-twice" not in page
    twice = bank.get("one_hot").mistakes["one-hot-twice"].name
    assert twice.ko in page and twice.en in page
    assert 'data-testid="score">0 / 2<' in page
    assert 'href="students/kim.html"' in index and "<svg" in index


def test_class_statistics_match_the_results() -> None:
    results = [result("a", 0.0), result("b", 2.0), result("c", 2.0)]
    stats = class_stats(results)
    assert (stats.count, stats.median, stats.max) == (3, 2.0, 2.0)
    assert abs(stats.mean - 4 / 3) < 1e-9
    [rate] = check_rates(results)
    assert abs(rate.rate - 2 / 3) < 1e-9


def test_the_histogram_counts_every_student() -> None:
    svg = histogram_svg([result("a", 0.0), result("b", 2.0), result("c", 2.0)])
    counts = [int(n) for n in re.findall(r"<title>[^:<]+: (\d+)</title>", svg)]
    assert sum(counts) == 3 and counts[0] == 1 and counts[-1] == 2


# -- student content is shown, never run ---------------------------------------------

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)
HOSTILE_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " \tjava\nscript:alert(1)",
    "jav&#x61;script:alert(1)",
    "jav&amp;#x61;script:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "\x01javascript:alert(1)",
]


def notebook_result(tmp_path: Path, student: str, *cells: dict) -> SubmissionResult:
    """A graded result whose file on disk is a notebook of ``cells``, as grading leaves it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from grader.course.submission import load_submission

    notebook = new_notebook()
    notebook.cells = [nbformat.from_dict(cell) for cell in cells]
    notebook.cells.append(new_code_cell("# EXERCISE: one_hot\nx = 1"))
    path = tmp_path / f"{student}.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    submission = load_submission(path, student)
    runs = [CellRun(chunk.cell, chunk.exercise, "ok") for chunk in submission.chunks]
    kept_cells, markdown = shown.kept(submission, runs)
    base = result(student, 2.0)
    return replace(
        base, path=str(path), sha256=submission.sha256, cells=kept_cells, markdown=markdown
    )


def markdown_cell(text: str, attachments: dict | None = None) -> dict:
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    if attachments is not None:
        cell["attachments"] = attachments
    return cell


def test_a_pasted_screenshot_is_shown_and_a_missing_one_named(bank: Bank, tmp_path: Path) -> None:
    pasted = markdown_cell(
        "![screen](attachment:image.png) and ![gone](attachment:missing.png)",
        {"image.png": {"image/png": PNG}},
    )
    svg = markdown_cell(
        "![vector](attachment:v.svg) ![far](https://example.com/x.png)",
        {"v.svg": {"image/svg+xml": "<svg onload=alert(1)>"}},
    )
    results = [notebook_result(tmp_path, "kim", pasted, svg)]
    assert write_reports(results, bank, tmp_path / "out") == {}
    page = (tmp_path / "out" / "students" / "kim.html").read_text()
    assert f'<img src="data:image/png;base64,{PNG}" alt="screen">' in page
    assert "[그림 · image: gone]" in page and "[그림 · image: vector]" in page
    assert "example.com" not in page and "onload" not in page


@pytest.mark.parametrize("url", HOSTILE_LINKS)
def test_links_to_anything_but_the_web_mail_or_the_page_are_dropped(url: str) -> None:
    assert safe_link(url) is None
    renderer = _Renderer()
    shown = renderer.markdown(f"[click me]({url}) <{url}>")
    assert "click me" in shown and "<a" not in shown.replace("&lt;a", "")
    assert 'href="javascript' not in shown.lower()


def test_web_mail_and_anchor_links_are_kept() -> None:
    for url in ("https://www.tensorflow.org/api_docs", "http://a.kr/x?a=1", "mailto:t@a.kr", "#ex"):
        assert safe_link(url) == url
    shown = _Renderer().markdown("[docs](https://www.tensorflow.org/) [top](#setup)")
    assert 'href="https://www.tensorflow.org/"' in shown and 'href="#setup"' in shown


def test_every_page_carries_a_policy_allowing_only_its_own_script(
    bank: Bank, tmp_path: Path
) -> None:
    import base64
    import hashlib

    write_reports([result("kim", 0.0), result("lee", 2.0)], bank, tmp_path)
    index = (tmp_path / "index.html").read_text()
    [script] = re.findall(r"<script>(.*?)</script>", index, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policies = {}
    for page in [tmp_path / "index.html", *(tmp_path / "students").glob("*.html")]:
        text = page.read_text()
        [policy] = re.findall(
            r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text
        )
        assert "default-src 'none'" in policy and "unsafe-eval" not in policy
        assert text.index("Content-Security-Policy") < text.index("<style>")
        policies[page.name] = policy
    assert f"script-src 'sha256-{digest}'" in policies["index.html"]
    assert "script-src 'none'" in policies["kim.html"]


def test_names_that_only_look_alike_are_flagged_on_the_class_page(
    bank: Bank, tmp_path: Path
) -> None:
    names = ["zed", "z\u0435d", "kim", "Kim", "ｌｅｅ", "lee", "park"]
    assert lookalike_names(names) == {"z\u0435d": ["zed"], "ｌｅｅ": ["lee"]}
    write_reports([result(name, 1.0) for name in names], bank, tmp_path)
    index = (tmp_path / "index.html").read_text()
    flagged = re.findall(r'data-student="([^"]+)">.*?(data-testid="lookalike"|</tr>)', index, re.S)
    assert {name for name, mark in flagged if "lookalike" in mark} == {"z\u0435d", "ｌｅｅ"}


def test_a_page_that_cannot_be_rendered_fails_alone(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.views import html as report

    real = report._sections

    def sections(result: SubmissionResult, renderer: object) -> object:
        if result.student == "lee":
            raise RuntimeError("renderer broke")
        return real(result, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(report, "_sections", sections)
    failed = write_reports([result("kim", 0.0), result("lee", 2.0)], bank, tmp_path, lang="en")
    assert set(failed) == {"lee"} and "renderer broke" in failed["lee"]
    lee = (tmp_path / "students" / "lee.html").read_text()
    assert "could not be rendered" in lee and "Content-Security-Policy" in lee
    twice = bank.get("one_hot").mistakes["one-hot-twice"].name.en
    assert twice in (tmp_path / "students" / "kim.html").read_text()
    index = (tmp_path / "index.html").read_text()
    assert 'data-testid="row-problem">page: could not be rendered for lee' in index


def test_pages_take_any_string(bank: Bank, tmp_path: Path) -> None:
    from ..results.test_store import hostile_result

    assert write_reports([hostile_result(), result("kim", 1.0)], bank, tmp_path) == {}
    assert len(list((tmp_path / "students").glob("*.html"))) == 2


# -- every view from the store alone, each page rendered once per change -------------


def test_a_page_shows_what_was_graded_after_the_file_is_replaced_or_gone(
    bank: Bank, tmp_path: Path
) -> None:
    kim = notebook_result(tmp_path, "kim", markdown_cell("## 풀이 *notes*"))
    lee = notebook_result(tmp_path, "lee")
    Path(kim.path).write_text("# EXERCISE: one_hot\nprint('swapped after grading')\n")
    Path(lee.path).unlink()
    assert write_reports([kim, lee], bank, tmp_path / "out") == {}
    for student in ("kim", "lee"):
        page = (tmp_path / "out" / "students" / f"{student}.html").read_text()
        assert "EXERCISE" in page and "swapped" not in page
        assert "without its code" not in page
    kim_page = (tmp_path / "out" / "students" / "kim.html").read_text()
    assert "<em>notes</em>" in kim_page


def test_a_result_stored_without_code_shows_its_outputs_and_says_so(
    bank: Bank, tmp_path: Path
) -> None:
    write_reports([result("kim", 2.0)], bank, tmp_path)
    page = (tmp_path / "students" / "kim.html").read_text()
    assert "hi" in page and "This result was stored without its code" in page


def test_a_rerun_renders_only_the_pages_whose_results_changed(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.views import html as report

    rendered: list[str] = []
    real = report._student_page

    def counting(result: SubmissionResult, view: report._PageView) -> str:
        rendered.append(result.student)
        return real(result, view)

    monkeypatch.setattr(report, "_student_page", counting)
    results = [result("kim", 0.0), result("lee", 2.0), result("park", 1.0)]
    write_reports(results, bank, tmp_path)
    assert sorted(rendered) == ["kim", "lee", "park"]
    rendered.clear()
    changed = replace(results[1], cells=(CellRun(1, "one_hot", "ok", stdout="new output"),))
    (tmp_path / "students" / "park.html").unlink()
    write_reports([results[0], changed, results[2]], bank, tmp_path)
    assert sorted(rendered) == ["lee", "park"]
    assert "new output" in (tmp_path / "students" / "lee.html").read_text()
    rendered.clear()
    write_reports([results[0], changed, results[2]], bank, tmp_path, lang="en")
    assert sorted(rendered) == ["kim", "lee", "park"]


def test_thousands_of_sections_are_each_shown_once_in_file_order(
    bank: Bank, tmp_path: Path
) -> None:
    from grader.course.submission import MAX_SECTIONS

    # Exercises not in the bank, one coming back after others, beside one that is.
    names = [f"x{i % (MAX_SECTIONS // 2)}" for i in range(MAX_SECTIONS - 1)] + ["one_hot"]
    cells = tuple(
        CellRun(1, name, "ok", source=f"# EXERCISE: {name}\nv = {i}\n")
        for i, name in enumerate(names)
    )
    big = replace(result("kim", 2.0), cells=cells)
    assert write_reports([big], bank, tmp_path) == {}
    page = (tmp_path / "students" / "kim.html").read_text()
    shown_numbers = [int(n) for n in re.findall(r'<span class="m+i?">(\d+)</span>', page)]
    assert shown_numbers == list(range(MAX_SECTIONS))
    assert page.index('id="setup"') < page.index('id="ex-one_hot"')


@pytest.mark.slow
def test_a_graded_notebook_is_shown_from_the_store_once_its_file_is_gone(
    bank: Bank, grader: Grader, write_notebook: NotebookWriter, tmp_path: Path
) -> None:
    from grader.results.store import ResultsStore

    from ..conftest import solution_source

    path = write_notebook(
        "kim.ipynb",
        ("md", "## 원-핫 *풀이*"),
        "# EXERCISE: one_hot\n" + solution_source(bank, "one_hot") + "\nprint('graded run')",
    )
    with ResultsStore(tmp_path / "results.sqlite") as store:
        store.save(grader.grade_file(path, "kim"))
    path.write_text('{"cells": [], "note": "replaced after grading"}')
    with ResultsStore(tmp_path / "results.sqlite") as store:
        stored = store.results()
    path.unlink()
    assert write_reports(stored, bank, tmp_path / "out") == {}
    from html import unescape

    page = unescape((tmp_path / "out" / "students" / "kim.html").read_text())
    assert "<em>풀이</em>" in page and "graded run" in page
    assert "one_hot" in page and "replaced after grading" not in page
    assert "without its code" not in page


# -- the class at a glance -----------------------------------------------------------


def answer(
    student: str,
    source: str,
    points: float = 0.0,
    diagnosis: str | None = None,
    answered: bool = True,
) -> SubmissionResult:
    """A result for ``one_hot`` alone, whose section's code was ``source``."""
    check = CheckOutcome(
        "one_hot",
        "test_public::test_y",
        Message("y 의 모양", "the shape of y"),
        "public",
        "passed" if points else "failed",
        points,
        2.0,
        None if points else Message("틀림", "wrong"),
        diagnosis,
    )
    cells = (CellRun(1, "one_hot", "ok", source=source),) if answered else ()
    return SubmissionResult(
        student,
        f"{student}.py",
        "sha",
        "v1",
        (ExerciseResult("one_hot", answered, (check,)),),
        cells=cells,
    )


def starter_of(bank: Bank, exercise: str) -> str:
    return (bank.get(exercise).folder / "starter.py").read_text(encoding="utf-8")


def parsed(path: Path) -> Any:
    import html5lib

    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def by_testid(tree: Any, testid: str) -> list[Any]:
    return [e for e in tree.iter() if e.get("data-testid") == testid]


def visible_text(element: Any, lang: str) -> str:
    """The element's text as a reader of ``lang`` sees it: the other language hidden."""
    other = "en" if lang == "ko" else "ko"
    if element.tag in ("style", "script") or element.get("lang") == other:
        return ""
    return (element.text or "") + "".join(
        visible_text(child, lang) + (child.tail or "") for child in element
    )


def class_of(bank: Bank) -> list[SubmissionResult]:
    starter = starter_of(bank, "one_hot")
    # The starter as a formatter leaves it, with a comment of the student's: still untouched.
    reformatted = starter.replace("return None", "return None  # TODO").replace("\n\n\n", "\n\n")
    twice = starter.replace("return None", "return tf.one_hot(tf.one_hot(labels, depth), depth)")
    return [
        answer("kim", starter.replace("return None", "return tf.one_hot(labels, depth)"), 2.0),
        answer("lee", twice, diagnosis="one-hot-twice"),
        answer("park", starter, diagnosis="none-returned"),
        answer("choi", reformatted, diagnosis="none-returned"),
        answer("jung", "", diagnosis="none-returned", answered=False),
    ]


def test_an_untouched_starter_is_not_attempted_and_not_the_class_s_mistake(
    bank: Bank, tmp_path: Path
) -> None:
    results = class_of(bank)
    skipped = {r.student: attempts.not_attempted(r, attempts.starters(bank)) for r in results}
    assert {s for s, left in skipped.items() if left} == {"park", "choi", "jung"}
    [rate] = exercise_rates(results, bank.ids(), skipped)
    assert (rate.attempted, rate.not_attempted, rate.rate) == (2, 3, 0.5)
    [check] = check_rates(results, skipped)
    assert check.rate == 0.5
    assert [(d.diagnosis.slug, d.students) for d in diagnosis_counts(results, skipped)] == [
        ("one-hot-twice", 1)
    ]
    write_reports(results, bank, tmp_path)
    tree = parsed(tmp_path / "index.html")
    shown_left = {
        cell.get("data-exercise"): row.get("data-student")
        for row in tree.iter("tr")
        for cell in row
        if cell.get("data-testid") == "not-attempted"
    }
    rows = {
        row.get("data-student"): [c for c in row if c.get("data-testid") == "not-attempted"]
        for row in tree.iter("tr")
        if row.get("data-student")
    }
    assert {s for s, cells in rows.items() if cells} == {"park", "choi", "jung"}
    assert set(shown_left) == {"one_hot"}
    assert visible_text(rows["park"][0], "ko") == "풀지 않음"
    assert visible_text(rows["park"][0], "en") == "not attempted"
    [count] = by_testid(tree, "not-attempted-count")
    assert count.text == "3"
    assert [e.text for e in by_testid(tree, "diagnosis-count")] == ["1"]


def test_a_released_section_left_as_it_came_is_not_attempted(bank: Bank) -> None:
    from grader.platforms.release import exercise_cells

    _, *code = exercise_cells(bank.get("one_hot"))
    runs = tuple(CellRun(n, "one_hot", "ok", source=c.source) for n, c in enumerate(code, 2))
    released = replace(answer("kim", ""), cells=runs)
    assert attempts.not_attempted(released, attempts.starters(bank)) == {"one_hot"}


def test_a_changed_line_makes_the_starter_an_attempt(bank: Bank) -> None:
    starter = starter_of(bank, "one_hot")
    changed = answer("kim", starter.replace("y = None", "y = tf.one_hot(labels, 10)"))
    assert attempts.not_attempted(changed, attempts.starters(bank)) == frozenset()


def test_mistakes_are_shown_by_their_name_and_a_line_of_explanation_never_by_slug(
    bank: Bank, tmp_path: Path
) -> None:
    results = [
        *class_of(bank),
        answer("han", "y = None\n", diagnosis="none-returned"),
        answer("oh", "y = 1\n", diagnosis="a-slug-nobody-named"),
    ]
    write_reports(results, bank, tmp_path)
    tree = parsed(tmp_path / "index.html")
    rows = {r.get("data-diagnosis"): r for r in tree.iter("tr") if r.get("data-diagnosis")}
    assert set(rows) == {"one-hot-twice", "none-returned", "a-slug-nobody-named"}
    named = bank.get("one_hot").mistakes["one-hot-twice"]
    [name] = by_testid(rows["one-hot-twice"], "diagnosis-name")
    assert visible_text(name, "ko") == named.name.ko and visible_text(name, "en") == named.name.en
    [line] = by_testid(rows["one-hot-twice"], "diagnosis-explanation")
    assert visible_text(line, "ko") == named.explanation.ko
    assert "(128, 10, 10)" in visible_text(line, "en")
    framework = visible_text(rows["none-returned"], "ko")
    assert diagnoses.FRAMEWORK["none-returned"].name.ko in framework
    assert "원-핫 인코딩" in framework
    for lang in ("ko", "en"):
        page = visible_text(tree.find("body"), lang)
        assert "one-hot-twice" not in page and "none-returned" not in page
    # A slug nobody named says so to the instructor, with what to write where.
    assert "이름 없는 실수" in visible_text(rows["a-slug-nobody-named"], "ko")
    assert "[mistakes.a-slug-nobody-named]" in visible_text(rows["a-slug-nobody-named"], "en")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_student_sees_their_mistake_by_its_name_in_their_language_never_its_slug(
    bank: Bank, tmp_path: Path, lang: Language
) -> None:
    results = [
        answer("lee", "y = 1\n", diagnosis="one-hot-twice"),
        answer("park", "y = None\n", diagnosis="none-returned"),
        answer("oh", "y = 1\n", diagnosis="a-slug-nobody-named"),
    ]
    write_reports(results, bank, tmp_path, lang=lang)
    own = bank.get("one_hot").mistakes["one-hot-twice"]
    framework = diagnoses.FRAMEWORK["none-returned"]
    for student, mistake in (("lee", own), ("park", framework)):
        tree = parsed(tmp_path / "students" / f"{student}.html")
        [name] = by_testid(tree, "diagnosis-name")
        assert visible_text(name, lang) == mistake.name.in_language(lang)
        [line] = by_testid(tree, "diagnosis-explanation")
        assert visible_text(line, lang) == mistake.explanation.in_language(lang)
        page = "".join(visible_text(tree.find("body"), shown) for shown in ("ko", "en"))
        assert mistake.slug not in page
    # A slug nobody named is the instructor's to name: the student is shown nothing of it.
    tree = parsed(tmp_path / "students" / "oh.html")
    assert not by_testid(tree, "diagnosis-name")
    assert "a-slug-nobody-named" not in (tmp_path / "students" / "oh.html").read_text()


def test_a_renamed_mistake_renders_the_student_s_page_again(bank: Bank, tmp_path: Path) -> None:
    results = [answer("lee", "y = 1\n", diagnosis="one-hot-twice")]
    write_reports(results, bank, tmp_path)
    exercise = bank.get("one_hot")
    renamed = replace(
        exercise.mistakes["one-hot-twice"], name=Message("두 번 인코딩함", "Encoded twice")
    )
    changed = replace(exercise, mistakes={**exercise.mistakes, "one-hot-twice": renamed})
    others = tuple(e for e in bank.exercises if e.id != "one_hot")
    write_reports(results, replace(bank, exercises=(changed, *others)), tmp_path)
    assert "두 번 인코딩함" in (tmp_path / "students" / "lee.html").read_text()


def declared_mistakes(bank: Bank) -> dict[str, set[str]]:
    """Each exercise's diagnoses: its mistake variants' and its checks' literal slugs."""
    found: dict[str, set[str]] = {}
    for exercise in bank.exercises:
        texts = [p.read_text(encoding="utf-8") for p in exercise.public_checks]
        texts += [p.read_text(encoding="utf-8") for p in exercise.hidden_checks]
        mistakes = bank.root / "solutions" / exercise.id / "mistakes"
        variants = [p.read_text(encoding="utf-8") for p in sorted(mistakes.glob("*.py"))]
        slugs = {m for t in variants for m in re.findall(r"^# MISTAKE: (\S+)", t, re.M)}
        slugs |= {m for t in texts for m in re.findall(r"\"([a-z0-9]+(?:-[a-z0-9]+)+)\"", t)}
        found[exercise.id] = slugs - {"hardcoded"}
    return found


def test_every_mistake_the_bank_diagnoses_has_a_name_in_both_languages(bank: Bank) -> None:
    declared = declared_mistakes(bank)
    assert sum(map(len, declared.values())) > 40
    for exercise in bank.exercises:
        for slug in declared[exercise.id]:
            known = diagnoses.describe(slug, exercise.mistakes)
            assert known.name.ko != "이름 없는 실수", (exercise.id, slug)
            assert known.name.ko and known.name.en and known.explanation.ko, (exercise.id, slug)
            assert slug not in known.name.ko + known.name.en, (exercise.id, slug)


def test_full_marks_is_a_bar_of_its_own_and_every_bar_says_what_it_holds() -> None:
    full, almost, half = answer("a", "", 2.0), answer("b", "", 2.0), answer("c", "", 0.0)
    almost = replace(
        almost,
        exercises=(
            ExerciseResult(
                "one_hot",
                True,
                (replace(almost.exercises[0].checks[0], points=1.95),),
            ),
        ),
    )
    half = replace(
        half,
        exercises=(
            ExerciseResult("one_hot", True, (replace(half.exercises[0].checks[0], points=1.0),)),
        ),
    )
    buckets = histogram_buckets([full, almost, half, answer("d", "", 2.0)])
    labels = [label for label, _ in buckets]
    assert labels == [f"{i}–{i + 9}%" for i in range(0, 100, 10)] + ["100%"]
    assert dict(buckets) == {label: 0 for label in labels} | {"100%": 2, "90–99%": 1, "50–59%": 1}
    svg = histogram_svg([full, almost, half])
    assert re.findall(r'class="bucket">([^<]+)<', svg) == labels
    assert "<title>100%: 1</title>" in svg and "<title>90–99%: 1</title>" in svg


def test_rebound_names_and_unknown_ids_are_flagged_on_the_row(bank: Bank, tmp_path: Path) -> None:
    rebound = messages.as_notice(messages.rebound_later("linear_classifier", "model", 9, 4))
    unknown = messages.as_notice(messages.unknown_exercise("tensor", "tensors"))
    noisy = replace(answer("kim", "y = 1\n"), notices=(rebound, rebound, unknown))
    flags = row_flags(noisy)
    assert [f.en for f in flags] == [
        "unknown exercise id: `tensor`",
        "name conflict: `model` defined again after the exercise ends",
    ]
    assert flags[1].ko == "이름 충돌: `model`이 문제가 끝난 뒤 다시 정의됨"
    assert row_flags(answer("lee", "y = 1\n")) == []
    write_reports([noisy, answer("lee", "y = 1\n")], bank, tmp_path)
    tree = parsed(tmp_path / "index.html")
    rows = {r.get("data-student"): r for r in tree.iter("tr") if r.get("data-student")}
    shown = [visible_text(e, "ko") for e in by_testid(rows["kim"], "row-flag")]
    assert shown == [f.ko for f in flags]
    assert by_testid(rows["lee"], "row-flag") == []
