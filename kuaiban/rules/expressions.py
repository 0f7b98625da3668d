"""The small expression language of calculator specs: conditions, values and explanation templates.

An expression is a Python expression over the names of a case: its inputs, the OpenFisca variables it
computed, the spec's `let` names, and `p`, the parameters in force (``p.unemployment_benefit.beijing.
min_years``; a region-keyed node is indexed by a region: ``p.hiring_subsidy.amount[region]``). Only
arithmetic, comparisons, ``and/or/not``, ``x if c else y`` and the functions in FUNCTIONS are allowed;
no attribute other than a parameter path, no call other than those functions.

A template is text with ``{expression}`` or ``{expression:format}`` holes (format ``%`` shows a share as
a percentage; ``.2f`` a fixed number of decimals; ``.4g`` significant digits). The template's own text holds no figure: every
number of an explanation comes from a hole (tests/rules/test_explanation_numbers.py).
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from kuaiban.rules.enums import Region
from kuaiban.rules.regions import parameter_key, region_of, region_of_node


class SpecError(ValueError):
    """A malformed spec or expression (a programming error, found when the specs load)."""


@dataclass(frozen=True)
class ParameterRef:
    """A path into the parameter tree, resolved at one instant when its value is needed."""

    path: tuple[str, ...]
    instant: str

    def node(self):
        from kuaiban.rules.system import tax_benefit_system

        node: Any = tax_benefit_system().get_parameters_at_instant(self.instant)  # cached per instant
        for part in self.path:
            try:
                node = node[part]
            except (KeyError, AttributeError) as error:
                raise LookupError(".".join(self.path)) from error
        return node

    def parameter(self):
        """The Parameter itself (all its dated values), for since()."""
        from kuaiban.rules.system import tax_benefit_system

        node: Any = tax_benefit_system().parameters
        for part in self.path:
            node = node.children[part] if hasattr(node, "children") else getattr(node, part)
        return node


def _value(item: Any) -> Any:
    """A parameter reference's value at its instant (nodes stay references), else the item itself."""
    if isinstance(item, ParameterRef):
        node = item.node()
        return item if hasattr(node, "_children") else node
    if isinstance(item, Region):
        return item.value
    return item


def since(ref: Any) -> str:
    """The date the value of a parameter in force began: 2020年7月1日."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("since() takes a parameter, e.g. since(p.x.y)")
    start = next(at.instant_str for at in ref.parameter().values_list if at.instant_str <= ref.instant)
    day = date.fromisoformat(start)
    return f"{day.year}年{day.month}月{day.day}日"


def until(ref: Any) -> str:
    """The last day a parameter's value in force applies (the day before the next dated value), or ''."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("until() takes a parameter, e.g. until(p.x.y)")
    later = [at.instant_str for at in ref.parameter().values_list if at.instant_str > ref.instant]
    if not later:
        return ""
    day = date.fromordinal(date.fromisoformat(min(later)).toordinal() - 1)
    return f"{day.year}年{day.month}月{day.day}日"


def cites(ref: Any) -> str:
    """The registry key of the clause printing a parameter's value in force (its metadata.source), so a step
    can cite the document the number used comes from when a later one replaced it."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("cites() takes a parameter, e.g. cites(p.x.y)")
    in_force = [at for at in ref.parameter().values_list if at.instant_str <= ref.instant]
    return (max(in_force, key=lambda at: at.instant_str).metadata or {}).get("source", "") if in_force else ""


def in_force(ref: Any) -> bool:
    """Whether a parameter has a value in force at the instant (a check can then refuse a case the figures
    do not reach yet, instead of an explanation failing on the missing figure)."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("in_force() takes a parameter, e.g. in_force(p.x.y)")
    try:
        return ref.node() is not None  # a null value closes a figure the texts print no later one of
    except LookupError:
        return False


def in_force_span(ref: Any) -> str:
    """The days a parameter has values, whatever the instant: “2021年11月9日起” or “2020年6月1日至2023年5月31日”
    (a null closes it), so a check refusing a day outside can say which days are covered."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("in_force_span() takes a parameter, e.g. in_force_span(p.x.y)")

    def text(day: date) -> str:
        return f"{day.year}年{day.month}月{day.day}日"

    dated = sorted((at.instant_str, at.value) for at in ref.parameter().values_list)
    first = next((i for i, (_, value) in enumerate(dated) if value is not None), None)
    if first is None:
        return ""
    start = date.fromisoformat(dated[first][0])
    closed = next((at for at, value in dated[first + 1:] if value is None), None)
    if closed is None:
        return f"{text(start)}起"
    return f"{text(start)}至{text(date.fromordinal(date.fromisoformat(closed).toordinal() - 1))}"


def month_of(day: Any) -> int:
    """The month (1–12) of a date input: a yearly deadline (每年10月底前) compares it with a parameter."""
    if not isinstance(day, date):
        raise SpecError("month_of() takes a date input, e.g. month_of(application_date)")
    return day.month


def day(value: Any) -> date:
    """A day a parameter prints as text ("2019-01-01": the first day a rule reaches back to), as a date: an
    explanation shows it as 2019年1月1日 and a condition compares it with a date input."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise SpecError(f"day() takes a date or a YYYY-MM-DD text, not {value!r}") from error


