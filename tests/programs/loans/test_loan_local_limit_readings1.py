"""创业担保贷款 where no text prints the ceiling (a 重庆 小微企业): the calculator asks for the local ceiling the 人社
office enters (财金〔2020〕21号 九, shandong-2020.txt:4140 “各地可适当放宽创业担保贷款借款人条件、提高贷款额度上限”),
instead of answering −1; a firm below the hiring share is refused without it (21号 一（二）, shandong-2020.txt:4108:
“由20%下降为15%”)."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform import auth
from kuaiban.platform.errors import Invalid
from kuaiban.programs.loans import flow
from tests.programs.loans.conftest import CQ_BANK, CQ_FUND, PASSWORD, Parties

FIRM_MATERIALS = {"法定代表人身份证": "提交", "企业职工花名册": "提交", "招用符合条件人员的人员类别证明": "承诺",
                  "企业财务报表": "提交"}


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10)


def cq_firm_application(p: Parties, hires: int) -> int:
    with p.session() as s:
        firm = auth.create_applicant(s, "enterprise", "测试重庆小微企业", region="500103")
        user = auth.create_user(s, f"cq-firm-{hires}", PASSWORD, "applicant", applicant=firm, region="500103")
        return flow.apply(s, user, borrower="小微企业", amount="1000000", months=24,
                          facts={"project": "火锅底料加工", "firm_staff": 20, "firm_new_hires": hires},
                          materials=FIRM_MATERIALS, commitment=True, account="6222000000000011",
                          at=at("2021-03-01")).id


def test_an_unprinted_small_firm_ceiling_is_entered_by_the_office_and_used_again_at_the_contract(
        parties: Parties) -> None:
    p = parties
    app_id = cq_firm_application(p, hires=3)  # 3 of 20 = 15 %: passes 21号 一（二）
    with p.session() as s, pytest.raises(Invalid) as asked:
        flow.review_eligibility(s, p.cq_office, app_id, outcome="pass", lpr="0.0385", guarantor=CQ_FUND,
                                bank=CQ_BANK, area="中、西部地区", at=at("2021-03-02"))
    assert asked.value.field == "local_limit" and "汇编未载明" in asked.value.message
    with p.session() as s:
        app = flow.review_eligibility(s, p.cq_office, app_id, outcome="pass", lpr="0.0385", guarantor=CQ_FUND,
                                      bank=CQ_BANK, area="中、西部地区", local_limit="800000", at=at("2021-03-02"))
        # asked 1 000 000, the local ceiling entered 800 000: pushed at 800 000
        assert (app.status, app.approved_limit_fen) == ("guarantee", 80_000_000)
        assert any("当地规定额度上限" in step["text"] for step in app.eligibility)
    with p.session() as s:
        flow.review_guarantee(s, p.cq_fund, app_id, outcome="pass", guarantee_no="CQ-DB-9", at=at("2021-03-03"))
    with p.session() as s:
        app = flow.lend(s, p.cq_bank, app_id, outcome="pass", contract_no="CQ-JK-9", contract_date="2021-03-04",
                        amount="800000", months=24, rate="0.0485", lpr="0.0385", at=at("2021-03-04"))
        # shandong-2020.txt:4120 中、西部 LPR+150BP = 5.35%; :4124 from 2021 the borrower bears LPR−150BP:
        # 贴息 4.85% − (3.85% − 1.50%) = 2.50%
        assert (app.status, app.rate_cap, app.subsidy_rate) == ("active", "0.0535", "0.025")


def test_a_small_firm_below_the_hiring_share_is_refused_without_being_asked_the_local_ceiling(
        parties: Parties) -> None:
    p = parties
    app_id = cq_firm_application(p, hires=2)  # 2 of 20 = 10 % < 15 %
    with p.session() as s:
        app = flow.review_eligibility(s, p.cq_office, app_id, outcome="pass", lpr="0.0385", guarantor=CQ_FUND,
                                      bank=CQ_BANK, area="中、西部地区", at=at("2021-03-02"))
        assert app.status == "refused" and "未达到规定比例" in app.reason
