"""Throughput of the rules over a population, beside the same arithmetic written directly in NumPy.

    .venv/bin/python benchmarks/rules_throughput.py [NAME ...] [--rows 1000000 10000000] [--repeat 5]
        [--workers 1 2] [--end-to-end] [--out results.json]

NAME is a calculator with an entry in CASES below (default: all of them); a new calculator is benchmarked
by adding its synthetic population and its NumPy arithmetic there. For each calculator and each size it
builds a synthetic population, writes it to Parquet (one file, and a directory of 1 M-row files) and reads
it back with `population.read_table` (strings dictionary-encoded, dates as date32), then times, in one run:

- numpy: the calculator's arithmetic written directly in NumPy on already converted arrays (the
  near-limit baseline, no validation), checked equal to kuaiban's values;
- numpy_from_table: the same, including the conversion from the Arrow columns (dictionary codes to
  NumPy codes, dates to datetime64): what a hand-written NumPy program reading the same file must do;
- kuaiban: `population.evaluate` + the result columns, the single-process path of
  `kuaiban calc NAME --population` (validation of every column, gap checks, OpenFisca simulations,
  the value and error columns), without file I/O;
- openfisca_only: the OpenFisca simulations alone, on inputs converted beforehand;
- with --end-to-end: the CLI's single-process path once, Parquet file in and out;
- with --workers: the Dask path (`kuaiban.rules.distributed`), Parquet directory in and out, on a local
  cluster of N worker processes started beforehand (its start-up time reported apart), best of
  `--dask-repeat` runs (the first includes each worker's import of OpenFisca), partitions of
  `--partition-rows` rows.

Wall-clock medians of `--repeat` runs in the same process, after one untimed run of each, the runs taken in
turn round by round (see `interleaved`), and the medians of the process's CPU time (less sensitive to other
jobs on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import simulate
from kuaiban.rules.population import _columns as input_columns
from kuaiban.rules.population import _periods as periods_of
from kuaiban.rules.population import evaluate, prepare, read_table, result_table, run_population

# Each row's county is one of its own province's (a county of another province is refused, as one the
# 行政区划 table does not know); the names are read to their 行政区划代码 once per distinct word.
HUNAN_HARDSHIP = ["吉首市", "凤凰县", "龙山县"]
CHONGQING_HARDSHIP = ["城口县", "巫溪县", "黔江区"]
HUNAN_COUNTIES = [*HUNAN_HARDSHIP, "岳麓区", "芙蓉区"]
CHONGQING_COUNTIES = [*CHONGQING_HARDSHIP, "渝中区", "江北区"]
COUNTIES = np.array(HUNAN_COUNTIES + CHONGQING_COUNTIES)
FILE_ROWS = 1_000_000
ROW_GROUP_ROWS = 250_000  # so that a 1 M-row file splits into partitions two workers can share


# ---- synthetic populations ----


def pension_population(rows: int, rng: np.random.Generator) -> pa.Table:
    hunan = rng.random(rows) < 0.5
    return pa.table({
        "region": np.where(hunan, "湖南", "重庆"),
        "year": np.where(hunan, 2020, 2021),
        "scheme": np.where(rng.random(rows) < 0.8, "enterprise", "institution"),
        "contribution_months": rng.integers(0, 540, rows),
        "pension_base": np.round(rng.uniform(800, 9000, rows), 2),
        "birth_date": pa.array(np.datetime64("1925-01-01") + rng.integers(0, 13000, rows)),
        "retirement_date": pa.array(np.datetime64("1985-01-01") + rng.integers(0, 13000, rows)),
        "county": np.where(hunan, np.array(HUNAN_COUNTIES)[rng.integers(0, len(HUNAN_COUNTIES), rows)],
                           np.array(CHONGQING_COUNTIES)[rng.integers(0, len(CHONGQING_COUNTIES), rows)]),
        # from 1949-10-01: 渝人社发〔2021〕22号 一（三） leaves out those who began before (refused)
        "work_start_date": pa.array(np.datetime64("1949-10-01") + rng.integers(0, 13000, rows)),
    })


CONTRIBUTION_REGIONS = np.array(["上海", "天津", "湖南", "重庆"])


def contribution_population(rows: int, rng: np.random.Generator) -> pa.Table:
    region = CONTRIBUTION_REGIONS[rng.integers(0, 4, rows)]
    return pa.table({
        "region": region,
        "year": np.where(region == "重庆", 2021, 2020),
        "monthly_wage": np.round(rng.uniform(0, 40000, rows), 2),
    })


# ---- the NumPy baselines: conversion from the table, then the arithmetic ----


def codes(column: pa.ChunkedArray, words) -> np.ndarray:
    """Positions in `words` of a string column's values, through its dictionary when it has one."""
    column = column.combine_chunks()
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    lookup = np.array([list(words).index(word) for word in column.dictionary.to_pylist()])
    return lookup[column.indices.to_numpy()]


