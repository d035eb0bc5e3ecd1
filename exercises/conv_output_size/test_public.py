"""Public checks for 'conv_output_size'."""

import pytest

from grader import expect, expect_number, readable


@pytest.mark.points(1)
def test_a_3x3_filter_without_padding_shrinks_28_to_26(student):
    """ko: conv_output_size(28, 3, 0, 1) 은 26 입니다.
    en: conv_output_size(28, 3, 0, 1) is 26."""
    got = expect_number(student.conv_output_size(28, 3, 0, 1), "conv_output_size(28, 3, 0, 1)")
    expect(got == 26, ko=f"26 이어야 하는데 {got} 입니다.", en=f"expected 26, got {got}.")


@pytest.mark.points(1)
def test_padding_keeps_the_size(student):
    """ko: conv_output_size(28, 5, 2, 1) 은 28 입니다 (패딩 포함).
    en: conv_output_size(28, 5, 2, 1) is 28 (padding counts)."""
    got = expect_number(student.conv_output_size(28, 5, 2, 1), "conv_output_size(28, 5, 2, 1)")
    forgot = got == 24
    expect(
        got == 28,
        ko=f"28 이어야 하는데 {got} 입니다."
        + (" 공식에서 패딩 2p 를 빠뜨렸습니다." if forgot else ""),
        en=f"expected 28, got {got}." + (" The padding term 2p is missing." if forgot else ""),
        diagnosis="padding-forgotten" if forgot else None,
    )


@pytest.mark.points(1)
def test_the_result_is_an_integer(student):
    """ko: 결과는 정수입니다.
    en: the result is an integer."""
    import numpy as np

    got = student.conv_output_size(7, 3, 0, 2)
    whole_float = isinstance(got, (float, np.floating)) and float(got).is_integer()
    expect(
        isinstance(got, (int, np.integer)) and not isinstance(got, bool),
        ko=f"정수를 돌려줘야 하는데 {readable(got)} ({type(got).__name__}) 입니다. "
        + (
            "값은 맞지만 실수입니다: np.floor / math.floor 의 결과를 int(...) 로 바꾸거나 // 를 "
            "쓰세요."
            if whole_float
            else "// 나 math.floor 로 내림하세요."
        ),
        en=f"return an int, not {readable(got)} ({type(got).__name__}). "
        + (
            "The value is right but a float: wrap np.floor / math.floor in int(...) or use //."
            if whole_float
            else "Floor the division with // or math.floor."
        ),
        diagnosis="float-not-int"
        if whole_float
        else "not-floored"
        if isinstance(got, (float, np.floating))
        else None,
    )


@pytest.mark.points(1)
def test_keras_valid_and_same_on_28(student):
    """ko: 28 입력, 3 필터, 스트라이드 1 에서 valid 는 26, same 은 28 입니다.
    en: for a 28 input, 3 filter and stride 1, valid gives 26 and same gives 28."""
    valid = expect_number(
        student.keras_output_size(28, 3, 1, "valid"), "keras_output_size(28, 3, 1, 'valid')"
    )
    same = expect_number(
        student.keras_output_size(28, 3, 1, "same"), "keras_output_size(28, 3, 1, 'same')"
    )
    expect(
        (valid, same) == (26, 28),
        ko=f"(26, 28) 이어야 하는데 ({valid}, {same}) 입니다.",
        en=f"expected (26, 28), got ({valid}, {same}).",
    )
