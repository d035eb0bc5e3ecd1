"""The wire format between grader and runner: data only, on both sides of the boundary.

This module is the codec; :mod:`grader.sandbox.channel` carries its frames over a socket.

A message is one frame: an 8-byte header (magic, body length), then a JSON
document and zero or more binary blobs, each a NumPy ``.npy`` file. Values are
plain JSON where JSON can say them, and small tagged objects where it cannot:

=================  ====================================================
``{"$f": "nan"}``  a float JSON cannot carry (nan, inf, -inf)
``{"$tuple": []}`` a tuple
``{"$dict": []}``  a dict, as a list of ``[key, value]`` pairs
``{"$bytes": s}``  bytes, base64
``{"$array": i}``  a NumPy array, blob ``i``
``{"$scalar": i}`` a NumPy scalar, blob ``i`` (a 0-d array)
``{"$tensor": i}`` a TensorFlow eager tensor's value, blob ``i``
``{"$handle": i}`` an object that is not data, left in the runner as handle ``i``
``{"$ref": i}``    the grader pointing back at a runner handle
=================  ====================================================

The grader decodes whatever a runner sends with :func:`decode_frame`, which
refuses pickles, object arrays, unknown tags, oversized or deeply nested
messages with :class:`~grader.errors.ProtocolError`, and whatever else goes
wrong while it decodes as a ProtocolError too. Nothing received is ever executed
or unpickled, and no size a message states is allocated before it is checked
against a cap and against the bytes that actually came.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.errors import ProtocolError
from grader.images import MAX_BASE64, SIGNATURES, is_image
from grader.text import display_text, valid_unicode

#: A frame starts with the magic and the length of what follows.
MAGIC = b"TFG1"
HEADER = struct.Struct("!4sI")
_JSON_LEN = struct.Struct("!I")

#: Largest frame either side accepts; bigger ones are refused before they are read.
MAX_FRAME_BYTES = 64 * 1024 * 1024
#: Largest JSON part of a frame: values travel as blobs, so the JSON is small but for text.
MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 100_000
#: Most elements one array may have (and bytes: no more than its frame holds).
MAX_ARRAY_ELEMENTS = 16 * 1024 * 1024
_ALLOWED_ARRAY_KINDS = frozenset("biufcSUMm")
_INT_LIMIT = 2**63
# The encoder never writes an integer past int64, so a longer digit string is refused
# before Python spends quadratic time converting it.
_MAX_INT_DIGITS = 20
_MAX_HANDLE_TYPE = 200
_MAX_HANDLE_REPR = 2000
#: The image types a cell's display output crosses as, in the order a runner prefers them.
IMAGE_TYPES = tuple(SIGNATURES)
#: Most images one cell's run reply carries, and base64 characters of one image.
MAX_CELL_IMAGES = 20
MAX_IMAGE_BASE64 = MAX_BASE64


@dataclass(frozen=True)
class Handle:
    """A runner-side object that is not data, known to the grader only by number."""

    id: int
    type: str
    repr: str


@dataclass(frozen=True)
class TensorValue:
    """The value of a TensorFlow eager tensor, carried as a NumPy array."""

    array: np.ndarray[Any, Any]


@dataclass(frozen=True)
class Ref:
    """The grader naming a runner handle as an argument."""

    id: int


class _Encoder:
    def __init__(
        self, to_handle: Callable[[Any], Handle] | None, tensor_array: TensorProbe
    ) -> None:
        self.blobs: list[bytes] = []
        self._to_handle = to_handle
        self._tensor_array = tensor_array
        self._items = 0

    def encode(self, value: Any, depth: int = 0) -> Any:
        self._items += 1
        if depth > MAX_DEPTH or self._items > MAX_ITEMS:
            return self._handle_or_refuse(value, "too deeply nested or too large")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if abs(value) < 2**63 else self._handle_or_refuse(value, "int too large")
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$f": repr(value)}
        if isinstance(value, bytes):
            return {"$bytes": base64.b64encode(value).decode("ascii")}
        if isinstance(value, (list, tuple, dict)):
            return self._container(value, depth)
        if isinstance(value, Ref):
            return {"$ref": value.id}
        if isinstance(value, TensorValue):
            return {"$tensor": self._blob(value.array)}
        if isinstance(value, np.ndarray) and value.dtype.kind in _ALLOWED_ARRAY_KINDS:
            return {"$array": self._blob(value)}
        if isinstance(value, np.generic) and value.dtype.kind in _ALLOWED_ARRAY_KINDS:
            return {"$scalar": self._blob(np.asarray(value))}
        array = self._tensor_array(value)
        if array is not None and array.dtype.kind in _ALLOWED_ARRAY_KINDS:
            return {"$tensor": self._blob(array)}
        return self._handle_or_refuse(value, f"{type(value).__name__} is not data")

    def _container(self, value: list[Any] | tuple[Any, ...] | dict[Any, Any], depth: int) -> Any:
        if isinstance(value, list):
            return [self.encode(item, depth + 1) for item in value]
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(item, depth + 1) for item in value]}
        return {
            "$dict": [
                [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
            ]
        }

    def _blob(self, array: np.ndarray[Any, Any]) -> int:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        self.blobs.append(buffer.getvalue())
        return len(self.blobs) - 1

    def _handle_or_refuse(self, value: Any, why: str) -> Any:
        if self._to_handle is None:
            raise ProtocolError(f"cannot send {type(value).__name__} as data: {why}")
        handle = self._to_handle(value)
        return {"$handle": handle.id, "type": handle.type, "repr": handle.repr}


#: Given any object, returns its value as an array if it is an eager tensor, else None.
TensorProbe = Callable[[Any], "np.ndarray[Any, Any] | None"]


def eager_tensor_array(value: Any) -> np.ndarray[Any, Any] | None:
    """Give an eager tensor's value as an array, or None for anything else (no TF import)."""
    if type(value).__name__ != "EagerTensor":
        return None
    try:
        array = value.numpy()
    except Exception:
        return None
    return array if isinstance(array, np.ndarray) else np.asarray(array)


