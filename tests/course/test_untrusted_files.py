"""Submission files are untrusted data, and nothing of the student's runs in the grader.

Every kind of link a student can hand in (absolute, relative, dangling, to a folder, to
``/proc/self/environ``, a linked student folder, a link inside a student folder), FIFOs
and devices are refused with a message, never followed or opened for reading; a student
with two submissions gets neither graded. pytest runs the checks without a conftest,
ini file or plugin from anywhere but the grader itself.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import signal
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.cli import main
from grader.course.bank import Bank
from grader.course.submission import files_in, load_submission, select_submissions
from grader.course.untrusted_files import read_regular, refused_below
from grader.errors import RefusedFile, SubmissionError
from grader.grading import in_notebook
from grader.grading.batch import Entry, _read, discover, run_batch
from grader.grading.grader import GradingOptions
from grader.grading.plugin import run_checks
from grader.results.store import ResultsStore

from ..conftest import ROOT, TEST_LIMITS, solution_source

SECRET = "untrusted-files-secret-5821"
#: In the copy of a reference solution that the links point to, and nowhere else.
REFERENCE_MARK = "reference-copy-9931"


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A FIFO opened for reading blocks until a writer comes: fail in seconds, not hang."""

    def hung(*_: object) -> None:
        raise TimeoutError("the grader blocked on a file")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the class folder holding a copy of a reference solution."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "solution.py").write_text(
        f"# {REFERENCE_MARK}\n" + solution_source_text(), encoding="utf-8"
    )
    return folder


def solution_source_text() -> str:
    return (ROOT / "solutions" / "one_hot" / "solution.py").read_text(encoding="utf-8")


def hostile_links(class_dir: Path, elsewhere: Path) -> dict[str, Path]:
    """Every kind of link, each the whole submission of one student."""
    class_dir.mkdir(exist_ok=True)
    target = elsewhere / "solution.py"
    links = {
        "absolute": (class_dir / "absolute.py", target),
        "relative": (
            class_dir / "relative.py",
            Path(os.path.relpath(target, class_dir)),
        ),
        "dangling": (class_dir / "dangling.ipynb", Path("/nonexistent/answer.ipynb")),
        "environ": (class_dir / "environ.py", Path("/proc/self/environ")),
        "shadow": (class_dir / "shadow.py", Path("/etc/shadow")),
        "tofolder": (class_dir / "tofolder.ipynb", elsewhere),
        "linkedfolder": (class_dir / "linkedfolder", elsewhere),
    }
    for link, pointed in links.values():
        link.symlink_to(pointed)
    inside = class_dir / "inside"
    inside.mkdir()
    (inside / "work.py").symlink_to(target)
    mixed = class_dir / "mixed"
    mixed.mkdir()
    (mixed / "work.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    (mixed / "extra.py").symlink_to(target)
    return {name: link for name, (link, _) in links.items()} | {
        "inside": inside / "work.py",
        "mixed": mixed / "extra.py",
    }


def special_files(class_dir: Path) -> dict[str, Path]:
    class_dir.mkdir(exist_ok=True)
    fifo = class_dir / "fifo.py"
    os.mkfifo(fifo)
    folder = class_dir / "fifofolder"
    folder.mkdir()
    os.mkfifo(folder / "work.ipynb")
    return {"fifo": fifo, "fifofolder": folder / "work.ipynb"}


# -- reading one file --------------------------------------------------------


def test_a_regular_file_below_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "kim").mkdir()
    path = tmp_path / "kim" / "work.py"
    path.write_text("x = 1\n")
    assert read_regular(path, limit=100, within=tmp_path) == b"x = 1\n"
    # One byte past the limit, so that the caller can tell the file is too large.
    assert read_regular(path, limit=3) == b"x = "


@pytest.mark.parametrize(
    "pointed",
    ["/proc/self/environ", "/etc/shadow", "/nonexistent", "relative", "folder"],
)
def test_a_link_is_refused_whatever_it_points_to(tmp_path: Path, pointed: str) -> None:
    (tmp_path / "real.py").write_text(SECRET)
    link = tmp_path / "work.py"
    link.symlink_to({"relative": "real.py", "folder": "."}.get(pointed, pointed))
    with pytest.raises(RefusedFile, match="symbolic link") as refused:
        read_regular(link, limit=2**20)
    assert "심볼릭 링크" in str(refused.value)
    with pytest.raises(RefusedFile, match="symbolic link"):
        load_submission(link)


