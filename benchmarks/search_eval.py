"""Measure the policy library's search on the question set (data/eval/questions.yaml).

Usage::

    .venv/bin/python benchmarks/search_eval.py [--db URL] [--json out.json] [--misses]

Reports, in one run on the same database:

* ``kuaiban``: :class:`kuaiban.library.search.SearchIndex` as shipped;
* ablations of it (no synonyms, no title weight, no whole-document BM25, no region
  boost), to show what each part contributes;
* ``kuaiban − questions asked`` (session 16): without the field of labelled questions (kuaiban.library.asked).
  That field is built from the development sets' questions (data/asked_questions.json), so on those sets the
  shipped figures are in-sample; a held-out set's are not, and leave-one-set-out figures are in
  docs/BENCHMARKS.md (session 16);
* ``bm25 baseline``: plain BM25 (bm25s) over jieba's default tokens of whole
  documents (title + every passage), no synonyms, no title weighting.

Recall@5: share of questions with an expected document among the first 5 hits.
MRR: mean of 1/rank of the first expected document within the first 10 (0 if absent).
Latency p50/p99 are per query, after the index is loaded, over three passes of the
question set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import jieba
import numpy as np
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import part_ranker  # noqa: E402
from kuaiban.corpus.titles import title_key  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.asked import clause_lines  # noqa: E402
from kuaiban.library.models import Document, Passage  # noqa: E402
from kuaiban.library.search import SearchIndex  # noqa: E402

QUESTIONS = ROOT / "data" / "eval" / "questions.yaml"
# session 15's part ranker, fitted on the development sets and not used by search (benchmarks/fit_part_ranker.py)
PART_RANKER_S15 = ROOT / "benchmarks" / "part_ranker_s15.json"
K = 5
MRR_DEPTH = 10


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def resolve_expected(session: Session, questions: list[dict]) -> tuple[dict[str, set[int]], list[str]]:
    """Expected document ids per question id, and the expected entries the library lacks."""
    by_no: dict[str, set[int]] = {}
    by_title: dict[str, set[int]] = {}
    for doc_id, doc_no, title in session.execute(select(Document.id, Document.doc_no, Document.title)):
        if doc_no:
            by_no.setdefault(doc_no, set()).add(doc_id)
        by_title.setdefault(title_key(title), set()).add(doc_id)
    expected: dict[str, set[int]] = {}
    missing: list[str] = []
    for q in questions:
        ids: set[int] = set()
        for entry in q["expected"]:
            found = (by_title.get(title_key(entry[6:]), set()) if entry.startswith("title:")
                     else by_no.get(entry, set()))
            if not found:
                missing.append(f"{q['id']}: {entry}")
            ids |= found
        expected[q["id"]] = ids
    return expected, missing


@dataclass
class Result:
    name: str
    recall: float
    mrr: float
    ranks: dict[str, int | None]  # question id -> 1-based rank of first expected doc (None if not in top 10)
    p50_ms: float | None = None
    p99_ms: float | None = None


def evaluate(name: str, ranked: dict[str, list[int]], expected: dict[str, set[int]],
             only: set[str] | None = None) -> Result:
    """Recall@5 and MRR@10 over ``ranked`` (restricted to question ids ``only`` when given)."""
    ranks: dict[str, int | None] = {}
    for qid, ids in ranked.items():
        if only is not None and qid not in only:
            continue
        rank = next((i + 1 for i, d in enumerate(ids[:MRR_DEPTH]) if d in expected[qid]), None)
        ranks[qid] = rank
    n = len(ranks)
    recall = sum(1 for r in ranks.values() if r is not None and r <= K) / n
    mrr = sum(1.0 / r for r in ranks.values() if r is not None) / n
    return Result(name, recall, mrr, ranks)


def run_index(index: SearchIndex, questions: list[dict], passes: int = 1) -> tuple[dict, list[float]]:
    ranked: dict[str, list[int]] = {}
    times: list[float] = []
    for _ in range(passes):
        for q in questions:
            t0 = time.perf_counter()
            hits = index.search(q["question"], limit=MRR_DEPTH)
            times.append((time.perf_counter() - t0) * 1000)
            ranked[q["id"]] = [h.document_id for h in hits]
    return ranked, times


def clause_in_top(index: SearchIndex, question: dict, expected: set[int],
                  lines: dict[tuple[int, str], int]) -> bool:
    """Whether the clause that answers ``question`` (its label: 第N条, 一（二）, 第N段) is inside one of the
    first K passages, in one of the expected documents."""
    for hit in index.search(question["question"], limit=K, per_document=False):
        line = lines.get((hit.document_id, question["clause"]))
        if hit.document_id in expected and line is not None and \
                hit.source["start_line"] <= line <= hit.source["end_line"]:
            return True
    return False


_WORD = re.compile(r"[\w\u4e00-\u9fff]")


def _jieba_tokens(text: str) -> list[str]:
    return [w for w in jieba.lcut(text) if _WORD.search(w)]


def bm25_baseline(session: Session, questions: list[dict]) -> tuple[dict, list[float]]:
    """Plain BM25 (bm25s) over jieba's default segmentation of whole documents."""
    texts: dict[int, list[str]] = {}
    for doc_id, title in session.execute(select(Document.id, Document.title).order_by(Document.id)):
        texts[doc_id] = [title]
    for doc_id, text in session.execute(
        select(Passage.document_id, Passage.text).order_by(Passage.document_id, Passage.position)
    ):
        texts.setdefault(doc_id, []).append(text)
    ids = list(texts)
    retriever = bm25s.BM25()
    retriever.index([_jieba_tokens("\n".join(texts[i])) for i in ids], show_progress=False)
    vocab = retriever.vocab_dict
    ranked: dict[str, list[int]] = {}
    times: list[float] = []
    for q in questions:
        t0 = time.perf_counter()
        toks = [t for t in _jieba_tokens(q["question"]) if t in vocab]
        if toks:
            docs, scores = retriever.retrieve([toks], k=MRR_DEPTH, show_progress=False)
            ranked[q["id"]] = [ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
        else:
            ranked[q["id"]] = []
        times.append((time.perf_counter() - t0) * 1000)
    return ranked, times


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: the product's default database)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--misses", action="store_true", help="list questions kuaiban misses at 5")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args(argv)

    jieba.setLogLevel(60)
    questions = load_questions(args.questions)
    engine = connect(args.db)
    with Session(engine) as session:
        expected, missing = resolve_expected(session, questions)
        t0 = time.perf_counter()
        index = SearchIndex.build(session)
        build_s = time.perf_counter() - t0
        variants = {
            "kuaiban − synonyms": SearchIndex.build(session, synonyms={}),
            "kuaiban − title weight": SearchIndex.build(session, title_weight=0.0),
            "kuaiban, issuers in the title field (before session 8)": SearchIndex.build(
                session, title_issuer_weight=0.0, whole_title=True),
            "kuaiban − document BM25": SearchIndex.build(session, doc_weight=0.0),
            "kuaiban, document BM25 0.75 (before session 8)": SearchIndex.build(session, doc_weight=0.75),
            "kuaiban − region boost": SearchIndex.build(session, region_boost=1.0),
            "kuaiban − year boost": SearchIndex.build(session, year_boost=1.0),
            "kuaiban − 同义词词林": SearchIndex.build(session, thesaurus=False),
            "kuaiban − abbreviations": SearchIndex.build(session, abbreviations=False),
            "kuaiban − characters": SearchIndex.build(session, char_weight=0.0, doc_char_weight=0.0),
            "kuaiban − defined short forms": SearchIndex.build(session, definitions=False),
            "kuaiban, region boost 1.25 (before session 7)": SearchIndex.build(session, region_boost=1.25),
            "kuaiban, lapsed texts × 0.8 (tried in session 14)": SearchIndex.build(session, lapsed_factor=0.8),
            "kuaiban − questions asked (session 16)": SearchIndex.build(session, asked=()),
        }
        part_variants = {
            "parts without characters": SearchIndex.build(session, char_weight=0.0),
            "parts without local damping": SearchIndex.build(session, local_damping=0.0),
            "parts without the numbered-part prior": SearchIndex.build(session, unnumbered_factor=1.0),
            "parts without the three": SearchIndex.build(session, char_weight=0.0, local_damping=0.0,
                                                         unnumbered_factor=1.0),
            "parts without 词林 for parts": SearchIndex.build(session, part_thesaurus=False),
            "parts without the question's form (before session 9)": SearchIndex.build(session,
                                                                                       question_form_weight=0.0),
            "parts without defined short forms": SearchIndex.build(session, definitions=False),
            "parts at b = 0.2 (tried in session 10)": SearchIndex.build(session, part_b=0.2),
            "parts, region boost 1.25": SearchIndex.build(session, region_boost=1.25),
            "parts, characters at 1.5 (session 15, not adopted)": SearchIndex.build(session, char_weight=1.5),
            "parts − questions asked (session 16)": SearchIndex.build(session, asked=()),
            "parts, questions asked for documents only": SearchIndex.build(session, asked_part_weight=0.0),
            "parts, questions asked for parts only": SearchIndex.build(session, asked_weight=0.0),
            "parts without the learned model (before session 19)": SearchIndex.build(session, encoder=None),
        }
        if PART_RANKER_S15.exists():
            part_variants["parts re-ranked by the session-15 part ranker (not adopted)"] = part_ranker.RankedIndex.build(
                session, part_ranker=part_ranker.load(PART_RANKER_S15), asked=())
        base_ranked, base_times = bm25_baseline(session, questions)
        lines = clause_lines(session)
    answerable = [q for q in questions if expected[q["id"]]]

    run_index(index, questions[:10])  # warm-up: jieba's query path, numpy
    load_before = os.getloadavg()
    cpu0 = time.process_time()
    ranked, times = run_index(index, questions, passes=3)
    cpu_ms = (time.process_time() - cpu0) / (3 * len(questions)) * 1000
    load_after = os.getloadavg()
    systems: list[tuple[str, dict, list[float] | None]] = [("kuaiban", ranked, times)]
    for name, variant in variants.items():
        systems.append((name, run_index(variant, questions)[0], None))
    systems.append(("bm25 baseline (bm25s, jieba, whole documents)", base_ranked, base_times))

    splits = {
        "all": {q["id"] for q in questions},
        "dev": {q["id"] for q in questions if q.get("split", "dev") == "dev"},
        "holdout": {q["id"] for q in questions if q.get("split") == "holdout"},
    }
    splits = {name: ids for name, ids in splits.items() if ids}  # a question file may have no holdout split
    table: dict[str, list[Result]] = {}
    for split, ids in splits.items():
        table[split] = []
        for name, sys_ranked, sys_times in systems:
            r = evaluate(name, sys_ranked, expected, only=ids)
            if sys_times is not None:
                r.p50_ms, r.p99_ms = percentile(sys_times, 50), percentile(sys_times, 99)
            table[split].append(r)
    results = table["all"]

    clause_questions = [q for q in questions if q.get("clause")]
    # the clause view's latency, as shipped (the first clause search of an index makes the parts' vectors: not timed)
    index.search(questions[0]["question"], limit=K, per_document=False)
    clause_times = []
    for _ in range(3):
        for q in questions:
            t1 = time.perf_counter()
            index.search(q["question"], limit=K, per_document=False)
            clause_times.append((time.perf_counter() - t1) * 1000)
    clause_found = {q["id"]: clause_in_top(index, q, expected[q["id"]], lines) for q in clause_questions}
    clause_variants = {name: sum(clause_in_top(v, q, expected[q["id"]], lines) for q in clause_questions)
                       for name, v in part_variants.items()}

    n = len(questions)
    print(f"questions: {n} ({n - len(answerable)} with no expected document in the library); "
          f"index build {build_s:.2f} s; "
          f"{len(index.docs)} documents, {len(index.passages)} passages")
    print(f"kuaiban CPU per query {cpu_ms:.2f} ms (process time over {len(times)} searches); load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after the timed passes")
    for split, rows in table.items():
        print(f"\n[{split}: {len(splits[split])} questions]")
        print(f"{'system':<48} {'Recall@5':>9} {'MRR@10':>7} {'p50 ms':>7} {'p99 ms':>7}")
        for r in rows:
            p50 = f"{r.p50_ms:7.2f}" if r.p50_ms is not None else "      –"
            p99 = f"{r.p99_ms:7.2f}" if r.p99_ms is not None else "      –"
            print(f"{r.name:<48} {r.recall:9.3f} {r.mrr:7.3f} {p50} {p99}")
    if clause_questions:
        share = sum(clause_found.values()) / len(clause_questions)
        print(f"\nsingle-clause questions: {len(clause_questions)}; the clause among the first {K} passages: "
              f"{share:.3f}; clause view p50 {percentile(clause_times, 50):.2f} ms, p99 "
              f"{percentile(clause_times, 99):.2f} ms" + "".join(f"\n  missed {qid}" for qid, ok in clause_found.items() if not ok))
        for name, found in clause_variants.items():
            print(f"  {name}: {found / len(clause_questions):.3f}")
    if missing:
        print(f"\nexpected documents not in the library ({len(missing)}): " + "; ".join(missing))

    misses = [q for q in questions if not (results[0].ranks[q["id"]] or 99) <= K]
    if args.misses or misses:
        print(f"\nkuaiban misses at {K} ({len(misses)}):")
        for q in misses:
            hits = index.search(q["question"], limit=3)
            top = " | ".join(f"{h.doc_no or h.title[:20]}" for h in hits)
            print(f"  {q['id']} {q['question']}  expected {q['expected']}  rank "
                  f"{results[0].ranks[q['id']]}  top3: {top}")

    if args.json:
        args.json.write_text(json.dumps({
            "questions": n,
            "k": K,
            "index_build_seconds": round(build_s, 3),
            "documents": len(index.docs),
            "passages": len(index.passages),
            "missing_expected": missing,
            "results": {
                split: [
                    {"system": r.name, "questions": len(r.ranks), "recall_at_5": round(r.recall, 4),
                     "mrr_at_10": round(r.mrr, 4),
                     "p50_ms": None if r.p50_ms is None else round(r.p50_ms, 3),
                     "p99_ms": None if r.p99_ms is None else round(r.p99_ms, 3),
                     "misses": [qid for qid, rank in r.ranks.items() if rank is None or rank > K]}
                    for r in rows
                ]
                for split, rows in table.items()
            },
            "single_clause": {"questions": len(clause_questions),
                              "found_at_5": sum(clause_found.values()),
                              "missed": [qid for qid, ok in clause_found.items() if not ok],
                              "p50_ms": round(percentile(clause_times, 50), 3),
                              "p99_ms": round(percentile(clause_times, 99), 3)},
            "single_clause_variants": {name: round(found / max(len(clause_questions), 1), 4)
                                       for name, found in clause_variants.items()},
            "cpu_ms_per_query": round(cpu_ms, 3),
            "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
            "latency_samples": len(times),
            "mean_ms": round(statistics.mean(times), 3),
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