def encode_frame(
    message: dict[str, Any],
    *,
    to_handle: Callable[[Any], Handle] | None = None,
    tensor_array: TensorProbe = eager_tensor_array,
) -> bytes:
    """Give the frame that carries ``message``.

    Values that are not data become handles through ``to_handle`` (the runner's
    side); without it (the grader's side) they are refused with ProtocolError.
    """
    encoder = _Encoder(to_handle, tensor_array)
    body = {key: encoder.encode(value) for key, value in message.items()}
    body["$blobs"] = [len(blob) for blob in encoder.blobs]
    document = json.dumps(body, allow_nan=False, separators=(",", ":")).encode("utf-8")
    if len(document) > MAX_JSON_BYTES:
        raise ProtocolError(
            f"message's JSON of {len(document)} bytes is over the {MAX_JSON_BYTES}-byte limit"
        )
    payload = _JSON_LEN.pack(len(document)) + document + b"".join(encoder.blobs)
    if len(payload) > MAX_FRAME_BYTES:
        raise ProtocolError(
            f"message of {len(payload)} bytes is over the {MAX_FRAME_BYTES}-byte limit"
        )
    return HEADER.pack(MAGIC, len(payload)) + payload


class _Decoder:
    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        self._used: set[int] = set()
        self._items = 0

    def decode(self, value: Any, depth: int = 0) -> Any:
        self._items += 1
        if depth > MAX_DEPTH + 2 or self._items > MAX_ITEMS * 4:
            raise ProtocolError("message is nested too deeply or holds too many items")
        if isinstance(value, str):
            return valid_unicode(value)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, list):
            return [self.decode(item, depth + 1) for item in value]
        if isinstance(value, dict) and len(value) >= 1:
            return self._tagged(value, depth)
        raise ProtocolError(f"unexpected JSON value of type {type(value).__name__}")

    def _tagged(self, value: dict[str, Any], depth: int) -> Any:
        tag = next(iter(value))
        body = value[tag]
        if tag == "$f" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$tuple" and isinstance(body, list):
            return tuple(self.decode(item, depth + 1) for item in body)
        if tag == "$dict" and isinstance(body, list):
            return self._dict(body, depth)
        if tag == "$bytes" and isinstance(body, str):
            try:
                return base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise ProtocolError("a $bytes value is not base64") from None
        if tag in ("$array", "$scalar", "$tensor"):
            array = self._array(body)
            if tag == "$scalar":
                if array.ndim != 0:
                    raise ProtocolError("a $scalar blob is not a 0-d array")
                return array[()]
            return TensorValue(array) if tag == "$tensor" else array
        if tag == "$handle" and _is_index(body):
            kind, text = value.get("type", "?"), value.get("repr", "")
            if not (isinstance(kind, str) and isinstance(text, str)):
                raise ProtocolError("a handle's type and repr are not text")
            return Handle(
                body, display_text(kind, _MAX_HANDLE_TYPE), display_text(text, _MAX_HANDLE_REPR)
            )
        if tag == "$ref" and _is_index(body):
            return Ref(body)
        raise ProtocolError(f"unknown or malformed tag {tag!r}")

    def _dict(self, pairs: list[Any], depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ProtocolError("a $dict entry is not a [key, value] pair")
            key = self.decode(pair[0], depth + 1)
            try:
                result[key] = self.decode(pair[1], depth + 1)
            except TypeError as error:
                raise ProtocolError(f"unhashable dict key: {error}") from None
        return result

    def _array(self, index: Any) -> np.ndarray[Any, Any]:
        if not _is_index(index) or index >= len(self._blobs) or index in self._used:
            raise ProtocolError(f"array refers to a missing or reused blob {index!r}")
        self._used.add(index)
        return _read_npy(self._blobs[index])


def _read_npy(blob: bytes) -> np.ndarray[Any, Any]:
    """Give the array in a ``.npy`` blob, its header checked before anything is allocated.

    NumPy's own reader allocates what the header claims before it reads the data, so
    a 100-byte blob claiming 10**9 floats would cost 8 GB: the claim is checked here
    against the caps and against the bytes present, and only then is the data copied.
    """
    if not blob.startswith(b"\x93NUMPY"):
        raise ProtocolError("array blob is not a valid .npy file (no NumPy magic)")
    stream = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ProtocolError(f"array blob is .npy version {version}, not 1.0 or 2.0")
    except ProtocolError:
        raise
    except Exception as error:
        raise ProtocolError(f"array blob is not a valid .npy file: {error}") from None
    if dtype.hasobject:
        raise ProtocolError("array blob refused: it holds pickled or object data")
    if dtype.kind not in _ALLOWED_ARRAY_KINDS or dtype.names is not None or dtype.subdtype:
        raise ProtocolError(f"array blob holds {dtype}, a dtype that is not plain data")
    if dtype.itemsize == 0:
        raise ProtocolError(f"array blob holds zero-width items ({dtype})")
    if len(shape) > MAX_DEPTH or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ProtocolError(f"array blob has an impossible shape {shape!r}")
    count = math.prod(shape)
    if count > MAX_ARRAY_ELEMENTS:
        raise ProtocolError(
            f"array blob claims {count} elements, over the {MAX_ARRAY_ELEMENTS}-element limit"
        )
    offset = stream.tell()
    if len(blob) - offset != count * dtype.itemsize:
        raise ProtocolError(
            f"array blob's data is {len(blob) - offset} bytes, not the size its header "
            f"states ({count} x {dtype.itemsize})"
        )
    flat = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


def cell_images(value: Any) -> tuple[tuple[str, str], ...]:
    """The images a run reply claims its cell displayed, as (type, base64) pairs: those
    that are PNG or JPEG files within the caps above; anything else is dropped.

    Runs on the grader's side: ``value`` is whatever the runner put there.
    """
    if not isinstance(value, list):
        return ()
    images = []
    for item in value[:MAX_CELL_IMAGES]:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            mime, data = item
            if is_image(mime, data, MAX_IMAGE_BASE64):
                images.append((mime, data))
    return tuple(images)


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def decode_frame(payload: bytes) -> dict[str, Any]:
    """Give the message in a frame's payload, or raise ProtocolError; executes nothing.

    Runs on the grader's side for what a runner sends: whatever the payload holds,
    the only exception that leaves is ProtocolError.
    """
    try:
        return _decode_frame(payload)
    except ProtocolError:
        raise
    except (RecursionError, MemoryError) as error:
        raise ProtocolError(f"message is too large or too deep ({type(error).__name__})") from None
    except Exception as error:
        raise ProtocolError(f"message is malformed ({type(error).__name__}: {error})") from None


def _decode_frame(payload: bytes) -> dict[str, Any]:
    if len(payload) < _JSON_LEN.size:
        raise ProtocolError("frame too short")
    (json_len,) = _JSON_LEN.unpack_from(payload)
    end = _JSON_LEN.size + json_len
    if json_len > MAX_JSON_BYTES:
        raise ProtocolError(
            f"frame's JSON of {json_len} bytes is over the {MAX_JSON_BYTES}-byte limit"
        )
    if end > len(payload):
        raise ProtocolError("frame's JSON length runs past its end")
    try:
        document = json.loads(
            payload[_JSON_LEN.size : end].decode("utf-8"),
            parse_int=_json_int,
            parse_constant=_json_constant,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ProtocolError(f"frame is not UTF-8 JSON: {error}") from None
    if not isinstance(document, dict):
        raise ProtocolError("frame's JSON is not an object")
    sizes = document.pop("$blobs", [])
    if (
        not isinstance(sizes, list)
        or len(sizes) > MAX_ITEMS
        or not all(_is_index(size) for size in sizes)
    ):
        raise ProtocolError("frame's blob table is malformed")
    if end + sum(sizes) != len(payload):
        raise ProtocolError("frame's blobs do not add up to its length")
    blobs, offset = [], end
    for size in sizes:
        blobs.append(payload[offset : offset + size])
        offset += size
    decoder = _Decoder(blobs)
    return {valid_unicode(key): decoder.decode(value) for key, value in document.items()}


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ProtocolError(f"an integer of {len(text)} digits is past the protocol's range")
    value = int(text)
    if not -_INT_LIMIT < value < _INT_LIMIT:
        raise ProtocolError("an integer is past the protocol's 64-bit range")
    return value


def _json_constant(text: str) -> Any:
    raise ProtocolError(f"{text} is not JSON (floats JSON cannot carry are tagged $f)")
