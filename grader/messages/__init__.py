"""Every sentence the grader itself says to a student, in Korean and English.

Check authors write their own messages with :mod:`grader.feedback`; these are
the ones the framework adds when it has to speak for a check.
"""

from __future__ import annotations

import re
from typing import Literal

from grader.feedback import Message
from grader.korean import particle


def not_answered(exercise: str) -> Message:
    return Message(
        ko=f"'{exercise}' 문제의 답을 찾지 못했습니다. 답 코드 앞에 `# EXERCISE: {exercise}` "
        "줄을 넣었는지 확인하세요.",
        en=f"No answer found for exercise '{exercise}'. Put the line `# EXERCISE: {exercise}` "
        "above your answer.",
    )


_IN_CELL = re.compile(r"^cell (?P<cell>\d+): (?P<what>.*)$", re.DOTALL)


def missing_name(name: str, exercise: str, trouble: str | None = None) -> Message:
    if trouble is not None:
        # The grader writes where in English ("cell 3: ..."); the Korean sentence says 셀.
        in_cell = _IN_CELL.match(trouble)
        trouble_ko = f"셀 {in_cell['cell']}: {in_cell['what']}" if in_cell else trouble
        return Message(
            ko=f"'{exercise}' 문제에서 {particle(f'`{name}`', '이/가')} 정의되지 않았습니다. "
            f"이 문제의 셀이 끝까지 실행되지 못했습니다 ({trouble_ko}). 그 셀을 먼저 고치세요.",
            en=f"Exercise '{exercise}': `{name}` is not defined, because a cell of this exercise "
            f"did not finish ({trouble}). Fix that cell first.",
        )
    return Message(
        ko=f"'{exercise}' 문제에서 {particle(f'`{name}`', '이/가')} 정의되지 않았습니다. "
        "이름의 철자와, 그 셀이 오류 없이 실행되는지 확인하세요.",
        en=f"Exercise '{exercise}': `{name}` is not defined. Check the name's spelling and that "
        "its cell runs without an error.",
    )


def student_raised(ename: str, evalue: str) -> Message:
    detail = f"{ename}: {evalue}".strip()[:400]
    return Message(
        ko=f"채점 중에 여러분의 코드에서 오류가 발생했습니다: {detail}",
        en=f"Your code raised an error while it was being checked: {detail}",
    )


def runner_gone(reason: str) -> Message:
    return Message(
        ko=f"여러분의 코드를 실행하던 프로세스가 멈췄습니다 ({reason}). 무한 루프, 너무 큰 메모리 "
        "사용, `sys.exit`/`os._exit` 호출이 없는지 확인하세요.",
        en=f"The process running your code stopped ({reason}). Look for an endless loop, "
        "very large memory use, or a call to `sys.exit`/`os._exit`.",
    )


def assertion(text: str) -> Message:
    return Message(ko=f"확인 실패: {text}", en=f"Check failed: {text}")


def hidden_failed(title: Message) -> Message:
    return Message(
        ko=f"숨겨진 검사에 통과하지 못했습니다: {title.ko}",
        en=f"A hidden check did not pass: {title.en}",
    )


def check_error(ename: str, evalue: str) -> Message:
    detail = f"{ename}: {evalue}".strip()[:400]
    return Message(
        ko=f"검사가 여러분의 답을 사용할 수 없었습니다 ({detail}). 반환값의 종류와 모양을 "
        "확인하세요.",
        en=f"The check could not use your answer ({detail}). Check the type and shape of what "
        "you return.",
    )


def hidden_error(title: Message, ename: str) -> Message:
    return Message(
        ko=f"숨겨진 검사가 여러분의 답을 사용할 수 없었습니다 ({ename}): {title.ko}",
        en=f"A hidden check could not use your answer ({ename}): {title.en}",
    )


def submission_unreadable(detail: str) -> Message:
    """The file could not be read; a detail in both languages is split between them."""
    said = notice_parts(detail)
    return Message(
        ko=f"제출 파일을 읽을 수 없습니다: {said.ko}",
        en=f"The submission could not be read: {said.en}",
    )


