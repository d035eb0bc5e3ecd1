"""What is graded and against what: the exercise bank and the files students hand in.

:mod:`~grader.course.bank` loads exercises, starters, solutions and checks;
:mod:`~grader.course.submission` reads a notebook or module into its exercise sections;
:mod:`~grader.course.untrusted_files` is the one way a handed-in file is opened.
"""
