"""The window's reset code as the s21 tryout met it (SQLite and PostgreSQL, ``hunan``).

1. Someone who typed a wrong password five times — exactly who needs a reset — got “该账号在本地址登录失败次数过多”
   when entering the code the window had just handed over: the code was counted on the sign-in's own lock. Now a
   clerk who issues a code, having checked the document in person, clears the account's sign-in locks (audited);
   wrong codes are counted on counters of their own, so they still cannot be guessed.
2. A refreshed “已签发重置码” page sent its form again and issued a second code, voiding the first: the form names
   when the account was looked up, and a code issued since then means nothing more is issued.
3. A lookup showed nothing to check the document against: each account found now says its kind in plain words
   and its masked 证件号码, and the tick box's words fit the kind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform import audit, auth, notifications, password_reset, personal_data, throttle
from kuaiban.platform.errors import Locked, Unauthenticated
from kuaiban.platform.models import AuditEntry, LoginThrottle, User
from tests.materials import synthetic_credit_code

from .conftest import PASSWORD, citizen_number

NEW = "Velvet-Orchard-Compass-93"
HOME = "203.0.113.7"  # TEST-NET-3: the holder's own connection
ELSEWHERE = "198.51.100.9"  # TEST-NET-2


def _citizen(hunan, username: str = "zhang3") -> tuple[User, str]:
    number = citizen_number()
    with hunan.session() as s:
        user = auth.register_applicant(s, "citizen", "测试丙", number, username, PASSWORD, region="430104",
                                       address=None)
    return user, number


def _wrong_passwords(hunan, username: str, address: str, n: int = throttle.PAIR_LIMIT) -> None:
    for i in range(n):
        with hunan.session() as s, pytest.raises(Unauthenticated):
            auth.login(s, username, f"Forgotten-Guess-{i}x", address=address)


def _issue(hunan, issuer: User, target: User, **kw) -> str:
    with hunan.session() as s:
        return password_reset.issue(s, s.get(User, issuer.id), target.id, document_checked=True, **kw)[1]


def _issues(hunan, user: User) -> list[dict]:
    with hunan.session() as s:
        return [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "issue_reset_code",
                                                                     AuditEntry.entity_id == user.id)
                                            .order_by(AuditEntry.seq))]


def test_a_code_issued_after_a_sign_in_lockout_works_and_the_issue_clears_the_lockout(hunan):
    user, _ = _citizen(hunan)
    _wrong_passwords(hunan, "zhang3", HOME)  # forgot the password, tried five times from home
    with hunan.session() as s, pytest.raises(Locked) as locked:
        auth.login(s, "zhang3", PASSWORD, address=HOME)
    # the words speak of signing in, never of an address
    assert locked.value.message.startswith("该账号登录失败次数过多") and "地址" not in locked.value.message

    code = _issue(hunan, hunan.changsha_clerk, user)  # at the window, document checked in person
    assert _issues(hunan, user)[-1]["sign_in_locks_cleared"] == 1  # and the audit log says so
    with hunan.session() as s:
        auth.login(s, "zhang3", PASSWORD, address=HOME)  # the lock is gone: who they are was settled at the desk
        password_reset.redeem(s, "zhang3", code, NEW, address=HOME)  # before the s21 fix: 423 “…在本地址…”
    with hunan.session() as s:
        auth.login(s, "zhang3", NEW, address=HOME)


def test_a_lockout_earned_after_the_code_was_issued_does_not_refuse_the_code_and_the_reset_clears_it(hunan):
    user, _ = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    _wrong_passwords(hunan, "zhang3", HOME)  # tried the old password again on the way home
    _wrong_passwords(hunan, "zhang3", ELSEWHERE, 3)
    with hunan.session() as s:
        password_reset.redeem(s, "zhang3", code, NEW, address=HOME)
    with hunan.session() as s:
        used = s.scalar(select(AuditEntry).where(AuditEntry.action == "reset_password_with_code"))
        assert used.detail["sign_in_locks_cleared"] == 1
        auth.login(s, "zhang3", NEW, address=HOME)  # not locked any more: the new password makes the guesses moot
        assert not s.scalars(select(LoginThrottle.key).where(LoginThrottle.key.like("%pair:%"))).all()


def test_wrong_codes_are_still_limited_and_a_new_code_from_the_window_starts_them_again(hunan):
    user, _ = _citizen(hunan)
    first = _issue(hunan, hunan.changsha_clerk, user)
    wrong = "2" * 8 if first != "2" * 8 else "3" * 8
    for _ in range(throttle.PAIR_LIMIT):
        with hunan.session() as s, pytest.raises(password_reset.Invalid):
            password_reset.redeem(s, "zhang3", wrong, NEW, address=HOME)
    with hunan.session() as s, pytest.raises(Locked) as locked:
        password_reset.redeem(s, "zhang3", first, NEW, address=HOME)
    assert locked.value.message.startswith("重置码输错次数过多") and "地址" not in locked.value.message
    with hunan.session() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "reset_code_failed")
                        .order_by(AuditEntry.seq.desc())).detail["reason"] == "reset_locked"
    # back at the window: a new code, and the wrong guesses at the old one are forgotten with it
    second = _issue(hunan, hunan.changsha_clerk, user)
    assert _issues(hunan, user)[-1]["sign_in_locks_cleared"] == 1
    with hunan.session() as s:
        password_reset.redeem(s, "zhang3", second, NEW, address=HOME)


def test_clearing_an_account_leaves_other_accounts_and_the_addresses_counters_alone(hunan):
    user, _ = _citizen(hunan)
    _citizen(hunan, "li4")
    _wrong_passwords(hunan, "zhang3", HOME)
    _wrong_passwords(hunan, "li4", HOME)
    _issue(hunan, hunan.changsha_clerk, user)
    with hunan.session() as s:
        with pytest.raises(Locked):
            auth.login(s, "li4", PASSWORD, address=HOME)  # another person's lock stands
        place = s.get(LoginThrottle, throttle.address_key(HOME))
        assert place is not None and place.failures == 2 * throttle.PAIR_LIMIT  # the address's count stands


def test_sending_the_issue_form_again_issues_no_second_code(hunan):
    user, _ = _citizen(hunan)
    looked_up_at = audit.now()
    code = _issue(hunan, hunan.changsha_clerk, user, looked_up_at=looked_up_at)
    # the browser's reload of the answer sends the same form: refused, the code handed over stays good
    with pytest.raises(password_reset.AlreadyIssued) as again:
        _issue(hunan, hunan.changsha_clerk, user, looked_up_at=looked_up_at)
    assert again.value.status == 409 and again.value.by_same_issuer
    assert "没有再签发" in again.value.message and "仍然有效" in again.value.message
    # a colleague's form from before it: told who issued, in plain words
    with pytest.raises(password_reset.AlreadyIssued) as colleague:
        _issue(hunan, hunan.changsha, user, looked_up_at=looked_up_at - dt.timedelta(minutes=1))
    assert "其他工作人员" in colleague.value.message and not colleague.value.by_same_issuer
    assert len(_issues(hunan, user)) == 1
    with hunan.session() as s:
        kinds = [m.kind for m in notifications.messages(s, s.get(User, user.id)).items]
        assert kinds == ["reset_code_issued"]  # one message, not one per reload
        password_reset.redeem(s, "zhang3", code, NEW, address=HOME)
    # used up, then the old form sent once more: still nothing issued (the audit log remembers the issue)
    with pytest.raises(password_reset.AlreadyIssued):
        _issue(hunan, hunan.changsha_clerk, user, looked_up_at=looked_up_at)
    # a new lookup (the holder lost the slip) issues a new code, as before
    assert _issue(hunan, hunan.changsha_clerk, user, looked_up_at=audit.now() + dt.timedelta(seconds=1))


def test_each_account_found_says_its_kind_and_masked_number_and_the_check_fits_the_kind(hunan):
    person, number = _citizen(hunan)
    credit_code = synthetic_credit_code(11)
    with hunan.session() as s:
        unit = auth.register_applicant(s, "enterprise", "测试单位有限公司", credit_code, "unit1", PASSWORD,
                                       region="430104", address=None)
        clerk, staff_account = s.get(User, hunan.changsha_clerk.id), s.get(User, hunan.yuelu_reviewer.id)
        got = {u.username: password_reset.facts(s, u)
               for u in (s.get(User, person.id), s.get(User, unit.id), staff_account)}
        assert [u.id for u in password_reset.find_accounts(s, clerk, number)] == [person.id]

    mine = got["zhang3"]
    assert (mine.kind, mine.kind_name, mine.holder, mine.number_name) == ("citizen", "个人", "测试丙", "公民身份号码")
    assert mine.number_masked == personal_data.mask("id_number", number) and number not in mine.number_masked
    assert mine.checked == "我已当面核验本人有效身份证件原件，确认是账号本人"

    firm = got["unit1"]
    assert (firm.kind, firm.kind_name, firm.number_name) == ("enterprise", "单位经办人", "统一社会信用代码")
    assert firm.number_masked == personal_data.mask("id_number", credit_code) != credit_code
    assert "经办人本人有效身份证件" in firm.checked

    worker = got[hunan.yuelu_reviewer.username]
    assert (worker.kind, worker.kind_name) == ("staff", "工作人员（后台审核人员）")
    assert worker.number_masked is None and "单位" not in worker.checked and "工作人员本人" in worker.checked
