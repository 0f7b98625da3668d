"""The session-13 audit of the 快办 services pillar (D1–D11): each finding's fix, checked against the texts.

Compilation lines are cited as file:line (data/compilations/). Expected dates are worked out by hand from the
2020–2021 holiday arrangements (国务院办公厅; chinese-calendar): National Day 2020 is 10-01..10-08 off with
10-10 (Saturday) worked; Mid-Autumn 2021 is 09-19..09-21 off with 09-18 (Saturday) worked, National Day 2021
is 10-01..10-07 off with 09-26 (Sunday) and 10-09 (Saturday) worked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.config import DATA
from kuaiban.platform import auth
from kuaiban.platform import calendar as sla
from kuaiban.platform.errors import Invalid
from kuaiban.services import catalogue, commitment_terms, guide
from kuaiban.services.cases import (
    adopt_commitment,
    adopted_commitments,
    commitment_rows,
    due_at,
    find_bundle,
    form_spec,
    item_limit,
    plan_case,
    require_material,
    submit,
)
from kuaiban.web.service_pages import Application, preticked
from tests.materials import uploaded
from tests.services.conftest import ADOPTION, CERTIFICATE, CITIZEN_ID, FORM, PASSWORD, SHARED
from tests.services.test_services_cli import kuaiban, ok_json

COMPILATIONS = DATA / "compilations"
HUNAN = (COMPILATIONS / "hunan-hrss-2020.txt").read_text(encoding="utf-8").splitlines()
CHONGQING = (COMPILATIONS / "chongqing-hrss-2021.txt").read_text(encoding="utf-8").splitlines()
END = dt.time(23, 59, 59)

# 申领社会保障卡's basic information for the citizen 测试乙 (a synthetic number, no real person)
CARD_FORM = {"姓名": "测试乙", "性别": "男", "国籍": "中国", "民族": "汉族", "职业": "测试职业",
             "住所地或工作单位地址": "湖南省长沙市岳麓区测试路1号", "证件类型": "居民身份证", "证件号码": CITIZEN_ID,
             "证件有效期": "2030-01-01", "手机号码": "13800000001", "邮寄地址/收件人/联系电话": "湖南省长沙市测试路1号"}
# 退休人员过世: the deceased and the heir, both synthetic numbers (order codes 902 and 903)
DECEASED_ID = "11010119500101902X"  # 902: even, a woman
HEIR_ID = "110101197501019033"
DEATH_FORM = {"过世人姓名": "测试丙", "性别": "女", "死亡时间": "2021-09-01", "证件类型": "居民身份证",
              "证件号码": DECEASED_ID, "代办人姓名": "测试乙", "代办人证件号码": CITIZEN_ID,
              "代办人手机号码": "13800000001", "代办人与过世人关系": "子女"}


def tasks(case) -> dict:
    return {t.item_code or t.item_name: t for t in case.tasks}


# ---------------------------------------------------------------- D1 社会保障卡申领: 零星制发 5 个工作日


def test_d1_a_one_person_card_application_is_made_singly_and_gets_5_working_days(sqlite_world):
    # hunan-hrss-2020.txt:735 「批量制发 30 个工作日;零星制发 5 个工作日。」 — a case holds one person's card
    assert "零星制发 5 个工作日" in HUNAN[735 - 1] and "批量制发 30 个工作日" in HUNAN[735 - 1]
    limit = item_limit("1.10.1", dt.date(2021, 9, 24))
    assert (limit.kind, limit.value, limit.basis) == ("working_days", 5, "法定时限")
    assert "批量制发为30个工作日" in limit.note
    with sqlite_world.session() as s:
        case = submit(s, sqlite_world.neighbour, "申领社会保障卡", CARD_FORM, items=["1.10.1"],
                      at=dt.datetime(2021, 9, 24, 10))
        # from Friday 09-24: 09-26 (worked Sunday) 1, 09-27 2, 09-28 3, 09-29 4, 09-30 5 — not 2021-11-10
        assert tasks(case)["1.10.1"].due_at == dt.datetime.combine(dt.date(2021, 9, 30), END)
        # the guide says what the clock counts (one function for both)
        assert guide.guide(s, "1.10.1", on=dt.date(2021, 9, 24)).applied == "5个工作日（法定时限）"


# ---------------------------------------------------------------- D2 / D3 1.8.8 and 人社厅发〔2021〕85号


def test_d2_85号_binds_跨省_transfers_only_per_office_and_not_as_a_statute():
    later = catalogue.speedup_item("1.8.8").dated[0]
    first, last = later.source.lines
    text = "".join(CHONGQING[first - 1:last])
    assert later.quote in text and later.scope_quote in text  # chongqing-hrss-2021.txt 19253, 19265
    assert "本通知适用于参保职工和参保失业人员跨省转移失业保险关系" in CHONGQING[19265 - 1]
    day = dt.date(2021, 11, 12)
    cross = item_limit("1.8.8", day, cross_province=True)
    assert (cross.kind, cross.value, cross.basis) == ("working_days", 5, "人社厅发〔2021〕85号")
    assert "1个月内划转" in cross.note  # 19257: the fund within 1 month
    for within in (False, None):  # 省内, or not said: 附件2's 15 working days (hunan-hrss-2020.txt:725)
        other = item_limit("1.8.8", day, cross_province=within)
        assert (other.kind, other.value, other.basis) == ("working_days", 15, "提速目标")
    assert "15 个工作日" in HUNAN[725 - 1]


def test_d2_the_form_asks_whether_the_transfer_is_跨省_and_the_task_counts_accordingly(sqlite_world):
    at = dt.datetime(2021, 11, 12, 10)  # a Friday
    assert "失业保险关系是否跨省转移" in {f.name for f in form_spec(find_bundle(1)).fields}
    with sqlite_world.session() as s:
        cross = submit(s, sqlite_world.citizen, "企业招用员工", FORM | {"失业保险关系是否跨省转移": "是"},
                       items=["1.8.8"], at=at)
        plain = submit(s, sqlite_world.citizen, "企业招用员工", FORM, items=["1.8.8"], at=at)
        with pytest.raises(Invalid) as e:
            submit(s, sqlite_world.citizen, "企业招用员工", FORM | {"失业保险关系是否跨省转移": "也许"},
                   items=["1.8.8"], at=at)
    assert e.value.field == "form.失业保险关系是否跨省转移"
    # 5 working days: 11-15, 16, 17, 18, 19
    assert tasks(cross)["1.8.8"].due_at == dt.datetime.combine(dt.date(2021, 11, 19), END)
    assert tasks(cross)["1.8.8"].limit_basis == "人社厅发〔2021〕85号"
    # 15 working days: 11-15..19 (5), 11-22..26 (10), 11-29, 11-30, 12-01, 12-02, 12-03 (15)
    assert tasks(plain)["1.8.8"].due_at == dt.datetime.combine(dt.date(2021, 12, 3), END)


def test_d3_the_guide_shows_85号_and_the_limit_the_case_clock_counts(sqlite_world):
    day = dt.date(2021, 11, 12)
    with sqlite_world.session() as s:
        g = guide.guide(s, "1.8.8", on=day)
    d = g.as_dict()
    rows = {r["label"]: r for r in d["limits"]}
    assert rows["人社厅发〔2021〕85号"]["scope"] == "跨省" and rows["人社厅发〔2021〕85号"]["date"] == "2021-11-09"
    assert rows["提速后办结时限"]["limit"] == "15个工作日"
    clock = item_limit("1.8.8", day)
    assert d["applied_limit"] == f"{clock.value}个工作日（{clock.basis}）" == "15个工作日（提速目标）"
    assert d["applied_limit_branches"] == ["跨省转移：5个工作日（人社厅发〔2021〕85号）"]
    with sqlite_world.session() as s:  # before 85号: 附件2 only, no branch
        assert guide.guide(s, "1.8.8", on=dt.date(2021, 11, 8)).branches == []


# ---------------------------------------------------------------- D4 the text in force on the start day


def test_d4_a_start_before_26号_counts_with_the_texts_then_in_force(sqlite_world):
    start = dt.datetime(2020, 3, 2, 10)  # a Monday, before 人社部发〔2020〕26号 (2020-04-21)
    # 2.4.1: 人社厅发〔2020〕3号 (2020-01-13), hunan-hrss-2020.txt:3405 「在7个工作日内办结失业登记」
    assert "在7个工作日内办结失业登记" in HUNAN[3405 - 1]
    registration = item_limit("2.4.1", start.date())
    assert (registration.value, registration.basis) == (7, "人社厅发〔2020〕3号")
    # 03-03, 04, 05, 06, 09, 10, 11: the 7th working day
    assert due_at(registration, start)[0] == dt.datetime.combine(dt.date(2020, 3, 11), END)
    # 1.8.1: 附件2's 当前规定 column, hunan-hrss-2020.txt:732 「…之日起 10 日内…」: 03-02 + 10 = 03-12 (Thursday)
    assert "10 日内" in HUNAN[732 - 1]
    benefit = item_limit("1.8.1", start.date())
    assert (benefit.kind, benefit.value, benefit.basis) == ("days", 10, "法定时限")
    with sqlite_world.session() as s:
        from tests.services.test_cases import UNEMPLOYMENT_FORM

        case = submit(s, sqlite_world.neighbour, "失业", UNEMPLOYMENT_FORM, items=["1.8.1"], at=start)
        assert tasks(case)["1.8.1"].due_at == dt.datetime.combine(dt.date(2020, 3, 12), END)
    # 2.5.2: 财金〔2020〕21号 is of 2020-04-15 (shandong-2020.txt:4128): nothing set a limit on 03-02
    assert item_limit("2.5.2", start.date()).kind is None
    assert item_limit("2.5.2", dt.date(2020, 4, 16)).value == 7
    # after 26号 its target applies (2.4.1: 3 working days, hunan-hrss-2020.txt:736)
    assert item_limit("2.4.1", dt.date(2021, 3, 1)).value == 3


# ---------------------------------------------------------------- D5 one form, distinct facts kept distinct


def test_d5_bills_and_amounts_stay_per_kind_of_expense():
    # chongqing-hrss-2021.txt 3971–3981: 工伤医疗费用申报 / 门诊费用 / 住院费用 / 统筹地区以外交通、食宿费申领, each 「票据数、金额」
    for line in (3971, 3973, 3975, 3981):
        assert "票据数、金额" in CHONGQING[line - 1]
    names = {f.name for f in form_spec(find_bundle(8)).fields}
    for owner in ("工伤医疗费用申报", "门诊费用", "住院费用", "统筹地区以外交通、食宿费申领"):
        assert {f"票据数（{owner}）", f"金额（{owner}）"} <= names
    assert "票据数" not in names and "金额" not in names


def test_d5_the_heirs_id_number_is_its_own_field_and_can_be_entered(sqlite_world):
    # chongqing-hrss-2021.txt:4013 「养老保险个人账户一次性待遇申领(勾选):继承人证件类型、证件号码。」
    assert "继承人证件类型、证件号码" in CHONGQING[4013 - 1]
    fields = {f.name: f for f in form_spec(find_bundle(9)).fields}
    assert fields["继承人证件号码"].used_by == ["养老保险个人账户一次性待遇申领"]
    assert fields["证件号码"].used_by == ["基本信息"]  # the deceased's, 4005
    # shared facts stay shared: the one 代办人 of 4007 and 4025
    assert fields["代办人姓名"].used_by == ["基本信息", "社会保障卡社保功能注销"]
    ticks = {"养老保险个人账户一次性待遇申领": True, "继承人证件类型": "居民身份证"}
    with sqlite_world.session() as s:
        case = submit(s, sqlite_world.neighbour, "退休人员过世", DEATH_FORM | ticks | {"继承人证件号码": HEIR_ID},
                      at=dt.datetime(2021, 9, 24, 10))
        assert case.form["证件号码"] == DECEASED_ID and case.form["继承人证件号码"] == HEIR_ID
        with pytest.raises(Invalid) as e:  # checked as an ID number: a wrong check digit is refused
            submit(s, sqlite_world.neighbour, "退休人员过世",
                   DEATH_FORM | ticks | {"继承人证件号码": HEIR_ID[:-1] + "0"})
    assert e.value.field == "form.继承人证件号码"


def test_d5_the_two_loans_keep_their_own_amounts_and_the_founder_is_asked_once():
    # chongqing-hrss-2021.txt 3901 (个人) and 3903 (企业吸纳就业): two applications, each 「拟贷款金额、拟贷款期限、拟申请贷款银行」
    fields = {f.name: f for f in form_spec(find_bundle(6)).fields}
    for what in ("拟贷款金额", "拟贷款期限", "拟申请贷款银行"):
        assert what in CHONGQING[3901 - 1] and what in CHONGQING[3903 - 1] and what not in fields
        assert f"{what}（个人创业担保贷款资格认定）" in fields
        assert f"{what}（企业吸纳就业创业担保贷款资格认定）" in fields
    # 创办者身份 (3901, 3905) is one person's: one field for both services
    assert fields["创办者身份"].used_by == ["个人创业担保贷款资格认定", "创业补贴申领"]
    # 「2. 转出地社保经办机构名称。」 (3921) is a field, no longer dropped
    assert "转出地社保经办机构名称" in fields and "转出地社保经办机构名称" in CHONGQING[3921 - 1]


def test_d5_every_reading_names_what_its_line_prints():
    d = catalogue._form_readings()["bundles"]
    for seq, reading in d.items():
        for s in reading.get("services", ()):
            label = s["label"]
            printed = next((r["label"] for r in reading.get("renamed_services", ()) if r["as"] == label), label)
            assert printed in CHONGQING[s["line"] - 1], (seq, label)
            if s.get("when_ticked"):
                depends = s["when_ticked"]
                assert depends in CHONGQING[s["line"] - 1] or depends.removesuffix("费用") in CHONGQING[s["line"] - 1]
        for f in (*reading.get("fields", ()), *reading.get("renamed_fields", ())):
            assert f["name"] in CHONGQING[f["line"] - 1], (seq, f)
        for x in reading.get("distinct", ()):
            assert all(x["name"] in CHONGQING[n - 1] for n in x["lines"]), (seq, x)


# ---------------------------------------------------------------- D6 the ticks decide the tasks


def test_d6_unticked_services_get_no_task_and_ticked_ones_do():
    # the audit's case: 失业 with 失业登记, 《就业创业证》申领 and 社会保障卡申领 ticked, 失业保险金申领 not
    unemployment = find_bundle("失业")
    form = {"失业登记": True, "《就业创业证》申领": True, "社会保障卡(含实体卡和电子卡)申领": True}
    keys = [p.key for p in plan_case(unemployment, form, None)]
    # 社会保障卡申领 is offered by the 失业 form (chongqing-hrss-2021.txt:3815) with 附件1's code 1.10.1
    assert keys == ["2.4.1", "2.4.3", "1.10.1"]
    # 失业保险金申领 ticked: 代缴 (3797, 「如勾选“失业保险金申领”,此项默认勾选」) and 价格临时补贴 (3799, 自动办理) follow
    keys = [p.key for p in plan_case(unemployment, form | {"失业保险金申领": True}, None)]
    assert keys == ["2.4.1", "2.4.3", "1.8.1", "1.8.6", "1.8.7", "1.10.1"]
    # the applicant may untick the 默认勾选 one
    keys = [p.key for p in plan_case(unemployment, form | {"失业保险金申领": True, "代缴失业人员医疗保险费": False}, None)]
    assert "1.8.6" not in keys and "1.8.7" in keys
    with pytest.raises(Invalid):  # nothing at all to do
        plan_case(unemployment, {"失业登记": False, "《就业创业证》申领": False}, None)


def test_d6_sub_items_follow_their_ticks_and_unticked_items_of_the_item_page_are_dropped():
    injury = find_bundle("申领工亡人员有关待遇")
    keys = [p.key for p in plan_case(injury, {"住院费用": True}, None)]
    # 工伤备案登记 has no tick (it stays); 住院费用 → 1.7.21, and 住院伙食补助费 follows it (3977, 如发生住院费用);
    # 减员申报 and 社保功能注销 are 默认勾选 (3995, 3997)
    assert keys == ["工伤备案登记", "1.7.21", "1.7.22", "1.3.1", "1.10.8"]
    hiring = find_bundle("企业招用员工")
    keys = [p.key for p in plan_case(hiring, {"劳动关系": False}, ["1.1.5", "4.1.1"])]
    assert keys == ["1.1.5", "1.3.1", "1.10.1"]  # 4.1.1's 劳动关系 unticked; the 默认勾选 services ticked
    # 社保关系转入 (3727) stands for the pension transfer and 1.8.8: with 1.8.8 chosen, the tick keeps that choice
    boxes = {"社保关系转入": True, "缴费人员增减申报-增员申报": False, "社会保障卡(含实体卡和电子卡)申领": False}
    assert [p.key for p in plan_case(hiring, boxes, ["1.1.5", "1.8.8"])] == ["1.1.5", "1.8.8"]
    assert [p.key for p in plan_case(hiring, boxes, None)] == ["1.1.5", "养老保险关系转移接续", "1.8.8", "2.4.3", "2.7.1"]


def test_d6_a_submission_makes_tasks_of_the_ticked_services_only(sqlite_world):
    ticks = {s["name"]: False for s in form_spec(find_bundle(10)).services} | {"社会保障卡挂失与解挂": True}
    with sqlite_world.session() as s:
        case = submit(s, sqlite_world.neighbour, "申领社会保障卡", CARD_FORM | ticks, at=dt.datetime(2021, 9, 24, 10))
        assert list(tasks(case)) == ["1.10.6"]


def test_d6_the_page_sends_every_box_and_first_ticks_the_chosen_items():
    spec = form_spec(find_bundle(3))
    app = Application(items=None, form={"失业登记": True}, uploads={}, commit=[], agree=False, signer="", kept={},
                      removed=set(), ticks_shown=True)
    app.untick_the_rest(spec)
    assert app.form["失业保险金申领"] is False and "价格临时补贴" not in app.form  # 自动办理: not a box
    assert [p.key for p in plan_case(find_bundle(3), app.form, None)] == ["2.4.1"]
    boxes = preticked(find_bundle(1), ["1.1.5", "4.1.1"])
    assert boxes["劳动关系"] and not boxes["社会保障卡(含实体卡和电子卡)申领"]
    assert preticked(find_bundle(1), None)["社会保障卡(含实体卡和电子卡)申领"]  # 默认勾选 (3733)


# ---------------------------------------------------------------- D7 / D8 the 部本级 list and the 告知承诺书


def test_d7_the_110_list_is_部本级_and_a_region_applies_a_row_only_once_adopted(sqlite_world):
    # hunan-hrss-2020.txt:903 「部属各单位」; 915 「针对部本级直接面向企业群众、依申请办理的…事项」
    assert HUNAN[903 - 1].startswith("部属各单位") and "针对部本级直接面向企业群众" in HUNAN[915 - 1]
    w = sqlite_world
    with w.session() as s:
        assert adopted_commitments(s, "430104") == {3: ADOPTION}  # 岳麓区 follows 长沙市 (conftest)
        assert adopted_commitments(s, "430200") == {}
        assert commitment_rows("职工参保登记", CERTIFICATE, {}) == []
        firm = auth.create_applicant(s, "enterprise", "测试企业丁", region="430200")
        auth.create_user(s, "firm_zhuzhou", PASSWORD, "applicant", applicant=firm, region="430200")
        require_material(s, "430200", "1.1.5", CERTIFICATE, basis="测试配置", actor=w.outsider)
        g = guide.guide(s, "1.1.5", "430200").as_dict()
        assert g["commitments"][0]["list"] == "部本级" and g["commitments"][0]["adopted"] is False
        assert g["materials"] == [{"name": CERTIFICATE, "basis": None, "commitment_allowed": False}]
    with w.session() as s, pytest.raises(Invalid) as e:
        submit(s, _user(s, "firm_zhuzhou"), "企业招用员工", FORM, items=["1.1.5"], commit_instead=[CERTIFICATE])
    assert "不在本地区采用的证明事项告知承诺制清单内" in e.value.message
    with w.session() as s:
        adopt_commitment(s, "430200", 3, basis="株洲市告知承诺制清单（测试配置）", actor=w.outsider)
    with w.session() as s:
        case = submit(s, _user(s, "firm_zhuzhou"), "企业招用员工", FORM, items=["1.1.5"], commit_instead=[CERTIFICATE])
        assert "株洲市告知承诺制清单（测试配置）" in case.commitments[0].text


def test_d8_the_commitment_text_carries_what_110号_requires_it_to_tell(world):
    # the 范本's sentences, verbatim at their lines (hunan-hrss-2020.txt 1024, 1028, 1034) and 二（六） (931)
    assert HUNAN[1024 - 1] == commitment_terms.HOW
    assert HUNAN[1028 - 1] == commitment_terms.CHECKS_AND_LIABILITY
    assert commitment_terms.PROMISE.format(office="（办理机构名称）") == HUNAN[1034 - 1]
    assert commitment_terms.PUBLICATION.split("要求：", 1)[1][:-len("接受社会监督。")] in HUNAN[931 - 1]
    with world.session() as s:
        case = submit(s, world.citizen, "企业招用员工", FORM, materials=uploaded(s, world.citizen, {SHARED: "contract.pdf"}),
                      commit_instead=[CERTIFICATE], at=dt.datetime(2020, 9, 30, 10))
        text = case.commitments[0].text
    # 110号 二（三） (hunan-hrss-2020.txt:925): 事项名称及其设定依据, 证明内容和材料要求, 承诺的方式,
    # 不实承诺的责任, 核查权力, 是否公开 — each told; what no text gives is said to be not printed
    for part in ("申请办事事项名称：职工参保登记（设定依据：文件未载明）", f"证明事项名称：{CERTIFICATE}",
                 "设定证明的依据：文件未载明", "承诺的方式：采用书面或电子承诺方式", "代为承诺委托书",
                 "依法终止事项办理", "撤销行政决定或予以行政处罚", "纳入有关信用记录", "依法移送司法机关",
                 "综合运用在线核查、现场核查、协助核查", "承诺书是否公开及公开的形式、范围、时限：清单及参考范本未对本证明事项作出规定",
                 "在此向社保经办机构郑重承诺",  # 1.1.5 is routed to 社保经办机构 (conftest)
                 "人社厅发〔2020〕110号 附件1第 3 项（部本级清单，办理单位：央保中心）", f"本地区采用该清单条目的依据：{ADOPTION}"):
        assert part in text, part


# ---------------------------------------------------------------- D9 补正 restarts the clock, and the guide says so


def test_d9_the_guide_no_longer_says_the_clock_pauses_and_says_what_the_system_does():
    faq = catalogue._guide_texts()["common_faq"][0]
    assert "暂停计时" not in faq["answer"]
    assert "文件未规定补正期间如何计时" in faq["answer"] and "从提交之日起重新计算" in faq["answer"]
    assert "补正" not in HUNAN[649 - 1]  # the quoted line says nothing of 补正


def test_d9_a_supplied_task_counts_its_limit_afresh(sqlite_world):
    from kuaiban.services.cases import act, get_case, supply

    w = sqlite_world
    with w.session() as s:
        number = submit(s, w.citizen, "企业招用员工", FORM, items=["2.4.3"], at=dt.datetime(2021, 3, 1, 10)).number
    with w.session() as s:
        (task,) = get_case(s, w.window, number).tasks
        act(s, w.window, task.id, "correct", missing=["营业执照副本（测试）"], at=dt.datetime(2021, 3, 2, 10))
    with w.session() as s:
        supply(s, w.citizen, number, uploaded(s, w.citizen, {"营业执照副本（测试）": "licence.pdf"}),
               at=dt.datetime(2021, 3, 10, 10))
    with w.session() as s:
        (task,) = get_case(s, w.window, number).tasks
        # 3 working days from Wednesday 03-10: 03-11, 03-12, 03-15 — not from the first submission (03-04)
        assert task.due_at == dt.datetime.combine(dt.date(2021, 3, 15), END)


# ---------------------------------------------------------------- D10 / D11 the calendar


def test_d10_a_start_with_an_offset_counts_from_its_day_in_beijing():
    start = dt.datetime.fromisoformat("2021-09-23T20:00:00+00:00")  # 2021-09-24 04:00 in Beijing
    # 09-25 is a Saturday; 09-26, the Sunday worked before National Day, is the next working day
    assert sla.deadline(start, working_days=1) == dt.date(2021, 9, 26)
    assert sla.deadline(start, days=1) == dt.date(2021, 9, 26)
    for unit in ("--working-days", "--days"):
        assert ok_json("sla", "deadline", "--start", "2021-09-23T20:00:00+00:00", unit, "1", "--json") == \
            {"deadline": "2021-09-26", "provisional": False}  # 2021's 节假日安排 is known (s20: provisional)


def test_d11_30_minute_items_received_on_a_rest_day_are_due_by_the_end_of_the_next_working_day(sqlite_world):
    # hunan-hrss-2020.txt:649 「从接收材料到办结原则上不超过30分钟」: a window at work; 10-01..10-08 off, 10-09 worked
    assert "从接收材料到办结原则上不超过30分钟" in HUNAN[649 - 1]
    holiday = dt.datetime.fromisoformat("2020-10-01T09:00:00+08:00")
    assert sla.deadline(holiday, minutes=30) == dt.datetime.fromisoformat("2020-10-09T23:59:59+08:00")
    assert ok_json("sla", "deadline", "--start", "2020-10-01T09:00:00+08:00", "--minutes", "30", "--json") == \
        {"deadline": "2020-10-09T23:59:59+08:00", "provisional": False}
    assert sla.deadline(dt.datetime(2020, 9, 30, 10), minutes=30) == dt.datetime(2020, 9, 30, 10, 30)
    with sqlite_world.session() as s:  # 3.4.7 (hunan-hrss-2020.txt:752, 即时办结) submitted on National Day
        case = submit(s, sqlite_world.citizen, "企业招用员工", FORM, items=["3.4.7"], at=dt.datetime(2020, 10, 1, 9))
        assert tasks(case)["3.4.7"].due_at == dt.datetime(2020, 10, 9, 23, 59, 59)
    assert kuaiban  # the CLI helper is shared with test_services_cli


# ---------------------------------------------------------------- a gap filled: 3.4.1 (人社部发〔2021〕112号)


def test_3_4_1_shows_112号_15_working_days_as_the_sending_offices_limit(sqlite_world):
    # chongqing-hrss-2021.txt:4309 第二十条（二）: 原档案管理服务机构或原工作单位 …于15个工作日内进行转递
    assert "于15个工作日内进行转递" in CHONGQING[4309 - 1] and "本规定自印发之日起施行" in CHONGQING[4386 - 1]
    with sqlite_world.session() as s:
        g = guide.guide(s, "3.4.1", on=dt.date(2022, 1, 4))
    (rule,) = g.limits
    assert (rule.date, rule.value_text, rule.source.doc_no) == (dt.date(2021, 12, 29), "15个工作日", "人社部发〔2021〕112号")
    assert g.applied == "时限未知" and "不是本事项受理机构的办结时限" in g.applied_note
    assert any("告知承诺制" in q.text for q in g.material_rules)  # 4315: receipt under a written commitment
    assert item_limit("3.4.1", dt.date(2022, 1, 4)).kind is None  # the receiving office's task: not counted


def _user(s, username: str):
    from sqlalchemy import select

    return s.scalar(select(auth.User).where(auth.User.username == username))


def test_d7_a_supervisor_adopts_and_drops_a_row_through_the_api(sqlite_world, tmp_path):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app

    client = TestClient(create_app(f"sqlite:///{tmp_path / 'kuaiban.db'}"))  # the sqlite_world's database
    token = client.post("/api/auth/login", json={"username": "outsider", "password": PASSWORD}).json()["token"]
    head = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/config/commitments", headers=head, json={"seq": 3, "basis": "  "})
    assert r.status_code == 422 and r.json()["field"] == "basis"
    assert client.post("/api/config/commitments", headers=head, json={"seq": 99, "basis": "株洲（测试）"}).status_code == 404
    assert client.post("/api/config/commitments", headers=head, json={"seq": 3, "basis": "株洲（测试）"}).status_code == 204
    with sqlite_world.session() as s:
        assert adopted_commitments(s, "430202") == {3: "株洲（测试）"}  # a district of 株洲 follows the city
    assert client.delete("/api/config/commitments/3", headers=head).status_code == 204
    with sqlite_world.session() as s:
        assert adopted_commitments(s, "430200") == {}
    other = client.post("/api/config/commitments", headers=head, json={"seq": 3, "basis": "x", "region": "430100"})
    assert other.status_code == 403  # 长沙 is not within the 株洲 supervisor's scope
