"""The zygote forks runners from a warm interpreter, recovers if it dies, spawns where it must."""

from __future__ import annotations

import json
import os
import select
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from grader.course.bank import Bank
from grader.errors import UnconfinedError, ZygoteError
from grader.grading.grader import Grader, GradingOptions
from grader.grading.proxies import StudentNamespace
from grader.sandbox.confinement import Confinement
from grader.sandbox.session import RunnerSession
from grader.sandbox.zygote import (
    WALL_TIMEOUT_STATUS,
    SharedZygote,
    Spawner,
    Zygote,
    describe_status,
    warm_runners,
)

from ..conftest import ROOT, TEST_LIMITS

CONFINEMENT = Confinement(TEST_LIMITS, (str(ROOT),))


@pytest.mark.slow
def test_runners_forked_from_one_zygote_do_not_share_state(zygote: Zygote) -> None:
    first = RunnerSession(zygote, CONFINEMENT)
    first.run_cell(1, None, "shared = 'first'")
    second = RunnerSession(zygote, CONFINEMENT)
    assert not hasattr(StudentNamespace(second, "x"), "shared")
    assert StudentNamespace(first, "x").shared == "first"
    first.close()
    second.close()


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@pytest.mark.slow
def test_one_shared_zygote_serves_several_graders_and_none_waits_on_another() -> None:
    shared = SharedZygote(2)
    first, second = (Zygote(connection=c) for c in shared.connections)
    idle = RunnerSession(first, CONFINEMENT)
    # The first grader waits on a runner that is not going to end by itself...
    assert first._control is not None
    first._control.send(
        json.dumps({"op": "wait", "pid": idle._process.pid, "timeout": 600}).encode()
    )
    # ...and meanwhile the second grader's runner is forked, runs a cell and ends.
    other = RunnerSession(second, CONFINEMENT)
    assert other.run_cell(1, None, "x = 1 + 1").status == "ok"
    assert _parent_of(other._process.pid) == _parent_of(idle._process.pid)
    assert other.close() == "exited with code 0"
    assert select.select([first._control], [], [], 0)[0] == [], "the first wait was answered early"
    os.kill(idle._process.pid, signal.SIGKILL)
    first._control.settimeout(30)
    assert json.loads(first._control.recv(1 << 16)) == {"status": 128 + signal.SIGKILL}
    # The zygote ends when its last grader has gone.
    first.close()
    second.close()
    shared.close()
    assert shared._process.returncode == 0


@pytest.mark.slow
def test_a_grader_whose_shared_zygote_died_starts_its_own() -> None:
    shared = SharedZygote(1)
    zygote = Zygote(connection=shared.connections[0])
    RunnerSession(zygote, CONFINEMENT).close()
    shared._process.kill()
    shared._process.wait()
    with pytest.raises(ZygoteError):
        RunnerSession(zygote, CONFINEMENT)
    session = RunnerSession(zygote, CONFINEMENT)
    session.run_cell(1, None, "x = 2")
    assert StudentNamespace(session, "x").x == 2
    session.close()
    assert zygote._process is not None and zygote._process.pid != shared._process.pid
    zygote.close()


@pytest.mark.slow
def test_a_dead_zygote_is_restarted_on_the_next_runner() -> None:
    with Zygote() as zygote:
        RunnerSession(zygote, CONFINEMENT).close()
        assert zygote._process is not None
        os.kill(zygote._process.pid, signal.SIGKILL)
        zygote._process.wait()
        session = RunnerSession(zygote, CONFINEMENT)
        session.run_cell(1, None, "x = 2")
        assert StudentNamespace(session, "x").x == 2
        session.close()


@pytest.mark.slow
def test_without_fork_runners_are_spawned_and_behave_the_same() -> None:
    with Spawner() as zygote:
        session = RunnerSession(zygote, CONFINEMENT)
        run = session.run_cell(1, None, "import tensorflow as tf\nx = tf.ones((2,))")
        assert run.status == "ok", run
        assert StudentNamespace(session, "x").x.numpy().tolist() == [1.0, 1.0]
        assert any("spawned" in sentence for sentence in session.missing_protections)
        assert not session.confined
        assert session.run_cell(2, None, "import os\nhere = os.getcwd()").status == "ok"
        workdir = StudentNamespace(session, "x").here
        assert Path(workdir).is_dir() and Path(workdir).name.startswith("grader-runner-")
        assert session.close() == "exited with code 0"
        assert not Path(workdir).exists()


def test_a_system_without_fork_gets_a_spawner(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(warm_runners(), Zygote)
    monkeypatch.delattr(os, "fork")
    assert isinstance(warm_runners(), Spawner)


@pytest.mark.slow
def test_a_grader_refuses_unconfined_runners_unless_told_to_trust(
    bank: Bank, tmp_path: Path
) -> None:
    path = tmp_path / "work.py"
    path.write_text("# EXERCISE: tensors\nimport tensorflow as tf\n")
    options = GradingOptions(limits=TEST_LIMITS)
    with (
        Grader(bank, options, zygote=Spawner()) as grader,
        pytest.raises(UnconfinedError, match="--trust-submissions"),
    ):
        grader.grade_file(path)
    trusting = replace(options, trust_submissions=True)
    with Grader(bank, trusting, zygote=Spawner()) as grader:
        assert grader.grade_file(path).exercise("tensors") is not None


def test_exit_statuses_are_described_for_instructors() -> None:
    assert describe_status(0) == "exited with code 0"
    assert "wall-clock" in describe_status(WALL_TIMEOUT_STATUS)
    assert "SIGKILL" in describe_status(128 + 9) and "memory" in describe_status(128 + 9)
    assert "CPU" in describe_status(128 + int(signal.SIGXCPU))