def budget_ran_out(exercise: str | None, cell: int | None, limit: str, seconds: float) -> Message:
    """A section used up a time budget: which one, how big, and where."""
    # Both end in a vowel, so both take 가.
    where_ko = f"'{exercise}' 문제" if exercise else "첫 문제 앞의 코드"
    where_en = f"Exercise '{exercise}'" if exercise else "The code before the first exercise"
    at_ko = f" (셀 {cell} 실행 중)" if cell is not None else " (답을 검사하는 중)"
    at_en = f" during cell {cell}" if cell is not None else " while its answers were checked"
    whole_ko = "제출물 전체에 주어진 " if limit.startswith("total") else ""
    whole_en = " for the whole submission" if limit.startswith("total") else ""
    if limit.endswith("cpu"):
        return Message(
            ko=f"{where_ko}가 {whole_ko}CPU 시간 {seconds:g}초를 다 써서 "
            f"중단되었습니다{at_ko}. 무한 루프나 너무 긴 학습(에포크 수, 모델 크기)이 없는지 "
            "확인하세요.",
            en=f"{where_en} used up its {seconds:g} s of CPU time{whole_en} and was stopped"
            f"{at_en}. Look for an endless loop or a training run that is too long (epochs, "
            "model size).",
        )
    return Message(
        ko=f"{where_ko}가 {whole_ko}실제 시간 {seconds:g}초가 지나도록 끝나지 않아 "
        f"중단되었습니다{at_ko}. 계산 없이 기다리는 코드(`input()`, 긴 `sleep`)가 없는지 "
        "확인하세요.",
        en=f"{where_en} was still not done after {seconds:g} s of wall-clock time{whole_en} "
        f"and was stopped{at_en}. Look for code that waits without computing (`input()`, "
        "a long `sleep`).",
    )


def runner_stopped(detail: str) -> Message:
    return Message(
        ko=f"여러분의 코드를 실행하던 프로세스가 멈춰서 나머지 검사를 하지 못했습니다: {detail}",
        en=f"The process running your code stopped, so the remaining checks could not run: "
        f"{detail}",
    )


def cell_crashed(cell: int, why: str) -> Message:
    return Message(
        ko=f"{particle(f'셀 {cell}', '을/를')} 실행하던 중 프로세스가 멈췄습니다 ({why}).",
        en=f"The process running the code stopped during cell {cell} ({why}).",
    )


def cell_out_of_memory(cell: int) -> Message:
    return Message(
        ko=f"{particle(f'셀 {cell}', '이/가')} 메모리 제한을 넘었습니다. 더 작은 배열이나 "
        "배치를 쓰세요.",
        en=f"Cell {cell} ran out of memory. Use smaller arrays or batches.",
    )


def file_unopenable(path: str, reason: str) -> Message:
    return Message(
        ko=f"{path} 파일을 열 수 없습니다 ({reason}).", en=f"cannot read {path}: {reason}"
    )


def file_too_large(name: str, mib: int, limit_mib: int) -> Message:
    return Message(
        ko=f"{name} 파일은 {mib} MiB입니다. {limit_mib} MiB가 넘는 제출물은 받지 않습니다. "
        "노트북의 출력을 지우고 다시 제출하세요.",
        en=f"{name} is {mib} MiB; submissions over {limit_mib} MiB are refused. "
        "Clear the notebook's outputs and resubmit.",
    )


def not_utf8(name: str, byte: int) -> Message:
    return Message(
        ko=f"{name} 파일은 UTF-8 텍스트가 아닙니다 (바이트 {byte}). UTF-8로 다시 저장하세요.",
        en=f"{name} is not UTF-8 text (byte {byte}); save it again as UTF-8.",
    )


def not_a_submission_file(name: str) -> Message:
    return Message(
        ko=f"{name}: 제출물은 .ipynb 노트북이나 .py 모듈이어야 합니다.",
        en=f"{name}: a submission is a .ipynb notebook or a .py module",
    )


def notebook_empty(name: str) -> Message:
    return Message(
        ko=f"{name} 파일이 비어 있습니다. Jupyter에서 노트북을 저장한 뒤 다시 제출하세요.",
        en=f"{name} is empty; save the notebook in Jupyter and resubmit.",
    )


def notebook_not_json(name: str, line: int, column: int, why: str) -> Message:
    return Message(
        ko=f"{name} 파일은 노트북이 아닙니다: {line}번째 줄 {column}번째 "
        f"칸의 JSON이 잘못되었습니다 ({why}). Jupyter에서 열어 저장한 뒤 다시 "
        "제출하세요.",
        en=f"{name} is not a notebook: invalid JSON at line {line}, "
        f"column {column} ({why}). Open it in Jupyter, save it, and resubmit.",
    )


