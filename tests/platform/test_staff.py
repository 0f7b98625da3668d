"""工作人员账号管理: a supervisor manages the staff accounts of their own scope — and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform import auth, staff
from kuaiban.platform.errors import Forbidden, Invalid, NotFound, ServiceError, Unauthenticated
from kuaiban.platform.models import AuditEntry, User

from .conftest import PASSWORD


def _actions(s, user_id: int) -> list[str]:
    return list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user", AuditEntry.entity_id == user_id)
                          .order_by(AuditEntry.id)))


def test_the_list_holds_the_scope_only_with_last_login_and_open_sessions(hunan):
    with hunan.session() as s:
        auth.login(s, "yl-rev", PASSWORD)
    with hunan.session() as s:
        rows = staff.list_staff(s, s.get(User, hunan.changsha.id))
        names = [r.user.username for r in rows]
        assert set(names) == {"cs-sup", "cs-sup2", "cs-win", "yl-sup", "yl-rev"}  # not 430000, not 430200
        reviewer = next(r for r in rows if r.user.username == "yl-rev")
        assert reviewer.last_login is not None and reviewer.sessions == 1
        clerk = next(r for r in rows if r.user.username == "cs-win")
        assert clerk.last_login is None and clerk.sessions == 0
        province = {r.user.username for r in staff.list_staff(s, s.get(User, hunan.province.id))}
        assert {"zz-win", "hn-sup"} <= province


def test_a_supervisor_creates_a_clerk_with_a_one_time_password_who_can_log_in(hunan):
    with hunan.session() as s:
        user, password = staff.create_staff(s, s.get(User, hunan.changsha.id), username="cs-win2", role="window",
                                            region="430104", display_name="测试窗口", agency="岳麓区社保经办机构")
        new_id = user.id
    assert len(password) == 16
    with hunan.session() as s:
        token, _ = auth.login(s, "cs-win2", password)
        # signed in, to set a password of their own first (tests/platform/test_password_change.py)
        assert auth.authenticate(s, token, pending_password_ok=True).region == "430104"
        assert _actions(s, new_id) == ["create_user", "login"]
        creation = s.scalar(select(AuditEntry).where(AuditEntry.action == "create_user",
                                                     AuditEntry.entity_id == new_id))
        assert creation.actor_id == hunan.changsha.id and creation.detail["region"] == "430104"


@pytest.mark.parametrize("region, role", [("430200", "window"), ("430000", "reviewer"), ("430100", "supervisor")])
def test_no_account_outside_the_scope_nor_a_peer_supervisor(hunan, region, role):
    with hunan.session() as s:
        with pytest.raises(Forbidden):
            staff.create_staff(s, s.get(User, hunan.changsha.id), username="x", role=role, region=region)
        assert s.scalar(select(User.id).where(User.username == "x")) is None


def test_a_city_supervisor_may_create_a_county_supervisor(hunan):
    with hunan.session() as s:
        user, _ = staff.create_staff(s, s.get(User, hunan.changsha.id), username="yl-sup2", role="supervisor",
                                     region="430104", password="another-horse-7")
        assert user.role == "supervisor"


@pytest.mark.parametrize("fields, field", [
    (dict(username=" ", role="window", region="430100"), "username"),
    (dict(username="a", role="applicant", region="430100"), "role"),
    (dict(username="a", role="window", region=""), "region"),
    (dict(username="a", role="window", region="439999"), "region"),
    (dict(username="a", role="window", region="430100", password="short"), "password"),
    (dict(username="cs-win", role="window", region="430100"), "username"),
])
def test_bad_input_names_its_field_and_leaves_nothing(hunan, fields, field):
    with hunan.session() as s:
        before = s.scalar(select(User.id).order_by(User.id.desc()))
        with pytest.raises(ServiceError) as err:  # Invalid, or Conflict for a name already taken
            staff.create_staff(s, s.get(User, hunan.changsha.id), **fields)
        assert err.value.field == field and err.value.message
        assert s.scalar(select(User.id).order_by(User.id.desc())) == before


@pytest.mark.parametrize("target", ["zhuzhou_clerk", "province", "peer", "changsha"])
def test_a_430100_supervisor_cannot_touch_430200_430000_peer_or_own_accounts(hunan, target):
    victim = getattr(hunan, target)
    with hunan.session() as s:
        token, _ = auth.login(s, victim.username, PASSWORD)
    with hunan.session() as s:
        admin = s.get(User, hunan.changsha.id)
        for act in (lambda: staff.set_active(s, admin, victim.id, False),
                    lambda: staff.reset_password(s, admin, victim.id, "new-password-9"),
                    lambda: staff.revoke_sessions(s, admin, victim.id)):
            with pytest.raises((Forbidden, NotFound)):
                act()
    with hunan.session() as s:
        assert auth.authenticate(s, token).id == victim.id  # still signed in, still active
        assert _actions(s, victim.id) == ["create_user", "login"]


def test_disabling_ends_the_sessions_and_re_enabling_lets_the_account_log_in_again(hunan):
    with hunan.session() as s:
        token, _ = auth.login(s, "yl-rev", PASSWORD)
    with hunan.session() as s:
        staff.set_active(s, s.get(User, hunan.changsha.id), hunan.yuelu_reviewer.id, False)
    with hunan.session() as s:
        with pytest.raises(Unauthenticated):
            auth.authenticate(s, token)
        with pytest.raises(Unauthenticated):
            auth.login(s, "yl-rev", PASSWORD)
        staff.set_active(s, s.get(User, hunan.changsha.id), hunan.yuelu_reviewer.id, True)
    with hunan.session() as s:
        with pytest.raises(Unauthenticated):  # the old session stays ended
            auth.authenticate(s, token)
        auth.login(s, "yl-rev", PASSWORD)
        # the refused login of the disabled account is in the log too (login_failed)
        assert _actions(s, hunan.yuelu_reviewer.id)[-4:] == ["disable_user", "login_failed", "enable_user", "login"]


def test_a_password_reset_replaces_the_password_and_ends_every_session(hunan):
    with hunan.session() as s:
        token, _ = auth.login(s, "cs-win", PASSWORD)
    with hunan.session() as s:
        one_time = staff.reset_password(s, s.get(User, hunan.province.id), hunan.changsha_clerk.id)
    with hunan.session() as s:
        with pytest.raises(Unauthenticated):
            auth.authenticate(s, token)
        with pytest.raises(Unauthenticated):
            auth.login(s, "cs-win", PASSWORD)
        auth.login(s, "cs-win", one_time)
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "reset_password"))
        assert entry.detail["one_time"] is True and one_time not in str(entry.detail)  # never logged in clear
    with hunan.session() as s:
        assert staff.reset_password(s, s.get(User, hunan.province.id), hunan.changsha_clerk.id,
                                    "chosen-by-supervisor-1") is None
        with pytest.raises(Invalid) as err:
            staff.reset_password(s, s.get(User, hunan.province.id), hunan.changsha_clerk.id, "short")
        assert err.value.field == "password"
    with hunan.session() as s:
        auth.login(s, "cs-win", "chosen-by-supervisor-1")


def test_revoking_sessions_ends_them_all_but_the_account_stays_usable(hunan):
    with hunan.session() as s:
        tokens = [auth.login(s, "yl-rev", PASSWORD)[0] for _ in range(2)]
    with hunan.session() as s:
        assert staff.revoke_sessions(s, s.get(User, hunan.yuelu.id), hunan.yuelu_reviewer.id) == 2
    with hunan.session() as s:
        for token in tokens:
            with pytest.raises(Unauthenticated):
                auth.authenticate(s, token)
        auth.login(s, "yl-rev", PASSWORD)
        assert "revoke_sessions" in _actions(s, hunan.yuelu_reviewer.id)


def test_only_supervisors_manage(hunan):
    with hunan.session() as s:
        with pytest.raises(Forbidden):
            staff.list_staff(s, s.get(User, hunan.changsha_clerk.id))
        with pytest.raises(Forbidden):
            staff.set_active(s, s.get(User, hunan.changsha_clerk.id), hunan.yuelu_reviewer.id, False)
