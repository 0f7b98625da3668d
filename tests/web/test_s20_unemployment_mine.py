"""Audit 4.9 / ux P8 (s20): a 失业登记 a clerk entered at the window for a person is that person's — it shows in
their own “我的失业登记” once they sign in with the same 证件号码 (matched through the keyed hash of the encrypted
number), opens for them, and their own new application is refused when they open the form, not after it."""

from __future__ import annotations

from kuaiban.platform import auth
from kuaiban.unemployment import registration
from tests.unemployment.world import PASSWORD, local_application
from tests.web.forms import csrf_of
from tests.web.test_unemployment_pages import (  # noqa: F401  the fixtures and helpers of the page tests
    field_errors,
    filed_by_core,
    form_data,
    login,
    site,
)


def test_a_registration_entered_at_the_window_is_in_the_persons_own_list(site):  # noqa: F811
    client, world = site
    mine_at_window = filed_by_core(world, 0)  # 样例0号: the citizen account's own 证件号码
    someone_else = filed_by_core(world, 5)
    login(client, "citizen")
    page = client.get("/unemployment/mine").text
    assert f'<a href="/unemployment/registrations/{mine_at_window}">{mine_at_window}</a>' in page
    assert someone_else not in page and "您还没有失业登记" not in page
    assert client.get(f"/unemployment/registrations/{mine_at_window}").status_code == 200
    assert client.get(f"/unemployment/registrations/{someone_else}").status_code == 404
    with world.session() as s:
        assert [r.aaz341 for r in registration.my_registrations(s, world.citizen)] == [mine_at_window]


def test_the_person_is_refused_when_opening_the_form_not_after_filling_it(site):  # noqa: F811
    client, world = site
    login(client, "citizen")
    csrf = csrf_of(client.get("/unemployment/apply").text)  # opened before the clerk filed
    aaz341 = filed_by_core(world, 0)
    opened = client.get("/unemployment/apply")
    assert opened.status_code == 409 and "已有有效的失业登记" in opened.text and aaz341 in opened.text
    assert 'name="AAC003"' not in opened.text  # no form to fill in
    # a form already open: the first check says so, even with the form's own errors left (AAC003 empty)
    r = client.post("/unemployment/apply", data=form_data(local_application(0, AAC003=""), csrf))
    assert r.status_code == 409 and "已有有效的失业登记" in field_errors(r.text)["AAC002"]


def test_an_enterprise_or_another_person_does_not_see_it(site):  # noqa: F811
    client, world = site
    filed_by_core(world, 0)
    with world.session() as s:
        other = auth.create_applicant(s, "citizen", "样例九号", id_number="430102199103040777", region="430102")
        auth.create_user(s, "other-citizen", PASSWORD, "applicant", applicant=other, region="430102")
    login(client, "other-citizen")
    assert "您还没有失业登记" in client.get("/unemployment/mine").text
    assert client.get("/unemployment/apply").status_code == 200
