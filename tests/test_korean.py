"""Korean particles follow the word before them, however it is written."""

from __future__ import annotations

import pytest

from grader.korean import final_sound, particle


@pytest.mark.parametrize(
    ("word", "pair", "written"),
    [
        ("사과", "이/가", "사과가"),
        ("모양", "이/가", "모양이"),
        ("출력", "와/과", "출력과"),
        ("텐서", "와/과", "텐서와"),
        ("파일", "으로/로", "파일로"),
        ("값", "으로/로", "값으로"),
        ("모델", "은/는", "모델은"),
        ("배열", "을/를", "배열을"),
    ],
)
def test_a_hangul_word_takes_the_form_its_batchim_asks_for(
    word: str, pair: str, written: str
) -> None:
    assert particle(word, pair) == written


@pytest.mark.parametrize(
    ("number", "pair", "written"),
    [
        ("4", "와/과", "4와"),
        ("3", "와/과", "3과"),
        ("0.50", "으로/로", "0.50으로"),
        ("0.5", "으로/로", "0.5로"),
        ("1", "으로/로", "1로"),
        ("7", "이/가", "7이"),
        ("8", "으로/로", "8로"),
        ("6", "으로/로", "6으로"),
        ("10", "이/가", "10이"),
        ("20", "는/은", "20은"),
        ("9", "을/를", "9를"),
        ("235146", "이/가", "235146이"),
        ("(128, 10)", "이/가", "(128, 10)이"),
        ("(2, 3)", "이/가", "(2, 3)이"),
    ],
)
def test_a_number_is_read_in_sino_korean(number: str, pair: str, written: str) -> None:
    assert particle(number, pair) == written


@pytest.mark.parametrize(
    ("code", "pair", "written"),
    [
        ("`y`", "이/가", "`y`가"),
        ("`W`", "은/는", "`W`는"),
        ("`n`", "이/가", "`n`이"),
        ("`L`", "으로/로", "`L`로"),
        ("MSE", "을/를", "MSE를"),
        ("None", "이/가", "None이"),
        ("float32", "이/가", "float32가"),
        ("tf.Variable", "이/가", "tf.Variable가"),
        ("scale", "으로/로", "scale로"),
        ("model", "으로/로", "model로"),
        ("adam", "이/가", "adam이"),
        ("softmax", "을/를", "softmax를"),
        ("relu", "와/과", "relu와"),
        ("input", "을/를", "input을"),
        ("list", "이/가", "list가"),
        ("`one_hot([0, 2, 1], 3)`", "이/가", "`one_hot([0, 2, 1], 3)`이"),
    ],
)
def test_code_is_read_by_its_english_pronunciation(code: str, pair: str, written: str) -> None:
    assert particle(code, pair) == written


def test_a_word_with_nothing_readable_at_its_end_gets_both_forms() -> None:
    assert particle("≈", "이/가") == "≈이(가)"
    assert particle("→", "으로/로") == "→(으)로"
    assert final_sound("...") is None


def test_an_unknown_particle_is_a_bank_bug() -> None:
    with pytest.raises(ValueError, match="unknown particle"):
        particle("값", "에/에서")
