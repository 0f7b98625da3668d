"""Write data/asked_questions.json: the labelled questions search reads as a "questions asked" field.

Usage::

    .venv/bin/python benchmarks/build_asked_questions.py [--check]

Reads the question files named in :data:`SETS` (development sets only: a file written to be held out is added
here after its one run, never before), keeps each question's words, expected documents (文号 or ``title:``) and
clause, and writes them with their provenance (the files and their SHA-256, the date, this command, the code
commit). ``--check`` exits 1 when the data file differs from what the listed files give.
See kuaiban/library/asked.py and docs/BENCHMARKS.md (session 16).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "data" / "eval"
OUT = ROOT / "data" / "asked_questions.json"
# every development set: everyday10 was run held out in session 15, everyday11 in session 16 (11:45 UTC),
# everyday12 in session 17 (14:50 UTC), everyday13 and everyday14 in session 18 (17:46, 18:22 UTC), everyday15 in
# session 19 (21:23 UTC), everyday16 in session 20 (23:57 UTC), everyday17 in session 21 (04:01 UTC), each before it
# was added here; a set written to be held out joins only after its one run
SETS = ("questions", "everyday", "everyday2", "everyday3_dev", "everyday4", "everyday5", "everyday6",
        "everyday7", "everyday8", "everyday9", "everyday10", "everyday11", "everyday12", "everyday13",
        "everyday14", "everyday15", "everyday16", "everyday17")


def questions() -> tuple[list[dict], dict[str, str]]:
    out, digests = [], {}
    for name in SETS:
        path = EVAL / f"{name}.yaml"
        raw = path.read_bytes()
        digests[path.name] = hashlib.sha256(raw).hexdigest()
        for q in yaml.safe_load(raw.decode("utf-8"))["questions"]:
            out.append({"set": name, "id": q["id"], "question": q["question"], "expected": list(q["expected"]),
                        "clause": q.get("clause")})
    return out, digests


def code_commit() -> str:
    """The commit of the code that wrote a data file (its provenance)."""
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only compare the data file with the question files")
    args = parser.parse_args(argv)
    items, digests = questions()
    if args.check:
        current = json.loads(OUT.read_text(encoding="utf-8"))
        same = current["questions"] == items and current["provenance"]["files"] == digests
        print("data/asked_questions.json is " + ("up to date" if same else "out of date"))
        return 0 if same else 1
    commit = code_commit()
    data = {
        "provenance": {
            "what": "labelled questions (question, expected documents, clause) of the development question sets; "
                    "kuaiban.library.asked indexes their words as a field of the documents and parts they name",
            "files": digests,
            "questions": len(items),
            "with_clause": sum(bool(q["clause"]) for q in items),
            "written": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "benchmarks/build_asked_questions.py",
            "code_commit": commit,
        },
        "questions": items,
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(items)} questions from {len(SETS)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
