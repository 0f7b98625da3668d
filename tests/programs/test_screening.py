"""稳岗返还 免申即享 screening: amounts worked out from the clauses, a reason for every refusal, the registry's
errors in Chinese naming file and column, and nothing half-written when a region fails."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.programs.screening import ScreeningError, screen
from kuaiban.programs.screening.compute import RESULT_SCHEMA, explain
from kuaiban.programs.screening.config import program
from kuaiban.rules.calculators import get
from tests.programs.screening_data import credit_code, enterprise, generated, people, write_registry

NATIONAL = "stable_job_refund_2021"
SHANDONG = "sd_stable_job_refund_2020"
NATIONAL_FIGURES = {"layoff_rate_cap": "0.055", "fund_reserve_ok": "true",
                    "refund_share_sme": "0.6", "refund_share_large": "0.3"}  # figures a run supplies
SD_FIGURES = {"fund_reserve_months": "15"}
LEFT_2020, LEFT_2019 = date(2020, 6, 30), date(2019, 6, 30)


def _rows(out: Path) -> dict[str, dict]:
    return {row["credit_code"]: row for row in pq.read_table(out / "results").to_pylist()}


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> tuple[dict, dict[str, dict]]:
    """A hand-made registry screened for the 2021 national refund (人社部发〔2021〕29号 一)."""
    root = tmp_path_factory.mktemp("national")
    a, b, c, d, e, f = (credit_code() for _ in range(6))
    g = credit_code("370103")
    enterprises = [enterprise(a, "micro"), enterprise(b, "large"), enterprise(c, "medium"), enterprise(d, "small"),
                   enterprise(e, "large", kind="fully_funded"), enterprise(f, "micro")]
    persons = (people(a, 5, 6000)
               + people(a, 1, 0, since=date(2021, 2, 1))  # insured after the year: not counted
               + people(a, 1, 0, left=date(2019, 12, 31), why="layoff")  # left before the year: not counted
               + people(b, 95, 10000) + people(b, 5, 5000, left=LEFT_2020, why="layoff")
               + people(c, 94, 10000) + people(c, 6, 5000, left=LEFT_2020, why="resignation")
               + people(d, 16, 5000) + people(d, 4, 5000, left=LEFT_2020, why="layoff")
               + people(e, 10, 10000))
    registry = write_registry(root / "registry", 2020, {
        "370102": (enterprises, persons),
        "370103": ([enterprise(g, "small")], people(g, 10, 10000)),
    })
    manifest = screen(NATIONAL, registry, root / "out", as_of=date(2021, 7, 1), figures=NATIONAL_FIGURES)
    codes = dict(zip("abcdefg", (a, b, c, d, e, f, g), strict=True))
    return manifest, {key: row for key, code in codes.items() for row in [_rows(root / "out")[code]]}


def test_national_amounts_are_the_clause_shares_of_last_years_contributions(national) -> None:
    manifest, rows = national
    # 中小微企业按不超过60%返还: 5 × 60.00 = 300.00 paid, 180.00 back; the later and earlier spells not counted
    assert (rows["a"]["amount"], rows["a"]["insured_last_year"], rows["a"]["contributions_last_year"]) == (
        "180.00", 5, "300.00")
    # 大型企业按不超过30%: 95 × 100.00 + 5 × 50.00 = 9750.00 → 2925.00; 5 laid off of 100 = 5 % ≤ 5.5 %
    assert (rows["b"]["amount"], rows["b"]["layoff_rate"]) == ("2925.00", 0.05)
    # 30人（含）以下…不高于参保职工总数20%: 4 of 20 → 60 % of 20 × 50.00
    assert (rows["d"]["amount"], rows["d"]["layoff_rate"]) == ("600.00", 0.2)
    assert rows["g"]["amount"] == "600.00" and rows["g"]["region"] == "370103"
    # the run pays the shares at the texts' ceilings (60 % / 30 %): the amounts are the region's, not marked ceilings
    assert all(rows[k]["eligible"] and not rows[k]["ceiling"] and rows[k]["reason"] == "" for k in "abdg")
    assert manifest["eligible"] == 4 and manifest["rows"] == 7
    assert Decimal(manifest["total_amount"]) == Decimal("180.00") + Decimal("2925.00") + Decimal("600.00") * 2
    assert manifest["figures"] == {"layoff_rate_cap": 0.055, "fund_reserve_ok": True, "refund_share_sme": 0.6,
                                   "refund_share_large": 0.3}
    assert manifest["regions"] == ["370102", "370103"] and "nat_2021_refund" in manifest["sources"]


def test_national_refusals_carry_the_calculators_reason(national) -> None:
    _manifest, rows = national
    refused = {k: rows[k] for k in "cef"}
    assert all(not row["eligible"] and row["amount"] == "0.00" and not row["ceiling"] for row in refused.values())
    # 6 of 100 resigned (the national reading leaves out only retirement and death): 6 % above the 5.5 % line
    assert "6 / 参保职工 100 = 6.00%" in refused["c"]["reason"] and "裁员率条件不满足" in refused["c"]["reason"]
    assert "不属于稳岗返还范围" in refused["e"]["reason"]
    assert refused["f"]["reason"].startswith("上年度参保职工人数：") and refused["f"]["insured_last_year"] == 0
    assert not any(ch.isascii() and ch.isalpha() for ch in refused["f"]["reason"])  # no English field key


def test_shandong_excludes_departures_that_are_not_layoffs_and_takes_the_lower_rate(tmp_path: Path) -> None:
    a, b, c = credit_code(), credit_code(), credit_code()
    registry = write_registry(tmp_path / "registry", 2019, {"370102": (
        [enterprise(a, "small"), enterprise(b, "large", paid=36), enterprise(c, "micro", paid=6)],
        people(a, 40, 8000) + people(a, 10, 8000, left=LEFT_2019, why="resignation")  # 本人提出解除: 不视为裁员
        + people(b, 93, 10000) + people(b, 4, 10000, left=LEFT_2019, why="layoff")
        + people(b, 3, 10000, left=LEFT_2019, why="layoff", claimed=True)
        + people(c, 3, 10000))})
    june = screen(SHANDONG, registry, tmp_path / "june", as_of=date(2020, 6, 5), figures=SD_FIGURES)
    rows = _rows(tmp_path / "june")
    # 可返还其上年度单位及其职工实际缴纳失业保险费的50%: 50 × 80.00 × 50 % (a screening of 2020-06-05, before
    # 鲁人社字〔2020〕63号 of 2020-06-08, shandong-2020.txt:3107)
    assert (rows[a]["amount"], rows[a]["layoff_rate"], rows[a]["ceiling"]) == ("2000.00", 0.0, False)
    # 7 laid off, 3 drew benefit: the lower rate 3 % ≤ 5.5 %; 100 × 100.00 × 50 %
    assert (rows[b]["amount"], rows[b]["layoff_rate"]) == ("5000.00", 0.03)
    # 足额缴纳失业保险费12个月以上: 6 months is not enough
    assert not rows[c]["eligible"] and "不符合一般稳岗返还条件" in rows[c]["reason"]
    assert june["figures"] == {"fund_reserve_months": 15.0}
    # from 2020-06-08 中小微企业 100 % (63号 二（一）1, shandong-2020.txt:3125 “提高至…100%”): a screening dated
    # 2020-06-15 takes it (session 15: the month's first day's 50 % was used before); large enterprises keep 50 %
    screen(SHANDONG, registry, tmp_path / "mid_june", as_of=date(2020, 6, 15), figures=SD_FIGURES)
    mid_june = _rows(tmp_path / "mid_june")
    assert (mid_june[a]["amount"], mid_june[b]["amount"]) == ("4000.00", "5000.00")
    # and from 2020-07-02 still (“六保三促” 7)
    screen(SHANDONG, registry, tmp_path / "august", as_of=date(2020, 8, 3), figures=SD_FIGURES)
    august = _rows(tmp_path / "august")
    assert (august[a]["amount"], august[b]["amount"]) == ("4000.00", "5000.00")


def test_the_ceiling_mark_agrees_with_the_calculator() -> None:
    nat = get("stable_job_refund").run({
        "region": "370000", "application_date": "2021-07-01", "refund_type": "general", "unit_kind": "enterprise",
        "size": "small", "fund_reserve_ok": True, "insured_last_year": 10, "decrease_last_year": 0,
        "claimants_last_year": 0, "layoff_rate_cap": 0.055, "contributions_last_year": 100.0})
    sd = get("stable_job_refund_regional").run({
        "enterprise_region": "370000", "month": "2020-06-05", "enterprise_size": "small", "insured_last_year": 10,
        "decrease_last_year": 0, "claimants_last_year": 0, "contributions_last_year": 100.0, "ui_paid_months": 24,
        "fund_reserve_months": 15})
    assert nat["value"] > 0 and sd["value"] > 0
    assert program(NATIONAL).ceiling is nat["details"]["is_ceiling"] is True
    assert program(SHANDONG).ceiling is sd["details"]["is_ceiling"] is False


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("province")
    registry = generated(root / "registry", enterprises=400, persons=4800, counties=3)
    manifest = screen(NATIONAL, registry, root / "out", as_of=date(2021, 7, 1), figures=NATIONAL_FIGURES)
    return root, manifest


def test_every_enterprise_has_an_amount_or_a_reason(province) -> None:
    root, manifest = province
    table = pq.read_table(root / "out" / "results")
    assert table.schema.equals(RESULT_SCHEMA)
    rows = table.to_pylist()
    assert len(rows) == manifest["rows"] == 400 and len(manifest["regions"]) == 3
    eligible = [row for row in rows if row["eligible"]]
    refused = [row for row in rows if not row["eligible"]]
    assert eligible and refused
    assert all(Decimal(row["amount"]) > 0 and row["reason"] == "" for row in eligible)
    assert all(row["amount"] == "0.00" and row["reason"] for row in refused)
    assert manifest["eligible"] == len(eligible)
    assert Decimal(manifest["total_amount"]) == sum(Decimal(row["amount"]) for row in eligible)
    assert sorted(json.loads((root / "out" / "manifest.json").read_text(encoding="utf-8"))) == sorted(
        ["program", "as_of", "regions", "rows", "eligible", "total_amount", "sources", "figures", "created_at"])
    assert sorted(p.name for p in (root / "out" / "results").iterdir()) == [f"part-{i:05d}.parquet" for i in range(3)]


def test_a_grouped_reason_is_the_one_the_calculator_gives_for_the_enterprise_itself(province) -> None:
    """Refusals are explained once per group alike but for the amount paid: check that against a run on each
    refused enterprise's own inputs."""
    root, _manifest = province
    rows = [row for row in pq.read_table(root / "out" / "results").to_pylist() if not row["eligible"]]
    calc = get("stable_job_refund")
    checked = 0
    for row in rows:
        if row["insured_last_year"] == 0:
            continue
        decrease = round(row["layoff_rate"] * row["insured_last_year"])
        size = _size_of(root / "registry", row["credit_code"])
        kind = _size_of(root / "registry", row["credit_code"], "unit_kind")
        own = {"region": "370000", "application_date": date(2021, 7, 1), "refund_type": "general",
               "unit_kind": kind, "size": size, "fund_reserve_ok": True,
               "insured_last_year": row["insured_last_year"], "decrease_last_year": decrease,
               "layoff_rate_cap": 0.055, "contributions_last_year": float(row["contributions_last_year"])}
        for claimants in range(decrease + 1):  # the national rule does not read it: any count explains alike
            assert explain(calc, own | {"claimants_last_year": claimants}) == row["reason"]
        checked += 1
        if checked == 8:
            break
    assert checked == 8


