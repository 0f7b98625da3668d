"""先缴后补 in the decision's words (s16): 湖南's 社会保险补贴 (湘人社规〔2020〕22号 第八条 “社会保险补贴实行“先缴后补”方式”;
第七条 the amount on the contributions 实际缴纳) are approved with a total worked out at review, and each month is then
computed again before its batch from that month's contributions as paid (kuaiban.programs.settle). The approval
notice and the claim's page now say so after the total; no other program's notice changes."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.platform.notification_models import Notification
from kuaiban.programs import definitions, wording
from tests.programs.conftest import PASSWORD, make_town
from tests.programs.helpers import FLEX, pay_first_claim
from tests.web.forms import post_login

SENTENCE = ("本补贴实行“先缴后补”方式（湘人社规〔2020〕22号 第八条）：每月发放前按当月实际缴纳的社会保险费核算该月金额，"
            "查到该月缴费记录后发放，金额可能与审核时核算的不同。")


def test_only_the_pay_first_programs_carry_the_sentence() -> None:
    programs = definitions.programs()
    said = {code for code, p in programs.items() if wording.pay_first(p)}
    assert said == {code for code, p in programs.items() if p.pay_first is not None}
    assert said == {"hn_social_insurance_subsidy_flexible", "hn_social_insurance_subsidy_employer"}
    assert wording.pay_first(programs[FLEX]) == SENTENCE
    # nothing quoted that the text does not say: the one quoted phrase is 第八条's own
    assert "“先缴后补”" in definitions.clauses()["hn22_pay_first"].quote


def test_the_approval_notice_and_the_claim_page_say_months_follow_the_contributions_paid(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim_id = pay_first_claim(town)
    with town.session() as s:
        told = s.scalar(select(Notification.text).where(Notification.kind == "program_approved",
                                                        Notification.user_id == town.hunan_citizen.id))
    assert "审核通过：2021-11 至 2021-12，共 2 个月，合计 1209.60 元，发放至" in told
    assert SENTENCE in told and told.index("合计 1209.60 元") < told.index(SENTENCE)

    client = TestClient(create_app(url))
    assert post_login(client, "hn-citizen", PASSWORD).status_code == 303
    page = client.get(f"/programs/claims/{claim_id}").text
    assert "发放计划" in page and SENTENCE in page