def test_a_linked_folder_on_the_way_is_refused_below_the_class_folder(
    tmp_path: Path, elsewhere: Path
) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "kim").symlink_to(elsewhere)
    with pytest.raises(RefusedFile, match="symbolic link"):
        read_regular(
            tmp_path / "class" / "kim" / "solution.py", limit=2**20, within=tmp_path / "class"
        )
    with pytest.raises(RefusedFile, match="outside"):
        read_regular(elsewhere / "solution.py", limit=2**20, within=tmp_path / "class")


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_what_is_not_a_regular_file_is_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "work.py"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path = Path(os.devnull)
    with pytest.raises(RefusedFile, match="not a regular file"):
        read_regular(path, limit=2**20)
    with pytest.raises(SubmissionError):
        load_submission(path)


# -- a class folder ------------------------------------------------------------


def test_discovery_refuses_every_kind_of_link_and_reads_none(
    tmp_path: Path, elsewhere: Path
) -> None:
    class_dir = tmp_path / "class"
    links = hostile_links(class_dir, elsewhere)
    (class_dir / "alice.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    entries = {e.student: e for e in discover(class_dir)}
    assert set(entries) == {"alice", *links}
    assert entries["alice"].refusal is None and entries["alice"].problem is None
    assert _read(entries["alice"]) == b"# EXERCISE: one_hot\nx = 1\n"
    for student in links:
        entry = entries[student]
        assert entry.refusal is not None, student
        assert "symbolic link" in entry.refusal and "심볼릭 링크" in entry.refusal, student
        assert student in str(entry.problem)
        # Neither the grade's cache key nor what travels to a cluster reads the target.
        assert _read(entry) is None
        assert entry.sha256() != Entry(student, elsewhere / "solution.py").sha256()


def test_discovery_refuses_fifos_and_devices_without_blocking(tmp_path: Path) -> None:
    class_dir = tmp_path / "class"
    specials = special_files(class_dir)
    entries = {e.student: e for e in discover(class_dir)}
    assert set(entries) == set(specials)
    for student, entry in entries.items():
        assert entry.refusal is not None and "not a regular file" in entry.refusal, student
        assert _read(entry) is None and entry.sha256()


def test_a_folder_beside_a_file_of_the_same_name_is_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "kim.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    (tmp_path / "kim").mkdir()
    (tmp_path / "kim" / "work.ipynb").write_text("{}")
    (tmp_path / "lee.ipynb").write_text("{}")
    (tmp_path / "lee.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    (tmp_path / "park.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    entries = {e.student: e for e in discover(tmp_path)}
    assert set(entries) == {"kim", "lee", "park"}
    for student, names in (("kim", ("kim/", "kim.py")), ("lee", ("lee.ipynb", "lee.py"))):
        refusal = entries[student].refusal
        assert refusal is not None and "more than one submission" in refusal
        assert "제출물이 여러 개" in refusal and all(name in refusal for name in names)
    assert entries["park"].refusal is None


def test_a_conflict_is_graded_again_once_resolved(tmp_path: Path) -> None:
    (tmp_path / "kim.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    (tmp_path / "kim.ipynb").write_text("{}")
    [before] = discover(tmp_path)
    (tmp_path / "kim.ipynb").unlink()
    [after] = discover(tmp_path)
    assert before.refusal is not None and after.refusal is None
    assert before.sha256() != after.sha256()


# -- a submission folder (Gradescope) and a repository (CI) --------------------


def test_a_submission_folder_gives_only_its_regular_files(tmp_path: Path, elsewhere: Path) -> None:
    folder = tmp_path / "submission"
    links = hostile_links(folder, elsewhere)
    specials = special_files(folder)
    (folder / "answers.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    assert files_in(folder) == [folder / "answers.py", folder / "mixed" / "work.py"]
    refused = refused_below(folder)
    names = {path.name for path, _ in refused}
    assert {p.name for p in [*links.values(), *specials.values()]} - {"work.py"} <= names
    assert all(
        "symbolic link" in str(why) or "not a regular file" in str(why) for _, why in refused
    )


def test_a_link_among_candidates_is_passed_over_saying_why(tmp_path: Path, elsewhere: Path) -> None:
    link = tmp_path / "answer.ipynb"
    link.symlink_to(elsewhere / "solution.py")
    honest = tmp_path / "mine.py"
    honest.write_text("# EXERCISE: one_hot\nx = 1\n")
    chosen, passed_over = select_submissions([link, honest])
    assert chosen == [honest]
    assert len(passed_over) == 1 and "symbolic link" in passed_over[0]
    chosen, passed_over = select_submissions([link])
    assert chosen == [] and "symbolic link" in passed_over[0]


def test_gradescope_reads_no_link_and_says_which_it_refused(
    tmp_path: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "submission"
    hostile_links(folder, elsewhere)
    special_files(folder)
    (folder / "mixed" / "work.py").unlink()  # the one regular file: nothing is left to grade
    results = tmp_path / "results" / "results.json"
    monkeypatch.setenv("GRADER_SECRET_TOKEN", SECRET)
    arguments = ["--bank", str(ROOT), "gradescope", "grade", str(folder), "--results"]
    assert main([*arguments, str(results)]) == 0
    document = json.loads(results.read_text(encoding="utf-8"))
    assert document["score"] == 0 and "No submission found" in document["output"]
    for name in ("absolute.py", "environ.py", "linkedfolder", "inside/work.py", "fifo.py"):
        assert name in document["output"], name
    assert "symbolic link" in document["output"] and "not a regular file" in document["output"]
    assert SECRET not in results.read_text() and REFERENCE_MARK not in results.read_text()


# -- pytest runs nothing of the student's ---------------------------------------

HOSTILE_CONFTEST = """\
import pathlib
import pytest

pathlib.Path(__file__).with_name("conftest-imported").write_text("x")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report
"""

#: Each would change which checks run, or how, were it read.
HOSTILE_CONFIGS = {
    "pytest.ini": "[pytest]\naddopts = -k nothing_matches\n",
    "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-k nothing_matches"\n',
    "tox.ini": "[pytest]\naddopts = -k nothing_matches\n",
    "setup.cfg": "[tool:pytest]\naddopts = -k nothing_matches\n",
    "sitecustomize.py": "import pathlib\npathlib.Path(__file__).with_name('site-ran').touch()\n",
    "evil.pth": "import pathlib; pathlib.Path(__file__).with_name('pth-ran').touch()\n",
}


class Recorder:
    """A stand-in for the check plugin: the verdict pytest reports for each check."""

    def __init__(self) -> None:
        self.verdicts: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.verdicts[report.nodeid.rsplit("::", 1)[-1]] = report.outcome


def checks_in_a_hostile_tree(tmp_path: Path) -> tuple[Path, Path, list[Path]]:
    """A bank whose folders, and every folder above it, hold a conftest and config files."""
    above = tmp_path / "student-repo"
    bank = above / "bank"
    check = bank / "exercises" / "x" / "test_public.py"
    check.parent.mkdir(parents=True)
    check.write_text("def test_right():\n    pass\n\n\ndef test_wrong():\n    assert False\n")
    hostile = [tmp_path, above, bank, bank / "exercises", check.parent]
    for folder in hostile:
        (folder / "conftest.py").write_text(HOSTILE_CONFTEST)
        for name, text in HOSTILE_CONFIGS.items():
            (folder / name).write_text(text)
    return bank, check, hostile


def plugin_on_the_path(tmp_path: Path) -> Path:
    """A distribution that registers a pytest plugin, as a student's folder on sys.path
    (``python -m grader.cli`` run from their repository) would."""
    site = tmp_path / "site"
    info = site / "evil_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nevil = evil_grader_plugin\n")
    (site / "evil_grader_plugin.py").write_text(
        "import pathlib\npathlib.Path(__file__).with_name('plugin-imported').touch()\n"
        + HOSTILE_CONFTEST.split("\n", 3)[3]
    )
    return site


#: Both ways checks are run: grading's, and grader.check's in a student's own kernel.
CHECK_RUNNERS = [
    pytest.param(run_checks, id="grading"),
    pytest.param(in_notebook._run_pytest, id="in-notebook"),
]


@pytest.mark.parametrize("run", CHECK_RUNNERS)
def test_no_conftest_config_or_plugin_of_the_tree_changes_a_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    bank, check, hostile = checks_in_a_hostile_tree(tmp_path)
    site = plugin_on_the_path(tmp_path)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTEST_ADDOPTS", "-k nothing_matches")
    monkeypatch.setenv("PYTEST_PLUGINS", "evil_grader_plugin")
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    recorder = Recorder()
    run([str(check)], bank, recorder)
    assert recorder.verdicts == {"test_right": "passed", "test_wrong": "failed"}
    for folder in [*hostile, site]:
        leftovers = {"conftest-imported", "plugin-imported", "site-ran", "pth-ran"}
        assert not leftovers & {p.name for p in folder.iterdir()}, folder
    assert "evil_grader_plugin" not in sys.modules
    # The grader's own environment is as it was.
    assert os.environ["PYTEST_ADDOPTS"] == "-k nothing_matches"
    assert os.environ["PYTEST_PLUGINS"] == "evil_grader_plugin"
    assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in os.environ


def test_the_banks_hypothesis_checks_still_run_without_autoload(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    check = bank / "exercises" / "x" / "test_public.py"
    check.parent.mkdir(parents=True)
    check.write_text(
        textwrap.dedent(
            """\
            from hypothesis import given, strategies as st


            @given(st.integers())
            def test_right(n):
                assert n == n


            @given(st.integers(min_value=0))
            def test_wrong(n):
                assert n < 0
            """
        )
    )
    recorder = Recorder()
    run_checks([str(check)], bank, recorder)  # type: ignore[arg-type]
    assert recorder.verdicts == {"test_right": "passed", "test_wrong": "failed"}


# -- graded for real, beside an honest student ----------------------------------


@pytest.mark.slow
def test_a_hostile_class_folder_gains_nothing_and_leaks_nothing(
    bank: Bank, tmp_path: Path, elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signal.alarm(0)  # grading a class takes longer than the guard allows
    class_dir, out = tmp_path / "class", tmp_path / "out"
    links = hostile_links(class_dir, elsewhere)
    specials = special_files(class_dir)
    (class_dir / "alice.py").write_text(
        "\n".join(solution_source(bank, e) for e in ("one_hot", "conv_output_size")),
        encoding="utf-8",
    )
    (class_dir / "twice.py").write_text("# EXERCISE: one_hot\n" + solution_source_text())
    (class_dir / "twice").mkdir()
    shutil.copy(class_dir / "twice.py", class_dir / "twice" / "work.py")
    monkeypatch.setenv("GRADER_SECRET_TOKEN", SECRET)
    summary = run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    with ResultsStore(out / "results.sqlite") as store:
        results = {r.student: r for r in store.results()}
    assert set(results) == {"alice", "twice", *links, *specials}
    alice = results["alice"]
    for exercise_id in ("one_hot", "conv_output_size"):
        exercise = alice.exercise(exercise_id)
        assert exercise is not None and exercise.points == exercise.max_points > 0
    for student in [*links, *specials, "twice"]:
        result = results[student]
        assert result.points == 0 and result.max_points == alice.max_points, student
        assert result.error is not None, student
        page = (out / "students" / f"{student}.html").read_text(encoding="utf-8")
        korean, english = result.error.split(" / ")
        assert "채점하지 않았습니다" in korean and "graded" in english, student
        assert html.escape(korean) in page and html.escape(english) in page, student
    assert "more than one submission" in str(results["twice"].error)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "more than one submission" in index
    everything = "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file()
    )
    assert SECRET not in everything and REFERENCE_MARK not in everything
    assert any("twice" in notice for notice in summary.notices)
    again = run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    assert again.graded == 0


VERDICT_FORGER = """\
import pathlib
import grader.grading.plugin

pathlib.Path(__file__).with_name("conftest-imported").touch()
grader.grading.plugin.verdict = lambda *args: ("passed", 1.0, None, None)
"""


@pytest.mark.slow
def test_a_conftest_above_the_bank_or_in_the_class_folder_changes_no_grade(
    tmp_path: Path,
) -> None:
    from grader.course.bank import load_bank

    signal.alarm(0)
    above = tmp_path / "courses"
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder / "conv_output_size", above / "bank" / folder / "conv")
    class_dir = above / "class"
    class_dir.mkdir()
    for folder in (tmp_path, above, above / "bank", class_dir):
        (folder / "conftest.py").write_text(VERDICT_FORGER)
        for name, text in HOSTILE_CONFIGS.items():
            (folder / name).write_text(text)
    answer = (ROOT / "solutions" / "conv_output_size" / "solution.py").read_text()
    (class_dir / "alice.py").write_text(answer.replace("conv_output_size", "conv", 1))
    (class_dir / "bob.py").write_text(
        "# EXERCISE: conv\ndef conv_output_size(n, m, p, s):\n    return 0\n"
    )
    bank = load_bank(above / "bank")
    out = tmp_path / "out"
    run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    with ResultsStore(out / "results.sqlite") as store:
        results = {r.student: r for r in store.results()}
    assert results["alice"].points == results["alice"].max_points > 0
    # Forged verdicts would give bob every point.
    assert results["bob"].points < results["bob"].max_points
    assert any(not c.passed for e in results["bob"].exercises for c in e.checks)
    assert not list(tmp_path.rglob("conftest-imported"))
