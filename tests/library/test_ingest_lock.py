"""`kuaiban ingest` runs one at a time per database: two started together (real processes) give the
same library as one, and a second one told not to wait exits 2 with one Chinese line — on SQLite
and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from sqlalchemy import func, select

from kuaiban.db import connect, make_engine, session_scope
from kuaiban.library.ingest_lock import ingest_lock
from kuaiban.library.models import DocumentSource


def start_ingest(directory, url: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kuaiban", "ingest", str(directory), "--db", url, "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sources(url: str) -> tuple[int, int]:
    """(rows of document_sources, distinct (document, position) pairs among them)."""
    with session_scope(connect(url)) as s:
        rows = s.scalar(select(func.count()).select_from(DocumentSource))
        pairs = select(DocumentSource.document_id, DocumentSource.position).distinct().subquery()
        return rows, s.scalar(select(func.count()).select_from(pairs))


def test_two_ingests_at_once_store_each_source_once(backend_url, small_corpus):
    runs = [start_ingest(small_corpus, backend_url) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], [err for _, err in outs]
    assert all("Traceback" not in err for _, err in outs)
    reports = [json.loads(out) for out, _ in outs]
    rows, distinct = sources(backend_url)
    assert rows == distinct == reports[0]["sources"] == reports[1]["sources"]
    assert sorted(r["created"] for r in reports) == [0, reports[0]["documents"]]  # the second found them all


def test_a_second_ingest_waits_or_with_no_wait_exits_2(backend_url, small_corpus):
    engine = make_engine(backend_url)
    try:
        with ingest_lock(engine):  # an ingest in progress, as far as others can tell
            refused = start_ingest(small_corpus, backend_url, "--no-wait")
            out, err = refused.communicate(timeout=120)
            assert refused.returncode == 2
            assert err.strip() == "错误：另一个法规库导入（kuaiban ingest）正在进行，请等它结束后再运行"

            waiting = start_ingest(small_corpus, backend_url)
            assert waiting.stderr.readline().strip() == "另一个法规库导入正在进行，等待其结束……"
            time.sleep(0.5)
            assert waiting.poll() is None  # still waiting while the lock is held
        out, err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, err
        assert json.loads(out)["documents"] > 0
    finally:
        engine.dispose()
