"""The wire format refuses anything that is not plain data, and executes nothing it receives."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import socket
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader import protocol
from grader.errors import ProtocolError


def roundtrip(message: dict) -> dict:
    frame = protocol.encode_frame(message)
    return protocol.decode_frame(frame[8:])


def frame_with(document: dict, *blobs: bytes) -> bytes:
    body = json.dumps({**document, "$blobs": [len(b) for b in blobs]}).encode()
    return struct.pack("!I", len(body)) + body + b"".join(blobs)


plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**62), 2**62)
    | st.floats()
    | st.text()
    | st.binary(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(value=plain)
def test_plain_values_cross_unchanged(value: object) -> None:
    assert same(roundtrip({"value": value})["value"], value)


@given(array=hnp.arrays(hnp.scalar_dtypes(), hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
def test_numpy_arrays_cross_with_dtype_and_shape(array: np.ndarray) -> None:
    back = roundtrip({"value": array})["value"]
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_tensor_values_are_tagged_apart_from_arrays() -> None:
    back = roundtrip({"value": protocol.TensorValue(np.arange(3, dtype=np.float32))})["value"]
    assert isinstance(back, protocol.TensorValue)
    np.testing.assert_array_equal(back.array, [0, 1, 2])


def test_a_non_data_object_becomes_a_handle_only_on_the_runners_side() -> None:
    handles: list[object] = []

    def to_handle(value: object) -> protocol.Handle:
        handles.append(value)
        return protocol.Handle(len(handles), type(value).__name__, repr(value))

    back = protocol.decode_frame(protocol.encode_frame({"v": [object()]}, to_handle=to_handle)[8:])
    assert isinstance(back["v"][0], protocol.Handle)
    with pytest.raises(ProtocolError, match="not data"):
        protocol.encode_frame({"v": object()})


class _Marker:
    """Unpickling this would create a file: proof that something executed."""

    path = ""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (Path(self.path),))


def test_a_pickled_array_is_refused_and_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    _Marker.path = str(marker)
    buffer = io.BytesIO()
    np.save(buffer, np.array([_Marker()], dtype=object), allow_pickle=True)
    with pytest.raises(ProtocolError, match=r"pickled|object"):
        protocol.decode_frame(frame_with({"value": {"$array": 0}}, buffer.getvalue()))
    assert not marker.exists()


def test_a_raw_pickle_in_place_of_json_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    _Marker.path = str(marker)
    payload = pickle.dumps(_Marker())
    with pytest.raises(ProtocolError):
        protocol.decode_frame(struct.pack("!I", len(payload)) + payload)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("document", "blobs", "why"),
    [
        ({"value": {"$eval": "1+1"}}, (), "unknown"),
        ({"value": {"$array": 3}}, (), "missing"),
        ({"value": {"$handle": -1}}, (), "unknown or malformed"),
        ({"value": {"$dict": [[1]]}}, (), "pair"),
        ({"value": {"$dict": [[[1], 2]]}}, (), "unhashable"),
        ({"value": {"$array": 0}}, (b"not an npy file",), "not a valid"),
    ],
)
def test_malformed_messages_are_refused(document: dict, blobs: tuple[bytes, ...], why: str) -> None:
    with pytest.raises(ProtocolError, match=why):
        protocol.decode_frame(frame_with(document, *blobs))


def test_blobs_that_do_not_add_up_are_refused() -> None:
    payload = frame_with({"value": 1}, b"abc")[:-1]
    with pytest.raises(ProtocolError, match="add up"):
        protocol.decode_frame(payload)


def test_deep_nesting_is_refused() -> None:
    text = "[" * 5000 + "]" * 5000
    body = ('{"value": ' + text + ', "$blobs": []}').encode()
    with pytest.raises(ProtocolError):
        protocol.decode_frame(struct.pack("!I", len(body)) + body)


def test_an_announced_oversized_message_is_refused_before_it_is_read() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack("!4sI", protocol.MAGIC, protocol.MAX_FRAME_BYTES + 1))
        with pytest.raises(ProtocolError, match="over the"):
            protocol.Channel(ours).receive(timeout=2)


def test_a_frame_without_the_magic_is_refused() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"GET / HTTP/1.1\r\n\r\n")
        with pytest.raises(ProtocolError, match="magic"):
            protocol.Channel(ours).receive(timeout=2)


def test_a_trickling_sender_cannot_stretch_the_time_limit() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack("!4sI", protocol.MAGIC, 100) + b"x")
        with pytest.raises(TimeoutError):
            protocol.Channel(ours).receive(timeout=0.3)


def test_eof_mid_message_is_end_of_stream() -> None:
    ours, theirs = socket.socketpair()
    with ours:
        theirs.sendall(struct.pack("!4sI", protocol.MAGIC, 100))
        theirs.close()
        with pytest.raises(EOFError):
            protocol.Channel(ours).receive(timeout=2)


def test_strings_that_are_not_utf8_json_are_refused() -> None:
    body = b"\xff\xfe{}"
    with pytest.raises(ProtocolError, match="UTF-8"):
        protocol.decode_frame(struct.pack("!I", len(body)) + body)


def test_nothing_received_changes_the_process_environment() -> None:
    before = dict(os.environ)
    protocol.decode_frame(frame_with({"value": {"$dict": [["PATH", "/evil"]]}}))
    assert dict(os.environ) == before
