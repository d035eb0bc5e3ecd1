"""The reports in a real headless Chromium: offline, error-free, saying what results.json says."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest

from grader.course.bank import Bank
from grader.grading.batch import run_batch
from grader.grading.grader import GradingOptions

from ..conftest import ROOT, TEST_LIMITS, solution_source

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"laptop": 1280, "phone": 390}
PWNED = "pwned-by-a-student"
#: A 1x1 PNG, as a notebook stores a screenshot pasted into a markdown cell.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def graded(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("reports")
    class_dir = base / "class"
    class_dir.mkdir()
    for name in ("bob.py", "chloe.ipynb", "dan.ipynb", "frank.ipynb"):
        shutil.copy(ROOT / "samples" / "class" / name, class_dir / name)
    (class_dir / "kim.py").write_text(
        solution_source(bank, "tensors") + "\n" + solution_source(bank, "conv_output_size")
    )
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    mallory = new_notebook()
    mallory.cells = [
        new_markdown_cell(f"<script>document.title = '{PWNED}'</script> **bold**"),
        new_markdown_cell(
            f"[click me](javascript:document.title='{PWNED}') "
            f"[or me](JaVaScRiPt:document.title='{PWNED}') ![shot](attachment:shot.png)",
            attachments={"shot.png": {"image/png": PNG}},
        ),
        new_code_cell(f"print('<img src=x onerror=\"document.title = \\'{PWNED}\\'\">')"),
    ]
    (class_dir / "mallory.ipynb").write_text(nbformat.writes(mallory))
    out = base / "out"
    run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).is_file(), "Debian's chromium is missing: `make test` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def pages(out: Path) -> list[Path]:
    return [out / "index.html", *sorted((out / "students").glob("*.html"))]


def open_page(browser: Any, path: Path, width: int) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, [url for url in requests if url != path.as_uri()], problems


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_every_page_loads_offline_without_errors(
    graded: Path, browser: Any, device: str, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for path in pages(graded):
        page, requests, problems = open_page(browser, path, WIDTHS[device])
        assert requests == [], f"{path.name} asked for {requests}"
        assert problems == [], f"{path.name}: {problems}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path.name} scrolls sideways by {overflow}px on a {device}"
        shot = shots / f"{path.stem}-{device}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
        page.close()
    print(f"screenshots: {shots}")


def test_the_numbers_on_the_pages_are_those_of_results_json(graded: Path, browser: Any) -> None:
    document = json.loads((graded / "results.json").read_text())
    students = {s["student"]: s for s in document["students"]}
    index, _, _ = open_page(browser, graded / "index.html", 1280)
    assert int(index.get_by_test_id("count").inner_text()) == len(students)
    totals = [s["points"] for s in students.values()]
    assert float(index.get_by_test_id("mean").inner_text()) == pytest.approx(
        sum(totals) / len(totals), abs=0.005
    )
    for row in index.locator("tr[data-student]").all():
        student = students[row.get_attribute("data-student")]
        shown = row.get_by_test_id("total").inner_text()
        assert shown == f"{student['points']:g} / {student['max_points']:g}"
    for name, student in students.items():
        page, _, _ = open_page(browser, graded / "students" / f"{name}.html", 1280)
        assert page.get_by_test_id("score").inner_text() == (
            f"{student['points']:g} / {student['max_points']:g}"
        )
        page.close()


def test_a_run_problem_is_said_plainly_with_its_cell(graded: Path, browser: Any) -> None:
    page, _, _ = open_page(browser, graded / "students" / "dan.html", 1280)
    problems = page.get_by_test_id("problems").inner_text()
    assert "셀 2" in problems and "CPU 시간" in problems and "one_hot" in problems
    page.close()


def test_the_other_language_is_a_click_away(graded: Path, browser: Any) -> None:
    page, _, _ = open_page(browser, graded / "students" / "bob.html", 1280)
    assert page.locator("h2 [lang=ko]").first.is_visible()
    assert not page.locator("h2 [lang=en]").first.is_visible()
    page.get_by_text("English", exact=True).click()
    assert page.locator("h2 [lang=en]").first.is_visible()
    assert not page.locator("h2 [lang=ko]").first.is_visible()
    page.close()


def test_the_student_table_sorts_by_total(graded: Path, browser: Any) -> None:
    page, _, _ = open_page(browser, graded / "index.html", 1280)
    page.locator("#students th").last.click()
    totals = [
        float(t.split("/")[0])
        for t in page.locator("#students [data-testid=total]").all_inner_texts()
    ]
    assert totals == sorted(totals, reverse=True)
    page.close()


def test_pages_print(graded: Path, browser: Any, tmp_path: Path) -> None:
    page, _, _ = open_page(browser, graded / "students" / "chloe.html", 1280)
    pdf = tmp_path / "chloe.pdf"
    page.pdf(path=str(pdf))
    assert pdf.read_bytes()[:4] == b"%PDF" and pdf.stat().st_size > 10_000
    page.close()


def test_student_html_is_shown_as_text_never_run(graded: Path, browser: Any) -> None:
    page, requests, problems = open_page(browser, graded / "students" / "mallory.html", 1280)
    assert PWNED not in page.title()
    assert requests == [] and problems == []
    assert "<script>" in page.locator(".markdown").first.inner_text()
    assert "<img src=x" in page.locator("pre.out").first.inner_text()
    page.close()


def test_every_page_is_valid_html(graded: Path) -> None:
    for path in pages(graded):
        parser = html5lib.HTMLParser(strict=True)
        parser.parse(path.read_text(encoding="utf-8"))
        assert parser.errors == [], (path.name, parser.errors[:3])


def test_a_javascript_link_is_inert_and_a_pasted_image_shows(graded: Path, browser: Any) -> None:
    page, requests, problems = open_page(browser, graded / "students" / "mallory.html", 1280)
    assert page.locator("a[href^='javascript' i]").count() == 0
    page.get_by_text("click me").click()
    page.get_by_text("or me").click()
    assert PWNED not in page.title()
    shot = page.locator("img[alt=shot]")
    assert shot.evaluate("image => image.complete && image.naturalWidth") == 1
    assert requests == [] and problems == []
    page.close()


def test_the_policy_refuses_any_script_a_page_did_not_ship(graded: Path, browser: Any) -> None:
    for path in pages(graded):
        page, _, problems = open_page(browser, path, 1280)
        policy = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
        assert policy is not None and "default-src 'none'" in policy
        page.evaluate(
            """pwned => {
                const script = document.createElement("script");
                script.textContent = "document.title = '" + pwned + "'";
                document.body.appendChild(script);
            }""",
            PWNED,
        )
        assert PWNED not in page.title(), path.name
        assert any("Content Security Policy" in problem for problem in problems), path.name
        page.close()


def test_a_file_without_markers_is_flagged_on_its_row_and_told_once_on_its_page(
    graded: Path, browser: Any
) -> None:
    index, _, _ = open_page(browser, graded / "index.html", 1280)
    flags = index.locator("tr[data-student=mallory] [data-testid=row-flag]")
    assert flags.count() == 1 and "`# EXERCISE:` 표시 없음" in flags.inner_text()
    assert index.locator("tr[data-student=kim] [data-testid=row-flag]").count() == 0
    index.close()
    page, _, _ = open_page(browser, graded / "students" / "mallory.html", 1280)
    notices = page.get_by_test_id("notice")
    assert notices.count() == 1
    shown = notices.inner_text()
    assert "줄이 하나도 없어서" in shown and "# END EXERCISE" in shown and "This file" not in shown
    page.get_by_text("English", exact=True).click()
    assert "This file has no `# EXERCISE:` line" in notices.inner_text()
    page.close()


def test_the_student_table_comes_right_after_the_headline_numbers(
    graded: Path, browser: Any
) -> None:
    page, _, _ = open_page(browser, graded / "index.html", 1280)
    headings = page.locator("h2 [lang=ko]").all_inner_texts()
    assert headings[0] == "학생"
    page.close()


def test_on_a_phone_names_and_exercise_titles_are_not_broken_letter_by_letter(
    graded: Path, browser: Any
) -> None:
    page, _, _ = open_page(browser, graded / "index.html", WIDTHS["phone"])
    name = page.locator("#students tbody tr td:first-child a").first.bounding_box()
    assert name is not None and name["height"] < 30, name
    header = page.locator("#students thead th.exercise-title").first
    assert "텐서" in header.inner_text()
    box = header.bounding_box()
    assert box is not None and box["width"] >= 60 and box["height"] < 90, box
    # The name column stays in view while the table scrolls sideways under it.
    page.locator("#students").evaluate("t => t.parentElement.scrollLeft = 400")
    first = page.locator("#students tbody tr td:first-child").first.bounding_box()
    assert first is not None and first["x"] < 20, first
    page.close()


# -- the class page at a glance, from small synthetic results ----------------------------


def synthetic_result(bank: Bank, student: str, share: float, starter_for: str = "") -> Any:
    """A result over every exercise of the bank, each earning ``share`` of its 10 points;
    ``starter_for`` is an exercise handed in as its starter, unchanged."""
    from grader.feedback import Message
    from grader.results.model import CellRun, CheckOutcome, ExerciseResult, SubmissionResult

    exercises, cells = [], []
    for number, exercise in enumerate(bank.exercises, start=1):
        points = 10 * share
        check = CheckOutcome(
            exercise.id,
            "test_public::test_value",
            Message("값이 맞습니다", "the value is right"),
            "public",
            "passed" if points == 10 else "failed",
            points,
            10.0,
            None if points == 10 else Message("틀림", "wrong"),
            None if points == 10 else "none-returned",
        )
        exercises.append(ExerciseResult(exercise.id, True, (check,)))
        source = (exercise.folder / "starter.py").read_text(encoding="utf-8")
        if exercise.id != starter_for:
            source += "\nanswered = True\n"
        cells.append(CellRun(number, exercise.id, "ok", source=source))
    return SubmissionResult(
        student, f"{student}.py", "sha", "v1", tuple(exercises), cells=tuple(cells)
    )


@pytest.fixture(scope="module")
def class_page(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from grader.views.html import write_reports

    out = tmp_path_factory.mktemp("class-page")
    results = [
        synthetic_result(bank, "김민준", 1.0),
        synthetic_result(bank, "Alexandra Konstantinopoulou", 1.0),
        synthetic_result(bank, "lee", 0.95),
        synthetic_result(bank, "park", 0.5, starter_for="one_hot"),
        synthetic_result(bank, "choi", 0.0, starter_for="one_hot"),
    ]
    write_reports(results, bank, out)
    return out


@pytest.mark.parametrize("device", sorted(WIDTHS))
def test_the_class_page_never_scrolls_sideways_and_its_table_keeps_names_whole(
    class_page: Path, browser: Any, device: str
) -> None:
    page, _, problems = open_page(browser, class_page / "index.html", WIDTHS[device])
    assert problems == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the class page scrolls sideways by {overflow}px on a {device}"
    line = 15 * 1.5
    for cell in page.locator("#students tbody td:first-child").all():
        column = cell.bounding_box()
        assert column is not None and column["width"] >= 100, column
        name = cell.locator("a")
        box = name.bounding_box()
        assert box is not None, name.inner_text()
        # A name takes at most two lines, never one or two letters a line.
        assert box["height"] <= 2 * line + 2, (name.inner_text(), box)
    for header in page.locator("#students thead th.exercise-title").all():
        box = header.bounding_box()
        assert box is not None and box["width"] >= 60 and box["height"] < 110, box
        words = header.locator("[lang=ko]").inner_text().split()
        # No word of a title is broken over lines: each is narrower than its header.
        for word in words:
            width = page.evaluate(
                "w => { const s = document.createElement('span'); s.textContent = w;"
                " s.style.whiteSpace = 'nowrap'; s.style.fontSize = '.85rem';"
                " document.body.appendChild(s); const x = s.getBoundingClientRect().width;"
                " s.remove(); return x; }",
                word,
            )
            assert width <= box["width"], (word, width, box)
    page.close()


def test_on_a_phone_the_name_column_stays_while_the_table_scrolls(
    class_page: Path, browser: Any
) -> None:
    page, _, _ = open_page(browser, class_page / "index.html", WIDTHS["phone"])
    scroller = page.locator("#students").locator("xpath=..")
    sizes = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert sizes[0] > sizes[1] + 200, f"the table does not scroll: {sizes}"
    before = page.locator("#students tbody tr td:first-child").first.bounding_box()
    total = page.locator("#students tbody tr [data-testid=total]").first
    scroller.evaluate("s => s.scrollLeft = s.scrollWidth")
    after = page.locator("#students tbody tr td:first-child").first.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1
    # The total, at the far right, has come into view beside the name.
    box = total.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS["phone"]
    # The name is drawn over the cells that pass under it, not mixed with them.
    x, y = after["x"] + after["width"] / 2, after["y"] + 8
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('td').cellIndex", [x, y]
    )
    assert hit == 0
    page.close()


def test_the_class_page_says_what_it_counts_in_the_reader_s_words(
    bank: Bank, class_page: Path, browser: Any
) -> None:
    page, _, _ = open_page(browser, class_page / "index.html", WIDTHS["phone"])
    labels = page.locator("svg text.bucket").all_text_contents()
    assert labels[-2:] == ["90–99%", "100%"] and labels[0] == "0–9%"
    bars = {
        r.get_attribute("data-bucket"): r.locator("title").text_content()
        for r in page.locator("svg rect").all()
    }
    assert bars["100%"] == "100%: 2" and bars["90–99%"] == "90–99%: 1"
    left = page.locator("tr[data-student=choi] [data-testid=not-attempted]")
    assert left.count() == 1 and left.inner_text() == "풀지 않음"
    assert left.get_attribute("data-exercise") == "one_hot"
    one_hot = page.locator("#exercise-rates tr[data-exercise=one_hot]")
    assert one_hot.get_by_test_id("not-attempted-count").inner_text() == "2"
    # park and choi left one_hot as its starter: their failures there are not mistakes.
    mistake = page.locator("tr[data-diagnosis=none-returned]")
    counts = mistake.get_by_test_id("diagnosis-count").all_inner_texts()
    assert sorted(map(int, counts)) == [1] + [3] * (len(bank.exercises) - 1)
    name = mistake.first.get_by_test_id("diagnosis-name")
    assert name.inner_text() == "값이 None" and name.is_visible()
    assert "돌려주지 않았거나" in mistake.first.get_by_test_id("diagnosis-explanation").inner_text()
    assert "none-returned" not in page.locator("main").inner_text()
    page.get_by_text("English", exact=True).click()
    assert name.inner_text() == "None instead of a value"
    assert left.inner_text() == "not attempted"
    page.close()


def test_a_student_reads_their_mistake_by_name_in_the_language_they_choose(
    class_page: Path, browser: Any
) -> None:
    page, _, problems = open_page(browser, class_page / "students" / "choi.html", WIDTHS["phone"])
    assert problems == []
    name = page.get_by_test_id("diagnosis-name").first
    assert name.is_visible() and name.inner_text() == "값이 None"
    explanation = page.get_by_test_id("diagnosis-explanation").first
    assert "돌려주지 않았거나" in explanation.inner_text()
    assert "none-returned" not in page.locator("main").inner_text()
    page.get_by_text("English", exact=True).click()
    assert name.inner_text() == "None instead of a value"
    assert "returned nothing" in explanation.inner_text()
    assert "none-returned" not in page.locator("main").inner_text()
    page.close()
