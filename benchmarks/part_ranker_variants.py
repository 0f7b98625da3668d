"""Other forms of the part ranker, each cross-validated leaving one development set out (session 15).

Usage::

    .venv/bin/python benchmarks/part_ranker_variants.py [--db URL]

On the hits and features of ``benchmarks/fit_part_ranker.py`` (first 20 passage hits of every single-clause
question of data/eval): pairwise logistic (RankNet) on (clause, part above it or in the first five) pairs;
listwise, reordering only within each document's places; boosted stumps on the listwise gradient; greedy forward
selection of up to three features added to the score, chosen inside each fold; and each feature alone added to
the score at a weight chosen on the other sets. Reports the clause in the first 5 passages, pooled, against the
ranking by score alone, and the sets up and down.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fit_part_ranker import DEPTH, K, Question, collect, development_sets, fit  # noqa: E402
from benchmarks.part_ranker import FEATURES  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.search import SearchIndex  # noqa: E402

BASE = FEATURES.index("score_rel")
DOC_RANK = FEATURES.index("doc_rank")


class Padded:
    """The questions as arrays (question, hit, feature), standardised; score_rel kept as it is (0–1)."""

    def __init__(self, questions: list[Question], depth: int = DEPTH):
        q_n, f_n = len(questions), len(FEATURES)
        self.x = np.zeros((q_n, depth, f_n))
        self.y = np.zeros((q_n, depth), dtype=bool)
        self.valid = np.zeros((q_n, depth), dtype=bool)
        for i, q in enumerate(questions):
            m = min(depth, len(q.y))
            self.x[i, :m], self.y[i, :m], self.valid[i, :m] = q.x[:m], q.y[:m], True
        std = self.x[self.valid].std(axis=0)
        std[std < 1e-9] = 1.0
        self.xs = self.x / std
        self.xs[..., BASE] = self.x[..., BASE]
        self.sets = np.array([q.set for q in questions])
        self.depth = depth

    def found(self, idx: np.ndarray, scores: np.ndarray) -> int:
        s = np.where(self.valid[idx], scores - 1e-9 * np.arange(self.depth), -np.inf)
        top = np.argsort(-s, axis=1)[:, :K]
        return int(np.take_along_axis(self.y[idx], top, 1).any(1).sum())


def folds(data: Padded):
    for name in dict.fromkeys(data.sets.tolist()):
        yield name, np.flatnonzero(data.sets != name), np.flatnonzero(data.sets == name)


def report(label: str, rows: list[tuple[int, int]]) -> None:
    before, after = sum(b for b, _ in rows), sum(a for _, a in rows)
    up, down = sum(a > b for b, a in rows), sum(a < b for b, a in rows)
    print(f"{label:<52} {before} -> {after}  sets up {up}, down {down}  {[a - b for b, a in rows]}", flush=True)


def pairwise(data: Padded, idx: np.ndarray, l2: float, steps: int = 800) -> np.ndarray:
    diffs = []
    for i in idx:
        pos, neg = np.flatnonzero(data.y[i]), np.flatnonzero(~data.y[i] & data.valid[i])
        diffs += [data.xs[i, p] - data.xs[i, n] for p in pos for n in neg if n < max(p, K)]
    a = np.array(diffs)
    w = np.zeros(len(FEATURES))
    w[BASE] = 1.0
    return _adam(w, lambda w: -(a * (1 / (1 + np.exp(a @ w)))[:, None]).mean(0) + 2 * l2 * w, steps)


def _adam(w: np.ndarray, grad, steps: int, rate: float = 0.05) -> np.ndarray:
    m1, m2 = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        g = grad(w)
        m1, m2 = 0.9 * m1 + 0.1 * g, 0.999 * m2 + 0.001 * g * g
        w = w - rate * (m1 / (1 - 0.9 ** t)) / (np.sqrt(m2 / (1 - 0.999 ** t)) + 1e-8)
    return w


def within_documents(data: Padded, questions: list[Question], l2: float) -> list[tuple[int, int]]:
    """Listwise on the clause's document's hits; each document keeps its places, its parts reordered."""
    rows = []
    for _, train, test in folds(data):
        lists = []
        for i in train:
            q = questions[i]
            if q.y.any():
                same = np.flatnonzero(q.x[:, DOC_RANK] == q.x[np.argmax(q.y), DOC_RANK])
                if same.size > 1:
                    lists.append(Question(q.set, q.id, q.x[same], q.y[same]))
        ranker = fit(lists, l2=l2)
        before = after = 0
        for i in test:
            q = questions[i]
            order, scores = list(range(len(q.y))), ranker.scores(q.x)
            for d in set(q.x[:, DOC_RANK].tolist()):
                places = [k for k in range(len(q.y)) if q.x[k, DOC_RANK] == d]
                for place, k in zip(places, sorted(places, key=lambda k: (-scores[k], k)), strict=True):
                    order[place] = k
            before += bool(q.y[:K].any())
            after += bool(q.y[order[:K]].any())
        rows.append((before, after))
    return rows


def stumps(data: Padded, idx: np.ndarray, rounds: int, rate: float = 0.1, scale: float = 5.0) -> list:
    idx = idx[data.y[idx].any(1)]
    x, y, valid = data.x[idx], data.y[idx], data.valid[idx]
    cuts = [np.unique(np.quantile(data.x[..., f][data.valid], np.linspace(0.05, 0.95, 19)))
            for f in range(len(FEATURES))]
    s = scale * x[..., BASE]
    out = []
    for _ in range(rounds):
        z = np.where(valid, s, -np.inf)
        e = np.exp(z - z.max(1, keepdims=True))
        right = np.where(y, e, 0.0)
        g = (right / right.sum(1, keepdims=True) - e / e.sum(1, keepdims=True)) * valid
        gain, f, t = max(((g[(x[..., f] > t) & valid].sum(), f, t) for f in range(len(FEATURES)) for t in cuts[f]),
                         key=lambda c: abs(c[0]))
        out.append((f, t, rate * np.sign(gain)))
        s = s + out[-1][2] * (x[..., f] > t)
    return out


def stump_scores(data: Padded, idx: np.ndarray, model: list, scale: float = 5.0) -> np.ndarray:
    s = scale * data.x[idx][..., BASE]
    for f, t, v in model:
        s = s + v * (data.x[idx][..., f] > t)
    return s


WEIGHTS = (-0.3, -0.2, -0.1, -0.05, -0.02, -0.01, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)


def forward(data: Padded, idx: np.ndarray, steps: int = 3) -> np.ndarray:
    w = np.zeros(len(FEATURES))
    w[BASE] = 1.0
    best = data.found(idx, data.xs[idx] @ w)
    for _ in range(steps):
        trials = [(data.found(idx, data.xs[idx] @ (w + c * np.eye(len(FEATURES))[f])), f, c)
                  for f in range(len(FEATURES)) if f != BASE and w[f] == 0 for c in WEIGHTS]
        found, f, c = max(trials, key=lambda t: t[0])
        if found <= best:
            break
        best, w[f] = found, c
    return w


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: the product's default database)")
    parser.add_argument("--exclude", default="everyday10", help="question files not to open (name prefix)")
    args = parser.parse_args(argv)
    with Session(connect(args.db)) as session:
        questions = collect(SearchIndex.build(session, asked=()), session, development_sets(args.exclude), DEPTH)
    data = Padded(questions)
    score_only = np.zeros(len(FEATURES))
    score_only[BASE] = 1.0

    def cv(model_for, scores_for) -> list[tuple[int, int]]:
        return [(data.found(test, data.xs[test] @ score_only), data.found(test, scores_for(test, model_for(train))))
                for _, train, test in folds(data)]

    print(f"{len(questions)} single-clause questions, first {DEPTH} passage hits")
    for l2 in (0.001, 0.01, 0.1, 1.0):
        report(f"pairwise logistic, L2 {l2}", cv(lambda tr, l2=l2: pairwise(data, tr, l2),
                                                lambda te, w: data.xs[te] @ w))
    for l2 in (0.01, 0.1, 1.0):
        report(f"listwise within each document's places, L2 {l2}", within_documents(data, questions, l2))
    for rounds in (10, 30, 100):
        report(f"boosted stumps, {rounds} rounds", cv(lambda tr, r=rounds: stumps(data, tr, r),
                                                     lambda te, m: stump_scores(data, te, m)))
    report("forward selection of <= 3 features in each fold", cv(lambda tr: forward(data, tr),
                                                                 lambda te, w: data.xs[te] @ w))
    print("each feature alone, added to the score (weight chosen on the other sets):")
    for f, name in enumerate(FEATURES):
        if f == BASE:
            continue

        def one(train: np.ndarray, f: int = f) -> np.ndarray:
            trials = [(data.found(train, data.xs[train][..., BASE] + c * data.xs[train][..., f]), -abs(c), c)
                      for c in (0.0, *WEIGHTS)]
            w = score_only.copy()
            w[f] = max(trials)[2]
            return w

        report(f"  {name}", cv(one, lambda te, w: data.xs[te] @ w))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
