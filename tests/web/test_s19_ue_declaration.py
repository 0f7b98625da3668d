"""The 失业登记 书面承诺 and the application it is signed over, as people read them: the 失业时间 in the
promise is a date in words (2020年6月15日; a month the national platform sends, 2020年6月), as the pages print
the record's dates; what the confirm page shows is exactly what is signed and stored, and a text signed
earlier is shown as it was signed. 职业（工种）资格名称 and 专业技术职务 are codes of tables the texts name
but do not print (职业分类大典, GB/T 8561): the pages say they are codes (代码 6010101); their 等级/级别 show
their names."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration
from kuaiban.unemployment.personal import masked_text
from tests.unemployment.world import local_application, make_world
from tests.web.forms import csrf_of
from tests.web.test_unemployment_pages import form_data, login, page_app


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", html))


def test_the_declaration_reads_its_date_in_words_and_skills_say_which_values_are_codes(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    client = TestClient(page_app(url))
    login(client, "citizen")
    record = local_application(0)
    csrf = csrf_of(client.get("/unemployment/apply").text)
    confirm = client.post("/unemployment/apply", data=form_data(record, csrf))
    assert confirm.status_code == 200
    shown = re.search(r'id="declaration-text">(.*?)</blockquote>', confirm.text, re.S).group(1)
    assert "失业时间 2020年6月15日，" in shown and "20200615" not in shown
    rows = _rows(confirm.text)
    assert rows["失业日期"] == "2020年6月15日"
    assert rows["职业（工种）资格名称1"] == "代码 6010101" and rows["专业技术职务1"] == "代码 061"
    assert rows["职业资格等级（技能人员等级）1"] == "职业资格四级（中级）" and rows["专业技术职务级别1"] == "中级"

    signed = client.post("/unemployment/apply", follow_redirects=False, data=form_data(
        record, csrf, step="submit", agree="1", signer=record["AAC003"]))
    assert signed.status_code == 303
    with world.session() as s:
        stored = s.scalar(select(m.Declaration.text))
    assert stored == shown  # what was read is what was signed
    ref = re.search(r"/registrations/(\w+)\?", signed.headers["location"]).group(1)
    assert shown in client.get(f"/unemployment/registrations/{ref}").text
    login(client, "reviewer")
    review = client.get(f"/unemployment/review/{ref}").text
    # the caseworker's page masks the identity number in it, as in the queue (s20; in full on request)
    assert masked_text(shown, record) in review and _rows(review)["职业（工种）资格名称2"] == "代码 6010102"
    full = client.post(f"/unemployment/review/{ref}/full", data={"csrf": csrf_of(review)}).text
    assert shown in full


def test_a_month_reads_as_a_month_and_a_text_signed_earlier_is_shown_as_signed(tmp_path) -> None:
    month = registration.declaration_text(local_application(1, AJC090="202006"), "户籍地")
    assert "失业时间 2020年6月，" in month
    url = f"sqlite:///{tmp_path / 'k.db'}"
    world = make_world(url)
    with world.session() as s:
        reg = registration.submit(s, world.citizen, local_application(0), declaration_signed=True)
        earlier = reg.commitment.text.replace("2020年6月15日", "20200615")  # as texts were signed before
        reg.commitment.text, ref = earlier, reg.aaz341
    client = TestClient(page_app(url))
    login(client, "citizen")
    assert f'<blockquote class="quote">{earlier}</blockquote>' in client.get(f"/unemployment/registrations/{ref}").text
