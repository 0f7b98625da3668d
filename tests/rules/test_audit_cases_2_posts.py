"""Cases of the second outside audit on 以工代训 (山东, 湖南) and 天津's 岗位补贴 (audit A §5, audit B §4), each worked
by hand from the compilation lines cited beside it. Each once gave a bare 0, or paid where the text does not."""

from __future__ import annotations

import pytest

from kuaiban.rules.expressions import months_between
from tests.rules.audit_support import refused as refusal
from tests.rules.audit_support import run, steps

# ---- work_for_training_subsidy (以工代训) ----

SD = {"region": "山东", "enterprise_size": "small", "wfts_trainees": 5}


@pytest.mark.parametrize("extra", [
    {"work_for_training_kind": "hiring"},
    # the distressed variant printed "达到当月适用的认定比例" and "尚可获得的最高补贴 300000 元" before its 0
    {"work_for_training_kind": "distressed", "revenue_drop": 0.6},
])
def test_a_shandong_training_month_after_2020_is_refused_naming_the_month(extra):
    # shandong-2020.txt:3905 (鲁人社函〔2020〕78号 四（五）) “以工代训政策执行期截至2020年12月31日，受理期延长至2021年3月底。”
    # :3885 (78号 一) “2020年1月至2020年12月，中小微企业新吸纳…”; chongqing-hrss-2021.txt:19148, 19180 (人社部发〔2021〕29号)
    # “继续实施以工代训扩围政策” … “受理期限截至2021年12月31日”, with no 山东 standard printed for 2021
    error = refusal("work_for_training_subsidy", {**SD, **extra, "application_date": "2021-02-10", "training_month": "2021-01"})
    assert error.field == "training_month"
    assert "执行期截至2020年12月31日" in error.reason and "汇编未载明山东2021年的补贴标准" in error.reason
    assert "300000" not in error.reason


def test_the_last_shandong_month_is_still_paid_within_the_extended_claim_period():
    # shandong-2020.txt:3905 受理期延长至2021年3月底; :3885 每月500元/人: 2020-12 claimed on 2021-03-31 → 1 × 500
    result = run("work_for_training_subsidy", {**SD, "wfts_trainees": 1, "application_date": "2021-03-31",
                                               "training_month": "2020-12"})
    assert result["value"] == 500


def test_a_large_shandong_firm_outside_the_five_sectors_gets_0_with_the_condition_and_its_clause():
    # shandong-2020.txt:3885 (78号 一) “中小微企业新吸纳…对受疫情影响较大的外贸、住宿餐饮、文化旅游、交通运输、批发零售行业，
    # 补贴范围扩大到大型企业” (also :3135, 63号 二（二）5)
    result = run("work_for_training_subsidy", {**SD, "enterprise_size": "large", "application_date": "2020-11-05",
                                               "training_month": "2020-10"})
    assert result["value"] == 0
    assert any(doc == "鲁人社函〔2020〕78号" and article == "一" and "中小微企业" in text and "不予补贴" in text
               for doc, article, text in steps(result))
    # in the five sectors the same firm is paid 5 × 500 = 2500
    paid = run("work_for_training_subsidy", {**SD, "enterprise_size": "large", "hard_hit_sector": True,
                                             "application_date": "2020-11-05", "training_month": "2020-10"})
    assert paid["value"] == 2500


def test_months_used_up_in_shandong_give_0_with_the_six_months_of_the_enterprise():
    # shandong-2020.txt:3901 (78号 四（三）) “同一企业在政策执行期内，最长可申请6个月的以工代训补贴”
    result = run("work_for_training_subsidy", {**SD, "application_date": "2020-11-05", "training_month": "2020-10",
                                               "wfts_months_used": 6})
    assert result["value"] == 0
    assert any(article == "四（三）" and "6 个月已满" in text for _, article, text in steps(result))
    # five used: one left, 5 × 500 = 2500
    assert run("work_for_training_subsidy", {**SD, "application_date": "2020-11-05", "training_month": "2020-10",
                                             "wfts_months_used": 5})["value"] == 2500


def test_a_shandong_month_before_2020_gives_0_naming_the_period():
    # shandong-2020.txt:3885 “2020年1月至2020年12月”
    result = run("work_for_training_subsidy", {**SD, "application_date": "2020-11-05", "training_month": "2019-12"})
    assert result["value"] == 0
    assert any(article == "一" and "政策执行期内" in text for _, article, text in steps(result))


