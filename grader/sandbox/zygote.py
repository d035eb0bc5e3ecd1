"""The grader's side of the zygote, a warm process that has imported TensorFlow and forks runners.

No student code ever runs in the zygote, and it runs no TensorFlow op, so that a
fork of it is a clean, fast start for one submission. The grader talks to it over
a control socket (``SOCK_SEQPACKET``, JSON messages); with each request to fork it
sends one end of a fresh socket pair, which becomes the runner's only channel.

This module is the grader's side (:class:`Zygote`, :class:`SharedZygote`); the zygote
process itself, and the supervisor it forks for each runner, are
:mod:`grader.sandbox.zygote_server`.

Where ``fork`` is not available, a :class:`Spawner` starts a fresh interpreter per
runner instead: slower, same behaviour. Graders hold either as :class:`Runners`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from grader.errors import ZygoteError
from grader.sandbox.cgroup import descendants
from grader.sandbox.confinement import Confinement
from grader.sandbox.requests import ZygoteOp
from grader.sandbox.zygote_server import WALL_TIMEOUT_STATUS, confinement_to_json

_ENVIRONMENT_PASSED_ON = ("PATH", "LANG", "LC_ALL")


@dataclass(frozen=True)
class RunnerProcess:
    """A runner as the grader sees it: the supervisor's pid and the socket to talk over."""

    pid: int
    sock: socket.socket


def describe_status(status: int | None) -> str:
    """Give a runner's exit status in words an instructor understands."""
    if status is None:
        return "still running"
    if status == WALL_TIMEOUT_STATUS:
        return "killed at the submission's wall-clock limit"
    if status > 128:
        number = status - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = {
            "SIGKILL": " (killed: time or memory limit, or a kill)",
            "SIGXCPU": " (CPU time limit)",
            "SIGSEGV": " (crashed)",
            "SIGABRT": " (aborted, often out of memory)",
        }.get(name, "")
        return f"ended by {name}{hint}"
    return f"exited with code {status}"


class Zygote:
    """The grader's handle on one warm zygote process; a context manager.

    Starts lazily on the first :meth:`fork_runner`; restarts itself once if the
    zygote died (a submission cannot reach it, but a crash in TensorFlow could).
    Given a ``connection`` to a zygote another process started (:class:`SharedZygote`),
    it uses that one, and starts its own only if that one stops answering.
    """

    def __init__(self, *, connection: socket.socket | None = None) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = connection
        self._ready = False

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the zygote, not waiting for its imports (the grader does its own meanwhile)."""
        if self._process is not None and self._process.poll() is None:
            return
        if self._process is None and self._control is not None:
            return  # connected to a shared zygote
        self._process, (self._control,) = _start_zygote(1)
        self._ready = False

    def _ensure_ready(self) -> None:
        self.start()
        if self._ready:
            return
        reply = self._request({"op": ZygoteOp.HELLO}, timeout=180)
        if not reply.get("ready"):
            raise ZygoteError(f"the zygote did not start: {reply.get('error', reply)}")
        self._ready = True

    def start_runner(self, confinement: Confinement) -> RunnerProcess:
        """Give a fresh runner forked from the zygote, confined as asked."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._ensure_ready()
            message = {"op": ZygoteOp.FORK, "confinement": confinement_to_json(confinement)}
            reply = self._request(message, timeout=30, fd=theirs.fileno())
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return RunnerProcess(int(reply["pid"]), ours)

    def wait(self, runner: RunnerProcess, timeout: float = 5.0) -> int | None:
        """Give the runner's exit status, killing it if it has not ended within ``timeout``."""
        runner.sock.close()
        reply = self._request(
            {"op": ZygoteOp.WAIT, "pid": runner.pid, "timeout": timeout}, timeout=timeout + 10
        )
        status = reply.get("status")
        return None if status is None else int(status)

    def kill(self, runner: RunnerProcess) -> None:
        """Kill the runner and everything it started.

        The runner is PID 1 of its own namespace, so its death ends every process in
        it, whatever they did to their signals or sessions; without a namespace each
        descendant is killed by name. The supervisor, ours, then reaps the runner and
        exits, and :meth:`wait` collects it. A control group, where there is one, is
        emptied by its owner (:class:`grader.sandbox.cgroup.RunnerCgroup`).
        """
        if not _kill_descendants(runner.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(runner.pid, signal.SIGKILL)

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def _request(self, message: dict[str, Any], *, timeout: float, fd: int | None = None) -> Any:
        assert self._control is not None
        data = json.dumps(message).encode()
        try:
            self._control.settimeout(timeout)
            if fd is None:
                self._control.send(data)
            else:
                socket.send_fds(self._control, [data], [fd])
            reply = self._control.recv(1 << 16)
        except (OSError, TimeoutError) as error:
            self._restart_after_failure()
            raise ZygoteError(
                f"the zygote stopped answering ({error}); it will be restarted"
            ) from None
        if not reply:
            self._restart_after_failure()
            raise ZygoteError("the zygote exited unexpectedly; it will be restarted")
        return json.loads(reply)

    def _restart_after_failure(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        if self._control is not None:
            self._control.close()
            self._control = None


class Spawner:
    """Runners where there is no ``fork``: a fresh interpreter per runner, which pays for
    its own imports. Slower than :class:`Zygote`, same behaviour; a context manager."""

    def __init__(self) -> None:
        self._spawned: dict[int, subprocess.Popen[bytes]] = {}
        self._workdirs: dict[int, str] = {}
        self._next_index = 0

    def __enter__(self) -> Spawner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Nothing to start ahead: each runner starts its own interpreter."""

    def start_runner(self, confinement: Confinement) -> RunnerProcess:
        """Give a fresh runner in a new interpreter, confined as asked."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._next_index += 1
        workdir = tempfile.mkdtemp(prefix="grader-runner-")
        confinement = replace(confinement, workdir=workdir)
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "grader.sandbox.zygote_server",
                    "--spawn",
                    str(theirs.fileno()),
                    json.dumps(confinement_to_json(confinement)),
                    str(self._next_index),
                ],
                pass_fds=[theirs.fileno()],
                env=runner_environment(),
                cwd="/",
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        finally:
            theirs.close()
        self._spawned[process.pid] = process
        self._workdirs[process.pid] = workdir
        return RunnerProcess(process.pid, ours)

    def wait(self, runner: RunnerProcess, timeout: float = 5.0) -> int | None:
        """Give the runner's exit status, killing it if it has not ended within ``timeout``."""
        runner.sock.close()
        process = self._spawned.pop(runner.pid)
        try:
            return _status_of_popen(process.wait(timeout))
        except subprocess.TimeoutExpired:
            process.kill()
            return _status_of_popen(process.wait())
        finally:
            shutil.rmtree(self._workdirs.pop(runner.pid), ignore_errors=True)

    def kill(self, runner: RunnerProcess) -> None:
        """Kill the runner and everything it started."""
        _kill_descendants(runner.pid)
        self._spawned[runner.pid].kill()

    def close(self) -> None:
        for process in self._spawned.values():
            process.kill()
            process.wait()
        self._spawned.clear()
        for folder in self._workdirs.values():
            shutil.rmtree(folder, ignore_errors=True)
        self._workdirs.clear()


class Runners(Protocol):
    """Where a grader's runners come from: a :class:`Zygote`, or a :class:`Spawner`."""

    def start(self) -> None: ...
    def start_runner(self, confinement: Confinement) -> RunnerProcess: ...
    def wait(self, runner: RunnerProcess, timeout: float = 5.0) -> int | None: ...
    def kill(self, runner: RunnerProcess) -> None: ...
    def close(self) -> None: ...


def warm_runners() -> Runners:
    """A zygote where this system can fork, a spawner where it cannot."""
    return Zygote() if hasattr(os, "fork") else Spawner()


def _kill_descendants(pid: int) -> list[int]:
    """Kill every process below ``pid``; give those there were."""
    found = descendants(pid)
    for child in found:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)
    return found