def months_between(start: Any, end: Any) -> int:
    """Calendar months from the month of `start` to the month of `end` (a date, 'YYYY-MM' or 'YYYY-MM-DD'):
    2020-05-15 to 2021-04 is 11, the months May 2020 … March 2021 before April 2021."""
    def month_number(value: Any) -> int:
        if isinstance(value, date):
            return value.year * 12 + value.month - 1
        text = str(value)
        return int(text[:4]) * 12 + int(text[5:7]) - 1

    return month_number(end) - month_number(start)


def years_after(start: Any, years: Any) -> date:
    """The same calendar day `years` later (29 February → 1 March in a common year), so that “距法定退休年龄不足
    N年” reads ``retirement < years_after(end, N)``: a day before that anniversary is within N years."""
    start = day(start)
    year = start.year + int(years)
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year: the anniversary falls on 1 March
        return date(year, 3, 1)


def day_after(start: Any) -> date:
    """The next day: the first day of a payment that continues after a period ending on `start` (a benefit
    期满 on 2019-11-30 continues from 2019-12-01, “自2019年12月起”)."""
    return day(start) + timedelta(days=1)


def first_day(value: Any) -> str:
    """A month input that may be a day within the month (2020-05-25) as the day it names: the day as given,
    a month given as a month (2020-05) as its first day (docs/rules.md, "Months and dates within a month")."""
    text = str(value)
    return text if len(text) == 10 else f"{text}-01"


def changes_within(month: Any, start: Any) -> bool:
    """Whether a month input given as a month (not a day) holds the day `start` after its first day: a rule
    starting that day makes the month's answer depend on the day, which is then asked for."""
    text, begins = str(month), str(start)
    return len(text) == 7 and begins[:7] == text and begins[8:] != "01"


FUNCTIONS = {"min": min, "max": max, "abs": abs, "round": round, "since": since, "until": until, "cites": cites,
             "in_force": in_force, "in_force_span": in_force_span, "month_of": month_of, "day": day,
             "months_between": months_between, "years_after": years_after, "day_after": day_after,
             "first_day": first_day, "changes_within": changes_within}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
            ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """A date input against a date written in the spec ('2020-04-28') compares as two dates."""
    if isinstance(left, date) and isinstance(right, str):
        return left, date.fromisoformat(right)
    if isinstance(left, str) and isinstance(right, date):
        return date.fromisoformat(left), right
    return left, right


@cache
def parse(source: str) -> ast.expr:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        raise SpecError(f"not an expression: {source!r}") from error
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            raise SpecError(f"only {', '.join(FUNCTIONS)} may be called: {source!r}")
        if isinstance(node, ast.Attribute | ast.Lambda | ast.ListComp | ast.DictComp | ast.SetComp |
                      ast.GeneratorExp | ast.NamedExpr | ast.Starred) and not _is_parameter_path(node):
            raise SpecError(f"not allowed in a spec expression: {ast.unparse(node)!r} in {source!r}")
    return tree.body


def _is_parameter_path(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name | ast.Subscript)


def names_in(source: str) -> set[str]:
    """The plain names an expression reads (not function names, not parameter path parts)."""
    tree = parse(source)
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in calls}


def _regional(node) -> dict[Region, str] | None:
    """A region-keyed node's children by region (r430000 → 湖南), or None when the node is not one."""
    children = getattr(node, "_children", None)
    if not children:
        return None
    by_region = {region_of_node(name): name for name in children}
    return None if None in by_region else by_region


