"""An official figure no compilation prints (an input marked ``official_figure`` in kuaiban/rules/specs, e.g. 遗属待遇's
死亡时本省上一年度城镇居民月人均可支配收入) says where it is officially published and that the explanation will say the
user supplied it: ``figure_hint`` in ``calc --list --json`` and ``GET /api/calc``, and the same words under the field
on the calculator's form (session 21).

Before, only a calculator-level note said “须按当地公布的数字填写”; nothing said who publishes the figure. The hint
names the publisher in words true of it in general (``published`` in the spec); it never gives a number or an address.
"""

from __future__ import annotations

import re

import yaml
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.config import ROOT
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.calculators.base import FIGURE_SUPPLIED, OFFICIAL_NOTE

SPECS = ROOT / "kuaiban" / "rules" / "specs"
SURVIVOR_HINT = "以本省统计部门公布的上一年度数据为准；计算用到此数字时，说明中注明“官方数字由使用者提供”"


def _marked() -> set[tuple[str, str]]:
    """(calculator, input) of every input a spec marks as an official figure."""
    marked = set()
    for path in SPECS.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        marked |= {(spec["name"], entry["name"]) for entry in spec.get("inputs") or () if entry.get("official_figure")}
    return marked


def test_every_marked_official_figure_has_a_hint_and_no_other_input_has_one() -> None:
    hinted = {(c.name, f.name): f.describe()["figure_hint"] for c in CALCULATORS.values() for f in c.fields
              if "figure_hint" in f.describe()}
    marked = _marked()
    assert len(marked) >= 17 and marked <= set(hinted)
    # beyond the specs: the residents' pension calculator (Python) asks for the same date
    assert set(hinted) - marked == {("residents_pension", "scheme_start_date")}
    for key, hint in hinted.items():
        assert hint.endswith(f"；{FIGURE_SUPPLIED}"), key
        where = hint.removesuffix(f"；{FIGURE_SUPPLIED}")
        assert where.startswith(("以", "按", "可向")) and ("公布" in where or "查询" in where), key
        # where it is published, in words: no figure of its own, no address
        assert not re.search(r"\d|http|www|\.cn|\.gov", where), key
    assert hinted[("survivor_benefit", "base_income")] == SURVIVOR_HINT


def test_the_explanation_says_what_the_hint_promises() -> None:
    answer = CALCULATORS["survivor_benefit"].run(
        {"death_date": "2021-09-01", "status": "employed", "contribution_months": 59, "base_income": 3000})
    told = [s["text"] for s in answer["explanation"] if OFFICIAL_NOTE in s["text"]]
    assert told == ["死亡时本省上一年度城镇居民月人均可支配收入：3000元/月（官方数字由使用者提供，汇编未载明）"]


def test_the_api_lists_the_hint_and_the_form_shows_it_under_the_field(tmp_path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'kuaiban.db'}"))
    listing = client.get("/api/calc").json()["calculators"]
    survivor = next(c for c in listing if c["name"] == "survivor_benefit")
    inputs = {i["name"]: i for i in survivor["inputs"]}
    assert inputs["base_income"]["figure_hint"] == SURVIVOR_HINT
    assert "figure_hint" not in inputs["contribution_months"]  # a figure of the person's own: none
    page = client.get("/calc/survivor_benefit").text
    # after the unit, and read out with the box (aria-describedby)
    assert f'<p class="hint" id="base_income-hint">单位：元/月；{SURVIVOR_HINT}</p>' in page
    assert 'name="base_income" type="text" inputmode="decimal" value="" required aria-required="true" ' \
           'aria-describedby="base_income-hint">' in page
