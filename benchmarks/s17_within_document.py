"""Session 17: which part of a found document answers — leave one question set out.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/s17_within_document.py [--db URL] [--json benchmarks/s17_within_document.json]

Every development set with clauses (everyday, everyday2, everyday3_dev, everyday4–11; ``questions.yaml`` has no
clauses and is only ever in the questions-asked field) is held out in turn. For each fold the questions-asked
field (kuaiban.library.asked) is rebuilt from the OTHER sets only (and questions.yaml), as session 16 did, and
the held-out set's single-clause questions are measured: the clause among the first 5 passage hits
(``SearchIndex.search(q, limit=5, per_document=False)``, as benchmarks/search_eval.py ``clause_in_top``).

Variants (passage hits only; the per-document path is untouched, so Recall@5 is the same for all of them):

* ``local idf w``: + w × BM25 of the question's words with the document's own parts as the collection
  (``WithinDocumentIndex(local_idf_weight=w)``, below);
* ``local idf w, first 3 docs``: the same, only in the parts of the 3 documents scored first;
* ``damping d``: the existing within-document damping (LOCAL_DAMPING 0.3) at d instead;
* ``proximity w``: + w × MinDist proximity among the first 30 passage hits (``WithinDocumentIndex(proximity_weight=w)``);
* ``char damping c``: a part's character score less c × the part carried by characters most of its document's
  parts print (the characters' counterpart of LOCAL_DAMPING);
* ``local idf w instead of a × words``, ``…, question's own words``, ``local idf 1.0 + …``: blends of the above;
* ``characters with parents' headings`` (option 3; the part's WORDS are already indexed with its parents'
  headings at ingest): the part's character score over its headings + its text. This one also changes the
  documents' character score, so Recall@5 is measured for it (``recall5_headed``);
* ``… in-fold``: for each held-out set, the weight of that family best on the other sets' held-out figures;
  ``any variant of this session in-fold``: the best of ALL variants on the other sets (the honest estimate of
  picking the session's best).

``--latency``: only time passage searches with the options off and on (every question × 3 passes).
``--check SET …``: hold out only those sets and compare their figures with the recorded JSON (which is not
rewritten): a quick check that the script still reproduces them.
Results: benchmarks/s17_within_document.json; docs/BENCHMARKS.md, session 17.

Never reads data/eval/everyday12.yaml (the sets are named, not globbed).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import jieba
import numpy as np
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.search_eval import K, clause_lines, resolve_expected  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library import asked as asked_questions  # noqa: E402
from kuaiban.library.asked import AskedField, AskedQuestion  # noqa: E402
from kuaiban.library.models import Document, Passage  # noqa: E402
from kuaiban.library.search import FORM_DOCUMENTS, SearchIndex, _char_postings, _top, tokenize  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from kuaiban.library.search import _Passage, _Scored

# The two options, measured leaving one question set out and NOT adopted (+6 and +4 of 653 single-clause
# questions, below the +8 asked; docs/BENCHMARKS.md, session 17); passage hits only. Which part of a document
# answers, by the question's words weighed by how rare they are AMONG THAT DOCUMENT'S OWN PARTS (BM25 with the
# document's parts as the collection: 失业保险 in every part of a 失业保险 notice says nothing, 路费 in one says
# which part), added to a passage hit's score at LOCAL_IDF_WEIGHT; and a bonus for the question's words close
# together in a part (the nearest two different words, Tao & Zhai's MinDist) at PROXIMITY_WEIGHT. Off by default:
# a WithinDocumentIndex with both at 0 ranks as SearchIndex does. They live here, not in kuaiban/library/search.py
# (as session 15's part ranker lives in benchmarks/part_ranker.py).
LOCAL_IDF_WEIGHT = 0.0
PROXIMITY_WEIGHT = 0.0
PROXIMITY_DEPTH = 30  # the passage hits the proximity bonus may reorder


class WithinDocumentIndex(SearchIndex):
    """The library's index with session 17's two options for choosing the part inside a found document
    (``local_idf_weight``, ``proximity_weight``); they change the passage hits only (``per_document=False``),
    the per-document hits never."""

    def __init__(self, docs, passages: list[_Passage], passage_tokens: list[list[str]], *,
                 local_idf_weight: float = LOCAL_IDF_WEIGHT, proximity_weight: float = PROXIMITY_WEIGHT, **options):
        self._indexed_tokens: list[list[str]] | None = None  # the parts' tokens with their defined long forms
        super().__init__(docs, passages, passage_tokens, **options)
        self.local_idf_weight = local_idf_weight
        self.proximity_weight = proximity_weight
        self._local_post: dict[int, np.ndarray] | None = None  # built on first use (local_idf_weight)
        # each part's tokens in order, as indexed (vocabulary ids), for the proximity bonus only
        tokens = passage_tokens if self._indexed_tokens is None else self._indexed_tokens
        self._passage_ids = [[self.vocab[t] for t in toks] for toks in tokens] if proximity_weight else None
        self._indexed_tokens = None

    def _with_definitions(self, passages: list[_Passage], passage_tokens: list[list[str]]) -> list[list[str]]:
        # keeps what the index was built from (SearchIndex does not keep a part's tokens in order)
        self._indexed_tokens = super()._with_definitions(passages, passage_tokens)
        return self._indexed_tokens

    def local_postings(self) -> dict[int, np.ndarray]:
        """For every (term, passage): the term's saturated frequency in the passage × its idf among the passage's
        document's own parts (a word every part prints weighs ~0 there, a word one part of many prints the most)."""
        if self._local_post is None:
            n = len(self.passages)
            out = {}
            for t, ids in self._part_post.ids.items():
                df = ids.size
                idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
                docs = self._passage_doc[ids]
                local_df = np.bincount(docs, minlength=self._run_length.size)[docs]
                runs = self._run_length[docs]
                local_idf = np.log(1.0 + (runs - local_df + 0.5) / (local_df + 0.5))
                out[t] = (self._part_post.weights[t] / idf * local_idf).astype(np.float32) if idf > 0 else \
                    np.zeros(ids.size, dtype=np.float32)
            self._local_post = out
        return self._local_post

    def _local_scores(self, terms: dict[int, float]) -> np.ndarray:
        local = self.local_postings()
        scores = np.zeros(len(self.passages), dtype=np.float32)
        for t, qw in terms.items():
            ids = self._part_post.ids.get(t)
            if ids is not None:
                scores[ids] += qw * local[t]
        return scores

    def _proximity(self, terms: dict[int, float], passages) -> np.ndarray:
        """For each passage: log(0.3 + e^−d) − log 0.3, d the fewest tokens between two different question words
        in it (0 when it prints fewer than two)."""
        out = np.zeros(len(passages), dtype=np.float32)
        for k, p in enumerate(passages):
            last: dict[int, int] = {}
            best = None
            for pos, t in enumerate(self._passage_ids[p]):
                if t in terms:
                    for u, q in last.items():
                        if u != t and (best is None or pos - q < best):
                            best = pos - q
                    last[t] = pos
            if best is not None:
                out[k] = math.log(0.3 + math.exp(-best)) - math.log(0.3)
        return out

    def _ranked_passages(self, s: _Scored) -> np.ndarray:
        if self.local_idf_weight:
            # which part of its document: the question's words rare among that document's parts
            part = np.where(s.part_scores > 0, s.part_scores + self.local_idf_weight * self._local_scores(s.terms)
                            * self._opening_factor, s.part_scores)
            s = dataclasses.replace(s, part_scores=part)
        return super()._ranked_passages(s)

    def _passage_candidates(self, s: _Scored, limit: int) -> tuple[np.ndarray, list[int]]:
        if not (self.proximity_weight and self._passage_ids is not None):
            return super()._passage_candidates(s, limit)
        ranked = self._ranked_passages(s).copy()
        near = _top(ranked, PROXIMITY_DEPTH)
        if near:
            ranked[near] += self.proximity_weight * self._proximity(s.terms, near)
        return ranked, self._distinct_top(ranked, limit)


