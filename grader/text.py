"""Text that came from a submission, made safe for the grader's side of the boundary.

Whatever a runner or a submitted file says is a claim: a string may hold lone
surrogates (which no UTF-8 writer accepts), terminal escapes, control characters
that XML and spreadsheets choke on, or megabytes where a line was expected. Text
passes through here once, where it enters the grader, so that the store, the
exports and the reports can take any string they are given.
"""

from __future__ import annotations

import re
from typing import Any

#: Said where the grader cut a text short, in both languages a page may show.
TRUNCATED = "\n… [출력이 너무 길어 잘렸습니다 · output cut short by the grader]"

_SURROGATE = re.compile("[\ud800-\udfff]")
# Terminal colour and cursor sequences (IPython colours its tracebacks): dropped whole,
# so that no half of one is left behind once the escape character itself is removed.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 and C1 controls but tab and newline, DEL, and the bidirectional overrides and
# isolates that make a text display in another order than it reads.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def valid_unicode(text: str) -> str:
    """Give ``text`` with every lone surrogate replaced by U+FFFD, so any UTF-8 writer takes it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def escaped_surrogates(text: str) -> str:
    """Give ``text`` with each surrogate written out as ``\\udcff``: for names and paths, where
    two different names (file names with undecodable bytes) must stay different."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text


def safe_text(text: str) -> str:
    """Give ``text`` valid Unicode and without control characters but newline and tab."""
    return _CONTROL.sub("", valid_unicode(text))


def safe_document(value: Any) -> Any:
    """A JSON document with every string in it made :func:`safe_text`: feedback can quote
    what a submission printed or returned, and a platform must get valid UTF-8."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {key: safe_document(item) for key, item in value.items()}
    if isinstance(value, list):
        return [safe_document(item) for item in value]
    return value


def display_text(value: object, limit: int) -> str:
    """Give ``value`` as text fit to show and store: a string, valid Unicode, without
    terminal escapes or control characters but newline and tab, at most ``limit``
    characters (and a note saying it was cut). Anything but a string is empty text."""
    if not isinstance(value, str) or limit <= 0:
        return ""
    # A cap before the clean-up bounds its cost; the cap after it bounds the result.
    text = value[: limit + 4096]
    text = valid_unicode(text)
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:
        text = _as_a_terminal_shows(text)
    text = _CONTROL.sub("", text)
    if len(text) > limit or len(value) > limit + 4096:
        if limit <= 2 * len(TRUNCATED):
            return text[:limit]
        return text[: limit - len(TRUNCATED)] + TRUNCATED
    return text


def _as_a_terminal_shows(text: str) -> str:
    # A carriage return starts its line over: a progress bar shows its last state only.
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip("\r").rpartition("\r")[2] for line in lines)


class TextBudget:
    """The characters of text a whole submission may still keep, shared by all its cells.

    Each cell's text is cut at its own limit too, so one cell cannot spend the budget
    of the rest alone beyond that limit.
    """

    def __init__(self, characters: int) -> None:
        self.left = max(characters, 0)

    def take(self, value: object, limit: int) -> str:
        """Give ``value`` made safe (:func:`display_text`) within ``limit`` and what is left."""
        kept = display_text(value, min(limit, self.left))
        self.left -= len(kept)
        return kept
