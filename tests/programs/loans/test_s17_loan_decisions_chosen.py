"""创业担保贷款 (s17): no decision is preset on the loan pages — 资格审核, 担保审查, 贷款发放 and the 贴息 steps
each wait for the person deciding to choose 通过 or 不通过 — and a decision sent without a choice is refused with
"请选择审核结果（通过或不通过）" naming the field, the application left where it was."""

from __future__ import annotations

import pytest

from kuaiban.platform.errors import Invalid
from kuaiban.programs.loans import flow
from kuaiban.programs.loans.models import LoanApplication
from kuaiban.web.templating import templates
from tests.programs.loans.test_loan_flow import BANK_A, FUND, apply_personal, at


def test_the_loan_page_presets_no_decision() -> None:
    source = templates.env.loader.get_source(templates.env, "loans/detail.html")[0]
    assert source.count('name="outcome" value="pass"') == 4
    assert 'value="pass" checked' not in source and 'value="refuse" checked' not in source


@pytest.mark.parametrize("outcome", ["", "  "])
def test_a_review_sent_without_a_choice_is_asked_for_and_changes_nothing(parties, outcome) -> None:
    app_id = apply_personal(parties)
    with pytest.raises(Invalid) as caught, parties.session() as s:
        flow.review_eligibility(s, parties.office, app_id, outcome=outcome, lpr="0.0385", guarantor=FUND,
                                bank=BANK_A, at=at("2021-03-01"))
    assert caught.value.field == "outcome" and "请选择审核结果（通过或不通过）" in str(caught.value)
    with parties.session() as s:
        assert s.get(LoanApplication, app_id).status == "eligibility"
