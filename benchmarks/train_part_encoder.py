"""Learn the question ↔ part model (kuaiban.library.encoder) from the editors' questions; write data/part_encoder.npz.

Two steps, because PyTorch is not a dependency of the product (it only multiplies the learned weights):

    PYTHONPATH=. .venv/bin/python benchmarks/train_part_encoder.py export /tmp/part_pairs.json
    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy==2.4.6
    /tmp/torchenv/bin/python benchmarks/train_part_encoder.py train /tmp/part_pairs.json data/part_encoder.npz

``export`` reads the library (``--db``, default the project's database) and the editors' questions
(data/editors_questions.json), resolved to their parts as the questions-asked field resolves them, and writes
every part's words, text and document title, and every (question, part) pair. ``train`` learns the dual encoder:

* a text's features are its words (the index's cut, ``Passage.tokens`` for a part: its text and its headings'
  opening lines), its two-character pieces and, for a part, its document title's pieces; features seen fewer than
  ``--min-count`` times are dropped; each feature a vector of ``--dim`` numbers; a text's vector their sum / √n,
  projected by a question or a part matrix (identity at the start), normalised;
* a batch of 256 questions; the candidates: their parts, ``--siblings`` random other parts of each part's
  document (the choice search has to make), 256 random parts; softmax over the cosines / 0.05 (the question's
  other parts masked), Adam at 3e-3, ``--epochs`` passes, seeded (torch, random, NumPy: 0) with two threads.

Only the editors' questions are learned from, never an evaluation set's, so leaving a question set out stays
honest (benchmarks/s19_encoder.py) and the held-out sets are not seen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export(out: Path, db: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    import jieba
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kuaiban.db import connect
    from kuaiban.library import asked
    from kuaiban.library.models import Passage
    from kuaiban.library.search import SearchIndex, tokenize

    jieba.setLogLevel(60)
    with Session(connect(db)) as session:
        index = SearchIndex.build(session, asked=())
        raw = asked.load_editors()
        resolved = asked.resolve(raw, index.docs, index.passages, asked.clause_lines(session), tokenize)
        tokens = [row.tokens.split() for row in session.execute(
            select(Passage.document_id, Passage.tokens).order_by(Passage.document_id, Passage.position))]
    assert len(resolved) == len(raw) and len(tokens) == len(index.passages)
    parts = [{"doc": p.doc, "tokens": t, "text": p.text, "title": index.docs[p.doc].title}
             for p, t in zip(index.passages, tokens, strict=True)]
    pairs = [{"tokens": list(q.tokens), "text": r.question, "parts": sorted(q.passages)}
             for r, q in zip(raw, resolved, strict=True) if q.passages]
    out.write_text(json.dumps({"parts": parts, "pairs": pairs}, ensure_ascii=False), encoding="utf-8")
    print(f"{len(parts)} parts, {len(pairs)} pairs of {len(raw)} editors' questions → {out}")


def train(data_path: Path, out: Path, dim: int, min_count: int, epochs: int, siblings: int) -> None:
    import numpy as np
    import torch
    import torch.nn.functional as F

    sys.path.insert(0, str(ROOT))
    from kuaiban.library.encoder import part_features, question_features  # no database, no jieba: pure text

    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    torch.set_num_threads(2)
    data = json.loads(data_path.read_text(encoding="utf-8"))
    parts, pairs = data["parts"], data["pairs"]
    part_f = [part_features(p["tokens"], p["text"], p["title"]) for p in parts]
    question_f = [question_features(q["tokens"], q["text"]) for q in pairs]
    seen: Counter[str] = Counter()
    for fs in part_f + question_f:
        seen.update(set(fs))
    features = sorted(f for f, c in seen.items() if c >= min_count)
    vocab = {f: i for i, f in enumerate(features)}
    part_ids = [[vocab[f] for f in fs if f in vocab] for fs in part_f]
    question_ids = [[vocab[f] for f in fs if f in vocab] for fs in question_f]

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.vectors = torch.nn.EmbeddingBag(len(vocab), dim, mode="sum")
            torch.nn.init.normal_(self.vectors.weight, std=0.1)
            self.question = torch.nn.Linear(dim, dim, bias=False)
            self.part = torch.nn.Linear(dim, dim, bias=False)
            torch.nn.init.eye_(self.question.weight)
            torch.nn.init.eye_(self.part.weight)

        def bag(self, lists: list[list[int]]) -> torch.Tensor:
            flat = torch.tensor([i for ids in lists for i in ids], dtype=torch.long)
            offsets = torch.tensor(np.cumsum([0] + [len(ids) for ids in lists[:-1]]), dtype=torch.long)
            n = torch.tensor([max(len(ids), 1) for ids in lists], dtype=torch.float32)
            return self.vectors(flat, offsets) / n.sqrt()[:, None]

        def encode(self, lists: list[list[int]], projection: torch.nn.Linear) -> torch.Tensor:
            return F.normalize(projection(self.bag(lists)), dim=-1)

    model = Encoder()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    by_doc: dict[int, list[int]] = {}
    for i, p in enumerate(parts):
        by_doc.setdefault(p["doc"], []).append(i)
    order = list(range(len(pairs)))
    started = time.time()
    for epoch in range(epochs):
        random.shuffle(order)
        total = 0.0
        for s in range(0, len(order), 256):
            batch = order[s:s + 256]
            positive = [random.choice(pairs[i]["parts"]) for i in batch]
            candidates = list(dict.fromkeys(positive))
            for p in positive:
                family = by_doc[parts[p]["doc"]]
                candidates += random.sample(family, min(siblings, len(family)))
            candidates += random.sample(range(len(parts)), 256)
            candidates = list(dict.fromkeys(candidates))
            where = {c: k for k, c in enumerate(candidates)}
            logits = model.encode([question_ids[i] for i in batch], model.question) @ \
                model.encode([part_ids[c] for c in candidates], model.part).T / 0.05
            mask = torch.zeros_like(logits, dtype=torch.bool)
            for row, i in enumerate(batch):
                for g in pairs[i]["parts"]:
                    if g in where and g != positive[row]:
                        mask[row, where[g]] = True
            loss = F.cross_entropy(logits.masked_fill(mask, -1e4), torch.tensor([where[p] for p in positive]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += loss.item() * len(batch)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / len(order):.3f}", flush=True)
    provenance = {
        "command": "benchmarks/train_part_encoder.py", "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "pairs": len(pairs), "parts": len(parts), "features": len(features), "dim": dim, "min_count": min_count,
        "epochs": epochs, "siblings": siblings, "torch": torch.__version__, "seconds": round(time.time() - started),
        "learned_from": "data/editors_questions.json (editors' questions only; no evaluation set)",
    }
    # each vector in bytes with its row's scale: a quarter of the floats' size, the same ranks on the question
    # sets (docs/BENCHMARKS.md, session 19)
    vectors = model.vectors.weight.detach().numpy()
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127
    np.savez_compressed(
        out, features=np.array(features), vectors=np.round(vectors / scales[:, None]).astype(np.int8),
        scales=scales.astype(np.float32),
        question_projection=model.question.weight.detach().numpy(), part_projection=model.part.weight.detach().numpy(),
        provenance=np.array(json.dumps(provenance, ensure_ascii=False)))
    print(f"{len(features)} features × {dim} → {out} ({out.stat().st_size / 1e6:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    e = sub.add_parser("export")
    e.add_argument("out", type=Path)
    e.add_argument("--db")
    t = sub.add_parser("train")
    t.add_argument("data", type=Path)
    t.add_argument("out", type=Path)
    t.add_argument("--dim", type=int, default=64)
    t.add_argument("--min-count", type=int, default=2)
    t.add_argument("--epochs", type=int, default=6)
    t.add_argument("--siblings", type=int, default=8)
    args = parser.parse_args(argv)
    if args.step == "export":
        export(args.out, args.db)
    else:
        train(args.data, args.out, args.dim, args.min_count, args.epochs, args.siblings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
