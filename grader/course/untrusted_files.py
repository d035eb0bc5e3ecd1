"""Files a student hands in, read as untrusted data: regular files below a folder, never a link.

The grader reads submissions with the instructor's rights (root, in a batch run as
root), so a symbolic link handed in would have it read whatever the link names, a
reference solution, ``/proc/self/environ``, a root-only file, and show it on the
student's page. So a link is refused, never resolved. A FIFO, a device or a socket is
refused from its directory entry, before anything opens it: opening a FIFO for reading
blocks until a writer comes, and some devices act when opened. A file is then opened
with ``O_NOFOLLOW | O_NONBLOCK`` and checked again on the open descriptor, so an entry
swapped for a link or a FIFO in between is refused too. Below a folder the grader names
(the class folder), every component of the path is opened relative to the one before it,
without following links, so the file read is the one below that folder.

A hard link is not refused: it is the file itself, not a pointer to another, and only
someone who can write the folder it is in, the instructor, can make one there. A class
folder filled from an LMS download, a Git checkout or a Gradescope upload holds none.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from grader import messages
from grader.errors import RefusedFile

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC | getattr(os, "O_NOCTTY", 0)
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC


def read_regular(path: Path, *, limit: int, within: Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit + 1`` of them (so that the
    caller can tell a file is too large without reading all of it).

    Raises :class:`RefusedFile` for a link, a FIFO, a device, a socket or a folder, and
    for a path outside ``within`` or through a link below it; ``OSError`` when the file
    cannot be read at all (it does not exist, no permission).
    """
    descriptor = _open_below(path, within) if within is not None else _open_entry(path, None)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(limit + 1)


def why_refused(path: Path) -> RefusedFile | None:
    """Why the grader would not read the directory entry at ``path`` (a link, a FIFO, a
    device, a socket), without following or opening it; None for a file or a folder."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return RefusedFile(messages.refused_link(path.name))
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return RefusedFile(messages.refused_special(path.name))
    return None


def refused_below(folder: Path) -> list[tuple[Path, RefusedFile]]:
    """Every entry below ``folder`` that the grader refuses to read, with why, leaving out
    dot entries; links to folders are not entered."""
    return [(path, error) for path, error in _walk(folder) if error is not None]


def regular_files_below(folder: Path) -> list[Path]:
    """Every regular file below ``folder``, sorted, leaving out dot entries; no link is
    followed, to a file or to a folder."""
    return sorted(path for path, error in _walk(folder) if error is None)


def _walk(folder: Path) -> list[tuple[Path, RefusedFile | None]]:
    found: list[tuple[Path, RefusedFile | None]] = []
    for top, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        here = Path(top)
        # os.walk lists a link to a folder among the folders; it is refused like any link.
        for name in [*files, *folders]:
            if name.startswith("."):
                continue
            path = here / name
            refusal = why_refused(path)
            if refusal is not None or name in files:
                found.append((path, refusal))
    return found


def _open_below(path: Path, within: Path) -> int:
    # Lexically, as given: resolving would follow the very links that are to be refused.
    base = Path(os.path.abspath(within))  # noqa: PTH100
    try:
        parts = Path(os.path.abspath(path)).relative_to(base).parts  # noqa: PTH100
    except ValueError:
        raise RefusedFile(messages.refused_outside(path.name)) from None
    if not parts:
        raise RefusedFile(messages.refused_special(path.name))
    # The folder itself is the instructor's to name, links and all; what is below it is not.
    folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            if stat.S_ISLNK(os.stat(part, dir_fd=folder, follow_symlinks=False).st_mode):
                raise RefusedFile(messages.refused_link(part))
            inner = os.open(part, _FOLDER_FLAGS, dir_fd=folder)
            os.close(folder)
            folder = inner
        return _open_entry(Path(parts[-1]), folder)
    finally:
        os.close(folder)


def _open_entry(path: Path, folder: int | None) -> int:
    """Open the regular file ``path`` (relative to the open ``folder``, if given)."""
    name = str(path)
    before = os.stat(name, dir_fd=folder, follow_symlinks=False)
    if stat.S_ISLNK(before.st_mode):
        raise RefusedFile(messages.refused_link(path.name))
    if not stat.S_ISREG(before.st_mode):
        raise RefusedFile(messages.refused_special(path.name))
    try:
        descriptor = os.open(name, _FILE_FLAGS, dir_fd=folder)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link
            raise RefusedFile(messages.refused_link(path.name)) from None
        raise
    after = os.fstat(descriptor)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
        before.st_dev,
        before.st_ino,
    ):
        os.close(descriptor)
        raise RefusedFile(messages.refused_special(path.name))
    return descriptor
