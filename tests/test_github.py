"""grader ci in GitHub Actions: what it grades, and every output GitHub reads."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import cmarkgfm
import html5lib
import jsonschema
import nbformat
import pytest
import xmlschema

from grader.cli import main
from grader.course.bank import Bank, load_bank
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language, Message
from grader.platforms.actions import (
    Request,
    Workflow,
    instructor_bank,
    keep_the_workspace_off_the_import_path,
    publish,
    run,
    select,
)
from grader.platforms.release import release
from grader.results.model import CheckOutcome, ExerciseResult, SubmissionResult
from grader.views.github import (
    ANNOTATION_MESSAGE,
    ANNOTATIONS_PER_KIND,
    CLASSROOM_RESULT_BYTES,
    SUMMARY_BYTES,
    Policy,
    Report,
    Selection,
    annotation_commands,
    classroom_result,
    command,
    encode_classroom,
    job_summary,
)

from .conftest import ROOT, solution_source
from .views.test_junit import submission

SCHEMAS = Path(__file__).parent / "schemas"
CLASSROOM = json.loads((SCHEMAS / "classroom_result.schema.json").read_text())


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)
    return git(repo, "rev-parse", "HEAD")


# -- workflow commands -----------------------------------------------------


def test_annotation_data_and_properties_are_escaped_as_the_toolkit_does() -> None:
    line = command("error", "50% done\nnext\r", file="a,b.py", line=3, title="x: y")
    assert line == "::error file=a%2Cb.py,line=3,title=x%3A y::50%25 done%0Anext%0D"
    assert command("notice", "plain") == "::notice::plain"


# -- what the event names --------------------------------------------------


def test_the_environment_gives_the_workspace_event_and_files(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"user": {"login": "minji"}}}))
    workflow = Workflow.from_environment(
        {
            "GITHUB_WORKSPACE": str(tmp_path),
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_OUTPUT": str(tmp_path / "output"),
            "GITHUB_ACTOR": "teacher",
        }
    )
    assert workflow.workspace == tmp_path.resolve() and workflow.event_name == "pull_request"
    assert workflow.summary == tmp_path / "summary.md" and workflow.output == tmp_path / "output"
    assert workflow.student == "minji"


def test_an_unreadable_event_payload_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{not json")
    with pytest.raises(GraderError, match="event payload"):
        Workflow.from_environment({"GITHUB_EVENT_PATH": str(tmp_path / "event.json")})


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    """A student repository: a base commit, then a pull request's commit on top."""
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "exercises" / "one_hot").mkdir(parents=True)
    (root / "exercises" / "one_hot" / "test_public.py").write_text("def test_x(): pass\n")
    (root / "notebooks" / "old.py").write_text("# EXERCISE: one_hot\nx = 1\n")
    (root / "notebooks" / "kept.py").write_text("# EXERCISE: tensors\nx = 1\n")
    git(root, "init", "-q", "-b", "main")
    base = commit_all(root, "base")
    (root / "notebooks" / "old.py").write_text("# EXERCISE: one_hot\nx = 2\n")
    (root / "notebooks" / "new.ipynb").write_text("{broken")
    (root / "notebooks" / "helper.py").write_text("def helper(): pass\n")
    (root / "exercises" / "one_hot" / "test_public.py").write_text("def test_x(): 1\n")
    (root / ".github").mkdir()
    (root / ".github" / "ci.py").write_text("# EXERCISE: one_hot\n")
    head = commit_all(root, "pull request")
    return root, base, head


def test_a_pull_request_grades_the_answers_it_adds_or_changes(
    repo: tuple[Path, str, str],
) -> None:
    root, base, head = repo
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}
    selection = select(Workflow(root, "pull_request", event), [])
    assert sorted(p.name for p in selection.files) == ["new.ipynb", "old.py"]
    assert [s.split(":")[0] for s in selection.passed_over] == [str(root / "notebooks/helper.py")]
    assert selection.changed_material == [".github/ci.py", "exercises/one_hot/test_public.py"]


