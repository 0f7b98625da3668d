"""Session 16 usability fixes, as the handlers serve them (fast, no browser):

1. a bad date or month is answered with an example (“请按 2021-05-20 这样的格式填写”), naming the field, never
   with a developer's pattern (YYYY-MM-DD, YYYYMMDD, 年-月-日): the 政策计算 form, the 失业登记 form and the
   caseworker's 跟踪/告知/注销 forms, the 法规库 filter, the JSON API's Chinese messages and the command line; the
   page reached by each bad submission shows no developer words (the plain-pages crawl's own check);
2. the public 公示 tables (补贴公示, 免申即享名单, the signed-in 公示名单) are ``table.stack`` — one card per row
   on a phone, each value with its column's heading — and the 免申即享 list is filtered by a region picked by
   name, like the other 公示;
3. the 注销 screens name the exit reason (被各类用人单位录用或招聘), the code only in brackets for staff.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.api.errors import _TYPE_MESSAGES
from kuaiban.app import create_app
from kuaiban.platform import audit, auth
from kuaiban.programs import listing
from kuaiban.rules import messages as msg
from kuaiban.unemployment import decision, deregistration, lifecycle, registration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.validate import validate_record
from tests.programs.conftest import PASSWORD as TOWN_PASSWORD
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.unemployment.world import PASSWORD as WORLD_PASSWORD
from tests.unemployment.world import local_application, make_world
from tests.web.forms import csrf_of, signed_in
from tests.web.test_plain_pages import _developer_words
from tests.web.test_s15_web_ux import assert_every_cell_is_labelled_by_its_heading, stacked_tables

from .test_unemployment_pages import form_data

ROOT = Path(__file__).resolve().parents[2]
# the sample record's e-mail (sample@example.invalid), typed data; "alid" is its last four characters, all that the
# caseworker's page shows of it since session 20 (masked as in the lists, ****alid)
SAMPLE_WORDS = {"sample", "example.invalid", "alid"}
PATTERN = re.compile(r"YYYY|MM-DD|年-月")  # a format written as a pattern instead of an example
FILED = dt.datetime(2020, 9, 1, 9, 0)


@pytest.fixture(autouse=True)
def own_var(monkeypatch, tmp_path):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))


class _Visible(HTMLParser):
    """What a person reads on a page: text outside script/style, and placeholders, titles, labels, alt."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "blockquote"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "blockquote") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary on the page"
    return visible(found.group(0))


def assert_plain(html: str, usernames: set[str] = frozenset()) -> None:
    """No developer words and no format pattern anywhere a person reads on the page."""
    text = visible(html)
    assert not PATTERN.search(text), PATTERN.search(text).group(0)
    assert not _developer_words(text, set(usernames)), _developer_words(text, set(usernames))


# ---------------------------------------------------------------- 1. a bad date: an example, the field named


def test_the_rules_messages_give_an_example_and_keep_the_field_first() -> None:
    assert msg.not_date("death_date", "2021/13/01") == \
        "death_date：不是有效的日期，请按 2021-05-20 这样的格式填写（您填写的是「2021/13/01」）"
    assert msg.not_month("month") == "month：不是有效的月份，请按 2021-05 这样的格式填写"
    both = msg.not_month_or_day("month", "2020-06-31")
    assert both.startswith("month：不是有效的月份或日期，") and "2021-05 这样的格式" in both and "2021-05-20" in both
    asked = msg.day_asked("month", ["2020-06-08"])
    assert asked.endswith("请填写具体日期（如 2020-06-08）") and msg.is_day_asked(asked)
    for text in (msg.not_date("x"), msg.not_month("x"), both, asked):
        assert not PATTERN.search(text), text


def test_the_apis_chinese_messages_for_dates_give_an_example() -> None:
    """The codes (``date_parsing`` …) and the keys stay; only the Chinese text changes."""
    for code in ("date_parsing", "date_from_datetime_parsing", "datetime_parsing", "datetime_from_date_parsing"):
        assert "如 2021-05-20" in _TYPE_MESSAGES[code] and not PATTERN.search(_TYPE_MESSAGES[code]), code


def test_the_national_validator_says_a_record_date_by_example() -> None:
    record = local_application(1, AJC090="20200231")  # 8 digits, but no day
    [error] = [e for e in validate_record(record, "application", today=dt.date(2020, 9, 1)) if e.field == "AJC090"]
    assert error.rule == "date" and error.message.endswith("不是有效的日期，应为8位数字的年月日，如 20200701")
    assert "YYYY" not in error.message


