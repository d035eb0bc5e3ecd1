"""Confinement of a runner process, applied before any student code runs.

Runs on the runner's side of the trust boundary, but while the process is still
ours: everything here happens between the fork and the first student cell.

Where the system permits (root, or unprivileged user namespaces), the runner
gets new PID, mount and network namespaces: no network, the bank, the class
and the output folder hidden under empty read-only mounts, a size-capped tmpfs
for ``/tmp`` and its working directory, and a PID namespace whose end takes
every process the submission started with it. As root it also runs under a
fresh unprivileged uid. Resource limits (CPU, memory, processes, files, file
size) apply everywhere. What could not be applied is reported, not hidden.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_REMOUNT = 32
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_PR_SET_NO_NEW_PRIVS = 38
_RUNNER_UID_BASE = 2_000_000


@dataclass(frozen=True)
class Limits:
    """How much one submission may use. Times in seconds, sizes in MiB unless named bytes.

    Time is a budget of CPU seconds (the runner and every process it starts) for each
    exercise section, so that a busy machine makes a submission slower, never poorer; a
    section's checks are charged to it too. The wall clock is only a backstop against
    code that waits without computing (``input()``, a long ``sleep``). The totals cap the
    whole submission whatever its sections.
    """

    cpu_seconds: float = 60.0
    wall_seconds: float = 300.0
    total_cpu_seconds: float = 900.0
    total_wall_seconds: float = 1800.0
    memory_mb: int = 3072
    processes: int = 256
    open_files: int = 256
    file_size_mb: int = 32
    disk_mb: int = 64
    output_bytes: int = 256 * 1024


@dataclass(frozen=True)
class Confinement:
    """What a runner is confined to: its limits, the paths it must not see, and the
    control group it runs in (the ``cgroup.procs`` files to join; none without one)."""

    limits: Limits = field(default_factory=Limits)
    hidden_paths: tuple[str, ...] = ()
    cgroup: tuple[str, ...] = ()


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; else nothing)."""
    if sys.platform.startswith("linux"):
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def join_cgroup(procs_files: tuple[str, ...]) -> list[str]:
    """Move this process into the runner's control group; give what could not be had.

    Called in the supervisor before it forks the runner, so that the runner and all it
    starts are counted and capped together.
    """
    try:
        for procs in procs_files:
            Path(procs).write_text(str(os.getpid()))
    except OSError as error:
        return [f"a control group of its own ({error.strerror}): CPU is counted per process"]
    return []


