"""The programs audit of session 13 (F1, F6, F7, F8), each finding's fix against the texts, values worked by hand.

Compilations (data/compilations/): 004 = court-national-provinces-2020.txt, 003 = shandong-2020.txt,
000 = hunan-hrss-2020.txt. Figures the compilations do not print (a city's 失业保险金 and 失业补助金 standards,
its policy date, a minimum wage) are test inputs, named as such.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kuaiban.platform import auth, holds
from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.programs import claims, definitions, payroll, registers
from kuaiban.programs.models import Claim, PaymentLine, Recovery
from tests.programs.conftest import AUG_3, PASSWORD, STAFF_PASSWORD, id_number, submit_as_registered
from tests.programs.helpers import schedule

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "6222000000000001"
BJ_SUBSIDY, BJ_BENEFIT, BJ_TLA = "bj_unemployment_subsidy", "bj_unemployment_benefit", "bj_temporary_living_allowance"
SD_SUBSIDY, SD_BACK_PAY, SD_BENEFIT = "sd_unemployment_subsidy", "sd_unemployment_subsidy_back_pay", "sd_unemployment_benefit"
# 004:2570–2572: 参保缴费满 1 年的 1408元/月，不足 1 年的 880元/月, 最长 6个月
UNDER_A_YEAR, FULL_YEAR = 88000, 140800
TLA_FACTS = {"contribution_months": 6, "rural_contract_worker": "是", "last_contribution_date": "2020-06-30"}


def _submit(town, user, code, *, at=AUG_3, month=None, facts=None, commitment=True):
    with town.session() as s:
        return submit_as_registered(s, user, code, month=month, facts=facts or {"contribution_months": 6},
                                    account=ACCOUNT, commitment=commitment, at=at)


def _benefits_register(town, *numbers, receiving=False):
    with town.session() as s:
        for number in numbers:
            registers.put(s, "benefits", "本市失业保险待遇信息", number, {"receiving_benefit": receiving})


def _shandong(town, username, *, contributing=False):
    """A citizen of 济南市历下区 with a synthetic ID number, and the province's reviewer."""
    number = id_number()
    with town.session() as s:
        person = auth.create_applicant(s, "citizen", "测试戊", id_number=number, region="370102")
        user = auth.create_user(s, username, PASSWORD, "applicant", applicant=person, region="370102")
        registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": contributing, "paid": True})
        reviewer = s.scalar(select(type(user)).where(type(user).username == "sd-rev"))
        if reviewer is None:
            reviewer = auth.create_user(s, "sd-rev", STAFF_PASSWORD, "reviewer", region="370000", display_name="测试审核")
    return user, number, reviewer


# ---------------------------------------------------------------- F1: the claim is dated by the day it is made


