"""Train the part encoder on the word search's candidates as well (PyTorch 2.13.0, in its own venv).

The original loss of benchmarks/train_part_encoder.py (the part against its document's siblings and random parts)
plus a listwise loss over each editors' question's first 40 candidates by words (mine.py): score = prior[word rank]
+ cosine / tau, the prior learned. Usage: ``train.py OUT.npz [--epochs N] [--cands FILE] [--pairs FILE]``.
"""

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from kuaiban.library.encoder import part_features, question_features


def bag_ids(features, vocab):
    return [vocab[f] for f in features if f in vocab]


class Encoder(torch.nn.Module):
    def __init__(self, n_features: int, dim: int, n_candidates: int):
        super().__init__()
        self.vectors = torch.nn.EmbeddingBag(n_features, dim, mode="sum")
        torch.nn.init.normal_(self.vectors.weight, std=0.1)
        self.question = torch.nn.Linear(dim, dim, bias=False)
        self.part = torch.nn.Linear(dim, dim, bias=False)
        torch.nn.init.eye_(self.question.weight)
        torch.nn.init.eye_(self.part.weight)
        self.prior = torch.nn.Parameter(torch.tensor([20.0 / (20 + r) for r in range(n_candidates)]))

    def encode(self, lists, projection):
        flat = torch.tensor([i for ids in lists for i in ids], dtype=torch.long)
        offsets = torch.tensor(np.cumsum([0] + [len(ids) for ids in lists[:-1]]), dtype=torch.long)
        n = torch.tensor([max(len(ids), 1) for ids in lists], dtype=torch.float32)
        return F.normalize(projection(self.vectors(flat, offsets) / n.sqrt()[:, None]), dim=-1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--tau", type=float, default=0.05)
    ap.add_argument("--cands", type=Path, default=Path("/tmp/s20_cands.json"))
    ap.add_argument("--pairs", type=Path, default=Path("/tmp/part_pairs.json"))
    args = ap.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    torch.set_num_threads(2)
    data = json.loads(args.pairs.read_text(encoding="utf-8"))
    parts, pairs = data["parts"], data["pairs"]
    cands = json.loads(args.cands.read_text(encoding="utf-8"))
    part_f = [part_features(p["tokens"], p["text"], p["title"]) for p in parts]
    question_f = [question_features(q["tokens"], q["text"]) for q in pairs]
    seen: Counter[str] = Counter()
    for fs in part_f + question_f:
        seen.update(set(fs))
    features = sorted(f for f, c in seen.items() if c >= 2)
    vocab = {f: i for i, f in enumerate(features)}
    part_ids = [bag_ids(fs, vocab) for fs in part_f]
    question_ids = [bag_ids(fs, vocab) for fs in question_f]
    model = Encoder(len(vocab), args.dim, 40)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    by_doc: dict[int, list[int]] = {}
    for i, p in enumerate(parts):
        by_doc.setdefault(p["doc"], []).append(i)
    gold = [set(q["parts"]) for q in pairs]
    order = list(range(len(pairs)))
    started = time.time()
    for epoch in range(args.epochs):
        random.shuffle(order)
        for s in range(0, len(order), 256):
            batch = order[s:s + 256]
            qv = model.encode([question_ids[i] for i in batch], model.question)
            # the original loss: the part against its siblings and random parts
            positive = [random.choice(pairs[i]["parts"]) for i in batch]
            pool = list(dict.fromkeys(positive))
            for p in positive:
                family = by_doc[parts[p]["doc"]]
                pool += random.sample(family, min(8, len(family)))
            pool = list(dict.fromkeys(pool + random.sample(range(len(parts)), 256)))
            where = {c: k for k, c in enumerate(pool)}
            logits = qv @ model.encode([part_ids[c] for c in pool], model.part).T / args.tau
            mask = torch.zeros_like(logits, dtype=torch.bool)
            for row, i in enumerate(batch):
                for g in gold[i]:
                    if g in where and g != positive[row]:
                        mask[row, where[g]] = True
            loss = F.cross_entropy(logits.masked_fill(mask, -1e4), torch.tensor([where[p] for p in positive]))
            # the candidates' loss: among the first 40 by words, with a prior per word rank
            rows = [(r, i) for r, i in enumerate(batch) if any(c in gold[i] for c in cands[i])]
            if rows:
                flat = sorted({c for _, i in rows for c in cands[i]})
                at = {c: k for k, c in enumerate(flat)}
                pv = model.encode([part_ids[c] for c in flat], model.part)
                scores, golds = [], torch.zeros((len(rows), 40), dtype=torch.bool)
                for k, (r, i) in enumerate(rows):
                    listed = cands[i]
                    sc = qv[r] @ pv[[at[c] for c in listed]].T / args.tau + model.prior[:len(listed)]
                    scores.append(F.pad(sc, (0, 40 - len(listed)), value=-1e4))
                    golds[k, :len(listed)] = torch.tensor([c in gold[i] for c in listed])
                table = torch.stack(scores)
                loss = loss + (torch.logsumexp(table, 1) - torch.logsumexp(table.masked_fill(~golds, -1e4), 1)).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        print(f"epoch {epoch + 1}/{args.epochs} ({time.time() - started:.0f} s)", flush=True)
    vectors = model.vectors.weight.detach().numpy()
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127
    np.savez_compressed(
        args.out, features=np.array(features), vectors=np.round(vectors / scales[:, None]).astype(np.int8),
        scales=scales.astype(np.float32), question_projection=model.question.weight.detach().numpy(),
        part_projection=model.part.weight.detach().numpy(), rank_prior=model.prior.detach().numpy(),
        tau=np.array(args.tau), provenance=np.array(json.dumps({"command": "benchmarks/s20_candidates/train.py",
                                                                "epochs": args.epochs})))


if __name__ == "__main__":
    main()
