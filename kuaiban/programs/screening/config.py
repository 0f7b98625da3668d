"""A screening's definition: ``data/screening/<code>.yaml`` (docs/programs.md, "稳岗返还 免申即享：筛查").

It names the rules pillar's calculator, how each of its inputs comes from the registry (``enterprise.<column>``),
from the per-enterprise aggregates (``$insured``, ``$decrease``, ``$claimants``, ``$contributions``), from the
run (``$as_of``, ``$as_of_month``, ``$province``), from a figure supplied per run (``figure.<name>``), or is a
literal; which departures are not layoffs; how the layoff rate shown in the list is read; whether the amount is a
ceiling. Figures the texts do not print are never defaulted: a run without one stops naming it.

Where the text makes the calculator's amount a ceiling ("按不超过…30%返还"), ``shares`` names, per 企业划型, the
figure that is the share the region actually pays (at most the ceiling: the listed amount is the lower of the two).
``exclusions`` are the enterprises the text says not to refund (僵尸企业, 严重违法失信企业, 破产且解除劳动关系): the
registry then carries the column ``exclusion`` for every enterprise, and a listed value refuses the enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

import yaml

from kuaiban import config
from kuaiban.platform.citations import clause
from kuaiban.programs.screening.errors import ScreeningError

DIRECTORY = config.DATA / "screening"
AGGREGATES = ("$insured", "$decrease", "$claimants", "$contributions")
RUN_VALUES = ("$as_of", "$as_of_month", "$province")
SEPARATIONS = ("layoff", "retirement", "death", "transfer_out", "study", "military", "contract_end", "resignation",
               "dismissal_art39", "group_transfer", "other")
FIGURE_TYPES = ("share", "number", "boolean", "integer")
LAYOFF_RATES = ("decrease", "lower")


@dataclass(frozen=True)
class Figure:
    """A local figure the texts do not print, supplied per run (``maximum``: the most the text allows)."""

    name: str
    type: str
    label: str
    source: str
    maximum: float | None = None

    def parse(self, raw: str) -> Any:
        text = raw.strip()
        if self.type == "boolean":
            if text.lower() in ("true", "1", "是", "yes"):
                return True
            if text.lower() in ("false", "0", "否", "no"):
                return False
            raise ScreeningError(f"{self.label}：应为 true（是）或 false（否），收到「{raw}」", self.name)
        try:
            value = float(text)
        except ValueError:
            raise ScreeningError(f"{self.label}：应为数字，收到「{raw}」", self.name) from None
        if not value >= 0 or value == float("inf"):
            raise ScreeningError(f"{self.label}：应为不小于 0 的有限数值，收到「{raw}」", self.name)
        if self.type == "share" and value > 1:
            raise ScreeningError(f"{self.label}：应为 0 到 1 之间的比例（0.055 即 5.5%），收到「{raw}」", self.name)
        if self.maximum is not None and value > self.maximum:
            raise ScreeningError(f"{self.label}：文件规定不超过 {self.maximum:g}，收到「{raw}」", self.name)
        if self.type == "integer":
            if not value.is_integer():
                raise ScreeningError(f"{self.label}：应为整数，收到「{raw}」", self.name)
            return int(value)
        return value


EXCLUSION_CODES = ("zombie", "dishonest", "bankrupt")


@dataclass(frozen=True)
class Exclusion:
    """An enterprise the text says not to refund: the registry's ``exclusion`` value, its reason and clause."""

    code: str
    reason: str
    source: str


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    calculator: str
    period: tuple[date, date]
    period_source: str
    not_layoffs: tuple[str, ...]
    layoff_rate: str
    ceiling: bool
    inputs: dict[str, Any]
    figures: tuple[Figure, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    shares: dict[str, str] = field(default_factory=dict)  # 企业划型 → the figure of the share actually paid
    exclusions: tuple[Exclusion, ...] = field(default_factory=tuple)

    @property
    def enterprise_columns(self) -> tuple[str, ...]:
        """The registry's optional enterprise columns this screening needs."""
        return ("exclusion",) if self.exclusions else ()

    def figures_from(self, raw: dict[str, str]) -> dict[str, Any]:
        """The run's figures from ``--set NAME=VALUE`` pairs; every one the program needs, no other."""
        known = {figure.name: figure for figure in self.figures}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            wanted = "、".join(f"{f.name}（{f.label}）" for f in self.figures) or "无"
            raise ScreeningError(f"项目 {self.code} 没有当地数字「{unknown[0]}」；需要提供的是：{wanted}", unknown[0])
        missing = [figure for figure in self.figures if figure.name not in raw]
        if missing:
            figure = missing[0]
            raise ScreeningError(f"缺少当地数字 {figure.name}：{figure.label}。汇编未载此数字，请按本地情况提供", figure.name)
        return {name: known[name].parse(value) for name, value in raw.items()}

    def check_as_of(self, as_of: date) -> None:
        start, end = self.period
        if not start <= as_of <= end:
            raise ScreeningError(f"筛查日期 {as_of} 不在本项目的期限内（{start} 至 {end}，"
                                 f"{clause(self.period_source).label}）", "as_of")


def _fail(code: str, text: str) -> ScreeningError:
    return ScreeningError(f"筛查定义 {code}：{text}", "program")


def _load(code: str, data: dict[str, Any]) -> Program:
    for key in ("name", "calculator", "period", "inputs", "ceiling", "layoff_rate", "sources"):
        if key not in data:
            raise _fail(code, f"缺少 {key}")
    figures = tuple(Figure(f["name"], f["type"], f["label"], f["source"], f.get("maximum"))
                    for f in data.get("figures", []))
    for figure in figures:
        if figure.type not in FIGURE_TYPES:
            raise _fail(code, f"当地数字 {figure.name} 的类型应为 {'、'.join(FIGURE_TYPES)} 之一")
    names = {figure.name for figure in figures}
    for target, origin in data["inputs"].items():
        if isinstance(origin, str) and origin.startswith("$") and origin not in AGGREGATES + RUN_VALUES:
            raise _fail(code, f"输入 {target} 的来源 {origin} 未定义")
        if isinstance(origin, str) and origin.startswith("figure.") and origin[7:] not in names:
            raise _fail(code, f"输入 {target} 引用了未声明的当地数字 {origin[7:]}")
    not_layoffs = tuple(data.get("not_layoffs", []))
    if set(not_layoffs) - set(SEPARATIONS):
        raise _fail(code, f"not_layoffs 只能取 {'、'.join(SEPARATIONS)}")
    if data["layoff_rate"] not in LAYOFF_RATES:
        raise _fail(code, f"layoff_rate 只能取 {'、'.join(LAYOFF_RATES)}")
    shares = {str(k): str(v).removeprefix("figure.") for k, v in (data.get("shares") or {}).items()}
    if set(shares) - {"micro", "small", "medium", "large"} or set(shares.values()) - names:
        raise _fail(code, "shares 应为企业划型到已声明的当地数字（figure.名称）")
    exclusions = tuple(Exclusion(e["code"], e["reason"], e["source"]) for e in data.get("exclusions", []))
    if {e.code for e in exclusions} - set(EXCLUSION_CODES):
        raise _fail(code, f"exclusions 的 code 只能取 {'、'.join(EXCLUSION_CODES)}")
    period = data["period"]
    return Program(
        code=code, name=data["name"], calculator=data["calculator"],
        period=(period["from"], period["to"]), period_source=period["source"],
        not_layoffs=not_layoffs, layoff_rate=data["layoff_rate"], ceiling=bool(data["ceiling"]["value"]),
        inputs=dict(data["inputs"]), figures=figures, sources=tuple(data["sources"]),
        notes=tuple(data.get("notes", [])), shares=shares, exclusions=exclusions,
    )


@cache
def programs() -> dict[str, Program]:
    """Every screening definition, by code (the file name)."""
    out = {}
    for path in sorted(DIRECTORY.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("code") != path.stem:
            raise _fail(path.stem, "code 应与文件名相同")
        out[path.stem] = _load(path.stem, data)
    return out


def program(code: str) -> Program:
    try:
        return programs()[code]
    except KeyError:
        raise ScreeningError(f"没有筛查项目「{code}」；可用：{'、'.join(programs())}", "program") from None
