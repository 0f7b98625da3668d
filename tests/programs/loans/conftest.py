"""Fixtures of the 创业担保贷款 tests: every party of a 济南 loan (a citizen, a small firm, the 人社 office, the
guarantee fund, two banks, 财政) and of a 重庆 one, on a fresh database of each backend. Synthetic ID numbers
(python-stdnum check digits, no real person)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import User
from kuaiban.unemployment.idnumber import compose

PASSWORD = "Quiet-Lantern-47"
STAFF_PASSWORD = "Quiet-Lantern-47-staff"
FUND = "济南市创业担保基金运营中心（测试）"
BANK_A = "测试银行济南分行"
BANK_B = "另一测试银行济南分行"
CQ_FUND = "重庆市小微企业融资担保基金运营管理机构（测试）"
CQ_BANK = "测试银行重庆分行"
_sequence = itertools.cycle(range(301, 999, 2))


@dataclass
class Parties:
    engine: Engine
    citizen: User  # 济南市历下区 370102
    other_citizen: User
    firm: User  # 济南市历下区, 小微企业
    office: User  # 济南市 人社 审核
    window: User  # 济南市 人社 窗口
    fund: User
    bank: User  # BANK_A
    other_bank: User  # BANK_B
    finance: User  # 济南市 财政
    cq_citizen: User  # 重庆市渝中区 500103
    cq_office: User
    cq_fund: User
    cq_bank: User
    cq_finance: User

    def session(self):
        return session_scope(self.engine)


def make_parties(url: str) -> Parties:
    engine = connect(url)
    with session_scope(engine) as s:
        def citizen(username: str, name: str, region: str) -> User:
            number = compose("110101", dt.date(1988, 5, 1), next(_sequence))
            person = auth.create_applicant(s, "citizen", name, id_number=number, region=region)
            return auth.create_user(s, username, PASSWORD, "applicant", applicant=person, region=region)

        def staff(username: str, role: str, region: str, agency: str | None = None) -> User:
            return auth.create_user(s, username, STAFF_PASSWORD, role, region=region, agency=agency,
                                    display_name=f"测试{username}")

        firm = auth.create_applicant(s, "enterprise", "测试小微科技有限公司", region="370102")
        parties = Parties(
            engine=engine,
            citizen=citizen("sd-citizen", "测试甲", "370102"), other_citizen=citizen("sd-other", "测试乙", "370102"),
            firm=auth.create_user(s, "sd-firm", PASSWORD, "applicant", applicant=firm, region="370102"),
            office=staff("jn-rev", "reviewer", "370100"), window=staff("jn-win", "window", "370100"),
            fund=staff("jn-fund", "guarantor", "370100", FUND), bank=staff("jn-bank-a", "bank", "370100", BANK_A),
            other_bank=staff("jn-bank-b", "bank", "370100", BANK_B), finance=staff("jn-fin", "finance", "370100"),
            cq_citizen=citizen("cq-citizen", "测试丙", "500103"), cq_office=staff("cq-rev", "reviewer", "500103"),
            cq_fund=staff("cq-fund", "guarantor", "500000", CQ_FUND),
            cq_bank=staff("cq-bank", "bank", "500103", CQ_BANK), cq_finance=staff("cq-fin", "finance", "500103"),
        )
    return parties


@pytest.fixture
def parties(backend_url) -> Parties:
    return make_parties(backend_url)