EVAL = ROOT / "data" / "eval"
FOLDS = ("everyday", "everyday2", "everyday3_dev", "everyday4", "everyday5", "everyday6", "everyday7",
         "everyday8", "everyday9", "everyday10", "everyday11")
ALWAYS = ("questions",)  # in every fold's field, never held out (no clauses)

VARIANTS: dict[str, dict] = {"now": {}}
for w in (0.25, 0.5, 1.0, 1.5, 2.0, 3.0):
    VARIANTS[f"local idf {w}"] = {"local": w}
for w in (0.5, 1.0, 2.0):
    VARIANTS[f"local idf {w}, first 3 docs"] = {"local": w, "lead": True}
for d in (0.5, 0.7, 1.0):
    VARIANTS[f"damping {d}"] = {"damping": d}
for w in (0.5, 1.0, 2.0, 4.0, 8.0, 16.0):
    VARIANTS[f"proximity {w}"] = {"proximity": w}
for c in (0.3, 0.6, 1.0):
    VARIANTS[f"char damping {c}"] = {"chardamp": c}
for w, c in ((1.0, 0.3), (1.0, 0.6), (1.5, 0.3)):
    VARIANTS[f"local idf {w} + char damping {c}"] = {"local": w, "chardamp": c}
for w in (1.0, 2.0):
    for a in (0.5, 1.0):
        VARIANTS[f"local idf {w} instead of {a} × words"] = {"local": w, "swap": a}
