"""Hidden checks for 'last_activation_loss'."""

import pytest

from grader import expect, expect_activation_and_loss


def pair_of(student, problem):
    choices = student.choices
    expect(
        isinstance(choices, dict) and problem in choices,
        ko=f"choices[{problem!r}] 가 없습니다.",
        en=f"choices[{problem!r}] is missing.",
    )
    return expect_activation_and_loss(choices[problem], f"choices[{problem!r}]")


@pytest.mark.points(2)
def test_multiclass(student):
    """ko: 원-핫 레이블의 다중 분류는 softmax 와 categorical_crossentropy 입니다.
    en: multi-class with one-hot labels is softmax with categorical_crossentropy."""
    activation, loss = pair_of(student, "multiclass")
    sparse = loss == "sparse_categorical_crossentropy"
    expect(
        (activation, loss) == ("softmax", "categorical_crossentropy"),
        ko="다중 분류의 선택이 틀립니다."
        + (" 레이블이 원-핫이면 sparse_ 가 아닌 손실을 씁니다." if sparse else ""),
        en="the multi-class choice is wrong."
        + (" With one-hot labels the loss is not the sparse_ one." if sparse else ""),
        diagnosis="sparse-with-one-hot" if sparse else None,
    )


@pytest.mark.points(2)
def test_multilabel(student):
    """ko: 다중 레이블은 레이블마다 sigmoid 와 binary_crossentropy 입니다.
    en: multi-label is a sigmoid per label with binary_crossentropy."""
    activation, loss = pair_of(student, "multilabel")
    softmax = activation == "softmax"
    expect(
        (activation, loss) == ("sigmoid", "binary_crossentropy"),
        ko="다중 레이블의 선택이 틀립니다."
        + (
            " softmax 는 태그 확률의 합을 1 로 만들어 여러 태그를 동시에 고를 수 없습니다."
            if softmax
            else ""
        ),
        en="the multi-label choice is wrong."
        + (
            " A softmax makes the tag probabilities sum to 1, so several tags cannot all be on."
            if softmax
            else ""
        ),
        diagnosis="softmax-for-multilabel" if softmax else None,
    )