def notebook_unreadable(name: str, why: str) -> Message:
    return Message(
        ko=f"{name} 파일은 nbformat이 읽을 수 있는 노트북이 아닙니다 ({why}). "
        "Jupyter에서 열어 저장한 뒤 다시 제출하세요.",
        en=f"{name} is not a notebook nbformat can read ({why}).",
    )


Counted = Literal["sections", "cells", "code cells"]

#: What a submission's caps count, in Korean (with its particle) and English, and how to
#: come under each.
_COUNTED: dict[Counted, tuple[Message, Message]] = {
    "sections": (
        Message(ko="`# EXERCISE:` 표시가", en="`# EXERCISE:` markers"),
        Message(ko="문제마다 표시를 한 번만 두고", en="keep one marker per exercise"),
    ),
    "cells": (
        Message(ko="셀이", en="cells"),
        Message(ko="셀을 합치거나 지우고", en="merge or delete cells"),
    ),
    "code cells": (
        Message(ko="코드 셀이", en="code cells"),
        Message(ko="셀을 합치거나 지우고", en="merge or delete cells"),
    ),
}


def over_cap(name: str, count: int, limit: int, counted: Counted) -> Message:
    """A submission holds more sections or cells than one may, so it was not run."""
    what, fix = _COUNTED[counted]
    return Message(
        ko=f"{name} 파일에 {what.ko} {count}개 있습니다. 한 제출물은 {limit}개까지만 "
        f"채점하므로 이 파일은 실행하지 않았습니다. {fix.ko} 다시 제출하세요.",
        en=f"{name} has {count} {what.en}; a submission may have at most {limit}, so this "
        f"file was not run. To be graded, {fix.en} and resubmit.",
    )


def no_submission_found() -> Message:
    """Gradescope's folder holds no notebook or module to grade."""
    return Message(
        ko="제출물이 없습니다: `# EXERCISE: <문제>` 줄이 있는 .ipynb 또는 .py 파일을 제출하세요.",
        en="No submission found: submit a .ipynb or .py file with an `# EXERCISE: <id>` line.",
    )


def language_choice() -> Message:
    """What ``grader.check(lang=...)`` accepts."""
    return Message(ko='언어는 "ko" 또는 "en"', en='lang must be "ko" or "en"')


def refused_link(name: str) -> Message:
    return Message(
        ko=f"{particle(name, '은/는')} 심볼릭 링크라서 채점하지 않았습니다. 채점기는 링크를 "
        "따라가지 않습니다: 링크 대신 파일 자체를 제출하세요.",
        en=f"{name} is a symbolic link, so it was not graded. The grader does not follow "
        "links: submit the file itself.",
    )


def refused_special(name: str) -> Message:
    return Message(
        ko=f"{particle(name, '은/는')} 일반 파일이 아니라서 채점하지 않았습니다. "
        ".ipynb 나 .py 파일을 제출하세요.",
        en=f"{name} is not a regular file, so it was not graded. Submit a .ipynb or .py file.",
    )


def refused_outside(name: str) -> Message:
    return Message(
        ko=f"{particle(name, '은/는')} 제출 폴더 밖에 있어서 채점하지 않았습니다.",
        en=f"{name} is outside the submission folder, so it was not graded.",
    )


def refused_folder(folder: str, names: list[str]) -> Message:
    listed = ", ".join(names)
    return Message(
        ko=f"{folder}/ 에 심볼릭 링크나 일반 파일이 아닌 항목({listed})이 있어서 채점하지 "
        "않았습니다. 링크 대신 파일 자체를 넣어 다시 제출하세요.",
        en=f"{folder}/ holds a symbolic link or another entry that is not a regular file "
        f"({listed}), so it was not graded. Put the files themselves there and resubmit.",
    )


def conflicting_submissions(student: str, names: list[str]) -> Message:
    listed = ", ".join(names)
    return Message(
        ko=f"{student} 의 제출물이 여러 개({listed})라서 어느 것도 채점하지 않았습니다. "
        "하나만 남기고 다시 제출하세요.",
        en=f"{student} handed in more than one submission ({listed}), so none was graded. "
        "Keep one and resubmit.",
    )