def test_a_pull_request_touching_the_grading_set_up_is_flagged(
    repo: tuple[Path, str, str],
) -> None:
    root, _, previous = repo
    touched = {
        "conftest.py": "import pytest\n",
        "notebooks/conftest.py": "import pytest\n",
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-p evil'\n",
        "pytest.ini": "[pytest]\n",
        "tox.ini": "[pytest]\n",
        "setup.cfg": "[tool:pytest]\n",
        "sitecustomize.py": "import os\n",
        "notebooks/evil.pth": "import os\n",
        "solutions/one_hot/test_hidden.py": "def test_x(): pass\n",
        ".github/workflows/autograde.yml": "on: push\n",
        ".grader-bank/exercises/one_hot/test_public.py": "def test_x(): pass\n",
        "notebooks/answer.py": "# EXERCISE: one_hot\nx = 3\n",
    }
    for name, text in touched.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "exercises" / "one_hot" / "test_public.py").unlink()  # a deletion too
    head = commit_all(root, "touch everything")
    event = {"pull_request": {"base": {"sha": previous}, "head": {"sha": head}}}
    selection = select(Workflow(root, "pull_request", event), [])
    expected = {*touched, "exercises/one_hot/test_public.py"} - {"notebooks/answer.py"}
    assert set(selection.changed_material) == expected
    assert [p.name for p in selection.files] == ["answer.py"]
    summary = job_summary(replace(report([], Policy(), root), selection=selection))
    assert "grading set-up" in summary and "conftest.py" in summary


def test_a_committed_link_is_passed_over_saying_why(repo: tuple[Path, str, str]) -> None:
    root, _, previous = repo
    (root / "notebooks" / "environ.py").symlink_to("/proc/self/environ")
    (root / "notebooks" / "reference.ipynb").symlink_to("../exercises/one_hot/test_public.py")
    head = commit_all(root, "links")
    event = {"pull_request": {"base": {"sha": previous}, "head": {"sha": head}}}
    selection = select(Workflow(root, "pull_request", event), [])
    assert "environ.py" not in {p.name for p in selection.files}
    assert "reference.ipynb" not in {p.name for p in selection.files}
    refused = [s for s in selection.passed_over if "symbolic link" in s]
    assert len(refused) == 2 and all("심볼릭 링크" in s for s in refused)


def test_only_a_named_bank_outside_the_workspace_is_the_instructors(tmp_path: Path) -> None:
    workspace = tmp_path / "student"
    shutil.copytree(ROOT / "exercises", workspace / "exercises")
    shutil.copytree(ROOT / "exercises", workspace / ".grader-bank" / "exercises")
    shutil.copytree(ROOT / "solutions", workspace / ".grader-bank" / "solutions")
    workflow = Workflow(workspace.resolve())
    bank, notice = instructor_bank(workflow, str(ROOT))
    assert notice is None and any(e.hidden_checks for e in bank.exercises)
    forged, notice = instructor_bank(workflow, str(workspace / ".grader-bank"))
    assert forged.root == workspace.resolve()
    assert not any(e.hidden_checks or e.solution for e in forged.exercises)
    assert notice is not None and "inside the student's repository" in notice
    found, notice = instructor_bank(workflow, None)
    assert found.root == workspace.resolve() and notice is None
    assert not any(e.hidden_checks for e in found.exercises)


def test_the_workspace_is_taken_off_the_import_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inner = tmp_path / "notebooks"
    inner.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", str(tmp_path), str(inner), "/usr/lib/python3"])
    keep_the_workspace_off_the_import_path(tmp_path.resolve())
    assert sys.path == ["/usr/lib/python3"]


def test_a_push_grades_its_range_and_a_first_push_everything(
    repo: tuple[Path, str, str],
) -> None:
    root, base, head = repo
    pushed = select(Workflow(root, "push", {"before": base, "after": head}), [])
    assert sorted(p.name for p in pushed.files) == ["new.ipynb", "old.py"]
    first = select(Workflow(root, "push", {"before": "0" * 40, "after": head}), [])
    assert sorted(p.name for p in first.files) == ["kept.py", "new.ipynb", "old.py"]
    everything = select(
        Workflow(root, "push", {"before": base, "after": head}), [], everything=True
    )
    assert everything.files == first.files


