"""Session 19: a translation model of question words ↔ part words, learned from the editors' questions —
leave one question set out.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/s19_translation.py [--db URL] [--json OUT]

The editors' questions (data/editors_questions.json, 22,823 questions of 14,127 parts, written from the texts
without sight of any question set) are pairs: a question in an asker's words, the part that answers it in the
texts' words. A part is found through them only when a new question repeats an editor's words *about that part*.
What the pairs also say, across all parts, is which of the texts' words an asker's word stands for (娃 → 子女,
老板 → 用人单位, 不发 → 拖欠): IBM Model 1 (Brown et al. 1993), as Xue, Jeon & Croft (SIGIR 2008) use it for
question–answer retrieval, learns P(part word | question word) by EM over the pairs. A new question's words are
then expanded into the part words they translate to, and the parts are scored by BM25 of those (weighted by the
translation probability), added to the parts' scores (where some question word is already printed) at a weight.

The translation table is learned from the editors' questions only, never from an evaluation set, so one table
serves every fold; the questions-asked field of each fold is the OTHER sets + ``questions.yaml`` + editors' (as
shipped since session 18). Measured as benchmarks/s18_editors.py does: Recall@5 and single-clause in the first 5
passage hits, per held-out set; adoption rule pre-registered as in sessions 16–18: ≥ +8 single-clause questions
pooled, more sets up than down, Recall@5 not lower, p99 ≤ 50 ms; weights also chosen fold by fold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import ClassVar

import jieba
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loso import FOLDS, FOLDS_S19, Folds  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.models import Passage  # noqa: E402
from kuaiban.library.search import SearchIndex, _score, _tokens  # noqa: E402
from kuaiban.library.tokenize import STOPWORDS  # noqa: E402

NULL = "<null>"


def train_model1(pairs: list[tuple[list[str], list[str]]], iterations: int = 5) -> dict[str, dict[str, float]]:
    """IBM Model 1 by EM: t(q | a) over the pairs (question tokens, answer tokens), a NULL answer word in each.
    Returns, for each question word q, P(a | q) ∝ the expected count of q aligned to a (the posterior of the
    alignments summed over the pairs), over answer words a ≠ NULL."""
    qv: dict[str, int] = {}
    av: dict[str, int] = {NULL: 0}
    rows_q, rows_a, rows_c, rows_pos = [], [], [], []
    pos = 0
    for q, a in pairs:
        counts: dict[int, int] = defaultdict(int)
        counts[0] = 1
        for w in a:
            counts[av.setdefault(w, len(av))] += 1
        a_ids = np.fromiter(counts.keys(), dtype=np.int64)
        a_cnt = np.fromiter(counts.values(), dtype=np.float64)
        for w in q:
            rows_q.append(np.full(a_ids.size, qv.setdefault(w, len(qv)), dtype=np.int64))
            rows_a.append(a_ids)
            rows_c.append(a_cnt)
            rows_pos.append(np.full(a_ids.size, pos, dtype=np.int64))
            pos += 1
    fq = np.concatenate(rows_q)
    ea = np.concatenate(rows_a)
    ca = np.concatenate(rows_c)
    position = np.concatenate(rows_pos)
    n_a = len(av)
    keys, key_of = np.unique(fq * n_a + ea, return_inverse=True)
    key_a = keys % n_a
    key_q = keys // n_a
    t = np.ones(keys.size)  # uniform start: t(q | a) equal for every co-occurring pair
    for _ in range(iterations):
        weight = t[key_of] * ca
        norm = np.bincount(position, weights=weight, minlength=pos)
        posterior = weight / norm[position]
        count = np.bincount(key_of, weights=posterior, minlength=keys.size)
        total_a = np.bincount(key_a, weights=count, minlength=n_a)
        t = count / total_a[key_a]
    # P(a | q): the expected alignment counts, normalised over a for each q
    total_q = np.bincount(key_q, weights=count, minlength=len(qv))
    p = count / total_q[key_q]
    words_q = list(qv)
    words_a = list(av)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for k in np.flatnonzero(p >= 0.005).tolist():
        a = words_a[int(key_a[k])]
        if a != NULL:
            out[words_q[int(key_q[k])]][a] = float(p[k])
    return dict(out)


class TranslationIndex(SearchIndex):
    """Search as shipped, plus the question's words translated into part words by the learned table."""

    table: ClassVar[dict[str, dict[str, float]]] = {}
    tm_weight: float = 0.0
    tm_per_word: int = 5
    tm_docs: float = 0.0  # the same expansion in the documents' whole-text field, at this weight
    tm_self: bool = False  # whether a word's translation into itself counts

    def _tm_terms(self, query: str, terms: dict[int, float]) -> dict[int, float]:
        out: dict[int, float] = {}
        for tok in set(_tokens(query)):
            row = self.table.get(tok)
            if not row:
                continue
            best = sorted(((p, a) for a, p in row.items() if (a != tok or self.tm_self) and a not in STOPWORDS),
                          reverse=True)[:self.tm_per_word]
            for p, a in best:
                t = self.vocab.get(a)
                if t is not None and t not in terms:
                    out[t] = out.get(t, 0.0) + p
        return out

    def _scored(self, query, region, year, issuer, category, status, day):
        s = super()._scored(query, region, year, issuer, category, status, day)
        if not self.tm_weight and not self.tm_docs:
            return s
        tm = self._tm_terms(query, s.terms)
        if not tm:
            return s
        n_pass = len(self.passages)
        if self.tm_weight:
            extra = _score(self._part_post, tm, n_pass)
            s.part_scores = np.where(s.passage_scores > 0, s.part_scores + self.tm_weight * extra * self._opening_factor,
                                     s.part_scores)
        if self.tm_docs:
            extra_docs = _score(self._doc_post, tm, len(self.docs))
            if s.boosted:
                extra_docs = extra_docs * s.boost
            if s.mask is not None:
                extra_docs = np.where(s.mask, extra_docs, 0.0)
            s.doc_scores = s.doc_scores + self.tm_docs * extra_docs
        return s


