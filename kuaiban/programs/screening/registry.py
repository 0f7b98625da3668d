"""The registry a screening reads: 参保单位 and 参保人员 records as hive-partitioned Parquet, one directory per region.

Layout (docs/programs.md, "登记数据的格式")::

    REGISTRY/registry.json                       {"contribution_year": 2020}
    REGISTRY/enterprises/region=370102/*.parquet  one row per insured enterprise of the county
    REGISTRY/persons/region=370102/*.parquet      one row per insurance spell of a person with an enterprise
                                                  of that county (the enterprise's 参保地)

A region's enterprises and persons form one partition, screened on its own. Every problem is a ScreeningError
in Chinese naming the file (relative to REGISTRY) and the column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kuaiban.platform import regions
from kuaiban.programs.screening.config import SEPARATIONS
from kuaiban.programs.screening.errors import ScreeningError

MANIFEST = "registry.json"
ENTERPRISES, PERSONS = "enterprises", "persons"
UNIT_KINDS = ("enterprise", "other_unit", "fully_funded", "partly_funded")
SIZES = ("micro", "small", "medium", "large")

# column: (kind, Chinese name, nullable)
ENTERPRISE_COLUMNS = {
    "credit_code": ("string", "统一社会信用代码", False),
    "name": ("string", "单位名称", False),
    "unit_kind": ("string", "单位类型", False),
    "size": ("string", "企业划型", False),
    "ui_paid_months": ("integer", "截至筛查日连续足额缴纳失业保险费月数", False),
}
# columns a screening asks for only when its definition needs them (config.Program.enterprise_columns)
OPTIONAL_ENTERPRISE_COLUMNS = {
    "exclusion": ("string", "不予稳岗返还的情形（zombie 僵尸企业 | dishonest 严重违法失信企业 | bankrupt 进入破产程序且与职工"
                  "解除劳动关系；无则为空）", True),
}
PERSON_COLUMNS = {
    "person_id": ("integer", "参保人员编号", False),
    "credit_code": ("string", "参保单位统一社会信用代码", False),
    "insured_from": ("date", "在本单位参保起始日期", False),
    "insured_until": ("date", "在本单位参保终止日期（仍在保为空）", True),
    "separation": ("string", "终止参保原因（仍在保为空）", True),
    "claimed_benefit": ("boolean", "终止参保后领取失业保险金", False),
    "contributions_fen": ("integer", "上年度单位及个人实际缴纳失业保险费（分）", False),
}
KIND_NAMES = {"string": "文字", "integer": "整数", "date": "日期", "boolean": "是否（布尔）"}
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64)
_USCC_VALUE = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_VALUE[ord(_c)] = _i


@dataclass(frozen=True)
class RegionPart:
    """One region of the registry: its enterprise and person files (paths relative to the registry)."""

    index: int
    region: str
    root: str
    enterprises: tuple[str, ...]
    persons: tuple[str, ...]


def contribution_year(root: Path) -> int:
    """The year the registry's contributions are for (registry.json)."""
    path = root / MANIFEST
    if not root.is_dir():
        raise ScreeningError(f"找不到登记数据目录「{root.name}」", "registry")
    try:
        year = json.loads(path.read_text(encoding="utf-8"))["contribution_year"]
    except FileNotFoundError:
        raise ScreeningError(f"登记数据缺少 {MANIFEST}（写明缴费记录所属年度 contribution_year）", "registry") from None
    except (ValueError, KeyError, TypeError):
        raise ScreeningError(f"{MANIFEST}：应为 JSON，含整数 contribution_year（缴费记录所属年度）", "registry") from None
    if not isinstance(year, int):
        raise ScreeningError(f"{MANIFEST}：contribution_year 应为整数年度", "registry")
    return year


