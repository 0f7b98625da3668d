"""办理时限与期限: the due date of a time limit printed in the compilations, from its start day.

The OpenFisca period is the start day (受理日、签订日、公示日 …; for the *_before limits the event itself).
Each limit is a node of parameters/statutory_deadline/<region>.yaml with a dated unit and count, so a new
limit is a few lines of YAML and a limit that ends (有效期) ends by a `null`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.deadlines import due_date
from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none

CALCULATOR = "statutory_deadline"
NOT_IN_FORCE = date(1, 1, 1)
PARAMETER_DIR = Path(__file__).resolve().parent.parent / "parameters" / CALCULATOR
# The clauses cited by the limits' parameters (each value's `source`), so the variable's reference follows the YAML
CLAUSES = tuple(sorted({key for path in PARAMETER_DIR.glob("*.yaml")
                        for key in re.findall(r"source: (\w+)", path.read_text(encoding="utf-8"))}))


class deadline_item(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "时限事项"


def _item_nodes(parameters, instant) -> dict[str, object]:
    """Every limit in force at `instant`, by its key (keys are unique across the region files)."""
    root = parameter_or_none(parameters, instant, CALCULATOR)
    found: dict[str, object] = {}
    if root is None:
        return found
    for region in root._children:
        for key in root[region]._children:
            if parameter_or_none(parameters, instant, f"{CALCULATOR}.{region}.{key}.kind") is not None:
                found[key] = root[region][key]
    return found


def _per_item(person, period, parameters, part: str, default):
    items = np.asarray(person("deadline_item", period), dtype=object)
    nodes = _item_nodes(parameters, period.start)
    out = np.full(person.count, default, dtype=object)
    for key in set(items):
        if key in nodes:
            out[items == key] = nodes[key][part]
    return out


class statutory_deadline_in_force(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.DAY
    label = "该时限在起算日有效"

    def formula(person, period, parameters):
        return _per_item(person, period, parameters, "kind", "") != ""


class statutory_deadline_unit(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.DAY
    label = "时限的计算方式"

    def formula(person, period, parameters):
        return _per_item(person, period, parameters, "kind", "")


class statutory_deadline_count(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.DAY
    label = "时限的数目（日数、月数、某日或日期）"

    def formula(person, period, parameters):
        counts = _per_item(person, period, parameters, "count", "")
        return np.array([f"{c:g}" if isinstance(c, float) else str(c) for c in counts], dtype=object)


class statutory_deadline(Variable):
    value_type = date
    default_value = NOT_IN_FORCE
    entity = Person
    definition_period = DateUnit.DAY
    label = "到期日（最后一日；提前类为最迟应办之日，退休预审为最早可办之日）"
    reference = CLAUSES

    def formula(person, period, parameters):
        start = period.start.date
        units = _per_item(person, period, parameters, "kind", "")
        counts = _per_item(person, period, parameters, "count", "")
        memo: dict[tuple[str, object], date] = {}
        out = np.full(person.count, np.datetime64(NOT_IN_FORCE.isoformat(), "D"))
        for row, (unit, count) in enumerate(zip(units, counts, strict=True)):
            if unit:
                if (unit, count) not in memo:
                    memo[unit, count] = due_date(start, unit, count)
                out[row] = np.datetime64(memo[unit, count].isoformat(), "D")
        return out


class statutory_deadline_label(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.DAY
    label = "时限事项的中文名称（参数的说明）"

    def formula(person, period, parameters):
        items = np.asarray(person("deadline_item", period), dtype=object)
        in_force = _item_nodes(parameters, period.start)
        tree = person.simulation.tax_benefit_system.parameters.statutory_deadline  # the dated tree keeps descriptions
        out = np.full(person.count, "", dtype=object)
        for region in tree.children.values():
            for key, node in region.children.items():
                if key in in_force:
                    out[items == key] = node.description
        return out