def test_a_distressed_firm_below_the_threshold_gets_0_and_no_remaining_cap():
    # shandong-2020.txt:3889 (78号 二) “2020年1—5月…营业收入…下降50%及以上，或…能源消耗量之一…下降70%及以上”:
    # April 2020, revenue −30 % → not a 困难企业
    result = run("work_for_training_subsidy", {**SD, "work_for_training_kind": "distressed", "revenue_drop": 0.3,
                                               "application_date": "2020-11-05", "training_month": "2020-04"})
    assert result["value"] == 0
    texts = [text for _, _, text in steps(result)]
    assert any("未达到" in text and "50%" in text and "70%" in text for text in texts)
    assert not any("尚可获得" in text for text in texts)


def test_a_large_hard_hit_distressed_firm_is_capped_at_what_is_left_of_two_million():
    # shandong-2020.txt:3889 (78号 二) “2020年6—12月…营业收入…下降20%及以上” and “扩大到大型企业，单个企业在政策执行期内
    # 最高补贴200万元”: 100 × 500 = 50000, 2000000 − 1990000 = 10000 left → 10000
    result = run("work_for_training_subsidy", {**SD, "enterprise_size": "large", "hard_hit_sector": True,
                                               "work_for_training_kind": "distressed", "revenue_drop": 0.3,
                                               "wfts_trainees": 100, "wfts_received": 1990000,
                                               "application_date": "2020-11-05", "training_month": "2020-10"})
    assert result["value"] == 10000
    caps = [(doc, text) for doc, _, text in steps(result) if "尚可获得" in text]
    assert caps == [("鲁人社函〔2020〕78号", "困难企业在政策执行期内尚可获得的最高补贴 10000 元")]  # once, not twice


def test_hunan_2021_month_is_still_paid_and_2022_refused():
    # hunan-hrss-2020.txt:4169 (湘人社规〔2020〕2号 五) “每人每月500元…最长不超过6个月”; :4339 (6号) “有效期至2021年12月31日”
    case = {"region": "湖南", "enterprise_size": "small", "wfts_trainees": 3, "wfts_city_period_months": 6}
    assert run("work_for_training_subsidy", {**case, "application_date": "2021-07-10",
                                             "training_month": "2021-06"})["value"] == 1500
    error = refusal("work_for_training_subsidy", {**case, "application_date": "2022-01-10", "training_month": "2021-12"})
    assert error.field == "application_date"


# ---- job_post_subsidy (天津 岗位补贴) ----

TJ = {"region": "天津", "si_mode": "单位招用或公益性岗位安排（单位申领）",
      "si_group": "就业困难人员中的零就业、单亲、低保家庭人员或需赡养（抚养）患重大疾病直系亲属人员", "jp_minimum_wage": 2050}
FIRM = {**TJ, "si_employer_type": "其他单位（公益性岗位除外）"}
POST = {**TJ, "si_employer_type": "公益性岗位"}


def test_after_the_three_year_social_insurance_subsidy_the_post_subsidy_is_0_with_the_reason():
    # national-and-provinces-2020-q2.txt:3729–3731 (津人社局发〔2020〕6号 第八条) “社保补贴期限一般最长不超过 3 年”;
    # :3736–3740 (第九条) “吸纳就业困难人员就业的，岗位补贴自社保补贴享受满 2年后与社保补贴一并申请”:
    # approved 2020-04-01, 36 months received by 2023-04 → no 社保补贴 that month, so no 岗位补贴
    result = run("job_post_subsidy", {**FIRM, "month": "2023-04", "si_first_approval_date": "2020-04-01",
                                      "si_months_received": 36, "jp_months_received": 0})
    assert result["value"] == 0
    assert any(article.endswith("第八条、第九条") and "不在社保补贴期限内" in text
               for _, article, text in steps(result))


def test_within_five_years_of_retirement_the_subsidy_runs_on_and_so_does_the_post_subsidy():
    # Q2:3733–3734 (第八条) “对距法定退休年龄不足 5年的就业困难人员可延长至退休…以初次核定其享受社保补贴时的年龄为准”:
    # retirement 2024-01-01 is within 5 years of 2020-04-01 → still subsidised in 2023-04; 2050 × 40 % = 820 (Q2:3721)
    result = run("job_post_subsidy", {**FIRM, "month": "2023-04", "si_first_approval_date": "2020-04-01",
                                      "si_months_received": 36, "jp_months_received": 0,
                                      "si_retirement_date": "2024-01-01"})
    assert result["value"] == 820
    assert any("延长至退休" in text for _, _, text in steps(result))