for w in (1.0, 2.0):
    VARIANTS[f"local idf {w}, question's own words"] = {"local": w, "own": True}
for w in (4.0, 8.0):
    VARIANTS[f"local idf 1.0 + proximity {w}"] = {"local": 1.0, "proximity": w}
# option 3: a part's characters with its parents' headings (its words have them already: ingest indexes every
# part with its parents' opening lines); scored with a second character index, so a second _scored per question
HEADING_VARIANTS = {"characters with parents' headings": {}, "characters with parents' headings + local idf 1.0":
                    {"local": 1.0}}
FAMILIES = {"local idf": [k for k in VARIANTS if k.startswith("local idf") and k.split()[2] in
                          ("0.25", "0.5", "1.0", "1.5", "2.0", "3.0") and len(k.split()) == 3],
            "local idf, first 3 docs": [k for k in VARIANTS if "first 3" in k],
            "damping": [k for k in VARIANTS if k.startswith("damping")],
            "proximity": [k for k in VARIANTS if k.startswith("proximity")],
            "char damping": [k for k in VARIANTS if k.startswith("char damping")]}


def char_common(index: WithinDocumentIndex, s) -> np.ndarray:
    """Per passage: the part of its character score carried by characters most of its document's parts print
    (the characters' BM25 × their share among the document's parts), where some word found the document."""
    n = len(index.passages)
    out = np.zeros(n, dtype=np.float32)
    from kuaiban.library.search import STOPWORDS, _tokens
    for c in {c for tok in _tokens(s.query) for c in tok if len(tok) >= 2 or c not in STOPWORDS}:
        post = index._char_post.get(c)
        if post is None:
            continue
        ids, weights = post
        docs = index._passage_doc[ids]
        share = np.bincount(docs, minlength=index._run_length.size)[docs] / index._run_length[docs]
        out[ids] += weights * share
    found = s.doc_scores > 0
    return out * found[index._passage_doc]


def load(name: str) -> list[dict]:
    return yaml.safe_load((EVAL / f"{name}.yaml").read_text(encoding="utf-8"))["questions"]


def passage_top(index: WithinDocumentIndex, s, variant: dict, limit: int = K) -> list[int]:
    index.local_idf_weight = 0.0
    index.proximity_weight = 0.0
    if "damping" in variant:
        delta = variant["damping"] - index.local_damping
        part = np.where(s.passage_scores > 0, s.part_scores - delta * s.common * index._opening_factor,
                        s.part_scores)
        s = dataclasses.replace(s, part_scores=part.astype(np.float32))
    if "chardamp" in variant:
        part = np.where(s.passage_scores > 0, s.part_scores - variant["chardamp"] * index.char_weight
                        * char_common(index, s) * index._opening_factor, s.part_scores)
        s = dataclasses.replace(s, part_scores=part.astype(np.float32))
    if "swap" in variant:
        part = np.where(s.part_scores > 0, s.part_scores - variant["swap"] * s.passage_scores * index._opening_factor,
                        s.part_scores)
        s = dataclasses.replace(s, part_scores=part.astype(np.float32))
    if "local" in variant:
        if variant.get("own"):
            own = {t: w for t, w in s.terms.items() if w >= 1.0}
            part = np.where(s.part_scores > 0, s.part_scores + variant["local"] * index._local_scores(own)
                            * index._opening_factor, s.part_scores)
            s = dataclasses.replace(s, part_scores=part.astype(np.float32))
        elif variant.get("lead"):
            leading = np.zeros(len(index.docs), dtype=bool)
            leading[_top(s.doc_scores, FORM_DOCUMENTS)] = True
            inside = leading[index._passage_doc] & (s.part_scores > 0)
            part = np.where(inside, s.part_scores + variant["local"] * index._local_scores(s.terms)
                            * index._opening_factor, s.part_scores)
            s = dataclasses.replace(s, part_scores=part.astype(np.float32))
        else:
            index.local_idf_weight = variant["local"]
    if "proximity" in variant:
        index.proximity_weight = variant["proximity"]
    _, top = index._passage_candidates(s, limit)
    index.local_idf_weight = index.proximity_weight = 0.0
    return top


