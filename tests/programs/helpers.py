"""Set-ups the program tests share (the fixtures are in conftest.py): the people a test adds to a town — a
citizen with a synthetic ID number (python-stdnum check digits, no real person), an enterprise, a member of
staff —; the claim → review → 公示 → payroll walk of a one-off subsidy; the 北京 失业补助金 claim of the
追回 tests; 湖南's 灵活就业社会保险补贴 approved (先缴后补) and its month held after a figure is corrected (the
held-payment tests); and the command line run in a child process, killed with SIGKILL at a crash point it announces
(the crash points themselves: tests/programs/crash_points.py, imported by the child)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kuaiban.platform import auth
from kuaiban.platform.errors import Conflict
from kuaiban.platform.models import User
from kuaiban.programs import claims, definitions, figures, payroll, registers
from kuaiban.programs.models import Claim, Entitlement, PaymentLine
from kuaiban.unemployment.idnumber import compose
from tests.programs.conftest import AUG_3, PASSWORD, STAFF_PASSWORD, submit_as_registered

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- people

_serials: dict[tuple[str, dt.date], itertools.cycle] = {}


def synthetic_id(place: str, born: dt.date) -> str:
    """A fresh ID number of a person born ``born`` in ``place`` (a six-digit code): a check digit by
    python-stdnum, a serial no other call of this test process has given (until 449 are used)."""
    serial = _serials.setdefault((place, born), itertools.cycle(range(101, 999, 2)))
    return compose(place, born, next(serial))


def new_citizen(town, username: str, region: str, *, name: str = "测试甲", place: str | None = None,
                born: dt.date = dt.date(1990, 1, 1), number: str | None = None,
                contributions: bool = False) -> tuple[User, str]:
    """A citizen with an account, living in ``region``; the ID number is ``number`` or a synthetic one of
    ``place`` (by default the region). With ``contributions`` the 参保缴费记录 holds a paid record of them, not
    contributing now. Returns the user and the ID number."""
    number = number or synthetic_id(place or region, born)
    with town.session() as s:
        person = auth.create_applicant(s, "citizen", name, id_number=number, region=region)
        user = auth.create_user(s, username, PASSWORD, "applicant", applicant=person, region=region)
        if contributions:
            registers.put(s, "contributions", "参保缴费记录", number, {"contributing_now": False, "paid": True})
    return user, number


def new_firm(town, username: str, region: str, name: str | None = None, *, code: str | None = None) -> User:
    """An enterprise with an account in ``region`` (named 测试<username>制造有限公司 unless named; ``code``: its
    统一社会信用代码, where a test needs one)."""
    with town.session() as s:
        firm = auth.create_applicant(s, "enterprise", name or f"测试{username}制造有限公司", id_number=code,
                                     region=region)
        return auth.create_user(s, username, PASSWORD, "applicant", applicant=firm, region=region)


def new_staff(town, username: str, role: str, region: str, display_name: str | None = None) -> User:
    """A member of staff of ``region`` in ``role`` (shown as 测试<username> unless named)."""
    with town.session() as s:
        return auth.create_user(s, username, STAFF_PASSWORD, role, region=region,
                                display_name=display_name or f"测试{username}")


# ---------------------------------------------------------------- a one-off subsidy: 公示, decision, payroll


def entitlement_rows(town, claim_id: int) -> list[tuple[str, int]]:
    """(month, amount in fen) of each month a claim is owed, by month."""
    with town.session() as s:
        return [(e.month, e.amount_fen) for e in
                s.scalars(select(Entitlement).where(Entitlement.claim_id == claim_id).order_by(Entitlement.month))]


def decide_after_publicity(town, staff: User, claim_id: int, *, too_early: dt.datetime, after: dt.datetime,
                           match: str = "公示期至") -> str:
    """Close a claim's 公示: at ``too_early`` (the last day of the 公示) it is refused with a Conflict matching
    ``match``; at ``after`` it closes. Returns the claim's status then."""
    with town.session() as s, pytest.raises(Conflict, match=match):
        claims.close_publicity(s, staff, claim_id, at=too_early)
    with town.session() as s:
        return claims.close_publicity(s, staff, claim_id, at=after).status


