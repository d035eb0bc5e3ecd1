"""A grading and exercise framework for TensorFlow/Keras courses.

Student code runs only in sandboxed runners forked from a warm zygote; checks,
reference solutions and results stay in the grader, and only data crosses between them.
In a student's own notebook, ``grader.check("one_hot")`` runs an exercise's public
checks on the kernel's names (:mod:`grader.in_notebook`).
"""

import importlib
from typing import Any

from grader.feedback import Message, expect, fail, partial_credit

__version__ = "0.1.0"

__all__ = ["Message", "__version__", "check", "expect", "fail", "partial_credit"]


def __getattr__(name: str) -> Any:
    # grader.check is imported on first use: it brings pytest and the checks' machinery,
    # which `import grader` (done by every check file and view) must not pay for.
    if name == "check":
        return importlib.import_module("grader.in_notebook").check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
