"""A small world for the 失业登记 service tests: a county (430102 芙蓉区) with its staff, a citizen with an
account, a supervisor of the city (430100) and a reviewer of another province (370102).

Everyone is synthetic: names are 样例…, ID numbers are composed with a correct check digit
(:func:`kuaiban.unemployment.idnumber.compose`), applications come from :mod:`kuaiban.unemployment.samples`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import User
from kuaiban.unemployment import samples
from kuaiban.unemployment.idnumber import compose

COUNTY = "430102"
PASSWORD = "correct-horse-42"
SEPT_30 = dt.datetime(2020, 9, 30, 10, 0)  # eve of National Day 2020: 10-01..10-08 off, 10-10 a make-up day


@dataclass
class World:
    engine: Engine
    citizen: User
    window: User
    reviewer: User
    reviewer2: User
    supervisor: User
    outsider: User

    def session(self):
        return session_scope(self.engine)


def person_id(n: int) -> str:
    """The n-th synthetic resident ID (odd order codes: male)."""
    return compose(COUNTY, dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), (2 * n + 1) % 1000)


def local_application(n: int = 0, **overrides) -> dict:
    """A valid local application (no ADC201) for synthetic person ``n``, registering at 户籍地."""
    number = samples.SAMPLE_ID_MALE if n == 0 else person_id(n)
    record = samples.application(AAC002=number, AAC044=number, AAC004="1", AAC003=f"样例{n}号",
                                 AAE127="20200701", AJC090="20200615")
    del record["ADC201"]
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}


def national_application(n: int, **overrides) -> dict:
    record = local_application(n, ADC201=f"SAMPLE-NATIONAL-{n:020d}")
    record.update(overrides)
    return record


def make_world(url: str) -> World:
    engine = connect(url)
    with session_scope(engine) as s:
        me = auth.create_applicant(s, "citizen", "样例0号", id_number=samples.SAMPLE_ID_MALE, region=COUNTY)
        users = {
            "citizen": auth.create_user(s, "citizen", PASSWORD, "applicant", applicant=me, region=COUNTY),
            "window": auth.create_user(s, "window", PASSWORD, "window", region=COUNTY, display_name="窗口样例"),
            "reviewer": auth.create_user(s, "reviewer", PASSWORD, "reviewer", region=COUNTY, display_name="审核样例"),
            "reviewer2": auth.create_user(s, "reviewer2", PASSWORD, "reviewer", region=COUNTY,
                                          display_name="审核样例二"),
            "supervisor": auth.create_user(s, "supervisor", PASSWORD, "supervisor", region="430100"),
            "outsider": auth.create_user(s, "outsider", PASSWORD, "reviewer", region="370102"),
        }
    return World(engine, **users)
