"""The staff claim page shows the claimant's 证件号码 (to check who claims before deciding): masked when it opens,
in full after 显示完整信息 (since session 21), that read written to the audit log in the same one entry as the
收款账户 (kuaiban.platform.disclosure); the claimant's own page does not show it back."""

from __future__ import annotations

import re

from kuaiban.platform import personal_data
from tests.programs.test_s17_walk2 import _claimed, _reads
from tests.web.forms import csrf_of


def test_the_reviewer_sees_the_claimants_id_number_and_the_read_is_logged_once(tmp_path, clock_at_aug_3) -> None:
    town, citizen, reviewer, claim_url = _claimed(tmp_path)  # 北京 失业保险金, claimed through the form

    mine = citizen.get(claim_url).text
    assert town.citizen_number not in mine and 'id="id-number"' not in mine
    assert _reads(town) == []  # the claimant reading their own claim is not a disclosure

    page = reviewer.get(claim_url).text
    assert re.search(r'<dt>证件号码</dt><dd id="id-number">([^<]*)', page).group(1) == \
        personal_data.mask("id_number", town.citizen_number)
    assert town.citizen_number not in page and _reads(town) == []
    page = reviewer.post(f"{claim_url}/full", data={"csrf": csrf_of(page)}).text
    assert re.search(r'<dt>证件号码</dt><dd id="id-number">([^<]*)', page).group(1) == town.citizen_number
    assert "本次查阅已记录" in page
    (entry,) = _reads(town)  # one page view, one entry naming both fields shown in full
    assert entry.detail["fields"] == ["account", "id_number"] and entry.actor_role == "reviewer"
