"""What grading produced, and where it is kept.

:mod:`~grader.results.model` is the result of a submission, exercise and check;
:mod:`~grader.results.store` keeps them in SQLite; :mod:`~grader.results.shown` is what a
page may show of the submission graded; :mod:`~grader.results.attempts` tells the
exercises a submission attempted from those it left as the starter.
"""
