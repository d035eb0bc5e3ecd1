"""Figures and images a cell displays: drawn in the runner, checked in the grader, shown
on the student's page; tracebacks that number cells and lines as the notebook does."""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from grader.course.bank import Bank
from grader.grading.grader import Grader
from grader.results.model import CellRun, SubmissionResult
from grader.results.store import ResultsStore
from grader.sandbox import wire
from grader.sandbox.confinement import Confinement, Limits
from grader.sandbox.runner import _CellImages
from grader.sandbox.session import RunnerSession
from grader.views.html import write_reports
from grader.views.terminal import print_check_result

from .conftest import ROOT, TEST_LIMITS, NotebookWriter
from .results.test_store import result

#: A 1x1 PNG, and the first bytes of a JPEG (what a page checks of one).
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 20).decode()
SVG_AS_PNG = base64.b64encode(b"<svg onload='alert(1)'></svg>").decode()


def reply_images(value: Any) -> tuple[tuple[str, str], ...]:
    """What the grader keeps of ``value`` sent as a run reply's images, over the wire."""
    frame = wire.encode_frame({"ok": True, "value": {"status": "ok", "images": value}})
    decoded = wire.decode_frame(frame[8:])
    return wire.cell_images(decoded["value"]["images"])


# -- a run reply's images are claims ----------------------------------------------


def test_a_real_png_and_jpeg_in_a_run_reply_are_kept() -> None:
    sent = [["image/png", PNG], ["image/jpeg", JPEG]]
    assert reply_images(sent) == (("image/png", PNG), ("image/jpeg", JPEG))


@pytest.mark.parametrize(
    "image",
    [
        ["image/png", SVG_AS_PNG],
        ["image/png", JPEG],
        ["image/jpeg", PNG],
        ["image/png", PNG[:-2] + "!!"],
        ["image/png", PNG + "A"],
        ["image/png", "iVBORw0K\nGgoAAAAN"],
        ["image/png", ""],
        ["image/svg+xml", SVG_AS_PNG],
        ["text/html", PNG],
        ["image/png", 12],
        ["image/png", [PNG]],
        ["image/png", PNG, "extra"],
        "image/png",
        None,
    ],
)
def test_a_run_reply_image_that_is_not_what_it_claims_is_dropped(image: Any) -> None:
    assert reply_images([image, ["image/png", PNG]]) == (("image/png", PNG),)


def test_an_oversized_run_reply_image_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    big = base64.b64encode(base64.b64decode(PNG) + b"\x00" * 3000).decode()
    monkeypatch.setattr(wire, "MAX_IMAGE_BASE64", len(big) - 1)
    assert reply_images([["image/png", big], ["image/png", PNG]]) == (("image/png", PNG),)


def test_a_run_reply_keeps_at_most_so_many_images_a_cell() -> None:
    many = [["image/png", PNG]] * (wire.MAX_CELL_IMAGES + 5)
    assert len(reply_images(many)) == wire.MAX_CELL_IMAGES
    assert reply_images({"image/png": PNG}) == reply_images("x") == ()


REAL = [["image/png", PNG], ["image/jpeg", JPEG]]
JUNK = st.recursive(st.none() | st.integers() | st.text(), st.lists, max_leaves=8)


@given(st.lists(st.sampled_from(REAL) | JUNK | st.tuples(st.text(), st.text()).map(list)))
def test_of_whatever_a_reply_holds_exactly_its_real_images_are_kept(value: list[Any]) -> None:
    expected = tuple((item[0], item[1]) for item in value[: wire.MAX_CELL_IMAGES] if item in REAL)
    assert wire.cell_images(value) == expected


def test_the_runner_keeps_images_within_the_image_budget_it_is_given() -> None:
    budget = [len(PNG) + 10]
    cell = _CellImages(budget)
    assert cell.keep("image/png", base64.b64decode(PNG))
    assert not cell.keep("image/png", PNG)
    assert budget == [10] and cell.take() == [["image/png", PNG]]
    roomy = _CellImages([1 << 30])
    kept = [roomy.keep("image/png", PNG) for _ in range(wire.MAX_CELL_IMAGES + 1)]
    assert kept.count(True) == wire.MAX_CELL_IMAGES and not kept[-1]