def _size_of(registry: Path, code: str, column: str = "size") -> str:
    table = pq.read_table(registry / "enterprises").to_pylist()
    return next(row[column] for row in table if row["credit_code"] == code)


# ---- errors


def _small(tmp_path: Path, year: int = 2020) -> Path:
    a = credit_code()
    return write_registry(tmp_path / "registry", year, {"370102": ([enterprise(a)], people(a, 3, 1000))})


def _error(registry: Path, out: Path, **kwargs) -> str:
    with pytest.raises(ScreeningError) as caught:
        screen(kwargs.pop("code", NATIONAL), registry, out, as_of=kwargs.pop("as_of", date(2021, 7, 1)),
               figures=kwargs.pop("figures", NATIONAL_FIGURES))
    assert not out.exists()
    return caught.value.message


def test_a_missing_column_names_the_file_and_the_column(tmp_path: Path) -> None:
    registry = _small(tmp_path)
    path = registry / "persons" / "region=370102" / "part-00000.parquet"
    pq.write_table(pq.read_table(path).drop(["contributions_fen"]), path)
    message = _error(registry, tmp_path / "out")
    assert message == "persons/region=370102/part-00000.parquet：缺少列 contributions_fen（上年度单位及个人实际缴纳失业保险费（分））"


def test_bad_values_name_file_column_and_row(tmp_path: Path) -> None:
    registry = _small(tmp_path)
    path = registry / "enterprises" / "region=370102" / "part-00000.parquet"
    table = pq.read_table(path)
    code = table.column("credit_code")[0].as_py()
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")  # a wrong check character
    pq.write_table(table.set_column(0, "credit_code", [[broken]]), path)
    message = _error(registry, tmp_path / "out")
    assert "enterprises/region=370102/part-00000.parquet：列 credit_code（统一社会信用代码）不是有效的统一社会信用代码" in message
    assert "第 1 行" in message and message.startswith("地区 370102 筛查失败")


