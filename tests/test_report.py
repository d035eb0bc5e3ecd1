"""HTML reports: self-contained, both languages, the numbers of the results."""

from __future__ import annotations

import re
from pathlib import Path

from grader.bank import Bank
from grader.report import check_rates, class_stats, histogram_svg, write_reports

from .test_store import result


def test_pages_are_self_contained_and_bilingual(bank: Bank, tmp_path: Path) -> None:
    results = [result("kim", 0.0), result("lee", 2.0)]
    write_reports(results, bank, tmp_path, lang="en")
    index = (tmp_path / "index.html").read_text()
    page = (tmp_path / "students" / "kim.html").read_text()
    for html in (index, page):
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
        assert "<script src" not in html and "<style>" in html
    assert "<script" not in page
    assert "틀림" in page and "wrong" in page and "one-hot-twice" in page
    assert 'data-testid="score">0 / 2<' in page
    assert 'href="students/kim.html"' in index and "<svg" in index


def test_class_statistics_match_the_results() -> None:
    results = [result("a", 0.0), result("b", 2.0), result("c", 2.0)]
    stats = class_stats(results)
    assert (stats.count, stats.median, stats.max) == (3, 2.0, 2.0)
    assert abs(stats.mean - 4 / 3) < 1e-9
    [rate] = check_rates(results)
    assert abs(rate.rate - 2 / 3) < 1e-9


def test_the_histogram_counts_every_student() -> None:
    svg = histogram_svg([result("a", 0.0), result("b", 2.0), result("c", 2.0)])
    counts = [int(n) for n in re.findall(r"<title>(\d+)</title>", svg)]
    assert sum(counts) == 3 and counts[0] == 1 and counts[-1] == 2
