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
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from kuaiban.platform.dates import day_words
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
    return day_words(day)


def until(ref: Any) -> str:
    """The last day a parameter's value in force applies (the day before the next dated value), or ''."""
    if not isinstance(ref, ParameterRef):
        raise SpecError("until() takes a parameter, e.g. until(p.x.y)")
    later = [at.instant_str for at in ref.parameter().values_list if at.instant_str > ref.instant]
    if not later:
        return ""
    day = date.fromordinal(date.fromisoformat(min(later)).toordinal() - 1)
    return day_words(day)


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
        return day_words(day)

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
        return day_words(value)
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


# ---- column-wise evaluation (population mode's gap checks)

LAST_DAY = np.datetime64("9999-12-31", "D")  # Python's last date


class Unsupported(Exception):
    """An expression `ColumnScope` does not evaluate column-wise: the caller checks those rows one by one."""


def _is_column(value: Any) -> bool:
    return isinstance(value, np.ndarray)


def column_truth(value: Any) -> Any:
    """Per row, whether a value is true as Python would take it (a column of numbers: not zero)."""
    if not _is_column(value):
        return bool(value)
    if value.dtype.kind == "b":
        return value
    if value.dtype.kind in "iuf":
        return value != 0
    if value.dtype.kind == "M":  # a date is always true
        return np.ones(value.shape, dtype=bool)
    raise Unsupported(f"truth of a {value.dtype} column")


def _as_column_operand(value: Any) -> Any:
    """A scalar beside a column: a date as a NumPy day; numbers as they are; anything else unsupported."""
    if _is_column(value) or isinstance(value, np.datetime64):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return np.datetime64(value, "D")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise Unsupported(f"a {type(value).__name__} beside a column")


def _kind(value: Any) -> str:
    """'M' for days, 'n' for numbers (a column's or a scalar's)."""
    if _is_column(value):
        return "M" if value.dtype.kind == "M" else "n" if value.dtype.kind in "iuf" else "?"
    return "M" if isinstance(value, np.datetime64) else "n"


def _month_numbers(value: Any) -> Any:
    """`months_between`'s month number (year × 12 + month − 1), per row for a column of days."""
    if _is_column(value):
        if value.dtype.kind != "M":
            raise Unsupported("months of a column that is not days")
        return value.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    return months_between(date(1, 1, 1), value) + 12  # year × 12 + month − 1 of a scalar


def _years_after_column(start: np.ndarray, years: Any) -> np.ndarray:
    """`years_after` per row: the same month and day `years` later; 29 February in a common year is 1 March
    (the 1st of the month plus 28 days lands there)."""
    if start.dtype.kind != "M" or _is_column(years) or isinstance(years, bool):
        raise Unsupported("years_after of this column")
    months = start.astype("datetime64[M]")
    offset = start - months.astype("datetime64[D]")
    moved = months + np.timedelta64(int(years) * 12, "M")
    if (moved < np.datetime64("0001-01", "M")).any() or (moved > np.datetime64("9999-12", "M")).any():
        raise Unsupported("a year Python's dates do not hold")
    return moved.astype("datetime64[D]") + offset


def round_column(values: np.ndarray, digits: int) -> np.ndarray:
    """`round(x, digits)` per row, the same float as Python's (which rounds the exact binary value): where
    x × 10^digits is not within a millionth of a half, the nearest integer of the product is Python's rounded
    decimal, and dividing it by 10^digits gives the float nearest to that decimal, as Python does; the other
    rows (and very large products) are rounded by Python itself."""
    scale = 10.0 ** digits
    scaled = values * scale
    out = np.rint(scaled) / scale
    fraction = np.abs(scaled - np.trunc(scaled))
    unsure = ~((np.abs(fraction - 0.5) > 1e-6) & (np.abs(scaled) < 1e9))
    if unsure.any():
        at = np.flatnonzero(unsure)
        out[at] = [round(value, digits) for value in values[at].tolist()]
    return out


