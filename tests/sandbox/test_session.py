"""Time budgets per exercise section, measured by the grader, and runners that end whole.

A grade must not depend on the machine's load: budgets are CPU seconds of the runner
and everything it starts, per exercise section; the wall clock is a backstop. A
submission that ignores its budget is killed with every process it started, and no
runner can leave anything for the next one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.course.bank import Bank
from grader.grading.grader import Grader, GradingOptions
from grader.results.model import SubmissionResult
from grader.sandbox.cgroup import RunnerCgroup
from grader.sandbox.confinement import Limits
from grader.views.html import run_problems

from ..conftest import COURSE_LIMITS, NotebookWriter, cpu_hogs, solution_source

pytestmark = pytest.mark.slow

CONV = "# EXERCISE: conv_output_size\n"
TENSORS = "# EXERCISE: tensors\n"
#: Short budgets: each hostile submission here costs a few CPU seconds.
SHORT = Limits(cpu_seconds=3, wall_seconds=8, total_cpu_seconds=60, total_wall_seconds=120)


def points(result: SubmissionResult, exercise: str) -> tuple[float, float]:
    found = result.exercise(exercise)
    assert found is not None
    return found.points, found.max_points


def processes_named(marker: str) -> list[int]:
    """Live processes whose name (``comm``, kept across fork) or command line has ``marker``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            comm = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z" and (marker in comm or marker in cmdline):
            found.append(int(entry.name))
    return found


def name_this_process(marker: str) -> str:
    return f"import ctypes\nctypes.CDLL(None).prctl(15, {marker.encode()!r}, 0, 0, 0)\n"


@pytest.fixture(scope="module")
def short_grader(bank: Bank) -> Iterator[Grader]:
    with Grader(bank, GradingOptions(limits=SHORT)) as warm:
        yield warm


def test_a_section_that_loops_costs_only_its_own_exercise(
    short_grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "loop.ipynb",
        TENSORS + "while True:\n    pass",
        solution_source(bank, "conv_output_size"),
    )
    result = short_grader.grade_file(path)
    conv, conv_max = points(result, "conv_output_size")
    assert conv == conv_max > 0
    [overrun] = result.overruns
    assert (overrun.exercise, overrun.cell, overrun.limit, overrun.seconds) == (
        "tensors",
        1,
        "cpu",
        3,
    )
    assert result.cells[0].status == "timeout"
    [problem] = run_problems(result)
    assert "CPU 시간 3초를" in problem.ko and "'tensors' 문제가" in problem.ko
    assert "3 s of CPU time" in problem.en and "during cell 1" in problem.en
    assert "could not be read" not in problem.en


