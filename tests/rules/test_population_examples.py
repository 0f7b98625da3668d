"""Every calculator's worked examples, as one population file, give single mode's answers row by row; so do
the same cases with each optional input left out (a missing cell is an input not given: the variable's
default, or its formula), and, for rules dated to a day, the same cases on days around them (days share a
simulation within a span of the rule, and a refused day is named by itself)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.population import run_population
from tests.rules.test_population import _parses, _table

SHIFTS = (-400, -31, -1, 1, 29, 200)  # days


def cases(name: str) -> list[dict]:
    calc = get(name)
    rows = [dict(example["input"]) for example in calc.examples]
    optional = [spec.name for spec in calc.fields if not spec.required]
    rows += [{key: value for key, value in row.items() if key != name}
             for row in list(rows) for name in optional if name in row]
    period = next((spec for spec in calc.fields if spec.name == calc.period_field), None)
    if period is not None and period.type == "date":
        for row in list(rows):
            if isinstance(row.get(period.name), str):
                day = date.fromisoformat(row[period.name])
                rows += [row | {period.name: (day + timedelta(days=shift)).isoformat()} for shift in SHIFTS]
    return rows


@pytest.mark.parametrize("name", sorted(name for name, calc in CALCULATORS.items() if calc.examples))
def test_examples_in_population_mode_answer_as_single_mode(name: str, tmp_path: Path) -> None:
    rows = cases(name)
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table(rows, name), source)
    run_population(name, source, out, progress=False)
    for row, got in zip(rows, pq.read_table(out).to_pylist(), strict=True):
        try:
            expected = get(name).run(row)["value"]
        except CalculatorError as error:
            assert got["value"] is None and got["error_field"] == error.field, (row, got["error"])
            if _parses(name, row):
                assert got["error"] == str(error), row
        else:
            assert got["error"] is None, (row, got["error"])
            if isinstance(expected, bool | int | float):
                assert got["value"] == pytest.approx(float(expected), abs=0.005), row


def test_rows_with_and_without_an_input_that_has_a_formula_answer_as_single_mode(tmp_path: Path) -> None:
    """training_provider_subsidy reads the county code when given, else derives the province's code from the
    region (a formula); 广东's rule is 广州's only (穗人社规字〔2020〕4号 八), so a 广东 row without a city is
    refused (session 14: it was answered 0). A file mixing both kinds of row runs each kind in a simulation of
    its own and answers (or refuses) each as single mode does."""
    base = {"application_date": "2021-03-01", "region": "广东", "provider_trainees": 12, "provider_training_days": 3}
    rows = [base | {"enterprise_region_code": "440106"}, base, base | {"enterprise_region_code": "440300"}, base]
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table(rows, "training_provider_subsidy"), source)
    run_population("training_provider_subsidy", source, out, progress=False)
    got = [(row["value"], _reason(row["error"])) for row in pq.read_table(out).to_pylist()]
    assert got == [_single(row, "training_provider_subsidy") for row in rows]
    assert got[0][0] > 0 and got[2][0] == 0  # 天河区 is in 广州; 深圳 is not
    assert got[1][0] is None and "广州" in got[1][1]  # the province alone: the city is asked for


def test_a_share_one_region_does_not_print_does_not_stop_another_regions_rows(tmp_path: Path) -> None:
    """社会保险补贴 is computed region by region over the whole simulation: 山东's flexible-employment rule
    prints no 4050 share, which must not break a 湖南 row that is 4050 by 山东's ages (found in review)."""
    rows = [  # (no si_minimum_base on the 山东 row: 0 is refused since session 20, ahead of the month's refusal)
        {"region": "山东", "month": "2020-05", "si_mode": "灵活就业（个人申领）",
         "si_group": "就业困难人员中的零就业、单亲、低保家庭人员或需赡养（抚养）患重大疾病直系亲属人员",
         "graduation_date": "2021-11-20", "si_first_approval_date": "2020-04-01", "si_months_received": 1,
         "sex": "女", "birth_date": "1980-03-15", "si_all_three_paid": False, "si_rate": 0.2},
        {"region": "湖南", "month": "2020-05", "si_mode": "灵活就业（个人申领）", "si_group": "就业困难人员", "sex": "男",
         "si_first_approval_date": "2021-01-01", "si_months_received": 4, "si_average_wage": 6000, "si_rate": 0.28,
         "si_all_three_paid": True},
    ]
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table(rows, "social_insurance_subsidy"), source)
    run_population("social_insurance_subsidy", source, out, progress=False)
    got = [(row["value"], _reason(row["error"])) for row in pq.read_table(out).to_pylist()]
    assert got == [_single(row) for row in rows]
    # 湖南 2020: the compilations print no 就业困难人员 flexible-employment rule before 湘人社规〔2020〕22号 (2021)
    assert got[1][0] is None and "湘人社规〔2020〕22号" in got[1][1]


def _reason(error: str | None) -> str | None:
    """An error without the field it names."""
    return error.split("：", 1)[1] if error else None


def _single(row: dict, name: str = "social_insurance_subsidy") -> tuple:
    """Single mode's (value, error) for a row, as population mode writes them."""
    try:
        return get(name).run(row)["value"], None
    except CalculatorError as error:
        return None, _reason(str(error))



def test_a_month_before_a_kinds_figures_take_effect_is_refused_in_both_modes(tmp_path: Path) -> None:
    """天津's employer figures start on 2020-05-15 (津人社局发〔2020〕6号 第七条): May 2020, read on its first day,
    has none. Single mode refused it with a crash in its explanation (found in review); now both modes name
    the month, and June is answered."""
    row = {"region": "天津", "month": "2020-05", "si_mode": "单位招用或公益性岗位安排（单位申领）",
           "si_group": "离校（毕业）2年内未就业高校毕业生", "si_employer_type": "养老服务企业（含民办非企业单位）、员工制家政企业",
           "graduation_date": "2019-07-01", "si_first_approval_date": "2020-06-01", "si_months_received": 3,
           "si_rate": 0.2, "si_injury_rate": 0.005}
    calc = get("social_insurance_subsidy")
    with pytest.raises(CalculatorError) as refused:
        calc.run(row)
    assert refused.value.field == "month"
    assert calc.run(row | {"month": "2020-06"})["value"] > 0
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table([row, row | {"month": "2020-06"}], "social_insurance_subsidy"), source)
    run_population("social_insurance_subsidy", source, out, progress=False)
    got = pq.read_table(out).to_pylist()
    assert got[0]["error"] == str(refused.value) and got[0]["error_field"] == "month"
    assert got[1]["value"] == calc.run(row | {"month": "2020-06"})["value"]