def test_a_cell_that_leaves_images_out_says_so_once_and_the_next_cell_again() -> None:
    cell = _CellImages([len(PNG)])
    assert cell.keep("image/png", PNG)
    assert not cell.keep("image/png", PNG) and cell.first_left_out()
    assert not cell.keep("image/png", PNG) and not cell.first_left_out()
    cell.take()
    assert not cell.keep("image/png", PNG) and cell.first_left_out()


def test_images_have_a_budget_of_their_own_beside_the_text_s() -> None:
    limits = Limits()
    assert limits.output_bytes == 256 * 1024 and limits.image_bytes == 4 * 1024 * 1024


# -- store and page ---------------------------------------------------------------


def with_images(*pictures: tuple[str, str]) -> SubmissionResult:
    base = result("kim", 2.0)
    cell = replace(base.cells[0], images=pictures)
    return replace(base, cells=(cell,))


def test_images_come_back_whole_from_the_store_and_its_json(tmp_path: Path) -> None:
    shown = with_images(("image/png", PNG), ("image/jpeg", JPEG))
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.save(shown)
        [back] = store.results()
    assert back == shown and back.cells[0].images == (("image/png", PNG), ("image/jpeg", JPEG))
    assert SubmissionResult.from_json(json.loads(json.dumps(shown.to_json()))) == shown


def test_the_page_shows_a_stored_png_as_a_data_uri_and_not_what_is_no_png(
    bank: Bank, tmp_path: Path
) -> None:
    fake = base64.b64encode(b"\x89PNX" + b"<script>alert(1)</script>").decode()
    assert (
        write_reports([with_images(("image/png", PNG), ("image/png", fake))], bank, tmp_path) == {}
    )
    page = (tmp_path / "students" / "kim.html").read_text(encoding="utf-8")
    assert f'src="data:image/png;base64,{PNG}"' in page
    assert fake not in page and page.count("<img") == 1


# -- a real runner ----------------------------------------------------------------

# The escapes are put together at run time: the error holds them, the code does not.
MARKED = (
    "y = 1\n# EXERCISE: tensors\nred, reset = chr(27) + '[1;' + '31m', chr(27) + '[' + '0m'\n"
    "raise ValueError(red + 'late' + reset)\n"
)
COLOURED = "!printf '\\033[1;31mred\\033[0m\\n'"


@pytest.fixture(scope="module")
def graded(grader: Grader, tmp_path_factory: pytest.TempPathFactory) -> SubmissionResult:
    """One notebook of plots, images and errors, graded once for the tests below."""
    folder = tmp_path_factory.mktemp("plots")
    writer: NotebookWriter = _notebook_writer(folder)
    path = writer(
        "kim.ipynb",
        ("md", "# 그림 · plots"),
        "# shown-with-plt-show\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
        "%matplotlib inline\n# left-open\nfig = plt.figure()\nplt.plot([3, 2, 1])",
        "# displayed\nimport base64\nfrom IPython.display import Image, display\n"
        f"display(Image(data=base64.b64decode({PNG!r})))",
        "# fails\nprint('before')\nx = 1 / 0\n",
        MARKED,
        COLOURED,
    )
    return grader.grade_file(path, "kim")


def _notebook_writer(folder: Path) -> NotebookWriter:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def write(name: str, *cells: str | tuple[str, str]) -> Path:
        notebook = new_notebook()
        for cell in cells:
            made = new_markdown_cell(cell[1]) if isinstance(cell, tuple) else new_code_cell(cell)
            notebook.cells.append(made)
        path = folder / name
        path.write_text(nbformat.writes(notebook), encoding="utf-8")
        return path

    return write


def run_of(result: SubmissionResult, cell: int) -> list[CellRun]:
    return [run for run in result.cells if run.cell == cell]


def is_png(data: str) -> bool:
    return base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.slow
def test_plt_show_gives_one_png_as_its_cell_output(graded: SubmissionResult) -> None:
    [run] = run_of(graded, 2)
    assert run.status == "ok", run
    [(mime, data)] = run.images
    assert mime == "image/png" and is_png(data) and len(data) > 1000
    assert "Figure size" not in run.stdout


