"""Parse quality: share of table-of-contents entries found as documents with the right 文号 and title.

    .venv/bin/python benchmarks/toc_coverage.py [--misses]

Measured for the two compilations that print a table of contents (Hunan, Chongqing).
"""

from __future__ import annotations

import argparse
import json
import time

from kuaiban.config import COMPILATIONS
from kuaiban.corpus.coverage import toc_coverage

FILES = ["hunan-hrss-2020.txt", "chongqing-hrss-2021.txt"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list every missed entry and why")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for name in FILES:
        t0 = time.perf_counter()
        report = toc_coverage(COMPILATIONS / name)
        rows.append({
            "file": name, "entries": report.entries, "found": report.found,
            "share": round(report.share, 4), "seconds": round(time.perf_counter() - t0, 2),
            "missed": [{"line": e.line, "doc_no": e.doc_no, "title": e.title, "why": why}
                       for e, why in report.missed],
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    print(f"{'file':<28} {'entries':>7} {'found':>6} {'share':>7}")
    for r in rows:
        print(f"{r['file']:<28} {r['entries']:>7} {r['found']:>6} {r['share']:>7.2%}")
    total = sum(r["entries"] for r in rows)
    found = sum(r["found"] for r in rows)
    print(f"{'both':<28} {total:>7} {found:>6} {found / total:>7.2%}")
    if args.misses:
        for r in rows:
            for m in r["missed"]:
                print(f"  {r['file']}:{m['line']}  {m['doc_no'] or '—'}  {m['title']}  — {m['why']}")


if __name__ == "__main__":
    main()