# name → (part weight, per word, document weight, self)
VARIANTS: dict[str, tuple[float, int, float, bool]] = {
    "now": (0.0, 0, 0.0, False),
    "parts 0.5, 5": (0.5, 5, 0.0, False),
    "parts 1, 5": (1.0, 5, 0.0, False),
    "parts 1, 3": (1.0, 3, 0.0, False),
    "parts 2, 5": (2.0, 5, 0.0, False),
    "parts 4, 5": (4.0, 5, 0.0, False),
    "parts 8, 5": (8.0, 5, 0.0, False),
    "parts 16, 5": (16.0, 5, 0.0, False),
    "parts 4, 10": (4.0, 10, 0.0, False),
    "parts 8, 10": (8.0, 10, 0.0, False),
    "parts 4 docs 2, 5": (4.0, 5, 2.0, False),
    "docs 2, 5": (0.0, 5, 2.0, False),
    "docs 4, 5": (0.0, 5, 4.0, False),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "s19_translation.json")
    parser.add_argument("--folds", nargs="+", choices=FOLDS, default=FOLDS_S19)
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args(argv)
    jieba.setLogLevel(60)
    with Session(connect(args.db)) as session:
        # as measured: search before the learned question ↔ part model
        folds = Folds.load(session, TranslationIndex.build(session, asked=(), encoder=None))
        tokens_of = [row.tokens.split() for row in session.execute(
            select(Passage.document_id, Passage.tokens).order_by(Passage.document_id, Passage.position))]
    assert len(tokens_of) == len(folds.index.passages)
    t0 = time.perf_counter()
    pairs = []
    for q in folds.editors:
        if q.passages:
            answer = [w for p in sorted(q.passages)[:1] for w in tokens_of[p] if w not in STOPWORDS]
            question = [w for w in q.tokens if w not in STOPWORDS]
            if question and answer:
                pairs.append((question, answer))
    TranslationIndex.table = train_model1(pairs, args.iterations)
    print(f"model 1: {len(pairs)} pairs, {len(TranslationIndex.table)} question words, "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    for w in ("娃", "老板", "去世", "路费", "断缴", "不发", "保姆", "摆地摊", "征地", "户口"):
        row = TranslationIndex.table.get(w, {})
        print(" ", w, "→", ", ".join(f"{a} {p:.2f}" for p, a in sorted(((p, a) for a, p in row.items()),
                                                                         reverse=True)[:6]))

    def variant(weights: tuple[float, int, float, bool]):
        def set_up(index: TranslationIndex, held_out: str) -> None:
            if weights == VARIANTS["now"]:  # the field once per fold, before the first variant
                index.asked = folds.field(held_out)
            index.tm_weight, index.tm_per_word, index.tm_docs, index.tm_self = weights
        return set_up

    result = folds.run(list(args.folds), {name: variant(w) for name, w in VARIANTS.items()})
    figures = result.report("now")
    args.json.write_text(json.dumps({
        "command": "benchmarks/s19_translation.py",
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "pairs": len(pairs)} | figures,
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