def test_f1_a_beijing_claim_is_paid_from_the_month_it_is_made_and_not_back_to_march(sqlite_town) -> None:
    """“2020 年 3月至 2020 年 12月，根据申领时间，实际发放时间最长可至 2021 年 6月” (004:2605) and “本通知自 7月 1日起
    执行” (004:2706): payment runs from the claim; nothing lets a claim of 2020-08-03 reach back to March."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number)
    with pytest.raises(Invalid) as back:
        _submit(town, town.citizen, BJ_SUBSIDY, month="2020-03")
    assert back.value.field == "month" and "申领之日所在的月份（2020-08）" in back.value.message
    assert "政策未规定补发" in back.value.message
    with pytest.raises(Invalid) as ahead:
        _submit(town, town.citizen, BJ_SUBSIDY, month="2020-09")
    assert ahead.value.field == "month" and "不能晚于" in ahead.value.message

    claim = _submit(town, town.citizen, BJ_SUBSIDY)  # no month: the month of the claim
    assert claim.status == "approved" and claim.month == "2020-08"
    # 6 months of 880 from 2020-08: 2020-08 … 2021-01 (ends before 2021-06, 004:2605)
    assert schedule(town, claim.id) == [(m, UNDER_A_YEAR, "due") for m in
                                        ("2020-08", "2020-09", "2020-10", "2020-11", "2020-12", "2021-01")]
    with town.session() as s:
        august, _ = payroll.build(s, BJ_SUBSIDY, "110000", "2020-08")
    assert (august.lines, august.total_fen) == (1, 88000)  # one month, not 6 × 880 = 5,280 元 at once


def test_f1_the_claim_window_is_checked_on_the_day_of_the_claim(sqlite_town) -> None:
    town = sqlite_town
    _benefits_register(town, town.citizen_number)
    # 京人社发[2020]8号: “本通知自 7月 1日起执行” (004:2706); 解读: “执行至 2020 年 12月 31日” (004:2741)
    for day in (dt.datetime(2020, 6, 30, 10), dt.datetime(2021, 1, 4, 10)):
        with pytest.raises(Invalid) as closed:
            _submit(town, town.citizen, BJ_SUBSIDY, at=day, month=day.strftime("%Y-%m"))
        assert closed.value.field == "program"
        # s14 (B2): the window in the words the list and the form show (受理期尚未开始 / 受理期已结束（截至 2020年12月）)
        assert "受理期" in closed.value.message and "2020年12月" in closed.value.message
        assert day.date().isoformat() in closed.value.message
    # 湘政办发〔2020〕20号 (三): “受理截止期限为 2020 年 12 月 31 日” (000:4089): a claim of 2021-06-01 naming 2020-12
    with pytest.raises(Invalid) as late, town.session() as s:
        submit_as_registered(s, town.enterprise, "hn_hiring_subsidy", month="2020-12", facts={}, account=ACCOUNT,
                             at=dt.datetime(2021, 6, 1, 10))
    assert late.value.field == "program" and "2021-06-01" in late.value.message


def test_f1_the_rules_in_force_on_the_day_of_the_claim_decide(sqlite_town) -> None:
    """A 以工代训 claim made on 2020-10-29 for October is judged by 鲁人社函〔2020〕78号 (“2020年10月28日”,
    003:3877), not by 63号 as a claim dated 2020-10-01 would be."""
    town = sqlite_town
    with town.session() as s:
        s.get(type(town.enterprise.applicant), town.enterprise.applicant_id).region = "370102"
    from tests.programs.test_hiring_subsidy_employer import staff_list

    with town.session() as s:
        claim = submit_as_registered(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-10",
                                     facts={"enterprise_size": "小型企业", "kind": "新吸纳就业以工代训", "months_used": "0"},
                                     account="37001234567890", staff_list=staff_list(2), at=dt.datetime(2020, 10, 29, 10))
    cited = {step["source"]["doc_no"] for step in claim.explanation if step.get("source")}
    assert "鲁人社函〔2020〕78号" in cited and "鲁人社字〔2020〕63号" not in cited
    assert claim.monthly_fen == 2 * 50000  # 500元/人 (003:3885) × 2 on the list


# ---------------------------------------------------------------- F6: Shandong 失业补助金


SD_FACTS = {"contribution_months": 6}
# official figures the office enters at review (s14: never the applicant); 1600 and 1100 are test figures (not printed)
SD_OFFICIAL = {"local_unemployment_benefit": 1600, "local_unemployment_subsidy": 1100}


def test_f6_shandong_pays_the_local_standard_within_the_national_ceiling(sqlite_town) -> None:
    """“由各统筹地区…科学确定失业补助金标准” (003:5358); “标准不超过当地失业保险金的80%” (000:5153) is a ceiling:
    80 % × 1600 = 1280 元. The city's figure (1100 here, a test input) is paid."""
    town = sqlite_town
    user, _, reviewer = _shandong(town, "sd-a")
    claim = _submit(town, user, SD_SUBSIDY, facts=SD_FACTS)  # the figures are the office's: the claim waits
    assert claim.monthly_fen is None and claim.status == "reviewing"
    with town.session() as s, pytest.raises(Invalid) as missing:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3,
                   figures_entered={"local_unemployment_benefit": 1600})
    assert missing.value.field == "local_unemployment_subsidy"
    with town.session() as s, pytest.raises(Invalid) as above:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3,
                   figures_entered=SD_OFFICIAL | {"local_unemployment_subsidy": 1300})
    assert above.value.field == "local_unemployment_subsidy" and "上限 1280.00 元" in above.value.message
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3, figures_entered=SD_OFFICIAL)
        assert s.get(Claim, claim.id).monthly_fen == 110000
    months = schedule(town, claim.id)
    assert [m for m, _, _ in months] == ["2020-08", "2020-09", "2020-10", "2020-11", "2020-12", "2021-01"]
    assert sum(fen for _, fen, _ in months) == 6 * 110000  # 6,600 元, not 6 × 1,280


