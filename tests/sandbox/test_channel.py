"""The channel reads whole frames within the wire's caps and a time limit per frame."""

from __future__ import annotations

import socket
import struct

import pytest

from grader.errors import ProtocolError
from grader.sandbox import channel, wire


def test_an_announced_oversized_message_is_refused_before_it_is_read() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack("!4sI", wire.MAGIC, wire.MAX_FRAME_BYTES + 1))
        with pytest.raises(ProtocolError, match="over the"):
            channel.Channel(ours).receive(timeout=2)


def test_a_frame_without_the_magic_is_refused() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"GET / HTTP/1.1\r\n\r\n")
        with pytest.raises(ProtocolError, match="magic"):
            channel.Channel(ours).receive(timeout=2)


def test_a_trickling_sender_cannot_stretch_the_time_limit() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(struct.pack("!4sI", wire.MAGIC, 100) + b"x")
        with pytest.raises(TimeoutError):
            channel.Channel(ours).receive(timeout=0.3)


def test_eof_mid_message_is_end_of_stream() -> None:
    ours, theirs = socket.socketpair()
    with ours:
        theirs.sendall(struct.pack("!4sI", wire.MAGIC, 100))
        theirs.close()
        with pytest.raises(EOFError):
            channel.Channel(ours).receive(timeout=2)


def test_a_frame_sent_on_one_end_is_the_message_received_on_the_other() -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        channel.Channel(theirs).send(wire.encode_frame({"op": "get", "name": "one_hot"}))
        assert channel.Channel(ours).receive(timeout=2) == {"op": "get", "name": "one_hot"}
