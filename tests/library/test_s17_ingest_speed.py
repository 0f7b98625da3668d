"""Session 17's ingest speed-ups store and answer the same as before (docs/BENCHMARKS.md, issue 14 item 5).

The whole-corpus check is ``benchmarks/ingest_digest.py`` (every table of two library files compared); these are
the cheap checks of each shortcut against the slower way it replaced."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban import config
from kuaiban.corpus import periods
from kuaiban.library import tokenize as tk
from kuaiban.library.ingest import collections_paused

ROOT = Path(__file__).resolve().parents[2]


def test_every_yaml_file_of_data_reads_the_same_with_libyaml():
    if not hasattr(yaml, "CSafeLoader"):
        return  # PyYAML without libyaml: the registry falls back to the pure-Python loader
    for path in sorted(config.DATA.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert repr(yaml.load(text, Loader=yaml.CSafeLoader)) == repr(yaml.safe_load(text)), path.name


def test_tokens_with_the_remembered_forms_equal_the_word_by_word_filter():
    texts = ["公司裁员能拿稳岗返还吗？", "灵活就业人员缴费基数", "2020年12月31日前，申领失业保险金的",
             "（一）阶段性减免企业社会保险费。", "ＡＢＣ１２３ 和 abc", "", "，。！"] * 3
    kept_plain: dict[str, str] = {}
    plain = [tk.tokenize(t, kept_plain) for t in texts]  # a plain dict: the loop the ingest used before
    assert tk.tokenize_many(texts) == plain
    assert [tk.tokenize(t) for t in texts] == plain


_NO_YEAR_OR_MONTH = st.text(alphabet="0123456789一二三四五六七八九十日底至到截止执行期限前后起自从为之以内个号，。、 补贴申请受理延长"
                            "即日截至时间", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_NO_YEAR_OR_MONTH, st.booleans())
def test_a_sentence_without_year_or_month_has_no_measure_end(sentence, temporary):
    # _measure_ends skips such sentences: every pattern of the candidates needs 年 or 月
    assert list(periods._measure_end_candidates(sentence, periods.dt.date(2020, 6, 1), temporary)) == []


def test_collections_paused_may_skip_the_collection_at_its_end(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(a) or 0)
    with collections_paused(collect=False):
        assert not gc.isenabled()
    assert gc.isenabled() and calls == []
    with collections_paused():
        pass
    assert gc.isenabled() and len(calls) == 1


def test_the_command_closes_its_database_before_the_process_ends(tmp_path, small_corpus):
    """main() freezes the heap before Python shuts down; the SQLite connections are closed first, so the WAL is
    checkpointed into the file as before (no -wal file left beside it)."""
    db = tmp_path / "k.db"
    done = subprocess.run([sys.executable, "-c", "from kuaiban.cli import main; main()", "ingest", str(small_corpus),
                           "--db", f"sqlite:///{db}"], cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "KUAIBAN_VAR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert not Path(f"{db}-wal").exists()
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] > 0
