"""The region of a case as a GB/T 2260 code (text such as "430000" or "500103"): the key of the
region-keyed parameters of kuaiban/rules/region_keys.py. Given directly where a rule lists counties or cities
(重庆's minimum-wage bands, 广州); otherwise the code of the province the `region` input names."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise, Person
from kuaiban.rules.enums import REGION_CODES, Region

CODES = np.array([REGION_CODES.get(member.name, "") for member in Region], dtype=object)


class region_code(Variable):
    value_type = str
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "所在地区（GB/T 2260 行政区划代码）"

    def formula(person, period, parameters):
        return CODES[np.asarray(person("region", period))]


class enterprise_region_code(Variable):
    value_type = str
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "参保单位所在地区（GB/T 2260 行政区划代码）"

    def formula(enterprise, period, parameters):
        return CODES[np.asarray(enterprise("enterprise_region", period))]