def days(column: pa.ChunkedArray) -> np.ndarray:
    return column.to_numpy().astype("datetime64[D]")


def numpy_arrays_pension(table: pa.Table) -> dict[str, np.ndarray]:
    return {
        "hunan": codes(table.column("region"), ["湖南", "重庆"]) == 0,
        "enterprise": codes(table.column("scheme"), ["enterprise", "institution"]) == 0,
        "months": table.column("contribution_months").to_numpy(),
        "base": table.column("pension_base").to_numpy(),
        "birth": days(table.column("birth_date")),
        "retired": days(table.column("retirement_date")),
        "work_start": days(table.column("work_start_date")),
        "county_code": codes(table.column("county"), list(COUNTIES)),
        "hunan_listed": np.isin(COUNTIES, HUNAN_HARDSHIP),
        "chongqing_listed": np.isin(COUNTIES, CHONGQING_HARDSHIP),
    }


def fen(x: np.ndarray) -> np.ndarray:
    return np.floor(x * 100 + 0.5 + 1e-9) / 100


def numpy_pension(a: dict[str, np.ndarray]) -> np.ndarray:
    years = -(-a["months"] // 12)
    hn_scope = a["retired"] <= np.datetime64("2019-12-31")
    hn_age = np.where(a["birth"] <= np.datetime64("1939-12-31"), 34.0,
                      np.where(a["birth"] <= np.datetime64("1949-12-31"), 23.0, 0.0))
    hunan = 50 + years * 1.4 + a["base"] * 0.015 + hn_age + a["hunan_listed"][a["county_code"]] * 8.0
    cq_scope = a["retired"] <= np.datetime64("2020-12-31")
    cq_hard = a["chongqing_listed"][a["county_code"]] * 20.0
    early = (a["retired"] <= np.datetime64("2005-12-31")) * np.maximum(years - 20, 0) * 3.0
    revolution = (a["work_start"] <= np.datetime64("1953-12-31")) * 20.0
    age75 = (a["birth"] <= np.datetime64("1945-12-31")) * 50.0
    tilt = np.where(a["enterprise"], revolution + cq_hard + early, cq_hard + age75)
    chongqing = 42 + np.maximum(years, 15) * 2.0 + fen(a["base"] * 0.007) + tilt
    return np.where(a["hunan"], fen(hunan * hn_scope), fen(chongqing * cq_scope))


def numpy_arrays_contribution(table: pa.Table) -> dict[str, np.ndarray]:
    return {"code": codes(table.column("region"), CONTRIBUTION_REGIONS),
            "wage": table.column("monthly_wage").to_numpy()}


def numpy_contribution(a: dict[str, np.ndarray]) -> np.ndarray:
    floors = np.array([4927.0, 3364.0, 2859.0, 3699.0])
    caps = np.array([28017.0, 18969.0, 15162.0, 18495.0])
    return np.minimum(np.maximum(a["wage"], floors[a["code"]]), caps[a["code"]])


# 失业保险金 (unemployment_benefit). 北京, 京人社发[2020]8号 一（一）…（六）: by years of contributions, 满1年不满5年
# 1816, 满5年不满10年 1843, 满10年不满15年 1870, 满15年不满20年 1897, 满20年以上 1925 元/月; “从第13个月起…一律按
# 1816元”. 湖南 湘人社规〔2020〕2号 二, 山东 “六保三促” 14: 90 % of the local minimum wage; 重庆 渝人社办[2021]189号
# （四）3: 90 % in the national key counties only (other counties are refused, so every 重庆 row is in one). The
# minimum wage is not printed: an input (null for Beijing). 人社部发〔2020〕40号 二 (hunan-hrss-2020.txt:5151):
# “参保缴费满1年” — outside Beijing (whose tiers start at 满1年) fewer than 12 months is 0.
BENEFIT_REGIONS = np.array(["北京", "湖南", "山东", "重庆"])


def benefit_population(rows: int, rng: np.random.Generator) -> pa.Table:
    region = BENEFIT_REGIONS[rng.integers(0, 4, rows)]
    wage = np.round(rng.uniform(1500, 2200, rows), 0)
    return pa.table({
        "region": region,
        "month": np.where(rng.random(rows) < 0.5, "2021-10", "2021-11"),
        "contribution_months": rng.integers(0, 480, rows),
        "benefit_month": rng.integers(1, 25, rows),
        "local_minimum_wage": pa.array(wage, mask=region == "北京"),
        "national_key_county": (region == "重庆") | (rng.random(rows) < 0.3),
    })


def numpy_arrays_benefit(table: pa.Table) -> dict[str, np.ndarray]:
    return {"code": codes(table.column("region"), BENEFIT_REGIONS),
            "months": table.column("contribution_months").to_numpy(),
            "benefit_month": table.column("benefit_month").to_numpy(),
            "wage": table.column("local_minimum_wage").fill_null(0).to_numpy(),
            "key_county": table.column("national_key_county").to_numpy()}


def numpy_benefit(a: dict[str, np.ndarray]) -> np.ndarray:
    years = a["months"] // 12
    tier = np.array([0.0, 1816, 1816, 1816, 1816, 1843, 1843, 1843, 1843, 1843, 1870, 1870, 1870, 1870, 1870,
                     1897, 1897, 1897, 1897, 1897, 1925])[np.minimum(years, 20)]
    beijing = np.where((a["benefit_month"] >= 13) & (tier > 0), 1816.0, tier)
    share = np.where(a["months"] >= 12, 0.9, 0.0)  # 重庆: key counties only, as every 重庆 row is
    return np.where(a["code"] == 0, beijing, fen(share * a["wage"]))


# 失业补助金 (unemployment_subsidy). 人社部发〔2020〕40号 三: 领取失业保险金期满仍未就业的失业人员、不符合领取失业保险金
# 条件的参保失业人员 (二: 缴费不满1年; 因本人意愿中断就业) get at most 80 % of the local 失业保险金 (an input), not while
# drawing 失业保险金, once (京人社发[2020]8号), not after a 停发 event (40号 三); 人社部发〔2021〕29号 六: in 2021 only people
# unemployed from 2021-01-01. 北京 2020, 京人社发[2020]8号 一（二）: 1408 元 (缴费满1年), 880 元 (不足1年). Only
# “参保失业人员” (40号 三, hunan-hrss-2020.txt:5153; 29号 六, chongqing-hrss-2021.txt:19166): a person with no month of
# contributions is not insured and gets 0 (the rules since the audits; this baseline gave 80 % before session 15).
SUBSIDY_REGIONS = np.array(["北京", "湖南", "湖北", "山东", "重庆"])


def subsidy_population(rows: int, rng: np.random.Generator) -> pa.Table:
    region = SUBSIDY_REGIONS[rng.integers(0, 5, rows)]
    in_2020 = rng.random(rows) < 0.5
    return pa.table({
        "region": region,
        "month": np.where(in_2020, "2020-10", "2021-06"),
        "contribution_months": rng.integers(0, 240, rows),
        "unemployment_benefit_exhausted": rng.random(rows) < 0.5,
        "left_job_voluntarily": rng.random(rows) < 0.2,
        "drawing_unemployment_benefit": rng.random(rows) < 0.1,
        "unemployment_subsidy_received_before": rng.random(rows) < 0.1,
        "stop_condition_met": rng.random(rows) < 0.05,
        "unemployment_start_date": pa.array(np.datetime64("2020-06-01") + rng.integers(0, 365, rows)),
        "local_unemployment_benefit": pa.array(np.round(rng.uniform(1200, 2000, rows), 0),
                                               mask=(region == "北京") & in_2020),
    })


def numpy_arrays_subsidy(table: pa.Table) -> dict[str, np.ndarray]:
    flags = ("unemployment_benefit_exhausted", "left_job_voluntarily", "drawing_unemployment_benefit",
             "unemployment_subsidy_received_before", "stop_condition_met")
    return {"code": codes(table.column("region"), SUBSIDY_REGIONS),
            "in_2021": codes(table.column("month"), ["2020-10", "2021-06"]) == 1,
            "months": table.column("contribution_months").to_numpy(),
            "start": days(table.column("unemployment_start_date")),
            "local": table.column("local_unemployment_benefit").fill_null(0).to_numpy()} | {
        flag: table.column(flag).to_numpy() for flag in flags}


def numpy_subsidy(a: dict[str, np.ndarray]) -> np.ndarray:
    target = a["unemployment_benefit_exhausted"] | (a["months"] < 12) | a["left_job_voluntarily"]
    eligible = (target & (a["months"] > 0) & ~a["unemployment_subsidy_received_before"] & ~a["drawing_unemployment_benefit"]
                & ~a["stop_condition_met"] & (~a["in_2021"] | (a["start"] >= np.datetime64("2021-01-01"))))
    beijing_2020 = (a["code"] == 0) & ~a["in_2021"]
    amount = np.where(beijing_2020, np.where(a["months"] >= 12, 1408.0, 880.0), 0.8 * a["local"])
    return np.where(eligible, amount, 0.0)


# 遗属待遇 (survivor_benefit). 人社部发〔2021〕18号, data/compilations/chongqing-hrss-2021.txt:18376-18394: 第四条 丧葬
# 补助金 = 2 × 上一年度城镇居民月人均可支配收入; 第五条（一）发放月数 by years of contributions: 不满5年 3, 满5年不满10年
# 6, 满10年不超过15年（含15年）9, 15年以上每多缴费1年增加1个月, 30年以上按30年, 最高24个月; （二）退休人员 each year of
# pension drawn takes off 1 month, 最低9个月; 缴费年限和领取基本养老金时间计算到月; 第六条 不足5年的 not above 个人缴费之和
# (null when unknown: the answer is then the ceiling). In force from 2021-09-01 (第十条, line 18402).
def survivor_population(rows: int, rng: np.random.Generator) -> pa.Table:
    retired = rng.random(rows) < 0.6
    months = rng.integers(0, 480, rows)
    return pa.table({
        "death_date": pa.array(np.datetime64("2021-09-01") + rng.integers(0, 850, rows)),
        "status": np.where(retired, "retired", "employed"),
        "contribution_months": months,
        "pension_months": pa.array(rng.integers(0, 360, rows), mask=~retired),
        "base_income": np.round(rng.uniform(2000, 7000, rows), 2),
        "personal_contributions": pa.array(np.round(rng.uniform(500, 30000, rows), 2),
                                           mask=(months >= 60) | (rng.random(rows) < 0.3)),
    })


def numpy_arrays_survivor(table: pa.Table) -> dict[str, np.ndarray]:
    return {"retired": codes(table.column("status"), ["employed", "retired"]) == 1,
            "months": table.column("contribution_months").to_numpy(),
            "pension_months": table.column("pension_months").fill_null(0).to_numpy(),
            "base": table.column("base_income").to_numpy(),
            "own": table.column("personal_contributions").fill_null(-1.0).to_numpy()}


def numpy_survivor(a: dict[str, np.ndarray]) -> np.ndarray:
    years = a["months"] / 12
    by_years = np.select([years < 5, years < 10, years <= 15], [3.0, 6.0, 9.0], 9 + (np.minimum(years, 30) - 15))
    by_years = np.minimum(by_years, 24.0)
    paid = np.where(a["retired"], np.maximum(by_years - a["pension_months"] / 12, 9.0), by_years)
    total = fen(2 * a["base"] + fen(paid * a["base"]))
    return np.where((a["months"] < 60) & (a["own"] >= 0), np.minimum(total, a["own"]), total)


# 工伤定期待遇调整 (work_injury_benefit_adjustment). 湖南 2020, 湘人社规〔2020〕15号, data/compilations/hunan-hrss-2020.txt:
# 5902-5906 伤残津贴 (2019-12-31 前已享受) +140 元, then 补足到 2020 年统筹地区最低工资标准 (not printed: an input, null
# for survivors); 5920-5924 供养亲属抚恤金 +56 元; 5940 (三) 2003 年前工伤的伤残抚恤金 adjusted the same way; 5944 (五)
# not for people drawing a basic pension. 重庆 2021, 渝人社发〔2021〕11号, data/compilations/chongqing-hrss-2021.txt:
# 19959-19975: 2020-12-31 前已领取; 伤残津贴 一至四级 +300/280/260/240, 未安排工作的五、六级 at least +180; 抚恤金 配偶、
# 孤寡老人和孤儿 +120, 其他亲属 +100. 伤残津贴 is paid to grades 1–6 only (so the population has no other grades).
INJURY_KINDS = np.array(["disability_allowance", "disability_pension_before_2004", "survivor_pension"])
RELATIONS = np.array(["spouse", "orphan", "lone_elderly", "other"])


def injury_population(rows: int, rng: np.random.Generator) -> pa.Table:
    hunan = rng.random(rows) < 0.5
    # 2003 年前工伤的伤残抚恤金 is a 湖南 item; 重庆 rows draw 伤残津贴 or 抚恤金 only
    kind = np.where(hunan, rng.integers(0, 3, rows), np.where(rng.random(rows) < 0.6, 0, 2))
    survivor = kind == 2
    return pa.table({
        "region": np.where(hunan, "湖南", "重庆"),
        "month": np.where(hunan, "2020-03", "2021-01"),
        "work_injury_benefit_kind": INJURY_KINDS[kind],
        "disability_grade": pa.array(rng.integers(1, 7, rows), mask=survivor),
        "survivor_relation": pa.array(RELATIONS[rng.integers(0, 4, rows)], mask=~survivor),
        "monthly_benefit_before": np.round(rng.uniform(800, 5000, rows), 2),
        "benefit_start_date": pa.array(np.datetime64("2000-01-01") + rng.integers(0, 7700, rows)),
        "work_assigned": pa.array(rng.random(rows) < 0.5, mask=survivor),
        "drawing_basic_pension": rng.random(rows) < 0.2,
        "local_minimum_wage": pa.array(np.round(rng.uniform(1220, 1700, rows), 0), mask=~hunan | survivor),
    })


def numpy_arrays_injury(table: pa.Table) -> dict[str, np.ndarray]:
    return {"hunan": codes(table.column("region"), ["湖南", "重庆"]) == 0,
            "kind": codes(table.column("work_injury_benefit_kind"), INJURY_KINDS),
            "grade": table.column("disability_grade").fill_null(0).to_numpy(),
            "relation": codes(table.column("survivor_relation").fill_null("other"), RELATIONS),
            "before": table.column("monthly_benefit_before").to_numpy(),
            "start": days(table.column("benefit_start_date")),
            "assigned": table.column("work_assigned").fill_null(False).to_numpy(),
            "pensioner": table.column("drawing_basic_pension").to_numpy(),
            "wage": table.column("local_minimum_wage").fill_null(0).to_numpy()}


def numpy_injury(a: dict[str, np.ndarray]) -> np.ndarray:
    survivor, close_kin = a["kind"] == 2, a["relation"] != 3
    hunan_disability = np.maximum(a["before"] + 140, a["wage"]) - a["before"]
    hunan = np.where(survivor, 56.0, hunan_disability) * (
        (a["start"] < np.datetime64("2020-01-01")) & ~a["pensioner"])
    by_grade = np.array([0.0, 300, 280, 260, 240, 180, 180])[a["grade"]]
    by_grade = np.where((a["grade"] >= 5) & a["assigned"], 0.0, by_grade)
    chongqing = np.where(survivor, np.where(close_kin, 120.0, 100.0), np.where(a["kind"] == 0, by_grade, 0.0)) * (
        a["start"] < np.datetime64("2021-01-01"))
    return np.where(a["hunan"], hunan, chongqing)


@dataclass(frozen=True)
class Case:
    """What the benchmark needs of a calculator: a valid synthetic population and its NumPy arithmetic."""

    population: Callable[[int, np.random.Generator], pa.Table]
    arrays: Callable[[pa.Table], dict[str, np.ndarray]]
    arithmetic: Callable[[dict[str, np.ndarray]], np.ndarray]


CASES: dict[str, Case] = {
    "pension_adjustment": Case(pension_population, numpy_arrays_pension, numpy_pension),
    "contribution_base": Case(contribution_population, numpy_arrays_contribution, numpy_contribution),
    "unemployment_benefit": Case(benefit_population, numpy_arrays_benefit, numpy_benefit),
    "unemployment_subsidy": Case(subsidy_population, numpy_arrays_subsidy, numpy_subsidy),
    "survivor_benefit": Case(survivor_population, numpy_arrays_survivor, numpy_survivor),
    "work_injury_benefit_adjustment": Case(injury_population, numpy_arrays_injury, numpy_injury),
}


# ---- timing ----


def interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float, object]]:
    """Per run: median wall-clock and CPU seconds of `repeat` timed rounds, and its last result.

    Each run is done once untimed first, then the rounds take every run in turn: on this machine (a VM whose
    kernel pages out memory left cold for a while) the cost of touching fresh memory comes and goes over
    seconds, so timing one run's repeats in a block and the other's after it compared two regimes."""
    for run in runs.values():
        run()
    walls: dict[str, list[float]] = {name: [] for name in runs}
    cpus: dict[str, list[float]] = {name: [] for name in runs}
    users: dict[str, list[float]] = {name: [] for name in runs}
    faults: dict[str, list[int]] = {name: [] for name in runs}
    last: dict[str, object] = {}
    for _ in range(repeat):
        for name, run in runs.items():
            before, wall, cpu = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
            last[name] = run()
            cpus[name].append(time.process_time() - cpu)
            walls[name].append(time.perf_counter() - wall)
            after = resource.getrusage(resource.RUSAGE_SELF)
            users[name].append(after.ru_utime - before.ru_utime)
            faults[name].append(after.ru_minflt - before.ru_minflt)
    USER_CPU.update({name: statistics.median(users[name]) for name in runs})
    FAULTS.update({name: statistics.median(faults[name]) for name in runs})
    return {name: (statistics.median(walls[name]), statistics.median(cpus[name]), last[name]) for name in runs}


