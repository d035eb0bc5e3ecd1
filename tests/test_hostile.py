"""Hostile submissions, graded in one batch beside honest ones.

For each: the batch completes, every other student's grade is unaffected, the
hostile submission gains nothing, nothing hidden or secret appears in any output,
and its result says what happened.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.course.bank import Bank
from grader.grading.batch import run_batch
from grader.grading.grader import GradingOptions
from grader.results.model import SubmissionResult
from grader.results.store import ResultsStore

from .conftest import ROOT, TEST_LIMITS, solution_source

pytestmark = pytest.mark.slow

SECRET = "s3cr3t-grader-token-4711"
#: The daemons a hostile submission starts sleep this long; nothing else on the machine does.
DAEMON_SECONDS = 3071
CONV = "# EXERCISE: conv_output_size\n"
#: Text that appears only in hidden checks or reference solutions.
HIDDEN_TEXT = (
    "_HINTS",
    "Six standard errors",
    "tf.one_hot(labels, depth, dtype=tf.float32)",
    "def _diagnose",
)


def hostile_submissions(marker: Path, port: int) -> dict[str, str]:
    poison = f"""
import io, json, os, struct, numpy as np
import grader.sandbox.wire as wire

class Payload:
    def __reduce__(self):
        return (os.system, ("touch {marker}",))

def poisoned(message, **options):
    buffer = io.BytesIO()
    np.save(buffer, np.array([Payload()], dtype=object), allow_pickle=True)
    blob = buffer.getvalue()
    document = json.dumps({{"ok": True, "value": {{"$array": 0}}, "$blobs": [len(blob)]}}).encode()
    payload = struct.pack("!I", len(document)) + document + blob
    return struct.pack("!4sI", wire.MAGIC, len(payload)) + payload

