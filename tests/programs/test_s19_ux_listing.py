"""The enterprise's 免申即享 page (/programs/listing/<program>/mine): its answer's time is shown to the minute,
as the site shows every time to applicants (提交时间 2026-12-07 04:44), never to the second."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.programs import listing
from tests.programs.conftest import PASSWORD
from tests.programs.test_listing import PROGRAM, five_rows, make_province, write_results
from tests.web.forms import csrf_of, post_login


def _signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    assert post_login(client, username, PASSWORD).status_code == 303
    return client


def _published(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    with province.session() as s:
        run_id = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()))["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=5, confirm_working_days=10)
    return url


def test_the_answer_time_is_shown_to_the_minute(tmp_path) -> None:
    firm1 = _signed_in(create_app(_published(tmp_path)), "firm1")
    mine_url = f"/programs/listing/{PROGRAM}/mine"
    page = firm1.get(mine_url).text
    assert firm1.post(f"/programs/listing/{PROGRAM}/decline", follow_redirects=False,
                      data={"csrf": csrf_of(page), "note": "本单位不申领"}).status_code == 303
    status = re.search(r"<dt>状态</dt><dd>(.*?)</dd>", firm1.get(mine_url).text).group(1)
    assert re.search(r"；已放弃（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）$", status), status
    assert not re.search(r"\d{2}:\d{2}:\d{2}", status)
