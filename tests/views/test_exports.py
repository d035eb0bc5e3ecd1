"""Grade files rendered from results: grades.csv, results.json, Canvas, ``grader export``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from grader.cli import main
from grader.course.bank import Bank
from grader.errors import GraderError, StoreError
from grader.results.store import ResultsStore
from grader.views.exports import (
    canvas_csv,
    grades_csv,
    read_canvas_roster,
    results_json,
    write_atomically,
    write_exports,
    write_format,
)

from ..results.test_store import result
from .test_junit import submission

SCHEMAS = Path(__file__).parents[1] / "schemas"


def test_grades_have_a_column_per_exercise_then_total_and_max(bank: Bank) -> None:
    rows = list(csv.reader(io.StringIO(grades_csv([result("kim", 1.5)], bank.ids()))))
    assert rows[0] == ["student", *bank.ids(), "total", "max"]
    kim = dict(zip(rows[0], rows[1], strict=True))
    assert kim["student"] == "kim" and kim["one_hot"] == "1.50" and kim["total"] == "1.50"
    assert kim["tensors"] == "0" and kim["max"] == "2"


def test_results_json_carries_both_languages_and_timings(bank: Bank) -> None:
    document = json.loads(results_json([result("kim", 0.0)], bank))
    [student] = document["students"]
    check = student["exercises"][0]["checks"][0]
    assert check["message"] == {"ko": "틀림", "en": "wrong"}
    assert check["outcome"] == "failed" and check["max_points"] == 2.0
    assert student["timings"] == {"cells": 0.1}
    assert document["bank_version"] == bank.version


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "grades.csv"
    target.write_text("old")

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(StoreError, match="No space left"):
        write_atomically(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old"


# -- Canvas and ``grader export`` --------------------------------------------

#: The columns Canvas's "Import grades" reads before the assignment columns, as its
#: gradebook export writes them (Canvas Instructor Guide, "How do I import grades in the
#: Gradebook?"); the second row may give each assignment's points possible.
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def test_canvas_csv_has_the_identity_columns_then_the_assignment() -> None:
    text, unknown = canvas_csv([result("kim", 1.5), result("lee", 2.0)], "TF quiz")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*CANVAS_IDENTITY, "TF quiz"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][-1] == "2"
    assert rows[2] == ["kim", "", "", "kim", "", "1.50"]
    assert unknown == []


def test_a_canvas_roster_gives_each_student_canvas_identity(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (77)\n"
        "    Points Possible,,,,,10\n"
        '"Kim, Minji",1201,S-1,kim,TF-A,9\n',
        encoding="utf-8",
    )
    text, unknown = canvas_csv(
        [result("kim", 2.0), result("ghost", 0.0)], "TF", read_canvas_roster(roster)
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2] == ["Kim, Minji", "1201", "S-1", "kim", "TF-A", "2"]
    assert unknown == ["ghost"]


def test_a_file_that_is_not_a_canvas_export_is_refused(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name,score\nkim,1\n", encoding="utf-8")
    with pytest.raises(GraderError, match="not a Canvas gradebook export"):
        read_canvas_roster(roster)


@pytest.fixture
def batch_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    with ResultsStore(out / "results.sqlite") as store:
        store.save(result("kim", 1.5))
        store.save(submission("lee"))
    return out


def test_export_writes_every_format_from_the_store(batch_out: Path) -> None:
    for format in ("gradebook", "canvas", "gradescope", "junit"):
        assert main(["export", str(batch_out), "--format", format, "--lang", "en"]) == 0
    gradebook = list(csv.DictReader((batch_out / "grades.csv").open()))
    assert [(row["student"], row["one_hot"], row["total"]) for row in gradebook] == [
        ("kim", "1.50", "1.50"),
        ("lee", "6", "6"),
    ]
    canvas = list(csv.reader((batch_out / "canvas.csv").open()))
    assert canvas[0][:5] == CANVAS_IDENTITY and [row[-1] for row in canvas[2:]] == ["1.50", "6"]
    schema = json.loads((SCHEMAS / "gradescope_results.schema.json").read_text())
    for student, score in (("kim", 1.5), ("lee", 6.0)):
        document = json.loads((batch_out / "gradescope" / student / "results.json").read_text())
        jsonschema.validate(document, schema)
        assert document["score"] == score
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(str(batch_out / "junit.xml"))


def test_a_canvas_export_names_the_students_its_roster_does_not_know(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\nKim,1,S-1,kim,A\n")
    out = tmp_path / "canvas.csv"
    results = [result("kim", 2.0), result("ghost", 0.0)]
    assert write_format("canvas", results, out, assignment="TF", roster=roster) == ["ghost"]
    assert [row[-1] for row in csv.reader(out.open(encoding="utf-8"))][2:] == ["2", "0"]


def test_a_format_export_does_not_have_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="gradebook, canvas, gradescope, junit"):
        write_format("excel", [result("kim", 1.0)], tmp_path / "grades.xlsx")
    assert not list(tmp_path.iterdir())


def test_export_without_a_store_says_to_run_batch(tmp_path: Path) -> None:
    assert main(["export", str(tmp_path), "--format", "canvas"]) == 2


# -- hostile names and text ----------------------------------------------------------

FORMULAS = ["=2+5*7", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_a_spreadsheet_would_run_is_neutralised(name: str, bank: Bank) -> None:
    rows = list(csv.reader(io.StringIO(grades_csv([result(name, 1.0)], bank.ids()))))
    # Carriage returns are dropped from stored text; the cell is still marked as text.
    shown = "'" + name.replace("\r", "")
    assert rows[1][0] == shown
    assert rows[1][-2:] == ["1", "2"]
    text, _ = canvas_csv([result(name, 1.0)], '=HYPERLINK("x")')
    canvas = list(csv.reader(io.StringIO(text)))
    assert canvas[0][-1] == '\'=HYPERLINK("x")'
    assert canvas[2][0] == canvas[2][3] == shown and canvas[2][-1] == "1"


def test_roster_text_is_neutralised_but_scores_stay_numbers(tmp_path: Path) -> None:
    roster = [
        {"Student": "=evil()", "ID": "1", "SIS User ID": "", "SIS Login ID": "kim", "Section": "@A"}
    ]
    text, _ = canvas_csv([result("kim", 0.5)], "quiz", roster)
    row = list(csv.reader(io.StringIO(text)))[2]
    assert row == ["'=evil()", "1", "", "kim", "'@A", "0.50"]


def test_exports_take_any_string(bank: Bank, tmp_path: Path) -> None:
    from ..results.test_store import hostile_result

    results = [hostile_result(), result("kim", 2.0)]
    (tmp_path / "out").mkdir()
    problems = write_exports(results, bank, tmp_path / "out")
    assert problems == {}
    document = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert [s["student"] for s in document["students"]][1] == "kim"
    rows = list(csv.DictReader((tmp_path / "out" / "grades.csv").open(encoding="utf-8")))
    assert [r["student"] for r in rows] == ["mallory\ufffd", "kim"]
    assert [r["total"] for r in rows] == ["0", "2"]


def test_one_student_whose_export_fails_is_named_and_the_rest_written(
    bank: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = result("lee", 1.0)
    real = type(broken).to_json

    def to_json(self: object) -> dict:
        if getattr(self, "student", "") == "lee":
            raise RuntimeError("boom")
        return real(self)  # type: ignore[arg-type]

    monkeypatch.setattr(type(broken), "to_json", to_json)
    problems = write_exports([result("kim", 2.0), broken], bank, tmp_path)
    assert set(problems) == {"lee"} and "boom" in problems["lee"]
    document = json.loads((tmp_path / "results.json").read_text())
    kim, lee = document["students"]
    assert kim["points"] == 2.0 and lee["student"] == "lee" and "boom" in lee["error"]
    rows = list(csv.DictReader((tmp_path / "grades.csv").open()))
    assert [r["student"] for r in rows] == ["kim", "lee"]


@pytest.mark.parametrize(
    "name",
    [
        "Quiz (123)",
        "TF quiz ( 4567 ) ",
        "Current Score",
        "Unposted Final Score",
        "Labs Final Grade",
        "Override Score",
        "SIS Login ID",
        "section",
        "  ",
    ],
)
def test_an_assignment_name_canvas_would_misread_is_refused(name: str) -> None:
    with pytest.raises(GraderError, match=r"Canvas|name"):
        canvas_csv([result("kim", 1.0)], name)


def test_an_existing_assignment_column_of_the_roster_is_taken_as_it_is(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,TF quiz (77)\n"
        "    Points Possible,,,,,10\n"
        "Kim,1201,S-1,kim,A,\n",
        encoding="utf-8",
    )
    text, _ = canvas_csv([result("kim", 1.0)], "TF quiz (77)", read_canvas_roster(roster))
    assert next(csv.reader(io.StringIO(text)))[-1] == "TF quiz (77)"
    for harmless in ("TF (ch. 3) quiz", "Final exam prep", "Scores of week 3"):
        canvas_csv([result("kim", 1.0)], harmless)


def test_roster_logins_match_ignoring_case_and_two_students_one_row_is_refused(
    tmp_path: Path,
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section\n"
        "Bob Lee,7,S-7,Bob,A\n"
        "Ann Kim,8,S-8,ann,A\n"
        "Ann Two,9,S-9,Ann,A\n",
        encoding="utf-8",
    )
    rows = read_canvas_roster(roster)
    text, unknown = canvas_csv([result("bob", 1.0), result("Ann", 2.0)], "TF", rows)
    body = list(csv.reader(io.StringIO(text)))[2:]
    assert [row[:4] for row in body] == [
        ["Bob Lee", "7", "S-7", "Bob"],
        ["Ann Two", "9", "S-9", "Ann"],
    ]
    assert unknown == []
    with pytest.raises(GraderError, match="bob and BOB both match"):
        canvas_csv([result("bob", 1.0), result("BOB", 2.0)], "TF", rows)


def test_canvas_can_have_a_column_per_exercise() -> None:
    text, _ = canvas_csv([submission("kim"), submission("lee")], "TF", per_exercise=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*CANVAS_IDENTITY, "TF: one_hot", "TF: tensors"]
    assert rows[1][-2:] == ["11", "2"]
    assert rows[2][-2:] == ["6", "0"]
