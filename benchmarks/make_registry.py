"""A synthetic province registry for the 稳岗返还 免申即享 screening (kuaiban/programs/screening/registry.py).

    python benchmarks/make_registry.py --out /tmp/registry [--enterprises 5000000] [--persons 60000000]
                                       [--seed 1] [--province 370000] [--year 2020]

Every current county of one province (kuaiban.platform.regions) gets a share of the enterprises and, in
proportion, of the insured persons; enterprise sizes are heavy-tailed (most have a handful of employees, a few
thousands); some enterprises had no insured employee in the year. Turnover, layoffs and benefit claims vary by
enterprise, so some exceed a layoff-rate cap. 统一社会信用代码 are well formed (GB 11714 organisation code and
GB 32100 check digit, python-stdnum's `stdnum.cn.uscc` accepts them) and unique; names are "样本单位" with a
number, no real name. The output is deterministic for a seed and written county by county in chunks of at most
--chunk enterprises (bounded memory). Synthetic: the proportions are plausible, not statistics.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kuaiban.platform import regions
from kuaiban.programs.screening.registry import USCC_ALPHABET, USCC_WEIGHTS

EPOCH = date(1970, 1, 1)
UNIT_KINDS = np.array(["enterprise", "other_unit", "fully_funded", "partly_funded"])
UNIT_KIND_SHARE = [0.955, 0.03, 0.005, 0.01]
# 登记管理机关 + 机构类别 of GB 32100: 9 1 工商·企业, 5 1 民政·社会团体, 1 2 机构编制·事业单位
PREFIX = np.array([[ord("9"), ord("1")], [ord("5"), ord("1")], [ord("1"), ord("2")], [ord("1"), ord("2")]], np.uint8)
SUFFIX = np.array(["有限公司", "协会", "中心", "中心"])
SEPARATIONS = np.array(["layoff", "resignation", "contract_end", "retirement", "transfer_out", "death",
                        "dismissal_art39", "group_transfer", "study", "military", "other"])
SEPARATION_SHARE = [0.25, 0.30, 0.20, 0.10, 0.05, 0.01, 0.03, 0.02, 0.01, 0.01, 0.02]
CLAIM_CHANCE = np.array([0.45, 0.05, 0.4, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.2])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_VALUE = np.full(256, 0, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _VALUE[ord(_c)] = _i
_ALPHABET = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)


def counties(province: str) -> list[regions.Region]:
    """The province's current county-level regions (no 市辖区/县 groupings)."""
    out, todo = [], regions.children(province)
    while todo:
        region = todo.pop()
        if region.level == regions.COUNTY:
            out.append(region)
        else:
            todo.extend(regions.children(region.code))
    return sorted(out, key=lambda r: r.code)


def strings(chars: np.ndarray) -> pa.Array:
    """An (n, k) uint8 array of ASCII as an Arrow string array, without a Python string per row."""
    n, k = chars.shape
    offsets = np.arange(0, (n + 1) * k, k, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())])


