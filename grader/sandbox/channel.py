"""The socket between grader and runner, carrying whole frames of :mod:`grader.sandbox.wire`.

A frame is read only once its header's length is within the wire's cap, and a timeout
bounds a whole frame, so a runner trickling bytes holds the grader no longer than that.
"""

from __future__ import annotations

import socket
import time
from typing import Any

from grader.errors import ProtocolError
from grader.sandbox import wire


class Channel:
    """One end of a grader↔runner socket, sending and receiving whole frames."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._deadline: float | None = None

    def send(self, frame: bytes) -> None:
        self.sock.sendall(frame)

    def receive(self, timeout: float | None = None) -> dict[str, Any]:
        """Give the next message; raise EOFError at end of stream, TimeoutError past ``timeout``.

        The timeout bounds the whole message, so a sender trickling bytes cannot stretch it.
        """
        self._deadline = None if timeout is None else time.monotonic() + timeout
        magic, length = wire.HEADER.unpack(self._read_exactly(wire.HEADER.size))
        if magic != wire.MAGIC:
            raise ProtocolError(f"frame starts with {magic!r}, not the protocol's magic")
        if length > wire.MAX_FRAME_BYTES:
            cap = wire.MAX_FRAME_BYTES
            raise ProtocolError(
                f"runner announced a {length}-byte message, over the {cap}-byte limit"
            )
        return wire.decode_frame(self._read_exactly(length))

    def _read_exactly(self, size: int) -> bytes:
        chunks, remaining = [], size
        while remaining:
            if self._deadline is not None:
                left = self._deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no complete message before the time limit")
                self.sock.settimeout(left)
            else:
                self.sock.settimeout(None)
            chunk = self.sock.recv(min(remaining, 1 << 20))
            if not chunk:
                raise EOFError("the other end closed the connection")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