class Scope:
    """The names of one case: inputs, computed variables, let names and `p` at the case's instant.

    `region` is the case's region: a region-keyed node (children r430000 …) read without an index gives
    the case's region's child, so ``{p.hiring_subsidy.amount}`` is the amount where the case is.
    """

    def __init__(self, names: dict[str, Any], instant: str, region: Region | None = None) -> None:
        self.names = names
        self.instant = instant
        self.region = region

    def evaluate(self, source: str) -> Any:
        return _value(self._for_region(self._eval(parse(source))))

    def _for_region(self, item: Any) -> Any:
        """A reference to a region-keyed node, narrowed to the case's region (unchanged otherwise)."""
        if not isinstance(item, ParameterRef) or self.region is None:
            return item
        try:
            node = item.node()
        except LookupError:  # no such node (a region without its own rule): in_force() says so, a value fails later
            return item
        by_region = _regional(node)
        if by_region is None or self.region not in by_region:
            return item
        return ParameterRef((*item.path, by_region[self.region]), item.instant)

    def _get(self, node: ast.expr) -> Any:
        """An operand's value (a region-keyed node read for the case's region)."""
        return _value(self._for_region(self._eval(node)))

    def _eval(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id == "p":
                return ParameterRef((), self.instant)
            if node.id not in self.names:
                raise SpecError(f"unknown name {node.id!r}")
            return self.names[node.id]
        if isinstance(node, ast.Attribute):
            base = self._eval(node.value)
            if not isinstance(base, ParameterRef):
                raise SpecError(f"attributes are for parameters only: {ast.unparse(node)!r}")
            if region_of_node(node.attr) is None:  # p.x.amount.cap: cap of the case's region's amount
                base = self._for_region(base)
            return ParameterRef((*base.path, node.attr), base.instant)
        if isinstance(node, ast.Subscript):
            base = self._eval(node.value)
            key = self._eval(node.slice)
            if isinstance(base, ParameterRef):
                member = key if isinstance(key, Region) else region_of(str(_value(key)))
                by_region = _regional(base.node()) or {}
                child = by_region.get(member) or (parameter_key(member) if member is not None else str(key))
                return ParameterRef((*base.path, child), base.instant)
            return _value(base)[_value(key)]
        if isinstance(node, ast.BoolOp):
            values = (self._get(v) for v in node.values)
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.UnaryOp):
            operand = self._get(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](self._get(node.left), self._get(node.right))
        if isinstance(node, ast.Compare):
            left = self._get(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self._get(right_node)
                if not _COMPARE[type(op)](*_comparable(left, right)):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self._eval(node.body) if self._get(node.test) else self._eval(node.orelse)
        if isinstance(node, ast.Call):
            function = FUNCTIONS[node.func.id]  # type: ignore[union-attr]
            args = [self._eval(a) for a in node.args]
            if function not in (since, until, cites, in_force, in_force_span):  # these take the reference itself
                args = [_value(self._for_region(a)) for a in args]
            return function(*args)
        if isinstance(node, ast.Tuple | ast.List):
            return tuple(self._get(e) for e in node.elts)
        raise SpecError(f"not allowed in a spec expression: {ast.unparse(node)!r}")


HOLE = re.compile(r"\{([^{}]+)\}")
FORMAT = re.compile(r"^(.*?):(%|\.\d+[fg%])$")


def holes(template: str) -> list[str]:
    """The expressions of a template's holes (format suffixes removed)."""
    out = []
    for match in HOLE.finditer(template):
        split = FORMAT.match(match.group(1))
        out.append(split.group(1) if split else match.group(1))
    return out


def literal_text(template: str) -> str:
    """A template without its holes: the text the spec writes itself (it must hold no figure)."""
    return HOLE.sub("", template)


def shown(value: Any, fmt: str = "") -> str:
    """A value as an explanation shows it: integral numbers without decimals, shares as percentages."""
    if isinstance(value, Region):
        return value.value
    if isinstance(value, bool) or value is None:
        return {True: "是", False: "否", None: "无"}[value]
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, int | float):
        if fmt.endswith("%"):
            digits = fmt[1:-1] if fmt.startswith(".") else None
            number = value * 100
            return (f"{number:.{digits}f}" if digits else plain_number(number)) + "%"
        if fmt:
            return format(value, fmt)
        return plain_number(value)
    return str(value)


def plain_number(value: float) -> str:
    """1816.0 → 1816, 0.015 → 0.015, 1843.456 → 1843.46 (money and rates as people write them)."""
    number = round(float(value), 6)
    if number.is_integer():
        return str(int(number))
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return text if abs(number) < 100 else f"{round(number, 2):.2f}".rstrip("0").rstrip(".")


def render(template: str, scope: Scope) -> str:
    def fill(match: re.Match) -> str:
        split = FORMAT.match(match.group(1))
        source, fmt = (split.group(1), split.group(2)) if split else (match.group(1), "")
        return shown(scope.evaluate(source), fmt)

    return HOLE.sub(fill, template)
