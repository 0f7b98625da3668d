"""工作人员账号管理 by a region's supervisor (监督人员): list, create, disable / re-enable, reset the
password, end every session.

Who manages whom (one rule, :func:`manages`):
- only supervisors manage, and only staff accounts (窗口人员, 后台审核人员, 监督人员, and the 创业担保贷款
  partners' 担保机构、经办银行、财政 accounts; never 办事人);
- the account's region must be in the supervisor's scope (:func:`kuaiban.platform.access.serves`): a
  430100 supervisor manages 430100 and 430104 accounts, never 430200 or 430000 ones;
- a supervisor account only strictly below one's own region (a city's supervisors are managed by the
  province, not by each other), and never one's own account: nobody raises or locks out a peer or
  themselves. A national supervisor (no region) manages every staff account but their own.

Disabling an account or resetting its password also ends its sessions: the old password or a stolen
token stops working at once. Every change is in the audit log, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, auth, regions
from kuaiban.platform.errors import Forbidden, Invalid, NotFound
from kuaiban.platform.models import PARTNER_ROLES, REVIEWER, SUPERVISOR, WINDOW, AuditEntry, Token, User

# the partner institutions' accounts (担保机构、经办银行、财政) are opened and managed the same way
STAFF_ROLES = (WINDOW, REVIEWER, SUPERVISOR, *PARTNER_ROLES)
# one-time passwords: no look-alike characters (0/O, 1/l/I), read aloud or typed from a slip of paper
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


@dataclass(frozen=True)
class StaffRow:
    user: User
    last_login: dt.datetime | None
    sessions: int  # sessions still valid now


def manages(admin: User, target: User) -> bool:
    """Whether supervisor ``admin`` may manage account ``target`` (see the module's docstring)."""
    if admin.role != SUPERVISOR or target.role not in STAFF_ROLES or target.id == admin.id:
        return False
    if not access.serves(admin, target.region):
        return False
    return target.role != SUPERVISOR or _strictly_below(admin.region, target.region)


def may_create(admin: User, role: str, region: str | None) -> bool:
    if admin.role != SUPERVISOR or role not in STAFF_ROLES or not access.serves(admin, region):
        return False
    return role != SUPERVISOR or _strictly_below(admin.region, region)


def _strictly_below(scope: str | None, region: str | None) -> bool:
    return region is not None and (scope is None or (region != scope and regions.covers(scope, region)))


def _require_supervisor(admin: User) -> None:
    auth.require_role(admin, SUPERVISOR)


def get_managed(session: Session, admin: User, user_id: int) -> User:
    """The account ``user_id`` if ``admin`` manages it; NotFound outside the scope (an account of another
    region is not revealed), Forbidden for one's own account or a peer supervisor."""
    _require_supervisor(admin)
    target = session.get(User, user_id)
    if target is None or target.role not in STAFF_ROLES or not access.serves(admin, target.region):
        raise NotFound(f"本辖区没有这个工作人员账号：{user_id}", "user_id")
    if not manages(admin, target):
        raise Forbidden("不能管理本人账号或同级、上级监督人员账号（由上级监督人员管理）")
    return target


def list_staff(session: Session, admin: User, *, at: dt.datetime | None = None) -> list[StaffRow]:
    """The staff accounts in ``admin``'s scope, with their last login and open sessions."""
    _require_supervisor(admin)
    at = at or audit.now()
    users = list(session.scalars(access.scoped(select(User).where(User.role.in_(STAFF_ROLES)), admin, User.region)
                                 .order_by(User.region, User.role, User.username)))
    return _with_activity(session, users, at)


def staff_row(session: Session, admin: User, user_id: int) -> StaffRow:
    """One managed account with its last login and open sessions (see :func:`get_managed`)."""
    return _with_activity(session, [get_managed(session, admin, user_id)], audit.now())[0]


def _with_activity(session: Session, users: list[User], at: dt.datetime) -> list[StaffRow]:
    ids = [u.id for u in users]
    if not ids:
        return []
    last = dict(session.execute(select(AuditEntry.entity_id, func.max(AuditEntry.at))
                                .where(AuditEntry.action == "login", AuditEntry.entity == "user",
                                       AuditEntry.entity_id.in_(ids))
                                .group_by(AuditEntry.entity_id)).all())
    live = dict(session.execute(select(Token.user_id, func.count())
                                .where(Token.user_id.in_(ids), Token.revoked.is_(False), Token.expires_at > at)
                                .group_by(Token.user_id)).all())
    return [StaffRow(u, last.get(u.id), live.get(u.id, 0)) for u in users]


def one_time_password() -> str:
    """16 random characters from three classes (upper, lower, digits), shown to the supervisor once."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        if any(c.isupper() for c in pw) and any(c.islower() for c in pw) and any(c.isdigit() for c in pw):
            return pw


def create_staff(session: Session, admin: User, *, username: str, role: str, region: str | None,
                 display_name: str | None = None, agency: str | None = None,
                 password: str | None = None) -> tuple[User, str | None]:
    """A new staff account in ``admin``'s scope; with no ``password``, a one-time one is made and returned
    (shown once, never stored in clear)."""
    _require_supervisor(admin)
    username = username.strip()
    if not username:
        raise Invalid("请填写用户名", "username")
    if len(username) > 80:
        raise Invalid("用户名不超过 80 个字符", "username")
    if role not in STAFF_ROLES:
        raise Invalid("请选择角色：窗口人员、后台审核人员、监督人员、担保机构人员、经办银行人员或财政部门人员", "role")
    region = _checked_region(region)
    if not access.serves(admin, region):
        raise Forbidden(f"只能在本账号辖区（{regions.label(admin.region)}）内开设账号", "region")
    if not may_create(admin, role, region):
        raise Forbidden("监督人员账号只能开设在本辖区的下级地区（同级监督人员由上级开设）", "role")
    display_name = (display_name or "").strip() or None
    agency = (agency or "").strip() or None
    if display_name and len(display_name) > 80:
        raise Invalid("姓名不超过 80 字", "display_name")
    if agency and len(agency) > 80:
        raise Invalid("所属机构不超过 80 字", "agency")
    generated = None
    if not password:
        password = generated = one_time_password()
    user = auth.create_user(session, username, password, role, region=region, agency=agency,
                            display_name=display_name, actor=admin)
    user.must_change_password = True  # the supervisor knows it: the holder chooses their own at first sign-in
    return user, generated


def _checked_region(code: str | None) -> str:
    code = (code or "").strip()
    if not code:
        raise Invalid("请选择所属地区", "region")
    if regions.region(code) is None:
        raise Invalid(f"不是现行的行政区划代码：{code}", "region")
    return code


def set_active(session: Session, admin: User, user_id: int, active: bool) -> User:
    """停用 (and end every session) or 启用 an account."""
    target = get_managed(session, admin, user_id)
    at = audit.now()
    if target.active == active:
        return target
    target.active = active
    ended = 0 if active else _revoke(session, target.id)
    audit.record(session, "enable_user" if active else "disable_user", "user", target.id, actor=admin, at=at,
                 username=target.username, sessions_ended=ended)
    return target


def reset_password(session: Session, admin: User, user_id: int, password: str | None = None) -> str | None:
    """Set a new password (or a one-time one, returned to be shown once) and end every session; the holder
    must set a password of their own at the next sign-in (:func:`kuaiban.platform.auth.change_password`)."""
    target = get_managed(session, admin, user_id)
    generated = None
    if not password:
        password = generated = one_time_password()
    auth.check_password(password, role=target.role, username=target.username)
    target.password_hash = auth.hash_password(password)
    target.must_change_password = True  # the administrator knows it: the holder chooses their own at once
    ended = _revoke(session, target.id)
    audit.record(session, "reset_password", "user", target.id, actor=admin, at=audit.now(),
                 username=target.username, one_time=generated is not None, sessions_ended=ended)
    return generated


def revoke_sessions(session: Session, admin: User, user_id: int) -> int:
    """End every session of an account (a lost phone, a shared computer); how many were open."""
    target = get_managed(session, admin, user_id)
    ended = _revoke(session, target.id)
    audit.record(session, "revoke_sessions", "user", target.id, actor=admin, at=audit.now(),
                 username=target.username, sessions_ended=ended)
    return ended


def _revoke(session: Session, user_id: int) -> int:
    done = session.execute(update(Token).where(Token.user_id == user_id, Token.revoked.is_(False))
                           .values(revoked=True).execution_options(synchronize_session=False))
    return done.rowcount
