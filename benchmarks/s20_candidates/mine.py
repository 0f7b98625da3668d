"""Each editors' question's first 40 clause candidates by words, for benchmarks/s20_candidates/train.py.

The questions-asked field of each fifth of the editors' questions is the other four fifths and ``questions.yaml``
(never an evaluation set), so a question never finds itself. Usage: ``mine.py [DB URL] [OUT]``.
"""

import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import jieba  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks.loso import Folds  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library import asked  # noqa: E402
from kuaiban.library.asked import AskedField  # noqa: E402
from kuaiban.library.search import SearchIndex, _top  # noqa: E402

CHUNKS = 5


def main(db: str | None, out: Path) -> None:
    jieba.setLogLevel(60)
    with Session(connect(db)) as session:
        folds = Folds.load(session, SearchIndex.build(session, asked=(), encoder=None), folds=())
    index, raw, editors = folds.index, asked.load_editors(), folds.editors
    keep = [i for i, q in enumerate(editors) if q.passages]  # as train_part_encoder.py export keeps them
    candidates: dict[int, list[int]] = {}
    started, day = time.time(), dt.date.today()
    for chunk in range(CHUNKS):
        index.asked = AskedField(folds.labelled["questions"] + [q for i, q in enumerate(editors) if i % CHUNKS != chunk],
                                 len(index.docs), len(index.passages))
        for n, i in enumerate(keep):
            if i % CHUNKS == chunk:
                query = raw[i].question.strip()
                query = index.pinyin.read(query) or query
                ranked = index._ranked_passages(index._scored(query, None, None, None, None, None, day))
                candidates[n] = [int(p) for p in _top(ranked, 40) if ranked[p] > 0]
        print(f"fifth {chunk + 1}: {time.time() - started:.0f} s", flush=True)
    lists = [candidates[n] for n in range(len(keep))]
    out.write_text(json.dumps(lists), encoding="utf-8")
    gold = [set(editors[i].passages) for i in keep]
    print("gold in the first 5:", sum(any(p in g for p in c[:5]) for g, c in zip(gold, lists, strict=True)),
          "in 40:", sum(any(p in g for p in c) for g, c in zip(gold, lists, strict=True)), "of", len(lists))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None, Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/s20_cands.json"))
