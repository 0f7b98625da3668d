"""Issue 11, item 1: one account per username and per ID number, one open 失业登记 per person — decided by
the database's unique indexes, so requests arriving together cannot all pass a check made beforehand.
The losers get the same Chinese 409 as a later request, never a 500; on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import auth, personal_data
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import Applicant, User
from kuaiban.unemployment import decision, registration
from kuaiban.unemployment import models as m
from kuaiban.unemployment.registration import register_from_national, submit
from kuaiban.web.unemployment_views import form_codes
from tests.unemployment.world import SEPT_30, local_application, make_world, national_application
from tests.web.forms import csrf_of, post_login

from .conftest import PASSWORD, at_once, citizen_number

BURST = 10


def register_body(username: str, id_number: str) -> dict:
    return {"username": username, "password": PASSWORD, "kind": "citizen", "name": "测试申",
            "id_number": id_number, "region": "430102"}


def test_a_burst_of_api_registrations_with_one_id_number_gives_one_account(backend_url):
    client = TestClient(create_app(backend_url), raise_server_exceptions=False)
    number = citizen_number()
    answers = at_once(BURST, lambda i: client.post("/api/auth/register", json=register_body(f"dup{i}", number)))
    codes = Counter(r.status_code for r in answers)
    assert codes == {201: 1, 409: BURST - 1}
    assert {(r.json()["field"], r.json()["detail"]) for r in answers if r.status_code == 409} == {
        ("id_number", auth.ID_NUMBER_TAKEN)}
    with session_scope(connect(backend_url)) as s:
        stored = personal_data.lookup_hashes(number)  # the number is stored encrypted: found by its keyed hash
        assert s.scalar(select(func.count()).select_from(Applicant).where(Applicant.id_number_hash.in_(stored))) == 1
        assert s.scalar(select(func.count()).select_from(User)) == 1  # the losers left no account behind


def test_a_burst_of_api_registrations_with_one_username_gives_one_account(backend_url):
    client = TestClient(create_app(backend_url), raise_server_exceptions=False)
    # the same name typed differently: case and full-width forms are one username
    names = ["same-name", "SAME-NAME", "ｓａｍｅ－ｎａｍｅ", " Same-Name "] * 3
    answers = at_once(BURST, lambda i: client.post("/api/auth/register",
                                                   json=register_body(names[i], citizen_number())))
    assert Counter(r.status_code for r in answers) == {201: 1, 409: BURST - 1}
    assert {r.json()["field"] for r in answers if r.status_code == 409} == {"username"}
    with session_scope(connect(backend_url)) as s:
        assert s.scalars(select(User.username)).all() == ["same-name"]
        assert s.scalar(select(func.count()).select_from(Applicant)) == 1  # nor an orphan applicant


def test_a_burst_of_page_registrations_with_one_id_number_gives_one_account(backend_url):
    client = TestClient(create_app(backend_url), raise_server_exceptions=False)
    number = citizen_number()
    token = csrf_of(client.get("/register").text)  # one browser: its pre-session token serves every post

    def register(i: int):
        form = {"csrf": token, "kind": "citizen", "name": "测试申", "id_number": number, "province": "430000",
                "city": "430100", "county": "430102", "username": f"page{i}", "password": PASSWORD,
                "password2": PASSWORD, "next": "/"}
        return client.post("/register", data=form, follow_redirects=False)

    answers = at_once(BURST, register)
    assert Counter(r.status_code for r in answers) == {303: 1, 409: BURST - 1}
    assert all("不能用该证件号码注册新账号" in r.text for r in answers if r.status_code == 409)


def test_the_index_decides_between_two_registrations_that_both_passed_the_check(backend_url):
    """Deterministic race: B checks while A's row is written but not committed, then waits on it."""
    engine = connect(backend_url)
    number = citizen_number()
    outcome: list = []
    with session_scope(engine) as a:
        auth.create_applicant(a, "citizen", "测试申", id_number=number, region="430102")

        def b() -> None:
            try:
                with session_scope(engine) as s:
                    auth.create_applicant(s, "citizen", "测试申", id_number=number, region="430102")
                outcome.append("stored")
            except Conflict as exc:
                outcome.append(exc)

        other = threading.Thread(target=b)
        other.start()
        time.sleep(1.0)  # B has checked (nothing committed yet) and is blocked on A's write
    other.join(30)
    (conflict,) = outcome
    assert isinstance(conflict, Conflict) and conflict.field == "id_number"
    assert isinstance(conflict.__cause__, IntegrityError)  # refused by the database, not by the check