USER_CPU: dict[str, float] = {}  # the last interleaved runs: median user-mode CPU seconds (page faults excluded)
FAULTS: dict[str, float] = {}  # and median minor page faults per run


def openfisca_only(name: str, table: pa.Table) -> Callable[[], None]:
    """The OpenFisca simulations alone, one per period, on inputs converted beforehand."""
    calc = get(name)
    prep = prepare(calc, table)
    keys, period_name = periods_of(calc, prep)
    groups = []
    for key in np.unique(keys):
        rows = np.flatnonzero(keys == key)
        period = period_name(int(key))
        groups.append((period, calc.to_variables(input_columns(prep, rows), period), len(rows)))

    def run() -> None:
        for period, variables, count in groups:
            simulate(variables, period, (calc.variable,), count)

    return run


def write_population(case: Case, rows: int, folder: Path, seed: int) -> tuple[Path, Path]:
    """The population as one Parquet file and as a directory of FILE_ROWS-row files (same rows)."""
    parts = folder / "parts"
    parts.mkdir()
    rng = np.random.default_rng(seed)
    for i, start in enumerate(range(0, rows, FILE_ROWS)):
        pq.write_table(case.population(min(FILE_ROWS, rows - start), rng), parts / f"{i:03d}.parquet",
                       row_group_size=ROW_GROUP_ROWS)
    whole = folder / "population.parquet"
    with pq.ParquetWriter(whole, pq.read_schema(parts / "000.parquet")) as writer:
        for part in sorted(parts.iterdir()):
            writer.write_table(pq.read_table(part))
    return whole, parts


