"""Who may apply for each 一件事 (ux review s21, item 3): read from each bundle's row of 人社部发〔2020〕26号 附件1
(data/services/bundle_applicants.yaml) and enforced by one check, ``cases.require_may_apply``, which the API's
submission and the pages both run.

附件1 names the employer that acts (企业招用员工, 企业与员工解除终止劳动合同, 事业单位聘用工作人员: a unit's
account) or says the person files it himself (失业, 高校毕业生就业, 创业: 需…本人办理的事项); the other four say
neither, and both kinds of account may apply.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform.errors import Forbidden
from kuaiban.platform.models import Applicant
from kuaiban.services import cases, catalogue

from .conftest import FORM, PASSWORD, make_world

TEXT = Path(__file__).resolve().parents[2] / "data" / "compilations" / "hunan-hrss-2020.txt"


def test_every_bundle_says_who_may_apply_and_each_restriction_quotes_its_row() -> None:
    who = catalogue.bundle_applicants()
    bundles = {b.seq: b for b in catalogue.bundles()}
    assert set(who) == set(bundles) == set(range(1, 11))
    lines = TEXT.read_text(encoding="utf-8").splitlines()
    for seq, entry in who.items():
        assert entry.kinds and set(entry.kinds) <= {"citizen", "enterprise"}
        if len(entry.kinds) == 2:
            assert entry.quote is None  # nothing restricted that the text does not restrict
            continue
        first, last = bundles[seq].source.lines
        assert first <= entry.line <= last, seq  # the bundle's own row of 附件1
        assert entry.quote in lines[entry.line - 1], seq
    assert {s for s, e in who.items() if e.kinds == ("enterprise",)} == {1, 2, 5}
    assert {s for s, e in who.items() if e.kinds == ("citizen",)} == {3, 4, 6}


def test_the_check_names_the_account_that_files_it() -> None:
    employers, unemployed = cases.find_bundle(1), cases.find_bundle(3)
    assert cases.applicant_refusal("enterprise", employers) is None
    assert cases.applicant_refusal("citizen", cases.find_bundle(9)) is None  # 退休人员过世: either
    told = cases.applicant_refusal("citizen", employers)
    assert told.startswith("“企业招用员工”由用人单位以单位账号办理") and "个人账号不能申请" in told
    assert cases.applicant_refusal("enterprise", unemployed) == (
        "“失业”须由本人以个人账号办理（附件1备注“需失业人员本人办理的事项”），单位账号不能申请。")
    with pytest.raises(Forbidden) as refused:
        cases.require_may_apply(Applicant(kind="citizen", name="测试乙"), employers)
    assert refused.value.field == "bundle"


def test_the_core_refuses_a_citizen_filing_the_employers_bundle(world) -> None:
    with world.session() as s, pytest.raises(Forbidden, match="由用人单位以单位账号办理"):
        cases.submit(s, world.neighbour, "企业招用员工", FORM, items=["1.1.5"])


def test_the_api_answers_403_with_the_reason(backend_url) -> None:
    make_world(backend_url)
    client = TestClient(create_app(backend_url))
    token = client.post("/api/auth/login", json={"username": "neighbour", "password": PASSWORD}).json()["token"]
    r = client.post("/api/cases", headers={"Authorization": f"Bearer {token}"},
                    json={"bundle": "企业招用员工", "form": FORM, "items": ["1.1.5"]})
    assert r.status_code == 403
    assert r.json()["field"] == "bundle" and "个人账号不能申请" in r.json()["detail"]
