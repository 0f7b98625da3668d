"""Population mode gives, row by row, what single mode gives, errors included."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.population import run_population

ROWS = 40


def _date(rng: random.Random, start: int, end: int) -> str:
    return f"{rng.randint(start, end)}-{rng.randint(1, 12):02d}-{rng.choice([1, 15, 28, 29, 31]) % 29 + 1:02d}"


def pension_row(rng: random.Random) -> dict:
    region = rng.choice(["湖南", "重庆", "重庆", "湖南", "北京"])
    row = {
        "region": region,
        "year": {"湖南": 2020, "重庆": 2021}.get(region, 2020) if rng.random() > 0.05 else 2019,
        "scheme": rng.choice(["enterprise", "institution"]),
        "contribution_months": rng.randint(0, 540),
        "pension_base": round(rng.uniform(800, 9000), 2),
        "birth_date": _date(rng, 1925, 1962),
        "retirement_date": _date(rng, 1985, 2021),
        "county": rng.choice(["吉首市", "城口县", "巫溪县", "岳麓区", "渝中区"]),
    }
    if rng.random() < 0.5:
        row["work_start_date"] = _date(rng, 1945, 1980)
    return row


def contribution_row(rng: random.Random) -> dict:
    region = rng.choice(["湖南", "重庆", "上海", "天津", "北京"])
    return {"region": region, "year": 2021 if region == "重庆" else 2020,
            "monthly_wage": round(rng.uniform(0, 40000), 2)}


def survivor_row(rng: random.Random) -> dict:
    status = rng.choice(["employed", "retired"])
    row = {"death_date": _date(rng, 2021, 2023), "status": status, "contribution_months": rng.randint(0, 480),
           "base_income": round(rng.uniform(2000, 7000), 2), "pension_months": rng.randint(0, 300)}
    if rng.random() < 0.3:
        row["personal_contributions"] = round(rng.uniform(0, 30000), 2)
    return row


def unemployment_row(rng: random.Random) -> dict:
    """Beijing's bands, the 90 % regions, and the spec's checks: a field only some regions need left out,
    and benefit_month 0 (the message shows the value)."""
    row = {"region": rng.choice(["北京", "北京", "湖南", "山东", "重庆", "上海"]),
           "month": f"{rng.choice([2020, 2021])}-{rng.randint(1, 12):02d}"}
    if rng.random() < 0.9:
        row["contribution_months"] = rng.randint(0, 400)
    if rng.random() < 0.9:
        row["benefit_month"] = rng.randint(0, 24)
    if rng.random() < 0.7:
        row["local_minimum_wage"] = float(rng.randint(1500, 2200))
    if rng.random() < 0.5:
        row["national_key_county"] = rng.random() < 0.5
    return row


def unemployment_subsidy_row(rng: random.Random) -> dict:
    row = {"region": rng.choice(["北京", "湖南", "山东"]), "month": rng.choice(["2020-10", "2021-06", "2022-01"]),
           "contribution_months": rng.randint(0, 30), "unemployment_benefit_exhausted": rng.random() < 0.5}
    for flag in ("left_job_voluntarily", "drawing_unemployment_benefit", "stop_condition_met"):
        if rng.random() < 0.5:
            row[flag] = rng.random() < 0.2
    if rng.random() < 0.7:
        row["unemployment_start_date"] = _date(rng, 2020, 2021)
    if rng.random() < 0.7:
        row["local_unemployment_benefit"] = float(rng.randint(1200, 2000))
    return row


def relief_row(rng: random.Random) -> dict:
    row = {"region": rng.choice(["湖南", "湖北"]), "month": f"2020-{rng.randint(1, 12):02d}",
           "size": rng.choice(["micro", "small", "medium", "large", "individual_business", "other_unit",
                               "public_institution"])}
    if rng.random() < 0.5:
        row |= {"payroll": round(rng.uniform(0, 1e6), 2), "employer_rate": 0.2}
    return row


def refund_row(rng: random.Random) -> dict:
    insured = rng.randint(1, 200)
    return {"region": "湖南", "application_date": _date(rng, 2020, 2020),
            "refund_type": rng.choice(["general", "hardship"]),
            "unit_kind": rng.choice(["enterprise", "enterprise", "other_unit", "fully_funded"]),
            "size": rng.choice(["micro", "small", "medium", "large"]), "restructuring": rng.random() < 0.3,
            "blacklisted": rng.random() < 0.1, "insured_last_year": insured,
            "decrease_last_year": rng.randint(0, insured), "claimants_last_year": rng.randint(0, insured),
            "layoff_rate_cap": 0.055, "contributions_last_year": round(rng.uniform(0, 1e5), 2),
            "loss_months": rng.randint(0, 9), "net_profit_drop": round(rng.uniform(0, 0.5), 3),
            "monthly_unemployment_benefit": 1500.0, "avg_insured_oct_to_mar": float(insured)}


def injury_row(rng: random.Random) -> dict:
    if rng.random() < 0.3:
        return {"region": "湖南", "month": f"2021-{rng.randint(1, 12):02d}", "basis": "project",
                "contract_total": round(rng.uniform(0, 1e8), 2)}
    row = {"region": "湖南", "month": f"{rng.choice([2020, 2021, 2022])}-{rng.randint(1, 12):02d}",
           "basis": "industry", "industry_class": rng.randint(1, 8), "payroll": round(rng.uniform(0, 1e6), 2)}
    if rng.random() < 0.5:
        row["current_rate"] = round(rng.uniform(0, 0.03), 4)
    return row


def residents_row(rng: random.Random) -> dict:
    years = rng.randint(0, 40)
    return {"region": "湖南", "month": f"{rng.choice([2021, 2023, 2026])}-{rng.randint(1, 12):02d}",
            "basic_pension": 103.0, "contribution_years": years,
            "total_contribution_years": max(years + rng.randint(-2, 8), 0),  # below years: refused
            "scheme_start_date": rng.choice(["2009-10-01", "2010-07-01", "2011-07-01"]),
            "account_balance": round(rng.uniform(0, 60000), 2), "birth_date": _date(rng, 1940, 1966)}


def subsidy_row(rng: random.Random) -> dict:
    return {"region": "湖南", "year": rng.choice([2020, 2021, 2024]),
            "tier": rng.choice([100, 200, 250, 300, 400, 500, 3000]), "back_paid": rng.random() < 0.2}


GENERATORS = {
    "pension_adjustment": pension_row,
    "contribution_base": contribution_row,
    "survivor_benefit": survivor_row,
    "unemployment_benefit": unemployment_row,
    "unemployment_subsidy": unemployment_subsidy_row,
    "social_insurance_relief": relief_row,
    "stable_job_refund": refund_row,
    "work_injury_premium": injury_row,
    "residents_pension": residents_row,
    "residents_contribution_subsidy": subsidy_row,
}


def _parses(name: str, row: dict) -> bool:
    """Whether single mode accepts the row's fields, so that an error is a gap, not bad input."""
    try:
        get(name).parse(row)
    except CalculatorError:
        return False
    return True