def bench_single(name: str, case: Case, table: pa.Table, repeat: int) -> dict:
    calc = get(name)
    arrays = case.arrays(table)

    def kuaiban():
        values, errors = evaluate(calc, table)
        return values, errors, result_table(calc, table, values, errors)

    timings = interleaved({"kuaiban": kuaiban, "numpy": lambda: case.arithmetic(arrays),
                           "from_table": lambda: case.arithmetic(case.arrays(table)),
                           "openfisca": openfisca_only(name, table)}, repeat)
    kuaiban_s, kuaiban_cpu, (values, errors, _) = timings["kuaiban"]
    numpy_s, numpy_cpu, expected = timings["numpy"]
    from_table_s, openfisca_s = timings["from_table"][0], timings["openfisca"][0]
    assert errors.count() == 0, f"{name}: synthetic rows must all be valid"
    max_diff = float(np.max(np.abs(values - expected)))
    assert max_diff < 0.005, f"{name}: kuaiban and numpy disagree by {max_diff}"
    rows = table.num_rows
    return {
        "kuaiban_s": round(kuaiban_s, 3),
        "openfisca_only_s": round(openfisca_s, 3),
        "numpy_s": round(numpy_s, 4),
        "numpy_from_table_s": round(from_table_s, 4),
        "ratio_kuaiban_to_numpy": round(kuaiban_s / numpy_s, 2),
        "ratio_kuaiban_to_numpy_from_table": round(kuaiban_s / from_table_s, 2),
        "cpu_kuaiban_s": round(kuaiban_cpu, 3),
        "cpu_numpy_s": round(numpy_cpu, 4),
        "cpu_ratio_kuaiban_to_numpy": round(kuaiban_cpu / numpy_cpu, 2),
        "user_cpu_kuaiban_s": round(USER_CPU["kuaiban"], 3),
        "user_cpu_numpy_s": round(USER_CPU["numpy"], 4),
        "user_cpu_ratio_kuaiban_to_numpy": round(USER_CPU["kuaiban"] / max(USER_CPU["numpy"], 1e-9), 2),
        "page_faults_per_run_kuaiban": FAULTS["kuaiban"],
        "page_faults_per_run_numpy": FAULTS["numpy"],
        "kuaiban_rows_per_s": round(rows / kuaiban_s),
        "max_abs_difference": max_diff,
    }


