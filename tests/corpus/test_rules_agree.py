"""The calculators' periods of application (their ``coverage``, "2020-02 至 2020-12") agree with the
periods the library reads from the same documents: the period starts no earlier than the month the
first of them takes effect (or the month a measure reaches back to), and its last month is a month in
which one of them ends (its own end or the end of one of its measures)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuaiban.corpus import docno
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.corpus.standing import standings
from kuaiban.rules.calculators import CALCULATORS

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
_MONTH = re.compile(r"(20\d\d)-(\d\d)(?:-(\d\d))?")


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    docs = parse_corpus(DATA)
    return {d.doc_no: r for d, r in zip(docs, standings(docs), strict=True) if d.doc_no}


def _dated_coverage() -> list[tuple[str, dict, list[str], str, str | None]]:
    """(calculator, coverage row, its 文号s, first month, last month or None) for rows that print dates."""
    rows = []
    for calc in CALCULATORS.values():
        for row in calc.coverage:
            months = [f"{y}-{m}" for y, m, _ in _MONTH.findall(row["dates"])]
            if "至" not in row["dates"] or len(months) < 2:
                continue  # "2020年度（2019-12-31 前退休）" names who is covered, not a period
            numbers = _numbers(row["doc_no"])
            if numbers:
                rows.append((calc.name, row, numbers, months[0], months[-1]))
    return rows


def _numbers(text: str) -> list[str]:
    """文号s of a coverage row, "人社部发〔2020〕11号、49号" read as 11号 and 49号 of the same series."""
    out: list[str] = []
    for part in re.split(r"[、，,]", text):
        number = docno.normalize(part)
        if number is None and out and re.fullmatch(r"\s*\d+号\s*", part):
            number = re.sub(r"\d+号$", part.strip(), out[-1])
        if number:
            out.append(number)
    return out


def _ends(record: dict) -> list[str]:
    dates = [m["until"] for m in record["measures"]] + ([record["valid_until"]] if record["valid_until"] else [])
    return [d[:7] for d in dates]


def test_the_calculators_print_dated_coverage_to_check():
    assert len(_dated_coverage()) >= 5


@pytest.mark.parametrize(("calc", "row", "numbers", "first", "last"), _dated_coverage(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_calculator_covers_only_months_its_documents_are_in_force(records, calc, row, numbers, first, last):
    held = [records[n] for n in numbers if n in records]
    assert held, f"{calc}: {numbers} not in the library"
    starts = [r["valid_from"][:7] for r in held if r["valid_from"]]
    assert starts and min(starts) <= first, (calc, row, starts)  # in force from the period's first month
    ends = [e for r in held for e in _ends(r)]
    if ends:
        assert last in ends, (calc, row, ends)