def test_f6_the_seven_stops_and_the_transfer_hold_of_41_hao(sqlite_town) -> None:
    """“…死亡、应征服兵役、移居境外、享受…养老保险待遇、被判刑收监执行的，停发失业补助金” and “发放失业补助金期间，原则上
    不办理失业保险关系转出（转入）…申请人承诺同意停发并在转入地不再申领失业补助金的，可按规定办理” (003:5360)."""
    program = definitions.get(SD_SUBSIDY)
    for rule in ("reemployed", "death", "military", "emigrated", "pension", "imprisoned"):
        assert program.stop_rule(rule).source == "lu41_us_stops"
    quote = definitions.clauses()["lu41_us_stops"].quote
    assert all(w in quote for w in ("应征服兵役", "移居境外", "被判刑收监执行"))

    town = sqlite_town
    user, number, reviewer = _shandong(town, "sd-b")
    claim = _submit(town, user, SD_SUBSIDY, facts=SD_FACTS)
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3, figures_entered=SD_OFFICIAL)
    with town.session() as s:  # the hold binds Shandong's offices for the months paid
        hold = holds.active(s, number, "unemployment_transfer", regions_=("370102",), on=dt.date(2020, 10, 15))
        assert hold is not None and hold.source == "lu41_us_transfer"
        assert holds.active(s, number, "unemployment_transfer", regions_=("110105",), on=dt.date(2020, 10, 15)) is None
    with town.session() as s:  # 异地就业: the person commits to the stop in October
        claims.stop(s, reviewer, claim.id, rule="transfer_commitment", month="2020-10", at=dt.datetime(2020, 10, 15, 9))
    assert [(m, st) for m, _, st in schedule(town, claim.id)] == [
        ("2020-08", "due"), ("2020-09", "due"), ("2020-10", "stopped"), ("2020-11", "stopped"),
        ("2020-12", "stopped"), ("2021-01", "stopped")]
    with town.session() as s:  # the transfer may now be handled
        assert holds.active(s, number, "unemployment_transfer", regions_=("370102",), on=dt.date(2020, 10, 15)) is None
        assert holds.active(s, number, "unemployment_transfer", regions_=("370102",), on=dt.date(2020, 9, 15))


def test_f6_back_pay_for_the_months_before_the_local_policy_to_someone_now_reemployed(sqlite_town) -> None:
    """“2020年3月至各统筹地区政策出台前，符合申领失业补助金条件，但目前因重新就业等构成停领情形的失业人员，其未就业期间的
    待遇可申请补发” (003:5358). Worked: unemployed 2020-03 … 2020-07, city policy of 2020-07-10 (a test input):
    the months before July, 2020-03 … 2020-06, 4 × 1100 = 4,400 元, paid together in the next batch."""
    town = sqlite_town
    user, _, reviewer = _shandong(town, "sd-c", contributing=True)
    ordinary = _submit(town, user, SD_SUBSIDY, facts=SD_FACTS)
    assert ordinary.status == "refused" and ordinary.reasons == ["比对发现您已被用人单位招用并参保"]

    facts = SD_FACTS | {"stop_situation": "被用人单位招用并参保", "back_pay_last_month": "2020-07"}
    official = SD_OFFICIAL | {"local_policy_date": "2020-07-10"}  # the city's policy date: the office's figure
    with pytest.raises(Invalid) as too_early:
        _submit(town, user, SD_BACK_PAY, month="2020-02", facts=facts)
    assert too_early.value.field == "month" and "不能早于 2020-03" in too_early.value.message
    july = _submit(town, user, SD_BACK_PAY, month="2020-07", facts=facts)  # the date is not known to the claimant
    with town.session() as s, pytest.raises(Invalid) as after_policy:
        claims.act(s, reviewer, july.id, outcome="pass", at=AUG_3, figures_entered=official)
    assert after_policy.value.field == "month" and "不能晚于 2020-06" in after_policy.value.message
    with town.session() as s:  # the caseworker refuses it, and the person may claim the months before July
        claims.act(s, reviewer, july.id, outcome="refuse", note="本统筹地区政策出台前的月份方可补发", at=AUG_3)

    claim = _submit(town, user, SD_BACK_PAY, month="2020-03", facts=facts)
    assert claim.status == "reviewing"
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", at=AUG_3, figures_entered=official)
    assert schedule(town, claim.id) == [(m, 110000, "due") for m in ("2020-03", "2020-04", "2020-05", "2020-06")]
    with town.session() as s:
        august, _ = payroll.build(s, SD_BACK_PAY, "370000", "2020-08")
    assert (august.lines, august.total_fen) == (4, 440000)
    with pytest.raises(Conflict):  # 只能申领享受一次 (003:5360)
        _submit(town, user, SD_SUBSIDY, facts=SD_FACTS)


