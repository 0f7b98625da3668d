"""Ingest time against the time jieba takes to segment the same text, measured in one run.

Usage::

    .venv/bin/python benchmarks/ingest_speed.py [--rounds 3] [--baseline /path/to/older/checkout]

Each round, alternating, in fresh processes:

* ``ingest``: ``python -m kuaiban ingest`` into a new SQLite file (migrations, parsing, validity,
  segmentation, storage, one transaction): end to end, as a user runs it;
* ``jieba``: pure-Python jieba 0.42.1 (``cut_for_search``, the dictionary and 人社 words the library
  adds) over the text of every search passage of the same corpus — the work the first version's
  ingest did inside it, here alone;
* ``before`` (with ``--baseline``): the same ingest run from another checkout (the code before a change);
* ``segment``: the same texts through :func:`kuaiban.library.tokenize.tokenize_many` (compiled jieba).

The machine is shared, so absolute times drift between runs: report medians and the ratio
ingest / jieba, both measured in the same rounds. Wall and CPU (user + system) seconds are given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SEGMENT = r"""
import json, pickle, sys, time
from pathlib import Path
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.library.ingest import build_passages
docs = parse_corpus(Path("data/compilations"))
texts = [p["context"] + " " + p["text"] for d in docs for p in build_passages(d)]
which = sys.argv[1]
if which == "jieba":
    import logging
    import jieba
    from kuaiban.library.tokenize import DOMAIN_WORDS
    logging.getLogger("jieba").setLevel(logging.WARNING)
    start = time.perf_counter()
    seg = jieba.Tokenizer(); seg.initialize()
    for w in DOMAIN_WORDS:
        seg.add_word(w, freq=max(seg.suggest_freq(w, tune=False), 1000))
    out = [list(seg.cut_for_search(t, HMM=True)) for t in texts]
else:
    from kuaiban.library.tokenize import tokenize_many
    start = time.perf_counter()
    out = tokenize_many(texts)
print(json.dumps({"seconds": time.perf_counter() - start, "texts": len(texts), "chars": sum(map(len, texts))}))
"""


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict, cwd: Path = ROOT, label: str = "") -> tuple[float, float, str]:
    load = os.getloadavg()[0]
    cpu, start = _child_cpu(), time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    wall, used = time.perf_counter() - start, _child_cpu() - cpu
    # each run as it ends, with the 1-minute load average when it started: a shared machine's noise shows
    print(f"  {label:8} {wall:6.2f} s wall / {used:5.2f} s CPU   (load {load:.2f})", file=sys.stderr)
    return wall, used, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout whose ingest to time alongside")
    opts = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, list[tuple[float, float]]] = {"ingest": [], "jieba": [], "segment": []}
    if opts.baseline:
        results["before"] = []
    inner: dict[str, list[float]] = {"jieba": [], "segment": []}
    for _ in range(opts.rounds):
        with tempfile.TemporaryDirectory() as var:
            wall, cpu, _ = _run([sys.executable, "-m", "kuaiban", "ingest", "--db",
                                 f"sqlite:///{var}/kuaiban.db"], {**env, "KUAIBAN_VAR": var}, label="ingest")
            results["ingest"].append((wall, cpu))
        if opts.baseline:
            with tempfile.TemporaryDirectory() as var:
                wall, cpu, _ = _run([sys.executable, "-m", "kuaiban", "ingest", "--db", f"sqlite:///{var}/kuaiban.db"],
                                    {**env, "KUAIBAN_VAR": var, "PYTHONPATH": str(opts.baseline)}, opts.baseline, "before")
                results["before"].append((wall, cpu))
        for which in ("jieba", "segment"):
            wall, cpu, out = _run([sys.executable, "-c", _SEGMENT, which], env, label=which)
            results[which].append((wall, cpu))
            inner[which].append(json.loads(out)["seconds"])
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print(f"rounds: {opts.rounds}, medians (wall s / CPU s)")
    for k, (wall, cpu) in med.items():
        print(f"  {k:8} {wall:6.2f} / {cpu:6.2f}")
    for k, v in inner.items():
        print(f"  {k:8} segmentation alone (in process): {statistics.median(v):.2f} s")
    print(f"ratio ingest / jieba segmentation alone: {med['ingest'][0] / statistics.median(inner['jieba']):.2f} "
          f"(wall), {med['ingest'][1] / statistics.median(inner['jieba']):.2f} (ingest CPU)")


if __name__ == "__main__":
    main()