@pytest.mark.slow
def test_matplotlib_inline_works_and_a_figure_left_open_is_drawn_when_its_cell_ends(
    graded: SubmissionResult,
) -> None:
    [run] = run_of(graded, 3)
    assert run.status == "ok", run
    [(mime, data)] = run.images
    assert mime == "image/png" and is_png(data)
    assert [len(r.images) for r in graded.cells if r.cell > 3] == [1, 0, 0, 0, 0]


@pytest.mark.slow
def test_a_displayed_image_is_kept_as_displayed(graded: SubmissionResult) -> None:
    [run] = run_of(graded, 4)
    assert run.images == (("image/png", PNG),)


@pytest.mark.slow
def test_a_traceback_names_the_notebook_cell_and_the_line_in_it(
    graded: SubmissionResult,
) -> None:
    [run] = run_of(graded, 5)
    assert run.status == "error" and "Cell In[5], line 3" in run.traceback
    assert run.error_at() == (5, 3) and "Cell In[1]," not in run.traceback
    # The exercise marker splits cell 6: its second chunk's lines keep the cell's numbers.
    first, second = run_of(graded, 6)
    assert first.status == "ok" and second.status == "error"
    assert second.error_at() == (6, 4), second.traceback


@pytest.mark.slow
def test_the_crash_line_the_student_reads_gives_the_cell_and_the_line(
    graded: SubmissionResult, bank: Bank
) -> None:
    out = io.StringIO()
    print_check_result(Console(file=out, width=200, force_terminal=False), graded, bank, "ko")
    text = out.getvalue()
    assert "셀 5, 3번째 줄 (오류): ZeroDivisionError: division by zero" in text
    assert "셀 6, 4번째 줄 (오류): ValueError: late" in text
    assert "\x1b" not in text and "[1;31m" not in text


@pytest.mark.slow
def test_colours_of_commands_and_tracebacks_never_show_raw(
    graded: SubmissionResult, bank: Bank, tmp_path: Path
) -> None:
    [run] = run_of(graded, 7)
    assert run.status == "ok" and run.stdout.strip() == "red", run
    write_reports([graded], bank, tmp_path)
    page = (tmp_path / "students" / "kim.html").read_text(encoding="utf-8")
    outputs = "".join(re.findall(r'<pre class="(?:out|err)">(.*?)</pre>', page, re.DOTALL))
    assert "red" in outputs and "ValueError: late" in outputs
    # The code may spell escapes out (\\033[1;31m); what ran shows none, whole or in part.
    assert "\x1b" not in page and "[1;31m" not in outputs and "[0m" not in outputs


@pytest.mark.slow
def test_the_student_page_shows_each_figure_under_its_cell(
    graded: SubmissionResult, bank: Bank, tmp_path: Path
) -> None:
    write_reports([graded], bank, tmp_path)
    page = (tmp_path / "students" / "kim.html").read_text(encoding="utf-8")
    shown = [data for run in graded.cells for _, data in run.images]
    assert len(shown) == 3
    places = [page.index(f'src="data:image/png;base64,{data}"') for data in shown]
    assert places == sorted(places)
    # Each figure comes after its own cell's code and before the next cell's.
    codes = [page.index(f"# {name}") for name in ("shown-with-plt-show", "left-open", "displayed")]
    assert codes[0] < places[0] < codes[1] < places[1] < codes[2] < places[2]
    assert places[2] < page.index("# fails")


#: Student code that rewrites its run replies: images that are no images, and too many.
FORGER = f"""
import grader.sandbox.wire as _p
_real = _p.encode_frame
def _forge(message, **options):
    value = message.get("value")
    if isinstance(value, dict) and "images" in value:
        fake = [["image/png", {SVG_AS_PNG!r}], ["image/png", "!!"], ["text/html", "PGI+"], 7]
        value = {{**value, "images": fake + [["image/png", {PNG!r}]] * 500}}
        message = {{**message, "value": value}}
    return _real(message, **options)
_p.encode_frame = _forge
"""