# ---------------------------------------------------------------- F7: not beside 失业保险金


def test_f7_beijing_subsidy_is_refused_over_months_of_unemployment_benefit_and_due_after_them(sqlite_town) -> None:
    """“领取期间不同时享受失业保险金” (004:2578–2580)."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number)
    benefit = _submit(town, town.citizen, BJ_BENEFIT, facts={"contribution_months": 30})
    with town.session() as s:
        claims.act(s, town.reviewer, benefit.id, outcome="pass", months=3, at=AUG_3)  # 2020-08 … 2020-10
    during = _submit(town, town.citizen, BJ_SUBSIDY, facts={"contribution_months": 30, "left_job_voluntarily": "是"})
    assert during.status == "refused"
    assert "您正在领取失业保险金（北京，网上申领）（2020-08 至 2020-10），领取期间不同时享受失业补助金（北京）" in during.reasons

    after = _submit(town, town.citizen, BJ_SUBSIDY, at=dt.datetime(2020, 11, 2, 10),
                    facts={"contribution_months": 30, "unemployment_benefit_exhausted": "是"})
    assert after.status == "approved"  # 领取失业保险金期满 (004:2560): from 2020-11, 1408 元 (满 1 年)
    assert [(m, fen) for m, fen, _ in schedule(town, after.id)][:2] == [("2020-11", FULL_YEAR), ("2020-12", FULL_YEAR)]


def test_f7_payroll_holds_back_a_subsidy_month_paid_as_unemployment_benefit(town) -> None:
    """A subsidy approved first, a 失业保险金 approved later for 2020-09 … 2020-10: those two subsidy months are
    not paid while they are 失业保险金 months (Aug 1408, Sep —, Oct —, Nov 1408)."""
    _benefits_register(town, town.other_number)
    subsidy = _submit(town, town.other_citizen, BJ_SUBSIDY,
                      facts={"contribution_months": 30, "left_job_voluntarily": "是"})
    assert subsidy.status == "approved"
    benefit = _submit(town, town.other_citizen, BJ_BENEFIT, at=dt.datetime(2020, 9, 1, 10),
                      facts={"contribution_months": 30})
    with town.session() as s:
        claims.act(s, town.reviewer, benefit.id, outcome="pass", months=2, at=dt.datetime(2020, 9, 1, 11))
    paid = {}
    for month in ("2020-08", "2020-09", "2020-10", "2020-11"):
        with town.session() as s:
            batch, _ = payroll.build(s, BJ_SUBSIDY, "110000", month)
            paid[month] = (batch.lines, batch.total_fen)
    assert paid == {"2020-08": (1, FULL_YEAR), "2020-09": (0, 0), "2020-10": (0, 0), "2020-11": (1, FULL_YEAR)}
    with town.session() as s:
        assert sorted(s.scalars(select(PaymentLine.month).where(PaymentLine.claim_id == subsidy.id))) == [
            "2020-08", "2020-11"]
        september, _ = payroll.build(s, BJ_BENEFIT, "110000", "2020-09")
        assert september.lines == 1  # the benefit itself is paid


def test_f7_temporary_living_allowance_is_not_paid_beside_unemployment_benefit(sqlite_town) -> None:
    """“临时生活补助只能申领享受一次，不与失业补助金等其他失业保险待遇同时享受” (004:2645–2647)."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number, receiving=True)
    refused = _submit(town, town.citizen, BJ_TLA, facts=TLA_FACTS)
    assert refused.status == "refused"
    assert refused.reasons == ["比对发现您正在领取失业保险金，临时生活补助不与失业补助金等其他失业保险待遇同时享受"]

    _benefits_register(town, town.other_number)  # the register does not know yet: kuaiban pays it
    benefit = _submit(town, town.other_citizen, BJ_BENEFIT, facts={"contribution_months": 30})
    with town.session() as s:
        claims.act(s, town.reviewer, benefit.id, outcome="pass", months=2, at=AUG_3)
    beside = _submit(town, town.other_citizen, BJ_TLA, facts=TLA_FACTS)
    assert beside.status == "refused" and any("您正在领取失业保险金" in r for r in beside.reasons)


