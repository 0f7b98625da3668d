"""忘记密码 at the window: a caseworker who has checked the person's identity document issues a one-time reset
code; the person sets a new password with it. No SMS gateway or real-name service is reachable here, so this is
the path a 人社 hall uses without them (kuaiban.platform.password_reset). SQLite and PostgreSQL (``hunan``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform import audit, auth, notifications, password_reset, throttle
from kuaiban.platform.errors import Forbidden, Invalid, Locked, NotFound, Unauthenticated
from kuaiban.platform.models import AuditEntry, User
from kuaiban.platform.password_reset import ResetCode

from .conftest import PASSWORD, citizen_number

NEW = "Velvet-Orchard-Compass-93"
ADDRESS = "203.0.113.7"  # TEST-NET-3: nobody's address


def _citizen(hunan, username: str = "zhang3", region: str = "430104") -> tuple[User, str]:
    number = citizen_number()
    with hunan.session() as s:
        user = auth.register_applicant(s, "citizen", "测试丙", number, username, PASSWORD, region=region, address=None)
    return user, number


def _issue(hunan, issuer: User, target: User, **kw) -> str:
    with hunan.session() as s:
        _, code, _ = password_reset.issue(s, s.get(User, issuer.id), target.id, document_checked=True, **kw)
    return code


def _redeem(hunan, username: str, code: str, new: str = NEW, **kw) -> int:
    with hunan.session() as s:
        return password_reset.redeem(s, username, code, new, address=ADDRESS, **kw)


def test_a_clerk_issues_a_code_and_its_holder_sets_a_new_password_ending_every_session(hunan):
    user, _ = _citizen(hunan)
    with hunan.session() as s:
        tokens = [auth.login(s, "zhang3", PASSWORD)[0] for _ in range(2)]
    code = _issue(hunan, hunan.changsha_clerk, user)  # a 430100 clerk serves 岳麓区 (430104)
    assert len(code) == password_reset.CODE_LENGTH and set(code) <= set(password_reset.ALPHABET)
    with hunan.session() as s:
        stored = s.get(ResetCode, user.id)
        assert code not in stored.code_hash and stored.code_hash.startswith("scrypt$")  # only a hash is kept
        assert stored.expires_at - stored.issued_at == dt.timedelta(minutes=30)

    # typed as read from the slip: lower case, with the dash
    assert _redeem(hunan, "ZHANG3", password_reset.shown(code).lower()) == 2
    with hunan.session() as s:
        for token in tokens:
            with pytest.raises(Unauthenticated):
                auth.authenticate(s, token)
        auth.login(s, "zhang3", NEW)
        with pytest.raises(Unauthenticated):
            auth.login(s, "zhang3", PASSWORD)
        assert s.get(ResetCode, user.id) is None  # used up
        kinds = [m.kind for m in notifications.messages(s, s.get(User, user.id)).items]
        assert kinds == ["password_reset", "reset_code_issued"]
        issued, used = (s.scalar(select(AuditEntry).where(AuditEntry.action == a))
                        for a in ("issue_reset_code", "reset_password_with_code"))
        assert issued.actor_id == hunan.changsha_clerk.id and issued.entity_id == user.id
        assert issued.detail["document_checked"] is True
        assert used.actor_id == user.id and used.detail["issued_by"] == hunan.changsha_clerk.id
        assert used.detail["sessions_ended"] == 2
        assert not any(code in str(e.detail) or password_reset.shown(code) in str(e.detail)
                       for e in s.scalars(select(AuditEntry)))  # never the code itself
    with pytest.raises(Invalid):
        _redeem(hunan, "zhang3", code, "Another-Fresh-Garden-71")  # a code works once


def test_a_new_code_voids_the_old_one(hunan):
    user, _ = _citizen(hunan)
    first = _issue(hunan, hunan.changsha_clerk, user)
    second = _issue(hunan, hunan.yuelu, user)
    with hunan.session() as s:
        assert s.scalars(select(ResetCode)).all().__len__() == 1
    with pytest.raises(Invalid) as refused:
        _redeem(hunan, "zhang3", first)
    assert refused.value.message == password_reset.REFUSED
    _redeem(hunan, "zhang3", second)
    with hunan.session() as s:
        replaced = s.scalars(select(AuditEntry).where(AuditEntry.action == "issue_reset_code")
                             .order_by(AuditEntry.seq)).all()
        assert [e.detail["replaced"] for e in replaced] == [False, True]


def test_a_code_lasts_thirty_minutes(hunan):
    user, _ = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    with hunan.session() as s:
        issued = s.get(ResetCode, user.id).issued_at
    with pytest.raises(Invalid) as refused:
        _redeem(hunan, "zhang3", code, at=issued + dt.timedelta(minutes=30, seconds=1))
    assert refused.value.message == password_reset.REFUSED
    _redeem(hunan, "zhang3", code, at=issued + dt.timedelta(minutes=29))


def test_an_unknown_username_and_a_wrong_code_read_the_same_and_are_counted_on_their_own(hunan):
    user, _ = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    wrong = "2" * 8 if code != "2" * 8 else "3" * 8
    answers = set()
    for name in ("zhang3", "nobody-here", "cs-win"):  # a code, no such account, an account without a code
        with pytest.raises(Invalid) as refused:
            _redeem(hunan, name, wrong)
        answers.add((refused.value.field, refused.value.message))
    assert answers == {("code", password_reset.REFUSED)}
    with hunan.session() as s:
        reasons = [e.detail["reason"] for e in s.scalars(select(AuditEntry)
                                                         .where(AuditEntry.action == "reset_code_failed")
                                                         .order_by(AuditEntry.seq))]
        assert reasons == ["wrong_reset_code", "unknown_user", "no_reset_code"]
    for _ in range(throttle.PAIR_LIMIT - 1):  # the fifth wrong code from one address locks codes from there
        with pytest.raises(Invalid):
            _redeem(hunan, "zhang3", wrong)
    with pytest.raises(Locked) as locked:
        _redeem(hunan, "zhang3", code)  # even the right code, until the lock is over: codes cannot be guessed
    assert locked.value.field == "code" and locked.value.message.startswith("重置码输错次数过多")
    assert "地址" not in locked.value.message
    with hunan.session() as s:
        auth.login(s, "zhang3", PASSWORD, address=ADDRESS)  # wrong codes are not failed sign-ins
    _redeem(hunan, "zhang3", code, at=audit.now() + throttle.LOCKOUT)  # after the lock the code still works


def test_a_weak_new_password_is_refused_only_after_the_code_and_the_code_stays_usable(hunan):
    user, number = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    with pytest.raises(Invalid) as refused:
        _redeem(hunan, "zhang3", code, f"Zz-{number}")  # contains the ID number
    assert refused.value.field == "new_password" and "密码不符合要求" in refused.value.message
    with pytest.raises(Invalid) as refused:
        _redeem(hunan, "nobody-here", code, f"Zz-{number}")  # the policy is never checked for a stranger
    assert refused.value.field == "code"
    _redeem(hunan, "zhang3", code)


def test_who_may_issue_a_code_for_whom(hunan):
    user, _ = _citizen(hunan)
    with hunan.session() as s:
        # another city's clerk: the account is another office's, and is not even found
        assert password_reset.find_accounts(s, s.get(User, hunan.zhuzhou_clerk.id), "zhang3") == []
        with pytest.raises(NotFound):
            password_reset.issue(s, s.get(User, hunan.zhuzhou_clerk.id), user.id, document_checked=True)
        with pytest.raises(Forbidden):  # a 后台审核人员 does not work the window
            password_reset.issue(s, s.get(User, hunan.yuelu_reviewer.id), user.id, document_checked=True)
        with pytest.raises(Invalid) as refused:  # the document is checked first
            password_reset.issue(s, s.get(User, hunan.changsha_clerk.id), user.id, document_checked=False)
        assert refused.value.field == "document_checked"
        # a staff account: never by a clerk, nor by a peer supervisor, nor for oneself; by the supervisor above
        clerk, reviewer = s.get(User, hunan.changsha_clerk.id), s.get(User, hunan.yuelu_reviewer.id)
        with pytest.raises(Forbidden):
            password_reset.issue(s, clerk, reviewer.id, document_checked=True)
        with pytest.raises(Forbidden):
            password_reset.issue(s, s.get(User, hunan.peer.id), hunan.changsha.id, document_checked=True)
        with pytest.raises(Forbidden):
            password_reset.issue(s, s.get(User, hunan.changsha.id), hunan.changsha.id, document_checked=True)
        _, code, _ = password_reset.issue(s, s.get(User, hunan.province.id), hunan.changsha.id, document_checked=True)
    with hunan.session() as s:
        password_reset.redeem(s, "cs-sup", code, "Lantern-Meadow-Quartz-2086", address=ADDRESS)


def test_a_clerk_finds_the_account_by_its_id_number_and_the_lookup_is_audited_without_it(hunan):
    user, number = _citizen(hunan)
    with hunan.session() as s:
        found = password_reset.find_accounts(s, s.get(User, hunan.changsha_clerk.id), number.lower())
        assert [u.id for u in found] == [user.id]
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "lookup_account"))
        assert entry.detail == {"by": "id_number", "found": 1} and number not in str(entry.detail)


def test_a_disabled_account_gets_no_code_and_expired_codes_are_purged(hunan):
    user, _ = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    with hunan.session() as s:
        s.get(User, user.id).active = False
    with pytest.raises(Invalid) as refused:
        _redeem(hunan, "zhang3", code)
    assert refused.value.message == password_reset.REFUSED
    with hunan.session() as s, pytest.raises(Invalid):
        password_reset.issue(s, s.get(User, hunan.changsha_clerk.id), user.id, document_checked=True)
    with hunan.session() as s:
        assert password_reset.purge_expired(s, audit.now() + dt.timedelta(minutes=31)) == 1
        assert s.get(ResetCode, user.id) is None


def test_the_same_code_posted_twice_at_once_sets_one_password(hunan):
    from .conftest import at_once

    user, _ = _citizen(hunan)
    code = _issue(hunan, hunan.changsha_clerk, user)
    choices = [NEW, "Another-Fresh-Garden-71"]
    answers = at_once(2, lambda i: _redeem(hunan, "zhang3", code, choices[i]))
    assert sorted(type(a).__name__ for a in answers) == ["Invalid", "int"]
    won = choices[next(i for i, a in enumerate(answers) if isinstance(a, int))]
    with hunan.session() as s:
        auth.login(s, "zhang3", won)  # the password of the one that succeeded, and no other
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "reset_password_with_code")
                        .limit(2).offset(1)) is None