def test_a_person_of_an_unknown_enterprise_is_refused(tmp_path: Path) -> None:
    a = credit_code()
    registry = write_registry(tmp_path / "registry", 2020, {"370102": ([enterprise(a)], people(credit_code(), 1, 1))})
    assert "列 credit_code（参保单位统一社会信用代码）不是本地区（370102）参保单位的代码" in _error(registry, tmp_path / "out")


@pytest.mark.parametrize(("change", "expected"), [
    ("region", "enterprises/region=379999：「379999」不是现行的县级或地级行政区划代码（GB/T 2260）"),
    ("year", "登记数据的缴费记录为 2019 年度，筛查日期 2021-07-01 需要上年度（2020 年）的记录"),
    ("manifest", "登记数据缺少 registry.json（写明缴费记录所属年度 contribution_year）"),
])
def test_registry_layout_errors(tmp_path: Path, change: str, expected: str) -> None:
    registry = _small(tmp_path, year=2019 if change == "year" else 2020)
    if change == "region":
        (registry / "enterprises" / "region=370102").rename(registry / "enterprises" / "region=379999")
        (registry / "persons" / "region=370102").rename(registry / "persons" / "region=379999")
    if change == "manifest":
        (registry / "registry.json").unlink()
    assert _error(registry, tmp_path / "out") == expected


