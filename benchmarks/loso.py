"""Leave one question set out: the harness of the search benchmarks since session 16.

Each development set with clauses is held out in turn; the questions-asked field of that fold is the OTHER sets,
``questions.yaml`` and (from session 18) the editors' questions — never the held-out set. For each variant (a
function that sets the index up) and each held-out question: the expected document among the first 5 document hits
(Recall@5) and, for a question one clause answers, that clause among the first 5 clause hits, as
benchmarks/search_eval.py counts them; the time of both calls.

Adoption rule, pre-registered in sessions 16–19: ≥ +8 single-clause questions pooled, more sets up than down,
Recall@5 not lower, p99 ≤ 50 ms; and the honest estimate of choosing among variants: for each held-out set, the
variant best on the other sets.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.search_eval import K, clause_in_top, clause_lines, resolve_expected  # noqa: E402
from kuaiban.library import asked as asked_questions  # noqa: E402
from kuaiban.library.asked import AskedField, AskedQuestion, Labelled  # noqa: E402
from kuaiban.library.search import SearchIndex, tokenize  # noqa: E402

EVAL = ROOT / "data" / "eval"
# the folds of session 19's measurements (benchmarks/s19_*.py); everyday15, session 19's held-out set, joined after
# its one run; everyday16 and everyday17, sessions 20 and 21's held-out sets, likewise
FOLDS_S19 = ("everyday", "everyday2", "everyday3_dev", "everyday4", "everyday5", "everyday6", "everyday7",
             "everyday8", "everyday9", "everyday10", "everyday11", "everyday12", "everyday13", "everyday14")
FOLDS = (*FOLDS_S19, "everyday15", "everyday16", "everyday17")
ALWAYS = ("questions",)  # in every fold's field, never held out (no clauses)


def load_set(name: str) -> list[dict]:
    return yaml.safe_load((EVAL / f"{name}.yaml").read_text(encoding="utf-8"))["questions"]


@dataclass
class Folds:
    """The sets, resolved against one index's library: what every fold needs."""

    index: SearchIndex
    sets: dict[str, list[dict]]
    labelled: dict[str, list[Labelled]]
    editors: list[Labelled]
    expected: dict[str, dict[str, set[int]]]
    lines: dict[tuple[int, str], int]

    @classmethod
    def load(cls, session: Session, index: SearchIndex, folds: tuple[str, ...] = FOLDS) -> Folds:
        sets = {name: load_set(name) for name in ALWAYS + tuple(folds)}
        cited = asked_questions.clause_lines(session)
        labelled = {name: asked_questions.resolve(
            [AskedQuestion(q["question"], tuple(q["expected"]), q.get("clause")) for q in qs],
            index.docs, index.passages, cited, tokenize) for name, qs in sets.items()}
        editors = asked_questions.resolve(asked_questions.load_editors(), index.docs, index.passages, cited,
                                          tokenize)
        expected = {name: resolve_expected(session, qs)[0] for name, qs in sets.items()}
        return cls(index, sets, labelled, editors, expected, clause_lines(session))

    def field(self, held_out: str, editors: bool = True) -> AskedField:
        """The questions-asked field of a fold: every set but the held-out one (and the editors')."""
        questions = [q for name, qs in self.labelled.items() if name != held_out for q in qs]
        return AskedField(questions + (self.editors if editors else []), len(self.index.docs),
                          len(self.index.passages))

    def run(self, folds: list[str], variants: dict[str, Callable[[SearchIndex, str], None]]) -> Result:
        """Each variant on each held-out set; ``variants[name](index, held_out)`` sets the index up."""
        per_set: dict[str, dict[str, dict]] = {}
        latencies: dict[str, list[float]] = {name: [] for name in variants}
        for fold in folds:
            row: dict[str, dict] = {}
            for name, set_up in variants.items():
                set_up(self.index, fold)
                recall = clause = single = 0
                found = []
                for q in self.sets[fold]:
                    exp = self.expected[fold][q["id"]]
                    t0 = time.perf_counter()
                    recall += any(h.document_id in exp for h in self.index.search(q["question"], limit=K))
                    if q.get("clause"):
                        single += 1
                        if clause_in_top(self.index, q, exp, self.lines):
                            clause += 1
                            found.append(q["id"])
                    latencies[name].append(time.perf_counter() - t0)
                row[name] = {"recall5": recall, "clause": clause, "single": single, "found": found}
            per_set[fold] = row
            print(fold, {k: (v["recall5"], v["clause"]) for k, v in row.items()}, flush=True)
        return Result(per_set, latencies, sum(len(self.sets[f]) for f in folds))


@dataclass
class Result:
    per_set: dict[str, dict[str, dict]]
    latencies: dict[str, list[float]]
    questions: int

    def report(self, base: str) -> dict:
        """Print the pooled figures against ``base`` and the in-fold choice; return them for the JSON."""
        folds, names = list(self.per_set), list(self.latencies)
        pooled = {k: {"recall5": sum(self.per_set[f][k]["recall5"] for f in folds),
                      "clause": sum(self.per_set[f][k]["clause"] for f in folds)} for k in names}
        single = sum(self.per_set[f][base]["single"] for f in folds)
        print(f"\npooled over {len(folds)} sets: {self.questions} questions, {single} single-clause")
        for k in names:
            up = sum(self.per_set[f][k]["clause"] > self.per_set[f][base]["clause"] for f in folds)
            down = sum(self.per_set[f][k]["clause"] < self.per_set[f][base]["clause"] for f in folds)
            print(f"  {k:26s} Recall@5 {pooled[k]['recall5']:4d} ({pooled[k]['recall5'] / self.questions:.3f})  "
                  f"clause {pooled[k]['clause']:4d} ({pooled[k]['clause'] / single:.3f}; "
                  f"{pooled[k]['clause'] - pooled[base]['clause']:+d}, up {up} down {down})  both calls: median "
                  f"{statistics.median(self.latencies[k]) * 1000:.1f} ms p99 "
                  f"{float(np.percentile(self.latencies[k], 99)) * 1000:.1f} ms")
        others = [k for k in names if k != base]
        chosen = {f: max(others, key=lambda k: (sum(self.per_set[g][k]["clause"] for g in folds if g != f),
                                                sum(self.per_set[g][k]["recall5"] for g in folds if g != f)))
                  for f in folds} if others else {}
        infold = {"clause": sum(self.per_set[f][chosen[f]]["clause"] for f in chosen),
                  "recall5": sum(self.per_set[f][chosen[f]]["recall5"] for f in chosen)}
        if len(others) > 1:
            print(f"  {'chosen in-fold':26s} Recall@5 {infold['recall5']:4d}  clause {infold['clause']:4d} "
                  f"({infold['clause'] / single:.3f}); chosen: {sorted(set(chosen.values()))}")
        return {"per_set": self.per_set, "pooled": pooled, "chosen": chosen, "infold": infold}
