"""一次性吸纳就业补贴 claimed by an employer (湘政办发〔2020〕20号): the staff list in Excel gives the number
hired, the calculator the amount, a reviewer decides, and the lump sum is paid once, in the claim's month."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kuaiban.platform.errors import Conflict
from kuaiban.programs import claims, payroll
from kuaiban.rules.calculators import get
from tests.programs.conftest import AUG_3, id_number

FACTS = {"enterprise_size": "小型企业", "hiring_group": "登记失业人员", "hiring_date": "2020-07-01",
         "hiring_contract_months": "24", "hiring_contributions_paid": "是", "hiring_unemployed_months": "7"}


def staff_list(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "公民身份号码", "劳动合同起始日期", "已享受一次性岗位补贴"])
    for i in range(rows):
        sheet.append([f"测试{i}", id_number(), "2020-07-01", "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_staff_list_sets_the_number_hired_and_the_lump_sum_is_paid_once(sqlite_town) -> None:
    town = sqlite_town
    with town.session() as s:
        claim = claims.submit(s, town.enterprise, "hn_hiring_subsidy", month="2020-08", facts=FACTS,
                              account="43001234567890", staff_list=staff_list(3), at=AUG_3)
    expected = get("hiring_subsidy").run({
        "enterprise_region": "430104", "application_date": "2020-08-01", "enterprise_size": "小型企业",
        "hiring_group": "登记失业人员", "hiring_count": 3, "hiring_date": "2020-07-01", "hiring_contract_months": 24,
        "hiring_contributions_paid": True, "hiring_unemployed_months": 7})["value"]
    assert claim.facts["staff_count"] == 3 and claim.monthly_fen == round(expected * 100)
    with town.session() as s:
        assert claims.act(s, town.hunan_reviewer, claim.id, outcome="pass", at=AUG_3).status == "approved"
        first, _ = payroll.build(s, "hn_hiring_subsidy", "430000", "2020-09", actor=town.hunan_supervisor)
        later, _ = payroll.build(s, "hn_hiring_subsidy", "430000", "2020-10", actor=town.hunan_supervisor)
    assert (first.lines, first.total_fen, later.lines) == (1, round(expected * 100), 0)


def test_work_for_training_is_claimed_month_by_month_once_a_month(sqlite_town) -> None:
    """以工代训 (鲁人社函〔2020〕78号 三: 以月为单位，可逐月申领): one claim a month, each paid once."""
    town = sqlite_town
    with town.session() as s:
        s.get(type(town.enterprise.applicant), town.enterprise.applicant_id).region = "370102"
    facts = {"enterprise_size": "小型企业", "kind": "新吸纳就业以工代训", "months_used": "0"}
    with town.session() as s:
        august = claims.submit(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-08", facts=facts,
                               account="37001234567890", staff_list=staff_list(2), at=AUG_3)
    expected = get("work_for_training_subsidy").run({
        "region": "370102", "application_date": "2020-08-01", "training_month": "2020-08", "enterprise_size": "small",
        "work_for_training_kind": "hiring", "wfts_trainees": 2, "wfts_months_used": 0})["value"]
    assert august.monthly_fen == round(expected * 100) > 0
    with town.session() as s, pytest.raises(Conflict):
        claims.submit(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-08", facts=facts,
                      account="37001234567890", staff_list=staff_list(2), at=AUG_3)
    with town.session() as s:
        # a training month is claimed once it has come (申领月份 no later than the claim's own month)
        september = claims.submit(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-09",
                                  facts=facts | {"months_used": "1"}, account="37001234567890",
                                  staff_list=staff_list(2), at=AUG_3 + dt.timedelta(days=29))
    assert september.status == "reviewing"
