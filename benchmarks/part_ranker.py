"""Which of the found parts answers: a linear re-ranker over the first passage hits (issue 14 item 3).

The passage hits (``SearchIndex.search(..., per_document=False)``) are ranked by a part's own words plus half its
document's score. When the right document is found, the part that answers is often behind the same document's
other parts (everyday9: 12 of 13 clause misses). The re-ranker reorders the first :attr:`PartRanker.depth`
hits by a linear score over features of each hit — its scores relative to the other hits, how much of the
question its own text, its heading line and its parents' headings print, its depth and place in its document —
fitted on the development questions (``data/eval``) by ``benchmarks/fit_part_ranker.py``, which writes the
weights as a data file with the sets, date and command that fitted them. Documents are never reordered by it:
one hit per document (``per_document=True``) is unchanged.

Session 15 (docs/BENCHMARKS.md): fitted and cross-validated leaving one development set out, no such ranker
(listwise or pairwise, linear or boosted stumps, 10–30 hits deep) gained on the sets it was not fitted on, so
none is used. The session's fit is kept, ``benchmarks/part_ranker_s15.json``, for ``benchmarks/search_eval.py`` to
report beside the shipped ranking. Session 16 refitted it on ten sets (everyday10 added), leaving one out: 461 →
462 of 582, not adopted; the module left the product (``kuaiban/library``) for ``benchmarks/``: search has no
re-ranking hook, and :class:`RankedIndex` (a :class:`~kuaiban.library.search.SearchIndex` whose passage hits
a ranker reorders) is what the benchmarks measure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kuaiban.library.search import SearchIndex
from kuaiban.library.tokenize import STOPWORDS, normalize_text

if TYPE_CHECKING:  # pragma: no cover
    from kuaiban.library.search import _Scored


FEATURES: tuple[str, ...] = (
    "score_rel",  # its passage-hit score / the first hit's
    "log_rank",  # log(1 + its place among the hits)
    "part_rel",  # its part score (damped words, characters, 词林, question form) / the best of the hits
    "words_rel",  # BM25 of the question's words / the best of the hits
    "chars_rel",  # BM25 of the question's characters / the best of the hits
    "common_share",  # share of its word score carried by words most of its document's parts print
    "doc_rel",  # its document's score / the best of the hits'
    "doc_rank",  # log(1 + its document's place among the hits' documents)
    "rank_in_doc",  # log(1 + its place among the hits of its own document)
    "part_rel_in_doc",  # its part score / the best part score of its document among the hits
    "cover_words",  # idf-weighted share of the question's own words in the indexed part (text + parents' headings)
    "cover_text",  # … printed in its own text
    "cover_context",  # … only in its parents' headings
    "cover_heading",  # … printed in its heading line (the first line, up to 。 or ：)
    "cover_chars",  # share of the question's characters printed in its text
    "cover_all",  # weighted share of every query term (translations at their weights) in the indexed part
    "depth",  # numbering levels of its label (一 1, 一（二） 2, 一（二）3. 3; articles and runs 0)
    "is_article",  # 第X条
    "is_unnumbered",  # a run outside the numbered parts (title, addressees, preamble, closing)
    "is_paragraph",  # a paragraph cited as 第N段 (a document without numbered parts)
    "in_attachment",
    "log_chars",  # log of its length in characters
    "position",  # its place in its document, 0 (first) to 1 (last)
    "has_children",  # the next passage is one of its sub-items
    "one_line",  # a single line of at most 40 characters (a title, an attachment's name)
    "cover_or_list",  # the cover sentence (印发给你们) or the attachment list (附件：…)
    "cover_bigrams",  # share of the question's two-character pieces printed in its text
    "cover_trigrams",  # share of the question's three-character pieces printed in its text
    "amount_match",  # the question asks how much (多少, 标准, 最高) and the part prints an amount (元, %, 倍)
    "time_match",  # the question asks when or how long and the part prints a date or a period
    "how_match",  # the question asks how to apply or what to hand in and the part prints 申请, 材料, 办理
    "condition_match",  # the question asks whether or on what conditions and the part prints 条件, 符合, 满
)

_LEVEL = re.compile(r"（[一二三四五六七八九十百]+）|（\d+）|\d+[.．、]|^[一二三四五六七八九十百]+")
_QUOTED = re.compile(r"^“[^”]*”")  # a box's or a run's title before the numbering (“专栏2”一1.)
_HEADING_END = re.compile(r"[。：:]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
# what a question asks, by its form, and what a part answering it prints: generic, the same for every document
ASKS: tuple[tuple[re.Pattern, re.Pattern], ...] = (
    (re.compile(r"多少|几[个块千万]|标准|额度|金额|最多|最高|最低|比例|补[多几]"),
     re.compile(r"\d\s*(?:元|万元|%|％|倍|个百分点)|[一二三四五六七八九十百千万]+元")),
    (re.compile(r"什么时候|哪天|多久|多长时间|期限|几年|几个月|截止|到期|到哪年|时间"),
     re.compile(r"\d{4}\s*年|\d+\s*月|\d+\s*日|\d+\s*个月|\d+\s*年|[一二三四五六七八九十]+个?月")),
    (re.compile(r"怎么[办申报领弄操交查]|如何|流程|手续|材料|去哪|在哪|哪里|网上"),
     re.compile(r"申请|申报|材料|办理|提交|经办|程序|流程")),
    (re.compile(r"能不能|能否|可不可以|可以吗|能吗|算不算|条件|资格|符合|要求"),
     re.compile(r"条件|符合|满\d|以上|不得|应当|须")),
)


@dataclass(frozen=True)
class PartRanker:
    """Linear scores over standardised features; the first ``depth`` passage hits are reordered by them."""

    depth: int
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    provenance: dict

    def scores(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.weights

    def order(self, x: np.ndarray) -> list[int]:
        """Rows of ``x`` (hits in score order) best first; equal scores keep their order."""
        return np.argsort(-self.scores(x), kind="stable").tolist()

    def to_json(self) -> dict:
        return {"depth": self.depth, "features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "weights": self.weights.round(6).tolist(),
                "provenance": self.provenance}

    @classmethod
    def from_json(cls, data: dict) -> PartRanker:
        features = tuple(data["features"])
        if features != FEATURES:
            raise ValueError(f"part ranker weights are for features {features}, the code computes {FEATURES}")
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "weights")]
        if any(a.shape != (len(FEATURES),) for a in arrays):
            raise ValueError("part ranker weights: one mean, scale and weight per feature")
        return cls(int(data["depth"]), features, *arrays, provenance=dict(data.get("provenance", {})))


def load(path: Path) -> PartRanker:
    """A fitted ranker from its weights file (``benchmarks/fit_part_ranker.py --write``)."""
    return PartRanker.from_json(json.loads(path.read_text(encoding="utf-8")))


def unit_depth(label: str | None) -> int:
    """Numbering levels of a part's label (its attachment is a field of its own): 一 → 1, 一（二） → 2,
    二（二）4. → 3, “专栏2”一1. → 2."""
    if not label:
        return 0
    return len(_LEVEL.findall(_QUOTED.sub("", label)))


def _static(index: SearchIndex) -> np.ndarray:
    """Per passage, the features that do not depend on the question (computed once per index)."""
    cached = getattr(index, "_part_static", None)
    if cached is not None:
        return cached
    passages = index.passages
    rows = np.zeros((len(passages), 9), dtype=np.float64)
    for i, p in enumerate(passages):
        run_start = int(index._first_passage[p.doc])
        run_len = float(index._run_length[p.doc])
        nxt = passages[i + 1] if i + 1 < len(passages) else None
        children = bool(p.unit and nxt is not None and nxt.doc == p.doc and nxt.unit and nxt.attachment == p.attachment
                        and len(nxt.unit) > len(p.unit) and nxt.unit.startswith(p.unit))
        text = p.text.strip()
        numbered = p.unit is not None or p.article is not None
        rows[i] = (
            0 if p.article is not None or (p.anchor or "").startswith("p") else unit_depth(p.unit),
            p.article is not None,
            not numbered,
            (p.anchor or "").startswith("p"),
            p.attachment is not None,
            math.log(1 + len(text)),
            (i - run_start) / max(run_len - 1, 1.0),
            children,
            "\n" not in text and len(text) <= 40,
        )
    index._part_static = rows
    return rows


def _texts(index: SearchIndex, p: int) -> tuple[str, str]:
    """A passage's text and heading line as matched (normalised), computed once per passage."""
    cache = index.__dict__.setdefault("_part_texts", {})
    found = cache.get(p)
    if found is None:
        text = index.passages[p].text.strip()
        first = text.split("\n", 1)[0]
        cut = _HEADING_END.search(first)
        found = cache[p] = (normalize_text(text), normalize_text(first[:cut.start()] if cut else first))
    return found


