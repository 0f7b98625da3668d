"""Fixtures of the program tests: a Beijing district and a Hunan city with their staff, citizens and an
enterprise, on a fresh database of each backend; synthetic ID numbers (python-stdnum check digits, no real
person); and the simulated registers the checks consult."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
import yaml
from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import audit, auth
from kuaiban.platform.models import Applicant, User
from kuaiban.programs import claims, definitions, registers
from kuaiban.unemployment.idnumber import compose

PASSWORD = "Quiet-Lantern-47"
STAFF_PASSWORD = "Quiet-Lantern-47-staff"
AUG_3 = dt.datetime(2020, 8, 3, 10, 0)  # a Monday
_sequence = itertools.count()


def id_number() -> str:
    """A new synthetic number at every call of the process: 449 order codes a birthday, then the next day."""
    n = next(_sequence)
    return compose("110101", dt.date(1980, 1, 1) + dt.timedelta(days=n // 449), 101 + 2 * (n % 449))


@dataclass
class Town:
    engine: Engine
    citizen: User  # 北京市朝阳区
    citizen_number: str
    other_citizen: User  # 北京市朝阳区, a second claimant
    other_number: str
    hunan_citizen: User  # 长沙市岳麓区
    hunan_number: str
    enterprise: User  # 长沙市岳麓区
    reviewer: User  # 北京市 审核
    reviewer2: User  # 北京市 审核, a second person
    window: User  # 北京市 窗口
    supervisor: User  # 北京市 监督
    hunan_window: User
    hunan_reviewer: User
    hunan_reviewer2: User
    hunan_supervisor: User

    def session(self):
        return session_scope(self.engine)


@pytest.fixture(autouse=True)
def own_var(monkeypatch, tmp_path):
    """Payment files go under the test's own KUAIBAN_VAR, never the checkout's var/."""
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))


@pytest.fixture
def clock_at_aug_3(monkeypatch):
    """The product's clock set to AUG_3 and running on from there: a claim made through the API or the pages
    is dated by the server (申领之日), and the programs' claim windows are those of 2020."""
    real = audit.now
    offset = AUG_3 - real()
    monkeypatch.setattr(audit, "now", lambda: real() + offset)


@pytest.fixture
def add_program(tmp_path, monkeypatch):
    """Programs added as data (adding a program is a file): ``add_program(program)`` writes the dict as
    <code>.yaml to a programs folder of the test's own — the only one the definitions read — and returns its
    code. The program cache is cleared before and after."""
    folder = tmp_path / "programs"
    folder.mkdir()
    monkeypatch.setattr(definitions, "PROGRAMS_DIR", folder)

    def add(program: dict) -> str:
        path = folder / f"{program['code']}.yaml"
        path.write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
        definitions.programs.cache_clear()
        return program["code"]

    yield add
    definitions.programs.cache_clear()


def make_town(url: str) -> Town:
    engine = connect(url)
    numbers = {"citizen": id_number(), "other": id_number(), "hunan": id_number()}
    with session_scope(engine) as s:
        def citizen(username: str, name: str, number: str, region: str) -> User:
            person = auth.create_applicant(s, "citizen", name, id_number=number, region=region)
            return auth.create_user(s, username, PASSWORD, "applicant", applicant=person, region=region)

        def staff(username: str, role: str, region: str) -> User:
            return auth.create_user(s, username, STAFF_PASSWORD, role, region=region, display_name=f"测试{username}")

        firm = auth.create_applicant(s, "enterprise", "测试商贸有限公司", region="430104")
        users = dict(
            citizen=citizen("bj-citizen", "测试甲", numbers["citizen"], "110105"),
            other_citizen=citizen("bj-other", "测试乙", numbers["other"], "110105"),
            hunan_citizen=citizen("hn-citizen", "测试丙", numbers["hunan"], "430104"),
            enterprise=auth.create_user(s, "hn-firm", PASSWORD, "applicant", applicant=firm, region="430104"),
            reviewer=staff("bj-rev", "reviewer", "110000"), reviewer2=staff("bj-rev2", "reviewer", "110000"),
            window=staff("bj-win", "window", "110000"), supervisor=staff("bj-sup", "supervisor", "110000"),
            hunan_window=staff("hn-win", "window", "430104"), hunan_reviewer=staff("hn-rev", "reviewer", "430100"),
            hunan_reviewer2=staff("hn-rev2", "reviewer", "430000"),
            hunan_supervisor=staff("hn-sup", "supervisor", "430000"),
        )
        for number in numbers.values():
            registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True})
        # connected and empty: nobody here draws a pension or is dead (a check that finds no record passes)
        registers.declare(s, "pension", "养老保险待遇领取信息")
        registers.declare(s, "deaths", "死亡人员信息")
    return Town(engine, citizen_number=numbers["citizen"], other_number=numbers["other"],
                hunan_number=numbers["hunan"], **users)


@pytest.fixture
def town(backend_url) -> Town:
    return make_town(backend_url)


@pytest.fixture
def sqlite_town(tmp_path) -> Town:
    return make_town(f"sqlite:///{tmp_path / 'kuaiban.db'}")


def submit_as_registered(s, user: User, code: str, **kw):
    """``claims.submit`` with the 参保缴费记录 holding the 累计缴费月数 the applicant types. Since s15 a claim takes
    the register's figure, and an applicant's figure the register does not confirm is flagged for a caseworker
    (kuaiban.programs.register_facts); the tests written before keep their typed figures and outcomes this way.
    A register that is offline or has no record of the person is left as it is."""
    months = (kw.get("facts") or {}).get("contribution_months")
    person = s.get(Applicant, user.applicant_id) if user.applicant_id else None
    if person is not None and person.id_number and str(months).strip().isdigit():
        try:
            record = registers.DEFAULT.lookup(s, "contributions", person.id_number)
        except registers.Unavailable:
            record = None
        if record is not None:
            registers.put(s, "contributions", "参保缴费记录", person.id_number, {**record, "months": int(months)})
    return claims.submit(s, user, code, **kw)
