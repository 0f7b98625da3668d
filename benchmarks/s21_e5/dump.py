"""Dump the clause view's candidates per leave-one-set-out question (as s20_candidates/evaluate.py replays them)
with the shipped fused order, so other judges can be tried offline."""
import datetime as dt
import pickle
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


def main(out):
    jieba.setLogLevel(60)
    with Session(connect(None)) as session:
        folds = Folds.load(session, SearchIndex.build(session, asked=(), encoder=None))
    idx = folds.index
    enc = PartEncoder.load()
    idx.encoder, idx._part_vectors = enc, None
    vectors = idx.part_vectors()
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
            head = min(40, len(order))
            cos = vectors[order[:head]] @ enc.question(_tokens(query), query) if head else np.zeros(0)
            rows.append(dict(fold=fold, id=q["id"], question=q["question"], query=query, order=order,
                             key=[idx._passage_key[p] for p in order], right=right,
                             score=[float(ranked[p]) for p in order], cos=cos.tolist(),
                             doc=[idx.passages[p].doc for p in order]))
    texts = [(p.text, idx.docs[p.doc].title, p.unit, p.article, p.attachment) for p in idx.passages]
    with open(out, "wb") as f:
        pickle.dump({"rows": rows, "texts": texts}, f)
    print(len(rows), "rows;", len(texts), "passages")


if __name__ == "__main__":
    main(sys.argv[1])