def _elementwise(function: Any, args: list[Any], count: int) -> np.ndarray:
    """A function of the spec language applied row by row (the same Python function as for one case)."""
    rows = [arg.tolist() if _is_column(arg) else [arg] * count for arg in args]
    out = [function(*row) for row in zip(*rows, strict=True)]
    if all(isinstance(item, date) and not isinstance(item, datetime) for item in out):
        return np.array(out, dtype="datetime64[D]")
    if all(isinstance(item, bool) for item in out):
        return np.array(out, dtype=bool)
    if all(isinstance(item, int | float) and not isinstance(item, bool) for item in out):
        return np.array(out)
    raise Unsupported(f"{function.__name__} gives values a column cannot hold")


class ColumnScope(Scope):
    """A `Scope` whose inputs may be NumPy columns: one value per row of a group of rows that share every
    other name (the region, the period, the choices, which inputs are given). An expression then gives, per
    row, what `Scope` gives for that row alone: a scalar where it does not depend on the columns, else a
    column. Operations it cannot do that way raise `Unsupported`; so does anything that raises (the rows are
    then checked one by one, which fails or not as single mode does). Columns hold no missing value: dates as
    datetime64[D], numbers as NumPy numbers."""

    def __init__(self, names: dict[str, Any], instant: str, region: Region | None = None, count: int = 0) -> None:
        super().__init__(names, instant, region)
        self.count = count

    def evaluate(self, source: str) -> Any:
        try:
            return super().evaluate(source)
        except Unsupported:
            raise
        except Exception as error:  # raised on some row: the rows' own checks raise it, or not, as before
            raise Unsupported(str(error)) from error

    def _eval(self, node: ast.expr) -> Any:
        if isinstance(node, ast.BoolOp):
            return self._bool_op(node)
        if isinstance(node, ast.UnaryOp):
            operand = self._get(node.operand)
            if not _is_column(operand):
                return super()._eval(node)
            if isinstance(node.op, ast.Not):
                return ~column_truth(operand)
            if operand.dtype.kind not in "iuf":
                raise Unsupported("sign of a column that is not numbers")
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BinOp):
            return self._bin_op(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.IfExp):
            test = self._get(node.test)
            if not _is_column(test):
                return self._eval(node.body) if test else self._eval(node.orelse)
            chosen = column_truth(test)
            if chosen.all():
                return self._eval(node.body)
            if not chosen.any():
                return self._eval(node.orelse)
            body, orelse = (_as_column_operand(self._get(n)) for n in (node.body, node.orelse))
            if _kind(body) != _kind(orelse) or "?" in (_kind(body), _kind(orelse)):
                raise Unsupported("a choice between values of different kinds")
            return np.where(chosen, body, orelse)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Subscript | ast.Tuple | ast.List):
            found = super()._eval(node)
            if isinstance(found, tuple) and any(_is_column(item) for item in found):
                raise Unsupported("a tuple of columns")
            return found
        return super()._eval(node)

    def _bool_op(self, node: ast.BoolOp) -> Any:
        both = isinstance(node.op, ast.And)
        rows = None
        for part in node.values:  # a scalar decides for every row, as `all`/`any` stop at it
            value = self._get(part)
            if not _is_column(value):
                if bool(value) != both:
                    return not both
                continue
            truth = column_truth(value)
            rows = truth if rows is None else (rows & truth if both else rows | truth)
            if both and not rows.any():
                return False
            if not both and rows.all():
                return True
        return both if rows is None else rows

    def _bin_op(self, node: ast.BinOp) -> Any:
        left, right = self._get(node.left), self._get(node.right)
        if not (_is_column(left) or _is_column(right)):
            return _BINARY[type(node.op)](left, right)
        for side in (left, right):
            numeric = side.dtype.kind in "iuf" if _is_column(side) else \
                isinstance(side, int | float) and not isinstance(side, bool)
            if not numeric:
                raise Unsupported("arithmetic on a column that is not numbers")
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and np.any(np.asarray(right) == 0):
            raise Unsupported("a division by zero on some row")
        return _BINARY[type(node.op)](left, right)

    def _compare(self, node: ast.Compare) -> Any:
        left = self._get(node.left)
        rows = None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self._get(right_node)
            if _is_column(left) or _is_column(right):
                result = self._compare_columns(op, left, right)
            else:
                result = _COMPARE[type(op)](*_comparable(left, right))
            if not _is_column(result):
                if not result:
                    return False
            else:
                rows = result if rows is None else rows & result
                if not rows.any():
                    return False
            left = right
        return True if rows is None else rows

    def _compare_columns(self, op: ast.cmpop, left: Any, right: Any) -> Any:
        if left is None or right is None:  # a column has a value on every row
            if isinstance(op, ast.Eq | ast.Is):
                return False
            if isinstance(op, ast.NotEq | ast.IsNot):
                return True
            raise Unsupported("an order between a column and None")
        if not isinstance(op, ast.Eq | ast.NotEq | ast.Lt | ast.LtE | ast.Gt | ast.GtE):
            raise Unsupported(f"{type(op).__name__} on a column")
        days = any(_is_column(side) and side.dtype.kind == "M" for side in (left, right))
        if days:  # a date input against a date written in the spec compares as two dates (_comparable)
            left, right = (np.datetime64(date.fromisoformat(side), "D") if isinstance(side, str) else side
                           for side in (left, right))
        left, right = _as_column_operand(left), _as_column_operand(right)
        if _kind(left) != _kind(right) or "?" in (_kind(left), _kind(right)):
            raise Unsupported("a comparison of a column with a value of another kind")
        return _COMPARE[type(op)](left, right)

    def _call(self, node: ast.Call) -> Any:
        function = FUNCTIONS[node.func.id]  # type: ignore[union-attr]
        args = [self._eval(a) for a in node.args]
        if function not in (since, until, cites, in_force, in_force_span):
            args = [_value(self._for_region(a)) for a in args]
        if not any(_is_column(arg) for arg in args):
            return function(*args)
        if node.keywords or function in (since, until, cites, in_force, in_force_span):
            raise Unsupported(f"{node.func.id} of a column")  # type: ignore[union-attr]
        if function is day and args[0].dtype.kind == "M":
            return args[0]
        if function is day_after and args[0].dtype.kind == "M" and not (args[0] >= LAST_DAY).any():
            return args[0] + np.timedelta64(1, "D")
        if function is months_between:
            return _month_numbers(args[1]) - _month_numbers(args[0])
        if function is years_after and len(args) == 2 and _is_column(args[0]):
            return _years_after_column(args[0], args[1])
        if function is round and len(args) == 2 and _is_column(args[0]) and args[0].dtype.kind == "f" \
                and type(args[1]) is int and 0 <= args[1] <= 15:
            return round_column(args[0], args[1])
        if function is abs and args[0].dtype.kind in "iuf":
            return np.abs(args[0])
        return _elementwise(function, args, self.count)


def render_rows(template: str, scope: ColumnScope, rows: np.ndarray) -> str | list[str]:
    """`render` for the rows `rows` (a mask) of a column scope: one text when no hole reads a column, else
    one per chosen row (each hole shown as `render` shows that row's value)."""
    pieces: list[str | list[str]] = []
    at, count = 0, int(rows.sum())
    for match in HOLE.finditer(template):
        pieces.append(template[at:match.start()])
        split = FORMAT.match(match.group(1))
        source, fmt = (split.group(1), split.group(2)) if split else (match.group(1), "")
        value = scope.evaluate(source)
        if _is_column(value) and value.dtype.kind == "f" and not fmt:  # as `shown` shows a float
            pieces.append([plain_number(item) for item in value[rows].tolist()])
        elif _is_column(value):
            pieces.append([shown(item, fmt) for item in value[rows].tolist()])
        else:
            pieces.append(shown(value, fmt))
        at = match.end()
    pieces.append(template[at:])
    if all(isinstance(piece, str) for piece in pieces):
        return "".join(pieces)  # type: ignore[arg-type]
    columns = [piece if isinstance(piece, list) else [piece] * count for piece in pieces]
    return ["".join(parts) for parts in zip(*columns, strict=True)]