#: Joins a notice's Korean and English, as the bilingual errors of :mod:`grader.errors` do;
#: a result's notices are plain strings, so each view picks its language back out.
NOTICE_JOIN = " / "


def as_notice(message: Message) -> str:
    """The message as a result's notice: Korean, then English."""
    return f"{message.ko}{NOTICE_JOIN}{message.en}"


def notice_parts(notice: str) -> Message:
    """A notice's Korean and English; a notice in one language only is both."""
    korean, join, english = notice.partition(NOTICE_JOIN)
    if not join or not _has_hangul(korean) or _has_hangul(english):
        return Message(ko=notice, en=notice)
    return Message(ko=korean, en=english)


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= character <= "\ud7a3" for character in text)


_HOW_TO_MARK = Message(
    ko="각 답의 첫 줄에 `# EXERCISE: <문제 id>` 줄을 넣고(예: `# EXERCISE: one_hot`), 답이 "
    "끝나는 곳에 `# END EXERCISE` 줄을 넣으세요.",
    en="Put a line `# EXERCISE: <exercise id>` first in each answer (for example "
    "`# EXERCISE: one_hot`) and a line `# END EXERCISE` where the answer ends.",
)


def no_markers() -> Message:
    """The submission marks no answer, so every exercise is graded on its last names."""
    return Message(
        ko="이 파일에는 `# EXERCISE:` 줄이 하나도 없어서, 모든 문제를 파일 끝까지 실행한 "
        "뒤의 이름으로 채점했습니다. 그래서 답과 관계없는 변수(예: 그래프를 그리려고 만든 `y`)가 "
        f"답으로 채점되었을 수 있습니다. {_HOW_TO_MARK.ko}",
        en="This file has no `# EXERCISE:` line, so every exercise was graded on the names "
        "left after running the whole file; a variable unrelated to an answer (a `y` made "
        f"for a plot, say) may have been graded as one. {_HOW_TO_MARK.en}",
    )


def unknown_exercise(exercise: str, suggestion: str | None) -> Message:
    """A marker names an exercise the bank does not have, with the likeliest one meant."""
    marker = f"`# EXERCISE: {exercise}`"
    if suggestion is not None:
        return Message(
            ko=f"{particle(marker, '이/가')} 가리키는 '{exercise}' 문제는 없습니다. "
            f"`{suggestion}` 문제를 뜻했나요? 그렇다면 "
            f"{particle(f'`# EXERCISE: {suggestion}`', '으로/로')} 고치세요.",
            en=f"{marker} names no exercise '{exercise}'. Did you mean `{suggestion}`? "
            f"If so, write `# EXERCISE: {suggestion}`.",
        )
    return Message(
        ko=f"{particle(marker, '이/가')} 가리키는 '{exercise}' 문제는 없습니다. 문제 id는 "
        "문제 설명의 `# EXERCISE:` 줄에 있는 그대로 쓰세요.",
        en=f"{marker} names no exercise '{exercise}'. Write the exercise id exactly as the "
        "statement's `# EXERCISE:` line does.",
    )


def rebound_later(exercise: str, name: str, cell: int, graded_at: int) -> Message:
    """A name an exercise's checks used is bound again after the exercise ends."""
    code = f"`{name}`"
    return Message(
        ko=f"{particle(code, '이/가')} '{exercise}' 문제가 끝난 뒤 셀 {cell}에서 다시 "
        f"정의됩니다. 이 문제는 셀 {graded_at}까지 실행했을 때의 {particle(code, '으로/로')} "
        "채점했고, 그 뒤의 정의는 채점에 쓰지 않았습니다.",
        en=f"`{name}` is defined again in cell {cell}, after exercise '{exercise}' ends. The "
        f"exercise was graded with `{name}` as it stood after cell {graded_at}; the later "
        "definition was not used.",
    )


def not_graded_unreadable() -> Message:
    """A check's line when the whole submission could not be read (said once, above)."""
    return Message(
        ko="파일을 읽지 못해 채점하지 않았습니다.", en="Not graded: the file could not be read."
    )


def flag_no_markers() -> Message:
    """The class page's note on a submission without markers (the student got the long one)."""
    return Message(
        ko="`# EXERCISE:` 표시 없음: 파일 끝의 이름으로 채점",
        en="no `# EXERCISE:` markers: graded on the file's final names",
    )


