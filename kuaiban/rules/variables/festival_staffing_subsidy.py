"""春节期间一次性用工补贴 (山东 2020) and 一次性留工补贴 / 留渝见习生活费补贴 (重庆 2021): festival_staffing_subsidy.

Both pay an enterprise per person who worked or stayed over the Spring Festival. The period is the application day.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import leaf, regional_nodes

REFERENCES = ("sd_festival_staffing", "sd_festival_staffing_5", "cq_festival_staff", "cq_festival_conditions",
              "cq_festival_trainees")


class festival_key_producer(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "列入名单的疫情防控重点物资生产企业（春节期间开工生产）"


class festival_person_days(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "2020年1月24日至2月9日各天在岗人数之和（人天）"


class festival_staff(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "留渝过年、未离开重庆且已缴纳1月和2月养老保险费的外地员工人数"


class festival_trainees(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "留渝过年、见习未中止的外地见习人员人数"


class festival_red_packet(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "发放给每人的“留岗红包”（元）"


class festival_staffing_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "春节期间一次性用工（留工）补贴（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_17(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        out = np.zeros(enterprise.count)
        for member, node in regional_nodes(parameters, period.start, "festival_staffing_subsidy"):
            here = region == member
            per_day = leaf(node, "per_person_day")
            if per_day is not None:
                amount = np.minimum(per_day * enterprise("festival_person_days", period), leaf(node, "firm_cap"))
                ok = enterprise("festival_key_producer", period) | (not leaf(node, "key_producers_only", False))
                out = np.where(here, np.where(ok, amount, 0), out)
            per_employee = leaf(node, "per_employee")
            if per_employee is not None:
                paid = enterprise("festival_red_packet", period) >= leaf(node, "red_packet_floor")
                staff = np.minimum(per_employee * enterprise("festival_staff", period), leaf(node, "firm_cap"))
                trainees = leaf(node, "per_trainee", 0) * enterprise("festival_trainees", period)
                out = np.where(here, np.where(paid, staff + trainees, 0), out)
        return out