wire.encode_frame = poisoned
"""
    return {
        "loop": CONV + "while True:\n    pass",
        "sleep": CONV + "import time\ntime.sleep(3600)",
        "memory": CONV + "hog = bytearray(64 * 2**30)",
        "numpy_memory": CONV + "import numpy as np\nhog = np.ones((100_000, 100_000))",
        "forkbomb": CONV + "import os\nfor _ in range(64):\n    os.fork()",
        "daemon": CONV + "import subprocess\n"
        f"subprocess.Popen(['sleep', '{DAEMON_SECONDS}'], start_new_session=True)\n"
        "import os\nif os.fork() == 0:\n    os.setsid()\n"
        f"    os.execvp('sleep', ['sleep', '{DAEMON_SECONDS}'])",
        "flood": CONV + "print('x' * 100_000_000)\nimport os\nos.write(1, b'y' * 10_000_000)",
        "diskfill": CONV + "with open('fill', 'wb') as f:\n    for _ in range(1000):\n"
        "        f.write(b'0' * 2**20)",
        "diskfill_many": CONV + "for i in range(1000):\n"
        "    open(f'part{i}', 'wb').write(b'0' * 2**20 * 8)",
        "osexit": CONV + "import os\nos._exit(0)",
        "killparent": CONV + "import os, signal\n"
        "for target in (-1, os.getppid(), -os.getpgid(0)):\n"
        "    try:\n        os.kill(target, signal.SIGKILL)\n"
        "    except OSError as error:\n        print('refused', target, error)\n"
        "    else:\n        print('sent', target)\n"
        "print('still alive')",
        "search": CONV + "import glob, os\n"
        f"found = glob.glob({str(ROOT)!r} + '/**/*.py', recursive=True)\n"
        "found += glob.glob('/proc/*/cwd/**/solution.py', recursive=True)\n"
        "found += glob.glob('/tmp/**/solution.py', recursive=True)\n"
        "found = [p for p in found if os.path.basename(p).startswith(('solution', 'test_'))]\n"
        "for path in found:\n    print(open(path).read())\n    exec(open(path).read())\n"
        "print('FOUND', found)",
        "writeout": CONV + "import glob, sqlite3\n"
        "for path in glob.glob('/**/results.sqlite', recursive=True)[:5]:\n"
        "    db = sqlite3.connect(path)\n"
        '    db.execute("UPDATE submissions SET points = 999")\n    db.commit()\n',
        "monkeypatch": "import builtins, numpy as np\n"
        "np.array_equal = lambda *a, **k: True\n"
        "builtins.isinstance = lambda *a: True\n"
        "import pytest\npytest.approx = lambda *a, **k: True\n"
        + CONV
        + "def conv_output_size(n, m, p, s):\n    return None",
        "poison": CONV + poison + "\ndef conv_output_size(n, m, p, s):\n    return 0",
        "transformer": "get_ipython().input_transformers_cleanup.append(lambda lines: [])",
        "environment": CONV + "import os\nprint(dict(os.environ))\n"
        "print(open('/proc/1/environ', 'rb').read())",
        "network": CONV + "import socket\n"
        f"socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'x')",
    }


@dataclass
class HostileBatch:
    out: Path
    results: dict[str, SubmissionResult]
    marker: Path
    connections: list[object]


def accept_once(server: socket.socket, into: list[object]) -> None:
    with contextlib.suppress(OSError):
        into.append(server.accept())


@pytest.fixture(scope="module")
def batch(bank: Bank, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileBatch]:
    base = tmp_path_factory.mktemp("hostile")
    class_dir, out, marker = base / "class", base / "out", base / "poison-executed"
    class_dir.mkdir()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(120)
    connections: list[object] = []
    listener = threading.Thread(target=accept_once, args=(server, connections), daemon=True)
    listener.start()
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    def notebook(name: str, *cells: str) -> None:
        nb = new_notebook()
        nb.cells = [new_code_cell(cell) for cell in cells]
        (class_dir / f"{name}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")

    notebook("alice", *(solution_source(bank, e) for e in bank.ids()))
    (class_dir / "bob.py").write_text(
        CONV + "def conv_output_size(n, m, p, s):\n    return (n - m) // s + 1\n"
    )
    for name, source in hostile_submissions(marker, server.getsockname()[1]).items():
        notebook(name, source)
    notebook(
        "transformer",
        hostile_submissions(marker, 0)["transformer"],
        solution_source(bank, "conv_output_size"),
    )
    notebook("sysexit", "import sys\nsys.exit(0)", solution_source(bank, "conv_output_size"))
    (class_dir / "notjson.ipynb").write_text("{oops")
    (class_dir / "empty.ipynb").write_text("")
    (class_dir / "latin1.py").write_bytes(b"x = '\xe9'\n")
    (class_dir / "syntax.py").write_text(CONV + "def conv_output_size(n, m, p, s:\n")
    notebook("huge", *(["x = 1"] * 5000))

    os.environ["GRADER_SECRET_TOKEN"] = SECRET
    try:
        run_batch(bank, class_dir, out, GradingOptions(limits=TEST_LIMITS))
    finally:
        del os.environ["GRADER_SECRET_TOKEN"]
        server.close()
    with ResultsStore(out / "results.sqlite") as store:
        results = {r.student: r for r in store.results()}
    yield HostileBatch(out, results, marker, connections)


def conv_points(result: SubmissionResult) -> float:
    exercise = result.exercise("conv_output_size")
    assert exercise is not None
    return exercise.points


def all_output(out: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace") for path in out.rglob("*") if path.is_file()
    )


def test_every_student_is_graded(batch: HostileBatch) -> None:
    expected = {
        "alice",
        "bob",
        "sysexit",
        "transformer",
        "notjson",
        "empty",
        "latin1",
        "syntax",
        "huge",
        *hostile_submissions(Path("/x"), 0),
    }
    assert set(batch.results) == expected
    assert (batch.out / "grades.csv").read_text().count("\n") == len(expected) + 1
    for student in expected:
        assert (batch.out / "students" / f"{student}.html").is_file()


def test_honest_students_are_graded_as_if_alone(batch: HostileBatch) -> None:
    alice = batch.results["alice"]
    assert alice.points == alice.max_points
    bob = batch.results["bob"]
    conv = bob.exercise("conv_output_size")
    assert conv is not None
    public = [c for c in conv.checks if c.visibility == "public"]
    assert "padding-forgotten" in {c.diagnosis for c in public if not c.passed}


@pytest.mark.parametrize("student", sorted(hostile_submissions(Path("/x"), 0)))
def test_a_hostile_submission_gains_nothing(batch: HostileBatch, student: str) -> None:
    assert batch.results[student].points == 0


def test_nothing_hidden_or_secret_appears_in_any_output(batch: HostileBatch) -> None:
    text = all_output(batch.out)
    assert SECRET not in text
    # Alice hands in the reference answers: her own cells, stored and shown, are no leak.
    handed_in = all_output(batch.out.parent / "class")
    leaks = [hidden for hidden in HIDDEN_TEXT if hidden not in handed_in]
    assert leaks, "the batch must have hidden text that no submission contains"
    for hidden in leaks:
        assert hidden not in text, hidden
    assert "FOUND []" in batch.results["search"].cells[0].stdout


def test_the_poisoned_serialiser_is_refused_and_nothing_executes(batch: HostileBatch) -> None:
    assert not batch.marker.exists()
    result = batch.results["poison"]
    assert result.error is not None and "malformed message" in result.error


def test_a_loop_and_a_sleep_time_out_and_say_so(batch: HostileBatch) -> None:
    for student, limit in (("loop", "cpu"), ("sleep", "wall")):
        result = batch.results[student]
        [cell] = result.cells
        assert cell.status == "timeout"
        [overrun] = result.overruns
        assert (overrun.exercise, overrun.cell, overrun.limit) == ("conv_output_size", 1, limit)
        assert "used up its" in cell.evalue


def test_memory_hogs_fail_their_cell_with_memory_error(batch: HostileBatch) -> None:
    for student in ("memory", "numpy_memory"):
        [cell] = batch.results[student].cells
        assert cell.ename in ("MemoryError", "_ArrayMemoryError"), cell


def test_output_is_capped(batch: HostileBatch) -> None:
    [cell] = batch.results["flood"].cells
    assert len(cell.stdout) <= TEST_LIMITS.output_bytes
    assert (batch.out / "results.json").stat().st_size < 5 * 2**20


def test_disk_fillers_hit_their_limits(batch: HostileBatch) -> None:
    [single] = batch.results["diskfill"].cells
    assert single.status == "error" and "File too large" in single.evalue
    [many] = batch.results["diskfill_many"].cells
    assert many.status == "error" and "No space left" in many.evalue


def test_no_process_a_submission_started_outlives_it(batch: HostileBatch) -> None:
    leftovers = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if words[:2] == [b"sleep", str(DAEMON_SECONDS).encode()]:
            leftovers.append(cmdline.parent.name)
    assert leftovers == []


def test_exits_and_kills_end_only_the_submission(batch: HostileBatch) -> None:
    assert "exited" in (batch.results["osexit"].error or "")
    [kill] = batch.results["killparent"].cells
    assert kill.stdout.count("refused") + kill.stdout.count("sent") == 3
    assert "still alive" in kill.stdout
    sysexit = batch.results["sysexit"]
    conv = sysexit.exercise("conv_output_size")
    assert sysexit.cells[0].status == "error"
    assert conv is not None and conv.points == conv.max_points


def test_a_blanking_input_transformer_only_blanks_its_own_notebook(batch: HostileBatch) -> None:
    result = batch.results["transformer"]
    assert conv_points(result) == 0


def test_the_network_is_unreachable(batch: HostileBatch) -> None:
    assert batch.connections == []
    [cell] = batch.results["network"].cells
    assert cell.status == "error" and "unreachable" in cell.evalue


def test_writing_to_the_results_changes_nothing(batch: HostileBatch) -> None:
    document = json.loads((batch.out / "results.json").read_text())
    assert all(student["points"] <= student["max_points"] for student in document["students"])


@pytest.mark.parametrize(
    ("student", "words"),
    [
        ("notjson", "invalid JSON"),
        ("empty", "empty"),
        ("latin1", "not UTF-8"),
        ("huge", "at most 4000"),
    ],
)
def test_malformed_files_are_reported_clearly(
    batch: HostileBatch, student: str, words: str
) -> None:
    result = batch.results[student]
    assert result.error is not None and words in result.error
    page = (batch.out / "students" / f"{student}.html").read_text()
    assert words in page


def test_a_syntax_error_is_reported_in_its_cell(batch: HostileBatch) -> None:
    [cell] = batch.results["syntax"].cells
    assert cell.status == "error" and cell.ename == "SyntaxError"
