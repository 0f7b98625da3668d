"""Session 13 audit of the 失业登记 pillar (/work/wt/s13/audit_unemp/report.md), findings 1–8, each against
the texts (file:line in data/compilations). Real SQLite files and PostgreSQL databases, a real simulator
process for the national platform; synthetic people only (样例…, composed ID numbers)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.models import Applicant
from kuaiban.platform.notification_models import Notification
from kuaiban.services import cases, guide
from kuaiban.services.models import ItemMaterial, Task
from kuaiban.unemployment import decision, deregistration, lifecycle, registration, statistics
from kuaiban.unemployment import models as m
from kuaiban.unemployment.idnumber import compose
from kuaiban.unemployment.national.client import HttpNationalPlatform
from kuaiban.unemployment.national.local import RegistrationService
from kuaiban.unemployment.national.models import OutboxItem
from kuaiban.unemployment.national.sync import SyncConfig, Synchronizer, refused_items, status
from kuaiban.unemployment.samples import application, minimal_application
from kuaiban.unemployment.validate import validate_record
from tests.unemployment.national.harness import FAST_RETRY, SimulatorProcess
from tests.unemployment.world import COUNTY, PASSWORD, local_application, make_world

# 人社厅发〔2020〕3号 一 (hunan-hrss-2020.txt:3393): “劳动年龄为年满16周岁（含）”. Born 2005-01-01, on the
# application date 2020-09-01 the person is 15 years old (16 only on 2021-01-01).
CHILD_BORN = dt.date(2005, 1, 1)
APPLIED = "20200901"
CHILD = compose(COUNTY, CHILD_BORN, 123)  # odd order code: a man (AAC004 1)
FILED = dt.datetime(2020, 9, 1, 10, 0)  # a Tuesday
SEPT_30 = dt.datetime(2020, 9, 30, 10, 0)  # eve of National Day 2020: 10-01..10-08 off, 10-10 a make-up day


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def _approved(world, n: int, at: dt.datetime = FILED, **overrides) -> str:
    with world.session() as s:
        reg = registration.submit(s, world.window, local_application(n, **overrides), declaration_signed=True, at=at)
        number, version = reg.aaz341, reg.version
    with world.session() as s:
        decision.decide(s, world.reviewer, number, approve=True, version=version, at=at + dt.timedelta(hours=2))
    return number


# ---------------------------------------------------------------- 1. national downloads always get a result


@pytest.fixture
def simulator(tmp_path):
    sim = SimulatorProcess(tmp_path / "national.db").start()
    yield sim
    sim.kill()


def test_national_applications_the_local_checks_refuse_are_reviewed_and_get_a_result(simulator, tmp_path):
    """3号 附件3 三（一）3 (hunan-hrss-2020.txt:3564): the 经办人员 records “审核通过” or “审核不通过” and, when not
    passed, the reason; 4 (3572): every result is uploaded (全口径); 三（二） (3580) the worker sees 已审核 only after
    the upload; 七 (3449) “各地要及时办理转办事项”. Before: both were kept as ``refused`` and stayed 审核中."""
    child = minimal_application(ADC201="AUDIT-S13-CHILD-0000000000000000001", AAE127=APPLIED, AAC002=CHILD,
                                AAC044=CHILD, AAC004="1")
    # the form (附件1) asks 失业时间 only as 年 月: the platform may send a month where the application has 8 digits
    month = minimal_application(ADC201="AUDIT-S13-MONTH-0000000000000000001", AAE127=APPLIED, AJC090="202006")
    # no valid 登记失业地: nothing can key a result, so it stays refused and is listed for a person
    lost = minimal_application(ADC201="AUDIT-S13-NOWHERE-00000000000000001", AAB301="999999")
    simulator.feed([child, month, lost])
    engine = connect(f"sqlite:///{tmp_path / 'local.db'}")
    sync = Synchronizer(engine, HttpNationalPlatform(simulator.url, timeout=2, retry=FAST_RETRY), RegistrationService(),
                        SyncConfig(page_size=25, upload_batch=20))  # no synthetic caseworker: people decide
    sync.cycle(force=True)
    assert status(engine)["inbox"] == {"registered": 2, "refused": 1}
    assert [r["adc201"] for r in refused_items(engine)] == [lost["ADC201"]]
    states = simulator.snapshot()["states"]
    assert states[child["ADC201"]] == states[month["ADC201"]] == "审核中"
    with session_scope(engine) as s:
        reviewer = auth.create_user(s, "reviewer-s13", PASSWORD, "reviewer", region=COUNTY, display_name="审核样例")
        regs = {r.adc201: r for r in s.scalars(select(m.Registration))}
        kid, by_month = regs[child["ADC201"]], regs[month["ADC201"]]
        assert kid.status == by_month.status == m.PENDING and kid.register_flagged and by_month.register_flagged
        assert {(e["field"], e["rule"]) for e in kid.register_check["intake_errors"]} == {
            ("AAC002", "id_age"), ("AAC044", "id_age")}
        assert [(e["field"], e["rule"]) for e in by_month.register_check["intake_errors"]] == [("AJC090", "date")]
        suggested = decision.suggested_reason(kid)
        assert "申请日期时未满16周岁" in suggested and len(suggested) <= 100  # AAE360 C 100 (hunan 3709)
        kid_ref, kid_version, month_ref, month_version = kid.aaz341, kid.version, by_month.aaz341, by_month.version
    with session_scope(engine) as s, pytest.raises(Invalid) as err:  # a 15-year-old cannot be 审核通过
        decision.decide(s, reviewer, kid_ref, approve=True, version=kid_version)
    assert err.value.field in ("AAC002", "AAC044") and "未满16周岁" in err.value.message
    with session_scope(engine) as s:
        decision.decide(s, reviewer, kid_ref, approve=False, reason=suggested, version=kid_version)
        # the month fits the result's own format (格式为YYYYMM: hunan 3670, shandong 2176): the reviewer may approve
        approved = decision.decide(s, reviewer, month_ref, approve=True, version=month_version)
        assert approved.result["AJC090"] == "202006" and approved.result["ADC201"] == month["ADC201"]
    sync.cycle(force=True)
    after = simulator.snapshot()
    assert after["states"][child["ADC201"]] == after["states"][month["ADC201"]] == "已审核"
    assert sorted(adc for adc, _ in after["results"].values()) == sorted([child["ADC201"], month["ADC201"]])
    with session_scope(engine) as s:
        sent = {o.adc201: o.payload for o in s.scalars(select(OutboxItem))}
    assert sent[child["ADC201"]]["AAE540"] == "2" and "未满16周岁" in sent[child["ADC201"]]["AAE360"]
    assert sent[month["ADC201"]]["AAE540"] == "1"


# ---------------------------------------------------------------- 2. the 失业 一件事's 失业登记 (2.4.1)

# the bundle's one form (人社部发〔2021〕23号 附件1 三（一）, chongqing-hrss-2021.txt:3783); identity comes from the account
BUNDLE_FORM = {"证件有效期": "长期", "手机号码": "13800000002", "失业类型(失业原因)": "合同期满", "原工作单位": "样例单位甲",
               "失业时间": "2020-09-01", "户籍地址": "样例路2号", "常住地址": "样例路2号"}
# its 失业登记 part: the 《失业人员登记表》 fields the reference form does not list (3号 附件3 四（一）)
ITEM_FORM = {"AAC005": "01", "AAC011": "30", "AAC033": "1", "AAB299": COUNTY, "AAF016": COUNTY, "AAB301": COUNTY,
             "ADC221": "1", "declaration_signed": True}


@pytest.fixture
def bundle_world(backend_url):
    w = make_world(backend_url)
    with w.session() as s:
        me = s.get(Applicant, w.citizen.applicant_id)
        me.region = COUNTY
    return w


def test_the_bundles_unemployment_registration_is_filed_in_the_pillar_and_followed_by_its_task(bundle_world):
    """23号 附件1 (chongqing-hrss-2021.txt:3787) “失业登记(默认勾选):受理后信息推送至属地经办机构”: the item becomes a
    失业登记 of the citizen's own account (3-working-day limit, 79号 一（三）, shandong-2020.txt:5435; the result
    uploaded with the 全口径 results, hunan 3572), built from the one form; its decision settles the task."""
    w = bundle_world
    with w.session() as s:
        case = cases.submit(s, w.citizen, "失业", BUNDLE_FORM, items=["2.4.1", "1.8.1"], at=SEPT_30,
                            item_forms={"2.4.1": ITEM_FORM})
        task = next(t for t in case.tasks if t.item_code == "2.4.1")
        number = case.number
    with w.session() as s:
        reg = s.scalar(select(m.Registration))
        task = s.scalar(select(Task).where(Task.item_code == "2.4.1"))
        assert task.handoff_ref == reg.aaz341 and task.state == "已受理" and reg.status == m.PENDING
        assert reg.channel == m.ONLINE and reg.applicant_user_id == w.citizen.id
        assert reg.commitment.source["bundle_case"] == number
        app = reg.application
        # 性别 from the number (order code odd: 男 → 1); 合同期满 is no AJC093 name: 90 其他 with the text in ADC220
        assert (app["AAC004"], app["AJC093"], app["ADC220"], app["AJC090"]) == ("1", "90", "合同期满", "20200901")
        assert app["AAC058"] == "01" and app["AAC002"] == app["AAC044"] == reg.id_number
        assert app["ADC222"] == "1"  # 1.8.1 失业保险金申领 chosen in the same case
        assert app["AAE127"] == "20200930"  # the filing day
        # 3 working days after 2020-09-30: 10-09, 10-10 (调休), 10-12
        assert reg.limit_working_days == 3 and reg.due_at == task.due_at == dt.datetime(2020, 10, 12, 23, 59, 59)
        aaz341, version = reg.aaz341, reg.version
    with w.session() as s, pytest.raises(Conflict):  # the bundle's staff do not decide it
        cases.act(s, w.reviewer, task.id, "review")
    with w.session() as s:
        decision.decide(s, w.reviewer, aaz341, approve=True, version=version, at=SEPT_30 + dt.timedelta(hours=3))
    with w.session() as s:
        task = s.scalar(select(Task).where(Task.item_code == "2.4.1"))
        assert task.state == "已办结" and aaz341 in task.last_reason
        assert [r.aaz341 for r in decision.results_to_upload(s)] == [aaz341]  # on its way to the platform


def test_the_bundle_may_not_ask_for_papers_nor_refuse_the_registration_for_them(bundle_world):
    """79号 一（二） (shandong-2020.txt:5433): “不得要求提供终止或解除劳动关系证明……严禁以资料（材料）不全……等理由拒绝
    登记”. Before: a supervisor could require a 解除劳动合同证明 for 2.4.1 and the window could 不予受理 it."""
    w = bundle_world
    with w.session() as s, pytest.raises(Invalid) as err:
        cases.require_material(s, COUNTY, "2.4.1", "解除或终止劳动合同证明", basis=None, actor=w.supervisor)
    assert err.value.field == "material"
    with w.session() as s:  # one configured before this rule is not asked for
        s.add(ItemMaterial(region=COUNTY, item_key="2.4.1", material="解除或终止劳动合同证明", basis=None))
    with w.session() as s:
        case = cases.submit(s, w.citizen, "失业", BUNDLE_FORM, items=["2.4.1"], at=SEPT_30,
                            item_forms={"2.4.1": ITEM_FORM})
        assert case.materials == [] and case.materials_asked == 0
        task_id = case.tasks[0].id
    for action in ("refuse", "correct"):
        with w.session() as s, pytest.raises(Conflict):
            cases.act(s, w.window, task_id, action, reason="材料不全", missing=["解除或终止劳动合同证明"])


def test_the_one_form_asks_the_registrations_own_fields_once_with_every_problem_beside_its_field(bundle_world):
    w = bundle_world
    with w.session() as s, pytest.raises(Invalid) as err:
        cases.submit(s, w.citizen, "失业", BUNDLE_FORM | {"失业时间": "2020-09"}, items=["2.4.1"], at=SEPT_30,
                     item_forms={"2.4.1": {"AAC011": "30", "AAC067": "10000000003"}})
    got = {e["field"]: e["detail"] for e in err.value.errors}
    # a month alone cannot fill the application's YYYYMMDD (hunan 3611): asked, not completed with a day
    assert "年月日" in got["form.失业时间"]
    assert "无需重复填写" in got["item_forms.2.4.1.AAC067"]  # 手机号码 is already on the form
    for code in ("AAC005", "AAC033", "AAB299", "AAF016", "AAB301", "ADC221", "declaration_signed"):
        assert f"item_forms.2.4.1.{code}" in got, code
    assert not any("（AAC" in d for d in got.values())  # no indicator codes shown to the applicant
    with w.session() as s:
        assert s.scalar(select(func.count(m.Registration.id))) == 0


def test_the_guide_links_the_registration_application_says_who_may_register_and_why_3_days(backend_url):
    """Findings 2, 7, 8: the 2.4.1 guide. 3号 一 (hunan-hrss-2020.txt:3393) names who may register; 人社部发〔2021〕80号
    (chongqing-hrss-2021.txt:6823, 2021-09-12) “公共就业服务机构在10个工作日内办结失业登记”; 79号 一（三）
    (shandong-2020.txt:5435) “要在3个工作日内办结失业登记申请” stays the limit counted."""
    make_world(backend_url)
    with session_scope(connect(backend_url)) as s:
        g = guide.guide(s, "2.4.1")
    assert g.online == {"url": "/unemployment/apply", "label": "在线申请失业登记"}
    assert g.conditions[0].text.startswith("劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者")
    assert "年满16周岁（含）" in g.conditions[0].text
    assert [(r.source.doc_no, r.value_text) for r in g.limits][-1] == ("人社部发〔2021〕80号", "10个工作日")
    assert g.applied.startswith("3个工作日") and "80号没有废止或放宽" in g.limits_note
    html = TestClient(create_app(backend_url)).get("/services/guides/2.4.1").text
    assert 'href="/unemployment/apply"' in html and "人社部发〔2021〕80号" in html
    assert "以发文日期在后的为准" not in html


# ---------------------------------------------------------------- 3. age 16 for every 证件类型


@pytest.mark.parametrize(("id_type", "fields"), [
    ("01", {"AAC002": CHILD, "AAC044": CHILD}),  # 居民身份证
    ("04", {"AAC002": CHILD, "AAC044": CHILD}),  # 社会保障卡: its number is the 公民身份号码
    ("04", {"AAC002": None, "AAC044": CHILD}),
    ("03", {"AAC002": None, "AAC044": compose("810000", CHILD_BORN, 123)}),  # 港澳台居民居住证 (HK prefix 810000)
    ("05", {"AAC002": CHILD, "AAC044": "P123456789"}),  # 其他身份证件: the 社会保障号码 carries the date
])
def test_an_applicant_under_16_is_caught_whatever_the_document(id_type, fields):
    """hunan-hrss-2020.txt:3393: 15 on 2020-09-01 (born 2005-01-01) is below the labour age, for every AAC058.
    Before: only 01 was checked."""
    record = application(AAC058=id_type, AAE127=APPLIED, AAC004="1", **fields)
    record = {k: v for k, v in record.items() if v is not None}
    errors = {(e.field, e.rule) for e in validate_record(record, "application", today=dt.date(2020, 9, 1))}
    assert any(rule == "id_age" for _, rule in errors), errors
    adult = application(AAC058=id_type, AAE127="20210101", AAC004="1", **fields)  # 16 on 2021-01-01
    adult = {k: v for k, v in adult.items() if v is not None}
    assert not [e for e in validate_record(adult, "application", today=dt.date(2021, 1, 1)) if e.rule == "id_age"]


def test_a_record_without_a_birth_date_is_flagged_for_the_reviewer_to_check_the_age(world):
    with world.session() as s:
        reg = registration.submit(s, world.window, local_application(31, AAC058="02", AAC044="H00000031", AAC002=None),
                                  declaration_signed=True, at=FILED)
        assert reg.register_flagged and any("年满16周岁" in f for f in reg.register_check["findings"])


def test_the_age_rule_stops_an_approved_result_only():
    """The interface has no age rule; it is 3号 一's: a 审核不通过 of a child must be uploadable (hunan 3564)."""
    child = {"AAE127": APPLIED, "AAC002": CHILD, "AAC044": CHILD, "AAC004": "1"}
    from kuaiban.unemployment.samples import result

    assert not [e for e in validate_record(result(**child), "result", today=dt.date(2020, 9, 2)) if e.rule == "id_age"]
    approved = result(**child, AAE540="1", AAE360=None)
    approved = {k: v for k, v in approved.items() if v is not None}
    assert ("AAC002", "id_age") in {(e.field, e.rule) for e in validate_record(approved, "result",
                                                                            today=dt.date(2020, 9, 2))}


