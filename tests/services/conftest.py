"""Fixtures of the case-system tests: a region with its staff, two applicants and the region's
material requirements, on a fresh database of each backend.

The materials a region asks for are its own configuration (the compilations list none per item);
the ones configured here are marked 测试配置 except the certificate, which is the real 告知承诺制
list entry for 职工参保登记 (人社厅发〔2020〕110号 附件1 第 3 项).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from kuaiban.db import connect, session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import User

REGION = "430100"  # 湖南省长沙市: its staff serve 岳麓区 (430104) and the rest of the city
OTHER_REGION = "430200"  # 湖南省株洲市
PASSWORD = "correct-horse-42"
CERTIFICATE = "工资关系或工资审批手续复印件"  # 告知承诺制 list: 职工参保登记 may replace it
SHARED = "劳动合同（测试配置）"  # needed by two items of 企业招用员工: asked once
ADOPTION = "本地区告知承诺制清单（测试配置）"  # the region's basis for applying row 3 of the 部本级 list
# 企业招用员工's basic information, every field required (人社部发〔2021〕23号 附件1)
FORM = {"姓名": "测试甲", "性别": "女", "证件类型": "居民身份证", "证件号码": "110101199001019028",
        "证件有效期": "2030-01-01", "手机号码": "13800000000"}
# the citizen 测试乙: a synthetic 公民身份号码 (order code 901, odd: a man), no real person
CITIZEN_ID = "11010119900101901X"
SEPT_30 = dt.datetime(2020, 9, 30, 10, 0)  # the eve of National Day 2020 (10-01..10-08 off)


@dataclass
class World:
    engine: Engine
    citizen: User
    neighbour: User  # another applicant of the same region
    window: User
    reviewer: User
    supervisor: User
    outsider: User  # a supervisor of another region

    def session(self):
        return session_scope(self.engine)


@pytest.fixture(autouse=True)
def shared_file_store(monkeypatch):
    """Uploaded material files go to the database (plat_files), not to a folder outside the test's own."""
    monkeypatch.setenv("KUAIBAN_STORAGE", "database")


def make_world(url: str) -> World:
    from kuaiban.services import cases

    engine = connect(url)
    with session_scope(engine) as s:
        a1 = auth.create_applicant(s, "enterprise", "测试企业甲", region=REGION)
        a2 = auth.create_applicant(s, "citizen", "测试乙", id_number=CITIZEN_ID, region=REGION)
        users = {
            "citizen": auth.create_user(s, "citizen", PASSWORD, "applicant", applicant=a1, region=REGION),
            "neighbour": auth.create_user(s, "neighbour", PASSWORD, "applicant", applicant=a2, region=REGION),
            "window": auth.create_user(s, "window", PASSWORD, "window", region=REGION),
            "reviewer": auth.create_user(s, "reviewer", PASSWORD, "reviewer", region=REGION),
            "supervisor": auth.create_user(s, "supervisor", PASSWORD, "supervisor", region=REGION),
            "outsider": auth.create_user(s, "outsider", PASSWORD, "supervisor", region=OTHER_REGION),
        }
        sup = users["supervisor"]
        cases.require_material(s, REGION, "1.1.5", CERTIFICATE, basis="人社厅发〔2020〕110号 附件1", actor=sup)
        # the 110号 list is 部本级: the region applies its row 3 only once it adopted it (basis: a test setting)
        cases.adopt_commitment(s, REGION, 3, basis=ADOPTION, actor=sup)
        cases.require_material(s, REGION, "1.1.5", SHARED, basis="测试配置", actor=sup)
        cases.require_material(s, REGION, "4.1.1", SHARED, basis="测试配置", actor=sup)
        cases.route(s, REGION, "1.1.5", "社保经办机构", actor=sup)
    return World(engine, **users)


@pytest.fixture
def world(backend_url) -> World:
    return make_world(backend_url)


@pytest.fixture
def sqlite_world(tmp_path) -> World:
    return make_world(f"sqlite:///{tmp_path / 'kuaiban.db'}")