def test_a_burst_of_unemployment_registrations_for_one_person_files_one(backend_url):
    make_world(backend_url)
    client = TestClient(create_app(backend_url), raise_server_exceptions=False)
    token = client.post("/api/auth/login", json={"username": "citizen", "password": "correct-horse-42"}).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    body = {"record": local_application(), "declaration_signed": True}
    answers = at_once(BURST, lambda i: client.post("/api/unemployment/registrations", headers=headers, json=body))
    assert Counter(r.status_code for r in answers) == {201: 1, 409: BURST - 1}
    assert {r.json()["field"] for r in answers if r.status_code == 409} == {"AAC002"}
    with session_scope(connect(backend_url)) as s:
        assert s.scalar(select(func.count()).select_from(m.Registration)) == 1


def test_a_burst_of_unemployment_applications_on_the_page_files_one(backend_url):
    make_world(backend_url)
    client = TestClient(create_app(backend_url), raise_server_exceptions=False)
    r = post_login(client, "citizen", "correct-horse-42")
    assert r.status_code == 303
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get("/unemployment/apply").text).group(1)
    record = local_application()
    form = {code: record.get(code, "") for code in form_codes()} | {
        "csrf": csrf, "step": "submit", "agree": "1", "signer": record["AAC003"]}
    answers = at_once(BURST, lambda i: client.post("/unemployment/apply", data=form, follow_redirects=False))
    assert Counter(r.status_code for r in answers) == {303: 1, 409: BURST - 1}
    assert all("不能重复申请" in r.text for r in answers if r.status_code == 409)
    with session_scope(connect(backend_url)) as s:
        assert s.scalar(select(func.count()).select_from(m.Registration)) == 1


def test_two_window_filings_for_one_person_that_both_passed_the_check(backend_url):
    world = make_world(backend_url)
    outcome: list = []
    with world.session() as a:
        submit(a, world.window, local_application(5), declaration_signed=True, at=SEPT_30)

        def b() -> None:
            try:
                with world.session() as s:
                    submit(s, world.window, local_application(5), declaration_signed=True, at=SEPT_30)
                outcome.append("filed")
            except Conflict as exc:
                outcome.append(exc)

        other = threading.Thread(target=b)
        other.start()
        time.sleep(1.0)
    other.join(30)
    (conflict,) = outcome
    assert isinstance(conflict, Conflict) and conflict.field == "AAC002"
    assert isinstance(conflict.__cause__, IntegrityError)


def test_a_national_duplicate_is_kept_for_the_reviewer_but_cannot_be_approved(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        submit(s, world.window, local_application(18), declaration_signed=True, at=SEPT_30)
    with world.session() as s:
        dup = register_from_national(s, national_application(18), received_at=SEPT_30)
        assert dup.register_flagged  # the platform cannot be told no at download: flagged, as before
        number = dup.aaz341
    with world.session() as s, pytest.raises(Conflict) as err:
        reg = registration.get_registration(s, world.reviewer, number)
        decision.decide(s, world.reviewer, number, approve=True, version=reg.version, at=SEPT_30)
    assert err.value.field == "approve" and "已有待审核或已登记的失业登记" in err.value.message
    with world.session() as s:  # refusing it, with a reason, is what remains
        decision.decide(s, world.reviewer, number, approve=False, reason="重复登记", version=1, at=SEPT_30)
        assert s.scalar(select(m.Registration.status).where(m.Registration.aaz341 == number)) == m.REJECTED
