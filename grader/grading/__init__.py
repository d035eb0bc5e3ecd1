"""Where checks are collected and judge a submission.

:mod:`~grader.grading.grader` runs a submission's sections in a runner and each exercise's
checks on them, through :mod:`~grader.grading.plugin` (pytest: the ``student`` and
``reference`` fixtures, points, verdicts); :mod:`~grader.grading.proxies` are what a check
holds of the runner's objects; :mod:`~grader.grading.trusted` rebuilds models on the
grader's side; :mod:`~grader.grading.checks` are the helpers check authors call.
:mod:`~grader.grading.batch` grades a class, :mod:`~grader.grading.validate` proves the
bank, and :mod:`~grader.grading.in_notebook` runs public checks in a student's own kernel.
"""
