"""Grading a whole class: find the submissions, grade what changed, write every view.

Each submission's result is committed to the results store the moment it is
graded, so a killed batch loses nothing and a rerun grades only what is new or
changed. With ``jobs > 1`` submissions are graded by worker processes, each with
its own zygote; with ``cluster`` they are graded by the workers of a Dask
distributed cluster, each worker process with its own grader and zygote. Either
way results come back to this process, the store's only writer.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.bank import Bank, load_bank
from grader.errors import GraderError
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
    cluster: str | None = None,
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
        graded = (
            _grade_on_cluster(cluster, bank, todo, options)
            if cluster
            else _grade_all(bank, todo, options, jobs)
        )
        for result, grader_notices in graded:
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


def _grade_on_cluster(
    address: str, bank: Bank, todo: list[Entry], options: GradingOptions
) -> Iterator[tuple[SubmissionResult, list[str]]]:
    """Grade on a Dask cluster; the submission travels as bytes, the bank must be on every
    worker at the same path."""
    if not todo:
        return
    from distributed import Client
    from distributed import as_completed as completed

    try:
        client = Client(address, timeout="30s")
    except OSError as error:
        raise GraderError(
            f"cannot reach the Dask scheduler at {address}: {error}. Start it with "
            "`dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`."
        ) from None
    with client:
        by_key = {f"grade-{entry.student}-{entry.sha256()[:12]}": entry for entry in todo}
        futures = [
            client.submit(
                _cluster_grade,
                str(bank.root),
                options,
                entry.path.name,
                _read(entry),
                entry.student,
                pure=False,
                key=f"grade-{entry.student}-{entry.sha256()[:12]}",
            )
            for entry in todo
        ]
        for future in completed(futures):
            data, grader_notices = future.result()
            # The worker graded a copy; the result names the file in the class folder.
            data["path"] = str(by_key[future.key].path)
            yield SubmissionResult.from_json(data), grader_notices


def _read(entry: Entry) -> bytes | None:
    try:
        return entry.path.read_bytes()
    except OSError:
        return None


_cluster_graders: dict[tuple[str, GradingOptions], Grader] = {}
_cluster_lock = threading.Lock()


def _cluster_grade(
    bank_root: str, options: GradingOptions, name: str, content: bytes | None, student: str
) -> tuple[dict[str, Any], list[str]]:
    """On a Dask worker: grade one submission with this worker process's own grader."""
    # pytest and the zygote serve one submission at a time per process.
    with _cluster_lock:
        key = (bank_root, options)
        if key not in _cluster_graders:
            _cluster_graders[key] = Grader(load_bank(Path(bank_root)), options).__enter__()
        grader = _cluster_graders[key]
        with tempfile.TemporaryDirectory(prefix="grader-cluster-") as scratch:
            path = Path(scratch) / name
            if content is not None:
                path.write_bytes(content)
            result = grader.grade_file(path, student)
        return result.to_json(), list(grader.notices)