def end_to_end(name: str, whole: Path, folder: Path) -> float:
    out = folder / "single-out.parquet"
    start = time.perf_counter()
    run_population(name, whole, out, progress=False)
    seconds = time.perf_counter() - start
    out.unlink()
    return round(seconds, 3)


def bench_dask(name: str, parts: Path, folder: Path, workers: int, repeat: int, partition_rows: int) -> dict:
    from distributed import LocalCluster

    from kuaiban.rules.distributed import run_population_distributed

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        started = time.perf_counter() - start
        times = []
        for _ in range(repeat):
            out = folder / f"dask-out-{workers}"
            begin = time.perf_counter()
            summary = run_population_distributed(name, parts, out, scheduler=cluster.scheduler_address,
                                                 rows_per_partition=partition_rows)
            times.append(time.perf_counter() - begin)
            assert summary["errors"] == 0 and summary["workers"] == workers
            shutil.rmtree(out)
    return {f"dask_{workers}_workers_s": round(min(times), 3),
            f"dask_{workers}_workers_runs_s": [round(t, 3) for t in times],
            f"dask_{workers}_workers_cluster_start_s": round(started, 2),
            "partitions": summary["partitions"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"calculators (default: {', '.join(CASES)})")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="*", default=[], help="Dask local clusters to time, e.g. 1 2")
    parser.add_argument("--dask-repeat", type=int, default=2)
    parser.add_argument("--partition-rows", type=int, default=ROW_GROUP_ROWS,
                        help="rows per Dask partition (partitions are whole row groups of 250 000 rows)")
    parser.add_argument("--end-to-end", action="store_true", help="also time the CLI's single-process path")
    parser.add_argument("--single-max-rows", type=int, default=20_000_000,
                        help="skip the in-memory single-process timings above this many rows")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    names = args.names or list(CASES)
    missing = [name for name in names if name not in CASES]
    if missing:
        sys.exit(f"no synthetic population / NumPy baseline for {missing}: add a Case to CASES")
    get("contribution_base").run({"region": "湖南", "year": 2020, "monthly_wage": 1})  # build the system first
    results = []
    for name in names:
        for rows in args.rows:
            with tempfile.TemporaryDirectory(prefix="rules-throughput-") as tmp:
                folder = Path(tmp)
                whole, parts = write_population(CASES[name], rows, folder, seed=20201231)
                result: dict = {"calculator": name, "rows": rows, "load_average_at_start": os.getloadavg()[0]}
                if rows <= args.single_max_rows:
                    start = time.perf_counter()
                    table = read_table(whole)
                    result["parquet_read_s"] = round(time.perf_counter() - start, 3)
                    result |= bench_single(name, CASES[name], table, args.repeat)
                    del table
                if args.end_to_end:
                    result["end_to_end_single_s"] = end_to_end(name, whole, folder)
                for workers in args.workers:
                    result |= bench_dask(name, parts, folder, workers, args.dask_repeat, args.partition_rows)
                result["load_average_at_end"] = os.getloadavg()[0]
                print(json.dumps(result, ensure_ascii=False), flush=True)
                results.append(result)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
