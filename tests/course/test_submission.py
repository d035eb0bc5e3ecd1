"""Reading submissions: markers split sections, bad files say what is wrong, nothing executes."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import nbformat
import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader import messages
from grader.course.submission import (
    MAX_CELLS,
    MAX_CODE_CELLS,
    MAX_SECTIONS,
    files_in,
    load_submission,
    marker_lines,
    select_submissions,
    split_source,
)
from grader.errors import SubmissionError

from ..conftest import NotebookWriter


def test_markers_split_a_module_into_sections(tmp_path: Path) -> None:
    path = tmp_path / "kim.py"
    path.write_text("import numpy\n# EXERCISE: a\nx = 1\n\n# EXERCISE: b\ny = 2\n")
    submission = load_submission(path)
    assert submission.student == "kim"
    assert [(c.exercise, c.source.strip().splitlines()[-1]) for c in submission.chunks] == [
        (None, "import numpy"),
        ("a", "x = 1"),
        ("b", "y = 2"),
    ]
    assert submission.answered() == ["a", "b"]


def test_cells_after_a_marker_belong_to_its_exercise(write_notebook: NotebookWriter) -> None:
    path = write_notebook(
        "lee.ipynb", "# EXERCISE: a\nx = 1", ("md", "text"), "y = x + 1", "# EXERCISE: b\nz = 3"
    )
    submission = load_submission(path)
    assert [c.exercise for c in submission.chunks] == ["a", "a", "b"]
    assert [c.cell for c in submission.chunks] == [1, 3, 4]


def test_an_exercise_answered_twice_is_graded_where_it_is_last_answered(
    write_notebook: NotebookWriter,
) -> None:
    path = write_notebook(
        "a.ipynb", "# EXERCISE: a\nx = 1", "# EXERCISE: b\ny = 1", "# EXERCISE: a\nx = 2"
    )
    submission = load_submission(path)
    assert submission.grading_points() == {"a": 3, "b": 2}
    assert submission.answered() == ["b", "a"]


def test_a_submission_without_markers_has_no_sections(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text("x = 1\n")
    submission = load_submission(path)
    assert not submission.has_markers
    assert submission.grading_points() == {}


@given(
    st.lists(
        st.sampled_from(["x = 1", "# EXERCISE: a", "# EXERCISE: b", "", "  pass"]), max_size=12
    )
)
def test_splitting_keeps_every_line_in_order(lines: list[str]) -> None:
    source = "\n".join(lines) + "\n"
    chunks = split_source(source, cell=1)
    rejoined = "".join(chunk.source for chunk in chunks)
    assert [line for line in rejoined.splitlines() if line.strip()] == [
        line for line in lines if line.strip()
    ]


def test_notebooks_without_cell_ids_are_read(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "source": ["# EXERCISE: a\n", "x = 1"],
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
        ],
    }
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(notebook))
    assert load_submission(path).chunks[0].source == "# EXERCISE: a\nx = 1"


def test_a_version_3_notebook_is_converted(tmp_path: Path) -> None:
    v3 = nbformat.v3.new_notebook(
        worksheets=[
            nbformat.v3.new_worksheet(
                cells=[nbformat.v3.new_code_cell(input="# EXERCISE: a\nx = 1")]
            )
        ]
    )
    path = tmp_path / "v3.ipynb"
    path.write_text(nbformat.v3.writes_json(v3))
    submission = load_submission(path)
    assert submission.chunks[0].exercise == "a"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"{not json", "invalid JSON at line 1"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"cells": "nope"}', "nbformat can read"),
    ],
)
def test_a_broken_notebook_is_refused_with_what_to_do(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        load_submission(path)


@pytest.mark.parametrize(
    ("content", "korean"),
    [
        (b"", "파일이 비어 있습니다"),
        (b"{not json", "1번째 줄 2번째 칸의 JSON이 잘못되었습니다"),
        (b"\xff\xfe\x00garbage", "UTF-8 텍스트가 아닙니다"),
        (b'{"cells": "nope"}', "nbformat이 읽을 수 있는 노트북이 아닙니다"),
    ],
)
def test_a_broken_notebook_is_explained_in_korean_and_in_english(
    tmp_path: Path, content: bytes, korean: str
) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError) as refused:
        load_submission(path)
    told = messages.notice_parts(str(refused.value))
    assert korean in told.ko and korean not in told.en
    assert not any("\uac00" <= c <= "\ud7a3" for c in told.en) and "broken.ipynb" in told.en


@pytest.mark.parametrize("minor", [4, 5])
def test_a_notebook_without_cell_ids_is_read_without_a_warning(tmp_path: Path, minor: int) -> None:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    notebook = {"cells": [{**cell, "source": "# EXERCISE: a\nx = 1\n"}], "metadata": {}}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({**notebook, "nbformat": 4, "nbformat_minor": minor}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        submission = load_submission(path)
    assert submission.chunks[0].exercise == "a"
    assert [str(w.message) for w in caught] == []


def test_a_notebook_with_too_many_cells_is_refused(write_notebook: NotebookWriter) -> None:
    path = write_notebook("huge.ipynb", *(["x = 1"] * (MAX_CODE_CELLS + 1)))
    with pytest.raises(SubmissionError, match=f"at most {MAX_CODE_CELLS}, so this file was not"):
        load_submission(path)


def test_a_notebook_with_too_many_cells_in_all_is_refused(tmp_path: Path) -> None:
    from nbformat.v4 import new_markdown_cell, new_notebook

    notebook = new_notebook(cells=[new_markdown_cell("note") for _ in range(MAX_CELLS + 1)])
    path = tmp_path / "notes.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    with pytest.raises(SubmissionError, match=f"{MAX_CELLS + 1} cells; a submission may"):
        load_submission(path)


def many_sections(count: int) -> str:
    return "".join(f"# EXERCISE: x{i}\nv{i} = {i}\n" for i in range(count))


def test_past_the_section_cap_the_student_gets_one_message_in_both_languages(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kim.py"
    path.write_text(many_sections(MAX_SECTIONS + 1))
    with pytest.raises(SubmissionError) as refused:
        load_submission(path)
    korean, english = str(refused.value).split(" / ")
    assert (
        f"`# EXERCISE:` 표시가 {MAX_SECTIONS + 1}개" in korean and "실행하지 않았습니다" in korean
    )
    assert f"{MAX_SECTIONS + 1} `# EXERCISE:` markers" in english and "not run" in english


def test_just_under_the_section_cap_every_section_is_grouped_in_order(tmp_path: Path) -> None:
    path = tmp_path / "kim.py"
    path.write_text(many_sections(MAX_SECTIONS))
    submission = load_submission(path)
    assert [c.exercise for c in submission.chunks] == [f"x{i}" for i in range(MAX_SECTIONS)]
    assert (
        submission.chunks[-1].source
        == f"# EXERCISE: x{MAX_SECTIONS - 1}\nv{MAX_SECTIONS - 1} = {MAX_SECTIONS - 1}\n"
    )
    assert submission.grading_points()["x7"] == 8


def test_markers_across_notebook_cells_count_toward_the_section_cap(
    write_notebook: NotebookWriter,
) -> None:
    half = MAX_SECTIONS // 2 + 1
    path = write_notebook("kim.ipynb", many_sections(half), many_sections(half))
    with pytest.raises(SubmissionError, match=f"has {2 * half} `# EXERCISE:` markers"):
        load_submission(path)


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "essay.docx"
    path.write_text("x")
    with pytest.raises(SubmissionError, match=r"\.ipynb notebook or a \.py module"):
        load_submission(path)


def test_the_hash_changes_with_the_content(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text("x = 1\n")
    first = load_submission(path).sha256
    path.write_text("x = 2\n")
    assert load_submission(path).sha256 != first


def test_marker_lines_point_into_the_raw_file(
    tmp_path: Path, write_notebook: NotebookWriter
) -> None:
    module = tmp_path / "kim.py"
    module.write_text("import numpy\n# EXERCISE: a\nx = 1\n# EXERCISE: b\n# EXERCISE: a\n")
    assert marker_lines(module) == {"a": 5, "b": 4}
    notebook = write_notebook(
        "lee.ipynb", ("md", "use `# EXERCISE: c`"), "x = 0\n# EXERCISE: a\nx = 1"
    )
    raw = notebook.read_text().splitlines()
    [line] = marker_lines(notebook).values()
    assert "# EXERCISE: a" in raw[line - 1]
    assert list(marker_lines(notebook)) == ["a"]
    assert marker_lines(tmp_path / "missing.py") == {}


def test_files_without_markers_are_passed_over_unless_alone(tmp_path: Path) -> None:
    answer, helper, broken = tmp_path / "a.py", tmp_path / "helper.py", tmp_path / "b.ipynb"
    answer.write_text("# EXERCISE: one_hot\nx = 1\n")
    helper.write_text("def f(): pass\n")
    broken.write_text("{")
    chosen, passed_over = select_submissions([answer, helper, broken, tmp_path / "notes.txt"])
    assert chosen == [answer, broken]
    assert len(passed_over) == 1 and "helper.py" in passed_over[0]
    assert select_submissions([helper]) == ([helper], [])


def test_files_in_a_folder_leave_out_its_dot_entries_only(tmp_path: Path) -> None:
    folder = tmp_path / ".cache" / "submission"
    for name in ("a.py", "sub/b.ipynb", ".ipynb_checkpoints/a-checkpoint.py", ".hidden.py"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("x = 1\n")
    assert files_in(folder) == [folder / "a.py", folder / "sub" / "b.ipynb"]


@pytest.mark.slow
def test_a_file_past_the_section_cap_is_not_run_and_its_page_says_why(
    tmp_path: Path,
) -> None:
    from grader.course.bank import load_bank
    from grader.grading.grader import Grader, GradingOptions
    from grader.views.html import write_reports

    from ..conftest import ROOT, TEST_LIMITS

    bank = load_bank(ROOT)
    path = tmp_path / "kim.py"
    path.write_text(many_sections(MAX_SECTIONS + 1))
    # Not entered: a file that is not run needs no zygote.
    result = Grader(bank, GradingOptions(limits=TEST_LIMITS)).grade_file(path)
    assert result.cells == () and result.runner_status == "not started"
    assert result.error is not None and f"at most {MAX_SECTIONS}" in result.error
    assert result.points == 0 and all(
        c.outcome == "error" for e in result.exercises for c in e.checks
    )
    assert write_reports([result], bank, tmp_path / "out") == {}
    page = (tmp_path / "out" / "students" / "kim.html").read_text()
    assert page.count(f"한 제출물은 {MAX_SECTIONS}개까지만") >= 1 and "not run" in page


def test_an_end_line_ends_the_section_and_later_code_belongs_to_no_exercise(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kim.py"
    path.write_text("# EXERCISE: a\nx = 1\n# END EXERCISE\nx = 2\n# EXERCISE: b\ny = 1\n")
    submission = load_submission(path)
    assert [(c.exercise, c.source) for c in submission.chunks] == [
        ("a", "# EXERCISE: a\nx = 1\n# END EXERCISE\n"),
        (None, "x = 2\n"),
        ("b", "# EXERCISE: b\ny = 1\n"),
    ]
    assert submission.grading_points() == {"a": 1, "b": 3}


def test_an_end_line_in_a_cell_ends_the_section_for_the_later_cells(
    write_notebook: NotebookWriter,
) -> None:
    path = write_notebook("lee.ipynb", "# EXERCISE: a\nx = 1\n# END EXERCISE: a\nprint(x)", "x = 2")
    submission = load_submission(path)
    assert [(c.exercise, c.cell) for c in submission.chunks] == [("a", 1), (None, 1), (None, 2)]
    assert submission.grading_points() == {"a": 1}


def test_a_heading_of_the_markers_level_ends_its_section_and_a_deeper_one_does_not(
    write_notebook: NotebookWriter,
) -> None:
    path = write_notebook(
        "textbook.ipynb",
        ("md", "# Chapter 3\n## 3.5 A linear classifier"),
        "# EXERCISE: linear_classifier\nW = 1",
        ("md", "### Training it\nA few steps.\n```\n# not a heading\n```"),
        "W = W + 1",
        ("md", "## 3.6 Keras models"),
        "model = 'Sequential'",
        ("md", "# Chapter 4"),
        "z = 0",
    )
    submission = load_submission(path)
    assert [(c.exercise, c.cell) for c in submission.chunks] == [
        ("linear_classifier", 2),
        ("linear_classifier", 4),
        (None, 6),
        (None, 8),
    ]
    assert submission.grading_points() == {"linear_classifier": 2}


def test_without_a_heading_above_the_marker_any_heading_ends_the_section(
    write_notebook: NotebookWriter,
) -> None:
    path = write_notebook("kim.ipynb", "# EXERCISE: a\nx = 1", ("md", "#### notes"), "x = 2")
    assert [c.exercise for c in load_submission(path).chunks] == ["a", None]


def test_later_code_that_binds_a_checked_name_is_found_with_its_cell(
    write_notebook: NotebookWriter,
) -> None:
    path = write_notebook(
        "textbook.ipynb",
        "# EXERCISE: linear_classifier\ndef model(x):\n    return x",
        ("md", "# Keras"),
        "%matplotlib inline\nimport numpy as np\nfor step in range(3):\n    pass",
        "from tensorflow import keras\nmodel = keras.Sequential()\ndef f():\n    W = 0",
        "[W for W in range(3)]\nmodel = None",
    )
    submission = load_submission(path)
    found = submission.rebound_after(1, {"model", "W", "step", "np", "training_step"})
    assert found == {"model": 4, "step": 3, "np": 3}


def test_a_check_left_unrun_by_an_unreadable_file_says_why_in_each_language(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kim.ipynb"
    path.write_bytes(b"")
    with pytest.raises(SubmissionError) as refused:
        load_submission(path)
    said = messages.submission_unreadable(str(refused.value))
    assert said.ko.endswith("노트북을 저장한 뒤 다시 제출하세요.") and "is empty" not in said.ko
    assert said.en.endswith("resubmit.") and "비어" not in said.en