def latency(db: str | None) -> int:
    """Passage searches (limit 5), the options off / on alternately, wall and CPU per call, and p99."""
    questions = [q["question"] for name in ALWAYS + FOLDS for q in load(name)]
    with Session(connect(db)) as session:
        index = WithinDocumentIndex.build(session, proximity_weight=1.0, encoder=None)
    t0 = time.perf_counter()
    index.local_postings()
    print(f"within-document postings built in {time.perf_counter() - t0:.2f} s")
    settings = {"off": (0.0, 0.0), "local idf 1.0": (1.0, 0.0), "proximity 8": (0.0, 8.0)}
    times = {k: [] for k in settings}
    cpu = dict.fromkeys(settings, 0.0)
    for _ in range(3):
        for q in questions:
            for name, (local, prox) in settings.items():
                index.local_idf_weight, index.proximity_weight = local, prox
                c0, t0 = time.process_time(), time.perf_counter()
                index.search(q, limit=K, per_document=False)
                times[name].append((time.perf_counter() - t0) * 1000)
                cpu[name] += time.process_time() - c0
    for name in settings:
        ts = np.array(times[name])
        print(f"{name:16s} calls {ts.size}  p50 {np.percentile(ts, 50):.2f} ms  p99 {np.percentile(ts, 99):.2f} ms  "
              f"CPU {cpu[name] / ts.size * 1000:.2f} ms/call")
    return 0