def _table(rows: list[dict], calc_name: str) -> pa.Table:
    names = [spec.name for spec in get(calc_name).fields]
    return pa.table({name: [row.get(name) for row in rows] for name in names if any(name in r for r in rows)})


@pytest.mark.parametrize("row_groups", [1, 3])
@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_population_matches_single_mode(name: str, row_groups: int, tmp_path: Path) -> None:
    """Also from a file of several row groups: each has its own dictionaries (words in another order, a bad
    word in one group only) and its own nulls, and the columns are read chunk by chunk."""
    rng = random.Random(name)
    rows = [GENERATORS[name](rng) for _ in range(ROWS)]
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table(rows, name), source, row_group_size=-(-ROWS // row_groups))
    assert pq.ParquetFile(source).metadata.num_row_groups == row_groups
    summary = run_population(name, source, out, progress=False)
    result = pq.read_table(out).to_pylist()
    assert summary["rows"] == ROWS
    for row, got in zip(rows, result, strict=True):
        try:
            expected = get(name).run(row)["value"]
        except CalculatorError as error:
            # the same field as single mode (which names it by its label); for gaps (input that parses) the
            # very same message
            assert got["value"] is None and got["error_field"] == error.field, row
            if _parses(name, row):
                assert got["error"] == str(error), row
        else:
            assert got["error"] is None, (row, got["error"])
            assert got["value"] == pytest.approx(expected, abs=0.005), row


def test_spec_checks_group_rows_by_presence_where_only_presence_matters() -> None:
    """A check reading `x == None` needs only whether x is there, so a million distinct amounts make one
    group, not a million scalar checks; benefit_month keeps its values (its message shows the value)."""
    assert get("unemployment_subsidy").gap_fields == (
        "region", "month", "?local_unemployment_benefit", "?unemployment_start_date")
    # national_key_county keeps its values: 重庆's other counties are refused (audit 1 D1)
    assert get("unemployment_benefit").gap_fields == (
        "region", "month", "benefit_month", "?contribution_months", "?local_minimum_wage", "national_key_county")


def test_cli_population_writes_csv_and_reports_counts(tmp_path: Path) -> None:
    source, out = tmp_path / "people.csv", tmp_path / "result.csv"
    source.write_text("region,year,monthly_wage\n湖南,2020,1000\n天津,2020,99999\n北京,2020,5000\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(source), "--out", str(out),
                                      "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["rows"], summary["computed"], summary["errors"]) == (3, 2, 1)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(',"value","error","error_field"')
    assert lines[1].endswith(",2859,,") and lines[2].endswith(",18969,,")
    assert lines[3].startswith('"北京",2020,5000,,"参保地：汇编未给出北京的缴费基数上下限数额')
    assert lines[3].endswith(',"region"')


def test_population_missing_required_column_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("region,year\n湖南,2020\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calc", "contribution_base", "--population", str(source), "--out",
                                      str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"error": "monthly_wage：文件缺少此列"}


def test_population_row_errors_are_the_chinese_field_first_messages(tmp_path: Path) -> None:
    source, out = tmp_path / "people.csv", tmp_path / "result.csv"
    source.write_text("region,year,monthly_wage\n湖南,2020,-5\n火星,2020,5000\n湖南,2021,5000\n", encoding="utf-8")
    run_population("contribution_base", source, out, progress=False)
    rows = pcsv.read_csv(out).to_pylist()
    assert [row["error"] for row in rows] == [  # as users read them: the field by its Chinese label
        "月工资：不能为负数",
        "参保地：未知地区，可选：湖南、重庆、上海、天津",
        "缴费年度：所收政策文件对 湖南 2021 年 没有规定，无法计算（已有规定：2020 年）",
    ]
    assert [row["error_field"] for row in rows] == ["monthly_wage", "region", "year"]  # the column to correct


def test_one_bad_number_flags_its_own_row_not_the_whole_column(tmp_path: Path) -> None:
    """A stray cell makes the CSV reader type the whole column as text; each cell is still judged alone."""
    source, out = tmp_path / "people.csv", tmp_path / "result.csv"
    source.write_text("region,year,monthly_wage\n湖南,2020,1000\n湖南,2020,一千\n湖南,2020, 5000 \n", encoding="utf-8")
    run_population("contribution_base", source, out, progress=False)
    rows = pcsv.read_csv(out).to_pylist()
    assert [row["error"] or None for row in rows] == [None, "月工资：应为数字", None]
    assert rows[0]["value"] == 2859 and rows[2]["value"] is not None


def test_integer_columns_of_any_width_are_checked_like_numbers(tmp_path: Path) -> None:
    """Parquet integer columns skip the float checks (they are whole and finite): a negative still flags its
    own row, and a uint64 column (which int64 cannot hold in general) goes through the number checks."""
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"region": ["北京"] * 3, "month": ["2020-08"] * 3,
                             "contribution_months": pa.array([60, -1, 60], pa.int32()),
                             "benefit_month": pa.array([1, 1, 2], pa.uint64())}), source)
    run_population("unemployment_benefit", source, out, progress=False)
    rows = pq.read_table(out).to_pylist()
    single = get("unemployment_benefit")
    base = {"region": "北京", "month": "2020-08", "contribution_months": 60}
    assert (rows[0]["value"], rows[0]["error"]) == (single.run(base | {"benefit_month": 1})["value"], None)
    assert (rows[1]["value"], rows[1]["error"]) == (None, "累计缴费月数：不能为负数")
    assert (rows[2]["value"], rows[2]["error"]) == (single.run(base | {"benefit_month": 2})["value"], None)