def test_a_shallow_checkout_says_to_fetch_the_history(repo: tuple[Path, str, str]) -> None:
    root, _, head = repo
    event = {"pull_request": {"base": {"sha": "1" * 40}, "head": {"sha": head}}}
    with pytest.raises(GraderError, match="fetch-depth: 0"):
        select(Workflow(root, "pull_request", event), [])


def test_given_paths_are_graded_whatever_the_event(repo: tuple[Path, str, str]) -> None:
    root, _, _ = repo
    selection = select(Workflow(root, "pull_request", {}), [root / "notebooks" / "kept.py"])
    assert [p.name for p in selection.files] == ["kept.py"]
    with pytest.raises(GraderError, match="no such file"):
        select(Workflow(root), [root / "missing.py"])


# -- when the job fails, and what the summary says ---------------------------


def report(results: list[SubmissionResult], policy: Policy, tmp_path: Path) -> Report:
    return Report(
        workflow=Workflow(tmp_path),
        results=results,
        titles={"one_hot": "One-hot", "tensors": "Tensors"},
        hidden=False,
        bank_version="v1",
        lang="en",
        policy=policy,
        selection=Selection([], [], []),
    )


def test_the_instructor_chooses_when_the_job_fails(tmp_path: Path) -> None:
    results = [submission()]  # 6 of 13 points, an answered exercise lost points
    assert Policy().fails(report(results, Policy(), tmp_path))
    assert Policy(fail_under=50).fails(report(results, Policy(), tmp_path)) is True
    assert Policy(fail_under=40).fails(report(results, Policy(), tmp_path)) is False
    assert not Policy(never_fail=True).fails(report(results, Policy(), tmp_path))
    assert not Policy().fails(report([], Policy(), tmp_path))
    assert Policy(fail_under=1).fails(report([], Policy(), tmp_path))


def test_student_values_in_the_summary_are_shown_not_rendered(tmp_path: Path) -> None:
    hostile = CheckOutcome(
        "one_hot",
        "test_public::x",
        Message("t", "title"),
        "public",
        "failed",
        0.0,
        1.0,
        Message("k", "got <img src=x onerror=alert(1)> | **bold** `tick`\nnext"),
    )
    result = SubmissionResult(
        "kim", str(tmp_path / "kim.py"), "", "v1", (ExerciseResult("one_hot", True, (hostile,)),)
    )
    text = job_summary(report([result], Policy(), tmp_path))
    assert "<img" not in text and "&lt;img" in text
    assert r"\*\*bold\*\*" in text and r"\`tick\`" in text and r"\|" in text
    assert "<br>next" in text
    assert "Public checks only" in text


# -- the whole command, as a workflow runs it ------------------------------


def answer_cell(notebook: nbformat.NotebookNode, exercise: str) -> nbformat.NotebookNode:
    """The released notebook's cell holding the exercise's starter (after its set-up cells)."""
    marker = f"# EXERCISE: {exercise}"
    return next(c for c in notebook.cells if c.cell_type == "code" and marker in c.source)


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory: pytest.TempPathFactory, public_bank: Bank) -> dict[str, str]:
    """The released material in a git repository, and a pull request answering two exercises:
    one_hot with the reference solution, tensors left as the starter."""
    root = tmp_path_factory.mktemp("student")
    release(public_bank, root)
    git(root, "init", "-q", "-b", "main")
    base = commit_all(root, "released")
    notebook = nbformat.read(root / "notebooks" / "one_hot.ipynb", as_version=4)
    answer_cell(notebook, "one_hot").source = "# EXERCISE: one_hot\n" + solution_source(
        load_bank(ROOT), "one_hot"
    )
    nbformat.write(notebook, root / "notebooks" / "one_hot.ipynb")
    tensors = nbformat.read(root / "notebooks" / "tensors.ipynb", as_version=4)
    answer_cell(tensors, "tensors").source += "\n"
    nbformat.write(tensors, root / "notebooks" / "tensors.ipynb")
    # A student's own solutions/ must not pass for the instructor's hidden checks.
    (root / "solutions" / "tensors").mkdir(parents=True)
    (root / "solutions" / "tensors" / "test_hidden.py").write_text("def test_x():\n    pass\n")
    head = commit_all(root, "answers")
    event = root.parent / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "synchronize",
                "number": 3,
                "pull_request": {
                    "number": 3,
                    "user": {"login": "minji"},
                    "base": {"sha": base, "ref": "main"},
                    "head": {"sha": head, "ref": "answers"},
                },
            }
        )
    )
    return {"root": str(root), "event": str(event)}


