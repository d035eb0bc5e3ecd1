"""The fixed words of the views: headings, column names, verdicts and one-line notes.

Each view's words are one table of key to :class:`~grader.feedback.Message`, so that a
test can hold every label to both languages at once. A label with ``{fields}`` is filled
in by its view with :meth:`str.format`; both languages name the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping

from grader.feedback import Language, Message

#: What ``grader check`` prints around the checks (grader.views.terminal).
TERMINAL: Mapping[str, Message] = {
    "score": Message(ko="점수", en="Score"),
    "run": Message(ko="실행 문제", en="Problem running the file"),
    "cell": Message(ko="셀", en="cell"),
    "line": Message(ko="{line}번째 줄", en="line {line}"),
    "error": Message(ko="오류", en="error"),
    "timeout": Message(ko="시간 초과", en="timed out"),
    "crashed": Message(ko="실행 중단", en="stopped"),
    "none": Message(
        ko="채점할 문제가 없습니다. 답 앞에 `# EXERCISE: <문제 id>` 줄을 넣으세요.",
        en="No exercise to check. Put a line `# EXERCISE: <exercise id>` above each answer.",
    ),
    "all": Message(ko="모두 통과했습니다!", en="All checks passed!"),
    "unread": Message(
        ko="파일을 읽지 못해 검사 {checks}개를 채점하지 않았습니다.",
        en="The file could not be read, so its {checks} checks were not graded.",
    ),
    "seconds": Message(ko="{seconds:.1f}초 걸렸습니다.", en="Took {seconds:.1f} s."),
}

#: The job summary of a pull request's grading (grader.views.github).
GITHUB: Mapping[str, Message] = {
    "heading": Message(ko="채점 결과", en="Autograding"),
    "points": Message(ko="점", en="points"),
    "hidden": Message(
        ko="숨겨진 검사까지 실행했습니다 (강사 문제 은행 {version}).",
        en="Hidden checks ran (instructor's bank {version}).",
    ),
    "public": Message(
        ko="공개 검사만 실행했습니다: 워크플로가 강사 문제 은행을 주지 않아 "
        "숨겨진 검사는 실행하지 않았습니다. 최종 점수는 다를 수 있습니다.",
        en="Public checks only: the workflow gave no instructor bank, so hidden checks "
        "did not run. The final grade may differ.",
    ),
    "column-exercise": Message(ko="문제", en="Exercise"),
    "column-points": Message(ko="점수", en="Points"),
    "column-file": Message(ko="파일", en="File"),
    "not-answered": Message(ko="답 없음", en="not answered"),
    "failed": Message(ko="통과하지 못한 검사", en="Failed checks"),
    "line": Message(ko="줄", en="line"),
    "nothing": Message(
        ko="채점할 제출물이 없습니다: `# EXERCISE: <문제>` 줄이 있는 .ipynb 나 .py "
        "파일을 바꾸거나 추가하세요.",
        en="Nothing to grade: change or add a .ipynb or .py file with an `# EXERCISE: <id>` line.",
    ),
    "passed-over": Message(ko="채점하지 않은 파일", en="Files not graded"),
    "material": Message(
        ko="이 변경은 강의 자료나 채점 설정을 건드립니다 (검사 결과를 믿을 수 없습니다)",
        en="This change touches the course material or the grading set-up "
        "(checks may not be trusted)",
    ),
    "run": Message(ko="실행 문제", en="Run problem"),
    "threshold": Message(
        ko="기준 {threshold:g}% 미만입니다.", en="Below the {threshold:g}% threshold."
    ),
    "unannotated": Message(
        ko="GitHub 는 한 단계에 종류마다 주석 {max}개까지만 보여 줍니다: 나머지 "
        "{count}개는 아래 '통과하지 못한 검사'에 있습니다.",
        en="GitHub shows at most {max} annotations of each kind a step: "
        "the other {count} are under Failed checks below.",
    ),
    "cut": Message(
        ko="요약이 GitHub 의 크기 제한에 닿아 나머지 {count}개 항목은 싣지 않았습니다: "
        "JUnit 보고서에 모두 있습니다.",
        en="The summary reached GitHub's size limit, so the last {count} entries are "
        "left out: the JUnit report has them all.",
    ),
}

#: The table ``grader.check`` shows in a notebook (grader.views.notebook).
NOTEBOOK: Mapping[str, Message] = {
    "check": Message(ko="검사", en="Check"),
    "points": Message(ko="점수", en="Points"),
    "all": Message(
        ko="공개 검사를 모두 통과했습니다! 채점에는 숨겨진 검사도 쓰입니다.",
        en="All public checks passed! Grading also uses hidden checks.",
    ),
    "some": Message(
        ko="통과하지 못한 검사가 있습니다: 메시지를 읽고 답을 고친 뒤 다시 실행하세요.",
        en="Some checks did not pass: read the message, fix your answer and run this again.",
    ),
}

#: The HTML reports' own words (grader.views.html).
REPORT: Mapping[str, Message] = {
    "image": Message(ko="그림", en="image"),
    "histogram": Message(ko="점수 분포", en="score histogram"),
    "page-failed": Message(
        ko="이 학생의 결과 페이지를 만들 수 없었습니다. 점수는 grades.csv 와 results.json 에 "
        "있습니다.",
        en="This student's page could not be rendered; the grades are in grades.csv and "
        "results.json.",
    ),
}

#: A JUnit testcase's failure text when the exercise has no answer (grader.views.junit).
JUNIT: Mapping[str, Message] = {
    "not-answered": Message(ko="답이 없습니다", en="not answered"),
}

#: What PrairieLearn shows when nothing could be scored (grader.views.prairielearn).
PRAIRIELEARN: Mapping[str, Message] = {
    "no-submission": Message(
        ko="제출물이 없습니다: `# EXERCISE: <문제>` 줄이 있는 .ipynb 또는 .py 파일을 올리세요.",
        en="No submission: upload a .ipynb or .py file with an `# EXERCISE: <id>` line.",
    ),
    "no-answer": Message(
        ko="이 문제의 답이 없습니다: 답 셀의 `# EXERCISE: <문제>` 줄을 지우지 마세요.",
        en="No answer to this question: keep the `# EXERCISE: <id>` line of your answer's cell.",
    ),
}

#: Every view's table, by view.
TABLES: Mapping[str, Mapping[str, Message]] = {
    "terminal": TERMINAL,
    "github": GITHUB,
    "notebook": NOTEBOOK,
    "report": REPORT,
    "junit": JUNIT,
    "prairielearn": PRAIRIELEARN,
}


_LANGUAGES: tuple[Language, ...] = ("ko", "en")


def by_language(table: Mapping[str, Message]) -> dict[Language, dict[str, str]]:
    """A view's table as the words of each language: ``words["ko"]["score"]``."""
    return {
        language: {key: label.in_language(language) for key, label in table.items()}
        for language in _LANGUAGES
    }


def both(label: Message) -> str:
    """Korean · English, for a place that shows one text to every reader."""
    return f"{label.ko} · {label.en}"
