"""What a page shows of a submission is kept with its result, in order and within caps."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course.submission import load_submission
from grader.results import shown
from grader.results.model import CellRun, MarkdownCell
from grader.text import TRUNCATED

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)


def notebook(tmp_path: Path, *cells: nbformat.NotebookNode) -> Path:
    path = tmp_path / "kim.ipynb"
    path.write_text(nbformat.writes(new_notebook(cells=list(cells))), encoding="utf-8")
    return path


def runs_for(path: Path) -> tuple[tuple[CellRun, ...], tuple[MarkdownCell, ...]]:
    submission = load_submission(path)
    runs = [
        CellRun(c.cell, c.exercise, "ok", stdout=f"out {i}")
        for i, c in enumerate(submission.chunks)
    ]
    return shown.kept(submission, runs)


def test_each_chunk_keeps_its_code_and_markdown_keeps_its_place(tmp_path: Path) -> None:
    path = notebook(
        tmp_path,
        new_markdown_cell("# 제목"),
        new_code_cell("import numpy\n# EXERCISE: one_hot\nx = 1"),
        new_markdown_cell("![s](attachment:s.png)", attachments={"s.png": {"image/png": PNG}}),
        new_code_cell("# EXERCISE: tensors\ny = 2"),
    )
    cells, markdown = runs_for(path)
    assert [(c.cell, c.exercise, c.source, c.stdout) for c in cells] == [
        (2, None, "import numpy\n", "out 0"),
        (2, "one_hot", "# EXERCISE: one_hot\nx = 1", "out 1"),
        (4, "tensors", "# EXERCISE: tensors\ny = 2", "out 2"),
    ]
    assert [(m.cell, m.source) for m in markdown] == [(1, "# 제목"), (3, "![s](attachment:s.png)")]
    assert markdown[1].attachments == {"s.png": {"image/png": PNG}}


def test_code_is_cut_per_cell_and_per_submission_and_says_so(tmp_path: Path) -> None:
    big = "x = 1\n" * (shown.MAX_CELL_TEXT // 6 + 10)
    cells = [
        new_code_cell(big) for _ in range(shown.MAX_SUBMISSION_TEXT // shown.MAX_CELL_TEXT + 3)
    ]
    path = notebook(tmp_path, *cells)
    kept, _ = runs_for(path)
    assert all(len(c.source) <= shown.MAX_CELL_TEXT for c in kept)
    assert kept[0].source.endswith(TRUNCATED)
    assert sum(len(c.source) for c in kept) <= shown.MAX_SUBMISSION_TEXT
    assert kept[-1].source == "" and kept[-1].stdout.startswith("out")


def test_only_raster_images_within_the_caps_are_kept(tmp_path: Path) -> None:
    huge = "A" * (shown.MAX_IMAGE_BASE64 + 4)
    path = notebook(
        tmp_path,
        new_markdown_cell(
            "pictures",
            attachments={
                "a.svg": {"image/svg+xml": "<svg onload=alert(1)>"},
                "b.png": {"image/png": huge},
                "c.gif": {"text/plain": "x", "image/gif": [PNG[:10], PNG[10:]]},
            },
        ),
    )
    _, [cell] = runs_for(path)
    assert cell.attachments == {"c.gif": {"image/gif": PNG}}
