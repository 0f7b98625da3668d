"""`kuaiban programs recheck` and `kuaiban programs lapse-unconfirmed` act as a named operator, as the other
write commands do (`import-screening`, `top-up-screening`, `enter-figure`, `repay`): ``--operator`` names an
active 审核 or 监督 account serving the region, checked before anything changes, and the audit log names it.
Real processes, as cron runs them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from kuaiban.platform.models import AuditEntry
from kuaiban.programs import listing, registers
from kuaiban.programs.models import Claim, ClaimEvent
from tests.programs.conftest import make_town
from tests.programs.test_audit_s13_claims import BJ_SUBSIDY, _benefits_register, _submit
from tests.programs.test_cli import kuaiban
from tests.programs.test_listing import MON, make_province, row, write_results


def _town_with_a_pensioner(tmp_path):
    """A 北京 失业补助金 being paid whose claimant the pension register now shows drawing a pension."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    _benefits_register(town, town.citizen_number)
    claim = _submit(town, town.citizen, BJ_SUBSIDY)
    with town.session() as s:
        registers.put(s, "pension", "养老保险待遇领取信息", town.citizen_number,
                      {"receiving_pension": True, "since": "2020-09"})
    town.engine.dispose()
    return town, url, claim.id


def _recheck(url, tmp_path, *operator: str):
    return kuaiban("programs", "recheck", "--program", BJ_SUBSIDY, "--region", "110000", "--month", "2020-11",
                   *operator, "--json", "--db", url, var=tmp_path)


def test_recheck_stops_in_the_operators_name_and_the_audit_log_says_who(tmp_path) -> None:
    town, url, claim_id = _town_with_a_pensioner(tmp_path)
    done = _recheck(url, tmp_path, "--operator", "bj-rev")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)  # the same answer as before the operator was named
    assert answer == {"program": BJ_SUBSIDY, "region": "110000", "month": "2020-11",
                      "stopped": [{"claim": claim_id, "rule": "pension", "month": "2020-09"}], "unavailable": []}
    with town.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "program_recheck")).one()
        assert (entry.actor_id, entry.actor_role) == (town.reviewer.id, "reviewer")
        stop = s.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim_id,
                                                  ClaimEvent.outcome == "stopped")).one()
        assert stop.actor_id == town.reviewer.id


@pytest.mark.parametrize(("operator", "words"), [
    ((), "--operator"),  # no operator: a usage error, nothing done
    (("--operator", "nobody"), "没有这个在用的工作人员账号：nobody"),
    (("--operator", "bj-citizen"), "没有这个在用的工作人员账号"),
    (("--operator", "bj-win"), "本命令由后台审核人员或监督人员办理，bj-win 是窗口人员账号"),
    (("--operator", "hn-rev2"), "北京市"),  # a reviewer of 湖南 does not serve 北京
])
def test_recheck_without_a_fit_operator_changes_nothing(tmp_path, operator, words) -> None:
    town, url, claim_id = _town_with_a_pensioner(tmp_path)
    done = _recheck(url, tmp_path, *operator)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert words in done.stderr
    with town.session() as s:
        assert s.get(Claim, claim_id).status == "approved"
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "program_recheck")).all() == []


def _published_list(tmp_path):
    """A 山东 免申即享 list of two enterprises, published and past its deadline; one has confirmed."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    province = make_province(url)
    results = write_results(tmp_path / "run", [row(1), row(2)])
    with province.session() as s:
        run_id = listing.import_results(s, "sd_stable_job_refund_2020", results, at=MON)["run"]
        listing.publish(s, province.reviewer, run_id, publicity_days=3, confirm_working_days=2, at=MON)
    with province.session() as s:
        listing.confirm(s, province.firm1, "sd_stable_job_refund_2020", bank="测试银行", account="6222000011112222",
                        commitment=True, at=MON + dt.timedelta(days=1))
    province.engine.dispose()
    return province, url, run_id


def _lapse(url, tmp_path, run_id, *operator: str):
    return kuaiban("programs", "lapse-unconfirmed", "--run", str(run_id), *operator, "--json", "--db", url,
                   var=tmp_path)


def test_lapse_unconfirmed_in_the_operators_name(tmp_path) -> None:
    province, url, run_id = _published_list(tmp_path)
    done = _lapse(url, tmp_path, run_id, "--operator", "sd-rev")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"run": run_id, "lapsed": 1}
    with province.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "program_listing_lapsed")).one()
        assert (entry.actor_id, entry.detail["claims"]) == (province.reviewer.id, 1)
        lapsed = s.scalars(select(ClaimEvent).where(ClaimEvent.outcome == "lapsed")).one()
        assert lapsed.actor_id == province.reviewer.id


@pytest.mark.parametrize(("operator", "words"), [
    ((), "--operator"),
    (("--operator", "sd-win"), "本命令由后台审核人员或监督人员办理，sd-win 是窗口人员账号"),
    (("--operator", "jn-rev"), "名单"),  # 济南's reviewer does not serve every region of a 山东 list
])
def test_lapse_unconfirmed_without_a_fit_operator_changes_nothing(tmp_path, operator, words) -> None:
    province, url, run_id = _published_list(tmp_path)
    done = _lapse(url, tmp_path, run_id, *operator)
    assert done.returncode == 2 and done.stdout == "" and words in done.stderr, done.stderr
    with province.session() as s:
        assert "lapsed" not in s.scalars(select(Claim.status)).all()
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "program_listing_lapsed")).all() == []