def paid_once(town, code: str, region: str, month: str, actor: User) -> tuple[int, int, int]:
    """The payroll of ``month`` and of the month after it: (lines, total in fen, the next month's lines) —
    ``(1, amount, 0)`` for a one-off subsidy paid once."""
    following = (dt.date.fromisoformat(f"{month}-01") + dt.timedelta(days=31)).strftime("%Y-%m")
    with town.session() as s:
        first, _ = payroll.build(s, code, region, month, actor=actor)
        second, _ = payroll.build(s, code, region, following, actor=actor)
    return first.lines, first.total_fen, second.lines


# ---------------------------------------------------------------- 北京 失业保险金 and 失业补助金 (the 追回 tests)


def paid_benefit_claim(town, user=None, *, internal_note: str | None = None, batch: str = "2020-10") -> int:
    """A 北京 失业保险金 claim of three months (2020-08 … 10) of the town's citizen (or ``user``), passed by the
    town's reviewer, every month paid by ``batch`` (a month's batch is built once: a second claim of the same
    test is paid by a later one). Returns the claim's id."""
    with town.session() as s:
        claim = submit_as_registered(s, user or town.citizen, "bj_unemployment_benefit", month="2020-08",
                                     facts={"contribution_months": 70}, account="6222000000000001", at=AUG_3)
    with town.session() as s:
        claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3, internal_note=internal_note)
    with town.session() as s:
        payroll.build(s, "bj_unemployment_benefit", "110000", batch)
    return claim.id


def bj_subsidy_with_commitment(town):
    """The town's citizen, found in no 本市失业保险待遇, claims 北京 失业补助金 from 2020-08 with the 承诺
    (京人社发[2020]8号 三), 30 months of contributions, the 失业保险金 drawn to its end. Returns the claim."""
    with town.session() as s:
        registers.put(s, "benefits", "本市失业保险待遇信息", town.citizen_number, {"receiving_benefit": False})
        return submit_as_registered(s, town.citizen, "bj_unemployment_subsidy", month="2020-08",
                                    facts={"contribution_months": 30, "unemployment_benefit_exhausted": "是"},
                                    account="6222000000000001", commitment=True, at=AUG_3)


# ---------------------------------------------------------------- 湖南 灵活就业社会保险补贴: 先缴后补 and the held month

# 湘人社规〔2020〕22号 第七条（二）: 上年度全省全口径社会平均工资的60% × 实际缴纳的费率, “4050”人员 60% (the quotes:
# tests/programs/test_audit_s13_subsidies.py, F2)
FLEX = "hn_social_insurance_subsidy_flexible"
FLEX_FACTS = {"si_group": "就业困难人员", "si_first_approval_date": "2021-11-01", "si_months_received": "0",
              "sex": "女", "birth_date": "1975-05-01", "si_rate": "0.28"}
# 上年度全省全口径社会平均工资 for the months of 2021: the office's figure (s14: never the applicant's), 6000 a test figure
FLEX_WAGE_2021 = 6000
NOV_10 = dt.datetime(2021, 11, 10, 9, 0)
DECIDED, FOUND = 60480, 62496  # 6000 / 6200 × 60 % × 28 % × 60 %
BOTH_PAID = {"2021-11": {"paid": True, "rate": 0.28}, "2021-12": {"paid": True, "rate": 0.28}}


