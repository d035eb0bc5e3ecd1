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

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GraderError

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
    #: Characters of text (printed output, errors) the whole submission may report.
    output_bytes: int = 256 * 1024
    #: Base64 characters of the images (plots) the whole submission's cells may display:
    #: a budget of their own, so that a few figures never crowd out the text after them.
    image_bytes: int = 4 * 1024 * 1024

    @classmethod
    def from_timeouts(cls, cpu_seconds: float, wall_seconds: float | None = None) -> Limits:
        """Limits for a submission whose sections may each use ``cpu_seconds`` (``--timeout``)
        and ``wall_seconds`` (``--wall-timeout``, by default ``WALL_FACTOR`` times as long).

        The whole submission may use ``TOTAL_FACTOR`` sections' worth, so that a longer
        budget per section is not cut short by the totals. Raise GraderError, naming the
        option, for a time that is not a positive number of seconds.
        """
        cpu = float(cpu_seconds)
        if not 0 < cpu < 1e6:
            raise GraderError(f"--timeout must be a positive number of seconds, not {cpu:g}")
        wall = wall_seconds
        if wall is None:
            wall = max(cls.wall_seconds, WALL_FACTOR * cpu)
        elif not 0 < wall < 1e6:
            raise GraderError(f"--wall-timeout must be a positive number of seconds, not {wall:g}")
        return cls(
            cpu_seconds=cpu,
            wall_seconds=float(wall),
            total_cpu_seconds=max(cls.total_cpu_seconds, TOTAL_FACTOR * cpu),
            total_wall_seconds=max(cls.total_wall_seconds, TOTAL_FACTOR * float(wall)),
        )


#: A section's wall clock is this many times its CPU time unless told otherwise.
WALL_FACTOR = 5
#: The whole submission may use this many sections' worth of time.
TOTAL_FACTOR = 15


@dataclass(frozen=True)
class Confinement:
    """What a runner is confined to: its limits, the paths it must not see, and the
    control group it runs in (the ``cgroup.procs`` files to join; none without one)."""

    limits: Limits = field(default_factory=Limits)
    hidden_paths: tuple[str, ...] = ()
    cgroup: tuple[str, ...] = ()
    #: Without a private /tmp, the working folder its parent made for it and removes
    #: when it ends.
    workdir: str = ""


@functools.cache
def _libc() -> ctypes.CDLL:
    # Looked up once, in the zygote: find_library runs ldconfig, which a runner should not.
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


def confine(confinement: Confinement, runner_index: int, in_namespaces: bool) -> list[str]:
    """Confine this process, the runner, in its empty working directory; give what
    protections could not be had.

    ``in_namespaces`` says whether the supervisor's namespaces took effect; the runner
    is then PID 1 of its own namespace and may mount.
    """
    os.setsid()
    if in_namespaces:
        workdir = _mount_private_view(confinement)
    else:
        import tempfile

        workdir = Path(confinement.workdir or tempfile.mkdtemp(prefix="grader-runner-"))
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
    return forbid_kernel_surface()


def prepare() -> None:
    """Load what confinement needs before any fork (in the zygote)."""
    _libc()
    with contextlib.suppress(ImportError, RuntimeError):
        import pyseccomp  # noqa: F401


#: System calls a student's code has no use for, refused with EPERM as container
#: runtimes do by default: new namespaces and mounts (a way out of the view built
#: here), tracing other processes, kernel keyrings, BPF, userfaultfd and perf events
#: (frequent ways into kernel bugs), modules, reboot and the like.
_FORBIDDEN_SYSCALLS = (
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "bpf",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "perf_event_open",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "syslog",
    "acct",
    "quotactl",
    "open_by_handle_at",
    "name_to_handle_at",
    "iopl",
    "ioperm",
    "lookup_dcookie",
)
_CLONE_NAMESPACES = (
    _CLONE_NEWNS,
    _CLONE_NEWUTS,
    _CLONE_NEWIPC,
    _CLONE_NEWUSER,
    _CLONE_NEWPID,
    _CLONE_NEWNET,
    0x02000000,  # CLONE_NEWCGROUP
)


