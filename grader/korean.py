"""Korean particles that agree with the word before them: ``particle("`y`", "이/가")``.

A Korean particle has two forms, chosen by how the word before it is read aloud:
after a final consonant (batchim) ``이``, ``은``, ``을``, ``과``, ``으로``; after a vowel
``가``, ``는``, ``를``, ``와``, ``로``; ``로`` also after a final ㄹ. Messages name
code (`` `one_hot(labels, 3)` ``), numbers (``0.50``) and Hangul words, so the word's
last sound is read the way a Korean reader would say it: digits in Sino-Korean
(``3`` 삼, ``10`` 십, ``0.5`` 영 점 오), Latin letters and identifiers by their English
pronunciation, approximately. When nothing readable ends the word, both forms are
written, as in ``이(가)``.
"""

from __future__ import annotations

import re
from typing import Literal

Sound = Literal["vowel", "rieul", "consonant"]

#: Each particle as (after a consonant, after a vowel).
_PAIRS: dict[frozenset[str], tuple[str, str]] = {
    frozenset(("이", "가")): ("이", "가"),
    frozenset(("은", "는")): ("은", "는"),
    frozenset(("을", "를")): ("을", "를"),
    frozenset(("과", "와")): ("과", "와"),
    frozenset(("으로", "로")): ("으로", "로"),
    frozenset(("이라고", "라고")): ("이라고", "라고"),
}

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8

#: How the last digit of a number is read: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT: dict[str, Sound] = {
    "0": "consonant",
    "1": "rieul",
    "2": "vowel",
    "3": "consonant",
    "4": "vowel",
    "5": "vowel",
    "6": "consonant",
    "7": "rieul",
    "8": "rieul",
    "9": "vowel",
}

#: English letter names as Koreans say them: 에이, 비, 씨, ..., 엘, 엠, 엔, 알, ...
_LETTER: dict[str, Sound] = {letter: "vowel" for letter in "abcdefghijkopqstuvwxyz"}
_LETTER.update({"l": "rieul", "r": "rieul", "m": "consonant", "n": "consonant"})

_TOKEN = re.compile(r"[0-9A-Za-z\uac00-\ud7a3]+(?:\.[0-9]+)?")
_VOWELS = set("aeiou")


def final_sound(word: str) -> Sound | None:
    """How ``word`` ends when read aloud, or None if it ends in nothing readable."""
    tokens = _TOKEN.findall(word)
    if not tokens:
        return None
    token = tokens[-1]
    last = token[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        batchim = (ord(last) - _HANGUL_FIRST) % 28
        return "vowel" if batchim == 0 else "rieul" if batchim == _RIEUL else "consonant"
    digits = re.search(r"[0-9]+(?:\.[0-9]+)?$", token)
    if digits:
        return _number_sound(digits.group())
    letters = re.search(r"[A-Za-z]+$", token)
    assert letters is not None
    return _english_sound(letters.group())


def particle(word: str, pair: str) -> str:
    """``word`` followed by the form of the particle ``pair`` (``"이/가"``) that fits it."""
    forms = _PAIRS.get(frozenset(pair.split("/")))
    if forms is None:
        raise ValueError(
            f"unknown particle pair {pair!r}; known: 이/가, 은/는, 을/를, 와/과, 으로/로"
        )
    after_consonant, after_vowel = forms
    sound = final_sound(word)
    if sound is None:
        if after_consonant.endswith(after_vowel):
            return f"{word}({after_consonant[: -len(after_vowel)]}){after_vowel}"
        return f"{word}{after_consonant}({after_vowel})"
    if sound == "vowel" or (sound == "rieul" and after_vowel == "로"):
        return word + after_vowel
    return word + after_consonant


def _number_sound(number: str) -> Sound:
    whole, _, fraction = number.partition(".")
    if fraction:
        return _DIGIT[fraction[-1]]
    stripped = whole.lstrip("0")
    if not stripped:
        return "consonant"
    zeros = len(stripped) - len(stripped.rstrip("0"))
    if zeros == 0:
        return _DIGIT[stripped[-1]]
    # 십, 백, 천, 만, 억 all end in a consonant; 조 (10¹² to 10¹⁵: 십조, 백조, 천조) does not.
    return "vowel" if 12 <= zeros < 16 else "consonant"


def _english_sound(letters: str) -> Sound:
    """The last sound of an English word or acronym, as Korean loanwords say it."""
    if len(letters) == 1 or (letters.isupper() and len(letters) <= 4):
        return _LETTER[letters[-1].lower()]
    word = letters.lower()
    if word.endswith(("ng", "m", "n")):
        return "consonant"
    if word.endswith("l"):
        return "rieul"
    if word.endswith("e") and len(word) > 2 and word[-2] not in _VOWELS:
        # A silent e: "none" 논, "scale" 스케일, but "shape" 셰이프, "dense" 덴스,
        # "variable" 베리어블.
        before = word[-2]
        if before == "l":
            return "rieul" if word[-3] in _VOWELS else "vowel"
        return "consonant" if before in "mn" else "vowel"
    if word.endswith(("ck", "k", "p", "t")) and _short_vowel_before(word):
        # "book" 북, "cat" 캣, "stack" 스택; but "list" 리스트, "sheet" 시트.
        return "consonant"
    return "vowel"


def _short_vowel_before(word: str) -> bool:
    stem = word[:-2] if word.endswith("ck") else word[:-1]
    return (
        len(stem) >= 1
        and stem[-1] in _VOWELS
        and (len(stem) == 1 or stem[-2] not in _VOWELS or stem[-2:] == "oo")
    )
