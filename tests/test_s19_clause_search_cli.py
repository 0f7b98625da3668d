"""Session 19: `kuaiban search --clauses` lists the clauses that answer (北大法宝's 按条款), not one hit per document.

The question below is answered by one numbered part of a long notice: 渝人社发〔2021〕38号, the 重庆 implementing
opinions on 新就业形态劳动者 (parts 一 to 四, (一) to (二十一)), whose 三（十五） guarantees their children
义务教育 where they live (重庆汇编 line 16803). The clause view cites that part in its first five, and may list
other parts of the same notice after it; without the flag each document still comes once.
"""

from __future__ import annotations

import json

import pytest

from tests.test_cli_library import HIT_KEYS, SOURCE_KEYS, kuaiban

QUESTION = "骑手的孩子能在重庆读义务教育吗"
NOTICE = "渝人社发〔2021〕38号"
CLAUSE = "三（十五）"


@pytest.fixture(scope="module")
def db(library_db_url) -> str:
    return library_db_url


def test_clauses_json_cites_the_part_that_answers_in_the_same_shape_as_document_hits(db):
    out = kuaiban("search", QUESTION, "--clauses", "--limit", "5", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert 0 < len(hits) <= 5
    for h in hits:
        assert set(h) == HIT_KEYS and set(h["source"]) == SOURCE_KEYS
    answering = [h for h in hits if h["doc_no"] == NOTICE and h["unit"] == CLAUSE]
    assert answering, [(h["doc_no"], h["unit"], h["article"]) for h in hits]
    assert answering[0]["anchor"] == "s3-15"
    assert answering[0]["citation"].startswith("《") and f"（{NOTICE}）{CLAUSE}，重庆汇编 第 " in answering[0]["citation"]
    # each text once: no two hits cite the same part of the same document
    assert len({(h["doc_no"], h["title"], h["unit"], h["article"]) for h in hits}) == len(hits)


def test_clauses_text_output_names_the_clause_the_snippet_and_the_source(db):
    out = kuaiban("search", QUESTION, "--clauses", "--limit", "5", "--db", db)
    assert out.returncode == 0, out.stderr
    assert f"（{NOTICE}） {CLAUSE}  [" in out.stdout  # the citation, with its clause
    assert "【义务教育】" in out.stdout  # the snippet marks the question's words
    assert "重庆汇编 第 16803 行" in out.stdout and ".txt" not in out.stdout


def test_without_the_flag_each_document_comes_once(db):
    out = kuaiban("search", QUESTION, "--limit", "10", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and len({(h["doc_no"], h["title"]) for h in hits}) == len(hits)


def test_clauses_keep_the_filters_and_read_one_question_per_stdin_line(db):
    out = kuaiban("search", "--clauses", "--json", "--limit", "5", "--region", "重庆", "--year", "2021",
                  "--status", "有效", "--as-of", "2026-12-01", "--db", db, stdin=f"{QUESTION}\n\n{QUESTION}\n")
    assert out.returncode == 0, out.stderr
    first, empty, again = (json.loads(line) for line in out.stdout.strip().splitlines())
    assert empty == [] and first == again
    assert any(h["doc_no"] == NOTICE and h["unit"] == CLAUSE for h in first)
    assert all(h["status"] in ("现行有效", "部分失效", "已被修改") for h in first)
    # the region filter applies to the clause view as to the document view: 山东's documents hold no 重庆 notice
    elsewhere = kuaiban("search", QUESTION, "--clauses", "--json", "--region", "山东", "--db", db)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert all(h["doc_no"] != NOTICE for h in json.loads(elsewhere.stdout))
