"""Every dated value of the rules pillar's parameters agrees with the period the library reads from the
document its clause cites (issue 14 item 1: "the rules pillar's parameter dates and the library's periods agree").

tests/corpus/test_rules_agree.py checks the calculators' printed coverage rows, and only those with a closed
range ("2020-02 至 2020-12": 64 of 144 rows); an open row ("2020-07-01 起") and every parameter value went
unchecked. Here each value of each parameter leaf whose clause (``metadata.source``, data/clauses) names a
document the library holds is checked against that document's record (kuaiban.corpus.standing):

* it does not start before the document applies: its 施行 month, or a month its text says it reaches back to
  ("2020年3月至12月", "自2020年1月1日起", "2021年1月1日之后新发生的", "2019年6月26日（含）以后死亡的"), or
  the January of a year whose figures its title or the cited clause sets ("2020年度");
* it does not start after the document has wholly lapsed (``valid_until``), nor after the measure it cites has
  ended (the clause is one of the document's 阶段性 measures, by its article) — but on the day after, where the
  measure's figure closes.

A value dated otherwise for a reason the texts print is listed in ``DATED_BY_ANOTHER_TEXT`` with that reason.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kuaiban.corpus import docno
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.corpus.standing import standings
from kuaiban.rules.coverage import regional_leaves
from kuaiban.rules.sources import all_sources
from kuaiban.rules.system import tax_benefit_system

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
# a month the text applies from: "2020年3月至", "自2020年1月1日起", "2021年1月1日之后", "2019年6月26日（含）以后"
_FROM = re.compile(r"(20\d\d)年(\d{1,2})月(?:\d{1,2}日)?(?:[（(]含[）)])?(?:至|起|之后|以后)")
_YEAR = re.compile(r"(20\d\d)年度")  # figures set for a year (2020年度缴费基数) apply from its January

# (parameter, date of the value): why the value starts where it does, from the texts
DATED_BY_ANOTHER_TEXT = {
    # 湘人社规〔2020〕10号 (2020-07-02) 一: the halving for 大型企业 of 湘政发〔2020〕3号 (2月到4月) is
    # "延长执行到2020年6月底": the extension runs on from May (hunan-hrss-2020.txt:5766)
    ("social_insurance_relief.hunan.large", "2020-05-01"),
    # 湘人社规〔2020〕10号 (2020-07-02) 三 sets "2020年度三项社会保险缴费基数" and the "2020年…个人缴费基数" cap and
    # floor: the figures of the year 2020, from its January (hunan-hrss-2020.txt:5770)
    ("contribution_base.hunan.floor", "2020-01-01"),
    ("contribution_base.hunan.cap", "2020-01-01"),
    # 鲁财金〔2020〕25号 (2020-05-18) forwards 财金〔2020〕21号, in force from its issue, 2020-04-15
    ("business_loan.r370000.rate_spread", "2020-04-15"),
    # 财金〔2020〕21号 四: contracts signed before it keep the former ceiling (150,000), which 湖南 applied
    # from 湘人社规〔2020〕5号 (2020-03-11)
    ("business_loan.r430000.individual_limit", "2020-03-11"),
    # 湘人社规〔2020〕6号 二: the rates apply to classes filed "从…（湘人社规〔2020〕2 号）文件执行之日起"
    # (hunan-hrss-2020.txt:4313), 2号's start, 2020-02-21
    ("training_subsidy_standard.r430000.prior_uplift_poverty", "2020-02-21"),
    ("training_subsidy_standard.r430000.prior_uplift_transfer", "2020-02-21"),
    # 渝人社发〔2021〕52号 四: the publication of the minimum wage itself is dated 2021-11-30; the wage
    # applies from 2022-04-01 (its 施行)
    ("statutory_deadline.r500000.cq_min_wage_publication.kind", "2021-11-30"),
    ("statutory_deadline.r500000.cq_min_wage_publication.count", "2021-11-30"),
}


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _month(day: str) -> str:
    return day[:7]


@pytest.fixture(scope="module")
def records() -> dict[str, list[dict]]:
    docs = parse_corpus(DATA)
    out: dict[str, list[dict]] = {}
    for d, r in zip(docs, standings(docs), strict=True):
        if d.doc_no:
            text = "".join(p.text for p in d.paragraphs)
            starts = [f"{y}-{int(m):02d}" for y, m in _FROM.findall(text)]
            starts += [f"{y}-01" for y in _YEAR.findall(d.title or "")]
            out.setdefault(d.doc_no, []).append(r | {"named_starts": starts})
    return out


def _values() -> list[tuple[str, str, object]]:
    """(parameter path, date, clause) of every non-null dated value citing a registered clause."""
    table = all_sources()
    out = []

    def walk(node, path):
        children = getattr(node, "children", None)
        if children is None:
            for at in getattr(node, "values_list", None) or []:
                key = (at.metadata or {}).get("source")
                if at.value is not None and key in table:
                    out.append((".".join(path), at.instant_str, table[key]))
            return
        for name, child in children.items():
            walk(child, (*path, name))

    walk(tax_benefit_system().parameters, ())
    return out


VALUES = _values()


def test_there_are_dated_values_to_check():
    assert len(VALUES) > 500
    assert regional_leaves  # the rules pillar's own reading of regions stands beside this one


def _first_month(records, clause) -> str | None:
    """The earliest month the cited document's record says it applies from (None: not held, or undated)."""
    held = records.get(docno.normalize(clause.doc_no) or "", [])
    if not held:
        return None
    starts = [_month(r["valid_from"]) for r in held if r["valid_from"]] + [m for r in held for m in r["named_starts"]]
    starts += [f"{y}-01" for y in _YEAR.findall(clause.quote)]  # the clause sets a year's figures
    return min(starts) if starts else None


def test_every_value_starts_while_its_document_applies(records):
    checked, wrong = 0, []
    for path, day, clause in VALUES:
        first = _first_month(records, clause)
        if first is None:
            continue  # a document the library does not hold (上海市人社局说明, 无文号): nothing to compare
        checked += 1
        if _month(day) < first and (path, day) not in DATED_BY_ANOTHER_TEXT:
            wrong.append((path, day, clause.doc_no, first))
    assert checked > 500
    assert not wrong, wrong


def test_no_value_starts_after_its_document_or_its_measure_has_lapsed(records):
    wrong = []
    for path, day, clause in VALUES:
        held = records.get(docno.normalize(clause.doc_no) or "", [])
        if not held:
            continue
        if all(r["valid_until"] for r in held) and day > max(r["valid_until"] for r in held):
            wrong.append((path, day, clause.doc_no, "文件已失效"))
        ended = [m["until"] for r in held for m in r["measures"]
                 if m["clause"].get("article") and m["clause"]["article"] == clause.article]
        # the day after the measure's last is where it closes (价格临时补贴 ×2 to 2020-06, ×1 from 2020-07-01)
        if ended and day > _next_day(max(ended)):
            wrong.append((path, day, clause.doc_no, clause.article, "措施已到期", max(ended)))
    assert not wrong, wrong


def test_the_listed_exceptions_are_still_needed(records):
    """Each listed value still exists and still starts before its document's own dates say."""
    early = {(path, day) for path, day, clause in VALUES
             if (first := _first_month(records, clause)) and _month(day) < first}
    assert early >= DATED_BY_ANOTHER_TEXT
