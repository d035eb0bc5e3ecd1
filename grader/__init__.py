"""A grading and exercise framework for TensorFlow/Keras courses.

Student code runs only in sandboxed runners forked from a warm zygote; checks,
reference solutions and results stay in the grader, and only data crosses between them.
"""

from grader.feedback import Message, expect, fail, partial_credit

__version__ = "0.1.0"

__all__ = ["Message", "__version__", "expect", "fail", "partial_credit"]
