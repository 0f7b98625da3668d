"""No application is invisible: whatever route creates a 快办 case or a 失业登记 registration, it is in the
queue of a staff member who can act on it, or — when no one on duty serves its region — in the queue of
the supervisors above it, marked 未分派.

The world (tests/unemployment/world.py): 芙蓉区 (430102) has window clerks and reviewers, 长沙 (430100) a
supervisor, 济南市历下区 (370102) a reviewer; here a national supervisor is added. 株洲 (430200) has nobody.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, User
from kuaiban.services import assignment
from kuaiban.services.models import FINAL_TASK_STATES, Task
from kuaiban.unemployment import decision
from kuaiban.unemployment import models as m
from kuaiban.unemployment.national.client import HttpNationalPlatform
from kuaiban.unemployment.national.feed import synthetic_applications
from kuaiban.unemployment.national.local import RegistrationService
from kuaiban.unemployment.national.sync import SyncConfig, Synchronizer
from kuaiban.web import service_views as views
from tests.materials import synthetic_credit_code
from tests.unemployment.national.harness import SimulatorProcess
from tests.unemployment.world import PASSWORD, World, local_application, make_world
from tests.web.forms import post_login
from tests.web.test_service_pages import FORM, ITEMS, apply
from tests.web.test_unemployment_pages import apply_online, csrf_of, form_data, login
from tests.web.test_unemployment_pages import page_app as unemployment_app


@pytest.fixture
def simulator(tmp_path):
    sim = SimulatorProcess(tmp_path / "national.db").start()
    yield sim
    sim.kill()


@pytest.fixture
def world(backend_url) -> World:
    world = make_world(backend_url)
    with world.session() as s:
        auth.create_user(s, "national", PASSWORD, "supervisor", region="全国")
    return world


def who_sees(engine: Engine) -> tuple[dict[int, set[str]], dict[str, set[str]]]:
    """Who has each open task and each pending registration in their queue: the staff of the role that acts
    next, or a supervisor who finds it marked 未分派 there."""
    tasks: dict[int, set[str]] = defaultdict(set)
    regs: dict[str, set[str]] = defaultdict(set)
    with session_scope(engine) as s:
        for user in s.scalars(select(User).where(User.active.is_(True), User.role != APPLICANT)):
            queue = views.queue(s, user)
            lost = assignment.unassigned_ids(s, queue) if user.role == SUPERVISOR else None
            for task in queue:
                if lost is None or task.id in lost:
                    tasks[task.id].add(user.username)
            pending = decision.queue(s, user)
            lost = decision.unassigned_ids(s, pending) if user.role == SUPERVISOR else set()
            for reg in pending:
                if user.role == REVIEWER or reg.id in lost:
                    regs[reg.aaz341].add(user.username)
    return tasks, regs


def assert_nothing_invisible(engine: Engine) -> tuple[dict[int, set[str]], dict[str, set[str]]]:
    tasks, regs = who_sees(engine)
    with session_scope(engine) as s:
        open_tasks = set(s.scalars(select(Task.id).where(Task.state.not_in(FINAL_TASK_STATES))))
        pending = set(s.scalars(select(m.Registration.aaz341).where(m.Registration.status == m.PENDING)))
    assert open_tasks or pending  # something was filed
    assert open_tasks <= {t for t, who in tasks.items() if who}
    assert pending <= {r for r, who in regs.items() if who}
    return tasks, regs


_codes = itertools.count(1)  # a fresh synthetic 统一社会信用代码 per registration


def register(client: TestClient, username: str, region: str) -> dict:
    r = client.post("/api/auth/register", json={"username": username, "password": PASSWORD, "kind": "enterprise",
                                                 "name": f"测试企业{username}", "region": region,
                                                 "id_number": synthetic_credit_code(next(_codes))})
    assert r.status_code == 201, r.text
    token = client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_cases_submitted_through_the_json_api(world, backend_url):
    client = TestClient(create_app(backend_url))
    for username, region in (("served", "湖南省长沙市芙蓉区"), ("nobody", "株洲")):
        r = client.post("/api/cases", headers=register(client, username, region),
                        json={"bundle": "1", "form": FORM, "items": ["2.4.3"]})
        assert r.status_code == 201, r.text
    tasks, _ = assert_nothing_invisible(world.engine)
    assert sorted(map(sorted, tasks.values())) == [["national"], ["window"]]  # 株洲: 未分派 for 全国 only


def test_cases_submitted_on_the_bundle_page(world, backend_url):
    client = TestClient(create_app(backend_url))
    register(client, "page-corp", "430200")  # 株洲: nobody there
    r = post_login(client, "page-corp", PASSWORD)
    assert r.status_code == 303
    assert apply(client, items=ITEMS).status_code == 303
    tasks, _ = assert_nothing_invisible(world.engine)
    assert set(map(frozenset, tasks.values())) == {frozenset({"national"})}


def test_registrations_filed_at_the_window_and_online(world, backend_url):
    client = TestClient(unemployment_app(backend_url))
    login(client, "citizen")
    apply_online(client, world, local_application(0))
    login(client, "window")
    csrf = csrf_of(client.get("/unemployment/apply").text)
    r = client.post("/unemployment/apply", follow_redirects=False,
                    data=form_data(local_application(3), csrf, step="submit", agree="1", signer="样例3号"))
    assert r.status_code == 303
    _, regs = assert_nothing_invisible(world.engine)
    assert [sorted(who) for who in regs.values()] == [["reviewer", "reviewer2"]] * 2
    with world.session() as s:  # both reviewers leave: the supervisors above 芙蓉区 see them 未分派
        for name in ("reviewer", "reviewer2"):
            s.scalar(select(User).where(User.username == name)).active = False
    _, regs = assert_nothing_invisible(world.engine)
    assert [sorted(who) for who in regs.values()] == [["national", "supervisor"]] * 2


def test_registrations_downloaded_from_the_national_platform(world, simulator):
    simulator.feed(synthetic_applications(2) + synthetic_applications(2, start=2, region="430202"))
    sync = Synchronizer(world.engine, HttpNationalPlatform(simulator.url), RegistrationService(),
                        SyncConfig(page_size=25), caseworker=None)  # nobody decides: they stay pending
    sync.cycle(force=True)
    _, regs = assert_nothing_invisible(world.engine)
    assert sorted(sorted(who) for who in regs.values()) == [["national"], ["national"],
                                                            ["reviewer", "reviewer2"], ["reviewer", "reviewer2"]]