# ---------------------------------------------------------------- 4. 已就业 ends the registration


def test_a_follow_up_finding_the_person_employed_deregisters_and_stops_the_count(world):
    """3号 五 (hunan-hrss-2020.txt:3433–3437) “对出现下列情形之一的劳动者，注销其失业登记……（二）处于就业状态：被各类
    用人单位录用或招聘的”; 79号 一（四） (shandong-2020.txt:5437) “及时注销”. Before: 已就业 changed nothing."""
    number = _approved(world, 41)
    with world.session() as s, pytest.raises(Invalid) as err:
        lifecycle.record_followup(s, world.window, number, method="电话调查", outcome="已就业",
                                  at=FILED + dt.timedelta(days=2))
    assert err.value.field == "exit_reason"
    with world.session() as s:
        lifecycle.record_followup(s, world.window, number, method="电话调查", outcome="已就业", exit_reason="11",
                                  employer="样例单位乙", at=FILED + dt.timedelta(days=2))
    with world.session() as s:
        reg = s.scalar(select(m.Registration).where(m.Registration.aaz341 == number))
        assert reg.status == m.DEREGISTERED and reg.deregistration.reason_code == "11"
        assert reg.deregistration.effective_on == dt.date(2020, 9, 3)
        assert reg.deregistration.exit_record["AJC00A"] == "11" and "样例单位乙" in reg.deregistration.exit_record["AAE013"]
        # 79号 （九） (shandong 5451): the period 8-21..9-20; registered on 9-1, out on 9-3
        figures = statistics.compute(s, dt.date(2020, 8, 21), dt.date(2020, 9, 20), region=COUNTY)
        assert figures["registered_at_end"] == 0 and figures["deregistered_by_reason"]["11"]["count"] == 1