def test_a_bad_date_on_the_calculator_form_is_asked_by_example(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    client = TestClient(create_app(url))
    page = client.post("/calc/survivor_benefit", data={"death_date": "2021-02-30", "region": "湖南"})
    assert page.status_code == 422
    # the message sits under the field, whose label names it
    said = visible(re.search(r'<p class="field-error" id="death_date-error">.*?</p>', page.text).group(0))
    assert said == "不是有效的日期，请按 2021-05-20 这样的格式填写（您填写的是「2021-02-30」）"
    assert '<label for="f-death_date">死亡日期' in page.text
    assert_plain(page.text)


def test_a_bad_date_on_the_library_filter_is_asked_by_example(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    page = TestClient(create_app(url)).get("/library", params={"as_of": "2020-13-01", "status": "现行有效"})
    assert "效力日期不是有效的日期，请按 2026-12-02 这样的格式填写" in page.text
    assert_plain(page.text)


def test_bad_dates_on_the_unemployment_forms_are_asked_by_example(tmp_path) -> None:
    """The citizen's form (a picked date that is no day) and the caseworker's 跟踪, 告知 and 注销 forms."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    app = create_app(url)
    citizen = signed_in(app, "citizen", WORLD_PASSWORD)
    csrf = csrf_of(citizen.get("/unemployment/apply").text)
    record = local_application(0, AJC090="2020-02-30")
    page = citizen.post("/unemployment/apply", data=form_data(record, csrf))
    assert page.status_code == 422
    assert "失业日期不是有效的日期，请按 2021-05-20 这样的格式填写，或点击选择日期" in error_summary(page.text)
    assert_plain(page.text, {"citizen", *SAMPLE_WORDS})

    with world.session() as s:
        reg = registration.submit(s, world.window, local_application(5), declaration_signed=True, at=FILED)
        number, version = reg.aaz341, reg.version
    with world.session() as s:
        decision.decide(s, world.reviewer, number, approve=True, version=version, at=FILED + dt.timedelta(hours=2))
    window = signed_in(app, "window", WORLD_PASSWORD)
    csrf = csrf_of(window.get(f"/unemployment/review/{number}").text)
    for path, data, said in (
            ("followup", {"method": "电话调查", "outcome": "仍处失业", "at": "2020-13-01T09:00"},
             "跟踪时间不是有效的时间，请按 2021-05-20 09:30 这样的格式填写"),
            ("notice", {"about": "decision", "method": "电话", "at": "明天上午"},
             "告知时间不是有效的时间，请按 2021-05-20 09:30 这样的格式填写"),
            ("deregistration", {"version": "2", "AJC00A": "26", "ADC210": "2020-09-31"},
             "注销失业登记时间不是有效的日期，请按 2021-05-20 这样的格式填写")):
        page = window.post(f"/unemployment/review/{number}/{path}", data={"csrf": csrf, **data})
        assert page.status_code == 422, path
        assert said in error_summary(page.text), path
        assert_plain(page.text, {"window", *SAMPLE_WORDS})
    with world.session() as s:
        assert s.scalar(select(m.Registration).where(m.Registration.aaz341 == number)).status == m.REGISTERED


@pytest.mark.parametrize("args, said", [
    (["programs", "loans", "remind", "--date", "2022-02-30"], "--date 应为日期，如 2022-02-01"),
    (["sla", "report", "--months", "2", "--until", "2020/10"], "请按 2020-10 这样的格式填写（收到「2020/10」）"),
    (["docs", "--as-of", "2020-13-01"], "--as-of 不是有效的日期，请按 2026-12-02 这样的格式填写"),
])
def test_the_command_line_asks_a_bad_date_by_example(tmp_path, args, said) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_town(url)
    done = subprocess.run([sys.executable, "-m", "kuaiban", *args, "--db", url], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                         "KUAIBAN_VAR": str(tmp_path / "var")})
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and not PATTERN.search(done.stderr), done.stderr


# ---------------------------------------------------------------- 2. the 公示 tables stack on a phone


def clock_at(monkeypatch, moment: dt.datetime) -> None:
    real = audit.now
    offset = moment - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


def test_the_public_publicity_stacks_into_labelled_cards(tmp_path, monkeypatch) -> None:
    from tests.programs.test_s14_public_publicity import in_publicity

    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    claim = in_publicity(town)
    clock_at(monkeypatch, dt.datetime(2021, 3, 2, 9, 0))
    app = create_app(url)
    for client in (TestClient(app), signed_in(app, "hn-citizen", TOWN_PASSWORD)):
        html = client.get("/programs/publicity/public").text
        table = stacked_tables(html)["publicity-1"]
        assert table["headings"][:2] == ["编号", "姓名（名字已遮蔽）"]
        assert_every_cell_is_labelled_by_its_heading(table)
        assert f'<td data-label="编号">{claim.id}</td>' in html
    assert stacked_tables(html)["publicity-1"]["headings"][-1] == "异议"  # signed in: the objection column too
    staff = signed_in(app, "hn-rev", STAFF_PASSWORD).get("/programs/publicity").text
    assert_every_cell_is_labelled_by_its_heading(stacked_tables(staff)["publicity-staff"])


def test_the_listing_stacks_and_is_filtered_by_a_region_picked_by_name(tmp_path) -> None:
    from tests.programs.test_listing import PROGRAM, five_rows, make_province, write_results

    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
    with province.session() as s:
        reviewer = s.scalar(select(auth.User).where(auth.User.username == "sd-rev"))
        listing.publish(s, reviewer, run_id, publicity_days=5, confirm_working_days=10)
    app = create_app(url)
    visitor, firm = TestClient(app), signed_in(app, "firm1", TOWN_PASSWORD)
    for client in (visitor, firm):
        html = client.get(f"/programs/listing/{PROGRAM}").text
        assert_every_cell_is_labelled_by_its_heading(stacked_tables(html)["listing"])
        assert "地区代码" not in html and '<select id="province" name="province"' in html
    everyone = stacked_tables(visitor.get(f"/programs/listing/{PROGRAM}").text)["listing"]["rows"]
    qingdao = visitor.get(f"/programs/listing/{PROGRAM}", params={"province": "370000", "city": "370200"}).text
    rows = stacked_tables(qingdao)["listing"]["rows"]
    assert 0 < len(rows) < len(everyone) and "正在查看：山东省青岛市（370200）" in qingdao
    assert "山东省济南市" not in qingdao.split('id="listing"', 1)[1]
    assert '<option value="370200" selected>青岛市</option>' in qingdao


# ---------------------------------------------------------------- 3. exit reasons by name


def test_the_deregistration_screens_name_the_reason_with_the_code_in_brackets(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    numbers = []
    for n in (1, 2, 3):
        with world.session() as s:
            reg = registration.submit(s, world.window, local_application(n), declaration_signed=True, at=FILED)
            number, version = reg.aaz341, reg.version
        with world.session() as s:
            reg = decision.decide(s, world.reviewer, number, approve=True, version=version,
                                  at=FILED + dt.timedelta(hours=2))
            numbers.append((number, reg.version))
    with world.session() as s:
        deregistration.deregister(s, world.window, numbers[0][0], reason_code="11", version=numbers[0][1],
                                  employer="样例单位丙", at=FILED + dt.timedelta(days=3))
        deregistration.deregister(s, world.window, numbers[1][0], reason_code="26", version=numbers[1][1],
                                  at=FILED + dt.timedelta(days=3))
        for month in (10, 11, 12):
            lifecycle.record_followup(s, world.window, numbers[2][0], method="电话调查", outcome=lifecycle.REFUSED,
                                      at=dt.datetime(2020, month, 5, 10, 0))
    app = create_app(url)
    reviewer = signed_in(app, "reviewer", WORLD_PASSWORD)

    gone = reviewer.get("/unemployment/review", params={"status": "已注销"}).text
    queue = stacked_tables(gone)["ue-queue"]
    assert queue["headings"][-1] == "注销原因" and "审核截止" not in queue["headings"]  # decided long ago
    assert_every_cell_is_labelled_by_its_heading(queue)
    assert '<td data-label="注销原因">被各类用人单位录用或招聘（代码 11），2020年9月4日</td>' in gone
    assert '<td data-label="注销原因">死亡（代码 26），2020年9月4日</td>' in gone
    assert "建议注销：连续3次拒绝接受公共就业服务（代码 31）" in gone

    detail = reviewer.get(f"/unemployment/review/{numbers[0][0]}").text
    assert "<dt>注销</dt><dd>被各类用人单位录用或招聘（代码 11），注销时间 2020年9月4日" in detail
    active = reviewer.get(f"/unemployment/review/{numbers[2][0]}").text
    assert "系统建议注销：连续3次拒绝接受公共就业服务（代码 31）" in active
    assert '<option value="26">死亡（代码 26）</option>' in active
    assert '<option value="11">被各类用人单位录用或招聘（代码 11）</option>' in active  # the 跟踪 form's too
    assert not re.search(r">\d\d [^<]", active)  # no option or cell that starts with its code
    reasons = stacked_tables(active)["exit-reasons"]
    assert reasons["headings"][:2] == ["原因", "代码"]
    assert_every_cell_is_labelled_by_its_heading(reasons)
    assert "（湖南汇编 第 3437 行）" in active and ".txt" not in active
    assert "（原因为“入学、应征服兵役、移居境外”时选择）" in active and "原因 24" not in active
    assert "原因 11" not in active and "原因 31" not in active
    assert_plain(active, {"reviewer", *SAMPLE_WORDS})

    with world.session() as s:
        own = registration.submit(s, world.citizen, local_application(0), declaration_signed=True, at=FILED)
        own_number, own_version = own.aaz341, own.version
    with world.session() as s:
        reg = decision.decide(s, world.reviewer, own_number, approve=True, version=own_version,
                              at=FILED + dt.timedelta(hours=2))
        deregistration.deregister(s, world.window, own_number, reason_code="11", version=reg.version,
                                  employer="样例单位丁", at=FILED + dt.timedelta(days=3))
    mine = signed_in(app, "citizen", WORLD_PASSWORD).get(f"/unemployment/registrations/{own_number}").text
    assert "<dd>被各类用人单位录用或招聘，注销时间 2020年9月4日" in mine and "代码 11" not in mine
