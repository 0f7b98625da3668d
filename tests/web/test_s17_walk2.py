"""Second round of the session-17 walk, the web side: in a 一件事 the items chosen on the item page carry through
the one form (its 同步办理的服务 no longer override them) and the form asks only the chosen items' fields."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.db import session_scope
from kuaiban.platform.models import AuditEntry
from kuaiban.services import cases
from kuaiban.services.models import Case, Task
from tests.programs.conftest import STAFF_PASSWORD
from tests.programs.helpers import synthetic_id
from tests.web.forms import csrf_of
from tests.web.test_s17_walk import _client


def _asked(page: str) -> set[str]:
    return set(re.findall(r'name="field:([^"]+)"', page))


CHOSEN = [("choose", "1"), ("items", "1.1.5"), ("items", "2.4.2")]  # 职工参保登记 and 就业登记 only


def test_the_items_chosen_on_the_item_page_decide_the_services_and_the_fields_asked(town) -> None:
    url, _t = town
    firm = _client(url, "hn-firm")
    page = firm.get("/services/bundles/1/apply", params=CHOSEN).text
    decided = dict(re.findall(r'name="service:([^"]+)" value="1" disabled( checked)?', page))
    assert decided["就业登记"] == " checked" and decided["社会保障卡(含实体卡和电子卡)申领"] == ""
    assert decided["党员组织关系转入"] == ""
    assert 'name="from_items" value="1"' in page and 'id="items-by-choice"' in page
    asked = _asked(page)
    assert {"姓名", "证件号码", "手机号码"} <= asked
    assert not asked & {"介绍信", "入党日期", "原档案管理服务机构信息", "领卡方式(现场领取/邮寄,邮寄地址/收件人/联系电话)",
                        "失业保险关系是否跨省转移", "电子劳动合同签订"}
    every_item = [("choose", "1")] + [("items", i.code or i.name) for i in cases.find_bundle(1).items]
    every = _asked(firm.get("/services/bundles/1/apply", params=every_item).text)  # every item, every field
    # the 介绍信 is a material handed in, no typed field (s21); its neighbour 入党日期 is asked
    assert {"入党日期", "领卡方式(现场领取/邮寄,邮寄地址/收件人/联系电话)"} <= every and len(every) > len(asked)
    assert "介绍信" not in every


def _apply_as_firm(firm: TestClient, extra: dict | None = None) -> str:
    """The firm's 企业招用员工 application with 职工参保登记 and 就业登记 chosen; the case's address."""
    page = firm.get("/services/bundles/1/apply", params=CHOSEN).text
    number = synthetic_id("430104", dt.date(1995, 3, 1))
    data = {"csrf": csrf_of(page), "items": ["1.1.5", "2.4.2"], "from_items": "1", "services_shown": "1",
            "field:姓名": "测试丁", "field:性别": "男", "field:证件类型": "居民身份证", "field:证件号码": number,
            "field:证件有效期": "长期", "field:手机号码": "13800000000", **(extra or {})}
    done = firm.post("/services/bundles/1/apply", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text[:3000]
    return done.headers["location"]


def test_a_posted_tick_does_not_override_the_item_pages_choice(town) -> None:
    url, t = town
    # as the walk found it: 就业登记 not ticked, 社会保障卡申领 ticked
    _apply_as_firm(_client(url, "hn-firm"), {"service:社会保障卡(含实体卡和电子卡)申领": "1"})
    with session_scope(t.engine) as s:
        case = s.scalar(select(Case).order_by(Case.id.desc()))
        codes = [task.item_code for task in s.scalars(select(Task).where(Task.case_id == case.id))]
    assert sorted(codes) == ["1.1.5", "2.4.2"]


def test_a_单位_accounts_home_page_has_no_我的失业登记(town) -> None:
    url, _t = town
    firm = _client(url, "hn-firm").get("/").text
    mine = firm[firm.index('id="mine"'):firm.index("</section>", firm.index('id="mine"'))]
    assert 'href="/unemployment/mine"' not in mine and 'href="/services/cases"' in mine
    citizen = _client(url, "bj-citizen").get("/").text
    assert 'href="/unemployment/mine"' in citizen


def test_a_documents_calculator_link_carries_its_region_when_the_calculator_covers_it(app_client) -> None:
    from kuaiban.web.calculators import link_for_region

    assert link_for_region("/calc/unemployment_benefit", "北京") == "/calc/unemployment_benefit?region=%E5%8C%97%E4%BA%AC"
    assert link_for_region("/calc/unemployment_benefit", "天津") == "/calc/unemployment_benefit"  # not covered
    assert link_for_region("/calc/unemployment_benefit", None) == "/calc/unemployment_benefit"
    assert link_for_region("/services/guides/2.4.2", "北京") == "/services/guides/2.4.2"
    page = app_client.get("/calc/unemployment_benefit?region=%E5%8C%97%E4%BA%AC").text
    assert re.search(r'<option value="北京"[^>]*selected', page) or re.search(r'<option selected[^>]*>北京', page)


def test_staff_views_are_summed_up_in_one_line_not_listed_as_steps_and_each_stays_in_the_audit_log(town) -> None:
    url, t = town
    number = _apply_as_firm(_client(url, "hn-firm")).split("/")[-1].split("?")[0]
    with session_scope(t.engine) as s:
        task_id = s.scalar(select(Task.id).join(Case).where(Case.number == number).limit(1))
    clerk = _client(url, "hn-win", STAFF_PASSWORD)
    for _ in range(3):  # each 显示完整信息 is a read of personal data (since s20 the page itself opens masked)
        page = clerk.get(f"/workbench/tasks/{task_id}").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        assert clerk.post(f"/workbench/tasks/{task_id}/full", data={"csrf": token}).status_code == 200
    page = clerk.get(f"/workbench/cases/{number}").text
    trail = page[page.index('id="trail"'):]
    table = trail[:trail.index("</table>")]
    assert "提交申请" in table and "查阅个人信息" not in table
    summary = re.search(r'<p class="hint" id="trail-reads">([^<]*)</p>', trail).group(1)
    assert summary.startswith("工作人员查阅个人信息 3 次（1 人；") and "hn-win" in summary
    with session_scope(t.engine) as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data")).all()
    assert len(reads) == 3  # the audit log keeps every read