def test_chunked_columns_convert_as_pyarrow_converts_them() -> None:
    """The chunk-by-chunk conversions (bitmaps unpacked, numbers and dates copied once, nulls filled at their
    positions) give what pyarrow's own conversions give, for sliced chunks (an offset into their buffers) too."""
    import numpy as np

    from kuaiban.rules.population import _booleans, _dense, _present

    def chunked(values: list, kind: pa.DataType) -> pa.ChunkedArray:
        whole = pa.array(values, kind)
        return pa.chunked_array([whole.slice(1, 4), whole.slice(5, 3), whole.slice(8)])

    numbers = chunked([7.5, None, 2.0, 3.25, None, 1.0, None, 8.0, 9.5, None, 4.0], pa.float64())
    whole = chunked([1, 2, None, 4, 5, 6, None, 8, 9, 10, None], pa.int64())
    days = chunked([18000, None, 18001, 18002, None, 18003, 18004, None, 18005, 18006, 18007], pa.int32())
    days = days.cast(pa.date32())
    flags = chunked([True, None, False, True, True, None, False, True, None, True, False], pa.bool_())
    epoch = pa.scalar(0, pa.int32()).cast(pa.date32())
    for column, fill in ((numbers, 0.0), (whole, 0), (days, epoch)):
        assert (_dense(column, 0) == column.fill_null(fill).to_numpy()).all()
        assert (_present(column) == column.is_valid().to_numpy()).all()
    assert (_booleans(flags) == flags.fill_null(False).to_numpy()).all()
    assert _dense(pa.chunked_array([pa.nulls(3, pa.float64())]), 0).tolist() == [0.0] * 3
    assert not np.any(_present(pa.chunked_array([pa.nulls(2, pa.float64())])))


