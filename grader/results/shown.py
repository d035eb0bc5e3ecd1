"""What a student's page shows of a submission, kept with its result in the store.

Each chunk's code (with the images it displayed) and each markdown cell of a notebook
(with its pasted raster images) are kept as graded, so that every view is rendered from
the store alone: a page never shows a file other than the one graded, and a rerun reads
no submission again. What is kept is bounded per cell and per submission, whatever the
file holds; what is cut says so (:data:`grader.text.TRUNCATED`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from grader.course.submission import Submission
from grader.results.model import CellRun, MarkdownCell
from grader.text import TextBudget

#: Characters of code or markdown kept for one cell, and for a whole submission.
MAX_CELL_TEXT = 200_000
MAX_SUBMISSION_TEXT = 2_000_000
#: Base64 characters of one pasted image, and of all of a submission's images.
MAX_IMAGE_BASE64 = 2 * 1024 * 1024
MAX_SUBMISSION_IMAGES = 4 * 1024 * 1024
MAX_IMAGES = 100
_MAX_NAME = 200
#: The image types a page embeds; any other attachment is named, not kept.
RASTER_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def kept(
    submission: Submission, runs: list[CellRun]
) -> tuple[tuple[CellRun, ...], tuple[MarkdownCell, ...]]:
    """The runs, in order, each with its chunk's code and displayed images, and the
    notebook's markdown cells, all within the caps above.

    ``runs`` holds one run per chunk, in the submission's order.
    """
    budget = TextBudget(MAX_SUBMISSION_TEXT)
    # Displayed images have a budget of their own, so plots cannot crowd out pasted images.
    outputs = _ImageBudget()
    with_code = tuple(
        replace(
            run,
            source=budget.take(chunk.source, MAX_CELL_TEXT),
            images=tuple(image for image in run.images if outputs.fits(image[1])),
        )
        for chunk, run in zip(submission.chunks, runs, strict=False)
    )
    images = _ImageBudget()
    markdown = []
    for number, cell in enumerate((submission.notebook or {}).get("cells", []), start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = budget.take(_text(cell.get("source")), MAX_CELL_TEXT)
            attachments = _raster_attachments(cell.get("attachments"), images)
            markdown.append(MarkdownCell(number, source, attachments))
    return (*with_code, *runs[len(with_code) :]), tuple(markdown)


def _text(source: Any) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


class _ImageBudget:
    """The images a submission may still keep: a count and base64 characters."""

    def __init__(self) -> None:
        self.count = MAX_IMAGES
        self.characters = MAX_SUBMISSION_IMAGES

    def fits(self, data: str) -> bool:
        # An image is kept whole or not at all: half an image is no image.
        if not data or self.count <= 0 or len(data) > min(MAX_IMAGE_BASE64, self.characters):
            return False
        self.count -= 1
        self.characters -= len(data)
        return True


def _raster_attachments(attachments: Any, budget: _ImageBudget) -> dict[str, dict[str, str]]:
    """A cell's pasted images, the first raster type of each, within the image caps."""
    if not isinstance(attachments, dict):
        return {}
    images: dict[str, dict[str, str]] = {}
    for name, bundle in attachments.items():
        if not (isinstance(name, str) and isinstance(bundle, dict)) or len(name) > _MAX_NAME:
            continue
        for mime in RASTER_TYPES:
            data = "".join(_text(bundle.get(mime)).split())
            if budget.fits(data):
                images[name] = {mime: data}
                break
    return images
