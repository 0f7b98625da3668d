"""Which part answers a question: a learned question ↔ part model (学得的问句—条款模型, session 19).

The library's ranking is lexical: a part is found by the words it prints, its headings, the questions asked and
the editors' questions about it. What no word count knows is which of a document's parts a question *asks for*
when the question shares its words with all of them ("申请交到哪一级、要准备些什么" → the part listing the
materials, not the parts on conditions or on the award). The editors' questions (data/editors_questions.json) are
22,768 such pairs, question in the asker's words → the part that answers it. A dual encoder learned from them maps
a question and a part to 64 numbers each; their cosine says how well the part answers the question:

* a text is its words (as the index cuts them), its two-character pieces and, for a part, its document title's
  two-character pieces, each a learned vector; a text's vector is their sum / √n, projected (one matrix for
  questions, one for parts) and normalised;
* learned by ``benchmarks/train_part_encoder.py`` (PyTorch, not a dependency of the product) with the document's
  other parts as the negatives to beat; the weights ship in ``data/part_encoder.npz`` with their provenance.
  Nothing is downloaded or learned at run time: this module only multiplies (NumPy).

Search uses it for clause hits only (``per_document=False``): the first :data:`FUSION_CANDIDATES` clauses as
ranked by words are re-ranked by reciprocal rank fusion of the two orders (:func:`fuse`). Measured leaving one
question set out, and on a held-out set: docs/BENCHMARKS.md, session 19.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kuaiban.config import DATA

MODEL = DATA / "part_encoder.npz"
FUSION_CANDIDATES = 40  # clause hits re-ranked: the first 40 by words
FUSION_K = 20  # reciprocal rank fusion: 1 / (k + rank by words) + a / (k + rank by the model)
FUSION_MODEL_WEIGHT = 0.5  # a
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_CHUNK = 200_000  # features summed at a time (a chunk's vectors: 200,000 × 64 floats)


def pieces(text: str) -> list[str]:
    """The text's two-character pieces, inside runs of Chinese characters."""
    return [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def question_features(tokens: Sequence[str], text: str) -> list[str]:
    return ["w:" + t for t in tokens] + ["b:" + b for b in pieces(text)]


def part_features(tokens: Sequence[str], text: str, title: str) -> list[str]:
    return ["w:" + t for t in tokens] + ["b:" + b for b in pieces(text)] + ["t:" + b for b in pieces(title)]


class PartEncoder:
    """The learned model: feature vectors and the two projections, read from ``data/part_encoder.npz``."""

    def __init__(self, features: Sequence[str], vectors: np.ndarray, question_projection: np.ndarray,
                 part_projection: np.ndarray, provenance: dict | None = None, digest: str = ""):
        self.index = {f: i for i, f in enumerate(features)}
        # what the model is (its file's SHA-256), for parts' vectors kept between processes
        self.digest = digest or hashlib.sha256(np.ascontiguousarray(vectors, dtype=np.float32).tobytes()).hexdigest()
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.question_projection = np.asarray(question_projection, dtype=np.float32)
        self.part_projection = np.asarray(part_projection, dtype=np.float32)
        self.provenance = provenance or {}

    @classmethod
    def load(cls, path: Path = MODEL) -> PartEncoder:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with np.load(path, allow_pickle=False) as z:
            # vectors are stored as bytes, each row with its scale (a quarter of the floats' size; the same
            # ranks on the question sets, docs/BENCHMARKS.md)
            vectors = z["vectors"].astype(np.float32) * z["scales"][:, None]
            return cls(z["features"].tolist(), vectors, z["question_projection"], z["part_projection"],
                       json.loads(str(z["provenance"])), digest)

    @property
    def dim(self) -> int:
        return self.part_projection.shape[0]

    def _ids(self, features: list[str]) -> list[int]:
        index = self.index
        return [i for i in map(index.get, features) if i is not None]

    def question(self, tokens: Sequence[str], text: str) -> np.ndarray:
        ids = self._ids(question_features(tokens, text))
        v = self.vectors[ids].sum(axis=0) / np.sqrt(max(len(ids), 1))
        v = self.question_projection @ v
        return v / (np.linalg.norm(v) + 1e-9)

    def parts(self, rows: Sequence[tuple[Sequence[str], str, str]]) -> np.ndarray:
        """Each part's unit vector, from (tokens, text, document title)."""
        ids: list[int] = []
        counts = np.zeros(len(rows), dtype=np.int64)
        for n, (tokens, text, title) in enumerate(rows):
            mine = self._ids(part_features(tokens, text, title))
            ids.extend(mine)
            counts[n] = len(mine)
        flat = np.asarray(ids, dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        out = np.zeros((len(rows), self.vectors.shape[1]), dtype=np.float32)
        a = 0
        while a < len(rows):  # parts whose features fill a chunk, summed with one reduceat
            b = int(np.searchsorted(starts, starts[a] + _CHUNK, side="right"))
            b = max(b, a + 1)
            has = np.flatnonzero(counts[a:b]) + a
            if has.size:
                lo, hi = int(starts[a]), int(starts[b - 1] + counts[b - 1])
                out[has] = np.add.reduceat(self.vectors[flat[lo:hi]], starts[has] - lo, axis=0)
            a = b
        out /= np.sqrt(np.maximum(counts, 1))[:, None]
        out = out @ self.part_projection.T
        return out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-9)


def fuse(word_order: Sequence[int], model_scores: np.ndarray, k: float = FUSION_K,
         weight: float = FUSION_MODEL_WEIGHT) -> dict[int, float]:
    """Reciprocal rank fusion (Cormack et al. 2009) of the clauses in ``word_order`` (best first) with their
    order by ``model_scores`` (indexed by clause): 1 / (k + rank by words) + weight / (k + rank by the model)."""
    by_model = sorted(word_order, key=lambda p: -model_scores[p])
    model_rank = {p: r for r, p in enumerate(by_model)}
    return {p: 1.0 / (k + r) + weight / (k + model_rank[p]) for r, p in enumerate(word_order)}
