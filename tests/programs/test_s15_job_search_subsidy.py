"""一次性求职创业补贴 claimed by a graduate (天津 津人社办发〔2020〕78号; 山东 鲁人社字〔2020〕60号): the student applies,
the school reviews (and in 天津 publishes the names for 5 working days), the subsidy is paid once, into the
student's own account; a second claim, or a claim after the window, is turned away."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims
from kuaiban.rules.calculators import get
from tests.programs.helpers import decide_after_publicity, entitlement_rows, new_citizen, new_staff, paid_once

TIANJIN = "tj_job_search_subsidy"
SHANDONG = "sd_job_search_subsidy_hubei"
JUNE_3 = dt.datetime(2020, 6, 3, 9, 0)  # a Wednesday, before the schools' 6月10日 deadline
TJ_FACTS = {"school": "测试职业技术学院", "graduating_and_seeking": "是", "graduation_year": "2020",
            "hubei_basis": "生源地为湖北", "previous_amount": "0"}
SD_FACTS = {"graduating_and_seeking": "是", "graduation_year": "2020", "school_kind": "全日制普通高等学校",
            "previous_amount": "0"}


def student(town, username: str, region: str):
    """A graduate born in 2000 (synthetic number: no real person; not the town's 1980 numbers)."""
    return new_citizen(town, username, region, name="测试戊", place="120101", born=dt.date(2000, 1, 1))[0]


staff = new_staff
paid = entitlement_rows


# ---------------------------------------------------------------- 天津


def test_tianjin_school_review_then_five_working_days_of_notice_then_one_payment(sqlite_town) -> None:
    town = sqlite_town
    graduate = student(town, "tj-grad", "120101")
    school, supervisor = staff(town, "tj-rev", "reviewer", "120000"), staff(town, "tj-sup", "supervisor", "120000")
    with town.session() as s:
        claim = claims.submit(s, graduate, TIANJIN, facts=TJ_FACTS, account="6222000000000017", at=JUNE_3)
        claim_id = claim.id
        assert claim.status == "reviewing" and claim.month == "2020-06"
    expected = get("job_search_subsidy").run({"region": "120101", "application_date": "2020-06-03",
                                              "js_graduating_year": True, "js_graduation_year": 2020,
                                              "js_hubei": True, "js_previous_amount": 0})["value"]
    assert claim.monthly_fen == round(expected * 100) == 300000  # 每人 3000元 (二)
    with town.session() as s:
        noticed = claims.act(s, school, claim_id, outcome="pass", at=JUNE_3)
        # 公示期不少于5个工作日: Thursday 4 … Wednesday 10 June
        assert noticed.status == "publicity" and noticed.publicity_until == dt.date(2020, 6, 10)
    # 中天人力核实无误、报市人社局同意: the decision
    assert decide_after_publicity(town, school, claim_id, too_early=dt.datetime(2020, 6, 10, 17),
                                  after=dt.datetime(2020, 6, 11, 9)) == "approved"
    assert paid(town, claim_id) == [("2020-06", 300000)]
    assert paid_once(town, TIANJIN, "120000", "2020-06", supervisor) == (1, 300000, 0)  # June, then July: none


def test_tianjin_once_per_person_and_not_after_the_tenth_of_june(sqlite_town) -> None:
    town = sqlite_town
    graduate = student(town, "tj-once", "120101")
    with town.session() as s:
        claims.submit(s, graduate, TIANJIN, facts=TJ_FACTS, account="6222000000000017", at=JUNE_3)
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):  # 每人限领一次
        claims.submit(s, graduate, TIANJIN, facts=TJ_FACTS | {"hubei_basis": "毕业前户籍地为湖北"},
                      account="6222000000000017", at=JUNE_3 + dt.timedelta(days=1))
    late = student(town, "tj-late", "120101")
    # 院校于6月10日前完成受理: the 受理期 ends on that day (s15: the day is enforced, named in the refusal)
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束（截至 2020年6月10日"):
        claims.submit(s, late, TIANJIN, facts=TJ_FACTS, account="6222000000000025",
                      at=dt.datetime(2020, 6, 11, 9, 0))
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):
        claims.submit(s, late, TIANJIN, facts=TJ_FACTS, account="6222000000000025", at=dt.datetime(2020, 7, 1, 9))