def run_ci(
    repo: dict[str, str], tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GITHUB_") and key != "GRADER_BANK"
    }
    environment |= {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": repo["root"],
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": repo["event"],
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_ACTOR": "minji",
    }
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=repo["root"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done, summary.read_text(encoding="utf-8"), output.read_text(encoding="utf-8")


def classroom(output: str) -> dict[str, object]:
    [line] = [line for line in output.splitlines() if line.startswith("result=")]
    document: dict[str, object] = json.loads(base64.b64decode(line.removeprefix("result=")))
    jsonschema.validate(document, CLASSROOM)
    return document


@pytest.mark.slow
def test_ci_with_the_instructors_bank_reports_everywhere_github_reads(
    student_repo: dict[str, str], tmp_path: Path
) -> None:
    junit = tmp_path / "junit.xml"
    done, summary, output = run_ci(
        student_repo, tmp_path, "--bank", str(ROOT), "ci", "--lang", "en", "--junit", str(junit)
    )
    assert done.returncode == 1, done.stderr  # tensors, answered, lost points
    root = Path(student_repo["root"])
    tensors_line = next(
        number
        for number, line in enumerate(
            (root / "notebooks" / "tensors.ipynb").read_text().splitlines(), start=1
        )
        if '"# EXERCISE: tensors\\n"' in line
    )
    [annotation] = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotation.startswith(
        f"::error file=notebooks/tensors.ipynb,line={tensors_line},title=tensors%3A "
    )
    assert "%0A" in annotation  # one line per lost check
    assert "Hidden checks ran" in summary
    assert "| ✅ | `one_hot`" in summary and "| ❌ | `tensors`" in summary
    assert "### Failed checks" in summary and f"line {tensors_line}" in summary
    document = classroom(output)
    assert document["status"] == "fail"
    tests = document["tests"]
    assert isinstance(tests, list)
    points = sum(t["score"] for t in tests if t["name"].startswith("one_hot:"))
    assert f"Points {points:g}/{document['max_score']:g}" in done.stdout
    assert points > 0 and len(checks_of(tests)) > public_checks()
    schema = xmlschema.XMLSchema(SCHEMAS / "junit.xsd")
    schema.validate(str(junit))
    suites = schema.to_dict(str(junit))["testsuite"]
    suite_max = {
        suite["@name"]: sum(
            float(p["@value"])
            for case in suite["testcase"]
            for p in case["properties"]["property"]
            if p["@name"] == "max_points"
        )
        for suite in suites
    }
    assert document["max_score"] == sum(suite_max.values())
    assert set(suite_max) == {f"minji.{exercise}" for exercise in _exercise_ids()}
    assert '<property name="visibility" value="hidden" />' in junit.read_text()
    assert f'file="notebooks/tensors.ipynb" line="{tensors_line}"' in junit.read_text()


def checks_of(tests: list[dict[str, str]]) -> set[str]:
    """The checks behind Classroom's tests: a check worth n units is n tests."""
    return {re.sub(r" \(\d+/\d+\)$", "", test["name"]) for test in tests}


def public_checks() -> int:
    return sum(path.read_text().count("\ndef test_") for path in ROOT.glob("exercises/*/test_*.py"))


def _exercise_ids() -> list[str]:
    return [path.parent.name for path in ROOT.glob("exercises/*/exercise.toml")]


@pytest.mark.slow
def test_ci_without_a_bank_runs_public_checks_and_can_never_fail(
    student_repo: dict[str, str], tmp_path: Path
) -> None:
    done, summary, output = run_ci(student_repo, tmp_path, "ci", "--never-fail", "--lang", "ko")
    assert done.returncode == 0, done.stderr
    assert "공개 검사만 실행했습니다" in summary
    document = classroom(output)
    assert document["status"] == "pass"
    tests = document["tests"]
    assert isinstance(tests, list) and len(checks_of(tests)) == public_checks()
    assert (
        "Points " in done.stdout
        and not [line for line in done.stdout.splitlines() if line.startswith("::error")][1:]
    )


HOSTILE_CONFTEST = """\
import pathlib, pytest
pathlib.Path(__file__).with_name("conftest-imported").touch()
for check in pathlib.Path(__file__).parent.rglob("test_*.py"):
    print(check.read_text())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    report.outcome = "passed"
    return report
"""
MARK = "import pathlib; pathlib.Path(__file__).with_name('{name}-ran').touch()\n"


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory, public_bank: Bank) -> dict[str, str]:
    """A pull request answering one_hot with the reference and leaving tensors as the starter,
    that also commits every file Python or pytest would read, and a forged bank."""
    root = tmp_path_factory.mktemp("hostile-student")
    release(public_bank, root)
    git(root, "init", "-q", "-b", "main")
    base = commit_all(root, "released")
    notebook = nbformat.read(root / "notebooks" / "one_hot.ipynb", as_version=4)
    answer_cell(notebook, "one_hot").source = "# EXERCISE: one_hot\n" + solution_source(
        load_bank(ROOT), "one_hot"
    )
    nbformat.write(notebook, root / "notebooks" / "one_hot.ipynb")
    tensors = nbformat.read(root / "notebooks" / "tensors.ipynb", as_version=4)
    answer_cell(tensors, "tensors").source += "\n"
    nbformat.write(tensors, root / "notebooks" / "tensors.ipynb")
    addopts = "-k nothing_matches -p evil_grader_plugin"
    files = {
        "conftest.py": HOSTILE_CONFTEST,
        "notebooks/conftest.py": HOSTILE_CONFTEST,
        "exercises/conftest.py": HOSTILE_CONFTEST,
        "pytest.ini": f"[pytest]\naddopts = {addopts}\n",
        "pyproject.toml": f'[tool.pytest.ini_options]\naddopts = "{addopts}"\n',
        "tox.ini": f"[pytest]\naddopts = {addopts}\n",
        "setup.cfg": f"[tool:pytest]\naddopts = {addopts}\n",
        "sitecustomize.py": MARK.format(name="sitecustomize"),
        "usercustomize.py": MARK.format(name="usercustomize"),
        "evil.pth": MARK.format(name="pth"),
        # Shadows of what the grader imports after it starts, and a pytest plugin.
        "nbformat.py": MARK.format(name="nbformat") + "raise ImportError('shadow')\n",
        "evil_grader_plugin.py": MARK.format(name="plugin") + HOSTILE_CONFTEST,
        "evil_grader_plugin-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\n"
        "Version: 1.0\n",
        "evil_grader_plugin-1.0.dist-info/entry_points.txt": "[pytest11]\n"
        "evil = evil_grader_plugin\n",
    }
    for exercise in public_bank.exercises:
        for folder in ("exercises", "solutions"):
            files[f".grader-bank/{folder}/{exercise.id}/test_forged.py"] = (
                "def test_forged():\n    pass\n"
            )
        files[f".grader-bank/exercises/{exercise.id}/exercise.toml"] = "order = 1\n"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    head = commit_all(root, "answers, and everything else")
    event = root.parent / "hostile-event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "user": {"login": "minji"},
                    "base": {"sha": base},
                    "head": {"sha": head},
                }
            }
        )
    )
    return {"root": str(root), "event": str(event)}


