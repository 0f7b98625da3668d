"""缓缴社会保险费 (2020): the latest day to which an enterprise in serious difficulty may defer its 养老、失业、工伤
contributions, late fees waived meanwhile.

The national rule (人社部发〔2020〕11号: 原则上不超过6个月; 49号: 可继续缓缴至2020年12月底) applies everywhere;
a province's own rule (湘人社规〔2020〕2号: 一般不超过一年; 10号: 至2020年12月底; 鲁政办发〔2020〕4号: 中小企业最长
6个月) applies beside it, and the later day is the answer (reading: a province may be more generous, never
stricter, than the national notice). Once 49号 is in force its “至2020年12月底” is also the last day of every
deferral, whatever its start (49号 六: 各省不得突破本通知的政策要求; 人社厅发〔2021〕2号 一: no deferral from 2021-01-01),
so a deferral begun after June 2020 ends on 2020-12-31, not six months on. Every answer is a ceiling: the deferral
is approved case by case.
The OpenFisca period is the day the question is asked (rules in force then); the deferral's start is an input.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.deadlines import shift_months
from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import EnterpriseSize
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.region_keys import by_region

CALCULATOR = "contribution_deferral"
NONE = date(1, 1, 1)
SME = [EnterpriseSize.micro.index, EnterpriseSize.small.index, EnterpriseSize.medium.index]
REFS = ("nat_deferral_6_months", "nat_deferral_to_december", "hn_deferral_one_year", "hn_deferral_to_december",
        "sd_deferral_sme")


class deferral_start(Variable):
    value_type = date
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "缓缴开始之日"


class serious_difficulty(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "受疫情影响生产经营出现严重困难（经批准）"


def _latest(start: np.ndarray, node, applies: np.ndarray) -> np.ndarray:
    """The later of start + max_months and the rule's fixed day, where the rule applies."""
    months = int(node.max_months)
    by_months = np.array([np.datetime64(shift_months(s.astype(object), months).isoformat(), "D") for s in start])
    fixed = np.datetime64(str(node.until), "D")
    latest = np.maximum(by_months, fixed)
    return np.where(applies, latest, np.datetime64(NONE.isoformat(), "D"))


class contribution_deferral_until(Variable):
    value_type = date
    default_value = NONE
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "最迟可缓缴至之日（上限；0001-01-01 为无适用规定）"
    reference = REFS

    def formula_2020_02_04(enterprise, period, parameters):
        start = enterprise("deferral_start", period).astype("datetime64[D]")
        difficulty = enterprise("serious_difficulty", period)
        sme = np.isin(enterprise("enterprise_size", period), SME)
        national = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national")
        out = np.full(enterprise.count, np.datetime64(NONE.isoformat(), "D"))
        if national is not None and parameter_or_none(parameters, period.start, f"{CALCULATOR}.national.max_months"):
            out = np.maximum(out, _latest(start, national, difficulty))
        regional = by_region(enterprise, period, parameters, CALCULATOR, "max_months",
                             lambda node: _latest(start, node, difficulty & (sme | ~np.asarray(bool(node.sme_only)))),
                             np.datetime64(NONE.isoformat(), "D"))
        out = np.maximum(out, regional)
        until = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national.until")
        if until is not None and str(until) != NONE.isoformat():
            # 49号 二 “可继续缓缴…至2020年12月底” caps every deferral (above it only extends the 6 months)
            cap = np.datetime64(str(until), "D")
            out = np.where(out != np.datetime64(NONE.isoformat(), "D"), np.minimum(out, cap), out)
        return out
