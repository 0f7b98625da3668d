"""One region's screening: the calculator's inputs built from the registry, the rules pillar's population mode
for every amount, and the calculator's own explanation for every refusal.

Amounts come from ``kuaiban.rules.population.evaluate`` (vectorised, one OpenFisca simulation per chunk). A
refused enterprise's reason is the calculator's: the message of its gap check (a case no rule covers), or the
explanation of ``calculator.run`` on its inputs when the rules give nothing. A refusal's explanation does not
depend on how much was paid (the amount is zero), only on whether anything was: refusals are grouped on every
other input and one ``run`` explains each group. The explanations are kept for the process (a worker's
regions share them: a small enterprise's figures recur in every county), up to REASONS_KEPT of them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from kuaiban.programs import wording
from kuaiban.programs.screening.aggregate import Aggregates
from kuaiban.programs.screening.config import Program
from kuaiban.programs.screening.errors import ScreeningError
from kuaiban.rules.calculators import Calculator, CalculatorError
from kuaiban.rules.population import evaluate

RESULT_SCHEMA = pa.schema([
    ("credit_code", pa.string()), ("name", pa.string()), ("region", pa.string()), ("eligible", pa.bool_()),
    ("amount", pa.string()), ("ceiling", pa.bool_()), ("reason", pa.string()), ("insured_last_year", pa.int64()),
    ("layoff_rate", pa.float64()), ("contributions_last_year", pa.string()),
])
SEPARATOR = "："
REASONS_KEPT = 500_000
_reasons: dict[tuple, str] = {}


def yuan(fen: np.ndarray) -> list[str]:
    """Whole fen as decimal yuan strings with two places: 123456 → "1234.56"."""
    return [f"{f // 100}.{f % 100:02d}" for f in fen.tolist()]


def calculator_inputs(program: Program, region: str, enterprises: pa.Table, agg: Aggregates, as_of: date,
                      figures: dict[str, Any]) -> pa.Table:
    """The calculator's input columns, one row per enterprise, as the screening definition says."""
    n = enterprises.num_rows
    run_values = {"$as_of": pa.array([as_of] * n, pa.date32()),
                  "$as_of_month": pa.array([as_of.isoformat()[:7]] * n, pa.string()),
                  "$province": pa.array([region[:2] + "0000"] * n, pa.string()),
                  "$insured": pa.array(agg.insured), "$decrease": pa.array(agg.decrease),
                  "$claimants": pa.array(agg.claimants), "$contributions": pa.array(agg.contributions_fen / 100)}
    columns = {}
    for target, origin in program.inputs.items():
        if isinstance(origin, str) and origin in run_values:
            columns[target] = run_values[origin]
        elif isinstance(origin, str) and origin.startswith("enterprise."):
            columns[target] = enterprises.column(origin[len("enterprise."):])
        elif isinstance(origin, str) and origin.startswith("figure."):
            columns[target] = pa.array([figures[origin[len("figure."):]]] * n)
        else:
            columns[target] = pa.array([origin] * n)
    return pa.table(columns)


# the Chinese names of the calculator inputs the screening fills whose description is not a plain name
NAMES = {"unit_kind": "单位类型", "size": "企业划型", "enterprise_size": "企业划型", "refund_type": "返还类型",
         "application_date": "筛查日期", "month": "筛查月份"}


def readable(message: str, calc: Calculator) -> str:
    """A calculator message with its leading field key replaced by the field's Chinese name."""
    key, sep, rest = message.partition(SEPARATOR)
    for spec in calc.fields:
        if spec.name == key and sep:
            plain = re.sub(r"^（[^）]*）", "", spec.description)  # （山东）统筹地区… → 统筹地区…
            name = NAMES.get(key) or plain.split("（")[0] or spec.description
            return f"{name}{SEPARATOR}{rest}"
    return message


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def explain(calc: Calculator, row: dict[str, Any]) -> str:
    """The calculator's explanation of one case, its steps joined."""
    raw = {name: _plain(value) for name, value in row.items() if value is not None}
    try:
        answer = calc.run(raw)
    except CalculatorError as error:
        return readable(str(error), calc)
    return wording.screening("；".join(step["text"] for step in answer["explanation"]))


def refusal_reasons(calc: Calculator, inputs: pa.Table, rows: np.ndarray, amount_field: str | None) -> list[str]:
    """The explanation of each refused row, one calculator run per group of rows alike but for the amount paid."""
    if not len(rows):
        return []
    names = [name for name in inputs.column_names if name != amount_field]
    subset = inputs.take(pa.array(rows))
    keys = list(zip(*(subset.column(name).to_pylist() for name in names), strict=True))
    if amount_field:
        paid = (subset.column(amount_field).to_numpy(zero_copy_only=False) > 0).tolist()
        keys = [(*key, bit) for key, bit in zip(keys, paid, strict=True)]
    if len(_reasons) > REASONS_KEPT:
        _reasons.clear()
    out = []
    for i, key in enumerate(keys):
        key = (calc.name, *key)
        if key not in _reasons:
            _reasons[key] = explain(calc, subset.slice(i, 1).to_pylist()[0])
        out.append(_reasons[key])
    return out