def test_figures_the_texts_do_not_print_must_be_supplied(tmp_path: Path) -> None:
    registry = _small(tmp_path)
    message = _error(registry, tmp_path / "out", figures={"fund_reserve_ok": "true"})
    assert message.startswith("缺少当地数字 layoff_rate_cap：上年度全国城镇调查失业率控制目标")
    assert "应为 0 到 1 之间的比例" in _error(registry, tmp_path / "out",
                                           figures=NATIONAL_FIGURES | {"layoff_rate_cap": "5.5"})
    assert "不在本项目的期限内（2021-05-20 至 2021-12-31" in _error(registry, tmp_path / "out", as_of=date(2022, 1, 4))


def test_nothing_is_half_written_when_a_region_fails(tmp_path: Path) -> None:
    a, b = credit_code(), credit_code("370103")
    registry = write_registry(tmp_path / "registry", 2020, {
        "370102": ([enterprise(a)], people(a, 3, 1000)),
        "370103": ([enterprise(b)], people(b, 3, 1000))})
    (registry / "persons" / "region=370103" / "part-00000.parquet").write_bytes(b"not parquet")
    with pytest.raises(ScreeningError) as caught:
        screen(NATIONAL, registry, tmp_path / "out", as_of=date(2021, 7, 1), figures=NATIONAL_FIGURES)
    assert "persons/region=370103/part-00000.parquet：无法读取为 Parquet 文件" in caught.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]  # no result, no staging directory

    # the schemas pass and the first region is screened; the second's rows fail: its part is not kept either
    write_registry(tmp_path / "again", 2020, {"370103": ([enterprise(b)], people(b, 3, -1))})
    (registry / "persons" / "region=370103" / "part-00000.parquet").write_bytes(
        (tmp_path / "again" / "persons" / "region=370103" / "part-00000.parquet").read_bytes())
    message = _error(registry, tmp_path / "out")
    assert message == ("地区 370103 筛查失败：persons/region=370103/part-00000.parquet：列 contributions_fen"
                       "（上年度单位及个人实际缴纳失业保险费（分））不能为负数（第 1 行等 3 行）")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "registry"]


# ---- command line


def test_the_command_writes_the_result_directory_and_prints_json(tmp_path: Path) -> None:
    registry = _small(tmp_path)
    runner = CliRunner()
    args = ["programs", "screen", "--program", NATIONAL, "--registry", str(registry), "--as-of", "2021-07-01",
            "--set", "refund_share_sme=0.6", "--set", "refund_share_large=0.3",
            "--set", "layoff_rate_cap=0.055", "--set", "fund_reserve_ok=true", "--json"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["eligible"], summary["total_amount"]) == (1, 1, "18.00")  # 60 % of 30.00
    assert json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["total_amount"] == "18.00"

    again = runner.invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert again.exit_code == 2 and "结果目录「out」已存在且不为空" in again.stderr
    missing = runner.invoke(app, [*args[:-5], "--json", "--out", str(tmp_path / "other")])
    assert missing.exit_code == 2 and "缺少当地数字 layoff_rate_cap" in missing.stderr
    assert "--set layoff_rate_cap=值" in missing.stderr  # the command line says how to give it
    both = runner.invoke(app, [*args, "--out", str(tmp_path / "x"), "--workers", "2", "--scheduler", "tcp://h:1"])
    assert both.exit_code == 2 and "只能选一个" in both.stderr
    unknown = runner.invoke(app, ["programs", "screen", "--program", "nope", "--registry", str(registry),
                                  "--out", str(tmp_path / "y")])
    assert unknown.exit_code == 2 and "没有筛查项目「nope」" in unknown.stderr
