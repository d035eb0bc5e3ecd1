"""The wire format refuses anything that is not plain data, and executes nothing it receives."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.errors import ProtocolError
from grader.sandbox import wire


def roundtrip(message: dict) -> dict:
    frame = wire.encode_frame(message)
    return wire.decode_frame(frame[8:])


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
    back = roundtrip({"value": wire.TensorValue(np.arange(3, dtype=np.float32))})["value"]
    assert isinstance(back, wire.TensorValue)
    np.testing.assert_array_equal(back.array, [0, 1, 2])


def test_a_non_data_object_becomes_a_handle_only_on_the_runners_side() -> None:
    handles: list[object] = []

    def to_handle(value: object) -> wire.Handle:
        handles.append(value)
        return wire.Handle(len(handles), type(value).__name__, repr(value))

    back = wire.decode_frame(wire.encode_frame({"v": [object()]}, to_handle=to_handle)[8:])
    assert isinstance(back["v"][0], wire.Handle)
    with pytest.raises(ProtocolError, match="not data"):
        wire.encode_frame({"v": object()})


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
        wire.decode_frame(frame_with({"value": {"$array": 0}}, buffer.getvalue()))
    assert not marker.exists()


def test_a_raw_pickle_in_place_of_json_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    _Marker.path = str(marker)
    payload = pickle.dumps(_Marker())
    with pytest.raises(ProtocolError):
        wire.decode_frame(struct.pack("!I", len(payload)) + payload)
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
        wire.decode_frame(frame_with(document, *blobs))


def test_blobs_that_do_not_add_up_are_refused() -> None:
    payload = frame_with({"value": 1}, b"abc")[:-1]
    with pytest.raises(ProtocolError, match="add up"):
        wire.decode_frame(payload)


def test_deep_nesting_is_refused() -> None:
    text = "[" * 5000 + "]" * 5000
    body = ('{"value": ' + text + ', "$blobs": []}').encode()
    with pytest.raises(ProtocolError):
        wire.decode_frame(struct.pack("!I", len(body)) + body)


def test_strings_that_are_not_utf8_json_are_refused() -> None:
    body = b"\xff\xfe{}"
    with pytest.raises(ProtocolError, match="UTF-8"):
        wire.decode_frame(struct.pack("!I", len(body)) + body)


def test_nothing_received_changes_the_process_environment() -> None:
    before = dict(os.environ)
    wire.decode_frame(frame_with({"value": {"$dict": [["PATH", "/evil"]]}}))
    assert dict(os.environ) == before


# -- whatever a runner sends, the grader meets only ProtocolError ----------------------


def npy_header(descr: str, shape: tuple[int, ...]) -> bytes:
    """A ``.npy`` 1.0 header claiming ``descr`` and ``shape``, whatever data follows it."""
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode("latin1")
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def saved(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def raw_frame(body: bytes) -> bytes:
    return struct.pack("!I", len(body)) + body


@pytest.mark.parametrize(
    ("document", "blobs", "why"),
    [
        ({"value": {"$bytes": "not base64!"}}, (), "base64"),
        ({"value": {"$bytes": 12}}, (), "malformed"),
        ({"value": {"$array": "0"}}, (np.lib.format.magic(1, 0),), "missing or reused"),
        ({"value": {"$f": "1e999"}}, (), "malformed"),
        ({"value": {"$tuple": "abc"}}, (), "malformed"),
        ({"value": {"$handle": 1, "type": ["x"], "repr": {"$eval": 1}}}, (), "handle"),
        ({"value": {"$scalar": 0}}, (npy_header("<i8", (2,)) + bytes(16),), "0-d"),
        ({"value": {"$array": 0}}, (npy_header("|S0", (2_000_000_000,)) + bytes(128),), "zero"),
        ({"value": {"$array": 0}}, (npy_header("<U0", (2_000_000_000,)),), "zero"),
        ({"value": {"$array": 0}}, (npy_header("<f8", (10**9,)) + bytes(64),), "elements"),
        ({"value": {"$array": 0}}, (npy_header("<f8", (10**6, 10**6)),), "elements"),
        ({"value": {"$array": 0}}, (npy_header("<f8", (-1, 4)),), "shape"),
        ({"value": {"$array": 0}}, (npy_header("<f8", (3,)) + bytes(16),), "size"),
        ({"value": {"$array": 0}}, (npy_header("|V8", (1,)) + bytes(8),), "plain data"),
        ({"value": {"$array": 0}}, (saved(np.zeros(1, dtype=[("a", "<f8")])),), "plain"),
        ({"value": {"$array": 0}}, (b"\x93NUMPY\x09\x00" + bytes(32),), "npy"),
    ],
)
def test_hostile_values_are_protocol_errors(
    document: dict, blobs: tuple[bytes, ...], why: str
) -> None:
    with pytest.raises(ProtocolError, match=why):
        wire.decode_frame(frame_with(document, *blobs))


@pytest.mark.parametrize(
    "body",
    [
        b'{"value": ' + b"7" * 5000 + b', "$blobs": []}',
        b'{"value": ' + b"9" * 30 + b', "$blobs": []}',
        b'{"value": -' + b"9" * 19 + b', "$blobs": []}',
        b'{"value": NaN, "$blobs": []}',
        b'{"value": -Infinity, "$blobs": []}',
        b'{"value": 1, "$blobs": {"0": 3}}',
        b'{"value": 1, "$blobs": ["3"]}',
        b'{"value": 1, "$blobs": [true]}',
        b'{"value": 1, "$blobs": 7}',
        b'{"value": 1, "$blobs": [' + b",".join([b"0"] * 200_001) + b"]}",
        b"[1, 2]",
        b'"text"',
        b"",
    ],
)
def test_malformed_documents_are_protocol_errors(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        wire.decode_frame(raw_frame(body))


def test_an_array_over_the_element_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "MAX_ARRAY_ELEMENTS", 1000)
    assert roundtrip({"v": np.zeros(1000, np.int8)})["v"].shape == (1000,)
    frame = wire.encode_frame({"v": np.zeros(1001, np.int8)})
    with pytest.raises(ProtocolError, match="elements"):
        wire.decode_frame(frame[8:])


def test_an_oversized_json_document_is_refused_on_both_sides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(wire, "MAX_JSON_BYTES", 1000)
    with pytest.raises(ProtocolError, match="JSON"):
        wire.encode_frame({"v": "x" * 1000})
    with pytest.raises(ProtocolError, match="JSON"):
        wire.decode_frame(raw_frame(json.dumps({"v": "x" * 1000, "$blobs": []}).encode()))


def test_arrays_come_back_writable_and_equal_in_either_order() -> None:
    array = np.asfortranarray(np.arange(12, dtype=">i4").reshape(3, 4))
    back = roundtrip({"v": array})["v"]
    np.testing.assert_array_equal(back, array)
    back[0, 0] = 7
    assert back.dtype == array.dtype


def test_lone_surrogates_never_reach_the_grader() -> None:
    body = b'{"v": ["\\ud800", {"$dict": [["\\udfff", "ok \\ud83d\\ude00"]]}], "$blobs": []}'
    decoded = wire.decode_frame(raw_frame(body))["v"]
    assert decoded == ["\ufffd", {"\ufffd": "ok \U0001f600"}]


def test_handle_names_are_capped_and_cleaned() -> None:
    value = {"$handle": 3, "type": "Evil\x1b[2J\ud800" + "x" * 1000, "repr": "\x00r" * 5000}
    handle = wire.decode_frame(frame_with({"v": value}))["v"]
    assert isinstance(handle, wire.Handle)
    assert len(handle.type) <= 200 and "\x1b" not in handle.type and "\ud800" not in handle.type
    assert len(handle.repr) <= 2000 and "\x00" not in handle.repr


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["$f", "$tuple", "$dict", "$bytes", "$array", "$scalar", "$tensor"])
            | st.sampled_from(["$handle", "$ref", "type", "repr", "x"]),
            inner,
            max_size=3,
        )
    ),
    max_leaves=12,
)


@given(document=st.dictionaries(st.text(max_size=4), json_values, max_size=3), blob=st.binary())
def test_any_json_document_is_decoded_or_refused_as_a_protocol_error(
    document: dict, blob: bytes
) -> None:
    frame = frame_with(document, blob, np.lib.format.magic(1, 0) + blob)
    try:
        decoded = wire.decode_frame(frame)
    except ProtocolError:
        return
    assert isinstance(decoded, dict)


@given(payload=st.binary(max_size=200))
def test_any_bytes_are_decoded_or_refused_as_a_protocol_error(payload: bytes) -> None:
    try:
        decoded = wire.decode_frame(payload)
    except ProtocolError:
        return
    assert isinstance(decoded, dict)


def test_hostile_frames_are_refused_quickly() -> None:
    import time

    frames = [
        raw_frame(b'{"value": ' + b"7" * 5000 + b', "$blobs": []}'),
        frame_with({"v": {"$array": 0}}, npy_header("|S0", (2_000_000_000,)) + bytes(128)),
        frame_with({"v": {"$array": 0}}, npy_header("<f8", (4 * 10**9,)) + bytes(64)),
        raw_frame(b'{"v": ' + b"[" * 100_000 + b"]" * 100_000 + b', "$blobs": []}'),
    ]
    started = time.perf_counter()
    for frame in frames:
        with pytest.raises(ProtocolError):
            wire.decode_frame(frame)
    assert time.perf_counter() - started < 1.0
