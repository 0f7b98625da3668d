"""Session 20: two more signals for which part answers, left one question set out — neither adopted.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/s20_part_signals.py [--db URL] [--json OUT]

* **Heading path**: each part's ancestors' titles (``doc_units.parent`` up the tree, the title being the unit's
  first line up to 。 or ：) as a field of their own, its BM25 added to the part's score at 0.5 / 1 / 2 (for the
  parts some question word found, or for every part of a document some word found).
* **Content forms**: a question of *when* (什么时候, 哪天, 从哪…到哪, 多久…) favours the parts that print a date;
  of *how much money* (多少钱, 给多少, 退多少…) the parts printing an amount (元, %); of *how many* (多少人, 几个…)
  the parts printing a count; each an additive bonus of 10 / 20 / 40 (a part's score is 50–70 for such questions)
  for the parts of the first FORM_DOCUMENTS documents that print some question word — as session 9's question
  forms add their words.

Folds and adoption rule: benchmarks/loso.py (≥ +8 single-clause questions pooled, more sets up than down,
Recall@5 not lower, p99 ≤ 50 ms, and the in-fold choice).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import jieba
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loso import FOLDS, Folds  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.models import UnitRow  # noqa: E402
from kuaiban.library.search import FORM_DOCUMENTS, SearchIndex, _bm25_postings, _score, _tokens, _top  # noqa: E402
from kuaiban.library.tokenize import normalize_text  # noqa: E402

WHEN_Q = re.compile(r"什么时候|哪天|哪一天|几月几[号日]|几号|何时|从哪.{0,4}到哪|起止|多长时间|多久|哪段时间|截止到|到哪年|几月份|哪个月")
DATE_P = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}月(?:底|上旬|中旬|下旬|末)")
MONEY_Q = re.compile(r"多少钱|给多少|补多少|补贴多少|发多少|退多少|返多少|返还多少|拿多少|领多少|标准是多少|多少元|几块钱|多少补助|多少补贴")
MONEY_P = re.compile(r"\d+(?:\.\d+)?\s*(?:万)?元|\d+(?:\.\d+)?\s*%|百分之")
COUNT_Q = re.compile(r"多少人|多少个|几个|多少名|多少家|多少所|几名|几家|几所|多少岗位")
COUNT_P = re.compile(r"\d+(?:\.\d+)?\s*(?:万)?\s*(?:个|名|人|家|所|支|项)")
FORMS = {"when": (WHEN_Q, DATE_P), "money": (MONEY_Q, MONEY_P), "count": (COUNT_Q, COUNT_P)}
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十百零0-9]+[）)、.．]?\s*")


class SignalIndex(SearchIndex):
    """The shipped index, plus the two signals (off until a variant sets them)."""

    heading_weight = 0.0
    heading_everywhere = False
    content_weights: dict[str, float] = {}  # noqa: RUF012 (replaced per variant, never mutated)

    def _scored(self, query, *args, **kwargs):
        s = super()._scored(query, *args, **kwargs)
        if self.heading_weight:
            h = _score(self._heading_post, s.terms, len(self.passages))
            where = (s.doc_scores > 0)[self._passage_doc] if self.heading_everywhere else s.passage_scores > 0
            s.part_scores = np.where(where, s.part_scores + self.heading_weight * h, s.part_scores)
        text = normalize_text(query)
        bonus = np.zeros(len(self.passages), dtype=np.float32)
        for name, (asks, _) in FORMS.items():
            if self.content_weights.get(name) and asks.search(text):
                bonus += self.content_weights[name] * self._prints[name]
        if bonus.any():
            leading = np.zeros(len(self.docs), dtype=bool)
            leading[_top(s.doc_scores, FORM_DOCUMENTS)] = True
            inside = (s.passage_scores > 0) & leading[self._passage_doc]
            s.part_scores = np.where(inside, s.part_scores + bonus, s.part_scores)
        return s


def _title(text: str) -> str:
    first = text.split("\n")[0]
    m = _NUMBERING.match(first)
    return re.split(r"[。：:]", first[m.end():] if m else first)[0][:40]


def prepare(session: Session, index: SignalIndex) -> None:
    doc_of = {d.id: i for i, d in enumerate(index.docs)}
    units = {(doc_of.get(u.document_id), u.attachment, u.label): (u.parent, u.text) for u in session.execute(
        select(UnitRow.document_id, UnitRow.label, UnitRow.parent, UnitRow.attachment, UnitRow.text))}
    headings = []
    for p in index.passages:
        path, unit = [], units.get((p.doc, p.attachment, p.unit))
        while unit and unit[0] and len(path) < 6:
            parent = units.get((p.doc, p.attachment, unit[0]))
            if not parent:
                break
            path.append(_title(parent[1]))
            unit = parent
        headings.append([index.vocab.setdefault(t, len(index.vocab)) for h in path for t in _tokens(h)])
    index._terms = list(index.vocab)
    index._heading_post = _bm25_postings(headings)
    index._prints = {name: np.array([bool(prints.search(normalize_text(p.text))) for p in index.passages],
                                    dtype=np.float32) for name, (_, prints) in FORMS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "s20_part_signals.json")
    args = parser.parse_args(argv)
    jieba.setLogLevel(60)
    with Session(connect(args.db)) as session:
        built = SearchIndex.build(session, asked=())
        index = SignalIndex(built.docs, built.passages, built.part_tokens(), asked=(), encoder=built.encoder)
        folds = Folds.load(session, index)
        prepare(session, index)

    def variant(heading: float = 0.0, everywhere: bool = False, content: dict | None = None):
        def set_up(ix: SignalIndex, held_out: str) -> None:
            if not heading and not content:  # the fold's field, once, before the first variant
                ix.asked = folds.field(held_out)
            ix.heading_weight, ix.heading_everywhere, ix.content_weights = heading, everywhere, content or {}
        return set_up

    variants = {"as shipped": variant()}
    for w in (0.5, 1.0, 2.0):
        variants[f"heading path {w}"] = variant(heading=w)
        variants[f"heading path {w}, every part"] = variant(heading=w, everywhere=True)
    for w in (10.0, 20.0, 40.0):
        for name in FORMS:
            variants[f"{name} {w:g}"] = variant(content={name: w})
        variants[f"all three {w:g}"] = variant(content=dict.fromkeys(FORMS, w))
    index.part_vectors()
    figures = folds.run(list(FOLDS), variants).report("as shipped")
    args.json.write_text(json.dumps({
        "command": "benchmarks/s20_part_signals.py",
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")} | figures,
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
