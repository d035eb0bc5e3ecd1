"""Grading a whole class: find the submissions, grade what changed, write every view.

Each submission's result is committed to the results store the moment it is
graded, so a killed batch loses nothing and a rerun grades only what is new or
changed. With ``jobs > 1`` submissions are graded by worker processes, each with
its own zygote; results come back to this process, the store's only writer.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.bank import Bank, load_bank
from grader.exports import write_exports
from grader.feedback import Language
from grader.grading import Grader, GradingOptions
from grader.report import write_reports
from grader.results import SubmissionResult
from grader.store import ResultsStore

SUBMISSION_SUFFIXES = (".ipynb", ".py")


@dataclass(frozen=True)
class Entry:
    """One student's submission in the class folder, or why there is none."""

    student: str
    path: Path
    problem: str | None = None

    def sha256(self) -> str:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return ""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: how many it graded, skipped as unchanged, and in total."""

    graded: int
    skipped: int
    students: int
    notices: tuple[str, ...]


def discover(class_dir: Path) -> list[Entry]:
    """Every ``<student>.ipynb`` / ``<student>.py``, or ``<student>/`` folder holding one."""
    entries: dict[str, Entry] = {}
    for path in sorted(class_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_file() and path.suffix in SUBMISSION_SUFFIXES:
            entry = Entry(path.stem, path)
        elif path.is_dir():
            entry = _folder_entry(path)
        else:
            continue
        if entry.student in entries:
            kept = entries[entry.student]
            entries[entry.student] = replace(
                kept,
                problem=f"two submissions for {entry.student}: {kept.path.name} and "
                f"{entry.path.name}; {kept.path.name} was graded",
            )
            continue
        entries[entry.student] = entry
    return list(entries.values())


def _folder_entry(folder: Path) -> Entry:
    candidates = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix in SUBMISSION_SUFFIXES and not p.name.startswith(".")
    )
    notebooks = [p for p in candidates if p.suffix == ".ipynb"]
    chosen = notebooks or candidates
    if not chosen:
        return Entry(
            folder.name,
            folder / "submission.ipynb",
            problem=f"{folder.name}/ holds no .ipynb or .py file",
        )
    problem = None
    if len(chosen) > 1:
        problem = f"{folder.name}/ holds several submissions; graded {chosen[0].name}"
    return Entry(folder.name, chosen[0], problem)


def run_batch(
    bank: Bank,
    class_dir: Path,
    out: Path,
    options: GradingOptions,
    *,
    jobs: int = 1,
    lang: Language = "ko",
    progress: Callable[[int, int, str], None] | None = None,
) -> BatchSummary:
    """Grade the class folder into ``out``; give what was done."""
    out.mkdir(parents=True, exist_ok=True)
    entries = discover(class_dir)
    options = replace(
        options, hidden_paths=(*options.hidden_paths, str(class_dir.resolve()), str(out.resolve()))
    )
    notices: list[str] = [e.problem for e in entries if e.problem]
    with ResultsStore(out / "results.sqlite") as store:
        todo = [e for e in entries if not store.is_current(e.student, e.sha256(), bank.version)]
        done = 0
        for result, grader_notices in _grade_all(bank, todo, options, jobs):
            store.save(result)
            done += 1
            notices.extend(n for n in grader_notices if n not in notices)
            if progress is not None:
                progress(done, len(todo), result.student)
        results = store.results([e.student for e in entries])
    write_exports(results, bank, out)
    write_reports(results, bank, out, lang)
    return BatchSummary(done, len(entries) - len(todo), len(entries), tuple(notices))


def _grade_all(
    bank: Bank, todo: list[Entry], options: GradingOptions, jobs: int
) -> Iterator[tuple[SubmissionResult, list[str]]]:
    if not todo:
        return
    if jobs <= 1:
        with Grader(bank, options) as grader:
            for entry in todo:
                yield grader.grade_file(entry.path, entry.student), grader.notices
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_worker_start,
        initargs=(str(bank.root), options),
    ) as pool:
        futures: list[Future[tuple[dict[str, Any], list[str]]]] = [
            pool.submit(_worker_grade, str(entry.path), entry.student) for entry in todo
        ]
        for future in as_completed(futures):
            data, grader_notices = future.result()
            yield SubmissionResult.from_json(data), grader_notices


_worker_grader: Grader | None = None


def _worker_start(bank_root: str, options: GradingOptions) -> None:
    global _worker_grader
    _worker_grader = Grader(load_bank(Path(bank_root)), options).__enter__()


def _worker_grade(path: str, student: str) -> tuple[dict[str, Any], list[str]]:
    assert _worker_grader is not None
    result = _worker_grader.grade_file(Path(path), student)
    return result.to_json(), list(_worker_grader.notices)
