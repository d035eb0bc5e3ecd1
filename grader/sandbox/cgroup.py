"""A control group per runner: CPU accounting, a fair share, and one memory and process cap.

Runs on the **grader** side of the boundary. The grader makes the group and reads it;
the runner's supervisor only joins it before forking the runner, so the runner and
everything it starts are in it, and a runner under its own uid cannot leave it (the
group's files belong to root). What the kernel counts here is the grader's evidence of
how much CPU a submission used: nothing the runner says about itself enters into it.

Both layouts are supported: cgroup v2 (one hierarchy) and v1 (a hierarchy per
controller: ``cpu``, ``cpuacct``, ``memory``, ``pids``, ``freezer``). Each runner's group
is made below the grader's own group in each hierarchy. Where no group can be made (not
root, no delegation), :meth:`RunnerCgroup.create` gives ``None`` and the grader measures
the runner's processes through ``/proc`` instead (:class:`ProcessTreeMeter`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

_ROOT = Path("/sys/fs/cgroup")
_V1_CONTROLLERS = ("cpu", "cpuacct", "memory", "pids", "freezer")
_counter = itertools.count(1)


def _own_group(hierarchy: str) -> str | None:
    """This process's group in a v1 hierarchy (``memory``, say), or in v2 for ``""``."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if (hierarchy == "" and names == "") or hierarchy in names.split(","):
            return path
    return None


