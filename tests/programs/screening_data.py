"""Registries for the screening tests: written by hand (each figure chosen so the amount can be worked out from
the clause), or by the synthetic generator of benchmarks/make_registry.py."""

from __future__ import annotations

import importlib.util
import itertools
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.cn import uscc

_serial = itertools.count(1)
ENTERPRISE_SCHEMA = pa.schema([("credit_code", pa.string()), ("name", pa.string()), ("unit_kind", pa.string()),
                               ("size", pa.string()), ("ui_paid_months", pa.int32()), ("exclusion", pa.string())])
PERSON_SCHEMA = pa.schema([("person_id", pa.int64()), ("credit_code", pa.string()), ("insured_from", pa.date32()),
                           ("insured_until", pa.date32()), ("separation", pa.string()),
                           ("claimed_benefit", pa.bool_()), ("contributions_fen", pa.int64())])


def credit_code(county: str = "370102") -> str:
    """A well-formed 统一社会信用代码 of a synthetic enterprise (stdnum computes the check character)."""
    base = f"91{county}{next(_serial):08d}X"
    return base + uscc.calc_check_digit(base)


def enterprise(code: str, size: str = "micro", kind: str = "enterprise", paid: int = 24,
               exclusion: str | None = None) -> dict:
    return {"credit_code": code, "name": f"测试单位{code[-6:]}", "unit_kind": kind, "size": size,
            "ui_paid_months": paid, "exclusion": exclusion}


def people(code: str, count: int, fen: int, *, left: date | None = None, why: str | None = None,
           claimed: bool = False, since: date = date(2015, 1, 1)) -> list[dict]:
    return [{"person_id": next(_serial), "credit_code": code, "insured_from": since, "insured_until": left,
             "separation": why, "claimed_benefit": claimed, "contributions_fen": fen} for _ in range(count)]


def write_registry(root: Path, year: int, regions: dict[str, tuple[list[dict], list[dict]]]) -> Path:
    """`regions`: county code → (enterprise rows, person rows)."""
    root.mkdir(parents=True)
    (root / "registry.json").write_text(json.dumps({"contribution_year": year}), encoding="utf-8")
    for region, (enterprises, persons) in regions.items():
        for name, rows, schema in (("enterprises", enterprises, ENTERPRISE_SCHEMA),
                                   ("persons", persons, PERSON_SCHEMA)):
            if not rows and name == "persons":
                continue
            folder = root / name / f"region={region}"
            folder.mkdir(parents=True)
            pq.write_table(pa.Table.from_pylist(rows, schema), folder / "part-00000.parquet")
    return root


def generator():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "make_registry.py"
    spec = importlib.util.spec_from_file_location("make_registry", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated(root: Path, enterprises: int = 400, persons: int = 4800, seed: int = 7, counties: int = 3,
              year: int = 2020) -> Path:
    generator().generate(root, enterprises, persons, seed, year=year, chunk=90, progress=lambda text: None,
                         limit=counties)
    return root
