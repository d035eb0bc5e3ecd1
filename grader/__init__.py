"""A grading and exercise framework for TensorFlow/Keras courses.

Student code runs only in sandboxed runners forked from a warm zygote; checks,
reference solutions and results stay in the grader, and only data crosses between them.
In a student's own notebook, ``grader.check("one_hot")`` runs an exercise's public
checks on the kernel's names (:mod:`grader.grading.in_notebook`).

A check author imports everything from here (``from grader import expect, expect_tensor``),
never from a module of the package: the modules may move, these names stay.
"""

import importlib
from typing import TYPE_CHECKING, Any

from grader.feedback import Message, expect, fail, partial_credit, plural, readable

if TYPE_CHECKING:
    from grader.course.bank import from_starter
    from grader.errors import StudentError
    from grader.grading.checks import (
        dense_layers,
        describe,
        expect_activation_and_loss,
        expect_assignable,
        expect_float,
        expect_independent_models,
        expect_integer,
        expect_model,
        expect_number,
        expect_tensor,
        expect_variable,
        loss_name,
        measure,
        optimizer_name,
        predict,
        values_of,
    )
    from grader.grading.in_notebook import check
    from grader.grading.proxies import RemoteObject
    from grader.korean import particle

__version__ = "0.1.0"

#: The module each name beyond the feedback ones is imported from, on first use: the checks'
#: helpers bring TensorFlow and the runner's session, grader.check brings pytest, and
#: `import grader` (done by every check file and view) must not pay for them. The one place
#: that says where an author's name lives; the TYPE_CHECKING imports above mirror it for mypy.
_LAZY: dict[str, str] = {
    "RemoteObject": "grader.grading.proxies",
    "StudentError": "grader.errors",
    "check": "grader.grading.in_notebook",
    "dense_layers": "grader.grading.checks",
    "describe": "grader.grading.checks",
    "expect_activation_and_loss": "grader.grading.checks",
    "expect_assignable": "grader.grading.checks",
    "expect_float": "grader.grading.checks",
    "expect_independent_models": "grader.grading.checks",
    "expect_integer": "grader.grading.checks",
    "expect_model": "grader.grading.checks",
    "expect_number": "grader.grading.checks",
    "expect_tensor": "grader.grading.checks",
    "expect_variable": "grader.grading.checks",
    "from_starter": "grader.course.bank",
    "loss_name": "grader.grading.checks",
    "measure": "grader.grading.checks",
    "optimizer_name": "grader.grading.checks",
    "particle": "grader.korean",
    "predict": "grader.grading.checks",
    "values_of": "grader.grading.checks",
}

__all__ = [
    "Message",
    "RemoteObject",
    "StudentError",
    "__version__",
    "check",
    "dense_layers",
    "describe",
    "expect",
    "expect_activation_and_loss",
    "expect_assignable",
    "expect_float",
    "expect_independent_models",
    "expect_integer",
    "expect_model",
    "expect_number",
    "expect_tensor",
    "expect_variable",
    "fail",
    "from_starter",
    "loss_name",
    "measure",
    "optimizer_name",
    "partial_credit",
    "particle",
    "plural",
    "predict",
    "readable",
    "values_of",
]


if not TYPE_CHECKING:
    # Hidden from mypy, which would otherwise take any `from grader import typo` for Any.

    def __getattr__(name: str) -> Any:
        """Give a name of ``_LAZY``, importing its module on first use."""
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'grader' has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    """The module's names, those imported on first use among them."""
    return sorted({*globals(), *_LAZY})
