"""Every sentence the grader says to a student reads in Korean and in English, filled in."""

from __future__ import annotations

import inspect
import itertools
import re
import string
import types
import typing
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grader import messages
from grader.course.bank import load_bank
from grader.feedback import Message
from grader.korean import particle
from grader.messages import answers, material, pages
from grader.messages.known_errors import KNOWN_ERRORS

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_IDS = load_bank(ROOT, with_solutions=False).ids()


#: The modules of sentences: what the grader says itself, what the checks' helpers say of
#: an answer.
SENTENCE_MODULES = (messages, answers)


def _sentences() -> dict[str, Callable[..., Message]]:
    """The modules' public functions that give a student a sentence (a Message)."""
    found: dict[str, Callable[..., Message]] = {}
    for module in SENTENCE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if typing.get_type_hints(function).get("return") is Message:
                assert name not in found, f"two sentences are called {name}"
                found[name] = function
    return found


SENTENCES = _sentences()

#: The sentences that tell a student their answer is None: there the word is no placeholder.
SAYS_NONE = {answers.value_is_none, answers.model_is_none}

#: Plausible values for each parameter name the module's functions take, as the
#: grader passes them (grader/plugin.py, views/html.py, batch.py, untrusted_files.py).
VALUES: dict[str, list[Any]] = {
    "exercise": ["one_hot"],
    "name": ["labels"],
    "trouble": ["cell 3: NameError: name 'x' is not defined", "the runner stopped"],
    "ename": ["ValueError"],
    "evalue": ["shapes (128, 10) and (128,) differ"],
    "reason": ["killed by signal 9"],
    "text": ["expected shape (3, 3), got (3,)"],
    "title": [Message(ko="원-핫 인코딩의 모양", en="shape of the one-hot encoding")],
    "detail": [
        "not valid JSON",
        messages.as_notice(Message(ko="JSON 형식이 아닙니다", en="not valid JSON")),
    ],
    "limit": ["cpu", "wall", "total-cpu", "total-wall"],
    "seconds": [12.5],
    "cell": [3],
    "graded_at": [4],
    "why": ["killed by signal 9"],
    "folder": ["alice"],
    "names": [["work.ipynb", "work.py"]],
    "student": ["alice"],
    "suggestion": ["tensors"],
    "known": [EXERCISE_IDS],
    "exercises": [["tensor", "onehot"]],
    "notice": [messages.as_notice(Message(ko="파일을 읽을 수 없습니다", en="unreadable file"))],
    "kind": ["NumPy array (128, 10)"],
    "shape": [(128, 10)],
    "got": [(128, 10, 10)],
    "wanted": ["float32"],
    "number": ["235146.0"],
    "where": ["`head`"],
    "pair": [("mse", "linear")],
    "what": ["os.system"],
    "said": [Message(ko="모델이 너무 큽니다", en="the model is too large")],
    "path": ["work/alice.ipynb"],
    "mib": [31],
    "limit_mib": [20],
    "byte": [1024],
    "line": [3],
    "column": [14],
    "count": [2001],
    "counted": ["sections", "cells", "code cells"],
}


#: Where one function's parameter takes other values than the same name elsewhere: a
#: runner's stop is described by the grader in English only (grading.py, SubmissionRun.error).
VALUES_FOR = {
    "runner_stopped": {"detail": ["the runner exited during cell 4"]},
    "wrong_dtype": {"got": ["int32"]},
    "over_cap": {"limit": [2000]},
}


def _takes_none(function: Callable[..., Any], parameter: str) -> bool:
    annotation = typing.get_type_hints(function)[parameter]
    return type(None) in typing.get_args(annotation) and (
        typing.get_origin(annotation) in (typing.Union, types.UnionType)
    )


