"""The staff claim page shows what the claimant entered and lays its 办理 form out field by field (s21 tryout
finding 6). The caseworker is asked to check 补贴对象类别 and the rest, so the page lists the claim's answers
read-only (申请人填写的信息); a personal answer (出生日期, which the masked 证件号码 hides) is masked with the page's
other personal fields and shown in full only by the audited 显示完整信息. The 办理 form puts each label above
its own box (``div.field``) and each radio on its own line (``div.check``), as the other staff decision forms do.
"""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from kuaiban.app import create_app
from kuaiban.db import connect, session_scope
from kuaiban.platform import audit
from kuaiban.platform.models import AuditEntry
from kuaiban.programs import claims, definitions, figures
from tests.programs.conftest import PASSWORD, STAFF_PASSWORD, make_town
from tests.programs.helpers import FLEX, FLEX_FACTS
from tests.web.forms import csrf_of, post_login

NOV_10 = dt.datetime(2021, 11, 10, 9, 0)


def _claim_at_the_window(tmp_path, monkeypatch) -> tuple[TestClient, str, str]:
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    town = make_town(url)
    real = audit.now
    monkeypatch.setattr(audit, "now", lambda: real() + (NOV_10 - real()))
    with town.session() as s:  # the office's figure (6000 stands for it), never the applicant's
        figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", 6000)
        claim = claims.submit(s, town.hunan_citizen, FLEX, month="2021-11", facts=FLEX_FACTS,
                              account="6217000000000001", at=NOV_10)
        assert claim.status == "reviewing", claim.reasons
        claim_id = claim.id
    window = TestClient(create_app(url))
    assert post_login(window, "hn-win", STAFF_PASSWORD).status_code == 303
    return window, f"/programs/claims/{claim_id}", url


def _answers(page: str) -> dict[str, str]:
    listed = page[page.index('id="answer-list"'):]
    listed = listed[:listed.index("</dl>")]
    return dict(re.findall(r"<dt>([^<]*)</dt><dd id=\"answer-[a-z_]+\">([^<]*)</dd>", listed))


def test_the_caseworker_reads_what_the_claimant_entered_with_the_birth_date_masked(tmp_path, monkeypatch) -> None:
    window, claim_url, url = _claim_at_the_window(tmp_path, monkeypatch)
    page = window.get(claim_url).text
    assert "申请人填写的信息" in page
    answers = _answers(page)
    assert answers["补贴对象类别"] == "就业困难人员"
    assert answers["性别"] == "女"
    assert answers["初次核定享受社会保险补贴的日期"] == "2021年11月1日"  # in words, as every page writes dates
    assert answers["出生日期"] == "****年**月**日" and "1975" not in page
    assert "上年度全省全口径社会平均工资" not in answers  # the office's figure is entered in the form, not listed
    assert "证件号码、出生日期和收款账户已部分隐藏" in page

    full = window.post(f"{claim_url}/full", data={"csrf": csrf_of(page)}).text
    assert _answers(full)["出生日期"] == "1975年5月1日"
    with session_scope(connect(url)) as s:
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.action == "read_personal_data"))
        assert set(entry.detail["fields"]) == {"account", "id_number", "birth_date"}


def test_the_办理_form_puts_every_input_in_its_own_field(tmp_path, monkeypatch) -> None:
    window, claim_url, _url = _claim_at_the_window(tmp_path, monkeypatch)
    page = window.get(claim_url).text
    form = page[page.index(f'action="{claim_url}/act"'):]
    form = form[:form.index("</form>")]
    assert len(re.findall(r'<div class="check"><input type="radio" id="outcome-', form)) == 2
    for box in ("figure_si_average_wage", "note", "internal_note"):
        # the label and its box inside one div.field, nothing else between them but the hint
        assert re.search(rf'<div class="field">\s*<label for="{box}">[^<]*</label>\s*(<p class="hint">[^<]*</p>\s*)?'
                         rf'<(input|textarea) id="{box}"', form), box


def test_the_claimant_does_not_get_the_staff_list(tmp_path, monkeypatch) -> None:
    """The claimant's own page is unchanged: no answers list (it is the caseworker's check), no 办理 form."""
    _window, claim_url, url = _claim_at_the_window(tmp_path, monkeypatch)
    citizen = TestClient(create_app(url))
    assert post_login(citizen, "hn-citizen", PASSWORD).status_code == 303
    mine = citizen.get(claim_url).text
    assert 'id="answer-list"' not in mine and "/act" not in mine