def paid_share(program: Program, enterprises: pa.Table, agg: Aggregates, figures: dict[str, Any],
               fen: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Where the calculator's amount is a ceiling (按不超过…返还) and the region sets the share it pays: last year's
    contributions × that share, rounded to the fen, never above the ceiling."""
    if not program.shares:
        return fen
    sizes = enterprises.column("size").to_pylist()
    share = np.array([figures[program.shares[size]] if size in program.shares else np.nan for size in sizes])
    own = np.floor(agg.contributions_fen * np.nan_to_num(share) + 0.5).astype(np.int64)
    return np.where(eligible & ~np.isnan(share), np.minimum(fen, own), fen)


def excluded(program: Program, enterprises: pa.Table) -> list[str]:
    """Each enterprise's exclusion reason with its clause ("" for none)."""
    if not program.exclusions:
        return [""] * enterprises.num_rows
    from kuaiban.platform.citations import clause

    reasons = {e.code: f"{e.reason}（{clause(e.source).label}）" for e in program.exclusions}
    return [reasons.get(code, "") if code else "" for code in enterprises.column("exclusion").to_pylist()]


def layoff_rates(program: Program, agg: Aggregates) -> np.ndarray:
    removed = agg.decrease if program.layoff_rate == "decrease" else np.minimum(agg.decrease, agg.claimants)
    return np.divide(removed, agg.insured, out=np.zeros(len(removed)), where=agg.insured > 0)


def _screening_day(program: Program, calc: Calculator, inputs: pa.Table, as_of: date) -> pa.Table:
    """``$as_of_month`` as the screening's day where the calculator's month also reads a day (docs/rules.md,
    "Months and dates within a month"): a screening within a month whose rule changes takes the rule in force
    on its day, as an application made that day (鲁人社字〔2020〕63号's 100 % from 2020-06-08)."""
    by_day = {f.name for f in calc.fields if getattr(f, "accepts_day", False)}
    for target, origin in program.inputs.items():
        if origin == "$as_of_month" and target in by_day:
            column = pa.array([as_of.isoformat()] * inputs.num_rows, pa.string())
            inputs = inputs.set_column(inputs.schema.get_field_index(target), target, column)
    return inputs


def screen_region(program: Program, calc: Calculator, region: str, enterprises: pa.Table, agg: Aggregates,
                  as_of: date, figures: dict[str, Any]) -> pa.Table:
    """The result rows of one region (RESULT_SCHEMA), in the enterprises' order."""
    inputs = calculator_inputs(program, region, enterprises, agg, as_of, figures)
    inputs = _screening_day(program, calc, inputs, as_of)
    try:
        values, errors = evaluate(calc, inputs)
    except CalculatorError as error:
        raise ScreeningError(f"筛查定义 {program.code} 与计算器 {calc.name} 不符：{readable(str(error), calc)}",
                             "program") from None
    gaps = errors.as_objects()
    ok = errors.ok()
    fen = np.where(ok, np.rint(np.nan_to_num(values) * 100), 0).astype(np.int64)
    eligible = ok & (fen > 0)
    reason = np.full(len(fen), "", dtype=object)
    for i in np.flatnonzero(~ok):
        reason[i] = readable(gaps[i], calc)
    refused = np.flatnonzero(ok & ~eligible)
    amount_field = next((t for t, o in program.inputs.items() if o == "$contributions"), None)
    reason[refused] = refusal_reasons(calc, inputs, refused, amount_field)
    shared = paid_share(program, enterprises, agg, figures, fen, eligible)
    for i in np.flatnonzero(eligible & (shared <= 0)):
        reason[i] = "统筹地区确定的返还比例为 0，不予返还"
    fen, eligible = np.where(eligible, shared, fen), eligible & (shared > 0)
    for i, why in enumerate(excluded(program, enterprises)):
        if why and eligible[i]:  # the calculator found it eligible; the text says not to refund it
            eligible[i], fen[i], reason[i] = False, 0, why
    return pa.table({
        "credit_code": enterprises.column("credit_code"),
        "name": enterprises.column("name"),
        "region": pa.array([region] * len(fen), pa.string()),
        "eligible": pa.array(eligible),
        "amount": pa.array(yuan(fen), pa.string()),
        "ceiling": pa.array(eligible & program.ceiling & (not program.shares)),
        "reason": pa.array(reason.tolist(), pa.string()),
        "insured_last_year": pa.array(agg.insured, pa.int64()),
        "layoff_rate": pa.array(layoff_rates(program, agg), pa.float64()),
        "contributions_last_year": pa.array(yuan(agg.contributions_fen), pa.string()),
    }, schema=RESULT_SCHEMA)