@pytest.mark.slow
def test_a_runner_that_forges_images_gets_only_real_ones_through_and_runs_on(
    grader: Grader,
) -> None:
    session = RunnerSession(grader.zygote, Confinement(TEST_LIMITS, (str(ROOT),)))
    try:
        forged = session.run_cell(1, None, FORGER)
        after = session.run_cell(2, None, "print('still here')")
    finally:
        session.close()
    assert forged.status == "ok" and after.stdout == "still here\n"
    # The cap counts what the reply holds, forgeries too: four of the first twenty.
    assert forged.images == (("image/png", PNG),) * (wire.MAX_CELL_IMAGES - 4)


PLOT = (
    "import matplotlib.pyplot as plt\nplt.plot(range({n}), [v * v for v in range({n})])\nplt.show()"
)


@pytest.mark.slow
def test_twelve_plots_leave_the_text_printed_after_them_whole(
    grader: Grader, tmp_path: Path, bank: Bank
) -> None:
    writer = _notebook_writer(tmp_path)
    plots = [f"# plot-{n}\n" + PLOT.format(n=n + 3) for n in range(12)]
    path = writer("kim.ipynb", *plots, "print('after the plots: ' + 'x' * 1000)")
    graded = grader.grade_file(path, "kim")
    images = [data for run in graded.cells for _, data in run.images]
    assert len(images) >= 12 and all(is_png(data) for data in images)
    # Twelve default figures are more than the text's own budget: they are not counted in it.
    assert sum(map(len, images)) > TEST_LIMITS.output_bytes
    [last] = run_of(graded, 13)
    assert last.stdout == "after the plots: " + "x" * 1000 + "\n"
    assert not any("left out" in run.stdout for run in graded.cells)
    write_reports([graded], bank, tmp_path / "pages")
    page = (tmp_path / "pages" / "students" / "kim.html").read_text(encoding="utf-8")
    assert page.count('class="out-image"') >= 12 and "after the plots: xxx" in page


#: A cell that displays ``count`` figures, each a little different, so none is the same.
FLOOD = (
    "import matplotlib.pyplot as plt\n"
    "for n in range({count}):\n"
    "    plt.plot(range(n + 3), [v * n for v in range(n + 3)])\n"
    "    plt.show()\n"
)


@pytest.mark.slow
def test_a_flood_of_figures_is_capped_by_the_image_budget_and_the_text_still_shows(
    grader: Grader,
) -> None:
    limits = replace(TEST_LIMITS, image_bytes=150_000)
    session = RunnerSession(grader.zygote, Confinement(limits, (str(ROOT),)))
    try:
        floods = [session.run_cell(n, None, FLOOD.format(count=15)) for n in (1, 2, 3)]
        after = session.run_cell(4, None, "print('still here')")
    finally:
        session.close()
    kept = [data for run in floods for _, data in run.images]
    assert kept and sum(map(len, kept)) <= limits.image_bytes
    assert len(kept) < 45 and all(is_png(data) for data in kept)
    # The cell that ran out says so once, not once for each figure it left out.
    assert sum(run.stdout.count("left out") for run in floods) <= len(floods)
    assert floods[-1].stdout.count("left out") == 1
    assert after.status == "ok" and after.stdout == "still here\n"


#: Student code that rewrites its run replies: each cell's twenty images, whatever it drew.
INFLATER = f"""
import grader.sandbox.wire as _p
_real = _p.encode_frame
def _inflate(message, **options):
    value = message.get("value")
    if isinstance(value, dict) and "images" in value:
        message = {{**message, "value": {{**value, "images": [["image/png", {PNG!r}]] * 20}}}}
    return _real(message, **options)
_p.encode_frame = _inflate
"""


@pytest.mark.slow
def test_the_grader_caps_a_submission_s_images_whatever_its_runner_sends(
    grader: Grader,
) -> None:
    limits = replace(TEST_LIMITS, image_bytes=len(PNG) * 30, output_bytes=len(PNG) * 5)
    session = RunnerSession(grader.zygote, Confinement(limits, (str(ROOT),)))
    try:
        runs = [session.run_cell(1, None, INFLATER)]
        runs += [session.run_cell(n, None, "print('still here')") for n in (2, 3)]
    finally:
        session.close()
    assert [len(run.images) for run in runs] == [20, 10, 0]
    # Images are not counted in the text's budget, which is far smaller than theirs.
    assert [run.stdout for run in runs[1:]] == ["still here\n"] * 2