# ---------------------------------------------------------------- 5. the person is told, or must be


def test_a_person_without_an_account_is_owed_the_result_and_the_exit_until_a_caseworker_records_it(world):
    """3号 三 (hunan-hrss-2020.txt:3405) “以适当方式主动反馈办理结果”; 五 (3433) “并以适当方式予以告知”."""
    number = _approved(world, 51)  # filed at the window for someone with no account
    with world.session() as s:
        owed = lifecycle.notices_owed(s, world.window)
        assert [(n.registration.aaz341, n.about, n.told_at) for n in owed] == [(number, "decision", None)]
        told = lifecycle.record_notice(s, world.window, number, about="decision", method="电话",
                                       at=FILED + dt.timedelta(hours=3))
        assert (told.method, told.told_at) == ("电话", FILED + dt.timedelta(hours=3))
        assert lifecycle.notices_owed(s, world.window) == []
        reg = s.scalar(select(m.Registration).where(m.Registration.aaz341 == number))
        deregistration.deregister(s, world.window, number, reason_code="11", version=reg.version, employer="样例单位丙",
                                  at=FILED + dt.timedelta(days=3))
        assert [n.about for n in lifecycle.notices_owed(s, world.window)] == ["deregistration"]


def test_an_account_holder_is_told_by_message_and_the_exempt_reasons_send_nothing(world):
    """hunan 3433: “（移居境外、被判刑收监执行、死亡及无法取得联系的除外）” — 26 死亡 owes no notice, and gets none."""
    with world.session() as s:
        reg = registration.submit(s, world.citizen, local_application(), declaration_signed=True, at=FILED)
        number, version = reg.aaz341, reg.version
    with world.session() as s:
        reg = decision.decide(s, world.reviewer, number, approve=True, version=version, at=FILED + dt.timedelta(hours=1))
        assert [(n.about, n.method) for n in reg.notices] == [("decision", "消息中心")]
        before = s.scalar(select(func.count(Notification.id)).where(Notification.ref == number))
        deregistration.deregister(s, world.window, number, reason_code="26", version=reg.version,
                                  at=FILED + dt.timedelta(days=1))
        assert s.scalar(select(func.count(Notification.id)).where(Notification.ref == number)) == before
        assert [n.about for n in s.scalar(select(m.Registration).where(m.Registration.aaz341 == number)).notices] == [
            "decision"]


