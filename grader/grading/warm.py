"""What a batch's worker processes start with, paid for once.

The fork server that ``grader batch --jobs N`` forks its workers from imports this
module: TensorFlow and the grading machinery are loaded in that one process, and each
worker forked from it begins with them in memory (shared, so counted once), instead of
every worker importing them on its own. Like the zygote, the fork server runs no
TensorFlow op before it forks.
"""

from grader.quiet import import_tensorflow

import_tensorflow()

import grader.grading.grader  # noqa: E402, F401
