"""Wall and CPU seconds of each stage of one `kuaiban ingest` into a new SQLite file, in this process.

Usage::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/ingest_stages.py [--workers 1]

Runs the command as a user does (``kuaiban.cli.main``) with the stage functions wrapped by timers: the
import of the CLI, the migration of the new file, parsing, search passages, validity periods, citations
read, segmentation, the ORM flush of the documents, the clean-up lists and the commit. What is left of the
total is the rest of storage (child rows built and inserted). With ``--workers 1`` (the default) every
stage runs here, so the figures add up; with more, parsing and segmentation run in worker processes and
their figures are the parent's waits. Run it from the checkout to measure (PYTHONPATH): the wrapped
names exist in the first version of the worker-pool ingest too, so two checkouts compare stage by stage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable

START = time.perf_counter(), time.process_time()


def _timed(owner: object, name: str, label: str, times: dict[str, list[float]]) -> None:
    original: Callable = getattr(owner, name, None)
    if original is None:  # a stage this checkout does not have
        return

    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent = times.setdefault(label, [0.0, 0.0])
            spent[0] += time.perf_counter() - wall
            spent[1] += time.process_time() - cpu

    setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1, help="KUAIBAN_INGEST_WORKERS (default 1: all stages here)")
    opts = parser.parse_args()
    os.environ["KUAIBAN_INGEST_WORKERS"] = str(opts.workers)
    times: dict[str, list[float]] = {}

    import kuaiban.cli as cli

    times["import kuaiban.cli"] = [time.perf_counter() - START[0], time.process_time() - START[1]]
    from sqlalchemy.orm import Session

    from kuaiban import db
    from kuaiban.corpus import standing
    from kuaiban.library import ingest

    for owner, name, label in [
        (db, "migrate", "migrate"), (ingest, "parse_corpus", "parse"), (ingest, "build_passages", "passages"),
        (standing, "standings", "standings"), (ingest, "_cited", "citations read"),
        (ingest, "_citations", "citations resolved"), (ingest, "tokenize_many", "segment"),
        (ingest, "tokenize_later", "segment (submit)"), (Session, "flush", "flush"),
        (ingest, "_store_listings", "listings"), (Session, "commit", "commit"),
    ]:
        _timed(owner, name, label, times)
    with tempfile.TemporaryDirectory() as var:
        sys.argv = ["kuaiban", "ingest", "--db", f"sqlite:///{var}/kuaiban.db"]
        try:
            cli.main()
        except SystemExit as exc:
            if exc.code:
                raise
        for engine in db._engines.values():
            engine.dispose()  # the last connection's close checkpoints the WAL into the file
    total = time.perf_counter() - START[0], time.process_time() - START[1]
    print(f"load average (1 min) {os.getloadavg()[0]:.2f}; workers {opts.workers}")
    print(f"{'stage':22} {'wall':>6} {'CPU':>6}")
    for label, (wall, cpu) in times.items():
        print(f"{label:22} {wall:6.2f} {cpu:6.2f}")
    print(f"{'total (this process)':22} {total[0]:6.2f} {total[1]:6.2f}")


if __name__ == "__main__":
    main()