@pytest.mark.slow
def test_nothing_the_pull_request_commits_runs_in_the_grader_or_forges_the_bank(
    hostile_repo: dict[str, str], tmp_path: Path
) -> None:
    forged = str(Path(hostile_repo["root"]) / ".grader-bank")
    done, summary, output = run_ci(
        hostile_repo, tmp_path, "--bank", forged, "ci", "--lang", "en", "--never-fail"
    )
    assert done.returncode == 0, done.stderr
    assert "Public checks only" in summary and "Hidden checks ran" not in summary
    assert "inside the student" in summary
    tests = classroom(output)["tests"]
    assert isinstance(tests, list) and len(checks_of(tests)) == public_checks()
    one_hot = [t for t in tests if t["name"].startswith("one_hot:")]
    assert one_hot and all(t["status"] == "pass" for t in one_hot)
    assert any(t["status"] != "pass" for t in tests if t["name"].startswith("tensors:"))
    assert not [t for t in tests if "forged" in t["name"]]
    left = {p.name for p in Path(hostile_repo["root"]).rglob("*-ran")}
    left |= {p.name for p in Path(hostile_repo["root"]).rglob("conftest-imported")}
    assert left == set()
    for flagged in ("conftest.py", "pyproject.toml", "pytest.ini", "evil.pth", ".grader-bank"):
        assert flagged in summary, flagged


