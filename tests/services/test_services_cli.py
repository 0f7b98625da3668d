"""The catalog and sla CLI contract, exercised as other tools use it: a real process, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def kuaiban(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], capture_output=True, text=True, timeout=120)


def ok_json(*args: str):
    out = kuaiban(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_catalog_bundles_json():
    bundles = ok_json("catalog", "bundles", "--json")
    assert len(bundles) == 10
    for b in bundles:
        assert set(b) == {"name", "items", "agencies", "notes", "source"}
        assert b["source"]["doc_no"] == "人社部发〔2020〕26号" and b["source"]["file"].endswith("hunan-hrss-2020.txt")
        for item in b["items"]:
            assert set(item) <= {"code", "name", "items"} and {"code", "name"} <= set(item)
    hiring = bundles[0]
    assert hiring["name"] == "企业招用员工"
    assert hiring["items"][0] == {"code": "1.1.5", "name": "职工参保登记"}
    group = hiring["items"][2]
    assert group["code"] is None and [i["code"] for i in group["items"]] == ["1.6.10", "1.6.13", "1.6.15"]


def test_catalog_speedup_json():
    items = ok_json("catalog", "speedup", "--json")
    assert len(items) == 25
    for s in items:
        assert set(s) - {"items", "dated"} == {"code", "name", "statutory", "target", "source"}
        for limit in (s["statutory"], s["target"]):
            assert set(limit) == {"kind", "value", "conditions"}
    by_code = {s["code"]: s for s in items}
    # 人社厅发〔2021〕85号 made 1.8.8's limit dated: 5 working days at each office from 2021-11-09
    assert [(d["from"], d["limit"]["value"]) for d in by_code["1.8.8"]["dated"]] == [("2021-11-09", 5)]
    assert by_code["2.4.1"]["statutory"] == {"kind": "working_days", "value": 7, "conditions": []}
    assert by_code["1.6.1"]["statutory"]["kind"] == "none" and by_code["1.6.1"]["target"]["kind"] == "local"
    injury = by_code["1.7.4"]["target"]
    assert (injury["kind"], injury["value"]) == ("days", 30)
    assert [c["value"] for c in injury["conditions"]] == [7, 60]


def test_catalog_without_json_is_readable_chinese():
    out = kuaiban("catalog", "speedup")
    assert out.returncode == 0 and "2.4.1 失业登记：现行 7 个工作日 → 提速后 3 个工作日" in out.stdout


@pytest.mark.parametrize("args, expected", [
    (["--start", "2020-09-30T09:00:00+08:00", "--working-days", "2"], "2020-10-10"),
    (["--start", "2021-02-10T10:00", "--working-days", "1"], "2021-02-18"),
    (["--start", "2020-09-30", "--days", "1"], "2020-10-09"),
    (["--start", "2020-09-30T23:50:00+08:00", "--minutes", "30"], "2020-10-01T00:20:00+08:00"),
])
def test_sla_deadline_json(args, expected):
    assert ok_json("sla", "deadline", *args, "--json") == {"deadline": expected, "provisional": False}


def test_sla_deadline_in_an_unknown_year_is_provisional():
    # 2030's arrangement is neither published nor entered: weekends and the fixed-date holidays only (s20)
    assert ok_json("sla", "deadline", "--start", "2029-12-31", "--working-days", "1", "--json") == {
        "deadline": "2030-01-02", "provisional": True}


@pytest.mark.parametrize("args, option", [
    (["--start", "30/09/2020", "--days", "1"], "--start"),
    (["--days", "1"], "--start"),
    (["--start", "2020-09-30", "--working-days", "zero"], "--working-days"),
    (["--start", "2020-09-30", "--days", "0"], "--days"),
    (["--start", "2020-09-30", "--minutes", "-5"], "--minutes"),
    (["--start", "2020-09-30"], "--working-days"),
    (["--start", "2020-09-30", "--days", "1", "--minutes", "5"], "--minutes"),
])
def test_sla_bad_input_is_one_chinese_line_naming_the_option_and_exit_2(args, option):
    out = kuaiban("sla", "deadline", *args, "--json")
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and option in lines[0]
