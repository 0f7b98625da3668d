"""Calculators written as specs: kuaiban/rules/specs/NAME.yaml → a Calculator (docs/rules.md, "Specs").

A spec names its inputs, the OpenFisca variable giving the answer, and explanation steps as templates
over inputs, parameters (``p.<path>``) and computed variables. Everything else is derived: the region
choices and the gaps from the parameters in force (kuaiban/rules/coverage.py), the variables to compute
from the names the templates read, the sources from the clauses the steps and parameters cite.
Specs are found by directory; nobody edits a list.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import (
    UNIT_WORDS,
    Calculator,
    Columns,
    Field,
    choice_column,
    enum_codes,
    money,
    official_figures_note,
)
from kuaiban.rules.coverage import OPEN_END, Span, in_force, regional_leaves, regions_of, spans
from kuaiban.rules.enums import Region
from kuaiban.rules.expressions import (
    ColumnScope,
    ParameterRef,
    Scope,
    SpecError,
    column_truth,
    holes,
    names_in,
    parse,
    render,
    render_rows,
    shown,
)
from kuaiban.rules.sources import all_sources, source

SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"
AUDIENCES = ("citizens", "employers", "caseworkers")
UNITS = ("CNY", "CNY/month", "CNY/year", "share", "month", "day", "date", "boolean", "year")
INPUT_TYPES = ("number", "share", "integer", "year", "boolean", "date", "month", "region", "choice", "string")
PERIOD_TYPES = ("month", "date", "year")
SPEC_KEYS = {"name", "title", "audience", "theme", "entity", "output", "unit", "ceiling", "period", "parameters",
             "inputs", "checks", "let", "explain", "details", "notes", "examples", "sources", "gap_note"}
INPUT_KEYS = {"name", "type", "label", "unit", "choices", "required", "official_figure", "published", "clause",
              "variable", "accepts_day", "positive", "positive_when", "region_picker"}
# `positive: true`: an amount the rule multiplies by (an income, a wage, a published standard) that is never 0 where
# the text applies: 0 is refused naming the field as a bad value (Field.positive), in single and population mode alike
# (audit s20 4.7: survivor_benefit with base_income 0 answered 0 元 silently).
# `positive_when: <expression>`: an optional amount the rule multiplies by only in the cases the expression names
# (a kind of refund, a region's scheme): 0 is refused there only, by a check the spec gains (`_positive_checks`),
# and never where the case does not use the input (tryout s21 item 7: 0 typed for “不适用” was refused as “填0只会
# 得出0” where that was untrue)
STEP_KEYS = {"text", "clause", "value", "when", "detail", "stop"}
OTHER_REGIONS = "其他"  # in a step's clause by region or by choice: every region or choice not named
BY = "by"  # in a step's clause by choice: the choice input whose value picks the clause


def _step_clauses(item: dict[str, Any]) -> list[str]:
    """The clauses a step may cite: one key, or one per region (``clause: {湖南: hn_x, 重庆: cq_x}``) or per
    value of a choice input (``clause: {by: kind, 甲: x, 乙: y}``)."""
    clause = item["clause"]
    return [key for name, key in clause.items() if name != BY] if isinstance(clause, dict) else [clause]


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise SpecError(f"{where}: {problem}")


def _positive_checks(inputs: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The checks `positive_when` stands for: 0 refused in the cases that multiply by the input, after the
    spec's own checks (a case that is refused anyway says why first)."""
    return [{"when": f"{e['name']} != None and {e['name']} == 0 and ({e['positive_when']})", "field": e["name"],
             "message": msg.ZERO_WHERE_USED}
            for e in inputs if isinstance(e, dict) and e.get("positive_when")]


def _field(entry: dict[str, Any], where: str) -> Field:
    _require(isinstance(entry, dict) and {"name", "type", "label"} <= set(entry), where,
             "an input needs name, type and label")
    _require(set(entry) <= INPUT_KEYS, where, f"unknown input keys {sorted(set(entry) - INPUT_KEYS)}")
    _require(entry["type"] in INPUT_TYPES, where, f"input {entry['name']}: type {entry['type']!r} unknown")
    # choices: a list of codes, or {code: 中文词} where the words the enum or parameters give are not the ones
    # users say (docs/rules.md, "Choice words")
    choices = entry.get("choices") or ()
    words = dict(choices) if isinstance(choices, dict) else {}
    # an official figure is required, unless `required: false` says only some cases need it: a check must
    # then refuse those cases without it (checked in Spec, which knows the checks)
    # accepts_day: a month input (not the period) that also reads a day within the month, for a rule starting
    # within some month (its checks compare first_day(x); changes_within(x, day) asks for the day)
    _require(not entry.get("accepts_day") or entry["type"] == "month", where,
             f"input {entry['name']}: accepts_day is for a month input")
    _require(not entry.get("positive") or entry["type"] in ("number", "integer", "share"), where,
             f"input {entry['name']}: positive is for a number")
    # an official figure says where it is published (`published`: words true of its publisher in general, never a
    # number or an address), which the form and the field lists tell the user (Field.figure_hint)
    _require(bool(entry.get("official_figure")) == bool(entry.get("published")), where,
             f"input {entry['name']}: an official_figure needs `published` (where it is published), and only it")
    _require(not entry.get("positive_when") or (entry["type"] in ("number", "integer", "share")
                                                and not entry.get("positive") and entry.get("required") is False),
             where, f"input {entry['name']}: positive_when is for an optional number without positive")
    # region_picker: [重庆]: a text input holding the code of a place in these provinces (Field.region_picker)
    picker = entry.get("region_picker") or ()
    _require(not picker or (entry["type"] == "string" and isinstance(picker, list)
                            and all(isinstance(p, str) for p in picker)), where,
             f"input {entry['name']}: region_picker is a list of provinces, for a text input")
    return Field(entry["name"], entry["type"], entry["label"], unit=entry.get("unit"),
                 required=entry.get("required", True), choices=tuple(choices), words=words,
                 accepts_day=bool(entry.get("accepts_day")), positive=bool(entry.get("positive")),
                 published=entry.get("published"), region_picker=tuple(picker))