def check(per_set: dict[str, dict], recorded: dict[str, dict]) -> int:
    """The held-out sets' figures (counts, questions found, Recall@5) against the recorded ones: 0 when the same."""
    differ = 0
    for fold, got in per_set.items():
        keys = [key for key, value in got.items() if value != recorded[fold][key]]
        differ += len(keys)
        print(f"{fold}: {'NOT the same as recorded: ' + ', '.join(keys) if keys else 'the same as recorded'}"
              f" ({len(got['clause'])} variants, {got['single']} single-clause questions)", flush=True)
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "s17_within_document.json")
    parser.add_argument("--latency", action="store_true",
                        help="only time passage searches (every question × 3 passes) with each option off and on")
    parser.add_argument("--check", nargs="+", metavar="SET", choices=FOLDS,
                        help="hold out only these sets and compare their figures with the --json file's (not written)")
    args = parser.parse_args(argv)
    jieba.setLogLevel(60)
    if args.latency:
        return latency(args.db)
    sets = {name: load(name) for name in ALWAYS + FOLDS}
    engine = connect(args.db)
    with Session(engine) as session:
        t0 = time.perf_counter()
        index = WithinDocumentIndex.build(session, asked=(), proximity_weight=1.0, encoder=None)
        index.proximity_weight = 0.0
        index.local_postings()
        build_s = time.perf_counter() - t0
        lines = clause_lines(session)
        labelled = {name: asked_questions.resolve(
            [AskedQuestion(q["question"], tuple(q["expected"]), q.get("clause")) for q in qs],
            index.docs, index.passages, lines, tokenize) for name, qs in sets.items()}
        expected = {name: resolve_expected(session, qs)[0] for name, qs in sets.items()}
        stored = [toks.split() for toks, in session.execute(
            select(Passage.tokens).join(Document, Document.id == Passage.document_id)
            .order_by(Passage.document_id, Passage.position))]
    assert len(stored) == len(index.passages)
    contexts = []
    for toks, psg in zip(stored, index.passages, strict=True):
        own = len(tokenize(psg.text))
        contexts.append("".join(toks[:max(len(toks) - own, 0)]))
    print("parts with a heading context:", sum(bool(c) for c in contexts), "of", len(contexts), flush=True)
    char_plain = index._char_post
    char_headed = _char_postings([c + p.text for c, p in zip(contexts, index.passages, strict=True)])
    VARIANTS.update({k: None for k in HEADING_VARIANTS})
    day = dt.date.today()
    per_set: dict[str, dict] = {}
    for fold in args.check or FOLDS:
        field = [q for name, qs in labelled.items() if name != fold for q in qs]
        index.asked = AskedField(field, len(index.docs), len(index.passages))
        counts = dict.fromkeys(VARIANTS, 0)
        found_by: dict[str, list[str]] = {k: [] for k in VARIANTS}
        recall = recall_headed = n_single = 0
        for q in sets[fold]:
            exp = expected[fold][q["id"]]
            docs = [h.document_id for h in index.search(q["question"], limit=K)]
            recall += any(d in exp for d in docs)
            index._char_post = char_headed  # the characters with headings also count in documents' scores
            recall_headed += any(h.document_id in exp for h in index.search(q["question"], limit=K))
            index._char_post = char_plain
            if not q.get("clause"):
                continue
            n_single += 1
            s = index._scored(q["question"].strip(), None, None, None, None, None, day)
            index._char_post = char_headed
            s_headed = index._scored(q["question"].strip(), None, None, None, None, None, day)
            index._char_post = char_plain
            for name, variant in VARIANTS.items():
                top = (passage_top(index, s_headed, HEADING_VARIANTS[name]) if name in HEADING_VARIANTS
                       else passage_top(index, s, variant))
                for p in top:
                    psg = index.passages[p]
                    doc_id = index.docs[psg.doc].id
                    line = lines.get((doc_id, q["clause"]))
                    if doc_id in exp and line is not None and psg.start_line <= line <= psg.end_line:
                        counts[name] += 1
                        found_by[name].append(q["id"])
                        break
        per_set[fold] = {"questions": len(sets[fold]), "single": n_single, "recall5": recall, "recall5_headed": recall_headed,
                         "clause": counts, "found": found_by}
        print(fold, n_single, {k: v for k, v in counts.items()}, flush=True)
    if args.check:
        return check(per_set, json.loads(args.json.read_text(encoding="utf-8"))["per_set"])
    # in-fold choice: each family's weight (and, last, any variant at all) chosen on the other sets' figures
    FAMILIES["any variant of this session"] = [k for k in VARIANTS if k != "now"]
    pooled = {k: sum(per_set[f]["clause"][k] for f in FOLDS) for k in VARIANTS}
    updown = {k: (sum(per_set[f]["clause"][k] > per_set[f]["clause"]["now"] for f in FOLDS),
                  sum(per_set[f]["clause"][k] < per_set[f]["clause"]["now"] for f in FOLDS)) for k in VARIANTS}
    print("\npooled single clause of", sum(per_set[f]["single"] for f in FOLDS))
    for k in VARIANTS:
        print(f"  {k:32s} {pooled[k]:4d}  ({pooled[k] - pooled['now']:+d}; sets up {updown[k][0]}, down {updown[k][1]})")
    infold = {}
    for fam, names in FAMILIES.items():
        got, chosen = {}, {}
        for fold in FOLDS:
            best = max(names, key=lambda k: (sum(per_set[f]["clause"][k] for f in FOLDS if f != fold), -names.index(k)))
            chosen[fold], got[fold] = best, per_set[fold]["clause"][best]
        infold[fam] = {"chosen": chosen, "clause": got}
        total = sum(got.values())
        up = sum(got[f] > per_set[f]["clause"]["now"] for f in FOLDS)
        down = sum(got[f] < per_set[f]["clause"]["now"] for f in FOLDS)
        print(f"  {fam + ' in-fold':32s} {total:4d}  ({total - pooled['now']:+d}; up {up}, down {down})",
              sorted(set(chosen.values())))
    print("Recall@5", sum(per_set[f]["recall5"] for f in FOLDS), "of", sum(per_set[f]["questions"] for f in FOLDS),
          "; characters with headings:", sum(per_set[f]["recall5_headed"] for f in FOLDS))
    args.json.write_text(json.dumps({
        "command": "benchmarks/s17_within_document.py", "build_s": build_s,
        "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "per_set": per_set, "pooled": pooled, "updown": updown, "infold": infold,
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
