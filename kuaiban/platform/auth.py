"""Users, passwords, expiring tokens and who may see or do what.

Roles: 办事人 (applicant: only their own cases), 窗口人员 (window: 受理 / 不予受理 / 补正),
后台审核人员 (reviewer: 审核 / 办结), 监督人员 (supervisor: every case of their region, statistics).
Staff other than supervisors also act only within their region.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kuaiban.platform import audit, personal_data
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, Unauthenticated
from kuaiban.platform.models import APPLICANT, ROLES, SUPERVISOR, Applicant, Token, User

ROLE_NAMES = {APPLICANT: "办事人", "window": "窗口人员", "reviewer": "后台审核人员", SUPERVISOR: "监督人员"}
TOKEN_TTL = dt.timedelta(hours=8)
# scrypt cost: 16 MiB and ~50 ms per check, the interactive-login setting of RFC 7914 §2
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got.hex(), digest)


def create_user(session: Session, username: str, password: str, role: str, *, region: str | None = None,
                agency: str | None = None, applicant: Applicant | None = None, display_name: str | None = None,
                actor: User | None = None) -> User:
    if role not in ROLES:
        raise Invalid(f"角色无效：{role}（可选 {', '.join(ROLES)}）", "role")
    if not username.strip():
        raise Invalid("用户名不能为空", "username")
    if len(password) < 8:
        raise Invalid("密码至少 8 位", "password")
    if role == APPLICANT and applicant is None:
        raise Invalid("办事人账号须关联办事人（个人或单位）", "applicant")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid(f"用户名已存在：{username}", "username")
    at = audit.now()
    user = User(username=username, password_hash=hash_password(password), role=role, region=region, agency=agency,
                applicant=applicant, display_name=display_name, active=True, created_at=at)
    session.add(user)
    session.flush()
    audit.record(session, "create_user", "user", user.id, actor=actor, at=at, username=username, role=role,
                 region=region)
    return user


def checked_id_number(kind: str, number: str) -> str:
    """A citizen's 公民身份号码 (GB 11643: 18 characters, birth date, check digit) or an enterprise's
    统一社会信用代码 (GB 32100: 18 characters, check character), compacted; Invalid naming ``id_number``."""
    from stdnum import exceptions
    from stdnum.cn import ric, uscc

    module, what = (ric, "公民身份号码") if kind == "citizen" else (uscc, "统一社会信用代码")
    try:
        return module.validate(number)
    except exceptions.InvalidChecksum:
        raise Invalid(f"{what}校验位不正确", "id_number") from None
    except exceptions.ValidationError:
        raise Invalid(f"{what}格式不正确（应为 18 位）", "id_number") from None


def create_applicant(session: Session, kind: str, name: str, *, id_number: str | None = None,
                     region: str | None = None) -> Applicant:
    if kind not in ("citizen", "enterprise"):
        raise Invalid("办事人类型须为 citizen（个人）或 enterprise（单位）", "kind")
    if not name.strip():
        raise Invalid("办事人名称不能为空", "name")
    if id_number:
        id_number = checked_id_number(kind, id_number)
        taken = session.scalar(select(Applicant.id).where(
            Applicant.kind == kind, Applicant.id_number_hash.in_(personal_data.lookup_hashes(id_number))))
        if taken is not None:
            raise Conflict("该证件号码已注册账号，请直接登录", "id_number")
    a = Applicant(kind=kind, name=name.strip(), id_number=id_number, region=region, created_at=audit.now())
    session.add(a)
    session.flush()
    return a


def find_applicant(session: Session, kind: str, id_number: str) -> Applicant | None:
    """The applicant holding ``id_number`` (searched through its keyed hash: the number is stored encrypted)."""
    return session.scalar(select(Applicant).where(
        Applicant.kind == kind, Applicant.id_number_hash.in_(personal_data.lookup_hashes(id_number))))


def _user_by_id_number(session: Session, text: str) -> User | None:
    if not 15 <= len(text.strip()) <= 40:  # not an identity number: no lookup
        return None
    return session.scalar(select(User).join(Applicant, Applicant.id == User.applicant_id)
                          .where(Applicant.id_number_hash.in_(personal_data.lookup_hashes(text))).limit(1))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, username: str, password: str, *, ttl: dt.timedelta = TOKEN_TTL,
          at: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A new bearer token and its expiry; the same error whether the user or the password is wrong.
    An applicant may sign in with their 证件号码 in place of the user name (found through its keyed hash)."""
    user = session.scalar(select(User).where(User.username == username)) or _user_by_id_number(session, username)
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise Unauthenticated("用户名或密码错误", "password")
    at = at or audit.now()
    token = secrets.token_urlsafe(32)
    expires = at + ttl
    session.add(Token(token_hash=_hash_token(token), user_id=user.id, created_at=at, expires_at=expires,
                      revoked=False))
    audit.record(session, "login", "user", user.id, actor=user, at=at)
    return token, expires


# Built once: SQLAlchemy then reuses the compiled SQL without rebuilding the statement and its cache key
# on every request (a fifth of a token check's CPU when profiled). A token is checked by the SHA-256 of
# it, an indexed lookup — never by a password KDF (scrypt is only for login).
_TOKEN_LOOKUP = (select(Token.revoked, Token.expires_at, User).join(User, User.id == Token.user_id)
                 .where(Token.token_hash == bindparam("token_hash")))


def authenticate(session: Session, token: str | None, *, at: dt.datetime | None = None) -> User:
    if not token:
        raise Unauthenticated("未登录：请在 Authorization 头中提供令牌", "Authorization")
    row = session.execute(_TOKEN_LOOKUP, {"token_hash": _hash_token(token)}).first()
    if row is None or row.revoked:
        raise Unauthenticated("令牌无效或已注销", "Authorization")
    if (at or audit.now()) >= row.expires_at:
        raise Unauthenticated("令牌已过期，请重新登录", "Authorization")
    user = row.User
    if not user.active:
        raise Unauthenticated("账号已停用", "Authorization")
    return user


def logout(session: Session, token: str) -> None:
    row = session.scalar(select(Token).where(Token.token_hash == _hash_token(token)))
    if row is not None:
        row.revoked = True
        audit.record(session, "logout", "user", row.user_id, actor=None, at=audit.now())


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        wanted = "、".join(ROLE_NAMES[r] for r in roles)
        raise Forbidden(f"无权操作：需要{wanted}身份，当前为{ROLE_NAMES.get(user.role, user.role)}")

