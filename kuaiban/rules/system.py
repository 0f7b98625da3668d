"""The kuaiban tax-benefit system: entities, parameters and variables loaded once per process."""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from pathlib import Path

import numpy as np
from openfisca_core import periods
from openfisca_core.parameters import Parameter, ParameterNodeAtInstant, ParameterScale
from openfisca_core.periods import DateUnit, Instant, Period
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from kuaiban.rules.entities import entities

HERE = Path(__file__).parent
PARAMETERS_DIR = HERE / "parameters"
VARIABLES_DIR = HERE / "variables"
YAML_TESTS_DIR = HERE / "tests"


class KuaibanSystem(TaxBenefitSystem):
    """快办政策计算：the compilations' computable policies as an OpenFisca country package."""

    def __init__(self) -> None:
        super().__init__(entities)
        self.load_parameters(str(PARAMETERS_DIR))
        self.add_variables_from_directory(str(VARIABLES_DIR))
        for variable in self.variables.values():
            # openfisca-core stores float variables as float32 (7 significant digits): a payroll of
            # 123456789.12 would be off by several yuan. Money needs cents, so use float64.
            if variable.value_type is float:
                variable.dtype = np.float64
        self.value_changes = change_instants(self)

    def get_parameters_at_instant(self, instant: str | int | Period | Instant) -> ParameterNodeAtInstant | None:
        """The parameters in force on `instant`, built once per period in which no value changes.

        openfisca-core caches the tree per instant (the last 128): a population dated to the day (850 death
        days) rebuilt the whole tree, 300 nodes, for each day. A value changes only on the instants the
        YAML files give, so every day from one such instant to the next reads the same tree.
        """
        if isinstance(instant, Period):
            instant = instant.start
        elif not isinstance(instant, Instant):
            instant = periods.instant(instant)
        changes = self.value_changes
        return self._tree_from(changes[max(bisect_right(changes, instant) - 1, 0)])

    @cache  # noqa: B019 (one system per process, kept for its life)
    def _tree_from(self, instant: Instant) -> ParameterNodeAtInstant | None:
        return None if self.parameters is None else self.parameters.get_at_instant(instant)


def leaf_parameters(system: TaxBenefitSystem) -> list[Parameter]:
    """Every parameter holding dated values, a scale's brackets' ones included (get_descendants stops at a
    scale)."""
    found = []
    for node in system.parameters.get_descendants():
        if isinstance(node, Parameter):
            found.append(node)
        elif isinstance(node, ParameterScale):
            found += [child for bracket in node.brackets for child in bracket.children.values()
                      if isinstance(child, Parameter)]
    return found


def change_instants(system: TaxBenefitSystem) -> list[Instant]:
    """Every instant on which some parameter value starts (or ends), in order, after the day before the
    first of them (which stands for every earlier day: no value is in force then)."""
    starts = {periods.instant(at.instant_str) for parameter in leaf_parameters(system)
              for at in parameter.values_list}
    ordered = sorted(starts)
    return [ordered[0].offset(-1, DateUnit.DAY), *ordered] if ordered else [periods.instant("1900-01-01")]


@cache
def tax_benefit_system() -> KuaibanSystem:
    """The shared system (building it parses every YAML file, so it is done once)."""
    return KuaibanSystem()