def flag_unreadable() -> Message:
    return Message(ko="읽을 수 없는 파일", en="unreadable file")


def unknown_check_id(exercise: str, suggestion: str | None, known: list[str]) -> Message:
    """``grader.check(ID)`` in a notebook names an exercise the bank does not have."""
    if suggestion is not None:
        call = f'`grader.check("{suggestion}")`'
        return Message(
            ko=f"'{exercise}' 문제는 없습니다. `{suggestion}` 문제를 뜻했나요? 그렇다면 "
            f"{call} 처럼 쓰세요.",
            en=f"There is no exercise '{exercise}'. Did you mean `{suggestion}`? If so, "
            f"write {call}.",
        )
    ids = ", ".join(known)
    return Message(
        ko=f"'{exercise}' 문제는 없습니다. 문제 id는 다음 중 하나입니다: {ids}",
        en=f"There is no exercise '{exercise}'. The exercise ids are: {ids}",
    )


def bank_not_found() -> Message:
    """``grader.check`` in a notebook finds no ``exercises/`` folder to take public checks from."""
    return Message(
        ko="공개 검사를 찾지 못했습니다: 이 노트북의 폴더와 그 위 폴더에 `exercises/` 폴더가 "
        "없습니다. 과제 폴더(README.md 와 exercises/ 가 있는 폴더) 안에서 노트북을 여세요. "
        "Colab 에서는 과제 저장소를 받아(`!git clone <저장소 주소>`) 그 폴더로 옮기거나"
        '(`%cd <폴더>`), `grader.check("one_hot", bank="<폴더>")` 처럼 폴더를 알려 주세요.',
        en="No public checks found: neither this notebook's folder nor a folder above it has "
        "an `exercises/` folder. Open the notebook inside the course folder (the one with "
        "README.md and exercises/). In Colab, clone your course repository "
        "(`!git clone <repository URL>`) and move into it (`%cd <folder>`), or name the "
        'folder: `grader.check("one_hot", bank="<folder>")`.',
    )


def no_public_checks(exercise: str) -> Message:
    return Message(
        ko=f"'{exercise}' 문제에는 공개 검사가 없습니다. 숨겨진 검사로만 채점합니다.",
        en=f"Exercise '{exercise}' has no public checks; it is graded on hidden checks only.",
    )


def check_skipped_while_grading(exercise: str) -> Message:
    """The line a released notebook's ``grader.check`` cell prints inside the grader's runner."""
    return Message(
        ko=f'grader.check("{exercise}"): 채점 중에는 실행하지 않습니다. 채점기가 이 문제를 '
        "직접 검사합니다.",
        en=f'grader.check("{exercise}"): not run while grading; the grader checks this '
        "exercise itself.",
    )


#: How the class page recognises, in a stored notice, what :func:`rebound_later` and
#: :func:`unknown_exercise` said (a result keeps its notices as text).
_REBOUND_NOTICE = re.compile(
    r"`(?P<name>[^`]+)` is defined again in cell \d+, after exercise '(?P<exercise>[^']+)' ends"
)
_UNKNOWN_NOTICE = re.compile(r"`# EXERCISE: (?P<exercise>[^`]+)` names no exercise ")


def rebound_in(notice: str) -> tuple[str, str] | None:
    """The name and the exercise a :func:`rebound_later` notice is about, if it is one."""
    found = _REBOUND_NOTICE.search(notice_parts(notice).en)
    return (found["name"], found["exercise"]) if found else None


def unknown_in(notice: str) -> str | None:
    """The exercise id an :func:`unknown_exercise` notice says the bank lacks, if it is one."""
    found = _UNKNOWN_NOTICE.search(notice_parts(notice).en)
    return found["exercise"] if found else None


def flag_rebound(names: list[str]) -> Message:
    """The class page's note on names the checks used that later code defines again."""
    listed = ", ".join(f"`{name}`" for name in names)
    return Message(
        ko=f"이름 충돌: {particle(listed, '이/가')} 문제가 끝난 뒤 다시 정의됨",
        en=f"name conflict: {listed} defined again after the exercise ends",
    )


def flag_unknown_exercise(exercises: list[str]) -> Message:
    """The class page's note on markers that name no exercise of the bank."""
    listed = ", ".join(f"`{exercise}`" for exercise in exercises)
    return Message(ko=f"없는 문제 id: {listed}", en=f"unknown exercise id: {listed}")
