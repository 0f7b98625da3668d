"""Fit the part ranker (benchmarks/part_ranker.py) on the development sets, and cross-validate it.

Usage::

    .venv/bin/python benchmarks/fit_part_ranker.py [--db URL] [--cv] [--write] [--l2 0.01] [--depth 20]

For every question of ``data/eval/*.yaml`` that one clause answers, the first ``--depth`` passage hits as
ranked without the re-ranker, with their features (``part_ranker.passage_features``); a hit is right when
it is in an expected document and its lines hold the clause (as ``benchmarks/search_eval.py`` counts it).
The model is a linear score over standardised features, fitted by a listwise softmax loss (the probability
of the right hits among the question's hits) with an L2 penalty, in NumPy.

``--cv``: leave one set out — fit on all other sets, measure the held-out set: the clause in the first 5
passages, and the clause's reciprocal rank within 10, against the ranking by score alone. ``--write``: fit on
every set and write the weights (default benchmarks/part_ranker_s15.json) with their provenance. Held-out sets that are not yet
development sets (``--exclude``, default everyday10*) are never read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.part_ranker import FEATURES, PartRanker, passage_features  # noqa: E402
from benchmarks.search_eval import load_questions, resolve_expected  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.asked import clause_lines  # noqa: E402
from kuaiban.library.search import SearchIndex  # noqa: E402

EVAL = ROOT / "data" / "eval"
WEIGHTS = ROOT / "benchmarks" / "part_ranker_s15.json"  # not used by search: see part_ranker's docstring
K = 5
DEPTH = 20
L2 = 0.01
AS_OF = dt.date(2026, 12, 6)  # statuses as of the fit, so a refit on another day reads the same hits


@dataclass
class Question:
    set: str
    id: str
    x: np.ndarray  # (hits, features)
    y: np.ndarray  # (hits,) whether each hit holds the clause


def development_sets(exclude: str) -> list[Path]:
    """Every question file with clauses, except the ones not yet run held out (their names are not opened)."""
    return [p for p in sorted(EVAL.glob("*.yaml")) if not p.name.startswith(exclude)]


def collect(index: SearchIndex, session: Session, paths: list[Path], depth: int) -> list[Question]:
    lines = clause_lines(session)
    out = []
    for path in paths:
        questions = [q for q in load_questions(path) if q.get("clause")]
        if not questions:
            continue
        expected, _ = resolve_expected(session, questions)
        for q in questions:
            top, x = passage_features(index, q["question"], depth, as_of=AS_OF)
            y = np.zeros(len(top), dtype=bool)
            for k, p in enumerate(top):
                psg = index.passages[p]
                doc_id = index.docs[psg.doc].id
                line = lines.get((doc_id, q["clause"]))
                y[k] = doc_id in expected[q["id"]] and line is not None and psg.start_line <= line <= psg.end_line
            out.append(Question(path.stem, q["id"], x, y))
    return out


def fit(questions: list[Question], l2: float = L2, steps: int = 1500, depth: int = DEPTH) -> PartRanker:
    """Listwise softmax with an L2 penalty, by full-batch Adam on standardised features."""
    usable = [q for q in questions if q.y.any() and len(q.y) > 1]
    stacked = np.vstack([q.x for q in usable])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    n, f = len(usable), stacked.shape[1]
    x = np.zeros((n, depth, f))
    y = np.zeros((n, depth))
    valid = np.zeros((n, depth), dtype=bool)
    for i, q in enumerate(usable):
        m = len(q.y)
        x[i, :m] = (q.x - mean) / scale
        y[i, :m] = q.y
        valid[i, :m] = True
    w = np.zeros(f)
    w[FEATURES.index("score_rel")] = 1.0  # start from the ranking by score
    m1, m2 = np.zeros(f), np.zeros(f)
    rate, b1, b2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        s = np.where(valid, x @ w, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        e = np.exp(s)
        p_all = e / e.sum(axis=1, keepdims=True)
        p_pos = np.where(y > 0, e, 0.0) / np.where(y > 0, e, 0.0).sum(axis=1, keepdims=True)
        # d/dw of -log(sum_pos softmax) = E_all[x] - E_pos[x]
        grad = np.einsum("nd,ndf->f", p_all - p_pos, x) / n + 2 * l2 * w
        m1 = b1 * m1 + (1 - b1) * grad
        m2 = b2 * m2 + (1 - b2) * grad ** 2
        w -= rate * (m1 / (1 - b1 ** step)) / (np.sqrt(m2 / (1 - b2 ** step)) + 1e-8)
    return PartRanker(depth, FEATURES, mean, scale, w, provenance={})


def first_right(order: list[int], y: np.ndarray) -> int | None:
    return next((k + 1 for k, i in enumerate(order) if y[i]), None)


def measure(questions: list[Question], ranker: PartRanker | None) -> tuple[int, float]:
    """Questions with the clause among the first K passages, and the clause's mean reciprocal rank within 10."""
    found, rr = 0, 0.0
    for q in questions:
        order = list(range(len(q.y))) if ranker is None or len(q.y) < 2 else ranker.order(q.x)
        rank = first_right(order, q.y)
        found += rank is not None and rank <= K
        rr += 1.0 / rank if rank is not None and rank <= 10 else 0.0
    return found, rr / max(len(questions), 1)


