"""Two offices of one kuaiban in two provinces — 长沙市芙蓉区 (430102, the 转出地) and 重庆市渝中区 (500103, the
转入地) — each with a clerk, a supervisor of 湖南 who serves only the 转出地, and a person with an account.
Everyone is synthetic (样例…; ID numbers composed with a valid check digit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import User
from kuaiban.unemployment import samples

ORIGIN, DESTINATION = "430102", "500103"
PASSWORD = "Quiet-Lantern-47"
MONDAY = dt.datetime(2021, 11, 15, 9, 30)  # a week after the notice (2021-11-09)
PERSON_ID = samples.SAMPLE_ID_MALE

CONTRIBUTIONS = {"approved": [{"region": "430102", "start": "2019-01", "end": "2019-12"}],
                 "unapproved": [{"region": "430102", "start": "2020-01", "end": "2021-06"}]}
DETAILS = {"contributions": CONTRIBUTIONS, "unpaid_benefit": {"months": 6, "monthly_amount": "1500"},
           "unemployment_reason": "劳动合同期满终止", "benefit_standard": "1500"}


@dataclass
class Offices:
    engine: Engine
    person: User
    origin_clerk: User
    destination_clerk: User
    hunan_supervisor: User
    elsewhere: User

    def session(self):
        return session_scope(self.engine)


def make_offices(url: str) -> Offices:
    engine = connect(url)
    with session_scope(engine) as s:
        me = auth.create_applicant(s, "citizen", "样例甲", id_number=PERSON_ID, region=ORIGIN)
        users = {
            "person": auth.create_user(s, "person", PASSWORD, "applicant", applicant=me, region=ORIGIN),
            "origin_clerk": auth.create_user(s, "hn-clerk", PASSWORD, "reviewer", region=ORIGIN),
            "destination_clerk": auth.create_user(s, "cq-clerk", PASSWORD, "reviewer", region=DESTINATION),
            "hunan_supervisor": auth.create_user(s, "hn-sup", PASSWORD, "supervisor", region="430000"),
            "elsewhere": auth.create_user(s, "sd-clerk", PASSWORD, "reviewer", region="370102"),
        }
    return Offices(engine, **users)