def test_annotations_group_checks_by_exercise_at_the_answers_line(tmp_path: Path) -> None:
    path = tmp_path / "kim.py"
    path.write_text("import numpy\n\n# EXERCISE: one_hot\ny = 1\n")
    partial = replace(submission(), path=str(path))
    crashed = SubmissionResult(
        "kim", str(tmp_path / "broken.ipynb"), "", "v1", (), error="the runner was killed"
    )
    lines = annotation_commands(report([partial, crashed], Policy(), tmp_path))
    assert lines[0].startswith("::warning file=kim.py,line=3,title=one_hot%3A One-hot (6/11)::")
    assert lines[0].count("✗ ") == 3  # three checks lost points: half, wrong, broken
    assert "wrong is wrong" in lines[0] and "ok title" not in lines[0]
    assert lines[1] == "::error file=broken.ipynb,title=grader::the runner was killed"
    assert len(lines) == 2  # the unanswered exercise is in the summary, not annotated


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_lost_checks_mistake_is_named_in_the_students_language_never_by_its_slug(
    tmp_path: Path, public_bank: Bank, lang: Language
) -> None:
    named = replace(
        report([submission()], Policy(), tmp_path),
        lang=lang,
        mistakes=named_in(public_bank.exercises),
    )
    mistake = public_bank.get("one_hot").mistakes["one-hot-twice"]
    [annotation] = [line for line in annotation_commands(named) if "one_hot" in line]
    summary = job_summary(named)
    for text in (annotation, summary):
        assert mistake.name.in_language(lang) in text
        assert mistake.explanation.in_language(lang)[:20] in text
        assert "one-hot-twice" not in text
    # Without the bank's names the slug means nothing to a student: nothing is said of it.
    bare = report([submission()], Policy(), tmp_path)
    assert not [t for t in (*annotation_commands(bare), job_summary(bare)) if "one-hot-" in t]


def test_run_by_hand_the_summary_is_printed_with_the_points(tmp_path: Path) -> None:
    printed: list[str] = []
    the_report = report([submission()], Policy(fail_under=60), tmp_path)
    status = publish(the_report, Workflow(tmp_path), printed.append)
    assert status == 1
    assert "Points 6/13 (below the threshold)" in printed
    assert printed[-1].startswith("## Autograding: 6 / 13 points (46%)")
    assert "**Below the 60% threshold.**" in printed[-1]