def test_a_hardship_hire_waits_two_years_of_social_insurance_subsidy_at_an_enterprise():
    # Q2:3736–3740 (第九条) “岗位补贴自社保补贴享受满 2年后…申请”: 3 months received → 0, with that reason
    result = run("job_post_subsidy", {**FIRM, "month": "2020-09", "si_first_approval_date": "2020-06-01",
                                      "si_months_received": 3})
    assert result["value"] == 0
    assert any("满 24 个月后" in text and "当月尚不能申请" in text for _, _, text in steps(result))


@pytest.mark.parametrize("calculator", ["job_post_subsidy", "social_insurance_subsidy"])
def test_a_public_welfare_post_is_refused_naming_the_employer_type(calculator):
    # Q2:3226–3232 (津政办规〔2020〕7号 （十二）) “开发一批公益性岗位…给予最长 3 年五项社保补贴和岗位补贴，距法定退休年龄
    # 不足 5年的可延长至退休”; Q2:3968–3978 (津人社局发〔2020〕8号 第十二条) “按规定给予用人单位 3年社保补贴和岗位补贴”:
    # from the start, not after 24 months as at an enterprise; no amount printed (Q2:3721 第七条 is the enterprises' 40 %)
    case = {**POST, "month": "2020-09", "si_first_approval_date": "2020-06-01", "si_months_received": 3}
    if calculator == "social_insurance_subsidy":
        case = {**{k: v for k, v in case.items() if k != "jp_minimum_wage"}, "si_rate": 0.2}
    error = refusal(calculator, case)
    assert error.field == "si_employer_type"
    assert "汇编未载明公益性岗位" in error.reason and "最长3年" in error.reason


def test_elsewhere_a_public_welfare_post_is_an_other_unit_as_before():
    # hunan: the employer route is “单位招用或公益性岗位安排” alike; only 小微企业 matters (graduates), so the split changes nothing
    case = {"region": "湖南", "month": "2021-05", "si_mode": "单位招用或公益性岗位安排（单位申领）", "si_group": "就业困难人员",
            "si_first_approval_date": "2021-01-01", "si_months_received": 4, "si_employer_paid": 800,
            "si_all_three_paid": True}
    other = run("social_insurance_subsidy", {**case, "si_employer_type": "其他单位（公益性岗位除外）"})
    post = run("social_insurance_subsidy", {**case, "si_employer_type": "公益性岗位"})
    assert other["value"] == post["value"] == 800


@pytest.mark.parametrize(("month", "received"), [
    ("2023-04", 40),  # 2020-05 … 2023-03 is 35 months (audit B: paid 820)
    ("2023-04", 60),
    ("2021-04", 30),  # 2020-05 … 2021-03 is 11 months
])
def test_more_months_received_than_have_passed_since_the_first_approval_is_refused(month, received):
    error = refusal("job_post_subsidy", {**FIRM, "month": month, "si_first_approval_date": "2020-05-15",
                                         "si_months_received": received, "jp_months_received": 0})
    assert error.field == "si_months_received"


def test_as_many_months_as_have_passed_are_accepted_and_post_months_are_checked_too():
    # 2020-05-15 → 2023-04: 35 months may have been received; the 岗位补贴 months cannot exceed them either
    ok = run("job_post_subsidy", {**FIRM, "month": "2023-04", "si_first_approval_date": "2020-05-15",
                                  "si_months_received": 35, "jp_months_received": 11})
    assert ok["value"] == 820  # 35 < 36, 11 < 12, 35 ≥ 24
    error = refusal("job_post_subsidy", {**FIRM, "month": "2020-09", "si_first_approval_date": "2020-06-01",
                                         "si_months_received": 3, "jp_months_received": 5})
    assert error.field == "jp_months_received"


def test_months_between_counts_calendar_months():
    import datetime as dt

    assert months_between(dt.date(2020, 5, 15), "2023-04") == 35
    assert months_between("2020-06-01", "2020-06") == 0
    assert months_between(dt.date(2020, 6, 30), dt.date(2020, 5, 1)) == -1