def _calls(function: Callable[..., Message]) -> Iterator[dict[str, Any]]:
    """Every combination of plausible arguments, None included where the signature allows it."""
    choices = []
    for parameter in inspect.signature(function).parameters:
        values = list(VALUES_FOR.get(function.__name__, VALUES).get(parameter, VALUES[parameter]))
        if _takes_none(function, parameter):
            values.append(None)
        choices.append([(parameter, value) for value in values])
    for combination in itertools.product(*choices):
        yield dict(combination)


CASES = [
    pytest.param(function, arguments, id=f"{name}-{index}")
    for name, function in SENTENCES.items()
    for index, arguments in enumerate(_calls(function))
]


def _has_hangul(text: str) -> bool:
    return any("\uac00" <= character <= "\ud7a3" for character in text)


def test_every_parameter_of_every_sentence_has_plausible_values() -> None:
    # A new message function with a new parameter is tested only once it has values here.
    assert {"not_answered", "budget_ran_out", "cell_crashed", "flag_rebound"} <= set(SENTENCES)
    for name, function in SENTENCES.items():
        missing = set(inspect.signature(function).parameters) - set(VALUES)
        assert not missing, f"messages.{name} takes {missing}: add plausible values to VALUES"


@pytest.mark.parametrize(("function", "arguments"), CASES)
def test_a_sentence_is_said_in_korean_and_in_english(
    function: Callable[..., Message], arguments: dict[str, Any]
) -> None:
    said = function(**arguments)
    assert isinstance(said, Message)
    assert said.ko.strip() and said.en.strip()
    assert _has_hangul(said.ko), said.ko
    assert not _has_hangul(said.en), said.en
    assert said.ko != said.en


@pytest.mark.parametrize(("function", "arguments"), CASES)
def test_a_sentence_has_no_placeholder_left_unfilled(
    function: Callable[..., Message], arguments: dict[str, Any]
) -> None:
    said = function(**arguments)
    for text in (said.ko, said.en):
        assert "{" not in text and "}" not in text, text
        assert "None" not in text or function in SAYS_NONE, text
        assert "['" not in text, text  # no list printed as its repr