# ---------------------------------------------------------------- 6. no 社会保障号码: the 注销 is not blocked


def test_a_document_without_a_social_security_number_can_be_deregistered_and_its_exit_waits_for_it(world):
    """The exit record's AAC002 is 是/C/18 (shandong-2020.txt:5545), the application's is optional (hunan 3614);
    AAC044 may be 22 characters (hunan 3616). Before: 05 + a 22-character number could never be deregistered."""
    number = _approved(world, 61, AAC058="05", AAC044="P1234567890123456789AB", AAC002=None)
    with world.session() as s:
        reg = s.scalar(select(m.Registration).where(m.Registration.aaz341 == number))
        row = deregistration.deregister(s, world.window, number, reason_code="26", version=reg.version,
                                        at=FILED + dt.timedelta(days=1))
        assert reg.status == m.DEREGISTERED and "AAC002" not in row.exit_record and row.exit_held
        assert deregistration.exits_to_upload(s) == []  # never a pass number as 社会保障号码
    ssn = compose(COUNTY, dt.date(1985, 5, 5), 611)
    with world.session() as s:
        deregistration.supply_exit_number(s, world.window, number, ssn)
    with world.session() as s:
        (ready,) = deregistration.exits_to_upload(s)
        assert ready.exit_record["AAC002"] == ssn and ready.exit_held is None
        assert validate_record(ready.exit_record, "exit", today=dt.date(2020, 9, 2)) == []


