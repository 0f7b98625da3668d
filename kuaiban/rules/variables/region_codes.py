"""The region of a case as a GB/T 2260 code (text such as "430000" or "500103"): the key of the
region-keyed parameters (kuaiban/rules/region_keys.py)."""

from __future__ import annotations

from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise, Person


class region_code(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "所在地区（GB/T 2260 行政区划代码）"


class enterprise_region_code(Variable):
    value_type = str
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "参保单位所在地区（GB/T 2260 行政区划代码）"