def _regions(root: Path, table: str, required: bool) -> dict[str, list[str]]:
    folder = root / table
    if not folder.is_dir():
        if required:
            raise ScreeningError(f"登记数据缺少 {table}/ 目录（{'参保单位' if table == ENTERPRISES else '参保人员'}记录）",
                                 "registry")
        return {}
    out: dict[str, list[str]] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        where = f"{table}/{entry.name}"
        if not entry.is_dir() or not entry.name.startswith("region="):
            raise ScreeningError(f"{where}：应为按地区分区的目录 region=地区代码", "registry")
        code = entry.name[len("region="):]
        found = regions.region(code)
        if found is None or found.level == regions.PROVINCE:
            raise ScreeningError(f"{where}：「{code}」不是现行的县级或地级行政区划代码（GB/T 2260）", "region")
        files = sorted(str(p.relative_to(root)) for p in entry.glob("*.parquet"))
        if not files:
            raise ScreeningError(f"{where}：目录中没有 .parquet 文件", "registry")
        out[code] = files
    return out


def _check_schema(root: Path, relative: str, columns: dict) -> None:
    try:
        schema = pq.read_schema(root / relative)
    except (OSError, pa.ArrowException):
        raise ScreeningError(f"{relative}：无法读取为 Parquet 文件", "registry") from None
    for name, (kind, label, _nullable) in columns.items():
        if name not in schema.names:
            raise ScreeningError(f"{relative}：缺少列 {name}（{label}）", name)
        if not _is_kind(schema.field(name).type, kind):
            raise ScreeningError(f"{relative}：列 {name}（{label}）应为{KIND_NAMES[kind]}，实为 {schema.field(name).type}",
                                 name)


def _is_kind(kind: pa.DataType, wanted: str) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return {"string": pa.types.is_string(kind) or pa.types.is_large_string(kind),
            "integer": pa.types.is_integer(kind),
            "date": pa.types.is_date(kind),
            "boolean": pa.types.is_boolean(kind)}[wanted]


def _enterprise_columns(extra: tuple[str, ...]) -> dict:
    return ENTERPRISE_COLUMNS | {name: OPTIONAL_ENTERPRISE_COLUMNS[name] for name in extra}


def plan(root: Path, extra: tuple[str, ...] = ()) -> list[RegionPart]:
    """The registry's partitions, one per region, with every file's columns checked (schemas only); ``extra``:
    the optional enterprise columns the screening needs."""
    contribution_year(root)
    enterprises = _regions(root, ENTERPRISES, required=True)
    persons = _regions(root, PERSONS, required=False)
    if not enterprises:
        raise ScreeningError(f"{ENTERPRISES}/：没有任何地区的参保单位记录", "registry")
    orphans = sorted(set(persons) - set(enterprises))
    if orphans:
        raise ScreeningError(f"{PERSONS}/region={orphans[0]}：该地区有参保人员记录，却没有参保单位记录", "region")
    for files, columns in ((enterprises, _enterprise_columns(extra)), (persons, PERSON_COLUMNS)):
        for names in files.values():
            for relative in names:
                _check_schema(root, relative, columns)
    return [RegionPart(i, code, str(root), tuple(enterprises[code]), tuple(persons.get(code, ())))
            for i, code in enumerate(sorted(enterprises))]


def _fail(relative: str, name: str, columns: dict, problem: str, bad: np.ndarray) -> ScreeningError:
    rows = np.flatnonzero(bad)
    return ScreeningError(f"{relative}：列 {name}（{columns[name][1]}）{problem}（第 {rows[0] + 1} 行"
                          f"{f'等 {len(rows)} 行' if len(rows) > 1 else ''}）", name)


def _mask(array) -> np.ndarray:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _read(root: Path, relative: str, columns: dict) -> pa.Table:
    try:
        table = pq.read_table(root / relative, columns=list(columns))
    except (OSError, pa.ArrowException):
        raise ScreeningError(f"{relative}：无法读取为 Parquet 文件", "registry") from None
    for name, (_kind, _label, nullable) in columns.items():
        column = table.column(name)
        if not nullable and column.null_count:
            raise _fail(relative, name, columns, "不能为空", _mask(column.is_null()))
        if pa.types.is_dictionary(column.type):
            table = table.set_column(table.column_names.index(name), name, column.cast(column.type.value_type))
    return table.combine_chunks()