def _period_start(value: Any, kind: str) -> str:
    """The first day of the period an input value names (month 2020-07 → 2020-07-01)."""
    if kind == "month":
        return f"{value}-01"
    if kind == "year":
        return f"{int(value):04d}-01-01"
    return value.isoformat() if isinstance(value, date) else str(value)


def _first_days(months: Any) -> Any:
    """A month column (2020-03 as text, or 202003 as the population path stores it) as its first days."""
    import numpy as np

    array = np.asarray(months)
    if array.dtype.kind in "iu":  # yyyymm → months since 1970-01, without a string per row
        array = (array // 100 - 1970) * 12 + array % 100 - 1
        return array.astype("datetime64[M]").astype("datetime64[D]")
    return np.asarray(array, dtype="datetime64[M]").astype("datetime64[D]")


def _days(column: Any) -> Any:
    """A month column whose cells may be days within the month as days: a day (2020-05-25, or 20200525 in
    population mode) as itself, a month (2020-05, 202005) as its first day."""
    array = np.asarray(column)
    if array.dtype.kind in "iu":
        is_day = array >= 10**7
        firsts = _first_days(np.where(is_day, array // 100, array))
        return firsts + np.where(is_day, array % 100 - 1, 0).astype("timedelta64[D]")
    return np.array([str(cell) if len(str(cell)) == 10 else f"{cell}-01" for cell in array.reshape(-1)],
                    dtype="datetime64[D]").reshape(array.shape)


def _months(column: Any) -> Any:
    """A month column whose cells may be days within the month (2021-05-20) as months (2021-05); the
    population path's yyyymm integers as they are."""
    array = np.asarray(column)
    if array.dtype.kind in "iu":  # yyyymm, or yyyymmdd for a day (population mode)
        return np.where(array >= 10**7, array // 100, array).astype(array.dtype, copy=False)
    if array.dtype.kind not in "OU":
        return column
    return np.array([str(cell)[:7] for cell in array.reshape(-1)], dtype=array.dtype if array.dtype.kind == "O"
                    else "U7").reshape(array.shape)


def _is_none_test(node: ast.AST, name: str | None = None) -> bool:
    """``x == None``, ``x != None``, ``x is None`` or ``x is not None`` (of `name` when given)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and isinstance(node.ops[0], ast.Eq | ast.NotEq | ast.Is | ast.IsNot)):
        return False
    sides = (node.left, node.comparators[0])
    other = [side for side in sides if not (isinstance(side, ast.Constant) and side.value is None)]
    return (len(other) == 1 and isinstance(other[0], ast.Name)
            and (name is None or other[0].id == name))


def _presence_only(check: dict[str, Any], name: str) -> bool:
    """Whether `check` reads `name` only as a None test, and, if it names `name` as its field, fires only
    when `name` is absent (one of its ``and`` terms is ``name == None``)."""
    tree = parse(check["when"])
    tests = [node for node in ast.walk(tree) if _is_none_test(node, name)]
    tested = {id(part) for node in tests for part in ast.walk(node)}
    if any(isinstance(node, ast.Name) and node.id == name and id(node) not in tested for node in ast.walk(tree)):
        return False
    if check["field"] != name:
        return True
    terms = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    return any(_is_none_test(term, name) and isinstance(term.ops[0], ast.Eq | ast.Is) for term in terms)


def _fixed_day_comparisons(tree: ast.AST, name: str, days: set[date], lets: dict[str, Any]) -> bool:
    """Whether every read of input `name` in `tree` is a None test or a comparison whose other sides are fixed
    days; the days are added to `days`."""
    tests = {id(part) for node in ast.walk(tree) if _is_none_test(node, name) for part in ast.walk(node)}
    compared: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or id(node) in tests:
            continue
        sides = [node.left, *node.comparators]
        mine = [side for side in sides if isinstance(side, ast.Name) and side.id == name]
        if not mine:
            continue
        for side in sides:
            if side in mine:
                continue
            fixed = _fixed_days(side, lets)
            if fixed is None:
                return False
            days |= fixed
        compared |= {id(side) for side in mine}
    return all(id(node) in tests or id(node) in compared for node in ast.walk(tree)
               if isinstance(node, ast.Name) and node.id == name)


def _fixed_days(node: ast.AST, lets: dict[str, Any]) -> set[date] | None:
    """Every day an expression may stand for: a date written in the spec ('2020-01-01'), or a parameter
    (``day(p.x.y)``, ``p.x.y``, through a `let` naming a parameter node) holding days; None otherwise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return {date.fromisoformat(node.value)}
        except ValueError:
            return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "day" \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    path = _parameter_path(node, lets)
    if path is None:
        return None
    from kuaiban.rules.system import tax_benefit_system

    parameter: Any = tax_benefit_system().parameters
    try:
        for part in path:
            parameter = parameter.children[part]
    except (AttributeError, KeyError):
        return None
    found: set[date] = set()
    for at in getattr(parameter, "values_list", None) or []:  # a node (not a leaf) has none: not fixed days
        if at.value is None:
            continue
        try:
            found.add(at.value if isinstance(at.value, date) else date.fromisoformat(str(at.value)))
        except ValueError:
            return None
    return found or None


def _parameter_path(node: ast.AST, lets: dict[str, Any], depth: int = 0) -> tuple[str, ...] | None:
    """``p.a.b`` as ('a', 'b'), a let naming a parameter node resolved (``hn.x`` with ``hn: p.a``); None for
    anything else (an index by region included)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or depth > 8:
        return None
    if node.id == "p":
        return tuple(reversed(parts))
    if node.id in lets:
        try:
            base = _parameter_path(parse(str(lets[node.id])), lets, depth + 1)
        except SpecError:
            return None
        return None if base is None else (*base, *reversed(parts))
    return None


class Spec:
    """One loaded spec and the derived parts of its calculator."""

    def __init__(self, data: dict[str, Any], path: Path) -> None:
        from kuaiban.rules.system import tax_benefit_system

        where = path.name
        _require(isinstance(data, dict), where, "a spec is a mapping")
        _require(set(data) <= SPEC_KEYS, where, f"unknown keys {sorted(set(data) - SPEC_KEYS)}")
        for key in ("name", "title", "audience", "theme", "entity", "output", "unit", "period", "inputs",
                    "explain"):
            _require(key in data, where, f"missing {key}")
        _require(data["name"] == path.stem, where, "name must be the file name")
        _require(data["audience"] in AUDIENCES, where, f"audience is one of {AUDIENCES}")
        _require(data["unit"] in UNITS, where, f"unit is one of {UNITS}")
        self.data = data
        self._absent: dict[str, Any] | None = None
        self._changes: dict[tuple[str, Region | None], dict[str, list[str]]] = {}
        self.name: str = data["name"]
        self.system = tax_benefit_system()
        _require(data["output"] in self.system.variables, where, f"no OpenFisca variable {data['output']}")
        self.fields = [_field(entry, where) for entry in data["inputs"]]
        self.inputs = {entry["name"]: entry for entry in data["inputs"]}
        self.by_name = {spec.name: spec for spec in self.fields}
        self.period = data["period"]
        _require(self.period in self.by_name and self.by_name[self.period].type in PERIOD_TYPES, where,
                 f"period names a month, date or year input ({self.period!r})")
        # A date input is checked and computed on that day: an output defined by month would take the rule in
        # force on the month's first day and refuse the whole first month of a rule dated within it.
        unit = str(self.system.variables[data["output"]].definition_period)
        _require(self.by_name[self.period].type != "date" or unit == "day", where,
                 f"period {self.period!r} is a date: the output {data['output']!r} must be defined by day")
        if self.by_name[self.period].type == "month":  # a day within the month is read too (rule_day)
            self.by_name[self.period] = replace(self.by_name[self.period], accepts_day=True)
            self.fields = [self.by_name[self.period] if f.name == self.period else f for f in self.fields]
        self.region = next((spec.name for spec in self.fields if spec.type == "region"), None)
        node = self.system.parameters
        for part in str(data.get("parameters", self.name)).split("."):
            children = getattr(node, "children", {})
            _require(part in children, where, f"no parameter node {data.get('parameters', self.name)!r} "
                     "(parameters: names the node whose values in force give the coverage)")
            node = children[part]
        self.spans: list[Span] = spans(node)
        self.node = node
        covered = regions_of(self.spans)
        if self.region:  # the region choices are the regions the parameters cover
            national = any(s.region is None for s in self.spans)
            choices = tuple(r.value for r in (list(Region)[1:] if national or not covered else covered))
            self.by_name[self.region] = spec = replace(self.by_name[self.region], choices=choices)
            self.fields = [spec if f.name == self.region else f for f in self.fields]
        self.steps = data["explain"]
        for i, item in enumerate(self.steps):
            _require(isinstance(item, dict) and "text" in item and "clause" in item, where,
                     f"explain step {i + 1} needs text and clause")
            _require(set(item) <= STEP_KEYS, where, f"step {i + 1}: unknown keys {sorted(set(item) - STEP_KEYS)}")
            if isinstance(item["clause"], dict):
                self._check_clause_keys(item["clause"], where, f"step {i + 1}")
        self.lets: dict[str, str] = dict(data.get("let") or {})
        self.checks = [*(data.get("checks") or []), *_positive_checks(data["inputs"])]
        self.check_lets = self._lets_read([check["when"] for check in self.checks]
                                          + [h for check in self.checks for h in holes(check["message"])])
        for name, entry in self.inputs.items():
            _require(not entry.get("official_figure") or entry.get("required", True)
                     or any(check["field"] == name and _presence_only(check, name) for check in self.checks),
                     where, f"official figure {name} is optional: a check naming it must refuse the cases "
                     "that need it when it is absent")
        self._check_details(where)
        self.ceiling = data.get("ceiling", False)
        self.clauses = self._clauses()
        missing = [key for key in self.clauses if key not in all_sources()]
        _require(not missing, where, f"clauses not in data/clauses: {missing}")
        self.computed = tuple(sorted(self._read_names() - set(self.by_name) - set(self.lets)
                                     & set(self.system.variables)))
        unknown = self._read_names() - set(self.by_name) - set(self.lets) - set(self.system.variables) - {"p"}
        _require(not unknown, where, f"unknown names {sorted(unknown)} (not an input, let name or variable)")
        # input → the OpenFisca variable it sets (its own name unless `variable:` says otherwise)
        self.to_openfisca = {spec.name: self.inputs[spec.name].get("variable", spec.name) for spec in self.fields
                             if self.inputs[spec.name].get("variable", spec.name) in self.system.variables}
        self.fields = [self._with_words(spec, node) for spec in self.fields]
        self.by_name = {spec.name: spec for spec in self.fields}
        self.region_only = self._region_only()

    def _with_words(self, spec: Field, node: Any) -> Field:
        """A choice input with the words its codes still lack: the values of the OpenFisca Enum it sets
        (``micro = "微型企业"``), then the descriptions of the spec's parameters named by a code (the items
        of statutory_deadline). Words with Latin letters are no words for users."""
        if spec.type != "choice":
            return spec
        variable = self.system.variables.get(self.to_openfisca.get(spec.name, ""))
        enum = getattr(variable, "possible_values", None)
        found = {member.name: str(member.value) for member in enum or ()}
        for region in getattr(node, "children", {}).values():
            for key, child in getattr(region, "children", {}).items():
                if getattr(child, "description", None):
                    found.setdefault(key, child.description)
        words = {code: found[code] for code in spec.choices
                 if code in found and not re.search(r"[A-Za-z]", found[code])}
        # where the spec chose a shorter word (线下), the enum's own (线下培训, which forms and batch files
        # showed before) still reads as the same choice
        also = {word: code for code, word in words.items() if spec.words.get(code, word) != word}
        return replace(spec, words=words | spec.words, also=also)

    def _region_only(self) -> dict[str, tuple[str, ...]]:
        """Inputs whose label opens by naming the regions they serve — （重庆）…, （山东困难企业）…, （重庆，汇编未载的年度
        必填）… — with those regions (a spec with a region input only)."""
        if not self.region:
            return {}
        found = {}
        for spec in self.fields:
            head = re.match(r"^[（(]([^（）()]*)[）)]", spec.description)
            places = tuple(r.value for r in list(Region)[1:] if head and r.value in head.group(1))
            if places and spec.name != self.region:
                found[spec.name] = places
        return found

    def unused_for_region(self, values: dict[str, Any]) -> list[str]:
        """The inputs given for a case of another region than the ones they serve (audit s20 4.7): the case is
        computed without them, and the explanation says so."""
        region = values.get(self.region) if self.region else None
        if region is None:
            return []
        return [name for name, places in self.region_only.items() if name in values and region.value not in places]

    # ---- what the spec reads and cites

    def _expressions(self) -> list[str]:
        found = list(self.lets.values())
        for item in self.steps:
            found += holes(item["text"])
            found += [str(item[k]) for k in ("value", "when") if item.get(k) is not None]
            found += [h for text in (item.get("detail") or {}).values() if isinstance(text, str) for h in holes(text)]
        found += [str(v) for v in map(_detail_expression, (self.data.get("details") or {}).values()) if v is not None]
        found += [check["when"] for check in self.checks]
        found += [h for check in self.checks for h in holes(check["message"])]
        if isinstance(self.ceiling, str):
            found.append(self.ceiling)
        return found

    def _read_names(self) -> set[str]:
        return {name for source_text in self._expressions() for name in names_in(source_text)}

    def _clauses(self) -> list[str]:
        keys = [key for item in self.steps for key in _step_clauses(item)]
        keys += [key for entry in self.inputs.values() if entry.get("clause") for key in _step_clauses(entry)]
        keys += [key for span in self.spans for key in span.clauses]
        keys += list(self.data.get("sources") or [])
        return list(dict.fromkeys(keys))

    # ---- the Calculator's parts

    def period_of(self, values: dict[str, Any]) -> str:
        kind = self.by_name[self.period].type
        value = values[self.period]
        start = _period_start(str(value)[:7] if kind == "month" else value, kind)
        unit = str(self.system.variables[self.data["output"]].definition_period)
        if unit == "day":  # a rule dated to the day (an application day, a start day): the date itself
            return start[:10]
        return start[:4] if unit == "year" else start[:7]

    def rule_day(self, values: dict[str, Any]) -> str | None:
        """The day a month was given as (2021-05-20 for the month 2021-05), whose rules the month takes;
        None for a month given as a month (its first day's rules)."""
        if self.by_name[self.period].type != "month" or self.period not in values:
            return None
        value = str(values[self.period])
        return value if len(value) == 10 else None

    def changes_within(self, month: str, region: Region | None) -> list[str]:
        """The days after the 1st of `month` on which a rule of this calculator for `region` (or for every
        region) starts, ends or changes its figure: the month is then answered only for a day within it. A
        rule for every region does not count where the region's own rule covers the whole month (the more
        specific one wins). Kept per month and region (population mode asks once per combination of the gap
        fields, each time for one of a few months)."""
        return sorted(self.change_clauses(month, region))

    def change_clauses(self, month: str, region: Region | None) -> dict[str, list[str]]:
        """`changes_within`'s days, each with the clauses its new values cite (none for a rule that ends)."""
        key = (month, region)
        if key not in self._changes:
            self._changes[key] = self._change_clauses(month, region)
        return {day: list(keys) for day, keys in self._changes[key].items()}

    def _change_clauses(self, month: str, region: Region | None) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        own = region is not None and all(
            in_force([s for s in self.spans if s.region is region], region, f"{month}-{day:02d}") for day in (1, 28))
        for leaf_region, leaf in regional_leaves(self.node):
            if leaf_region not in (None, region) or (leaf_region is None and own):
                continue
            dated = sorted(((at.instant_str, at.value, (at.metadata or {}).get("source"))
                            for at in getattr(leaf, "values_list", None) or ()), key=lambda item: item[0])
            for i, (day, value, cited) in enumerate(dated):
                before = dated[i - 1][1] if i else None
                if day[:7] == month and day[8:] != "01" and value != before:
                    keys = found.setdefault(day, [])
                    if cited and cited in all_sources() and cited not in keys:
                        keys.append(cited)
        return found

    def month_days(self, values: dict[str, Any]) -> list[str]:
        """A month given as a month within which a rule changes (`changes_within`): the days to compute it
        on, its 1st and each day of a change; [] for any other case (docs/rules.md, "Months and dates within
        a month")."""
        if self.by_name[self.period].type != "month" or self.period not in values \
                or self.rule_day(values) is not None:
            return []
        month = str(values[self.period])
        days = self.changes_within(month, values.get(self.region) if self.region else None)
        return [f"{month}-01", *days] if days else []

    def month_change_clause(self, values: dict[str, Any]) -> str:
        """The clause a note on a change within the month cites: the first change's own, else the spec's
        first step's."""
        month = str(values[self.period])[:7]
        cited = self.change_clauses(month, values.get(self.region) if self.region else None)
        keys = [key for day in sorted(cited) for key in cited[day]]
        return keys[0] if keys else self.clause_of(self.steps[0], values)

    def instant(self, values: dict[str, Any]) -> str:
        day = self.rule_day(values)
        if day is not None:
            return day
        period = self.period_of(values)
        if len(period) == 10:
            return period
        return f"{period}-01-01" if len(period) == 4 else f"{period}-01"

    def coverage_text(self, region: Region | None = None) -> str:
        """What is covered, for a gap message: 北京 2020-07-01 起，京人社发[2020]8号 (a national rule: no place)."""
        chosen = [s for s in self.spans if region is None or s.region in (None, region)] or self.spans
        parts = []
        for span in chosen:
            doc_nos = "、".join(dict.fromkeys(source(key).doc_no for key in span.clauses))
            place = f"{span.region.value} " if span.region else ""
            parts.append(f"{place}{span.dates}" + (f"，{doc_nos}" if doc_nos else ""))
        return "；".join(parts + ([self.data["gap_note"]] if self.data.get("gap_note") else []))

    def _mid_month(self, values: dict[str, Any], region: Region | None) -> str:
        """For a month refused although a rule starts within it: why (a month takes the rule in force on its
        first day), so the message does not seem to refuse the very start it names."""
        if self.by_name[self.period].type != "month" or self.rule_day(values) is not None:
            return ""
        month = str(values[self.period])
        starts = [s.start for s in self.spans if s.region in (None, region) and s.start[:7] == month]
        return f"；{starts[0]} 起施行的规定请填写该日或以后的具体日期" if starts else ""

    def _day_asked(self, values: dict[str, Any], region: Region | None) -> str | None:
        """A month within which a rule starts, ends or changes, given as a month: the day is asked for (the
        rule in force on the month's first day would be wrong for the rest of the month, or refuse it)."""
        if self.by_name[self.period].type != "month" or self.rule_day(values) is not None:
            return None
        month = str(values[self.period])
        days = self.changes_within(month, region)
        if not days:
            return None
        return msg.day_asked(self.period, days, raw=month)

    def coverage(self) -> list[dict[str, str]]:
        return [{"region": span.region.value if span.region else "全国", "dates": span.dates,
                 "doc_no": "、".join(dict.fromkeys(source(key).doc_no for key in span.clauses))}
                for span in self.spans]

    def _uncovered(self, values: dict[str, Any]) -> str | None:
        """The gap before the spec's own checks: a region, month to be given as a day, or period no rule
        covers (reads only the region and the period)."""
        region = values.get(self.region) if self.region else None
        if region is not None and self.spans and not any(s.region in (None, region) for s in self.spans):
            return msg.not_covered(self.region, region.value, self.coverage_text())
        asked = self._day_asked(values, region) if self.period in values else None
        if asked:
            return asked
        if self.period in values and not in_force(self.spans, region, self.instant(values)):
            case = f"{region.value} {values[self.period]}" if region is not None else str(values[self.period])
            return msg.not_covered(self.period, case, self.coverage_text(region) + self._mid_month(values, region))
        return None

    def gap(self, values: dict[str, Any]) -> str | None:
        uncovered = self._uncovered(values)
        if uncovered or self.period not in values:
            return uncovered
        scope = self.scope(values, {}, self.check_lets)
        for check in self.checks:
            if scope.evaluate(check["when"]):
                field, message = check["field"], render(check["message"], scope)  # figures from parameters
                if field not in values:
                    return msg.error(field, message)
                spec = self.by_name[field]  # a choice shown by the word users know it by, not its code
                return msg.error(field, message, spec.word(values[field]) if spec.type == "choice" else values[field])
        return None

    def gap_columns(self, values: dict[str, Any], columns: dict[str, np.ndarray],
                    count: int) -> tuple[np.ndarray, list[str]]:
        """`gap` for `count` rows that share `values` and differ only in the inputs of `columns` (one value per
        row on every row; `gap_column_fields`): the checks are evaluated column-wise (ColumnScope). Returns per
        row an index into the messages (-1: no gap), each row's message the one `gap` gives it alone. Raises
        `Unsupported` where an expression cannot be evaluated so (the caller then checks row by row)."""
        codes = np.full(count, -1, dtype=np.int32)
        uncovered = self._uncovered(values)
        if uncovered or self.period not in values:
            return (codes + 1, [uncovered]) if uncovered else (codes, [])
        scope = self.scope(values | columns, {}, self.check_lets, ColumnScope, count)
        messages: dict[str, int] = {}
        open_rows = np.ones(count, dtype=bool)
        for check in self.checks:
            fires = scope.evaluate(check["when"])
            if not isinstance(fires, np.ndarray):
                if not fires:
                    continue
                fires = open_rows.copy()
            else:
                fires = column_truth(fires) & open_rows
                if not fires.any():
                    continue
            field = check["field"]
            texts = render_rows(check["message"], scope, fires)
            if field in columns:  # the row's own value shown (`gap` passes it to msg.error)
                raws = columns[field][fires].tolist()
                texts = [texts] * len(raws) if isinstance(texts, str) else texts
                rows_texts = [msg.error(field, text, raw) for text, raw in zip(texts, raws, strict=True)]
            else:
                texts = [texts] if isinstance(texts, str) else texts
                if field not in values:
                    rows_texts = [msg.error(field, text) for text in texts]
                else:
                    spec = self.by_name[field]
                    raw = spec.word(values[field]) if spec.type == "choice" else values[field]
                    rows_texts = [msg.error(field, text, raw) for text in texts]
            if len(rows_texts) == 1:
                codes[fires] = messages.setdefault(rows_texts[0], len(messages))
            else:
                codes[fires] = [messages.setdefault(text, len(messages)) for text in rows_texts]
            open_rows &= ~fires
            if not open_rows.any():
                break
        return codes, list(messages)

    def gap_column_fields(self) -> tuple[str, ...]:
        """The inputs population mode passes to `gap_columns` as columns: amounts, counts and dates the checks
        read by value (not the region or the period, nor a date read only against fixed days: `gap_date_bounds`
        groups those by span). Rows are grouped by the other gap fields and by which of these are given."""
        spans = self.gap_date_bounds()
        return tuple(name for name in self.gap_fields() if not name.startswith("?")
                     and name not in (self.region, self.period) and name not in spans
                     and self.by_name[name].type in ("number", "share", "integer", "date"))

    def check_clauses(self, field: str, day: str) -> tuple[str, ...]:
        """The clauses a refusal by the checks on `field` rests on: the ``metadata.source`` of each parameter those
        checks read, as in force on `day` (YYYY-MM-DD) — 10月底前 cites 湘人社规〔2020〕14号 三（三）."""
        found: dict[str, None] = {}
        for check in self.checks:
            if check["field"] != field:
                continue
            for node in ast.walk(parse(check["when"])):
                path = _parameter_path(node, self.lets)
                leaf: Any = self.system.parameters
                try:
                    for part in path or ():
                        leaf = leaf.children[part]
                except (AttributeError, KeyError):
                    continue
                dated = [at for at in getattr(leaf, "values_list", None) or [] if at.instant_str <= day]
                key = (max(dated, key=lambda at: at.instant_str).metadata or {}).get("source") if dated else None
                if key:
                    found[key] = None
        return tuple(found)

    def gap_fields(self) -> tuple[str, ...]:
        """The inputs `gap` reads, for population mode's grouping: "?name" where only the input's presence
        matters (every check reads it as ``name == None`` / ``name != None``, and a check naming it as its
        field fires only when it is absent, so no message shows its value). A population is then checked
        once per combination of regions, periods and presences, not once per distinct amount."""
        read: set[str] = set()
        by_value: set[str] = set()  # shown in a message, or read through a `let` (whose value the check uses)
        for check in self.checks:
            read |= self._inputs_read(check["when"])
            for hole in holes(check["message"]):
                by_value |= self._inputs_read(hole)
            by_value |= {name for let in names_in(check["when"]) if let in self.lets
                         for name in self._inputs_read(str(self.lets[let]))}
        read |= by_value
        presence = {name for name in read if name not in by_value
                    and all(_presence_only(check, name) for check in self.checks)}
        names = dict.fromkeys(name for name in (self.region, self.period, *sorted(read)) if name)
        return tuple(f"?{name}" if name in presence and name not in (self.region, self.period) else name
                     for name in names)

    def gap_date_bounds(self) -> dict[str, tuple[str, ...]]:
        """`date_spans`' dates no message names (Calculator.gap_date_bounds)."""
        return {name: days for name, (days, shown) in self.date_spans().items() if not shown}

    def gap_date_bounds_shown(self) -> dict[str, tuple[str, ...]]:
        """`date_spans`' dates a message may name (Calculator.gap_date_bounds_shown)."""
        return {name: days for name, (days, shown) in self.date_spans().items() if shown}

    def date_spans(self) -> dict[str, tuple[tuple[str, ...], bool]]:
        """Date inputs (not the period) that the checks read only as a None test or compared with fixed days (a
        date written in the spec, or a parameter's day: each day it ever takes), with the days the comparisons may
        turn on (each fixed day and the day after it, so that <, <=, ==, > and >= all give one answer from one
        bound to the next). Population mode then checks such a date once per span between the bounds, not once
        per distinct date (Calculator.gap_date_bounds); with whether a message may name the date (a hole reads
        it, or a check naming it as its field may fire while it is given): such a date's failing rows are then
        checked again by value."""
        whens = [check["when"] for check in self.checks]
        trees = [parse(text) for text in whens] + [parse(str(self.lets[let])) for let in self._lets_read(whens)]
        shown = {name for check in self.checks for hole in holes(check["message"]) for name in self._inputs_read(hole)}
        out: dict[str, tuple[tuple[str, ...], bool]] = {}
        for spec in self.fields:
            name = spec.name
            if spec.type != "date" or name == self.period:
                continue
            days: set[date] = set()
            if all(_fixed_day_comparisons(tree, name, days, self.lets) for tree in trees) and days:
                named = name in shown or any(check["field"] == name and not _presence_only(check, name)
                                             for check in self.checks)
                out[name] = (tuple(sorted({str(day) for fixed in days
                                           for day in (fixed, date.fromordinal(fixed.toordinal() + 1))})), named)
        return out

    def gap_day_bounds(self) -> tuple[str, ...] | None:
        """For a rule dated to the day whose checks do not read the day: the days on which a span of the
        rule starts or ends (`gap` reads the day through `in_force`) or any parameter value changes (the
        checks read parameters in force on the day)."""
        if self.by_name[self.period].type != "date" or \
                str(self.system.variables[self.data["output"]].definition_period) != "day":
            return None
        if any(self.period in self._inputs_read(check["when"]) for check in self.checks):
            return None
        days = {s.start for s in self.spans} | {s.stop for s in self.spans if s.stop != OPEN_END}
        return tuple(sorted(days | {str(instant) for instant in self.system.value_changes}))

    def _lets_read(self, sources: list[str]) -> tuple[str, ...]:
        """The let names some expressions read, directly or through other lets."""
        pending = [name for text in sources for name in names_in(str(text))]
        found: set[str] = set()
        while pending:
            name = pending.pop()
            if name in self.lets and name not in found:
                found.add(name)
                pending += names_in(str(self.lets[name]))
        return tuple(name for name in self.lets if name in found)

    def _inputs_read(self, source_text: str) -> set[str]:
        """The inputs an expression reads, directly or through `let` names."""
        found: set[str] = set()
        pending, seen = list(names_in(source_text)), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.by_name:
                found.add(name)
            elif name in self.lets:
                pending += names_in(str(self.lets[name]))
        return found

    def to_variables(self, columns: Columns, period: str) -> Columns:
        out: Columns = {}
        absent = getattr(columns, "absent", None)  # population mode: the rows without a value
        for name, target in self.to_openfisca.items():
            if name not in columns:
                continue
            variable = self.system.variables[target]
            if variable.value_type.__name__ == "Enum" and self.by_name[name].type == "choice":
                out[target] = enum_codes(variable.possible_values, choice_column(columns, name))
            elif variable.value_type is date and self.by_name[name].type == "month" and name != self.period \
                    and self.by_name[name].accepts_day:  # a day within the month is that day (_days)
                out[target] = _days(columns[name])
            elif variable.value_type is date and self.by_name[name].type == "month":
                out[target] = _first_days(_months(columns[name]))
            elif self.by_name[name].type == "month":
                out[target] = _months(columns[name])
            else:
                out[target] = columns[name]
            # as single mode, where an input not given is not set: its formula runs (population mode gives
            # such rows a simulation of their own: `inputs_with_formulas`), or its default value is used
            # (written into the missing cells already for the inputs of `absent_values`)
            missing = absent(name) if absent and name not in self.absent_values() else None
            if missing is not None and variable.formulas:
                del out[target]
            elif missing is not None:
                out[target] = np.where(missing, _default_cell(variable), out[target])
        return out

    def inputs_with_formulas(self) -> tuple[str, ...]:
        return tuple(name for name, target in self.to_openfisca.items()
                     if not self.by_name[name].required and self.system.variables[target].formulas)

    def absent_values(self) -> dict[str, Any]:
        """Optional inputs held as their variable holds them (numbers, flags, days), with its default; a
        choice whose variable's default is one of its choices, with that choice's position."""
        if self._absent is None:
            self._absent = {}
            for name, target in self.to_openfisca.items():
                spec, variable = self.by_name[name], self.system.variables[target]
                if spec.required or variable.formulas:
                    continue
                if spec.type in ("number", "share", "integer", "year", "boolean", "date"):
                    self._absent[name] = _default_cell(variable)
                elif spec.type == "choice" and variable.value_type.__name__ == "Enum":
                    default = variable.default_value
                    chosen = [i for i, word in enumerate(spec.choices) if word in (default.value, default.name)]
                    if chosen:
                        self._absent[name] = chosen[0]
        return self._absent

    def typed(self, name: str, number: float) -> Any:
        """A computed variable as its type: a boolean, an enum member (its Chinese value), or a number."""
        variable = self.system.variables[name]
        if variable.value_type is date:  # a due date: shown and answered as 2020-10-16
            return number.isoformat() if isinstance(number, date) else str(number)
        if variable.value_type is str:
            return str(number)
        if variable.value_type is bool:
            return bool(number)
        if variable.value_type.__name__ == "Enum":
            return list(variable.possible_values)[int(number)].value
        return number

    def scope(self, values: dict[str, Any], computed: dict[str, float], lets: tuple[str, ...] | None = None,
              kind: type[Scope] = Scope, count: int = 1) -> Scope:
        """The names of one case; `lets`: only these let names (the checks' own, when checking gaps). With
        `kind` ColumnScope, some inputs are columns of `count` rows (`gap_columns`)."""
        typed = {name: self.typed(name, number) for name, number in computed.items()}
        names: dict[str, Any] = {name: None for name in self.by_name} | dict(values) | typed
        if self.rule_day(values) is not None:  # expressions read the month; the day chose the rules
            names[self.period] = str(values[self.period])[:7]
        region = values.get(self.region) if self.region else None
        scope = Scope(names, self.instant(values), region) if kind is Scope else \
            ColumnScope(names, self.instant(values), region, count)
        for name, expression in self.lets.items():  # in order: a let may read the ones before it
            if lets is None or name in lets:
                names[name] = scope.evaluate(str(expression))
        return scope

    def _round(self, value: Any) -> Any:
        """The answer: to the 分 for money, else to 6 decimals (steps and details round as their spec says)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return money(value) if self.data["unit"].startswith("CNY") else round(float(value), 6)

    @staticmethod
    def _plain(value: Any) -> Any:
        """A step value or detail: floats without binary noise (round() in the spec for fewer decimals)."""
        return round(float(value), 6) if isinstance(value, float) else value

    def _check_clause_keys(self, clause: dict[str, Any], where: str, what: str) -> None:
        """A clause by region names regions (or 其他); a clause by choice (``by: input``) names that input's
        every choice, or 其他 for those it leaves out: no case falls back to a clause chosen by position."""
        if BY not in clause:  # the case's region's document is cited
            names = {region.value for region in Region} | {OTHER_REGIONS}
            _require(self.region is not None and set(clause) <= names, where,
                     f"{what}: a clause by region needs a region input and region names as keys")
            return
        entry = self.inputs.get(clause[BY]) or {}
        choices = set(entry.get("choices") or ())
        _require(entry.get("type") == "choice", where, f"{what}: clause by {clause[BY]!r}, which is not a choice input")
        named = set(clause) - {BY}
        _require(named <= choices | {OTHER_REGIONS}, where, f"{what}: not choices of {clause[BY]}: "
                 f"{sorted(named - choices - {OTHER_REGIONS})}")
        _require(OTHER_REGIONS in named or choices <= named, where,
                 f"{what}: choices without a clause (name them or add 其他): {sorted(choices - named)}")

    def _check_details(self, where: str) -> None:
        for name, entry in (self.data.get("details") or {}).items():
            if not isinstance(entry, dict):
                continue
            _require(set(entry) <= {"value", "label"} and "label" in entry, where,
                     f"detail {name}: a mapping has a label and, unless a step sets it, a value")
            if isinstance(entry["label"], dict):
                self._check_clause_keys(entry["label"], where, f"detail {name}'s label")

    def detail_label(self, name: str, values: dict[str, Any]) -> str | None:
        """What the detail `name` is, in Chinese, for this case: the spec's `label` (by region or by choice, as a
        step's clause), else the label of the input or variable its expression gives (``round(x, 2)`` reads as
        x); None for anything else. The detail's key is never looked up: ``pension_months`` may hold another
        number than the input of that name."""
        entry = (self.data.get("details") or {}).get(name)
        if isinstance(entry, dict):
            label = entry["label"]
            return self._case_label(label, values) if isinstance(label, dict) else label
        if entry is None:
            return None
        node = parse(str(entry))
        while isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("round", "money") \
                and node.args:
            node = node.args[0]
        if not isinstance(node, ast.Name):
            return None
        if node.id in self.by_name:
            return self.by_name[node.id].label
        variable = self.system.variables.get(node.id)
        label = getattr(variable, "label", None) if node.id not in self.lets else None
        label = re.sub(r"[；;]\s*-1\s*为文件未印\S*$", "", label or "")  # the placeholder's note is no part of its name
        return label if label and not re.search(r"[A-Za-z]{2,}", label) else None

    def _case_label(self, label: dict[str, Any], values: dict[str, Any]) -> str | None:
        """A detail's label by region (or by choice, ``by: input``) for the case: the case's own, else 其他's;
        null where the detail means nothing for that case (not shown)."""
        if BY in label:
            key = values.get(label[BY])
        else:
            region = values.get(self.region) if self.region else None
            key = region.value if region is not None else None
        return label[key] if key in label else label.get(OTHER_REGIONS)

    def clause_of(self, item: dict[str, Any], values: dict[str, Any]) -> str:
        """The clause a step cites for this case: its own; or, given by region or by a choice input, the
        one for the case's region or choice (else 其他)."""
        clause = item["clause"]
        if not isinstance(clause, dict):
            return clause
        if BY in clause:
            named = clause.get(values.get(clause[BY]))  # the choice's word; an optional choice not given: 其他
        else:
            region = values.get(self.region) if self.region else None
            named = clause.get(region.value) if region is not None else None
        return named or clause.get(OTHER_REGIONS) or _step_clauses(item)[0]

    def explain(self, values: dict[str, Any], computed: dict[str, float]):
        scope = self.scope(values, computed)
        value = self._round(scope.names[self.data["output"]])
        details: dict[str, Any] = {}
        for name, entry in (self.data.get("details") or {}).items():
            expression = _detail_expression(entry)
            if isinstance(entry, dict) and "value" not in entry:
                continue  # named here, set by a step's `detail:`
            details[name] = None if expression is None else self._plain(scope.evaluate(str(expression)))
        steps: list[dict[str, Any]] = []
        shows: list[set[str]] = []  # the names each step's text shows, to place an official figure's note
        for item in self.steps:
            if item.get("when") is not None and not scope.evaluate(str(item["when"])):
                continue
            shown_value = None if item.get("value") is None else self._plain(scope.evaluate(str(item["value"])))
            steps.append({"text": render(item["text"], scope), "value": shown_value,
                          "source": source(self.clause_of(item, values)).as_json()})
            shows.append({name for hole in holes(item["text"]) for name in names_in(hole)})
            for name, text in (item.get("detail") or {}).items():
                details[name] = render(text, scope) if isinstance(text, str) else text
            if item.get("stop"):
                break
        unused = self.unused_for_region(values)
        for name in unused:  # computed without it, as the text allows; said, not silently dropped
            label = re.sub(r"^[（(][^（）()]*[）)]", "", self.by_name[name].label)
            steps.append({"text": f"“{label}”只适用于{'、'.join(self.region_only[name])}，本次为"
                                  f"{values[self.region].value}，该项未使用",
                          "value": None, "source": source(self.clause_of(self.steps[0], values)).as_json()})
        # An official figure's note sits beside the figure it qualifies (docs/rules.md, “Official figures”): just
        # before the first step that shows the figure, so the ceiling or result note keeps its place at the end;
        # a figure no step shows gets its note after the rule's steps, as before.
        placed: list[tuple[int, dict[str, Any]]] = []
        for name, entry in self.inputs.items():
            if entry.get("official_figure") and name in values and name not in unused:
                unit = UNIT_WORDS.get(entry.get("unit") or "", entry.get("unit") or "")  # 元/月, not CNY/month
                # cited: the clause that refers to the figure, else the spec's first clause
                key = self.clause_of(entry if entry.get("clause") else self.steps[0], values)
                given = values[name]  # a date (a scheme's start) as the JSON answer writes dates
                at = next((i for i, names in enumerate(shows) if name in names), len(shows))
                placed.append((at, {"text": f"{entry['label']}：{shown(given)}{unit}（官方数字由使用者提供，汇编未载明）",
                                    "value": given.isoformat() if isinstance(given, date) else given,
                                    "source": source(key).as_json()}))
        if placed:
            rule_steps, after = steps[:len(shows)], steps[len(shows):]  # after: the region-only inputs unused
            steps = []
            for i, step_ in enumerate(rule_steps):
                steps += [note for at, note in placed if at == i] + [step_]
            steps += after + [note for at, note in placed if at == len(shows)]
        if self.ceiling:
            details["is_ceiling"] = bool(self.ceiling is True or scope.evaluate(str(self.ceiling)))
        return value, details, steps

    def calculator(self) -> Calculator:
        official = [(entry["label"], entry.get("type", "")) for entry in self.inputs.values()
                    if entry.get("official_figure")]
        notes = list(self.data.get("notes") or [])
        told = official_figures_note(official, notes)
        if told:
            notes.append(told)
        return Calculator(
            name=self.name,
            title=self.data["title"],
            unit=self.data["unit"],
            fields=self.fields,
            variable=self.data["output"],
            to_variables=self.to_variables,
            period_of=self.period_of,
            gap=self.gap,
            explain=self.explain,
            explain_variables=self.computed,
            period_field=self.period,
            gap_fields=self.gap_fields(),
            gap_day_bounds=self.gap_day_bounds(),
            gap_date_bounds=self.gap_date_bounds(),
            gap_date_bounds_shown=self.gap_date_bounds_shown(),
            gap_columns=self.gap_columns,
            gap_column_fields=self.gap_column_fields(),
            inputs_with_formulas=self.inputs_with_formulas(),
            absent_values=self.absent_values(),
            coverage=self.coverage(),
            sources=tuple(self.clauses),
            notes=tuple(notes),
            audience=self.data["audience"],
            theme=self.data["theme"],
            examples=tuple(self.data.get("examples") or ()),
            rule_day=self.rule_day if self.by_name[self.period].type == "month" else None,
            month_days=self.month_days if self.by_name[self.period].type == "month" else None,
            month_change_clause=self.month_change_clause,
            spec=self,
            detail_labels=self.detail_label,
        )


def _detail_expression(entry: Any) -> Any:
    """A `details` entry's expression: the entry itself, or its `value` when the entry names it (a mapping with
    a `label`; no value where a step's `detail:` sets it)."""
    return entry.get("value") if isinstance(entry, dict) else entry


def _default_cell(variable) -> Any:
    """A variable's default value as one cell of its input array (an enum member as its index)."""
    default = variable.default_value
    if variable.value_type.__name__ == "Enum":
        return default.index
    if isinstance(default, date):
        return np.datetime64(default.isoformat(), "D")
    return default


def load_spec(path: Path) -> Calculator:
    return Spec(yaml.safe_load(path.read_text(encoding="utf-8")), path).calculator()


def load_specs(directory: Path = SPECS_DIR) -> dict[str, Calculator]:
    """Every spec of `directory`, by name."""
    return {path.stem: load_spec(path) for path in sorted(directory.glob("*.yaml"))}


__all__ = ["SPECS_DIR", "ParameterRef", "Spec", "SpecError", "load_spec", "load_specs"]
