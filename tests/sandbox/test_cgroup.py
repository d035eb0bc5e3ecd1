"""A control group per runner: made below the grader's own, and never left behind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from grader.sandbox import cgroup
from grader.sandbox.cgroup import RunnerCgroup


def cpuacct_base() -> Path | None:
    own = cgroup._own_group("cpuacct")
    base = Path("/sys/fs/cgroup/cpuacct") / (own or "/").lstrip("/")
    return base if own is not None and os.access(base, os.W_OK) else None


@pytest.mark.skipif(cpuacct_base() is None, reason="needs a writable cgroup v1 cpuacct")
def test_groups_a_killed_grader_left_are_swept_and_live_ones_kept() -> None:
    base = cpuacct_base()
    assert base is not None
    finished = subprocess.Popen(["true"])
    finished.wait()
    stale = base / f"tf-grader-{finished.pid}-1"
    live = base / f"tf-grader-{os.getppid()}-999"
    stale.mkdir()
    live.mkdir()
    try:
        cgroup._sweep.cache_clear()
        group = RunnerCgroup.create(memory_bytes=2**30, processes=64)
        assert group is not None
        group.remove()
        assert not stale.exists()
        assert live.exists()
        assert not any(folder.exists() for folder in group.folders)
    finally:
        for folder in (stale, live):
            if folder.exists():
                folder.rmdir()
