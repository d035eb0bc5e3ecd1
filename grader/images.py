"""Raster images a submission displayed: which of them a page may embed.

A cell's displayed image crosses from the runner as base64 text, a claim like any
other: it is kept only when its type is one a page shows, its text is strict base64
of a bounded size, and its bytes begin as that type's files do. The same test runs
again on the grader's side before a page embeds it.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable
from typing import Any

#: The types a cell's image output may have, each with the bytes its files begin with.
SIGNATURES = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
#: Base64 characters of one image, wherever it is kept or shown.
MAX_BASE64 = 2 * 1024 * 1024
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def is_image(mime: Any, data: Any, limit: int) -> bool:
    """Whether ``data`` is the base64 text, at most ``limit`` characters, of a ``mime`` file."""
    signature = SIGNATURES.get(mime) if isinstance(mime, str) else None
    if signature is None or not isinstance(data, str) or not 0 < len(data) <= limit:
        return False
    if len(data) % 4 or not _BASE64.fullmatch(data):
        return False
    try:
        # The first 16 characters are 12 bytes, enough for any signature above.
        head = binascii.a2b_base64(data[:16], strict_mode=True)
    except binascii.Error:
        return False
    return head.startswith(signature)


def data_uris(images: Iterable[tuple[str, str]]) -> list[str]:
    """The ``data:`` URIs a page embeds for a cell's images: those that pass :func:`is_image`."""
    return [
        f"data:{mime};base64,{data}" for mime, data in images if is_image(mime, data, MAX_BASE64)
    ]