def test_tianjin_a_subsidy_received_before_refuses_the_claim(sqlite_town) -> None:
    """此前已享受一次性求职创业补贴的不再予以补贴 (二): declared on the form, refused with the calculator's words."""
    town = sqlite_town
    graduate = student(town, "tj-before", "120101")
    with town.session() as s:
        claim = claims.submit(s, graduate, TIANJIN, facts=TJ_FACTS | {"previous_amount": "1500"},
                              account="6222000000000017", at=JUNE_3)
        assert claim.status == "refused"
        assert any("此前已享受一次性求职创业补贴" in r for r in claim.reasons)


# ---------------------------------------------------------------- 山东 (湖北籍2020届)

SD_JUNE_5 = dt.datetime(2020, 6, 5, 9, 0)


def test_shandong_school_verifies_the_province_rechecks_and_the_graduate_is_paid_once(sqlite_town) -> None:
    """No 公示 is printed for this scheme: school → 省厅复核 → decision → one payment."""
    town = sqlite_town
    graduate = student(town, "sd-grad", "370102")
    school, province = staff(town, "sd-rev", "reviewer", "370000"), staff(town, "sd-sup", "supervisor", "370000")
    with town.session() as s:
        claim = claims.submit(s, graduate, SHANDONG, facts=SD_FACTS | {"hubei": "是"}, account="6222000000000033",
                              at=SD_JUNE_5)
        claim_id = claim.id
        assert (claim.status, claim.monthly_fen) == ("reviewing", 100000)  # 1000元/人 (一)
    with town.session() as s:
        assert claims.act(s, school, claim_id, outcome="pass", at=SD_JUNE_5).status == "reviewing"
        assert claims.act(s, province, claim_id, outcome="pass", at=SD_JUNE_5 + dt.timedelta(days=10)).status \
            == "approved"
    assert paid(town, claim_id) == [("2020-06", 100000)]
    assert paid_once(town, SHANDONG, "370000", "2020-06", province) == (1, 100000, 0)  # June, then July: none


def test_shandong_a_2019_payment_of_600_is_topped_up_by_400(sqlite_town) -> None:
    """按照600元/人的标准发放的，此次按照400元/人的标准进行补发 (一)."""
    town = sqlite_town
    graduate = student(town, "sd-topup", "370102")
    with town.session() as s:
        claim = claims.submit(s, graduate, SHANDONG, facts=SD_FACTS | {"hubei": "是", "previous_amount": "600"},
                              account="6222000000000041", at=SD_JUNE_5)
        assert (claim.status, claim.monthly_fen) == ("reviewing", 40000)


def test_shandong_once_only_not_twice_not_after_june_and_not_again_after_a_full_2019_payment(sqlite_town) -> None:
    town = sqlite_town
    graduate = student(town, "sd-once", "370102")
    with town.session() as s:
        claims.submit(s, graduate, SHANDONG, facts=SD_FACTS | {"hubei": "是"}, account="6222000000000033",
                      at=SD_JUNE_5)
    with town.session() as s, pytest.raises(Conflict, match="只能申领一次"):
        claims.submit(s, graduate, SHANDONG, facts=SD_FACTS | {"hubei": "是"}, account="6222000000000033",
                      at=SD_JUNE_5 + dt.timedelta(days=2))
    late = student(town, "sd-late", "370102")
    with town.session() as s, pytest.raises(Invalid, match="受理期已结束"):
        claims.submit(s, late, SHANDONG, facts=SD_FACTS | {"hubei": "是"}, account="6222000000000058",
                      at=dt.datetime(2020, 7, 1, 9, 0))
    with town.session() as s:  # 2019年已申领（非助学贷款类别）1000元: 不再重复申报
        again = claims.submit(s, late, SHANDONG, facts=SD_FACTS | {"hubei": "是", "previous_amount": "1000"},
                              account="6222000000000058", at=SD_JUNE_5)
        assert again.status == "refused" and any("不再重复申报" in r for r in again.reasons)