# ---------------------------------------------------------------- 8. formats and the 申请日期


def test_the_result_carries_the_month_and_a_local_filing_is_dated_the_day_it_is_filed(world):
    """失业时间 in the result: “格式为YYYYMM的有效日期” in both copies (hunan-hrss-2020.txt:3670, shandong-2020.txt:2176).
    AAE127 申请日期 (hunan 3603) of a local filing is the day it is filed, not a date typed by hand."""
    number = _approved(world, 81, AAE127="20200101", AJC090="20200615")
    with world.session() as s:
        reg = s.scalar(select(m.Registration).where(m.Registration.aaz341 == number))
        assert reg.application["AAE127"] == "20200901" and reg.result["AAE127"] == "20200901"
        assert reg.application["AJC090"] == "20200615" and reg.result["AJC090"] == "202006"


def test_the_service_doc_no_longer_says_notices_are_not_sent():
    from kuaiban.config import ROOT

    text = (ROOT / "docs" / "unemployment-service.md").read_text(encoding="utf-8")
    assert "The notice itself (告知) is not" not in text


def test_the_bundle_page_asks_the_registrations_own_part_once_and_files_it(backend_url, tmp_path, monkeypatch):
    """The one page (23号 附件2, chongqing-hrss-2021.txt:4068 “整合为‘一张表’”): the 失业登记 part shows only the
    《失业人员登记表》 fields the reference form lacks, and the 书面承诺 (3号 三, hunan 3403); posting it files the
    registration."""
    from tests.web.forms import csrf_of
    from tests.web.test_service_pages import PASSWORD as WEB_PASSWORD
    from tests.web.test_service_pages import fresh_county, login, page_app

    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    county = fresh_county()
    number = compose(county, dt.date(1988, 3, 3), 713)  # odd order code: a man
    with session_scope(connect(backend_url)) as s:
        me = auth.create_applicant(s, "citizen", "样例己", id_number=number, region=county)
        auth.create_user(s, f"citizen-{county}", WEB_PASSWORD, "applicant", applicant=me, region=county)
    client = TestClient(page_app(backend_url))
    login(client, f"citizen-{county}")
    page = client.get("/services/bundles/3/apply", params={"items": ["2.4.1"], "choose": "1"}).text
    assert 'name="AAC005"' in page and 'name="AAB299.province"' in page and 'name="declaration_signed"' in page
    assert registration.DECLARATION in page
    assert 'name="AAC067"' not in page and 'name="AJC090"' not in page  # on the bundle's own form already
    data = {"csrf": csrf_of(page), "items": ["2.4.1"], **{f"field:{k}": v for k, v in BUNDLE_FORM.items()},
            "AAC005": "01", "AAC011": "30", "AAC033": "1", "AAB299": county, "AAF016": county, "AAB301": county,
            "ADC221": "1"}
    refused = client.post("/services/bundles/3/apply", data=data, follow_redirects=False)
    assert refused.status_code == 422 and "须由本人签署失业登记书面承诺" in refused.text  # not signed
    r = client.post("/services/bundles/3/apply", data=data | {"declaration_signed": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    with session_scope(connect(backend_url)) as s:
        reg = s.scalar(select(m.Registration).where(m.Registration.aab301 == county))
        task = s.scalar(select(Task).where(Task.handoff_ref == reg.aaz341))
        assert reg.status == m.PENDING and reg.application["AAC044"] == number and task.state == "已受理"
    case_page = client.get(r.headers["location"]).text
    assert f'href="/unemployment/registrations/{reg.aaz341}"' in case_page


def test_the_caseworkers_pages_list_what_is_owed_and_record_the_notice(world, backend_url):
    """The queue page lists 待告知 and held exit records; the registration page records how the person was told
    (hunan-hrss-2020.txt:3405, 3433) and takes the 社会保障号码 a held exit record waits for (shandong 5545)."""
    from tests.web.forms import csrf_of, post_login

    number = _approved(world, 91, AAC058="05", AAC044="P1234567890123456789CD", AAC002=None)
    with world.session() as s:
        reg = s.scalar(select(m.Registration).where(m.Registration.aaz341 == number))
        deregistration.deregister(s, world.window, number, reason_code="11", version=reg.version, employer="样例单位丁",
                                  at=FILED + dt.timedelta(days=1))
    client = TestClient(create_app(backend_url))
    assert post_login(client, "window", PASSWORD).status_code == 303
    queue = client.get("/unemployment/review").text
    assert "待告知（2）" in queue and "退出信息待补录（1）" in queue
    page = client.get(f"/unemployment/review/{number}").text
    assert "待告知" in page and 'id="do-notice"' in page and 'id="do-exit-number"' in page
    r = client.post(f"/unemployment/review/{number}/notice", data={"csrf": csrf_of(page), "about": "decision",
                                                                   "method": "当面告知"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(f"/unemployment/review/{number}").text
    r = client.post(f"/unemployment/review/{number}/exit-number",
                    data={"csrf": csrf_of(page), "AAC002": compose(COUNTY, dt.date(1985, 5, 5), 613)},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with world.session() as s:
        assert [n.about for n in lifecycle.notices_owed(s, world.window)] == ["deregistration"]
        assert lifecycle.exits_held(s, world.window) == []