def _in_postings(index: SearchIndex, term: int, top: np.ndarray) -> np.ndarray:
    ids = index._passage_post.ids.get(term)
    if ids is None:
        return np.zeros(top.size, dtype=bool)
    at = np.minimum(np.searchsorted(ids, top), ids.size - 1)
    return ids[at] == top


def _ratio(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def s_query(s: _Scored) -> str:
    return normalize_text(s.query)


def _pieces(query: str, n: int) -> set[str]:
    """The question's n-character pieces inside its runs of Chinese characters, those not all stopwords."""
    return {run[i:i + n] for run in _CJK_RUN.findall(query) for i in range(len(run) - n + 1)
            if not all(c in STOPWORDS for c in run[i:i + n])}


def part_features(index: SearchIndex, s: _Scored, ranked: np.ndarray, top: list[int]) -> np.ndarray:
    """The :data:`FEATURES` of passage hits ``top`` (in score order) for the question scored in ``s``."""
    at = np.asarray(top, dtype=np.int64)
    n = at.size
    docs = index._passage_doc[at]
    raw = s.passage_scores[at].astype(np.float64)
    part = s.part_scores[at].astype(np.float64)
    doc_scores = s.doc_scores[docs].astype(np.float64)
    doc_order = {d: k for k, d in enumerate(dict.fromkeys(docs.tolist()))}
    seen: dict[int, int] = {}
    rank_in_doc = np.zeros(n)
    best_in_doc: dict[int, float] = {}
    for k, d in enumerate(docs.tolist()):
        rank_in_doc[k] = seen.get(d, 0)
        seen[d] = seen.get(d, 0) + 1
        best_in_doc[d] = max(best_in_doc.get(d, 0.0), float(part[k]))

    n_pass = max(len(index.passages), 1)

    def idf(t: int) -> float:
        df = index._passage_df.get(t, 0)
        return math.log(1.0 + (n_pass - df + 0.5) / (df + 0.5))

    own = [t for t, w in s.terms.items() if w >= 1.0]
    own_idf = np.array([idf(t) for t in own])
    all_w = np.array([w * idf(t) for t, w in s.terms.items()])
    in_tokens = np.array([_in_postings(index, t, at) for t in s.terms], dtype=bool).reshape(len(s.terms), n)
    own_rows = np.array([w >= 1.0 for w in s.terms.values()], dtype=bool)
    texts = [_texts(index, p) for p in top]
    own_words = [index._terms[t] for t in own]
    in_text = np.array([[w in text for text, _ in texts] for w in own_words], dtype=bool).reshape(len(own), n)
    in_head = np.array([[w in head for _, head in texts] for w in own_words], dtype=bool).reshape(len(own), n)
    total_own = float(own_idf.sum()) or 1.0
    cover_words = own_idf @ in_tokens[own_rows] / total_own if own else np.zeros(n)
    cover_text = own_idf @ in_text / total_own if own else np.zeros(n)
    cover_head = own_idf @ in_head / total_own if own else np.zeros(n)
    cover_all = all_w @ in_tokens / (float(all_w.sum()) or 1.0) if s.terms else np.zeros(n)
    chars = {c for w in own_words for c in _CJK.findall(w) if len(w) >= 2 or c not in STOPWORDS}
    cover_chars = np.array([sum(c in text for c in chars) / len(chars) if chars else 0.0 for text, _ in texts])
    cover_or_list = np.array([("印发给你们" in text) or (text.startswith("附件") and len(text) <= 120)
                              for text, _ in texts], dtype=np.float64)
    grams2, grams3 = _pieces(s_query(s), 2), _pieces(s_query(s), 3)
    cover_2 = np.array([sum(g in text for g in grams2) / len(grams2) if grams2 else 0.0 for text, _ in texts])
    cover_3 = np.array([sum(g in text for g in grams3) / len(grams3) if grams3 else 0.0 for text, _ in texts])
    query = s_query(s)
    asks = [[float(bool(answer.search(text))) if ask.search(query) else 0.0 for text, _ in texts]
            for ask, answer in ASKS]
    static = _static(index)[at]
    with np.errstate(divide="ignore", invalid="ignore"):
        common_share = np.where(raw > 0, s.common[at] / np.where(raw > 0, raw, 1.0), 0.0)
        part_in_doc = np.array([part[k] / best_in_doc[d] if best_in_doc[d] > 0 else 0.0
                                for k, d in enumerate(docs.tolist())])
    columns = [
        _ratio(ranked[at].astype(np.float64)),
        np.log1p(np.arange(n, dtype=np.float64)),
        _ratio(part),
        _ratio(raw),
        _ratio(s.chars[at].astype(np.float64)),
        common_share,
        _ratio(doc_scores),
        np.log1p(np.array([doc_order[d] for d in docs.tolist()], dtype=np.float64)),
        np.log1p(rank_in_doc),
        part_in_doc,
        cover_words,
        cover_text,
        np.maximum(cover_words - cover_text, 0.0),
        cover_head,
        cover_chars,
        cover_all,
    ]
    if not n:
        return np.zeros((0, len(FEATURES)))
    x = np.column_stack([*columns, static, cover_or_list, cover_2, cover_3, *map(np.array, asks)])
    assert x.shape[1] == len(FEATURES)
    return x


class RankedIndex(SearchIndex):
    """The library's index with a part ranker: passage hits by score, then the first ``part_ranker.depth``
    reordered by it (one hit per document, ``per_document=True``, is unchanged). Without a ranker it ranks as
    :class:`SearchIndex` does."""

    def __init__(self, *args, part_ranker: PartRanker | None = None, **options):
        super().__init__(*args, **options)
        self.part_ranker = part_ranker or None

    def _passage_candidates(self, s: _Scored, limit: int) -> tuple[np.ndarray, list[int]]:
        ranked, top = super()._passage_candidates(s, limit)
        ranker = self.part_ranker
        if ranker is None:
            return ranked, top
        top = self._distinct_top(ranked, max(limit, ranker.depth))
        head, tail = top[:ranker.depth], top[ranker.depth:]
        if len(head) > 1:
            order = ranker.order(part_features(self, s, ranked, head))
            head = [head[i] for i in order]
        return ranked, (head + tail)[:limit]


def passage_features(index: SearchIndex, query: str, depth: int, *, as_of: dt.date | None = None
                     ) -> tuple[list[int], np.ndarray]:
    """The first ``depth`` passage hits by score (before any part ranker) and their :data:`FEATURES`: what the
    part ranker is fitted on."""
    s = index._scored(query.strip(), None, None, None, None, None, as_of or dt.date.today())
    ranked = index._ranked_passages(s)
    top = index._distinct_top(ranked, depth)
    return top, part_features(index, s, ranked, top)
