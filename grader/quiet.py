"""TensorFlow imported without the log lines its native libraries write as they load.

Loading TensorFlow's shared libraries writes, from C++, lines such as::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796193211.973167   22718 port.cc:153] oneDNN custom operations are on. ...

They are written before absl has read any setting, so ``TF_CPP_MIN_LOG_LEVEL`` does not
stop them, and into whatever the terminal shows (the spinner of ``grader check``, the
bar of ``grader batch``). ``TF_ENABLE_ONEDNN_OPTS=0`` would stop the oneDNN line only,
and only by changing the kernels the students' code runs on. Instead the import runs
with file descriptor 2 pointed at a temporary file; afterwards what was written there is
passed on to stderr without the native log records, so anything else (a Python warning,
a message of a library that failed to load) is still seen.

Used on both sides of the trust boundary, in the grader and in the zygote before it
forks runners: this module imports nothing else of the grader.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator

#: What absl writes once per shared library that logs before ``absl::InitializeLog``.
_ABSL_PREAMBLE = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\) is called")

#: The head of a native log record: severity, date, time (before absl is set up, its
#: seconds count from the epoch), thread, file:line].
_RECORD_HEAD = re.compile(r"(?P<severity>[IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./+-]+:\d+\] ")

#: A Python warning (``path.py:12: UserWarning: ...``) begins a line of its own.
_PYTHON_WARNING = re.compile(r"\S+\.py:\d+: \w+: ")


def import_tensorflow() -> None:
    """Import TensorFlow into this process, keeping its native start-up logs off stderr."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with native_logs_dropped():
        import tensorflow  # noqa: F401


@contextlib.contextmanager
def native_logs_dropped() -> Iterator[None]:
    """Run the block with stderr held back, then pass on all but its native log records.

    A temporary file rather than a pipe: a pipe needs a thread to drain it, and the
    zygote must hold no thread when it forks.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as held:
            os.dup2(held.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
                held.seek(0)
                kept = "".join(without_native_logs(held.read().decode("utf-8", "replace")))
                if kept:
                    sys.stderr.write(kept)
                    sys.stderr.flush()
    finally:
        os.close(saved)


def without_native_logs(text: str) -> Iterable[str]:
    """The lines of ``text`` that are not absl or TensorFlow log records, line ends kept.

    A record is its head line and the lines after it up to the next record or Python
    warning; a fatal record (``F...``) is kept, since the process is about to end on it.
    """
    in_record = False
    for line in text.splitlines(keepends=True):
        head = _RECORD_HEAD.match(line)
        if _ABSL_PREAMBLE.match(line):
            in_record = True
        elif head is not None:
            in_record = head["severity"] != "F"
        elif _PYTHON_WARNING.match(line):
            in_record = False
        if not in_record:
            yield line