def cross_validate(questions: list[Question], l2: float, depth: int) -> list[dict]:
    rows = []
    for name in dict.fromkeys(q.set for q in questions):
        held = [q for q in questions if q.set == name]
        ranker = fit([q for q in questions if q.set != name], l2=l2, depth=depth)
        before, mrr_before = measure(held, None)
        after, mrr_after = measure(held, ranker)
        reachable = sum(bool(q.y.any()) for q in held)
        rows.append({"set": name, "questions": len(held), "in_first_depth": reachable, "before": before,
                     "after": after, "mrr_before": round(mrr_before, 4), "mrr_after": round(mrr_after, 4)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: the product's default database)")
    parser.add_argument("--cv", action="store_true", help="leave-one-set-out cross-validation")
    parser.add_argument("--write", action="store_true", help="fit on every set and write the weights file")
    parser.add_argument("--sweep", action="store_true",
                        help="cross-validate every depth 10/20/30 and L2 0.001/0.01/0.1/1 (pooled figures)")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--depth", type=int, default=DEPTH)
    parser.add_argument("--exclude", default="everyday10", help="question files not to open (name prefix)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)

    paths = development_sets(args.exclude)
    engine = connect(args.db)
    with Session(engine) as session:
        # passage hits by score alone: what the ranker reorders; without the questions-asked field (session 16),
        # which is built from these very questions
        index = SearchIndex.build(session, asked=())
        questions = collect(index, session, paths, max(args.depth, 30) if args.sweep else args.depth)
    sets = list(dict.fromkeys(q.set for q in questions))
    print(f"{len(questions)} single-clause questions in {len(sets)} sets; depth {args.depth}, L2 {args.l2}")
    if args.sweep:
        for depth in (10, 20, 30):
            cut = [Question(q.set, q.id, q.x[:depth], q.y[:depth]) for q in questions]
            for l2 in (0.001, 0.01, 0.1, 1.0):
                rows = cross_validate(cut, l2, depth)
                deltas = [r["after"] - r["before"] for r in rows]
                print(f"depth {depth} L2 {l2}: {sum(r['before'] for r in rows)} -> {sum(r['after'] for r in rows)}, "
                      f"sets up {sum(d > 0 for d in deltas)}, down {sum(d < 0 for d in deltas)} {deltas}")
        questions = [Question(q.set, q.id, q.x[:args.depth], q.y[:args.depth]) for q in questions]
    if args.cv:
        rows = cross_validate(questions, args.l2, args.depth)
        print(f"{'held-out set':<16}{'n':>5}{'in top-D':>9}{'before':>8}{'after':>7}{'MRR before':>11}{'after':>7}")
        for r in rows:
            print(f"{r['set']:<16}{r['questions']:>5}{r['in_first_depth']:>9}{r['before']:>8}{r['after']:>7}"
                  f"{r['mrr_before']:>11.3f}{r['mrr_after']:>7.3f}")
        n = sum(r["questions"] for r in rows)
        before, after = sum(r["before"] for r in rows), sum(r["after"] for r in rows)
        up = sum(r["after"] > r["before"] for r in rows)
        down = sum(r["after"] < r["before"] for r in rows)
        print(f"pooled: {before}/{n} = {before / n:.3f} -> {after}/{n} = {after / n:.3f}; sets up {up}, down {down}")
    if args.write:
        ranker = fit(questions, l2=args.l2, depth=args.depth)
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        provenance = {
            "sets": [p.name for p in paths if p.stem in sets],
            "questions": len(questions),
            "fitted": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "benchmarks/fit_part_ranker.py --write" + (f" --l2 {args.l2}" if args.l2 != L2 else "")
                       + (f" --depth {args.depth}" if args.depth != DEPTH else ""),
            "code_commit": commit,
            "statuses_as_of": AS_OF.isoformat(),
            "library": f"{len(index.docs)} documents, {len(index.passages)} passages (kuaiban ingest of the five "
                       "bundled compilations)",
            "loss": "listwise softmax over the first `depth` passage hits, L2 on standardised weights",
        }
        ranker = PartRanker(ranker.depth, ranker.features, ranker.mean, ranker.scale, ranker.weights, provenance)
        args.out.write_text(json.dumps(ranker.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        found, _ = measure(questions, ranker)
        base, _ = measure(questions, None)
        print(f"wrote {args.out} (in sample: {base} -> {found} of {len(questions)})")
        for name, weight in sorted(zip(FEATURES, ranker.weights, strict=True), key=lambda t: -abs(t[1])):
            print(f"  {name:<16}{weight:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