def approve_flexible(town, user, months: int, at: dt.datetime) -> int:
    """``user``'s 灵活就业社会保险补贴 from 2021-11 (FLEX_FACTS), the office's 2021 figure entered if it is not,
    passed by the window, the reviewer and the second reviewer (for ``months``) and its 公示 closed. Returns the
    claim's id."""
    with town.session() as s:
        if not figures.entered(s, definitions.get(FLEX), "430000"):
            figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", FLEX_WAGE_2021)
        claim = claims.submit(s, user, FLEX, month="2021-11", facts=FLEX_FACTS, account="6217000000000001", at=at)
        claim_id = claim.id
        assert claim.status == "reviewing", claim.reasons
    for staff, n in ((town.hunan_window, None), (town.hunan_reviewer, None), (town.hunan_reviewer2, months)):
        with town.session() as s:
            claims.act(s, staff, claim_id, outcome="pass", months=n, at=at)
    with town.session() as s:
        claims.close_publicity(s, town.hunan_supervisor, claim_id, at=at + dt.timedelta(days=8))
    return claim_id


def pay_first_claim(town, months: dict | None = None, *, at: dt.datetime = NOV_10) -> int:
    """先缴后补: the 参保缴费记录 of the town's 湖南 citizen (``months``: month → paid, rate; by default November
    paid at 28 %), then their claim approved for 2021-11 and 2021-12 at 604.80 元 a month. Returns its id."""
    with town.session() as s:
        registers.put(s, "contributions", "参保缴费记录", town.hunan_number,
                      {"paid": True, "months": months or {"2021-11": {"paid": True, "rate": 0.28}}})
    return approve_flexible(town, town.hunan_citizen, 2, at)


def corrected_after_decision(town, *, months: dict | None = None) -> int:
    """An approved claim of 2021-11 and 2021-12 at 604.80 元 (``pay_first_claim``), then the office's figure
    corrected to 6200: computed again before a batch, a month paid at 28 % is 624.96 元 and is held."""
    claim_id = pay_first_claim(town, months)
    with town.session() as s:
        figures.enter(s, definitions.get(FLEX), "430000", "si_average_wage", "2021-01", 6200, replace=True,
                      actor=town.hunan_reviewer2)
    return claim_id


def schedule(town, claim_id: int) -> list[tuple[str, int, str]]:
    """(month, amount in fen, status) of each month of a claim, by month."""
    with town.session() as s:
        return [tuple(r) for r in s.execute(select(Entitlement.month, Entitlement.amount_fen, Entitlement.status)
                                            .where(Entitlement.claim_id == claim_id).order_by(Entitlement.month))]


def paid_lines(town) -> list[tuple[str, int]]:
    """(month, amount in fen) of every payment line, in the order they were written."""
    with town.session() as s:
        return [tuple(r) for r in s.execute(select(PaymentLine.month, PaymentLine.amount_fen)
                                            .order_by(PaymentLine.id))]


def build_flex(town, month: str) -> dict:
    """湖南's batch of ``month`` built by the second reviewer: the batch's answer, whether it was built now
    (``built``) and the months it holds (``held``)."""
    with town.session() as s:
        batch, built = payroll.build(s, FLEX, "430000", month, actor=town.hunan_reviewer2)
        return payroll.batch_dict(batch) | {"built": built, "held": payroll.held(s, FLEX, "430000", month)}


def suspend_as_a_stop_would(town, claim_id: int) -> None:
    """The claim and its months suspended as a 暂停 leaves them (no program settled at payment has a 暂停 rule
    today)."""
    with town.session() as s:
        s.get(Claim, claim_id).status = "suspended"
        for e in s.scalars(select(Entitlement).where(Entitlement.claim_id == claim_id)):
            e.status = "suspended"


# ---------------------------------------------------------------- a process killed at a crash point


def kill_when_marked(command: list[str], marker: Path, *, env: dict | None = None, stdout=subprocess.PIPE) -> None:
    """Run ``command`` (a child whose crash point writes ``marker`` and waits) from the checkout, SIGKILL it once
    the marker is there, and assert that it died of the signal (not of an error before reaching the point)."""
    env = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the child never reached the crash point"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def kuaiban(*args: str, var: Path) -> subprocess.CompletedProcess:
    """``python -m kuaiban *args`` as an operator runs it, with ``var`` as its KUAIBAN_VAR."""
    env = os.environ | {"KUAIBAN_VAR": str(var), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], capture_output=True, text=True, timeout=180,
                          env=env, cwd=ROOT)