# ---------------------------------------------------------------- F8: stops and the checks behind them


def test_f8_a_pensioner_or_a_dead_person_is_refused_at_claim_and_an_offline_register_flags(sqlite_town) -> None:
    """Stop conditions already met are not started: “…死亡…享受城镇职工基本养老保险或城乡居民养老保险待遇…应停发失业
    补助金” (004:2584–2588)."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number, town.other_number)
    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取信息", town.citizen_number, {"receiving_pension": True})
        registers.put(s, "deaths", "死亡人员信息", town.other_number, {"deceased": True})
    pensioner = _submit(town, town.citizen, BJ_SUBSIDY)
    assert pensioner.reasons == ["比对发现您已享受基本养老保险待遇，不能领取失业补助金"]
    dead = _submit(town, town.other_citizen, BJ_SUBSIDY)
    assert dead.reasons == ["比对发现申领人已死亡，不能领取失业补助金"]

    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取信息", town.citizen_number, {"receiving_pension": False})
        registers.set_online(s, "pension", False)
    flagged = _submit(town, town.citizen, BJ_SUBSIDY)
    assert flagged.status == "reviewing" and flagged.flags == ["养老保险待遇领取信息暂时无法比对，请人工核查"]


def test_f8_the_unemployment_benefit_programs_stop_for_pension_and_for_refused_work(sqlite_town) -> None:
    """人社厅发〔2020〕24号 八: “核查发现已重新就业、享受基本养老保险待遇、死亡等停止领取失业保险金的情形” (000:5436);
    鲁人社函〔2020〕10号 三（五）: “通过比对养老保险待遇领取人员信息，验证领金人员是否享受基本养老待遇；通过比对公共就业
    服务信息库…验证领金人员是否接受了当地介绍的工作或者提供的培训” (003:5293)."""
    assert definitions.get(BJ_BENEFIT).stop_rule("pension").source == "rtf24_check"
    shandong = definitions.get(SD_BENEFIT)
    assert shandong.stop_rule("pension").source == "lu10_verify_pension"
    assert shandong.stop_rule("refused_work").source == "lu10_verify_work"

    town = sqlite_town
    user, number, reviewer = _shandong(town, "sd-d")
    facts = {"contribution_months": 30}
    minimum_wage = {"local_minimum_wage": 1900}  # entered by the office; 1900: a test figure; 90 % = 1710 元
    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取人员信息", number, {"receiving_pension": True})
    assert _submit(town, user, SD_BENEFIT, facts=facts).reasons == ["比对发现您已享受基本养老保险待遇，不能领取失业保险金"]
    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取人员信息", number, {"receiving_pension": False})
    claim = _submit(town, user, SD_BENEFIT, facts=facts)
    with town.session() as s:
        claims.act(s, reviewer, claim.id, outcome="pass", months=3, at=AUG_3, figures_entered=minimum_wage)
    with town.session() as s:  # offered work refused in August: stopped from September
        claims.stop(s, reviewer, claim.id, rule="refused_work", month="2020-08", at=dt.datetime(2020, 8, 20, 9))
    assert schedule(town, claim.id) == [("2020-08", 171000, "due"), ("2020-09", 171000, "stopped"),
                                        ("2020-10", 171000, "stopped")]


def test_f8_the_comparison_stops_a_claim_the_registers_now_show_is_not_due(tmp_path, sqlite_town) -> None:
    """“停发经系统比对不符合申领条件人员的失业补助金” (004:2682–2684). A pension from 2020-09 found in November:
    stopped from the month after (2020-10); October, already paid, is to be returned (880 元)."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number)
    claim = _submit(town, town.citizen, BJ_SUBSIDY)
    with town.session() as s:
        october, _ = payroll.build(s, BJ_SUBSIDY, "110000", "2020-10")
    assert october.lines == 3  # 2020-08, 09, 10
    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取信息", town.citizen_number,
                      {"receiving_pension": True, "since": "2020-09"})
        registers.set_online(s, "contributions", False)
    url = str(town.engine.url)
    town.engine.dispose()
    env = os.environ | {"KUAIBAN_VAR": str(tmp_path / "var"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "kuaiban", "programs", "recheck", "--program", BJ_SUBSIDY,
                           "--region", "110000", "--month", "2020-11", "--operator", "bj-rev", "--json", "--db", url],
                          capture_output=True, text=True, timeout=180, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["stopped"] == [{"claim": claim.id, "rule": "pension", "month": "2020-09"}]
    assert answer["unavailable"] == ["全国参保信息（失业保险部级比对查询系统）"]
    assert [(m, st) for m, _, st in schedule(town, claim.id)] == [
        ("2020-08", "due"), ("2020-09", "due"), ("2020-10", "stopped"), ("2020-11", "stopped"),
        ("2020-12", "stopped"), ("2021-01", "stopped")]
    with town.session() as s:
        assert s.scalar(select(Recovery.amount_fen).where(Recovery.claim_id == claim.id)) == 88000


def test_f7_a_unemployment_benefit_claim_still_under_review_flags_the_subsidy(sqlite_town) -> None:
    """Not refused on a claim nobody has decided, but not approved by the machine either (004:2578–2580)."""
    town = sqlite_town
    _benefits_register(town, town.citizen_number)
    pending = _submit(town, town.citizen, BJ_BENEFIT, facts={"contribution_months": 30})
    assert pending.status == "reviewing"
    subsidy = _submit(town, town.citizen, BJ_SUBSIDY, facts={"contribution_months": 30, "left_job_voluntarily": "是"})
    assert subsidy.status == "reviewing"
    assert subsidy.flags == ["申请人的失业保险金（北京，网上申领）申领正在审核，两者不同时享受，请人工核查"]


def test_f1_the_api_dates_the_claim_by_the_server_and_names_the_month_field(tmp_path, clock_at_aug_3) -> None:
    """The API keeps its `month` (now optional): left out, it is the month of the day the server receives the
    claim; a month before it is refused naming the field."""
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app
    from tests.programs.conftest import make_town

    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    with TestClient(create_app(url)) as client:
        token = client.post("/api/auth/login", json={"username": "bj-citizen", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        back = client.post(f"/api/programs/{BJ_BENEFIT}/claims", headers=headers,
                           json={"month": "2020-03", "facts": {"contribution_months": 70}, "account": ACCOUNT})
        assert back.status_code == 422 and back.json()["field"] == "month"
        assert "申领之日所在的月份（2020-08）" in back.json()["detail"]
        done = client.post(f"/api/programs/{BJ_BENEFIT}/claims", headers=headers,
                           json={"facts": {"contribution_months": 70}, "account": ACCOUNT})
        assert done.status_code == 201 and done.json()["month"] == "2020-08"


def test_f1_a_shandong_training_month_may_be_claimed_after_it_ends(sqlite_town) -> None:
    """“企业可逐月申领，也可集中申领” (鲁人社函〔2020〕78号 三, 003:3893): October's 以工代训 claimed on 2020-11-20 is
    paid for October (78号's 500元/人, 003:3885); a later month than the claim's is still refused."""
    town = sqlite_town
    with town.session() as s:
        s.get(type(town.enterprise.applicant), town.enterprise.applicant_id).region = "370102"
    from tests.programs.test_hiring_subsidy_employer import staff_list

    facts = {"enterprise_size": "小型企业", "kind": "新吸纳就业以工代训", "months_used": "0"}
    with town.session() as s:
        claim = submit_as_registered(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-10", facts=facts,
                                     account="37001234567890", staff_list=staff_list(2), at=dt.datetime(2020, 11, 20, 10))
    assert claim.monthly_fen == 2 * 50000 and claim.month == "2020-10"
    with pytest.raises(Invalid) as later, town.session() as s:
        submit_as_registered(s, town.enterprise, "sd_work_for_training_subsidy", month="2020-12", facts=facts,
                             account="37001234567890", staff_list=staff_list(2), at=dt.datetime(2020, 11, 20, 10))
    assert later.value.field == "month"