class SharedZygote:
    """One zygote for several graders, such as a batch's workers: it pays for TensorFlow
    once, starts at once, and forks each grader's runners as that grader asks.

    Each grader gets a connection of its own from :attr:`connections` and hands it to
    :class:`Zygote` (``connection=``). The zygote exits when the last connection is
    closed, in whatever process holds it.
    """

    def __init__(self, graders: int) -> None:
        self._process, self.connections = _start_zygote(graders)

    def __enter__(self) -> SharedZygote:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        if self._process is None:
            return
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


#: In a command the warm server runs (:mod:`grader.launcher`): the connection to the server,
#: a zygote that has long imported TensorFlow, over which new control connections are asked.
_served: socket.socket | None = None


def use_served_zygote(connection: socket.socket) -> None:
    """Make every zygote of this process a connection to the warm server's (see
    :data:`_served`); one that cannot be had starts a zygote of its own, as elsewhere."""
    global _served
    _served = connection


def _served_connections(graders: int) -> list[socket.socket] | None:
    global _served
    if _served is None:
        return None
    try:
        _served.settimeout(30)
        _served.send(json.dumps({"op": ZygoteOp.CONNECT, "count": graders}).encode())
        reply, fds, _flags, _addr = socket.recv_fds(_served, 1 << 16, graders)
    except OSError:
        reply, fds = b"", []
    connections = [socket.socket(fileno=fd) for fd in fds]
    if not reply or len(connections) != graders:
        for connection in connections:
            connection.close()
        _served.close()
        _served = None
        return None
    return connections


def _start_zygote(graders: int) -> tuple[subprocess.Popen[bytes] | None, list[socket.socket]]:
    """Start a zygote, not waiting for its imports, with one control connection per grader;
    in a served command, connect to the server's zygote instead (no process of our own)."""
    served = _served_connections(graders)
    if served is not None:
        return None, served
    pairs = [socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET) for _ in range(graders)]
    fds = [theirs.fileno() for _, theirs in pairs]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "grader.sandbox.zygote_server", *map(str, fds)],
            pass_fds=fds,
            env=runner_environment(),
            cwd="/",
            stdin=subprocess.DEVNULL,
        )
    except BaseException:
        for ours, _ in pairs:
            ours.close()
        raise
    finally:
        for _, theirs in pairs:
            theirs.close()
    return process, [ours for ours, _ in pairs]


def runner_environment() -> dict[str, str]:
    """The environment a zygote starts with: the grader's own variables are not passed on."""
    env = {name: os.environ[name] for name in _ENVIRONMENT_PASSED_ON if name in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    # IPython and matplotlib want a writable folder of their own, which an instructor's
    # home need not be; without one each warns at every start.
    scratch = Path(tempfile.gettempdir()) / f"tf-grader-{os.getuid()}"
    scratch.mkdir(mode=0o700, exist_ok=True)
    env["IPYTHONDIR"] = str(scratch / "ipython")
    env["MPLCONFIGDIR"] = str(scratch / "matplotlib")
    return env


def _status_of_popen(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode
