"""Who gave an official figure, as a claim says it (kuaiban.programs.wording).

The calculators speak to one person working out their own case: an official figure the compilations do not
print is “由使用者提供”. In a claim only the office gives one (s14) — from the register the office keeps
(`kuaiban programs enter-figure`) or entered by a caseworker at review — so the claim's page, its decision and
the notice sent with it name the office, never the applicant. A date the applicant gave is the applicant's.
The calculators' own wording is unchanged. Figures are test inputs (the compilations print none of them).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.notification_models import Notification
from kuaiban.programs import claims, definitions, figures, registers, wording
from kuaiban.programs.models import Claim
from kuaiban.programs.screening import compute
from kuaiban.rules.calculators import get
from tests.programs.conftest import make_town
from tests.programs.test_audit_s13_claims import SD_BENEFIT, _shandong, _submit
from tests.programs.test_audit_s13_subsidies import FLEX, FLEX_FACTS

NOV_10 = dt.datetime(2021, 11, 10, 9, 0)


@pytest.fixture
def sqlite_town(tmp_path):
    """As tests/programs/conftest.py's, from the module _shandong draws its ID numbers from (no two alike)."""
    return make_town(f"sqlite:///{tmp_path / 'kuaiban.db'}")


def _said(d: dict) -> str:
    """Everything a claim's page says of its amount and its decision."""
    return "；".join([*(s["text"] for s in d["explanation"]), *d["reasons"]])


def _minimum_wage_entered_at_review(town, username: str) -> int:
    """A 山东 失业保险金 claim approved by a reviewer who entered the local minimum wage (1900, a test figure)."""
    user, _, reviewer = _shandong(town, username)
    claim = _submit(town, user, SD_BENEFIT, facts={"contribution_months": 30})
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", months=3, figures_entered={"local_minimum_wage": 1900},
                   at=dt.datetime(2020, 8, 3, 11))
    return claim.id


def test_a_figure_a_caseworker_entered_at_review_is_said_to_be_the_offices(sqlite_town) -> None:
    """山东 失业保险金 = 90 % of the local minimum wage (鲁人社函〔2020〕10号), a figure the reviewer enters: 1900."""
    town = sqlite_town
    claim_id = _minimum_wage_entered_at_review(town, "sd-words")
    with town.session() as s:
        stored = s.get(Claim, claim_id)
        told = claims.claim_dict(s, stored)
    assert stored.monthly_fen == 171000
    assert "当地最低工资标准1900元/月（官方数字由经办机构审核时录入，汇编未载明）" in _said(told)
    assert "使用者" not in _said(told) and "使用者" not in "".join(s["text"] for s in stored.explanation)
    # the calculator itself, asked by one person for their own case, still says the user gave it
    own = get("unemployment_benefit").run({"region": "山东", "month": "2020-08", "contribution_months": 30,
                                           "benefit_month": 1, "local_minimum_wage": 1900})
    assert any("官方数字由使用者提供" in s["text"] for s in own["explanation"])


def test_a_figure_from_the_offices_register_and_a_date_the_applicant_gave_are_each_said_so(sqlite_town) -> None:
    """湖南 灵活就业社会保险补贴: 上年度全省全口径社会平均工资 from the register (6000, entered with enter-figure);
    a claimant who has had the 36 months and whose 达到法定退休年龄的日期 (their own date) is past is refused —
    the decision, the history and the notice say who gave what."""
    town = sqlite_town
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number,
                      {"paid": True, "months": {"2021-11": {"paid": True, "rate": 0.28}}})
        figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", 6000,
                      actor=town.hunan_supervisor)
    with town.session() as s:
        claim = claims.submit(s, town.hunan_citizen, FLEX, month="2021-11", account="6217000000000001", at=NOV_10,
                              facts=FLEX_FACTS | {"si_months_received": "36", "si_retirement_date": "2021-06-01"})
        told = claims.claim_dict(s, claim)
        notice = s.scalars(select(Notification).where(Notification.kind == "program_refused")).one()
    assert told["status"] == "refused"
    said = _said(told)
    assert "上年度全省全口径社会平均工资 6000 元/月（官方数字由经办机构录入登记簿，汇编未载明）" in said
    assert "达到法定退休年龄的日期 2021年6月1日 判断（日期由申请人填写，汇编未载明法定退休年龄）" in said
    assert "使用者" not in said
    assert "官方数字由经办机构录入登记簿" in notice.text and "使用者" not in notice.text
    assert all("使用者" not in (h["note"] or "") for h in told["history"])


def test_an_older_claim_stored_in_the_calculators_words_is_shown_in_the_offices(sqlite_town) -> None:
    """A claim decided before this change kept the calculator's words; its page now reads as a new one's."""
    town = sqlite_town
    claim_id = _minimum_wage_entered_at_review(town, "sd-older")
    with town.session() as s:
        older = s.get(Claim, claim_id)
        older.explanation = [s | {"text": s["text"].replace("经办机构审核时录入", "使用者提供")}
                             for s in older.explanation]
        older.reasons = ["按政策计算：当地最低工资标准1900元/月（官方数字由使用者提供，汇编未载明）"]
    with town.session() as s:
        told = claims.claim_dict(s, s.get(Claim, claim_id))
    assert "使用者" not in _said(told)
    assert told["reasons"] == ["按政策计算：当地最低工资标准1900元/月（官方数字由经办机构审核时录入，汇编未载明）"]


def test_the_wording_of_each_kind_of_phrase() -> None:
    office = wording.STAFF_WORDS
    cases = {
        "当地失业保险金月标准1600元（官方数字由使用者提供，汇编未载明）": "当地失业保险金月标准1600元（官方数字由经办机构审核时录入，汇编未载明）",
        "使用者提供的当地最低工资标准1900元/月未采用：按汇编所载的2100元/月计算":
            "经办机构审核时录入的当地最低工资标准1900元/月未采用：按汇编所载的2100元/月计算",
        "补贴标准由设区的市确定：每人每月 500 元（使用者提供）": "补贴标准由设区的市确定：每人每月 500 元（经办机构审核时录入）",
        "（日期由使用者提供，汇编未载明法定退休年龄）": "（日期由申请人填写，汇编未载明法定退休年龄）",
        "官方数字由使用者提供：当地最低工资标准（汇编未载明，须按当地公布的数字填写）。":
            "官方数字由经办机构审核时录入：当地最低工资标准（汇编未载明，须按当地公布的数字填写）。",
        "其后汇编未载明，由使用者提供。": "其后汇编未载明，由经办机构审核时录入。",
        "按月发放 3 个月": "按月发放 3 个月",
    }
    for raw, said in cases.items():
        assert wording.text(raw, office) == said
        assert wording.text(said, office) == said  # already the office's: left as it is


def test_who_gave_the_claims_figures() -> None:
    program = definitions.get("sd_unemployment_subsidy")
    both = {"local_unemployment_benefit": "official_figures", "local_unemployment_subsidy": "staff:3"}
    assert wording.supplier(program, {"_official": {"local_unemployment_benefit": "official_figures"}}) == \
        "经办机构录入登记簿"
    assert wording.supplier(program, {"_official": {"local_unemployment_subsidy": "staff:3"}}) == "经办机构审核时录入"
    assert wording.supplier(program, {"_official": both}) == "经办机构录入"
    assert wording.supplier(program, {}) == "经办机构录入"


def test_a_screenings_reason_names_the_office_for_the_figures_given_with_the_run() -> None:
    """免申即享: the local figures of a screening are the office's (`kuaiban programs screen --set`)."""
    class Stub:
        def run(self, values):
            return {"explanation": [{"text": "当地月人均失业保险金 1500 元（官方数字由使用者提供，汇编未载明）"},
                                    {"text": "裁员率高于规定"}]}

    assert compute.explain(Stub(), {"x": 1}) == \
        "当地月人均失业保险金 1500 元（官方数字由经办机构筛查时设定，汇编未载明）；裁员率高于规定"