def forbid_kernel_surface() -> list[str]:
    """Install the runner's seccomp filter; give what could not be had (libseccomp missing).

    Everything is allowed but the calls above, and a ``clone`` that asks for a new
    namespace; ``clone3``, whose flags a filter cannot read, answers ENOSYS, so that
    libc falls back to ``clone``.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, RuntimeError, OSError):
        return ["a seccomp filter (libseccomp not found): the whole kernel interface is open"]
    refused = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in _FORBIDDEN_SYSCALLS:
        with contextlib.suppress(ValueError, OSError):
            rules.add_rule(refused, name)
    for flag in _CLONE_NAMESPACES:
        rules.add_rule(refused, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    rules.load()
    return []


def _mount_private_view(confinement: Confinement) -> Path:
    """Build the runner's filesystem from nothing, pivot into it, give its working folder.

    The new root is an empty tmpfs holding read-only binds of exactly what the
    interpreter and its libraries need (:func:`visible_paths`), a minimal ``/dev``, a
    fresh ``/proc`` and a private, size-capped ``/tmp``. Every other folder of the
    machine, however readable, does not exist for the runner.
    """
    libc = _libc()
    # The folders made below are the runner's way to its binds: readable whatever umask
    # the grader was started with (under 077 a runner of its own uid could not pass them).
    os.umask(0o022)
    # A mount namespace of the runner's own: the supervisor keeps the machine's view.
    _check(libc.unshare(_CLONE_NEWNS), "unshare the mount namespace")
    _check(libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "make mounts private")
    # Opened before the staging tmpfs covers /tmp, where a prefix might live.
    sources = {path: os.open(path, os.O_PATH) for path in visible_paths(confinement.hidden_paths)}
    links = _root_links()
    root = _STAGING
    options = b"size=8m,mode=755"
    _check(libc.mount(b"tmpfs", root, b"tmpfs", _MS_NOSUID | _MS_NODEV, options), "stage root")
    # The private /tmp first: a prefix that lives below /tmp is bound on top of it.
    disk = f"size={confinement.limits.disk_mb}m,mode=1777".encode()
    (Path(root.decode()) / "tmp").mkdir()
    _check(libc.mount(b"tmpfs", root + b"/tmp", b"tmpfs", _MS_NOSUID | _MS_NODEV, disk), "/tmp")
    try:
        for path, fd in sources.items():
            _bind_read_only(libc, fd, root + path.encode())
    finally:
        for fd in sources.values():
            os.close(fd)
    for name, target in links.items():
        Path(root.decode(), name).symlink_to(target)
    _make_dev(libc, root)
    (Path(root.decode()) / "proc").mkdir(exist_ok=True)
    flags = _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
    _check(libc.mount(b"proc", root + b"/proc", b"proc", flags, None), "mount /proc")
    _pivot_into(libc, root)
    workdir = Path("/tmp/work")
    workdir.mkdir(mode=0o700)
    return workdir


#: Where the new root is staged: a folder every Linux has, covered only in the runner's
#: own mount namespace.
_STAGING = b"/tmp"
_MS_NOEXEC = 8
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_RELATIME = 1 << 21
_MNT_DETACH = 2
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "arm64": 41}
#: The parts of ``/etc`` that libc, Python and the usual libraries read.
_ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "passwd",
    "group",
    "nsswitch.conf",
    "host.conf",
    "hosts",
    "ssl",
    "ca-certificates",
    "fonts",
    "mime.types",
    "alternatives",
)
#: The grader's own package: the runner imports its modules from there.
_GRADER_PACKAGE = Path(__file__).resolve().parent.parent
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: Read by NumPy, OpenBLAS and TensorFlow to size their thread pools.
_SYS = ("/sys/devices/system/cpu",)
_DEVICES = ("null", "zero", "full", "random", "urandom")


def visible_paths(hidden: tuple[str, ...] = ()) -> list[str]:
    """What the runner sees of the machine, each read-only: the system's programs and
    libraries, Python's prefixes and import paths, the grader's own package.

    An import path that holds a hidden folder (the bank's root on ``sys.path``, say, or
    ``/``) is left out: only the grader's package of it is visible.
    """
    candidates = [
        *(p for p in _SYSTEM if not Path(p).is_symlink()),
        *(f"/etc/{name}" for name in _ETC),
        *_SYS,
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        *(p for p in sys.path if p),
        str(_GRADER_PACKAGE),
    ]
    found = set()
    for candidate in candidates:
        path = os.path.realpath(candidate)
        if not Path(path).exists() or path == "/":
            continue
        if any(_is_within(h, path) for h in map(os.path.realpath, hidden)):
            continue
        found.add(path)
    # A path inside another one comes with it.
    return sorted(p for p in found if not any(p != q and _is_within(p, q) for q in found))


def _root_links() -> dict[str, str]:
    """The top-level symlinks of a merged-/usr system (``/bin -> usr/bin``), kept as links."""
    return {
        name.lstrip("/"): str(Path(name).readlink()) for name in _SYSTEM if Path(name).is_symlink()
    }


def _bind_read_only(libc: ctypes.CDLL, fd: int, target: bytes) -> None:
    path = Path(target.decode())
    if Path(f"/proc/self/fd/{fd}").is_dir():
        path.mkdir(parents=True, exist_ok=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    source = f"/proc/self/fd/{fd}".encode()
    _check(libc.mount(source, target, None, _MS_BIND, None), f"show {path}")
    # In a user namespace the flags the machine set on the source mount are locked and
    # must be repeated; read-only is added to them.
    locked = _locked_flags(os.statvfs(target))
    flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV | locked
    _check(libc.mount(b"none", target, None, flags, None), f"make {path} read-only")


def _locked_flags(stat: os.statvfs_result) -> int:
    flags = 0
    for statvfs_flag, mount_flag in (
        (os.ST_NOEXEC, _MS_NOEXEC),
        (os.ST_NOATIME, _MS_NOATIME),
        (os.ST_NODIRATIME, _MS_NODIRATIME),
        (os.ST_RELATIME, _MS_RELATIME),
    ):
        if stat.f_flag & statvfs_flag:
            flags |= mount_flag
    return flags


def _make_dev(libc: ctypes.CDLL, root: bytes) -> None:
    dev = root + b"/dev"
    Path(dev.decode()).mkdir()
    _check(libc.mount(b"tmpfs", dev, b"tmpfs", _MS_NOSUID, b"size=64k,mode=755"), "mount /dev")
    for name in _DEVICES:
        node = Path(f"/dev/{name}")
        if node.exists():
            target = dev + b"/" + name.encode()
            Path(target.decode()).touch()
            flags = _MS_BIND | _MS_NOSUID
            _check(libc.mount(str(node).encode(), target, None, flags, None), f"/dev/{name}")
    for name, target_path in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        Path(dev.decode(), name).symlink_to(target_path)
    # A private pseudo-terminal instance: IPython runs `!` commands on a pty.
    pts = dev + b"/pts"
    Path(pts.decode()).mkdir()
    options = b"newinstance,ptmxmode=0666,mode=0620"
    _check(libc.mount(b"devpts", pts, b"devpts", _MS_NOSUID | _MS_NOEXEC, options), "/dev/pts")
    Path(dev.decode(), "ptmx").symlink_to("pts/ptmx")
    shm = dev + b"/shm"
    Path(shm.decode()).mkdir()
    _check(
        libc.mount(b"tmpfs", shm, b"tmpfs", _MS_NOSUID | _MS_NODEV, b"size=16m,mode=1777"), "shm"
    )
    flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID
    _check(libc.mount(b"none", dev, None, flags, None), "make /dev read-only")


def _pivot_into(libc: ctypes.CDLL, root: bytes) -> None:
    """Make ``root`` this process's ``/`` and let go of the machine's root entirely."""
    import platform

    os.chdir(root)
    number = _SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(errno.ENOSYS, f"pivot_root: unknown on {platform.machine()}")
    # pivot_root(".", ".") stacks the old root under the new one; detaching it leaves
    # nothing of the machine mounted.
    _check(libc.syscall(number, b".", b"."), "pivot_root")
    _check(libc.umount2(b".", _MNT_DETACH), "detach the old root")
    os.chdir("/")
    flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
    _check(libc.mount(b"none", b"/", None, flags, None), "make / read-only")


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


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