def credit_codes(kinds: np.ndarray, county: str, serial: np.ndarray) -> pa.Array:
    """统一社会信用代码: prefix, the county code, a unique 8-digit body with its GB 11714 check character, and
    the GB 32100 check character."""
    n = len(serial)
    chars = np.zeros((n, 18), dtype=np.uint8)
    chars[:, :2] = PREFIX[kinds]
    chars[:, 2:8] = np.frombuffer(county.encode(), dtype=np.uint8)
    body = (serial.astype(np.int64) * 48271 + 12345) % 100_000_000  # a bijection on 8-digit numbers
    for i in range(8):
        chars[:, 8 + 7 - i] = ord("0") + (body // 10**i) % 10
    org = (chars[:, 8:16] - ord("0")).astype(np.int64) @ ORG_WEIGHTS
    check = (11 - org % 11) % 11  # 10 is written X, 11 (0 here) is written 0
    chars[:, 16] = np.where(check == 10, ord("X"), ord("0") + check)
    total = _VALUE[chars[:, :17]] @ USCC_WEIGHTS
    chars[:, 17] = _ALPHABET[(31 - total) % 31]
    return strings(chars)


def days(day: date) -> int:
    return (day - EPOCH).days


def size_class(employees: np.ndarray) -> np.ndarray:
    """A plausible 企业划型 from the head count alone (the real one depends on industry and revenue)."""
    return np.array(["micro", "small", "medium", "large"])[np.searchsorted([10, 100, 1000], employees, side="right")]


def county_chunk(rng, county: regions.Region, first_serial: int, first_person: int, sizes: np.ndarray,
                 year: int) -> tuple[pa.Table, pa.Table]:
    n = len(sizes)
    kinds = rng.choice(len(UNIT_KINDS), size=n, p=UNIT_KIND_SHARE)
    serial = np.arange(first_serial, first_serial + n)
    codes = credit_codes(kinds, county.code, serial)
    names = pa.array([f"{county.name}样本单位{s:07d}{SUFFIX[k]}" for s, k in zip(serial.tolist(), kinds.tolist(),
                                                                              strict=True)])
    paid = np.where(rng.random(n) < 0.9, rng.integers(12, 181, n), rng.integers(0, 12, n))
    enterprises = pa.table({"credit_code": codes, "name": names, "unit_kind": pa.array(UNIT_KINDS[kinds]),
                            "size": pa.array(size_class(sizes)), "ui_paid_months": pa.array(paid, pa.int32()),
                            # 僵尸/失信/破产 (鲁人社字〔2020〕26号 四（二）): none in the synthetic province
                            "exclusion": pa.nulls(n, pa.string())})
    # persons: each enterprise's turnover; a few enterprises shed many
    total = int(sizes.sum())
    owner = np.repeat(np.arange(n), sizes)
    turnover = np.where(rng.random(n) < 0.12, rng.beta(2, 6, n), rng.beta(1, 40, n))[owner]
    start, end = days(date(year, 1, 1)), days(date(year, 12, 31))
    joined_before = rng.random(total) < 0.8
    insured_from = np.where(joined_before, rng.integers(days(date(2005, 1, 1)), start, total),
                            rng.integers(start, end + 1, total))
    left = rng.random(total) < turnover
    began = np.maximum(insured_from, start)
    until = began + ((end - began) * rng.random(total)).astype(np.int64)
    reason = rng.choice(len(SEPARATIONS), size=total, p=SEPARATION_SHARE)
    claimed = left & (rng.random(total) < CLAIM_CHANCE[reason])
    months = np.clip((np.where(left, until, end) - np.maximum(insured_from, start)) // 30 + 1, 1, 12)
    base_yuan = np.clip(rng.lognormal(np.log(5200), 0.45, total), 3000, 25000).astype(np.int64)
    persons = pa.table({
        "person_id": pa.array(np.arange(first_person, first_person + total, dtype=np.int64)),
        "credit_code": codes.take(pa.array(owner)),
        "insured_from": pa.array(insured_from.astype(np.int32), pa.int32()).cast(pa.date32()),
        "insured_until": pa.array(until.astype(np.int32), pa.int32(), mask=~left).cast(pa.date32()),
        "separation": pa.array(SEPARATIONS[reason], mask=~left),
        "claimed_benefit": pa.array(claimed),
        # 1 % of the monthly base (单位及个人 together) for each month insured in the year, in fen
        "contributions_fen": pa.array(months * base_yuan, pa.int64()),
    })
    return enterprises, persons


def generate(out: Path, enterprises: int, persons: int, seed: int, province: str = "370000", year: int = 2020,
             chunk: int = 100_000, progress=print, limit: int | None = None) -> dict:
    places = counties(province)[:limit]
    if not places:
        raise SystemExit(f"{province}：没有下辖的县级行政区划")
    rng = np.random.default_rng([seed, 0])
    weights = rng.lognormal(0, 0.7, len(places))
    per_county = rng.multinomial(enterprises, weights / weights.sum())
    persons_per_county = rng.multinomial(persons, per_county / max(per_county.sum(), 1))
    out.mkdir(parents=True, exist_ok=False)
    serial, person, written = 0, 0, 0
    for index, (county, e_count, p_count) in enumerate(zip(places, per_county, persons_per_county, strict=True)):
        if e_count == 0:
            continue
        local = np.random.default_rng([seed, index + 1])
        weight = local.lognormal(0, 1.5, e_count)
        staffed = local.random(e_count) < min(0.97, p_count / e_count)  # the rest had no insured employee
        sizes = staffed + local.multinomial(p_count - int(staffed.sum()), weight / weight.sum())
        for part, first in enumerate(range(0, e_count, chunk)):
            piece = sizes[first:first + chunk]
            e_table, p_table = county_chunk(local, county, serial, person, piece, year)
            for name, table in (("enterprises", e_table), ("persons", p_table)):
                folder = out / name / f"region={county.code}"
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(table, folder / f"part-{part:05d}.parquet", row_group_size=256_000)
            serial += len(piece)
            person += int(piece.sum())
        written += 1
        progress(f"{county.code} {county.name}: {e_count} 个单位, {p_count} 条参保记录")
    manifest = {"contribution_year": year, "province": province, "seed": seed, "enterprises": serial,
                "persons": person, "regions": written, "generator": "benchmarks/make_registry.py"}
    (out / "registry.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成合成的省级参保单位与参保人员登记数据（分区 Parquet）")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--enterprises", type=int, default=5_000_000)
    parser.add_argument("--persons", type=int, default=60_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", default="370000")
    parser.add_argument("--year", type=int, default=2020, help="缴费记录所属年度（筛查日期的上一年）")
    parser.add_argument("--chunk", type=int, default=100_000, help="每个文件至多多少个单位")
    parser.add_argument("--counties", type=int, default=None, help="只用前 N 个县级区划（测试用）")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, args.enterprises, args.persons, args.seed, args.province, args.year, args.chunk,
                        progress=(lambda text: None) if args.quiet else print, limit=args.counties)
    size = sum(p.stat().st_size for p in args.out.rglob("*.parquet"))
    print(json.dumps(manifest | {"seconds": round(time.perf_counter() - started, 1), "bytes": size},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
