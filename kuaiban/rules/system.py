"""The kuaiban tax-benefit system: entities, parameters and variables loaded once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
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


@cache
def tax_benefit_system() -> KuaibanSystem:
    """The shared system (building it parses every YAML file, so it is done once)."""
    return KuaibanSystem()
