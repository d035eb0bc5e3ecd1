"""The results store: one SQLite file per batch, each submission committed as it finishes.

A batch that is killed and run again resumes: what was graded is kept, and a
submission whose file and bank are unchanged is not graded again. Every export
(CSV, JSON, HTML) is a view of this store.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from grader.errors import StoreError
from grader.results.model import SubmissionResult
from grader.text import escaped_surrogates, safe_text

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student      TEXT PRIMARY KEY,
    path         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    bank_version TEXT NOT NULL,
    points       REAL NOT NULL,
    max_points   REAL NOT NULL,
    error        TEXT,
    seconds      REAL NOT NULL,
    graded_at    REAL NOT NULL,
    result       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checks (
    student      TEXT NOT NULL REFERENCES submissions(student) ON DELETE CASCADE,
    exercise     TEXT NOT NULL,
    check_id     TEXT NOT NULL,
    visibility   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    points       REAL NOT NULL,
    max_points   REAL NOT NULL,
    diagnosis    TEXT,
    PRIMARY KEY (student, exercise, check_id)
);
"""


class ResultsStore:
    """Graded submissions, keyed by student; a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(
                f"cannot open the results store {path}: {error}. Check that the folder is "
                "writable and the file is not another program's."
            ) from None

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def is_current(self, student: str, sha256: str, bank_version: str) -> bool:
        """Whether this student's submission, unchanged, was already graded against this bank."""
        row = self._db.execute(
            "SELECT 1 FROM submissions WHERE student = ? AND sha256 = ? AND bank_version = ?",
            (escaped_surrogates(student), sha256, bank_version),
        ).fetchone()
        return row is not None

    def save(self, result: SubmissionResult) -> None:
        """Commit one submission's result, replacing any earlier one for the same student.

        Any string is accepted: lone surrogates and control characters are replaced on
        the way in (in names and paths escaped, so different names stay different).
        """
        result = storable(result)
        try:
            with self._db:
                self._db.execute("DELETE FROM checks WHERE student = ?", (result.student,))
                self._db.execute(
                    "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        result.student,
                        result.path,
                        result.sha256,
                        result.bank_version,
                        result.points,
                        result.max_points,
                        result.error,
                        result.seconds,
                        time.time(),
                        json.dumps(result.to_json(), ensure_ascii=False),
                    ),
                )
                self._db.executemany(
                    "INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            result.student,
                            c.exercise,
                            c.check,
                            c.visibility,
                            c.outcome,
                            c.points,
                            c.max_points,
                            c.diagnosis,
                        )
                        for e in result.exercises
                        for c in e.checks
                    ],
                )
        except sqlite3.Error as error:
            raise StoreError(
                f"could not save {result.student}'s result to {self.path}: {error}. "
                "Free disk space and run the batch again; graded submissions are kept."
            ) from None

    def results(self, students: list[str] | None = None) -> list[SubmissionResult]:
        """Every stored result (or those of ``students``), by student name."""
        rows = self._db.execute(
            "SELECT student, path, sha256, bank_version, result FROM submissions ORDER BY student"
        )
        wanted = {escaped_surrogates(s) for s in students} if students is not None else None
        return [_read_row(*row) for row in rows if wanted is None or row[0] in wanted]


def storable(result: SubmissionResult) -> SubmissionResult:
    """Give ``result`` with every string one that any UTF-8 writer and SQLite accept."""
    return SubmissionResult.from_json(_clean(result.to_json()))


#: Fields that name things: kept distinct (escaped) rather than replaced.
_NAMES = frozenset({"student", "path"})


def _clean(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        return escaped_surrogates(value) if key in _NAMES else safe_text(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v, k if isinstance(k, str) else "") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def _read_row(student: str, path: str, sha256: str, version: str, text: str) -> SubmissionResult:
    # One row that cannot be read (an older or damaged store) is its student's problem
    # alone: it comes back as an ungraded result saying so, and the rest are read.
    try:
        return SubmissionResult.from_json(json.loads(text))
    except Exception as error:
        return SubmissionResult(
            student,
            path,
            "",
            version,
            (),
            error=f"the results store holds an unreadable result for {student} "
            f"({type(error).__name__}: {error}); grade this submission again",
        )
