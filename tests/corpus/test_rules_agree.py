"""The calculators' periods of application (their ``coverage``, "2020-02 至 2020-12") agree with the
periods the library reads from the same documents: a calculator never applies a document before it
starts — its 施行 month, or the month one of its measures reaches back to ("2020年3月至12月…") — nor
after every one of its periods has ended. (A calculator's period may end earlier than the document's:
a later text took over the figures; and a document may run on after the calculator's last figure.)"""

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
_REACH_BACK = re.compile(r"(20\d\d)年(\d{1,2})月(?:\d{1,2}日)?(?:至|起)")
# a notice titled for a year's figures (关于做好2021年度社会保险缴费基数上下限核定…, published 2021-11-16)
# sets them for that whole year: it applies from its January, whenever it was published
_YEAR_OF_TITLE = re.compile(r"(20\d\d)年度")


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict]]:
    """Each 文号's records: one, or two where one number heads two documents (京人社发[2020]8号)."""
    docs = parse_corpus(DATA)
    out: dict[str, list[dict]] = {}
    for d, r in zip(docs, standings(docs), strict=True):
        if d.doc_no:  # with the months its own text says it applies from (retroactive provisions)
            text = "".join(p.text for p in d.paragraphs)
            out.setdefault(d.doc_no, []).append(
                r | {"named_starts": [f"{y}-{int(m):02d}" for y, m in _REACH_BACK.findall(text)]
                     + [f"{y}-01" for y in _YEAR_OF_TITLE.findall(d.title or "")]})
    return out


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


def _starts(record: dict) -> list[str]:
    """The month the document takes effect, and every month its text says it applies from or reaches
    back to ("自2020年1月1日起", "2020年3月至12月")."""
    months = ([record["valid_from"][:7]] if record["valid_from"] else []) + record["named_starts"]
    for measure in record["measures"]:
        months += [f"{y}-{int(m):02d}" for y, m in _REACH_BACK.findall(measure["clause"]["quote"])]
    return months


def _ends(record: dict) -> list[str]:
    dates = [m["until"] for m in record["measures"]] + ([record["valid_until"]] if record["valid_until"] else [])
    return [d[:7] for d in dates]


def test_one_doc_no_on_two_documents_keeps_both(records):
    """004 prints 京人社发[2020]8号 on the 失业保险金 standards (from 2020-07, 004:2442) and on the
    失业补助金/临时生活补助 notice (004:2540): both are records, with their own periods."""
    both = records[docno.normalize("京人社发[2020]8号")]
    assert len(both) == 2
    assert {r["valid_from"] for r in both} != {None}


def test_the_calculators_print_dated_coverage_to_check():
    assert len(_dated_coverage()) >= 5


@pytest.mark.parametrize(("calc", "row", "numbers", "first", "last"), _dated_coverage(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_calculator_covers_only_months_its_documents_are_in_force(records, calc, row, numbers, first, last):
    held = [r for n in numbers for r in records.get(n, [])]
    assert held, f"{calc}: {numbers} not in the library"
    starts = [m for r in held for m in _starts(r)]
    assert starts and min(starts) <= first, (calc, row, starts)  # in force from the period's first month
    ends = [e for r in held for e in _ends(r)]
    if ends and all(r["valid_until"] or r["measures"] for r in held):
        assert first <= max(ends), (calc, row, ends)  # not applied after every period has ended
