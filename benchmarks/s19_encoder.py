"""Session 19: the learned question ↔ part model (kuaiban.library.encoder) — leave one question set out.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/s19_encoder.py [--db URL] [--json OUT] [--folds SET ...]

Every development set with clauses (everyday, everyday2, everyday3_dev, everyday4–14) is held out in turn; the
questions-asked field is the OTHER sets, ``questions.yaml`` and the editors' questions (as shipped since session
18). The model (data/part_encoder.npz) is learned from the editors' questions only, never from a set, so one model
serves every fold. Compared: search without the model (``encoder=None``) and as shipped (the first 40 clause hits
re-ranked by fusing their order by words with the model's). Measured as benchmarks/search_eval.py does: Recall@5
(``search(q, limit=5)``) and, for single-clause questions, the clause among the first 5 clause hits
(``search(q, limit=5, per_document=False)``); latency of both calls. Adoption rule, pre-registered as in sessions
16–18: ≥ +8 single-clause questions pooled, more sets up than down, Recall@5 not lower, p99 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import jieba
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loso import FOLDS, FOLDS_S19, Folds  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.search import SearchIndex, shipped_encoder  # noqa: E402

WITHOUT, WITH = "without the model", "with the model"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "s19_encoder.json")
    parser.add_argument("--folds", nargs="+", choices=FOLDS, default=FOLDS_S19)
    args = parser.parse_args(argv)
    jieba.setLogLevel(60)
    with Session(connect(args.db)) as session:
        folds = Folds.load(session, SearchIndex.build(session, asked=()))
    t0 = time.perf_counter()
    folds.index.part_vectors()
    print(f"parts' vectors: {time.perf_counter() - t0:.2f} s", flush=True)

    def variant(encoder):
        def set_up(index: SearchIndex, held_out: str) -> None:
            if encoder is None:  # the field once per fold, before the first variant
                index.asked = folds.field(held_out)
            index.encoder = encoder
        return set_up

    result = folds.run(list(args.folds), {WITHOUT: variant(None), WITH: variant(shipped_encoder())})
    figures = result.report(WITHOUT)
    args.json.write_text(json.dumps({
        "command": "benchmarks/s19_encoder.py", "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "model": shipped_encoder().provenance} | figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
