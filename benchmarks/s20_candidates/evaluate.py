"""Replay the clause view's candidates (first 100 by words, each fold's field without its set) and re-rank them
with each model given: fused as shipped (RRF), by a learned rank prior + cosine (if the model has one), alone."""
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import jieba  # noqa: E402
import numpy as np  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.loso import FOLDS, Folds  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.encoder import PartEncoder  # noqa: E402
from kuaiban.library.search import SearchIndex, _tokens, _top  # noqa: E402


def top5(order, key, right):
    seen, shown = set(), []
    for i in order:
        if key[i] not in seen:
            seen.add(key[i])
            shown.append(i)
            if len(shown) == 5:
                break
    return any(right[i] for i in shown)


def main(paths):
    jieba.setLogLevel(60)
    with Session(connect(None)) as session:
        folds = Folds.load(session, SearchIndex.build(session, asked=(), encoder=None))
    idx = folds.index
    rows = []
    for fold in FOLDS:
        idx.asked = folds.field(fold)
        for q in folds.sets[fold]:
            if not q.get("clause"):
                continue
            exp = folds.expected[fold][q["id"]]
            query = idx.pinyin.read(q["question"].strip()) or q["question"].strip()
            ranked = idx._ranked_passages(idx._scored(query, None, None, None, None, None, dt.date.today()))
            order = [int(p) for p in _top(ranked, 100) if ranked[p] > 0]
            right = []
            for p in order:
                ps = idx.passages[p]
                line = folds.lines.get((idx.docs[ps.doc].id, q["clause"]))
                right.append(idx.docs[ps.doc].id in exp and line is not None and ps.start_line <= line <= ps.end_line)
            rows.append((query, order, [idx._passage_key[p] for p in order], right))
    print("words alone", sum(top5(range(len(o)), k, r) for _, o, k, r in rows))
    for path in paths:
        enc = PartEncoder.load(Path(path))
        with np.load(path) as z:
            prior = z.get("rank_prior")
            tau = float(z["tau"]) if "tau" in z else 0.05
        idx.encoder, idx._part_vectors = enc, None
        vectors = idx.part_vectors()
        out = {"fused": 0, "prior": 0, "alone": 0}
        for query, order, key, right in rows:
            n, head = len(order), min(40, len(order))
            cos = vectors[order[:head]] @ enc.question(_tokens(query), query)
            rank = np.empty(head, int)
            rank[np.argsort(-cos, kind="stable")] = np.arange(head)
            fused = [1 / (20 + i) + 0.5 / (20 + rank[i]) for i in range(head)] + [1 / (20 + i) for i in range(head, n)]
            out["fused"] += top5(sorted(range(n), key=lambda i: -fused[i]), key, right)
            out["alone"] += top5(sorted(range(head), key=lambda i: -cos[i]), key, right)
            if prior is not None:
                s = [prior[i] + cos[i] / tau for i in range(head)] + [-1e9 - i for i in range(head, n)]
                out["prior"] += top5(sorted(range(n), key=lambda i: -s[i]), key, right)
        print(path, out, "of", len(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