def test_dictionary_chunks_with_missing_cells_code_as_the_general_path_does() -> None:
    """A choice column of several dictionary chunks with missing cells (sliced, one wholly missing) is coded
    chunk by chunk: missing cells take code 0, every other cell its word's code, as the cell-by-cell path."""
    from kuaiban.rules.population import _codes

    table = {"甲": 0, "乙": 1, "丙": 2}
    chunks = [pa.array(["乙", None, "丙", "甲", None]).dictionary_encode(),
              pa.array([None, None], pa.string()).dictionary_encode(),
              pa.array(["甲", "乙", None, "丙"]).dictionary_encode().slice(1)]
    code_of = lambda word: table.get(word, -1)  # noqa: E731
    fast, nothing_to_flag = _codes(pa.chunked_array(chunks), code_of)
    general, known = _codes(pa.chunked_array([chunk.cast(pa.string()) for chunk in chunks]), code_of)
    assert nothing_to_flag is None
    assert fast.tolist() == [1, 0, 2, 0, 0, 0, 0, 1, 0, 2]
    assert fast.tolist() == [code if ok else 0 for code, ok in zip(general.tolist(), known.tolist(), strict=True)]


def test_whole_numbers_beyond_the_simulations_int32_are_row_errors_as_in_single_mode(tmp_path: Path) -> None:
    """OpenFisca keeps whole numbers as int32: single mode refuses a larger one, and so does each row here
    (it was wrapped round before); the other rows are computed from int32 columns."""
    from kuaiban.rules.calculators.base import MAX_WHOLE
    from kuaiban.rules.messages import too_large

    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    months = pa.array([60, MAX_WHOLE + 1, 300], pa.int64())
    pq.write_table(pa.table({"region": ["北京"] * 3, "month": ["2020-08"] * 3, "contribution_months": months,
                             "benefit_month": pa.array([1, 1, 2], pa.int64())}), source)
    run_population("unemployment_benefit", source, out, progress=False)
    rows = pq.read_table(out).to_pylist()
    single = get("unemployment_benefit")
    base = {"region": "北京", "month": "2020-08"}
    with pytest.raises(CalculatorError) as refused:
        single.run(base | {"contribution_months": MAX_WHOLE + 1, "benefit_month": 1})
    assert refused.value.field == rows[1]["error_field"] == "contribution_months"
    assert (rows[1]["value"], rows[1]["error"]) == (None, single.label_message(too_large("contribution_months", MAX_WHOLE)))
    assert rows[0]["value"] == single.run(base | {"contribution_months": 60, "benefit_month": 1})["value"]
    assert rows[2]["value"] == single.run(base | {"contribution_months": 300, "benefit_month": 2})["value"]