def valid_uscc(codes: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each 统一社会信用代码 is well formed with its check digit (GB 32100), vectorised."""
    codes = codes.cast(pa.string())
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    ok = _mask(pc.match_substring_regex(codes, r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$").fill_null(False))
    if not ok.any():
        return ok
    good = codes.filter(pa.array(ok))
    offsets = np.frombuffer(good.buffers()[1], dtype=np.int32)[good.offset:good.offset + len(good) + 1]
    data = np.frombuffer(good.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(-1, 18)
    values = _USCC_VALUE[data]
    total = values[:, :17] @ USCC_WEIGHTS
    ok[ok] = values[:, 17] == (31 - total) % 31
    return ok


def _choices(relative: str, table: pa.Table, name: str, columns: dict, allowed: tuple[str, ...]) -> None:
    column = table.column(name)
    known = _mask(pc.or_(pc.is_in(column, value_set=pa.array(allowed)), column.is_null()))
    if not known.all():
        raise _fail(relative, name, columns, f"应为 {'、'.join(allowed)} 之一", ~known)


def read_enterprises(part: RegionPart, extra: tuple[str, ...] = ()) -> pa.Table:
    """The region's enterprises, every value checked (with the optional columns ``extra``)."""
    from kuaiban.programs.screening.config import EXCLUSION_CODES

    root, columns = Path(part.root), _enterprise_columns(extra)
    tables = []
    for relative in part.enterprises:
        table = _read(root, relative, columns)
        bad = ~valid_uscc(table.column("credit_code"))
        if bad.any():
            raise _fail(relative, "credit_code", columns, "不是有效的统一社会信用代码（18 位，校验码）", bad)
        _choices(relative, table, "unit_kind", columns, UNIT_KINDS)
        _choices(relative, table, "size", columns, SIZES)
        if "exclusion" in columns:
            _choices(relative, table, "exclusion", columns, EXCLUSION_CODES)
        months = table.column("ui_paid_months").to_numpy()
        if (months < 0).any():
            raise _fail(relative, "ui_paid_months", columns, "不能为负数", months < 0)
        tables.append(table)
    table = pa.concat_tables(tables).combine_chunks()
    counts = pc.value_counts(table.column("credit_code"))
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    if len(repeated):
        raise ScreeningError(f"{ENTERPRISES}/region={part.region}：列 credit_code（统一社会信用代码）"
                             f"「{repeated.field('values')[0]}」重复出现", "credit_code")
    return table


def read_persons(part: RegionPart, enterprise_codes: pa.Array) -> tuple[pa.Table, np.ndarray]:
    """The region's insurance spells, every value checked, and the row of each one's enterprise."""
    root, columns = Path(part.root), PERSON_COLUMNS
    tables, owners = [], []
    for relative in part.persons:
        table = _read(root, relative, columns)
        owner = pc.index_in(table.column("credit_code"), value_set=enterprise_codes)
        unknown = _mask(owner.is_null())
        if unknown.any():
            raise _fail(relative, "credit_code", columns, f"不是本地区（{part.region}）参保单位的代码", unknown)
        start = table.column("insured_from")
        until = table.column("insured_until")
        backwards = _mask(pc.less(until.cast(pa.date32()), start.cast(pa.date32())).fill_null(False))
        if backwards.any():
            raise _fail(relative, "insured_until", columns, "早于参保起始日期", backwards)
        reason = table.column("separation")
        ended = _mask(until.is_valid())
        no_reason = ended & _mask(reason.is_null())
        if no_reason.any():
            raise _fail(relative, "separation", columns, "参保已终止的应写明原因", no_reason)
        _choices(relative, table, "separation", columns, SEPARATIONS)
        fen = table.column("contributions_fen").to_numpy()
        if (fen < 0).any():
            raise _fail(relative, "contributions_fen", columns, "不能为负数", fen < 0)
        tables.append(table)
        owners.append(owner.to_numpy(zero_copy_only=False).astype(np.int64))
    if not tables:
        empty = pa.schema([(name, {"string": pa.string(), "integer": pa.int64(), "date": pa.date32(),
                                   "boolean": pa.bool_()}[kind]) for name, (kind, _l, _n) in columns.items()])
        return empty.empty_table(), np.zeros(0, dtype=np.int64)
    return pa.concat_tables(tables, promote_options="permissive").combine_chunks(), np.concatenate(owners)