@functools.cache
def _sweep(base: Path) -> None:
    """Remove the empty groups a grader that was killed left below ``base`` (once per base
    and process: its name carries its pid, which is gone)."""
    for folder in base.glob("tf-grader-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            folder.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


@dataclass(frozen=True)
class RunnerCgroup:
    """One runner's group: a folder per hierarchy (one in v2)."""

    folders: tuple[Path, ...]
    cpu_usage: Path
    #: The file whose ``oom_kill`` line counts the processes the memory cap ended.
    memory_events: Path | None
    freezer: Path | None
    unified: bool

    @classmethod
    def create(cls, *, memory_bytes: int, processes: int) -> RunnerCgroup | None:
        """Make a fresh group with these caps, or give None where groups cannot be made."""
        name = f"tf-grader-{os.getpid()}-{next(_counter)}"
        try:
            if (_ROOT / "cgroup.controllers").is_file():
                return cls._create_v2(name, memory_bytes, processes)
            return cls._create_v1(name, memory_bytes, processes)
        except OSError:
            return None

    @classmethod
    def _create_v1(cls, name: str, memory_bytes: int, processes: int) -> RunnerCgroup | None:
        bases = {}
        for controller in _V1_CONTROLLERS:
            own = _own_group(controller)
            base = _ROOT / controller / (own or "/").lstrip("/")
            if own is not None and _writable_dir(base):
                bases[controller] = base
                _sweep(base)
        if "cpuacct" not in bases:
            return None
        folders = {}
        try:
            for controller, base in bases.items():
                folder = base / name
                folder.mkdir()
                folders[controller] = folder
            if "memory" in folders:
                (folders["memory"] / "memory.limit_in_bytes").write_text(str(memory_bytes))
                # Memory the kernel cannot reclaim past the cap ends the group's processes
                # (the OOM killer), which the grader reports as the memory limit.
                with contextlib.suppress(OSError):
                    (folders["memory"] / "memory.memsw.limit_in_bytes").write_text(
                        str(memory_bytes)
                    )
            if "pids" in folders:
                (folders["pids"] / "pids.max").write_text(str(processes))
        except OSError:
            for folder in folders.values():
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        return cls(
            folders=tuple(folders.values()),
            cpu_usage=folders["cpuacct"] / "cpuacct.usage",
            memory_events=folders["memory"] / "memory.oom_control" if "memory" in folders else None,
            freezer=folders.get("freezer"),
            unified=False,
        )

    @classmethod
    def _create_v2(cls, name: str, memory_bytes: int, processes: int) -> RunnerCgroup | None:
        own = _own_group("")
        if own is None:
            return None
        base = _ROOT / own.lstrip("/")
        if not _writable_dir(base):
            return None
        _sweep(base)
        wanted = {"cpu", "memory", "pids"}
        enabled = set((base / "cgroup.subtree_control").read_text().split())
        for controller in wanted - enabled:
            with contextlib.suppress(OSError):
                (base / "cgroup.subtree_control").write_text(f"+{controller}")
        folder = base / name
        folder.mkdir()
        with contextlib.suppress(OSError):
            (folder / "memory.max").write_text(str(memory_bytes))
            (folder / "memory.swap.max").write_text("0")
        with contextlib.suppress(OSError):
            (folder / "pids.max").write_text(str(processes))
        return cls(
            folders=(folder,),
            cpu_usage=folder / "cpu.stat",
            memory_events=folder / "memory.events",
            freezer=folder,
            unified=True,
        )

    @property
    def join_files(self) -> list[str]:
        """The ``cgroup.procs`` files the supervisor writes its pid to, to join the group."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def cpu_seconds(self) -> float:
        """CPU time used by every process that was ever in the group, user and system."""
        text = self.cpu_usage.read_text()
        if not self.unified:
            return int(text) / 1e9
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "usage_usec":
                return int(value) / 1e6
        return 0.0

    def processes(self) -> list[int]:
        """The pids now in the group."""
        pids: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                pids.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
        return sorted(pids)

    def kill_all(self, within: float = 2.0) -> bool:
        """Kill every process in the group, frozen first so that none can fork meanwhile;
        give whether the group is empty."""
        self._freeze(True)
        deadline = time.monotonic() + within
        try:
            while True:
                pids = self.processes()
                if not pids:
                    return True
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)
        finally:
            self._freeze(False)

    def _freeze(self, frozen: bool) -> None:
        if self.freezer is None:
            return
        if self.unified:
            target, value = self.freezer / "cgroup.freeze", "1" if frozen else "0"
        else:
            target, value = self.freezer / "freezer.state", "FROZEN" if frozen else "THAWED"
        with contextlib.suppress(OSError):
            target.write_text(value)

    def hit_memory_limit(self) -> bool:
        """Whether the kernel ended a process of the group at its memory cap."""
        if self.memory_events is None:
            return False
        with contextlib.suppress(OSError, ValueError):
            for line in self.memory_events.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill" and int(value) > 0:
                    return True
        return False

    def remove(self) -> None:
        """Kill what is left and remove the group's folders."""
        self.kill_all()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


class ProcessTreeMeter:
    """CPU time of a process and all its descendants, read from ``/proc``.

    The fallback where no control group can be made. It counts live processes, and
    through each one's ``cutime``/``cstime`` the children it has reaped; a process that
    escaped the tree before being counted (a double fork without a PID namespace) is
    missed, which is why the grader prefers a group.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._ticks = os.sysconf("SC_CLK_TCK")
        self._last = 0.0

    def cpu_seconds(self) -> float:
        total = 0
        for pid in descendants(self.pid, include_self=True):
            fields = _stat_fields(pid)
            if fields is not None:
                total += sum(int(f) for f in fields[11:15])
        # Never go backwards: a process counted once and then gone (not yet reaped by a
        # counted parent) keeps what it used.
        self._last = max(self._last, total / self._ticks)
        return self._last


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after it do not.
    return text[text.rfind(")") + 2 :].split()


def descendants(pid: int, *, include_self: bool = False) -> list[int]:
    """Every live descendant of ``pid`` (children of every thread), breadth first."""
    found = [pid] if include_self else []
    queue = [pid]
    while queue:
        parent = queue.pop(0)
        children: list[int] = []
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{parent}/task").iterdir():
                with contextlib.suppress(OSError, ValueError):
                    children += [int(c) for c in (task / "children").read_text().split()]
        found += children
        queue += children
    return found
