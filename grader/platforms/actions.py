"""GitHub Actions' side of ``grader ci``: the event that started the run, the checkout's
files and which of them to grade, and where a step's summary and outputs go.

What a workflow step gives us and expects back is GitHub's, documented under
"Workflow commands for GitHub Actions": the event that started the run (a JSON
file at ``$GITHUB_EVENT_PATH``), a Markdown job summary appended to
``$GITHUB_STEP_SUMMARY``, annotations printed as ``::error file=…,line=…::…``
and step outputs appended to ``$GITHUB_OUTPUT``. What those say is rendered in
:mod:`grader.views.github`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.course.bank import Bank, load_bank
from grader.course.submission import select_submissions
from grader.diagnoses import named_in
from grader.errors import GraderError
from grader.feedback import Language
from grader.results.model import SubmissionResult
from grader.sandbox.confinement import Limits
from grader.views.exports import write_atomically
from grader.views.github import (
    Policy,
    Report,
    Selection,
    annotation_commands,
    classroom_result,
    encode_classroom,
    job_summary,
)
from grader.views.junit import junit_xml

if TYPE_CHECKING:
    from grader.grading.grader import GradingOptions

#: Folders of the student repository that hold course material, not answers (as do
#: dot folders such as .github).
_NOT_ANSWERS = ("exercises", "solutions")
#: What a pull request may not touch without the summary saying so: the course material,
#: the workflow, a bank, and every file that Python or pytest would read as configuration.
_GRADING_FOLDERS = (*_NOT_ANSWERS, ".github", ".grader-bank")
_GRADING_FILES = (
    "conftest.py",
    "pyproject.toml",
    "pytest.ini",
    "tox.ini",
    "setup.cfg",
    "sitecustomize.py",
    "usercustomize.py",
)
_ZERO_SHA = re.compile(r"^0+$")


@dataclass(frozen=True)
class Workflow:
    """What GitHub Actions tells a step: where the repository is, what started the run,
    and where the step's summary and outputs go."""

    workspace: Path
    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    summary: Path | None = None
    output: Path | None = None
    actor: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Workflow:
        env = os.environ if environ is None else environ
        event: Mapping[str, Any] = {}
        if env.get("GITHUB_EVENT_PATH"):
            path = Path(env["GITHUB_EVENT_PATH"])
            try:
                event = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                raise GraderError(f"cannot read the event payload {path}: {error}") from None
        return cls(
            workspace=Path(env.get("GITHUB_WORKSPACE") or Path.cwd()).resolve(),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=event,
            summary=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
            output=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            actor=env.get("GITHUB_ACTOR", ""),
        )

    def changed_files(self) -> list[Path] | None:
        """Files the pull request or push adds or changes; None when the event names
        no range (a manual or scheduled run, or a branch's first push)."""
        commits = self._range()
        return None if commits is None else self._git_diff(commits, "--diff-filter=AM")

    def touched_files(self) -> list[Path]:
        """Files the pull request or push adds, changes or deletes; none without a range."""
        commits = self._range()
        return [] if commits is None else self._git_diff(commits)

    def _range(self) -> str | None:
        if self.event_name in ("pull_request", "pull_request_target"):
            pull = self.event.get("pull_request") or {}
            base = (pull.get("base") or {}).get("sha")
            head = (pull.get("head") or {}).get("sha")
            if not base or not head:
                raise GraderError("the pull_request event payload names no base and head commit")
            return f"{base}...{head}"
        if self.event_name == "push":
            before, after = self.event.get("before"), self.event.get("after")
            if not before or not after or _ZERO_SHA.match(before):
                return None
            return f"{before}..{after}"
        return None

    def tracked_files(self) -> list[Path]:
        return self._git("ls-files", "-z")

    def _git_diff(self, commits: str, *options: str) -> list[Path]:
        return self._git("diff", "--name-only", "--no-renames", *options, "-z", commits)

    def _git(self, *args: str) -> list[Path]:
        try:
            done = subprocess.run(
                ["git", "-c", f"safe.directory={self.workspace}", *args],
                cwd=self.workspace,
                capture_output=True,
                text=True,
                timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise GraderError(f"git could not run in {self.workspace}: {error}") from None
        if done.returncode != 0:
            raise GraderError(
                f"git {' '.join(args)} failed in {self.workspace}: {done.stderr.strip()}. "
                "Check out the whole history (actions/checkout with fetch-depth: 0), "
                "or give grader ci the paths to grade."
            )
        return [self.workspace / name for name in done.stdout.split("\0") if name]

    @property
    def student(self) -> str:
        """Whose work this is: the pull request's author, else who started the run."""
        author = ((self.event.get("pull_request") or {}).get("user") or {}).get("login")
        return str(author or self.actor or "student")

    def relative(self, path: Path | str) -> str:
        # Lexically: a link committed in the repository is named as itself, not its target.
        try:
            return Path(os.path.abspath(path)).relative_to(self.workspace).as_posix()  # noqa: PTH100
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class Request:
    """What ``grader ci`` was asked for: which files, with which bank, in which language,
    on what budget, when to fail, and where the JUnit XML goes."""

    #: The files to grade; none, those the event changes (or, ``everything``, all).
    paths: tuple[Path, ...] = ()
    everything: bool = False
    #: The bank the workflow names; none, the one ``GRADER_BANK`` names, if any.
    bank: Path | None = None
    lang: Language = "ko"
    policy: Policy = field(default_factory=Policy)
    junit: Path | None = None
    timeout: float = Limits.cpu_seconds
    wall_timeout: float | None = None
    trust_submissions: bool = False


def run(request: Request, print_line: Callable[[str], None]) -> int:
    """Grade what ``request`` and the workflow's event say, and report it everywhere
    GitHub reads (see :func:`publish`); give the step's exit status."""
    workflow = Workflow.from_environment()
    keep_the_workspace_off_the_import_path(workflow.workspace)
    bank, refused_bank = instructor_bank(workflow, request.bank or os.environ.get("GRADER_BANK"))
    selection = select(workflow, list(request.paths), everything=request.everything)
    options = _options(request, bank, workflow)
    results, notices = _graded(bank, options, selection, workflow.student)
    report = Report(
        workflow=workflow,
        results=results,
        titles={e.id: e.title.in_language(request.lang) for e in bank.exercises},
        hidden=options.hidden,
        bank_version=bank.version,
        lang=request.lang,
        policy=request.policy,
        selection=selection,
        notices=(*([refused_bank] if refused_bank else []), *notices),
        mistakes=named_in(bank.exercises),
    )
    if request.junit is not None:
        write_atomically(request.junit, _junit(report, workflow))
    return publish(report, workflow, print_line)


def _options(request: Request, bank: Bank, workflow: Workflow) -> GradingOptions:
    # Imported here, as the grader is: neither is needed to answer --help.
    from grader.grading.grader import GradingOptions

    limits = Limits.from_timeouts(request.timeout, request.wall_timeout)
    return GradingOptions.for_ci(
        limits, bank, workflow.workspace, trust_submissions=request.trust_submissions
    )


def _graded(
    bank: Bank, options: GradingOptions, selection: Selection, student: str
) -> tuple[list[SubmissionResult], list[str]]:
    """The selection's results and the grader's notices; no grader starts for no file."""
    if not selection.files:
        return [], []
    from grader.grading.grader import Grader

    with Grader(bank, options) as warm:
        return warm.grade_answers(selection.files, student), warm.notices


def _junit(report: Report, workflow: Workflow) -> str:
    """The report's results as JUnit XML, files named as the repository names them and
    each testcase at the line where its exercise's answer begins."""
    results = report.results
    relative = [replace(r, path=workflow.relative(r.path)) for r in results]
    lines = {
        workflow.relative(r.path): {
            e.exercise: report.line_of(r, e.exercise) or 0 for e in r.exercises
        }
        for r in results
    }
    return junit_xml(relative, report.lang, lines)


def instructor_bank(workflow: Workflow, named: str | Path | None) -> tuple[Bank, str | None]:
    """The bank to grade with, and a sentence for the summary when the one named is refused.

    Only a bank the workflow names (``--bank`` or ``GRADER_BANK``) outside the workspace
    is the instructor's. Everything in the workspace is the student's to commit, a
    ``.grader-bank/`` folder included, so a bank named there is ignored, and the public
    checks of the student's repository run, as when no bank is named.
    """
    notice = None
    if named:
        root = Path(named).resolve()
        if not _inside(root, workflow.workspace):
            return load_bank(root), None
        notice = (
            f"the bank {named} is inside the student's repository, so it is not the "
            "instructor's: only the repository's public checks ran. Check the instructor's "
            "bank out outside the workspace (the released workflow uses $RUNNER_TEMP)."
        )
    # Not find_bank_root: it would take GRADER_BANK, the very bank refused above.
    here = workflow.workspace
    root = next((f for f in (here, *here.parents) if (f / "exercises").is_dir()), here)
    return load_bank(root, with_solutions=False), notice


def keep_the_workspace_off_the_import_path(workspace: Path) -> None:
    """Take every folder of the student's repository off ``sys.path``.

    ``python -m grader.cli`` run from the repository puts it first on the path, so a
    student's ``numpy.py`` or a package's ``.dist-info`` (a pytest plugin) there would be
    imported by the grader for what it imports later.
    """
    sys.path[:] = [
        entry for entry in sys.path if not _inside(Path(entry or ".").resolve(), workspace)
    ]


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def select(workflow: Workflow, paths: list[Path], *, everything: bool = False) -> Selection:
    """The submissions to grade: ``paths`` if given; every submission in the repository
    if ``everything`` or the event names no change; else those the event changed."""
    if paths:
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise GraderError(f"no such file to grade: {', '.join(missing)}")
        files, passed_over = select_submissions([p.resolve() for p in paths])
        return Selection(files, passed_over, [])
    changed = None if everything else workflow.changed_files()
    candidates = changed if changed is not None else workflow.tracked_files()
    # A committed link is kept among the candidates, to be passed over saying why.
    answers = [
        p
        for p in candidates
        if (p.is_symlink() or p.is_file()) and _is_answer(workflow.relative(p))
    ]
    touched = workflow.touched_files()
    material = [name for p in touched if _touches_grading(name := workflow.relative(p))]
    files, passed_over = select_submissions(answers)
    return Selection(files, passed_over, material)


def _is_answer(relative: str) -> bool:
    parts = relative.split("/")
    return parts[0] not in _NOT_ANSWERS and not any(part.startswith(".") for part in parts)


def _touches_grading(relative: str) -> bool:
    parts = relative.split("/")
    name = parts[-1]
    return parts[0] in _GRADING_FOLDERS or name in _GRADING_FILES or name.endswith(".pth")


def publish(report: Report, workflow: Workflow, print_line: Callable[[str], None]) -> int:
    """Write the summary and outputs where ``workflow`` says, print the annotations; give
    the exit status."""
    for line in annotation_commands(report):
        print_line(line)
    failed = report.policy.fails(report)
    classroom = classroom_result(report, failed)
    # The points as Classroom records them, so that the log and the gradebook agree.
    recorded = sum(test["score"] for test in classroom["tests"])
    print_line(
        f"Points {recorded:g}/{classroom['max_score']:g}"
        + (" (below the threshold)" if failed and report.policy.fail_under is not None else "")
    )
    if workflow.summary is not None:
        _append(workflow.summary, job_summary(report))
    else:  # run by hand, outside Actions: the summary is the report
        print_line(job_summary(report))
    if workflow.output is not None:
        encoded = encode_classroom(classroom)
        _append(workflow.output, f"result={encoded.decode()}\n")
    return 1 if failed else 0


def _append(path: Path, text: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise GraderError(f"cannot write {path}: {error.strerror or error}") from None
