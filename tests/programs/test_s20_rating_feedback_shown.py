"""Session 20: the applicant reads the supervisor's 整改反馈 on the rated record's own page, not only in a message
(usability review, 好差评: the case page said “该差评已转监督人员核实整改（已反馈）” without what was fed back)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.programs import claims
from kuaiban.services import ratings
from kuaiban.services.models import Rectification
from tests.programs.conftest import AUG_3, PASSWORD, make_town
from tests.programs.test_s18_claim_ratings import reviewing_claim
from tests.web.forms import csrf_of, post_login


def test_the_feedback_of_a_closed_rectification_is_on_the_claim_page(tmp_path, clock_at_aug_3) -> None:
    url_db = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url_db)
    claim_id = reviewing_claim(town)
    with town.session() as s:
        claims.act(s, town.reviewer, claim_id, outcome="pass", months=3, at=AUG_3)
    citizen = TestClient(create_app(url_db))
    assert post_login(citizen, "bj-citizen", PASSWORD).status_code == 303
    url = f"/programs/claims/{claim_id}"
    page = citizen.get(url).text
    citizen.post(f"{url}/rating", data={"csrf": csrf_of(page), "level": "1", "text": "没人接电话"})
    with town.session() as s:
        rect = s.scalars(select(Rectification).where(Rectification.claim_id == claim_id)).one()
        for note in ("情况属实", "已安排专人接听", "已电话回访，说明了整改情况"):
            ratings.advance(s, town.supervisor, rect.id, note, at=AUG_3)
    page = citizen.get(url).text
    assert "该差评已转监督人员核实整改（已反馈）" in page
    feedback = re.search(r'<p id="rectification-feedback">(.*?)</p>', page, re.S).group(1)
    assert "整改反馈：已电话回访，说明了整改情况" in feedback and "2020年8月3日" in feedback
    assert "已安排专人接听" not in page  # the office's own working notes stay the office's