def reap_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux; else nothing).

    The supervisor is one, so that what a runner's namespace leaves when it ends comes
    back to the supervisor to be killed and reaped, not to the machine's init.
    """
    if sys.platform.startswith("linux"):
        _libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def enter_namespaces() -> tuple[bool, list[str]]:
    """Unshare PID, mount, network, IPC and UTS namespaces for this process's future children.

    Called in the runner's supervisor. Gives whether namespaces were entered, and the
    protections that could not be had as short sentences (empty when all were).
    """
    if not sys.platform.startswith("linux"):
        return False, ["namespaces (not Linux): the runner shares the network and the files"]
    libc = _libc()
    # IPC and UTS too: SysV segments and message queues are no channel between runners.
    flags = _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWPID | _CLONE_NEWIPC | _CLONE_NEWUTS
    if os.geteuid() == 0 and libc.unshare(flags) == 0:
        return True, []
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(flags | _CLONE_NEWUSER) == 0:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        return True, ["a separate uid and a process cap (not root): runs as the grader's user"]
    return False, [
        "namespaces (not root, user namespaces off): the runner can reach the network, "
        "read files as the grader's user, and leave processes behind",
    ]


def confine(confinement: Confinement, runner_index: int, in_namespaces: bool) -> Path:
    """Confine this process, the runner, and give its empty working directory.

    ``in_namespaces`` says whether the supervisor's namespaces took effect; the runner
    is then PID 1 of its own namespace and may mount.
    """
    os.setsid()
    if in_namespaces:
        workdir = _mount_private_view(confinement)
    else:
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix="grader-runner-"))
    if os.geteuid() == 0:
        uid = _RUNNER_UID_BASE + runner_index
        os.chown(workdir, uid, uid)
        _set_limits(confinement.limits, cap_processes=True)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        # Changing the uid cleared the parent-death signal; without it the runner would
        # outlive a supervisor the grader killed.
        die_with_parent()
    else:
        # RLIMIT_NPROC counts every process of a uid; without a uid of its own it would
        # count the grader's user's processes too.
        _set_limits(confinement.limits, cap_processes=False)
    _libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(workdir)
    _reset_environment(workdir)
    return workdir


def _mount_private_view(confinement: Confinement) -> Path:
    libc = _libc()
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "make mounts private")
    python_paths = _python_paths()
    closed = sorted(_closed_ancestors(python_paths))
    scratch = [path for path in _SCRATCH_DIRS if Path(path).is_dir()]
    sealed = sorted({*confinement.hidden_paths, *closed}, key=lambda p: p.count("/"))
    keep = {
        path: os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        for path in _paths_to_keep(python_paths, (*sealed, *scratch))
    }
    disk = f"size={confinement.limits.disk_mb}m,mode=1777".encode()
    for path in sealed:
        _cover(libc, path, keep, options=b"size=4m,mode=755", sealed=True)
    for path in scratch:
        _cover(libc, path, keep, options=disk, sealed=False)
    for fd in keep.values():
        os.close(fd)
    _check(libc.mount(b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV, None), "mount /proc")
    workdir = Path("/tmp/work")
    workdir.mkdir(mode=0o700)
    return workdir


#: World-writable folders a runner could leave something in for the next one: each gets
#: a private tmpfs.
_SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")


def _python_paths() -> list[str]:
    candidates = {sys.prefix, sys.base_prefix, *(p for p in sys.path if p)}
    return sorted({os.path.realpath(p) for p in candidates if Path(p).is_dir()})


def _closed_ancestors(paths: list[str]) -> set[str]:
    """Folders above Python's own paths that others cannot traverse (``/root``, say).

    They are covered too, with Python's paths kept visible inside, so that a runner
    under its own uid can still import the standard library lazily.
    """
    closed = set()
    for path in paths:
        for ancestor in Path(path).parents:
            if ancestor != Path("/") and not ancestor.stat().st_mode & 0o001:
                closed.add(str(ancestor))
    return closed


def _paths_to_keep(python_paths: list[str], covered: tuple[str, ...]) -> list[str]:
    """Python's own paths inside a covered folder stay visible.

    A path that holds a covered folder (the bank's root on ``sys.path``, say) is not kept.
    """
    kept = []
    for path in python_paths:
        holds_covered = any(_is_within(c, path) for c in covered)
        if not holds_covered and any(_is_within(path, c) for c in covered):
            kept.append(path)
    return kept


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _cover(
    libc: ctypes.CDLL, target: str, keep: dict[str, int], *, options: bytes, sealed: bool
) -> None:
    path = Path(target)
    if not path.exists():
        return
    if not path.is_dir():
        if path.exists():
            _check(
                libc.mount(b"/dev/null", target.encode(), None, _MS_BIND, None), f"hide {target}"
            )
        return
    _check(
        libc.mount(b"tmpfs", target.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options),
        f"cover {target}",
    )
    for inner, fd in keep.items():
        if _is_within(inner, target):
            Path(inner).mkdir(parents=True, exist_ok=True)
            source = f"/proc/self/fd/{fd}".encode()
            _check(
                libc.mount(source, inner.encode(), None, _MS_BIND | _MS_REC, None),
                f"keep {inner} visible",
            )
    if sealed:
        flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
        _check(libc.mount(b"none", target.encode(), None, flags, None), f"seal {target}")


def _set_limits(limits: Limits, *, cap_processes: bool) -> None:
    vm_size = _virtual_memory_bytes()
    wanted = {
        # Each process's own backstop; the grader enforces the real budget per section.
        resource.RLIMIT_CPU: (
            int(limits.total_cpu_seconds) + 30,
            int(limits.total_cpu_seconds) + 35,
        ),
        resource.RLIMIT_AS: (vm_size + limits.memory_mb * 2**20,) * 2,
        resource.RLIMIT_NOFILE: (limits.open_files,) * 2,
        resource.RLIMIT_FSIZE: (limits.file_size_mb * 2**20,) * 2,
        resource.RLIMIT_CORE: (0, 0),
    }
    if cap_processes:
        wanted[resource.RLIMIT_NPROC] = (limits.processes, limits.processes)
    for which, (soft, hard) in wanted.items():
        _, ceiling = resource.getrlimit(which)
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)  # noqa: PLW2901
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError) as error:
            if getattr(error, "errno", None) != errno.EPERM:
                raise
    # A write past the file-size limit then fails with EFBIG instead of killing the runner.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _virtual_memory_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


_KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL", "MPLBACKEND")


def _reset_environment(workdir: Path) -> None:
    kept = {name: os.environ[name] for name in _KEPT_ENVIRONMENT if name in os.environ}
    os.environ.clear()
    os.environ.update(kept)
    os.environ["HOME"] = str(workdir)
    os.environ["TMPDIR"] = "/tmp"