@pytest.mark.parametrize("percent", ["-1", "150"])
def test_a_threshold_outside_0_to_100_is_a_usage_error(
    tmp_path: Path, percent: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--bank", str(ROOT), "ci", "--fail-under", percent, str(tmp_path)])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert f"--fail-under: a percentage is between 0 and 100, not {percent}" in error


class _Grader:
    """Stands in for the warm grader: grades every file as :func:`submission` is graded."""

    def __init__(self, *args: object) -> None:
        self.notices = ["no network namespace"]

    def __enter__(self) -> _Grader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def grade_answers(self, paths: list[Path], student: str) -> list[SubmissionResult]:
        return [replace(submission(student), path=str(path)) for path in paths]


def test_run_grades_the_files_given_and_reports_them_where_github_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.grading import grader as grading

    monkeypatch.setattr(grading, "Grader", _Grader)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in [n for n in os.environ if n.startswith("GITHUB_") or n == "GRADER_BANK"]:
        monkeypatch.delenv(name)
    workspace = tmp_path / "repo"
    (workspace / "work").mkdir(parents=True)
    answer = workspace / "work" / "kim.py"
    answer.write_text("import tensorflow as tf\n# EXERCISE: one_hot\nx = 1\n")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.setenv("GITHUB_ACTOR", "kim")
    junit = tmp_path / "junit.xml"
    request = Request(paths=(answer,), bank=ROOT, lang="en", junit=junit)
    printed: list[str] = []
    assert run(request, printed.append) == 1  # an answered exercise lost points
    assert "Points 6/13" in printed and "no network namespace" in printed[-1]
    assert "Hidden checks ran" in printed[-1]
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(str(junit))
    assert 'file="work/kim.py" line="2"' in junit.read_text(encoding="utf-8")
    never = replace(request, policy=Policy(never_fail=True), junit=None)
    assert run(never, printed.append) == 0


# -- what GitHub's consumers take, at any size -------------------------------


def hostile_results(tmp_path: Path, checks: int = 500) -> list[SubmissionResult]:
    """One student's files named to break tables and logs, with ``checks`` failed checks
    whose Korean feedback is long and quotes workflow commands."""
    feedback = Message(
        "모양이 다릅니다: (128, 10, 10) 을 받았습니다. " * 80 + "\n::add-mask::x ##[error]y",
        "the shapes differ (모양이 다릅니다) " * 100,
    )
    names = ["pi|pe.py", "new\nline.py", "a::b.py", "##[warning]x.py", "m%0Ad.py"]
    per_file = checks // len(names)
    results = []
    for index, name in enumerate(names):
        exercises = []
        for e in range(per_file // 10):
            exercise = f"ex{index}_{e}"
            failed = tuple(
                CheckOutcome(
                    exercise,
                    f"test_hidden::c{c}",
                    Message(f"검사 {c}: 모양", f"check {c}"),
                    "hidden",
                    "partial" if c % 3 == 0 else "failed",
                    0.5 if c % 3 == 0 else 0.0,
                    2.0,
                    feedback,
                )
                for c in range(10)
            )
            exercises.append(ExerciseResult(exercise, True, failed))
        results.append(SubmissionResult("kim", str(tmp_path / name), "", "v1", tuple(exercises)))
    return results


def test_the_classroom_result_fits_in_one_environment_variable(tmp_path: Path) -> None:
    document = classroom_result(report(hostile_results(tmp_path), Policy(), tmp_path), True)
    jsonschema.validate(document, CLASSROOM)
    encoded = encode_classroom(document)
    assert len(encoded) <= CLASSROOM_RESULT_BYTES
    # As the released workflow hands it to the reporter: a program must start with it.
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(len(os.environ['GRADER_RESULTS']))"],
        env={"GRADER_RESULTS": encoded.decode()},
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(done.stdout) == len(encoded)
    assert json.loads(base64.b64decode(encoded).decode("utf-8")) == document


def reporter_log_score(document: dict[str, object]) -> float:
    """What the reporter logs (getTestScore): the share of tests passed times max_score."""
    tests = document["tests"]
    assert isinstance(tests, list) and isinstance(document["max_score"], float | int)
    return sum(t["status"] == "pass" for t in tests) / len(tests) * document["max_score"]


def reporter_recorded(document: dict[str, object]) -> str:
    """What the reporter records (NotifyClassroom): ``Points <sum of scores>/<max_score>``,
    added in order as JavaScript adds doubles."""
    tests = document["tests"]
    assert isinstance(tests, list)
    total = 0.0
    for test in tests:
        total += test["score"]
    return f"Points {total:.15g}/{document['max_score']:.15g}"


def test_what_classroom_records_is_what_its_log_says_and_round(tmp_path: Path) -> None:
    thirds = replace(
        submission(),
        exercises=(
            ExerciseResult(
                "one_hot",
                True,
                (
                    CheckOutcome(
                        "one_hot", "a", Message("a", "a"), "public", "partial", 5 / 3, 5.0
                    ),
                    CheckOutcome("one_hot", "b", Message("b", "b"), "public", "passed", 1.0, 1.0),
                    CheckOutcome("one_hot", "c", Message("c", "c"), "hidden", "failed", 0.0, 3.0),
                ),
            ),
        ),
    )
    for results in ([thirds], [submission()], hostile_results(tmp_path, 100)):
        document = classroom_result(report(results, Policy(), tmp_path), True)
        recorded = reporter_recorded(document)
        points, _ = (float(x) for x in recorded.removeprefix("Points ").split("/"))
        assert reporter_log_score(document) == pytest.approx(points, abs=1e-9)
        assert points * 4 == int(points * 4), recorded  # quarter points at the finest
    document = classroom_result(report([thirds], Policy(), tmp_path), True)
    assert reporter_recorded(document) == "Points 2.75/9"  # 5/3 is 1.75 to the quarter
    names = [t["name"] for t in document["tests"]]
    assert names.count("one_hot: a (1/20)") == 1 and len(names) == 36
    printed: list[str] = []
    publish(report([thirds], Policy(never_fail=True), tmp_path), Workflow(tmp_path), printed.append)
    assert "Points 2.75/9" in printed


def test_an_error_tests_message_is_one_inert_line(tmp_path: Path) -> None:
    broken = CheckOutcome(
        "one_hot",
        "test_public::broken",
        Message("t", "t"),
        "public",
        "error",
        0.0,
        1.0,
        Message("x", "Traceback\n::add-mask::secret\r\n##[error]forged\u2028::warning::y"),
    )
    result = SubmissionResult(
        "kim", str(tmp_path / "kim.py"), "", "v1", (ExerciseResult("one_hot", True, (broken,)),)
    )
    [test] = classroom_result(report([result], Policy(), tmp_path), True)["tests"]
    assert test["status"] == "error"
    message = test["message"]
    assert message.startswith("Traceback")
    assert len(message.splitlines()) == 1
    assert "::" not in message and "##[" not in message


def summary_html(text: str) -> list[list[str]]:
    """The summary's table as GitHub renders it (cmark-gfm): its rows' cells as text."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        text, options=cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    )
    tree = html5lib.parse(rendered, namespaceHTMLElements=False)
    return [
        ["".join(cell.itertext()) for cell in row.findall("td")]
        for row in tree.iter("tr")
        if row.findall("td")
    ]


def test_file_names_keep_the_summarys_table_whole(tmp_path: Path) -> None:
    results = hostile_results(tmp_path, 50)
    text = job_summary(report(results, Policy(), tmp_path))
    rows = summary_html(text)
    assert len(rows) == sum(len(r.exercises) for r in results)
    assert all(len(row) == 4 for row in rows)
    files = {row[3] for row in rows}
    assert files == {"pi|pe.py", "new\\nline.py", "a::b.py", "##[warning]x.py", "m%0Ad.py"}


def test_the_summary_stays_under_githubs_limit_and_says_what_it_left_out(
    tmp_path: Path,
) -> None:
    text = job_summary(report(hostile_results(tmp_path), Policy(), tmp_path))
    assert len(text.encode("utf-8")) <= SUMMARY_BYTES
    assert "size limit" in text and "JUnit" in text
    assert len(summary_html(text)) == 50  # the score table is whole; feedback was cut
    korean = job_summary(replace(report(hostile_results(tmp_path), Policy(), tmp_path), lang="ko"))
    assert len(korean.encode("utf-8")) <= SUMMARY_BYTES and "크기 제한" in korean


def test_at_most_ten_annotations_of_a_kind_the_rest_in_the_summary(tmp_path: Path) -> None:
    results = hostile_results(tmp_path, 200)
    results.append(SubmissionResult("kim", str(tmp_path / "x.py"), "", "v1", (), error="killed"))
    zero = replace(results[0], path=str(tmp_path / "zero.py"))
    zero = replace(
        zero,
        exercises=tuple(
            replace(e, checks=tuple(replace(c, points=0.0) for c in e.checks))
            for e in zero.exercises
        ),
    )
    the_report = report([*results, zero], Policy(), tmp_path)
    lines = annotation_commands(the_report)
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds.count("::warning") == ANNOTATIONS_PER_KIND
    assert kinds.count("::error") == 5  # the crashed file and the four exercises scoring 0
    for line in lines:
        data = line.split("::", 2)[2]
        decoded = data.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        assert len(decoded) <= ANNOTATION_MESSAGE
    assert "the other 10 are under Failed checks" in job_summary(the_report)
