"""The ``grader`` command's first step: hand the command to the warm server, or run it here.

Importing TensorFlow takes seconds, and a student runs ``grader check`` dozens of times an
evening. So the first ``grader`` command starts a server that imports TensorFlow and the
grader once, and stays for :data:`IDLE_SECONDS` after the last command it ran. Each
command then runs in a fresh fork of it: with the caller's arguments, folder, environment,
umask and standard streams (passed over as file descriptors), under the caller's resource
limits (a caller with other limits has a server of its own), and its exit status comes
back as this process's own. Ctrl-C and the other signals that end a command are passed on;
a caller that dies takes its command with it.

The server imports what runners need, forks the zygote its commands' runners fork from
(:mod:`grader.sandbox.zygote_server`, which so holds nothing of the grader's), then imports
the grader. Like the zygote it never runs a TensorFlow op or student code, so each command
is a clean start. It answers its own user only, over a socket in a folder only that user
can enter, and only where runners get namespaces of their own, whose private ``/tmp``
hides that folder from them; it refuses a connection from any process below it (a runner,
whatever it started). Elsewhere, with
``GRADER_SERVER=0``, or under CI (``CI`` set: nothing is run twice there), the command
runs in this process as it always did.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import resource
import select
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

#: How long the server waits for another command after its last one before it exits.
IDLE_SECONDS = 600.0
#: The environment the server's imports and its runners depend on: a caller whose
#: values differ is served by a server of its own.
_KEYED_PREFIXES = ("TF_", "KERAS_", "CUDA_", "XLA_", "OMP_", "MKL_", "PYTHON", "GRADER_")
_KEYED_NAMES = ("PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH", "LD_PRELOAD", "TMPDIR")
#: How long a caller waits for a server it started to be listening.
_START_SECONDS = 30.0
#: The ends of a command: the signals a caller passes on to it.
_PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
_MAX_REQUEST = 1 << 20


def run() -> None:
    """The ``grader`` command: served by the warm server where there can be one, else here."""
    code = served(sys.argv)
    if code is None:
        from grader import cli

        cli.run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if code is not None else 0)


def served(argv: list[str]) -> int | None:
    """Run ``argv`` in the warm server, starting it if need be; give its exit status, or
    None where there is no server to run it (the caller then runs it itself)."""
    if not _wanted():
        return None
    folder = private_folder()
    if folder is None:
        return None
    key = server_key()
    if (folder / f"server-{key}.unavailable").exists():
        return None
    connection = _connect(folder / f"server-{key}.sock") or _start(folder, key)
    if connection is None:
        return None
    with connection:
        return _run_there(connection, argv)


def _wanted() -> bool:
    return (
        os.environ.get("GRADER_SERVER", "1") != "0"
        and not os.environ.get("CI")
        and sys.platform.startswith("linux")
        and hasattr(socket, "send_fds")
    )


def private_folder() -> Path | None:
    """The user's own scratch folder, where the server's socket is; None if it is not
    the user's alone (then no server is used: another user could stand in for it)."""
    folder = Path(tempfile.gettempdir()) / f"tf-grader-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    try:
        found = os.lstat(folder)
    except OSError:
        return None
    mine = stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid()
    return folder if mine and not found.st_mode & 0o077 else None


def server_key() -> str:
    """What tells servers apart: the interpreter, the grader's code as it is on disk, the
    environment its imports read, and the caller's resource limits (a command and the
    zygote its runners fork from inherit the server's, which are those of the caller that
    started it). A changed file of the grader means a new server."""
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}\0".encode())
    for name in sorted(n for n in dir(resource) if n.startswith("RLIMIT_")):
        with contextlib.suppress(OSError, ValueError):
            digest.update(f"{name}={resource.getrlimit(getattr(resource, name))}\0".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        found = source.stat()
        digest.update(f"{source}\0{found.st_mtime_ns}\0{found.st_size}\0".encode())
    for name in sorted(os.environ):
        if name.startswith(_KEYED_PREFIXES) or name in _KEYED_NAMES:
            digest.update(f"{name}={os.environ[name]}\0".encode())
    return digest.hexdigest()[:16]


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def _start(folder: Path, key: str) -> socket.socket | None:
    """Start the server and connect to it. It listens before it imports anything heavy,
    so the connection waits for its imports, not for a poll."""
    path = folder / f"server-{key}.sock"
    with (folder / f"server-{key}.lock").open("a") as lock:
        # Two commands started at once start one server.
        fcntl.flock(lock, fcntl.LOCK_EX)
        connection = _connect(path)
        if connection is not None:
            return connection
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a server that died without tidying up
        with (folder / f"server-{key}.log").open("w") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "grader.launcher",
                    "--serve",
                    str(path),
                    str(float(os.environ.get("GRADER_SERVER_IDLE", IDLE_SECONDS))),
                ],
                env=_server_environment(),
                cwd="/",
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            connection = _connect(path)
            if connection is not None:
                return connection
            time.sleep(0.01)
    return None


