"""A student's submission, read from a notebook or a module and split into exercise sections.

A line ``# EXERCISE: <id>`` starts the answer to exercise ``<id>``, in a notebook
cell or in a module. The section ends at the first of: the next marker, a line
``# END EXERCISE``, and, in a notebook, a markdown heading of the same level as the
last heading above the marker, or a higher one (any heading, when no heading is above
the marker). Code after a section's end belongs to no exercise: it runs, but after
the exercise has been graded, so a name it rebinds does not change that exercise's
grade. Code before the first marker is a preamble that every exercise may use.
Reading a file executes nothing.

A submission is at most :data:`MAX_FILE_BYTES` long, with at most :data:`MAX_SECTIONS`
markers, :data:`MAX_CODE_CELLS` code cells and :data:`MAX_CELLS` cells in all; past any
of them it is not run, and its student is told why in Korean and English.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from grader import messages
from grader.course.untrusted_files import read_regular, regular_files_below
from grader.errors import RefusedFile, SubmissionError
from grader.feedback import Message
from grader.messages import Counted

MARKER = re.compile(r"^#\s*EXERCISE:\s*(?P<id>[A-Za-z0-9_.\-]+)\s*$")
#: ``# END EXERCISE``, optionally naming the exercise it ends (``# END EXERCISE: one_hot``).
END_MARKER = re.compile(r"^#\s*END\s+EXERCISE\b(?::\s*[A-Za-z0-9_.\-]+)?\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
MAX_FILE_BYTES = 20 * 1024 * 1024
#: A submission with more ``# EXERCISE:`` sections, notebook code cells or notebook cells
#: in all than these is not run: the student gets one message saying why. Grading and
#: its page cost time in proportion to them, and a course has a few dozen exercises.
MAX_SECTIONS = 2000
MAX_CODE_CELLS = 1000
MAX_CELLS = 4000

Kind = Literal["notebook", "module"]


@dataclass(frozen=True)
class Chunk:
    """Code that runs as one cell: a notebook cell, or the part of one between markers."""

    cell: int
    exercise: str | None
    source: str
    first_line: int = 1


@dataclass(frozen=True)
class Submission:
    """A submission's code, in order, with each chunk's exercise."""

    path: Path
    student: str
    kind: Kind
    chunks: tuple[Chunk, ...]
    sha256: str
    notebook: dict[str, Any] | None = None

    @functools.cached_property
    def has_markers(self) -> bool:
        # Asked once per check: computed once, not once per check and chunk.
        return any(chunk.exercise is not None for chunk in self.chunks)

    def answered(self) -> list[str]:
        """Exercise ids the submission answers, in the order they are last answered."""
        return sorted(self.grading_points(), key=self.grading_points().__getitem__)

    def grading_points(self) -> dict[str, int]:
        """For each exercise, the number of chunks to run before its checks.

        That is where its last section ends: a notebook that later rebinds a name
        keeps the credit its earlier exercise earned with it. Without markers,
        every exercise is graded on the final namespace.
        """
        points: dict[str, int] = {}
        for index, chunk in enumerate(self.chunks):
            if chunk.exercise is not None:
                points[chunk.exercise] = index + 1
        return points

    def rebound_after(self, point: int, names: set[str]) -> dict[str, int]:
        """Of ``names``, those that a chunk after the first ``point`` binds again, each
        with the first cell that does (read, not run: a name bound only in a branch
        counts, one bound through ``globals()`` or ``exec`` does not)."""
        found: dict[str, int] = {}
        for chunk in self.chunks[point:]:
            for name in sorted(bound_names(chunk.source) & (names - found.keys())):
                found[name] = chunk.cell
        return found


def bound_names(source: str) -> set[str]:
    """The names code binds in the namespace it runs in (not inside its functions or
    classes); code that does not parse, even with its magics and ``!`` lines left out,
    binds none."""
    import ast

    kept = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(kept))
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            pending.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
        pending.extend(ast.iter_child_nodes(node))
    return names


def load_submission(
    path: Path, student: str | None = None, *, within: Path | None = None
) -> Submission:
    """Read a ``.ipynb`` or ``.py`` submission; raise SubmissionError saying what is wrong.

    Only a regular file is read, never a link (see :mod:`grader.course.untrusted_files`); with
    ``within``, only one below that folder, reached through no link.
    """
    student = student or path.stem
    try:
        raw = read_regular(path, limit=MAX_FILE_BYTES, within=within)
    except OSError as error:
        reason = error.strerror or error
        raise _unreadable(messages.file_unopenable(str(path), str(reason))) from None
    if len(raw) > MAX_FILE_BYTES:
        size, limit = len(raw) // 2**20, MAX_FILE_BYTES // 2**20
        raise _unreadable(messages.file_too_large(path.name, size, limit))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _unreadable(messages.not_utf8(path.name, error.start)) from None
    if path.suffix == ".ipynb":
        notebook, chunks = _notebook_chunks(text, path)
        _within_cap(path, _sections(chunks), MAX_SECTIONS, "sections")
        return Submission(path, student, "notebook", chunks, digest, notebook)
    if path.suffix == ".py":
        module = tuple(split_source(text, cell=1))
        _within_cap(path, _sections(module), MAX_SECTIONS, "sections")
        return Submission(path, student, "module", module, digest)
    raise _unreadable(messages.not_a_submission_file(path.name))


def _unreadable(said: Message) -> SubmissionError:
    """The error for a file that cannot be read or is not run, as a notice (Korean, then
    English, as RefusedFile's is): each view shows the student's language of it."""
    return SubmissionError(messages.as_notice(said))


def split_source(source: str, cell: int) -> list[Chunk]:
    """Split one cell's or module's source at marker and end lines."""
    return _split(source, cell, None)[0]


def _split(source: str, cell: int, exercise: str | None) -> tuple[list[Chunk], str | None]:
    """Split ``source``, which starts inside ``exercise``'s section (or in none); give its
    chunks and the section that is still open at its end."""
    chunks: list[Chunk] = []
    lines: list[str] = []
    first_line = 1
    opened = False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        bare = line.rstrip("\r\n")
        match = MARKER.match(bare)
        if match:
            if "".join(lines).strip():
                chunks.append(Chunk(cell, exercise, "".join(lines), first_line))
            exercise, lines, first_line, opened = match["id"], [line], number, True
        elif exercise is not None and END_MARKER.match(bare):
            # The end line stays with the code it ends, so the section reads as written.
            lines.append(line)
            chunks.append(Chunk(cell, exercise, "".join(lines), first_line))
            exercise, lines, first_line, opened = None, [], number + 1, False
        else:
            lines.append(line)
    if "".join(lines).strip() or opened:
        chunks.append(Chunk(cell, exercise, "".join(lines), first_line))
    return chunks, exercise


def heading_levels(markdown: str) -> list[int]:
    """The levels of a markdown cell's ATX headings (``#`` is 1), in order; a line in a
    fenced code block is not a heading."""
    levels: list[int] = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (heading := _HEADING.match(line)):
            levels.append(len(heading["hashes"]))
    return levels


def _notebook_chunks(text: str, path: Path) -> tuple[dict[str, Any], tuple[Chunk, ...]]:
    import nbformat
    from nbformat.warnings import DuplicateCellId, MissingIDFieldWarning

    if not text.strip():
        raise _unreadable(messages.notebook_empty(path.name))
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        said = messages.notebook_not_json(path.name, error.lineno, error.colno, error.msg)
        raise _unreadable(said) from None
    try:
        # A notebook saved by older tools has cells without ids, which nbformat adds
        # itself, warning from its own files; grading needs no ids.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            warnings.simplefilter("ignore", DuplicateCellId)
            notebook = nbformat.reads(text, as_version=4)
    except Exception as error:
        why = f"{type(error).__name__}: {error}"
        raise _unreadable(messages.notebook_unreadable(path.name, why)) from None
    cells = notebook.get("cells", [])
    _within_cap(path, len(cells), MAX_CELLS, "cells")
    code_cells = [cell for cell in cells if cell.get("cell_type") == "code"]
    _within_cap(path, len(code_cells), MAX_CODE_CELLS, "code cells")
    chunks: list[Chunk] = []
    exercise: str | None = None
    # The level of the last heading seen, and of the one above the open section's marker.
    last_heading: int | None = None
    section_heading: int | None = None
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown":
            for level in heading_levels(source):
                if exercise is not None and (section_heading is None or level <= section_heading):
                    exercise = None
                last_heading = level
            continue
        if cell.get("cell_type") != "code":
            continue
        pieces, still_open = _split(source, number, exercise)
        for piece in pieces:
            if _starts_section(piece):
                section_heading = last_heading
            chunks.append(piece)
        exercise = still_open
    return dict(notebook), tuple(chunks)


def _starts_section(chunk: Chunk) -> bool:
    """Whether the chunk begins with a marker line (each marker starts a chunk of its own)."""
    return chunk.exercise is not None and bool(
        MARKER.match(chunk.source.partition("\n")[0].rstrip())
    )


def _sections(chunks: tuple[Chunk, ...]) -> int:
    """How many marker lines start a section."""
    return sum(1 for chunk in chunks if _starts_section(chunk))


def _within_cap(path: Path, count: int, limit: int, counted: Counted) -> None:
    """Raise SubmissionError, in Korean and English, when ``count`` passes ``limit``."""
    if count > limit:
        raise _unreadable(messages.over_cap(path.name, count, limit, counted))


_NOTEBOOK_MARKER = re.compile(
    r'(?:"|\\n)#[ \t]*EXERCISE:[ \t]*(?P<id>[A-Za-z0-9_.\-]+)[ \t]*(?:\\n|")'
)


def marker_lines(path: Path) -> dict[str, int]:
    """For each exercise, the line of the file where its last section begins.

    In a notebook that is a line of the ``.ipynb`` file itself (JSON), which is where
    code review tools such as GitHub's pull-request view show it. An unreadable file
    gives no lines.
    """
    try:
        text = read_regular(path, limit=MAX_FILE_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, SubmissionError):
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if path.suffix == ".ipynb":
            for found in _NOTEBOOK_MARKER.finditer(line):
                lines[found["id"]] = number
        elif marker := MARKER.match(line):
            lines[marker["id"]] = number
    return lines


def select_submissions(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Of candidate files, those to grade, and a sentence for each one passed over.

    A submission is a ``.ipynb`` or ``.py`` file with an ``# EXERCISE:`` line. A notebook
    that cannot be read is kept (its grade says what is wrong with it), and so is a lone
    candidate without markers, which is graded on its final namespace. A link, a FIFO or a
    device is never graded; the sentence says why.
    """
    chosen: list[Path] = []
    passed_over: list[str] = []
    candidates = [p for p in paths if p.suffix in (".ipynb", ".py")]
    for path in candidates:
        try:
            submission = load_submission(path)
        except RefusedFile as refused:
            passed_over.append(f"{path}: {refused}")
            continue
        except SubmissionError:
            if path.suffix == ".ipynb" or len(candidates) == 1:
                chosen.append(path)
            else:
                passed_over.append(f"{path}: not UTF-8 text, not graded")
            continue
        if submission.has_markers or len(candidates) == 1:
            chosen.append(path)
        else:
            passed_over.append(f"{path}: no `# EXERCISE: <id>` line, not graded")
    return chosen, passed_over


def files_in(folder: Path) -> list[Path]:
    """Every regular file below ``folder``, sorted, leaving out dot files and dot folders in
    it; links, to files or folders, are left out (see
    :func:`grader.course.untrusted_files.refused_below` for what was left out)."""
    return regular_files_below(folder)
