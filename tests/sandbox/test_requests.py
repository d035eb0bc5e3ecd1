"""A runner's answers to the grader's requests, as :class:`Answers` gives them (in process:
the runner and a student's own kernel serve the same class)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from grader.sandbox import wire
from grader.sandbox.requests import MAX_ITEMS, Answers, Op, ZygoteOp


def test_the_vocabulary_crosses_the_wire_as_the_strings_each_side_compares() -> None:
    frame = wire.encode_frame({"op": Op.GETATTR, "fork": ZygoteOp.FORK})
    assert wire.decode_frame(frame[wire.HEADER.size :]) == {"op": "getattr", "fork": "fork"}
    assert json.dumps({"op": ZygoteOp.WAIT}) == '{"op": "wait"}'
    assert len({*Op, *ZygoteOp}) == len(Op) + len(ZygoteOp)


def test_a_name_is_looked_up_and_a_missing_one_is_a_name_error() -> None:
    answers = Answers({"x": 3})
    assert answers.answer({"op": "get", "name": "x"}) == 3
    with pytest.raises(NameError, match="'y'"):
        answers.answer({"op": "get", "name": "y"})


def test_objects_stay_as_handles_and_requests_name_them_by_number() -> None:
    class Box:
        def __init__(self) -> None:
            self.items = [1, 2, 3]

        def scaled(self, by: int, *, plus: int = 0) -> list[int]:
            return [item * by + plus for item in self.items]

    answers = Answers({})
    handle = answers.to_handle(Box())
    assert handle.type.endswith("Box") and handle.id == 1
    target = wire.Ref(handle.id)
    assert answers.answer({"op": "getattr", "target": target, "name": "items"}) == [1, 2, 3]
    method = answers.to_handle(
        answers.answer({"op": "getattr", "target": target, "name": "scaled"})
    )
    call = {"op": "call", "target": wire.Ref(method.id), "args": [2], "kwargs": {"plus": 1}}
    assert answers.answer(call) == [3, 5, 7]
    with pytest.raises(LookupError):
        answers.answer({"op": "len", "target": wire.Ref(99)})


def test_tensor_arguments_arrive_as_tensors() -> None:
    answers = Answers({"double": lambda t: type(t).__name__})
    handle = answers.to_handle(answers.answer({"op": "get", "name": "double"}))
    argument = wire.TensorValue(np.ones(2, np.float32))
    call = {"op": "call", "target": wire.Ref(handle.id), "args": [argument]}
    assert answers.answer(call) == "EagerTensor"


def test_iter_draws_no_more_items_than_it_sends() -> None:
    drawn = itertools.count()
    answers = Answers({"endless": (next(drawn) for _ in itertools.count())})
    handle = answers.to_handle(answers.answer({"op": "get", "name": "endless"}))
    items = answers.answer({"op": "iter", "target": wire.Ref(handle.id)})
    assert len(items) == MAX_ITEMS and next(drawn) == MAX_ITEMS


def test_a_request_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown request"):
        Answers({}).answer({"op": "exec", "target": None})
