"""湖南机关事业单位工作人员死亡后遗属生活困难补助费 (湘人社规〔2020〕9号 一, from 2020-06-19): a monthly amount per
dependant by residence (长沙 / elsewhere) and by how many dependants draw it, plus the highest one applicable extra."""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none

NODE = "survivor_hardship_allowance.r430000"
REFERENCES = ("hn_sha_changsha", "hn_sha_elsewhere", "hn_sha_extras", "hn_sha_dependants", "hn_sha_students",
              "hn_sha_work_injury_scope", "hn_sha_in_force")


class DependantRelation(Enum):
    father = "父（含养父）"
    husband = "夫"
    mother = "母（含养母、供养继母）"
    wife = "妻"
    child = "子女"
    sibling = "弟妹"


class dependant_relation(Variable):
    value_type = Enum
    possible_values = DependantRelation
    default_value = DependantRelation.child
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "遗属与死者的关系"


class dependant_age(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "遗属的周岁年龄（该月）"
    unit = "year"


class fully_disabled(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "完全丧失劳动能力"


class fixed_paid_work(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "从事有固定报酬的工作"


class income_insufficient(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "无收入或虽有收入但不能维持本人基本生活的城镇居民"


class in_school_at_death(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "工作人员死亡时尚在普通中学、技工学校、中等专业学校或普通高等学校学习（子女）"


class lives_in_changsha(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "居住在长沙市"


class dependants_drawing(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "享受遗属生活困难补助费的遗属人数"
    default_value = 1


class death_on_duty(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "经组织确认因工（公）死亡"


class anti_japanese_war_family(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "抗日战争时期参加革命工作的遗属"


class red_army_family(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "红军遗属"


class alone_without_relatives(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "遗属系孤身一人，无直系亲属"


class covered_by_work_injury_insurance(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "死者属于《工伤保险条例》实施范围（按工伤保险领取丧葬补助金和供养亲属抚恤金）"


class survivor_hardship_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "属于享受遗属生活困难补助费的直系亲属（湘人社规〔2020〕9号 一（二）1–4、8）"
    reference = ("hn_sha_dependants", "hn_sha_students", "hn_sha_work_injury_scope")

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.minor_age") is None:
            return np.zeros(person.count, dtype=bool)
        p = parameters(period.start).survivor_hardship_allowance.r430000
        relation = person("dependant_relation", period)
        age = person("dependant_age", period)
        disabled = person("fully_disabled", period)
        male_elder = ((relation == DependantRelation.father) | (relation == DependantRelation.husband)) & (
            (age >= p.elder_male_age) | disabled)
        female = ((relation == DependantRelation.mother) | (relation == DependantRelation.wife)) & ~person(
            "fixed_paid_work", period) & ((age >= p.female_age) | disabled | person("income_insufficient", period))
        minor = (age < p.minor_age) | disabled
        child = (relation == DependantRelation.child) & (minor | person("in_school_at_death", period))
        sibling = (relation == DependantRelation.sibling) & minor
        return ((person("region", period) == Region.hunan) & (male_elder | female | child | sibling)
                & ~person("covered_by_work_injury_insurance", period))


class survivor_hardship_extra(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "增发补助费（具备两项以上条件的按金额较高的一项）"
    unit = "currency-CNY"
    reference = ("hn_sha_extras",)

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.extra_alone") is None:
            return np.zeros(person.count)
        p = parameters(period.start).survivor_hardship_allowance.r430000
        not_spouse = ~((person("dependant_relation", period) == DependantRelation.husband)
                       | (person("dependant_relation", period) == DependantRelation.wife))
        extras = [
            np.where(person("death_on_duty", period), p.extra_death_on_duty, 0.0),
            np.where(person("anti_japanese_war_family", period) & not_spouse, p.extra_anti_japanese_war, 0.0),
            np.where(person("red_army_family", period) & not_spouse, p.extra_red_army, 0.0),
            np.where(person("alone_without_relatives", period), p.extra_alone, 0.0),
        ]
        return np.where(person("survivor_hardship_eligible", period), np.maximum.reduce(extras), 0.0)


class survivor_hardship_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "遗属生活困难补助费基本标准（按居住地和享受人数）"
    unit = "currency-CNY"
    reference = ("hn_sha_changsha", "hn_sha_elsewhere")

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.changsha_single") is None:
            return np.zeros(person.count)
        p = parameters(period.start).survivor_hardship_allowance.r430000
        single = person("dependants_drawing", period) <= 1
        changsha = person("lives_in_changsha", period)
        base = np.where(changsha, np.where(single, p.changsha_single, p.changsha_each_of_several),
                        np.where(single, p.elsewhere_single, p.elsewhere_each_of_several))
        return np.where(person("survivor_hardship_eligible", period), base, 0.0)


class survivor_hardship_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "遗属生活困难补助费（每人每月）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula(person, period, parameters):
        return person("survivor_hardship_base", period) + person("survivor_hardship_extra", period)
