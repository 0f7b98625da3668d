"""The library's CLI contract, exercised as other tools use it: a real process, JSON on stdout, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

DOC_KEYS = {"id", "doc_no", "title", "issuers", "date", "region", "category", "status", "sources", "articles",
            "valid_from", "valid_until", "status_basis"}
SOURCE_KEYS = {"file", "start_line", "end_line", "name", "cite"}
# the compilations print each of these on two different documents (see docs/parsing-*.md)
KNOWN_MISPRINTED_NUMBERS = {"渝人社办〔2021〕22号", "京人社发〔2020〕8号"}
HIT_KEYS = {"doc_no", "title", "article", "unit", "anchor", "citation", "snippet", "score", "source", "status"}


def kuaiban(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], input=stdin, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def db(library_db_url) -> str:
    return library_db_url


@pytest.fixture(scope="module")
def all_docs(db) -> list[dict]:
    out = kuaiban("docs", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_docs_json_lists_every_document_in_the_contract_shape(all_docs):
    assert len(all_docs) > 300
    for d in all_docs:
        assert set(d) == DOC_KEYS
        assert isinstance(d["articles"], int)
        assert d["sources"] and all(set(s) == SOURCE_KEYS for s in d["sources"])
        assert all(s["cite"].startswith(s["name"]) and ".txt" not in s["cite"] for s in d["sources"])
    numbers = [d["doc_no"] for d in all_docs if d["doc_no"]]
    # a 文号 stands on two documents only where a compilation printed it on two different notices
    repeated = {n for n in numbers if numbers.count(n) > 1}
    assert repeated <= KNOWN_MISPRINTED_NUMBERS
    assert all("[" not in n and " " not in n for n in numbers)


def test_a_document_printed_in_two_compilations_is_one_document_with_two_sources(all_docs):
    by_no = {d["doc_no"]: d for d in all_docs if d["doc_no"]}
    files = {s["file"] for s in by_no["人社部发〔2020〕26号"]["sources"]}
    assert {"hunan-hrss-2020.txt", "national-and-provinces-2020-q2.txt"} <= files


def test_show_accepts_any_bracket_style_and_cites_its_source(db):
    out = kuaiban("show", "人社部发[2020]26号", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["doc_no"] == "人社部发〔2020〕26号"
    assert "快办" in doc["title"]
    assert doc["citation"].startswith("《")


def test_show_one_article(db):
    out = kuaiban("show", "中华人民共和国主席令第六十五号", "--article", "96", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    art = json.loads(out.stdout)["article"]
    assert art["number"] == 96
    assert "2021年3月1日" in art["text"].replace(" ", "")
    assert "第96条" in art["citation"]


def test_search_json_hits_in_the_contract_shape(db):
    out = kuaiban("search", "失业登记", "--limit", "5", "--json", "--db", db)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert 0 < len(hits) <= 5
    for h in hits:
        assert set(h) == HIT_KEYS
        assert set(h["source"]) == SOURCE_KEYS


def test_search_reads_one_query_per_line_and_answers_in_order(db):
    out = kuaiban("search", "--json", "--limit", "3", "--db", db, stdin="人社部发〔2020〕26号\n稳岗返还\n")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first[0]["doc_no"] == "人社部发〔2020〕26号"
    assert second and all(set(h) == HIT_KEYS for h in second)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("show", "人社部发〔1999〕999号"), "人社部发〔1999〕999号"),
        (("show", "不是文号"), "文号"),
        (("show", "人社部发〔2020〕26号", "--article", "999"), "第999条"),
        (("docs", "--json", "--db", "nonsense://"), "数据库"),
        (("ingest", "/nonexistent/compilations"), "/nonexistent/compilations"),
    ],
)
def test_bad_input_gets_one_line_naming_it_and_exit_code_2(db, args, needle):
    if "--db" not in args:
        args = (*args, "--db", db)
    out = kuaiban(*args)
    assert out.returncode == 2
    message = out.stderr.strip()
    assert len(message.splitlines()) == 1
    assert needle in message


def test_docs_give_each_documents_status_on_the_day_asked(db):
    def statuses(day: str) -> dict[str, dict]:
        out = kuaiban("docs", "--json", "--as-of", day, "--db", db)
        assert out.returncode == 0, out.stderr
        return {d["doc_no"]: d for d in json.loads(out.stdout) if d["doc_no"]}

    # hunan-hrss-2020.txt:4626 "第十九条 本办法自2021年1月1日起施行，有效期5年。"
    before, during, after = (statuses(d)["湘人社规〔2020〕22号"] for d in ("2020-12-31", "2021-06-01", "2026-12-02"))
    assert [before["status"], during["status"], after["status"]] == ["尚未生效", "现行有效", "失效"]
    assert after["valid_from"] == "2021-01-01" and after["valid_until"] == "2025-12-31"
    basis = after["status_basis"]
    assert (basis["article"], basis["line"], basis["source"]) == ("第19条", 4626, "湖南汇编 第 4626 行")
    today = statuses("2026-12-02")
    unknown = sum(d["status"] == "未知" for d in today.values())
    assert unknown <= 0.10 * len(today)


def test_search_filters_on_validity_that_day_and_a_bad_day_is_one_line(db):
    def found(day: str) -> set[str]:
        out = kuaiban("search", "阶段性减免企业社会保险费", "--region", "湖南", "--status", "有效", "--as-of", day,
                      "--json", "--db", db)
        assert out.returncode == 0, out.stderr
        return {h["doc_no"] for h in json.loads(out.stdout)}

    assert "湘人社规〔2020〕3号" in found("2020-03-15") and "湘人社规〔2020〕3号" not in found("2026-12-02")
    bad = kuaiban("docs", "--as-of", "2020-02-30", "--db", db)
    assert bad.returncode == 2 and "日期" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