def test_csv_empty_cells_are_inputs_not_given_in_every_kind_of_column(tmp_path: Path) -> None:
    """An empty CSV cell is an input not given, as in single mode: in a boolean column read as empty (type
    null) or as text, and in a text column of choices (pyarrow reads an empty text cell as "" by default)."""
    flags = tmp_path / "flags.csv"
    flags.write_text("deposit_date,contract_value,provincial_deposit_ratio,several_projects\n"
                     "2021-11-01,10000000,0.02,\n2021-11-01,5000000,0.02,\n", encoding="utf-8")
    run_population("wage_deposit", flags, tmp_path / "flags.parquet", progress=False)
    assert [row["value"] for row in pq.read_table(tmp_path / "flags.parquet").to_pylist()] == [200000.0, 100000.0]
    words = tmp_path / "words.csv"
    words.write_text("deposit_date,contract_value,provincial_deposit_ratio,several_projects\n"
                     "2021-11-01,10000000,0.02,true\n2021-11-01,5000000,0.02,yes\n", encoding="utf-8")
    run_population("wage_deposit", words, tmp_path / "words.parquet", progress=False)
    result = pq.read_table(tmp_path / "words.parquet").to_pylist()
    assert result[0]["error"] is None and result[1]["error_field"] == "several_projects"
    choice = tmp_path / "choice.csv"
    choice.write_text("region,application_date,su_first,su_months,su_founder,su_contributions\n"
                      "山东,2020-08-01,true,12,,true\n", encoding="utf-8")
    run_population("startup_subsidy", choice, tmp_path / "choice.parquet", progress=False)
    expected = get("startup_subsidy").run({"region": "山东", "application_date": "2020-08-01", "su_first": True,
                                           "su_months": 12, "su_contributions": True})["value"]
    assert pq.read_table(tmp_path / "choice.parquet").to_pylist()[0]["value"] == expected


def test_a_choice_with_spaces_around_it_is_read_alike_in_both_modes(tmp_path: Path) -> None:
    """A CSV cell " enterprise" (a space after the comma): population mode always stripped it; single mode now
    reads it the same way instead of refusing it."""
    row = {"region": "湖南", "year": 2020, "scheme": " enterprise", "contribution_months": 360,
           "pension_base": 3000.0, "birth_date": "1950-03-01", "retirement_date": "2010-03-01", "county": "岳麓区"}
    single = get("pension_adjustment").run(row)["value"]
    assert single == get("pension_adjustment").run({**row, "scheme": "enterprise"})["value"]
    source, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(_table([row], "pension_adjustment"), source)
    run_population("pension_adjustment", source, out, progress=False)
    assert pq.read_table(out).column("value").to_pylist() == [pytest.approx(single)]
