"""The 政策计算 JSON API answers exactly what `kuaiban calc` prints, for every calculator."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kuaiban.api import calc
from kuaiban.rules.cli import run_one


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()  # the router alone: it needs no database
    app.include_router(calc.router)
    return TestClient(app)


def test_the_list_is_the_cli_list(client) -> None:
    cli = subprocess.run([sys.executable, "-m", "kuaiban", "calc", "--list", "--json"], capture_output=True,
                         text=True, timeout=120, check=True)
    assert client.get("/api/calc").json() == json.loads(cli.stdout)


def test_every_listed_source_carries_doc_no_article_and_quote(client) -> None:
    for listed in client.get("/api/calc").json()["calculators"]:
        assert listed["sources"], listed["name"]
        for source in listed["sources"]:
            assert source["doc_no"] and source["article"] and source["quote"]


def test_a_calculation_is_the_cli_answer_with_its_cited_explanation(client) -> None:
    raw = {"region": "重庆", "year": 2021, "monthly_wage": 2000}
    answer = client.post("/api/calc/contribution_base", json=raw)
    assert answer.status_code == 200
    assert answer.json() == run_one("contribution_base", raw)
    assert answer.json()["value"] == 3699.0


def test_bad_input_is_422_with_the_field_as_data(client) -> None:
    answer = client.post("/api/calc/contribution_base", json={"region": "湖南", "year": 2020, "monthly_wage": -5})
    assert answer.status_code == 422
    body = answer.json()
    assert body["field"] == "monthly_wage"
    assert body["error"].startswith("月工资：") and "monthly_wage" not in body["error"]


def test_a_non_object_input_is_named_like_the_cli_names_it(client) -> None:
    answer = client.post("/api/calc/contribution_base", json=[1, 2])
    assert answer.status_code == 422
    assert answer.json() == {"error": "输入：应为 JSON 对象 {...}", "detail": "输入：应为 JSON 对象 {...}",
                             "field": "input"}


def test_an_unknown_calculator_is_404_naming_the_known_ones(client) -> None:
    answer = client.post("/api/calc/pension", json={})
    assert answer.status_code == 404
    assert answer.json()["field"] == "calculator"
    assert "pension_adjustment" in answer.json()["error"]


def test_a_spec_calculator_answers_with_a_region_code_and_names_the_field_of_a_gap(client) -> None:
    raw = {"region": 110000, "month": "2020-07", "contribution_months": 240, "benefit_month": 1}
    answer = client.post("/api/calc/unemployment_benefit", json=raw)
    assert answer.status_code == 200 and answer.json()["value"] == 1925.0
    gap = client.post("/api/calc/unemployment_benefit", json=raw | {"month": "2020-06"})
    assert gap.status_code == 422
    assert gap.json()["field"] == "month" and gap.json()["detail"].startswith("领取月份：所收政策文件对 北京 2020-06 没有规定")


def test_listed_sources_carry_their_registry_key(client) -> None:
    from kuaiban.platform.citations import registry

    for listed in client.get("/api/calc").json()["calculators"]:
        for source in listed["sources"]:
            assert registry()[source["key"]].as_json() == {k: source[k] for k in ("doc_no", "article", "quote")}
