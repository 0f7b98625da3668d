"""Write data/editors_questions.json: the editors' questions (编者问句) search reads with the questions asked.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/build_editors_questions.py [--source DIR] [--check]

Reads the editors' files (``data/editors/part*.yaml``: lists of ``{expected, clause, q: [questions]}``, one entry
a part of a document, written in session 18 by editors who read each part and wrote the questions people would
type that it answers, without sight of any question set), checks every entry against the library (its document
by 文号 or ``title:``, its clause as cited), and writes the questions whose document and clause the library has,
with their provenance (the files and their SHA-256, the date, this command, the code commit) and the entries left
out, with why. ``--check`` exits 1 when the data file differs from what the files give.
See kuaiban/library/asked.py and docs/BENCHMARKS.md (session 18).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.build_asked_questions import code_commit  # noqa: E402
from benchmarks.search_eval import resolve_expected  # noqa: E402
from kuaiban.db import connect  # noqa: E402
from kuaiban.library.asked import clause_lines  # noqa: E402

SOURCE = ROOT / "data" / "editors"
OUT = ROOT / "data" / "editors_questions.json"


def entries(source: Path) -> tuple[list[dict], dict[str, str]]:
    out, digests = [], {}
    for path in sorted(source.glob("part*.yaml")):
        raw = path.read_bytes()
        digests[path.name] = hashlib.sha256(raw).hexdigest()
        for entry in yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader) or []:
            out.append({"file": path.name, **entry})
    return out, digests


def checked(session: Session, raw: list[dict]) -> tuple[list[dict], list[dict]]:
    """The entries whose document and clause the library has (expected, clause, questions); those it lacks, with
    why."""
    found, _ = resolve_expected(session, [{"id": i, "expected": [str(entry.get("expected") or "")]}
                                          for i, entry in enumerate(raw)])
    lines = clause_lines(session)
    kept, dropped = [], []
    for i, entry in enumerate(raw):
        expected, clause = str(entry.get("expected") or ""), entry.get("clause")
        clause = str(clause) if clause is not None else None
        docs = found[i]
        questions = [str(q).strip() for q in entry.get("q") or [] if str(q).strip()]
        why = ("no such document" if not docs else "no such clause" if clause and not any(
            (d, clause) in lines for d in docs) else "no question" if not questions else None)
        if why:
            dropped.append({"file": entry["file"], "expected": expected, "clause": clause, "why": why})
            continue
        kept.append({"expected": [expected], "clause": clause, "questions": questions})
    return kept, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--db")
    parser.add_argument("--check", action="store_true", help="only compare the data file with the editors' files")
    args = parser.parse_args(argv)
    raw, digests = entries(args.source)
    with Session(connect(args.db)) as session:
        kept, dropped = checked(session, raw)
    if args.check:
        current = json.loads(args.out.read_text(encoding="utf-8"))
        same = current["parts"] == kept and current["provenance"]["files"] == digests
        print(f"{args.out.name} is " + ("up to date" if same else "out of date"))
        return 0 if same else 1
    commit = code_commit()
    data = {
        "provenance": {
            "what": "editors' questions (编者问句): for each part of each document, the questions people would type "
                    "that the part answers, written by editors reading the texts without sight of any question set; "
                    "kuaiban.library.asked indexes their words as a field of the documents and parts they name",
            "files": digests,
            "entries": len(raw),
            "questions": sum(len(e["questions"]) for e in kept),
            "left_out": dropped,
            "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "benchmarks/build_editors_questions.py",
            "code_commit": commit,
        },
        "parts": kept,
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{data['provenance']['questions']} questions of {len(kept)} parts from {len(raw)} entries of {len(digests)} files; left out {len(dropped)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