def _server_environment() -> dict[str, str]:
    """The zygote's own environment, with what the server's imports read besides."""
    from grader.sandbox.zygote import runner_environment

    env = runner_environment()
    for name, value in os.environ.items():
        if name.startswith(_KEYED_PREFIXES) and name != "PYTHONPATH":
            env.setdefault(name, value)
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] += os.pathsep + os.environ["PYTHONPATH"]
    return env


def _run_there(connection: socket.socket, argv: list[str]) -> int | None:
    """Send the command to the server and wait for its exit status; None if the server
    would not take it (nothing has run)."""
    umask = os.umask(0o077)
    os.umask(umask)
    request = {
        "argv": list(argv),
        "cwd": str(Path.cwd()),
        "env": dict(os.environ),
        "umask": umask,
        "stdio": [
            [getattr(stream, "encoding", None), getattr(stream, "errors", None)]
            for stream in (sys.stdin, sys.stdout, sys.stderr)
        ],
    }
    data = json.dumps(request).encode()
    try:
        socket.send_fds(connection, [data], [0, 1, 2])
        reply = connection.recv(1 << 16)
    except OSError:
        return None
    if not reply:
        return None
    pid = int(json.loads(reply)["pid"])

    def pass_on(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in _PASSED_ON:
        signal.signal(signum, pass_on)
    try:
        reply = connection.recv(1 << 16)
    except OSError:
        reply = b""
    if not reply:
        print(
            "grader: the warm grader server ended while it ran this command; run it again "
            "(GRADER_SERVER=0 runs it without the server)",
            file=sys.stderr,
        )
        return 1
    return int(json.loads(reply)["exit"])


# -- the server ------------------------------------------------------------------


def serve(path: str, idle_seconds: float) -> None:
    """The warm server: listen at ``path`` at once; import what runners need and fork the
    zygote (which holds nothing of the grader's); import the grader; then run commands
    until it has been idle for ``idle_seconds``."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    umask = os.umask(0o077)
    try:
        listener.bind(path)
    finally:
        os.umask(umask)
    listener.listen(64)
    if not _runners_get_namespaces():
        # A runner would see this socket: no server here, ever, for this key.
        Path(path).with_suffix(".unavailable").touch()
        listener.close()
        Path(path).unlink()
        return
    from grader.quiet import native_logs_dropped
    from grader.sandbox import runner, zygote_server
    from grader.sandbox.confinement import die_with_parent

    with native_logs_dropped():
        runner.prepare()
    zygote, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    if os.fork() == 0:
        try:
            listener.close()
            zygote.close()
            die_with_parent()
            zygote_server._serve([theirs], prepared=True)
        finally:
            os._exit(0)
    theirs.close()
    with native_logs_dropped():
        import grader.cli
        import grader.grading.batch
        import grader.grading.validate
        import grader.views.html  # noqa: F401
    front = _Front(listener, Path(path), idle_seconds, zygote)
    try:
        front.serve()
    finally:
        front.close()


def _runners_get_namespaces() -> bool:
    """Whether a supervisor here can enter the namespaces that give a runner its private
    ``/tmp`` (tried in a throwaway child, as a supervisor would)."""
    from grader.sandbox.confinement import enter_namespaces

    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if enter_namespaces()[0] else 1)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


class _Front:
    """The server's loop: callers connect, their commands are forked and reaped, and the
    server stops once idle, or when its zygote has gone."""

    def __init__(
        self, listener: socket.socket, path: Path, idle_seconds: float, zygote: socket.socket
    ) -> None:
        self._listener = listener
        self._path = path
        self._inode = path.stat().st_ino
        self._idle_seconds = idle_seconds
        self._zygote = zygote
        #: Each running command by its pid file descriptor (readable when it ends): its
        #: pid, and its caller's connection (None once the caller has gone).
        self._commands: dict[int, tuple[int, socket.socket | None]] = {}

    def serve(self) -> None:
        idle_since = time.monotonic()
        while True:
            callers = [caller for _, caller in self._commands.values() if caller is not None]
            watched: list[Any] = [self._listener, self._zygote, *self._commands, *callers]
            readable, _, _ = select.select(watched, [], [], min(5.0, self._idle_seconds))
            for ready in readable:
                if ready is self._zygote:
                    print("grader server: the zygote has gone; stopping", flush=True)
                    return
                if ready is self._listener:
                    self._accept()
                elif isinstance(ready, int):
                    self._ended(ready)
                else:
                    self._caller_gone(ready)
            now = time.monotonic()
            if self._commands:
                idle_since = now
            elif now - idle_since > self._idle_seconds or not self._still_ours():
                return

    def close(self) -> None:
        self._listener.close()
        if self._still_ours():
            self._path.unlink(missing_ok=True)

    def _still_ours(self) -> bool:
        try:
            return self._path.stat().st_ino == self._inode
        except OSError:
            return False

    def _accept(self) -> None:
        try:
            caller, _ = self._listener.accept()
        except OSError:
            return
        fds: list[int] = []
        try:
            credentials = caller.getsockopt(
                socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
            )
            pid, uid, _ = struct.unpack("3i", credentials)
            if uid != os.getuid() or _is_below(pid, os.getpid()):
                raise PermissionError(f"refused a caller: pid {pid}, uid {uid}")
            caller.settimeout(5)
            data, fds, _flags, _addr = socket.recv_fds(caller, _MAX_REQUEST, 3)
            request = _checked(json.loads(data), fds)
            command = self._fork(request, fds, caller)
            caller.send(json.dumps({"pid": command}).encode())
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"grader server: {error}", file=sys.stderr, flush=True)
            caller.close()
        finally:
            for fd in fds:
                os.close(fd)

    def _fork(self, request: dict[str, Any], fds: list[int], caller: socket.socket) -> int:
        """Fork the command, with a control connection of its own to the zygote."""
        from grader.sandbox.requests import ZygoteOp

        self._zygote.settimeout(30)
        self._zygote.send(json.dumps({"op": ZygoteOp.CONNECT, "count": 1}).encode())
        _, (zygote_fd,), _, _ = socket.recv_fds(self._zygote, 1 << 16, 1)
        served = socket.socket(fileno=zygote_fd)
        pid = os.fork()
        if pid == 0:
            try:
                self._listener.close()
                self._zygote.close()
                for pidfd, (_, other) in self._commands.items():
                    os.close(pidfd)
                    if other is not None:
                        other.close()
                caller.close()
                run_command(request, fds, served)
            finally:
                os._exit(70)
        served.close()
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        self._commands[pidfd] = (pid, caller)
        print(f"grader server: command {pid}: {' '.join(request['argv'][1:])}", flush=True)
        return pid

    def _caller_gone(self, caller: socket.socket) -> None:
        """A caller only ever sends its request: anything more is its going away, and
        its command goes with it."""
        for pidfd, (pid, known) in self._commands.items():
            if known is caller:
                caller.close()
                self._commands[pidfd] = (pid, None)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGHUP)

    def _ended(self, pidfd: int) -> None:
        pid, caller = self._commands.pop(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
        print(f"grader server: command {pid} ended with {code}", flush=True)
        if caller is not None:
            with contextlib.suppress(OSError):
                caller.send(json.dumps({"exit": code}).encode())
            caller.close()


def _checked(request: Any, fds: list[int]) -> dict[str, Any]:
    """A caller's request, as :func:`_run_there` sends it, or ValueError."""
    fields = {"argv": list, "cwd": str, "env": dict, "umask": int, "stdio": list}
    if not isinstance(request, dict) or len(fds) != 3:
        raise ValueError("a request is the command and three standard streams")
    for name, kind in fields.items():
        if not isinstance(request.get(name), kind):
            raise ValueError(f"a request's {name} is a {kind.__name__}")
    if not all(isinstance(word, str) for word in request["argv"]) or not request["argv"]:
        raise ValueError("a request's argv is a list of words")
    return request


def _is_below(pid: int, ancestor: int) -> bool:
    """Whether process ``pid`` descends from ``ancestor`` (a runner, or anything it started)."""
    while pid > 1:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return True  # gone or unreadable: not to be trusted either
        pid = int(fields[1])
        if pid == ancestor:
            return True
    return False


# -- a command, in its fork of the server ------------------------------------------


def run_command(request: dict[str, Any], fds: list[int], served: socket.socket) -> NoReturn:
    """Become the caller's command: its streams, folder, environment and arguments, with
    the server's zygote for its runners; exit with the command's status."""
    os.setsid()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None
    sys.argv = list(request["argv"])
    sys.stdin, sys.stdout, sys.stderr = (
        _stream(fd, mode, *request["stdio"][fd]) for fd, mode in enumerate("rww")
    )
    code = 1
    try:
        os.chdir(request["cwd"])
        from grader import cli
        from grader.sandbox.zygote import use_served_zygote

        use_served_zygote(served)
        code = cli.main(sys.argv[1:])
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else 0 if end.code is None else 1
        if isinstance(end.code, str):
            print(end.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _stream(fd: int, mode: str, encoding: str | None, errors: str | None) -> io.TextIOWrapper:
    """A standard stream on ``fd`` as the caller's interpreter had it."""
    buffer = io.open(fd, mode + "b", closefd=False)  # noqa: UP020, SIM115
    line_buffering = mode == "w" and (fd == 2 or os.isatty(fd))
    return io.TextIOWrapper(buffer, encoding, errors, line_buffering=line_buffering)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], float(sys.argv[3]))
        os._exit(0)
    run()