def test_code_that_waits_without_computing_meets_the_wall_clock_backstop(
    short_grader: Grader, bank: Bank, write_notebook: NotebookWriter
) -> None:
    path = write_notebook(
        "waits.ipynb",
        TENSORS + "import time\ntime.sleep(3600)",
        solution_source(bank, "conv_output_size"),
    )
    result = short_grader.grade_file(path)
    [overrun] = result.overruns
    assert (overrun.exercise, overrun.limit, overrun.seconds) == ("tensors", "wall", 8)
    assert "wall-clock" in run_problems(result)[0].en
    conv, conv_max = points(result, "conv_output_size")
    assert conv == conv_max


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(
            "import signal\nfor s in (signal.SIGPROF, signal.SIGALRM, signal.SIGINT):\n"
            "    signal.signal(s, signal.SIG_IGN)\nwhile True:\n    pass",
            id="ignores-its-timers",
        ),
        pytest.param(
            "import os, time\nfor _ in range(100):\n    if os.fork() == 0:\n"
            "        while True:\n            pass\ntime.sleep(3600)",
            id="forks-100-busy-children",
        ),
        pytest.param(
            "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            "        while True:\n            pass\n    os._exit(0)\ntime.sleep(3600)",
            id="double-forks-a-session-leader",
        ),
    ],
)
def test_a_submission_past_its_budget_ends_with_everything_it_started(
    short_grader: Grader, write_notebook: NotebookWriter, hostile: str
) -> None:
    marker = f"hog{os.getpid() % 10000}x{abs(hash(hostile)) % 10000}"
    path = write_notebook("hostile.ipynb", TENSORS + name_this_process(marker) + hostile)
    started = time.monotonic()
    result = short_grader.grade_file(path)
    assert result.cells[0].status == "timeout"
    assert [o.limit for o in result.overruns] == ["cpu"]
    # Three CPU seconds of budget, a grace, and the kill: far less than the wall backstop.
    assert time.monotonic() - started < 60
    deadline = time.monotonic() + 5
    while processes_named(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_named(marker) == []


def test_children_count_against_the_runners_cpu_budget(
    short_grader: Grader, write_notebook: NotebookWriter
) -> None:
    # The children compute while the runner itself waits: only a meter of the whole
    # runner, not of one process, sees the budget go.
    hog = "import os, time\nfor _ in range(4):\n    if os.fork() == 0:\n"
    hog += "        while True:\n            pass\ntime.sleep(3600)"
    result = short_grader.grade_file(write_notebook("children.ipynb", TENSORS + hog))
    [overrun] = result.overruns
    assert overrun.limit == "cpu"


def test_a_runner_leaves_nothing_for_the_next_one(
    short_grader: Grader, write_notebook: NotebookWriter
) -> None:
    key = 0x7A6E0000 + os.getpid() % 0xFFFF
    writer = (
        "import ctypes, os, pathlib\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"segment = libc.shmget({key}, 32 * 2**20, 0o1000 | 0o666)\n"
        "print('segment', segment)\n"
        "for folder in ('/tmp', '/var/tmp', '/dev/shm', '/run/lock'):\n"
        "    try:\n"
        "        pathlib.Path(folder, 'left-for-the-next').write_text('hello')\n"
        "        print('wrote', folder)\n"
        "    except OSError as error:\n"
        "        print('refused', folder, error)\n"
    )
    reader = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        f"print('segment', libc.shmget({key}, 0, 0))\n"
        "for folder in ('/tmp', '/var/tmp', '/dev/shm', '/run/lock'):\n"
        "    if os.path.exists(os.path.join(folder, 'left-for-the-next')):\n"
        "        print('FOUND', folder)\n"
        "print('hostname', os.uname().nodename)\n"
    )
    wrote = short_grader.grade_file(write_notebook("writer.ipynb", TENSORS + writer))
    assert "segment -1" not in wrote.cells[0].stdout
    assert "wrote /tmp" in wrote.cells[0].stdout
    read = short_grader.grade_file(write_notebook("reader.ipynb", TENSORS + reader))
    stdout = read.cells[0].stdout
    assert "segment -1" in stdout
    assert "FOUND" not in stdout
    host_segments = Path("/proc/sysvipc/shm").read_text().split("\n")[1:]
    assert not any(line.split() and int(line.split()[0]) == key for line in host_segments)
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
        assert not Path(folder, "left-for-the-next").exists()


def cgroups_available() -> bool:
    group = RunnerCgroup.create(memory_bytes=2**30, processes=64)
    if group is not None:
        group.remove()
    return group is not None


@pytest.mark.skipif(
    os.geteuid() != 0 or not cgroups_available(),
    reason="a control group per runner needs root and a writable cgroup hierarchy",
)
def test_the_memory_cap_holds_for_the_runner_as_a_whole(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    # Four children of 400 MiB each stay under a per-process cap, not under the group's.
    hog = (
        "import os, time\nchildren = []\nfor _ in range(4):\n    pid = os.fork()\n"
        "    if pid == 0:\n        block = b'x' * (400 * 2**20)\n        time.sleep(30)\n"
        "        os._exit(0)\n    children.append(pid)\ntime.sleep(8)\n"
        "alive = sum(os.waitpid(pid, os.WNOHANG) == (0, 0) for pid in children)\n"
        "print('alive', alive)\n"
    )
    limits = Limits(cpu_seconds=20, wall_seconds=60, memory_mb=1024)
    with Grader(bank, GradingOptions(limits=limits)) as small:
        result = small.grade_file(write_notebook("memory.ipynb", TENSORS + hog))
    stdout = result.cells[0].stdout
    assert "alive" in stdout and "alive 4" not in stdout


def test_an_honest_course_gets_full_marks_with_the_machine_busy(
    bank: Bank, write_notebook: NotebookWriter
) -> None:
    cells = [solution_source(bank, e) for e in bank.ids()]
    path = write_notebook("busy.ipynb", *cells)
    with cpu_hogs(2), Grader(bank, GradingOptions(limits=COURSE_LIMITS)) as grader:
        result = grader.grade_file(path)
    assert result.overruns == ()
    assert result.points == result.max_points > 100


def test_an_exercise_toml_can_ask_for_more_time(bank: Bank) -> None:
    compile_fit = bank.get("compile_fit")
    assert compile_fit.cpu_seconds is not None
    grader = Grader(bank, GradingOptions(limits=SHORT))
    budget = grader.budget_for("compile_fit")
    assert budget.cpu_seconds == compile_fit.cpu_seconds > SHORT.cpu_seconds
    assert budget.wall_seconds >= 5 * compile_fit.cpu_seconds
    assert grader.budget_for("tensors").cpu_seconds == SHORT.cpu_seconds
    assert grader.budget_for(None).wall_seconds == SHORT.wall_seconds