def _shown(parameter: str, value: Any, arguments: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What of an argument each language must say: (Korean pieces, English pieces)."""
    if value is None or parameter in ("limit", "counted"):
        return [], []
    if isinstance(value, Message):
        return [value.ko], [value.en]
    if parameter in ("detail", "notice"):
        parts = messages.notice_parts(value)
        return [parts.ko], [parts.en]
    if parameter == "trouble":
        in_cell = re.match(r"cell (\d+): (.*)", value)
        if in_cell:
            return [f"셀 {in_cell[1]}", in_cell[2]], [value]
        return [value], [value]
    if parameter == "known":
        # With a likely id to suggest, the sentence names that one instead of all of them.
        return ([], []) if arguments.get("suggestion") else (value, value)
    if isinstance(value, list):
        return value, value
    if isinstance(value, float):
        return [f"{value:g}"], [f"{value:g}"]
    return [str(value)], [str(value)]


@pytest.mark.parametrize(("function", "arguments"), CASES)
def test_a_sentence_tells_the_student_each_thing_it_was_given_in_both_languages(
    function: Callable[..., Message], arguments: dict[str, Any]
) -> None:
    said = function(**arguments)
    for parameter, value in arguments.items():
        korean, english = _shown(parameter, value, arguments)
        for piece in korean:
            assert piece in said.ko, (parameter, piece, said.ko)
        for piece in english:
            assert piece in said.en, (parameter, piece, said.en)


def test_each_time_budget_is_told_apart_and_cpu_time_is_named_as_such() -> None:
    for exercise, cell in [("one_hot", 3), ("one_hot", None), (None, 3), (None, None)]:
        said = {
            limit: messages.budget_ran_out(exercise, cell, limit, 12.5) for limit in VALUES["limit"]
        }
        assert len({m.ko for m in said.values()}) == 4
        assert len({m.en for m in said.values()}) == 4
        for limit, message in said.items():
            assert ("CPU" in message.ko) == limit.endswith("cpu")
            assert ("CPU" in message.en) == limit.endswith("cpu")


def _taking_an_exercise_id() -> list[Any]:
    cases = []
    for name, function in SENTENCES.items():
        parameters = inspect.signature(function).parameters
        for slot in ("exercise", "suggestion"):
            if slot in parameters:
                cases += [
                    pytest.param(function, slot, i, id=f"{name}-{slot}-{i}") for i in EXERCISE_IDS
                ]
    return cases


@pytest.mark.parametrize(("function", "slot", "exercise"), _taking_an_exercise_id())
def test_a_sentence_about_an_exercise_names_any_real_exercise_in_both_languages(
    function: Callable[..., Message], slot: str, exercise: str
) -> None:
    for arguments in _calls(function):
        said = function(**{**arguments, slot: exercise})
        assert exercise in said.ko and exercise in said.en
        assert _has_hangul(said.ko) and not _has_hangul(said.en)
        assert "{" not in said.ko + said.en and "None" not in said.ko + said.en


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_the_class_page_reads_back_which_exercise_a_stored_notice_is_about(exercise: str) -> None:
    rebound = messages.as_notice(messages.rebound_later(exercise, "model", 9, 4))
    unknown = messages.as_notice(messages.unknown_exercise(exercise, None))
    suggested = messages.as_notice(messages.unknown_exercise(exercise, "tensors"))
    assert messages.rebound_in(rebound) == ("model", exercise)
    assert messages.unknown_in(unknown) == exercise
    assert messages.unknown_in(suggested) == exercise
    assert messages.rebound_in(unknown) is None
    assert messages.unknown_in(rebound) is None
    assert messages.unknown_in(messages.as_notice(messages.no_markers())) is None


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,15}", fullmatch=True)


@given(exercise=identifiers, name=identifiers)
def test_a_rebound_notice_gives_back_the_name_and_the_exercise_it_was_made_from(
    exercise: str, name: str
) -> None:
    notice = messages.as_notice(messages.rebound_later(exercise, name, 9, 4))
    assert messages.rebound_in(notice) == (name, exercise)


korean_text = st.text(
    alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3) | st.sampled_from(" .,"),
    min_size=1,
).filter(_has_hangul)
english_text = st.text(alphabet=string.ascii_letters + string.digits + " .,:()", min_size=1)


@given(korean=korean_text, english=english_text)
def test_a_notice_splits_back_into_the_korean_and_english_it_joined(
    korean: str, english: str
) -> None:
    assert messages.notice_parts(messages.as_notice(Message(korean, english))) == Message(
        korean, english
    )


@given(text=english_text | korean_text)
def test_a_notice_in_one_language_is_that_text_in_both(text: str) -> None:
    assume(messages.NOTICE_JOIN not in text)
    assert messages.notice_parts(text) == Message(text, text)


@given(evalue=st.text(min_size=500, max_size=3000))
def test_a_long_error_from_student_code_is_cut_short_but_keeps_its_start(evalue: str) -> None:
    for said in (messages.student_raised("ValueError", evalue), messages.check_error("E", evalue)):
        for text in (said.ko, said.en):
            assert len(text) < 600
        assert evalue[:50] in said.ko and evalue[:50] in said.en


# --- Labels ---------------------------------------------------------------------------------

#: Every table of fixed words: the views' labels and the student material's texts.
LABEL_TABLES = {
    **{f"pages.{view}": table for view, table in pages.TABLES.items()},
    **{f"material.{where}": table for where, table in material.TABLES.items()},
}
LABELS = [
    pytest.param(label, id=f"{table}.{key}")
    for table, labels in LABEL_TABLES.items()
    for key, label in labels.items()
] + [pytest.param(known.message, id=f"known_errors.{known.diagnosis}") for known in KNOWN_ERRORS]


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_table_of_labels_is_tested() -> None:
    for module in (pages, material):
        tables = {
            name
            for name, value in vars(module).items()
            if isinstance(value, dict) and name.isupper() and name != "TABLES"
        }
        assert {id(vars(module)[name]) for name in tables} == {
            id(table) for table in module.TABLES.values()
        }, module.__name__


@pytest.mark.parametrize("table", LABEL_TABLES)
def test_a_view_has_the_same_keys_in_korean_and_in_english(table: str) -> None:
    words = pages.by_language(LABEL_TABLES[table])
    assert words["ko"].keys() == words["en"].keys() == LABEL_TABLES[table].keys()


@pytest.mark.parametrize("label", LABELS)
def test_a_label_is_written_in_korean_and_in_english(label: Message) -> None:
    assert isinstance(label, Message)
    assert label.ko.strip() and label.en.strip()
    assert _has_hangul(label.ko), label.ko
    assert not _has_hangul(label.en), label.en


@pytest.mark.parametrize("label", LABELS)
def test_a_label_leaves_the_same_fields_to_fill_in_both_languages(label: Message) -> None:
    assert _fields(label.ko) == _fields(label.en), label


# --- Particles ------------------------------------------------------------------------------
#
# The oracle below is independent of grader/korean.py: a Hangul syllable's final consonant
# comes from its Unicode decomposition, a number is read in Sino-Korean by its last unit,
# a Latin letter by its Korean name.

_FORMS = {  # pair: (after a final consonant, after a vowel)
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
}
_ANY_FORM = "|".join(
    sorted({form for pair in _FORMS.values() for form in pair}, key=len, reverse=True)
)
_LETTER_NAMES = {
    "a": "에이",
    "b": "비",
    "c": "씨",
    "d": "디",
    "e": "이",
    "f": "에프",
    "g": "지",
    "h": "에이치",
    "i": "아이",
    "j": "제이",
    "k": "케이",
    "l": "엘",
    "m": "엠",
    "n": "엔",
    "o": "오",
    "p": "피",
    "q": "큐",
    "r": "알",
    "s": "에스",
    "t": "티",
    "u": "유",
    "v": "브이",
    "w": "더블유",
    "x": "엑스",
    "y": "와이",
    "z": "제트",
}
_DIGIT_NAMES = "영일이삼사오육칠팔구"
#: The unit a number with so many trailing zeros ends in when read: 십, 백, 천, 만 ... 경.
_UNIT_BY_ZEROS = ["", "십", "백", "천"] + ["만"] * 4 + ["억"] * 4 + ["조"] * 4 + ["경"] * 4


def _syllable_ending(syllable: str) -> str:
    """vowel, rieul or consonant: how a Hangul syllable ends, from its jamo."""
    jamo = unicodedata.normalize("NFD", syllable)
    if len(jamo) == 2:
        return "vowel"
    return "rieul" if jamo[2] == "\u11af" else "consonant"


def _number_reading_end(number: int) -> str:
    if number == 0:
        return "영"
    digits = str(number)
    zeros = len(digits) - len(digits.rstrip("0"))
    return _UNIT_BY_ZEROS[zeros] if zeros else _DIGIT_NAMES[int(digits[-1])]


def _form(ending: str, pair: str) -> str:
    after_consonant, after_vowel = _FORMS[pair]
    if ending == "vowel" or (ending == "rieul" and after_vowel == "로"):
        return after_vowel
    return after_consonant


def _pair_of(form: str) -> str:
    return next(pair for pair, forms in _FORMS.items() if form in forms)


def _particles_after(text: str, word: str) -> list[str]:
    """The particle forms written right after ``word`` (and a closing quote or backtick)."""
    pattern = (
        rf"(?<![0-9A-Za-z_\uac00-\ud7a3]){re.escape(word)}[`'\"]?({_ANY_FORM})(?![\uac00-\ud7a3])"
    )
    return re.findall(pattern, text)


#: The sentences that put a word of the student's (a name, a file, an id) before a particle.
WORD_SLOTS: dict[str, Callable[[str], Message]] = {
    "missing_name": lambda word: messages.missing_name(word, "one_hot"),
    "missing_name, unfinished cell": lambda word: messages.missing_name(
        word, "one_hot", "cell 2: ValueError: bad"
    ),
    "refused_link": messages.refused_link,
    "refused_special": messages.refused_special,
    "refused_outside": messages.refused_outside,
    "rebound_later": lambda word: messages.rebound_later("one_hot", word, 9, 4),
    "unknown_exercise": lambda word: messages.unknown_exercise(word, None),
    "unknown_exercise, suggested": lambda word: messages.unknown_exercise("x", word),
    "flag_rebound": lambda word: messages.flag_rebound(["model", word]),
}
CELL_SLOTS: dict[str, Callable[[int], Message]] = {
    "cell_crashed": lambda cell: messages.cell_crashed(cell, "killed by signal 9"),
    "cell_out_of_memory": messages.cell_out_of_memory,
}


def _assert_agrees(said: Message, word: str, ending: str) -> None:
    forms = _particles_after(said.ko, word)
    assert forms, f"no particle after {word!r} in {said.ko!r}"
    for form in forms:
        assert form == _form(ending, _pair_of(form)), (word, ending, said.ko)


hangul_words = st.text(
    alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=5
)


@pytest.mark.parametrize("slot", WORD_SLOTS)
@given(word=hangul_words)
def test_a_korean_sentence_takes_the_particle_its_last_hangul_syllable_needs(
    slot: str, word: str
) -> None:
    say = WORD_SLOTS[slot]
    assume(word not in say("zz").ko)
    _assert_agrees(say(word), word, _syllable_ending(word[-1]))


@pytest.mark.parametrize("slot", WORD_SLOTS)
@given(stem=st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), number=st.integers(0, 10**19))
def test_a_name_ending_in_digits_takes_the_particle_of_the_number_read_in_sino_korean(
    slot: str, stem: str, number: int
) -> None:
    word = f"{stem}{number}"
    _assert_agrees(WORD_SLOTS[slot](word), word, _syllable_ending(_number_reading_end(number)[-1]))


@pytest.mark.parametrize("slot", WORD_SLOTS)
@given(
    stem=st.from_regex(r"([a-z][a-z0-9]{0,8}_)?", fullmatch=True),
    letter=st.sampled_from(string.ascii_letters),
)
def test_a_name_ending_in_a_single_letter_takes_the_particle_of_the_letter_name(
    slot: str, stem: str, letter: str
) -> None:
    word = f"{stem}{letter}"
    name = _LETTER_NAMES[letter.lower()]
    _assert_agrees(WORD_SLOTS[slot](word), word, _syllable_ending(name[-1]))


@pytest.mark.parametrize("slot", WORD_SLOTS)
@given(acronym=st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=4))
def test_an_acronym_takes_the_particle_of_its_last_letter_name(slot: str, acronym: str) -> None:
    name = _LETTER_NAMES[acronym[-1].lower()]
    _assert_agrees(WORD_SLOTS[slot](acronym), acronym, _syllable_ending(name[-1]))


@pytest.mark.parametrize("slot", CELL_SLOTS)
@given(cell=st.integers(1, 10**19))
def test_a_cell_number_takes_the_particle_of_the_number_read_in_sino_korean(
    slot: str, cell: int
) -> None:
    said = CELL_SLOTS[slot](cell)
    _assert_agrees(said, str(cell), _syllable_ending(_number_reading_end(cell)[-1]))


@pytest.mark.parametrize(("function", "arguments"), CASES)
def test_every_particle_after_code_or_a_number_agrees_with_how_it_is_read(
    function: Callable[..., Message], arguments: dict[str, Any]
) -> None:
    # Anything not Hangul written right before a particle: `code`, a number, a file name.
    # A parenthesis is skipped: the particle there belongs to the word before the aside.
    said = function(**arguments)
    for word, form in re.findall(
        rf"([^\s\uac00-\ud7a3]+)({_ANY_FORM})(?![\uac00-\ud7a3])", said.ko
    ):
        if word.endswith(")"):
            continue
        assert word + form == particle(word, _pair_of(form)), said.ko
