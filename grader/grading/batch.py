"""Grading a whole class: find the submissions, grade what changed, write every view.

Each submission's result is committed to the results store the moment it is
graded, so a killed batch loses nothing and a rerun grades only what is new or
changed. With ``jobs > 1`` submissions are graded by worker processes forked from
one fork server that has imported TensorFlow (:mod:`grader.grading.warm`), all forking
their runners from one shared zygote that starts beside it; with ``cluster`` they
are graded by the workers of a Dask distributed cluster, each worker process with
its own grader and zygote. Either way results come back to this process, the
store's only writer.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import multiprocessing
import os
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import Any

from grader import messages
from grader.course.bank import Bank, load_bank
from grader.course.submission import MAX_FILE_BYTES
from grader.course.untrusted_files import read_regular, why_refused
from grader.errors import GraderError, RefusedFile, SubmissionError
from grader.feedback import Language, Message
from grader.grading.grader import Grader, GradingOptions
from grader.results.model import SubmissionResult
from grader.results.store import ResultsStore
from grader.sandbox.zygote import SharedZygote, Zygote
from grader.views.exports import Problems, write_exports
from grader.views.html import write_reports

SUBMISSION_SUFFIXES = (".ipynb", ".py")


@dataclass(frozen=True)
class Entry:
    """One student's submission in the class folder, or why there is none."""

    student: str
    path: Path
    #: What the instructor is told about this entry.
    problem: str | None = None
    #: Why the entry is not graded (a link, a FIFO, two submissions), in Korean and in
    #: English; nothing of a refused entry is read.
    refusal: str | None = None
    #: The class folder: the file is read only below it, through no link.
    root: Path | None = None

    def sha256(self) -> str:
        if self.refusal is not None:
            # Changes with the refusal, so a student who fixes it is graded again.
            return hashlib.sha256(f"refused\0{self.refusal}".encode()).hexdigest()
        content = _read(self)
        return hashlib.sha256(content).hexdigest() if content is not None else ""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: how many it graded, skipped as unchanged, and in total."""

    graded: int
    skipped: int
    students: int
    notices: tuple[str, ...]
    #: Each student who ran out of a time budget: ``alice (compile_fit, 60 s of CPU)``.
    out_of_time: tuple[str, ...] = ()
    #: Ctrl-C stopped the grading; what was graded is stored and in every view.
    interrupted: bool = False


def discover(class_dir: Path) -> list[Entry]:
    """Every ``<student>.ipynb`` / ``<student>.py``, or ``<student>/`` folder holding one.

    A link, a FIFO or a device where a submission would be is refused, and so is a
    student with more than one submission (``kim/`` beside ``kim.py``, or ``kim.ipynb``
    beside ``kim.py``): the grader cannot tell which one counts, and does not guess.
    """
    found: dict[str, list[Entry]] = {}
    for path in sorted(class_dir.iterdir()):
        entry = _class_entry(class_dir, path)
        if entry is not None:
            found.setdefault(entry.student, []).append(entry)
    return [_only_entry(student, entries) for student, entries in found.items()]


def _class_entry(class_dir: Path, path: Path) -> Entry | None:
    if path.name.startswith("."):
        return None
    if not path.is_symlink() and path.is_dir():
        return _folder_entry(path, class_dir)
    is_submission = path.suffix in SUBMISSION_SUFFIXES
    if not is_submission and path.suffix:
        return None
    # A link or a FIFO without a suffix may stand where a student's folder would.
    student = path.stem if is_submission else path.name
    refused = why_refused(path)
    if refused is not None:
        return _refused(student, path, class_dir, refused.message)
    return Entry(student, path, root=class_dir) if is_submission else None


def _only_entry(student: str, entries: list[Entry]) -> Entry:
    if len(entries) == 1:
        return entries[0]
    names = [
        f"{e.path.parent.name}/" if e.path.parent.name == student else e.path.name for e in entries
    ]
    message = messages.conflicting_submissions(student, names)
    return _refused(student, entries[0].path, entries[0].root, message)


def _refused(student: str, path: Path, root: Path | None, message: Message) -> Entry:
    refusal = str(RefusedFile(message))
    return Entry(student, path, problem=f"{student}: {message.en}", refusal=refusal, root=root)


def _folder_entry(folder: Path, class_dir: Path | None = None) -> Entry:
    children = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    refused = [p.name for p in children if why_refused(p) is not None]
    if refused:
        message = messages.refused_folder(folder.name, refused)
        return _refused(folder.name, folder, class_dir, message)
    candidates = [p for p in children if p.suffix in SUBMISSION_SUFFIXES and p.is_file()]
    notebooks = [p for p in candidates if p.suffix == ".ipynb"]
    chosen = notebooks or candidates
    if not chosen:
        return Entry(
            folder.name,
            folder / "submission.ipynb",
            problem=f"{folder.name}/ holds no .ipynb or .py file",
            root=class_dir,
        )
    problem = None
    if len(chosen) > 1:
        problem = f"{folder.name}/ holds several submissions; graded {chosen[0].name}"
    return Entry(folder.name, chosen[0], problem, root=class_dir)


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
    """Grade the class folder into ``out``; give what was done.

    Raises :class:`GraderError` when the class folder holds nothing to grade (saying what
    it passed over and why), when ``out`` cannot be made a folder, and when another batch
    is writing to ``out``. Ctrl-C stops the grading, not the batch: what was graded is
    stored and its views are written, and the summary says it was interrupted.
    """
    entries = discover(class_dir)
    skipped = passed_over(class_dir)
    if not any(e.refusal is None and e.path.is_file() for e in entries):
        raise GraderError(_nothing_to_grade(class_dir, entries, skipped))
    _make_folder(out)
    options = replace(
        options, hidden_paths=(*options.hidden_paths, str(class_dir.resolve()), str(out.resolve()))
    )
    notices: list[str] = [e.problem for e in entries if e.problem] + skipped
    problems: Problems = {}
    with _only_batch_on(out):
        with ResultsStore(out / "results.sqlite") as store:
            todo = [e for e in entries if not store.is_current(e.student, e.sha256(), bank.version)]
            gradable = [e for e in todo if e.refusal is None]
            graded = itertools.chain(
                _refused_results(bank, options, [e for e in todo if e.refusal is not None]),
                _grade_on_cluster(cluster, bank, gradable, options)
                if cluster
                else _grade_all(bank, gradable, options, jobs),
            )
            done, interrupted = _store_all(store, graded, len(todo), notices, problems, progress)
            results = store.results([e.student for e in entries])
        # Each student's views are made inside their own guard: one that fails is named on
        # that student's row and in the notices, and every other student's is written.
        problems.update(write_exports(results, bank, out))
        problems.update(write_reports(results, bank, out, lang, problems))
    notices.extend(f"{student}: {what}" for student, what in sorted(problems.items()))
    return BatchSummary(
        done,
        len(entries) - len(todo),
        len(entries),
        tuple(notices),
        out_of_time(results),
        interrupted,
    )


def _store_all(
    store: ResultsStore,
    graded: Iterator[tuple[SubmissionResult, list[str]]],
    total: int,
    notices: list[str],
    problems: Problems,
    progress: Callable[[int, int, str], None] | None,
) -> tuple[int, bool]:
    """Store each result as it comes; give how many were stored and whether Ctrl-C
    stopped the grading (the submission being graded then is dropped whole)."""
    done = 0
    if progress is not None:
        # The total is known before the first result: a bar need not show "0/?" meanwhile.
        progress(0, total, "")
    try:
        for result, grader_notices in graded:
            _save(store, result, problems)
            done += 1
            notices.extend(n for n in grader_notices if n not in notices)
            if progress is not None:
                progress(done, total, result.student)
    except KeyboardInterrupt:
        return done, True
    return done, False


def passed_over(class_dir: Path) -> list[str]:
    """What :func:`discover` leaves out of the class folder and why, one line each
    (``kim.txt: not a .ipynb or .py, not graded``); dot files and folders are not named."""
    return [
        f"{path.name}: not a .ipynb or .py, not graded"
        for path in sorted(class_dir.iterdir())
        if not path.name.startswith(".") and _class_entry(class_dir, path) is None
    ]


def _nothing_to_grade(class_dir: Path, entries: list[Entry], skipped: list[str]) -> str:
    hidden = sum(1 for path in class_dir.iterdir() if path.name.startswith("."))
    lines = [
        *skipped,
        *(e.problem for e in entries if e.problem),
        *([f"{hidden} entries whose names begin with a dot, never graded"] if hidden else []),
    ]
    what = "is empty" if not lines else "holds nothing to grade"
    return "\n".join(
        [
            f"{class_dir} {what}: a class folder holds <student>.ipynb or <student>.py files, "
            "or <student>/ folders holding one. Nothing was graded and nothing written.",
            *(f"  {line}" for line in lines),
        ]
    )


def _make_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise GraderError(f"{out} is a file; give --out a folder for the results and reports")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GraderError(
            f"cannot make the output folder {out}: {error.strerror or error}"
        ) from None


@contextlib.contextmanager
def _only_batch_on(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock for as long as the batch runs; refuse if another batch holds it.

    Two batches on one folder would both grade every submission and overwrite each
    other's views. The lock is the operating system's, so it goes with a killed batch.
    """
    import fcntl

    try:
        handle = (out / ".lock").open("a+", encoding="utf-8")
    except OSError as error:
        raise GraderError(f"cannot write in {out}: {error.strerror or error}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise GraderError(
                f"another grader batch (process {holder}) is writing to {out}; wait for it to "
                "finish, or give this one another --out"
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def out_of_time(results: list[SubmissionResult]) -> tuple[str, ...]:
    """Who ran out of which time budget, one line per student, for the console."""
    units = {
        "cpu": "of CPU",
        "total-cpu": "of CPU in all",
        "wall": "waiting",
        "total-wall": "waiting in all",
    }
    lines = []
    for result in results:
        spent = [
            f"{o.exercise or 'preamble'}, {o.seconds:g} s {units.get(o.limit, '')}".rstrip()
            for o in result.overruns
        ]
        if spent:
            lines.append(f"{result.student} ({'; '.join(spent)})")
    return tuple(lines)


def _refused_results(
    bank: Bank, options: GradingOptions, refused: list[Entry]
) -> Iterator[tuple[SubmissionResult, list[str]]]:
    """A result for each refused entry, every check saying why it was not graded."""
    if not refused:
        return
    # Never entered: a refused entry runs nothing, so no zygote needs to start.
    grader = Grader(bank, options)
    for entry in refused:
        assert entry.refusal is not None
        # The entry itself is not read, not even to hash it.
        result = grader._unreadable(Path(os.devnull), entry.student, entry.refusal)
        yield replace(result, path=str(entry.path), sha256=entry.sha256()), []


def _save(store: ResultsStore, result: SubmissionResult, problems: Problems) -> None:
    """Store one result; one that cannot be is replaced by a result saying so, and named."""
    try:
        store.save(result)
        return
    except Exception as error:
        what = f"result: could not be stored ({type(error).__name__}: {error})"
    problems[result.student] = what
    # No checksum: the next run grades this submission again.
    stand_in = SubmissionResult(
        result.student, result.path, "", result.bank_version, (), error=what
    )
    with contextlib.suppress(Exception):
        store.save(stand_in)


def _grade_all(
    bank: Bank, todo: list[Entry], options: GradingOptions, jobs: int
) -> Iterator[tuple[SubmissionResult, list[str]]]:
    if not todo:
        return
    # A worker more than there are submissions would only pay for its start.
    jobs = min(jobs, len(todo))
    if jobs <= 1:
        with Grader(bank, options) as grader:
            for entry in todo:
                yield grader.grade_file(entry.path, entry.student), grader.notices
        return
    # The workers' one zygote imports TensorFlow while the fork server they come from
    # imports its own copy: the batch's start costs one import, not one after another.
    with SharedZygote(jobs) as zygote:
        context = _worker_context()
        connections = context.SimpleQueue()
        for connection in zygote.connections:
            connections.put(connection)
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_worker_start,
            initargs=(str(bank.root), options, connections),
        )
        try:
            futures: list[Future[tuple[dict[str, Any], list[str]]]] = [
                pool.submit(_worker_grade, str(entry.path), entry.student) for entry in todo
            ]
            for future in as_completed(futures):
                data, grader_notices = future.result()
                yield SubmissionResult.from_json(data), grader_notices
        finally:
            # After Ctrl-C, submissions no worker has started are not graded at all.
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from one fork server that has imported TensorFlow and the grader
    (:mod:`grader.grading.warm`), so the import is paid once, not once per worker; spawned
    afresh where the platform has no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["grader.grading.warm"])
    return context


_worker_grader: Grader | None = None


def _worker_start(
    bank_root: str, options: GradingOptions, connections: SimpleQueue[socket.socket]
) -> None:
    """Start one worker's grader on its own connection to the batch's shared zygote."""
    global _worker_grader
    zygote = Zygote(connection=connections.get())
    _worker_grader = Grader(load_bank(Path(bank_root)), options, zygote).__enter__()


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
    """The entry's file, read as :mod:`grader.course.untrusted_files` allows; None for a refused
    entry or a file that cannot be read."""
    if entry.refusal is not None:
        return None
    try:
        return read_regular(entry.path, limit=MAX_FILE_BYTES, within=entry.root)
    except (OSError, SubmissionError):
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
