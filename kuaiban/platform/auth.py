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
import unicodedata

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.session import make_transient_to_detached

from kuaiban.db import session_scope
from kuaiban.platform import audit, id_numbers, password_policy, personal_data, regions, throttle, uniqueness
from kuaiban.platform.errors import (
    Conflict,
    Forbidden,
    Invalid,
    PasswordChangeRequired,
    Throttled,
    Unauthenticated,
)
from kuaiban.platform.models import APPLICANT, BANK, GUARANTOR, ROLES, SUPERVISOR, Applicant, Token, User

ROLE_NAMES = {APPLICANT: "办事人", "window": "窗口人员", "reviewer": "后台审核人员", SUPERVISOR: "监督人员",
              "guarantor": "担保机构人员", "bank": "经办银行人员", "finance": "财政部门人员"}
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


def check_password(password: str, *, role: str, username: str = "", id_number: str | None = None) -> None:
    """The password rules of every path that sets one (sign-up, ``users create``, a supervisor's reset):
    :func:`kuaiban.platform.password_policy.check`."""
    password_policy.check(password, role=role, username=username, id_number=id_number)


USERNAME_MAX = 80
# control, format (zero-width joiners, bidi marks), private-use, surrogate and unassigned characters,
# and line/paragraph separators: invisible or ambiguous in a name people type and staff read
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def normalise_username(raw: str) -> str:
    """The one form a username is stored, looked up and compared in, on every path (registration,
    login, ``kuaiban users create``, the API): Unicode NFKC (full-width ＡＢＣ１ → abc1), case-folded
    (``Alice`` and ``alice`` are one account), no surrounding spaces; no spaces, control or invisible
    characters inside. Invalid naming ``username`` otherwise."""
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold()).strip()
    if not name:
        raise Invalid("用户名不能为空", "username")
    if any(unicodedata.category(c) in _INVISIBLE for c in name):
        raise Invalid("用户名不能含控制字符或不可见字符", "username")
    if any(c.isspace() for c in name):
        raise Invalid("用户名不能含空格", "username")
    if len(name) > USERNAME_MAX:
        raise Invalid(f"用户名不超过 {USERNAME_MAX} 个字符", "username")
    return name


def _cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0003134f"


def new_username(raw: str) -> str:
    """:func:`normalise_username`, and for a new account only letters people here read without doubt: Latin
    (a–z after case-folding), digits and 汉字, with _ - . @. A Cyrillic а or a Greek ο looks like a Latin a or o:
    "аlice" would be another account that staff and the person take for alice. (Checked when an account is made,
    not at login: an older account keeps its name.)"""
    name = normalise_username(raw)
    if any(not (c.isascii() and (c.isalnum() or c in "_-.@")) and not _cjk(c) for c in name):
        raise Invalid("用户名只能使用英文字母、数字、汉字和 _ - . @", "username")
    return name


def create_user(session: Session, username: str, password: str, role: str, *, region: str | None = None,
                agency: str | None = None, applicant: Applicant | None = None, display_name: str | None = None,
                actor: User | None = None) -> User:
    """A new account. Two requests for one username at once: the unique index decides, the loser gets
    the same 409 as a later request (never a 500)."""
    if role not in ROLES:
        raise Invalid(f"角色无效：{role}（可选 {', '.join(ROLES)}）", "role")
    username = new_username(username)
    if role == APPLICANT and applicant is None:
        raise Invalid("办事人账号须关联办事人（个人或单位）", "applicant")
    if role in (GUARANTOR, BANK) and not (agency or "").strip():  # they see only what is routed to it
        raise Invalid("担保机构、经办银行人员须填写所属机构（机构名称）", "agency")
    check_password(password, role=role, username=username, id_number=applicant.id_number if applicant else None)
    region = _account_region(role, region, applicant)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(USERNAME_TAKEN, "username")
    at = audit.now()
    user = User(username=username, password_hash=hash_password(password), role=role, region=region, agency=agency,
                applicant=applicant, display_name=display_name, active=True, created_at=at)
    session.add(user)
    _flush_unique(session, uniqueness.USERNAME, Conflict(USERNAME_TAKEN, "username"))
    audit.record(session, "create_user", "user", user.id, actor=actor, at=at, username=username, role=role,
                 region=region)
    return user


def _account_region(role: str, text: str | None, applicant: Applicant | None) -> str | None:
    """The region code an account is stored with: an applicant's own region (the applicant's, when none is
    given); a staff member's scope, where None (全国) is only for a supervisor said to be 全国 explicitly."""
    if role == APPLICANT:
        return regions.resolve(text) if (text or "").strip() else applicant.region
    if not (text or "").strip():
        raise Invalid("请填写管辖地区：行政区划代码或名称（如 430100、长沙），全国范围的监督人员填“全国”", "region")
    scope = regions.resolve_scope(text)
    if scope is None and role != SUPERVISOR:
        raise Invalid("只有监督人员的管辖范围可以是全国，请填写具体地区", "region")
    return scope


def checked_id_number(kind: str, number: str) -> str:
    """A citizen's 公民身份号码 (GB 11643: 18 characters, birth date, check digit) or an enterprise's
    统一社会信用代码 (GB 32100: 18 characters, check character), compacted; Invalid naming ``id_number``."""
    from stdnum import exceptions
    from stdnum.cn import uscc

    if kind == "citizen":
        try:
            return id_numbers.checked_citizen_id(number)
        except ValueError as problem:
            wrong = str(problem)  # the length/format phrase keeps the wording accounts have always given
            wrong = "格式不正确（应为 18 位）" if wrong.startswith("应为 18 位") else wrong
            raise Invalid(f"公民身份号码{wrong}", "id_number") from None
    try:
        return uscc.validate(number)
    except exceptions.InvalidChecksum:
        raise Invalid("统一社会信用代码校验位不正确", "id_number") from None
    except exceptions.ValidationError:
        raise Invalid("统一社会信用代码格式不正确（应为 18 位数字或大写字母）", "id_number") from None


def create_applicant(session: Session, kind: str, name: str, *, id_number: str | None = None,
                     region: str | None = None) -> Applicant:
    if kind not in ("citizen", "enterprise"):
        raise Invalid("办事人类型须为 citizen（个人）或 enterprise（单位）", "kind")
    if not name.strip():
        raise Invalid("办事人名称不能为空", "name")
    region = regions.resolve(region)  # blank refused: a case takes its applicant's region (before the number's check)
    if id_number:
        id_number = checked_id_number(kind, id_number)
        taken = session.scalar(select(Applicant.id).where(
            Applicant.kind == kind, Applicant.id_number_hash.in_(personal_data.lookup_hashes(id_number))))
        if taken is not None:
            # an enterprise a 免申即享 list put on record (kuaiban.programs.listing) has no account yet: the
            # first account registered with its credit code takes the record over, with what is listed for it
            if kind == "enterprise" and session.scalar(select(User.id).where(User.applicant_id == taken)) is None:
                return session.get(Applicant, taken)
            raise Conflict(ID_NUMBER_TAKEN, "id_number")
    a = Applicant(kind=kind, name=name.strip(), id_number=id_number, region=region, created_at=audit.now())
    session.add(a)
    _flush_unique(session, uniqueness.APPLICANT_IDENTITY, Conflict(ID_NUMBER_TAKEN, "id_number"))
    return a


# Registration answers both with 409 and the field: a self-service form has to say which one to change. The
# number's answer does not say "registered": it names what the person can do (log in with the number, or come to
# a window with their document if someone else registered it); how often an address may hear it is limited
# (throttle.REGISTER_TAKEN_LIMIT, :func:`register_applicant`), and it is given only to a registration that is
# otherwise valid (docs/SECURITY.md "Registration").
USERNAME_TAKEN = "该用户名已被使用，请换一个"
ID_NUMBER_TAKEN = ("不能用该证件号码注册新账号。如您已有账号，请直接登录（可用证件号码登录）；"
                   "如您从未注册过，请携带本人有效证件到经办窗口办理")
ID_NUMBER_REQUIRED = "请填写公民身份号码或统一社会信用代码"


def register_applicant(session: Session, kind: str, name: str, id_number: str | None, username: str, password: str,
                       *, region: str | None, address: str | None, named: bool = False) -> User:
    """Self-service registration of a 办事人 account (the page and the API): the 证件号码 is required (one
    person, one account, real-name; an account without it could file nothing in its own name), and a refusal
    because the number already has an account counts against the client's address (``register_taken``).
    ``named``: the account's display name is the applicant's name (the page's registration)."""
    refused = throttle.submission_keys("register_taken", address)
    throttle.refuse_while_locked(session, refused + throttle.submission_keys("register_username_taken", address),
                                 audit.now())
    if not (id_number or "").strip():
        raise Invalid(ID_NUMBER_REQUIRED, "id_number")
    # everything else first: a registration refused for its password must not say whether the number is taken
    username = new_username(username)
    check_password(password, role=APPLICANT, username=username, id_number=id_number)
    # the username before the number, and before anything is written: its 409 is counted in a transaction of its
    # own (a second one while this one held the write lock would wait for it)
    check_username_free(session, username, address=address)
    try:
        applicant = create_applicant(session, kind, name, id_number=id_number, region=region)
    except Conflict as exc:
        if exc.field == "id_number":
            throttle.limit_submissions(session, refused, audit.now())  # its own transaction: kept after the 409
        raise
    return create_user(session, username, password, APPLICANT, region=applicant.region, applicant=applicant,
                       display_name=applicant.name if named else None)


def check_username_free(session: Session, username: str, *, address: str | None) -> str:
    """The normalised ``username`` if no account holds it. A self-service registration has to say that a name is
    taken (409 :data:`USERNAME_TAKEN`), but each such answer tells that an account of that name exists — a name to
    guess passwords for — so it is counted against the client's address (``register_username_taken``, as the
    证件号码's answer is: :data:`throttle.REGISTER_TAKEN_LIMIT` per window), in a transaction of its own so the 409's
    rollback keeps it; then the address hears nothing about any name (429), free or taken, until the lock ends.
    For the registration page and :func:`register_applicant` (the API)."""
    keys = throttle.submission_keys("register_username_taken", address)
    throttle.refuse_while_locked(session, keys, audit.now())
    name = normalise_username(username)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        throttle.limit_submissions(session, keys, audit.now())
        raise Conflict(USERNAME_TAKEN, "username")
    return name


def _flush_unique(session: Session, rule: uniqueness.UniqueRule, conflict: Conflict) -> None:
    """Flush; the database's unique ``rule`` broken by a concurrent insert becomes ``conflict``.

    The check before the INSERT answers the common case; this one closes the race between two requests
    that both passed it. The transaction is dead after a failed INSERT (PostgreSQL aborts it), so it is
    rolled back here: a caller that commits after catching the error (FastAPI does so for
    ``Depends(get_session)`` routes whose error the route class turns into a response) then commits
    nothing instead of failing with a 500."""
    try:
        session.flush()
    except IntegrityError as exc:
        if rule.broken_by(exc):
            session.rollback()
            raise conflict from exc
        raise
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


token_hash = _hash_token  # what a token is stored and looked up by


_DUMMY_HASHES: dict[tuple, str] = {}
_LOGIN_PASSWORD_MAX = 1024  # longer cannot be a valid password (policy: 128); scrypt is not run over more


def _dummy_hash() -> str:
    """A hash at the current cost for a password nobody has: verified when the username is unknown, so
    an unknown user costs the same scrypt as a wrong password (no timing oracle)."""
    key = tuple(sorted(_SCRYPT.items()))
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[key]


dummy_hash = _dummy_hash  # what a secret nobody has is checked against (kuaiban.platform.password_reset too)


def login(session: Session, username: str, password: str, *, address: str | None = None,
          ttl: dt.timedelta = TOKEN_TTL, at: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A new bearer token and its expiry; the same error, after the same work, whether the user or the
    password is wrong.

    ``address`` is the client's IP address. Failures are counted per account and per address
    (:mod:`kuaiban.platform.throttle`) and logged (``login_failed``) in a transaction of their own, so
    they stay recorded though the caller's transaction is rolled back by the error; call this before
    writing anything else in ``session``. Raises :class:`Unauthenticated` (401), :class:`Locked` (423)
    or :class:`TooManyRequests` (429, both with ``retry_after``)."""
    at = at or audit.now()
    try:
        name = normalise_username(username)
    except Invalid:
        # not a name anyone can register now: it goes through the same steps and is counted the same
        name = unicodedata.normalize("NFKC", username).strip()[:USERNAME_MAX]
    pair, place = throttle.pair_key(name, address), throttle.address_key(address)
    try:
        throttle.check(session, pair, place, at)
    except Throttled as exc:
        _record_failure(session, name, None, address, "address_throttled" if exc.status == 429 else "account_locked",
                        at, count=False)
        raise
    # an applicant may sign in with their 证件号码 in place of the user name (found through its keyed hash)
    user = session.scalar(select(User).where(User.username == name)) or _user_by_id_number(session, username)
    right = verify_password(password[:_LOGIN_PASSWORD_MAX], user.password_hash if user else _dummy_hash())
    if user is None or not user.active or not right or len(password) > _LOGIN_PASSWORD_MAX:
        reason = "unknown_user" if user is None else "inactive" if not user.active else "wrong_password"
        _record_failure(session, name, user, address, reason, at)
        raise Unauthenticated("用户名或密码错误", "password")
    throttle.clear(session, pair)
    return issue_token(session, user, address=address, ttl=ttl, at=at)


def issue_token(session: Session, user: User, *, address: str | None = None, ttl: dt.timedelta = TOKEN_TTL,
                at: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A new bearer token for ``user``, whose password has just been checked (login) or set (registration)."""
    at = at or audit.now()
    token = secrets.token_urlsafe(32)
    expires = at + ttl
    session.add(Token(token_hash=_hash_token(token), user_id=user.id, created_at=at, expires_at=expires,
                      revoked=False))
    audit.record(session, "login", "user", user.id, actor=user, at=at, address=address)
    return token, expires


def _record_failure(session: Session, name: str, user: User | None, address: str | None, reason: str,
                    at: dt.datetime, *, count: bool = True, of: str = throttle.LOGIN) -> None:
    """Count and log one failed login in its own transaction (the login's own is about to roll back).

    Logged: the username when it is an account's, else only its SHA-256 (people type passwords into
    the username field); the address; why. Never the password. A caller that already wrote in its
    transaction holds the locks a second transaction would wait for (for ever, on PostgreSQL's audit
    append lock): then the failure goes into the caller's transaction and shares its fate.

    ``of``: :data:`throttle.LOGIN`, or :data:`throttle.RESET` for a refused 重置码 — counted under the reset
    code's own keys and logged as ``reset_code_failed``."""
    if audit.holds_write_locks(session):
        _write_failure(session, name, user, address, reason, at, count=count, of=of)
        return
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with session_scope(engine) as own:
        _write_failure(own, name, user, address, reason, at, count=count, of=of)


record_failure = _record_failure  # a refused reset code is counted and logged the same way (password_reset)


def _write_failure(session: Session, name: str, user: User | None, address: str | None, reason: str,
                   at: dt.datetime, *, count: bool, of: str = throttle.LOGIN) -> None:
    locked = throttle.login_failed(session, name, address, at, of) if count else {}
    who = {"username": name} if user is not None else {"username_sha256": hashlib.sha256(name.encode()).hexdigest()}
    action = "login_failed" if of == throttle.LOGIN else "reset_code_failed"
    audit.record(session, action, "user", user.id if user else None, actor=None, at=at, address=address,
                 reason=reason, **who, **{k: v for k, v in locked.items() if v is not None})


# Built once: SQLAlchemy then reuses the compiled SQL without rebuilding the statement and its cache key
# on every request (a fifth of a token check's CPU when profiled). A token is checked by the SHA-256 of
# it, an indexed lookup — never by a password KDF (scrypt is only for login). Plain columns, not ORM
# entities: the objects are built from the row by _stored (an ORM load of the user cost ~0.4 ms of a
# status read's ~1 ms in process, measured).
_USER_KEYS = tuple(prop.key for prop in User.__mapper__.column_attrs)
_APPLICANT_KEYS = tuple(prop.key for prop in Applicant.__mapper__.column_attrs)
_TOKEN_LOOKUP = (select(Token.revoked, Token.expires_at, *(getattr(User, k) for k in _USER_KEYS))
                 .join(User, User.id == Token.user_id).where(Token.token_hash == bindparam("token_hash")))
# The same, also reading the user's 办事人 row (an applicant's submission reads it at once: one round trip
# instead of two). Only for such requests: the row holds a sealed ID number.
_TOKEN_LOOKUP_WITH_APPLICANT = (
    select(Token.revoked, Token.expires_at, *(getattr(User, k) for k in _USER_KEYS),
           *(getattr(Applicant, k) for k in _APPLICANT_KEYS))
    .join(User, User.id == Token.user_id).outerjoin(Applicant, Applicant.id == User.applicant_id)
    .where(Token.token_hash == bindparam("token_hash")))


def _stored(session: Session, model: type, keys: tuple[str, ...], values) -> object:
    """The session's ``model`` object for a row just read: the one already in the session if there is one
    (as an ORM query would return it), else a new one holding the row as its stored state — persistent,
    nothing pending, relationships loaded lazily on first use."""
    mapper = model.__mapper__
    found = session.identity_map.get(mapper.identity_key_from_primary_key((values[keys.index("id")],)))
    if found is not None:
        return found
    obj = mapper.class_manager.new_instance()
    obj.__dict__.update(zip(keys, values, strict=True))  # plain column values, as the ORM's loading stores them
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


MUST_CHANGE = "您的密码由管理人员设置或重置：请先设置只有您知道的新密码，再办理其他业务"


def authenticate(session: Session, token: str | None, *, at: dt.datetime | None = None,
                 pending_password_ok: bool = False, with_applicant: bool = False) -> User:
    """The active user holding ``token``. After an administrator's reset (``must_change_password``) only the
    calls made with ``pending_password_ok`` (setting the new password, signing out) accept it; every other
    raises :class:`PasswordChangeRequired` (403, field ``password``). ``with_applicant``: the user's
    :class:`Applicant` is loaded in the same query, so ``session.get(Applicant, user.applicant_id)`` then
    needs no query of its own."""
    if not token:
        raise Unauthenticated("未登录：请在 Authorization 头中提供令牌", "Authorization")
    lookup = _TOKEN_LOOKUP_WITH_APPLICANT if with_applicant else _TOKEN_LOOKUP
    if session.new or session.dirty or session.deleted:
        session.flush()  # as an ORM query would (autoflush): a token issued in this session is found
    row = session.connection().execute(lookup, {"token_hash": _hash_token(token)}).first()
    if row is None or row.revoked:
        raise Unauthenticated("令牌无效或已注销", "Authorization")
    if (at or audit.now()) >= row.expires_at:
        raise Unauthenticated("令牌已过期，请重新登录", "Authorization")
    n = 2 + len(_USER_KEYS)
    user = _stored(session, User, _USER_KEYS, row[2:n])
    if with_applicant and "applicant" not in user.__dict__:  # the applicant's row came with the token's
        applicant = (_stored(session, Applicant, _APPLICANT_KEYS, row[n:])
                     if row[n + _APPLICANT_KEYS.index("id")] is not None else None)
        set_committed_value(user, "applicant", applicant)
    if not user.active:
        raise Unauthenticated("账号已停用", "Authorization")
    if user.must_change_password and not pending_password_ok:
        raise PasswordChangeRequired(MUST_CHANGE, "password")
    return user


def change_password(session: Session, user: User, current: str, new: str, *, token: str | None,
                    address: str | None = None, at: dt.datetime | None = None) -> int:
    """The holder sets a new password, proving the current one (the one-time password after a reset).
    A wrong current password counts towards the account's lock-out like a failed login (so a stolen session
    cannot guess it). Every other session of the account ends; ``token``'s stays. How many ended."""
    at = at or audit.now()
    pair = throttle.pair_key(user.username, address)
    try:
        throttle.check(session, pair, None, at)
    except Throttled as exc:
        exc.field = "current_password"
        raise
    if not current:
        raise Invalid("请填写当前密码", "current_password")
    if len(current) > _LOGIN_PASSWORD_MAX or not verify_password(current, user.password_hash):
        _record_failure(session, user.username, user, address, "wrong_current_password", at)
        raise Invalid("当前密码不正确", "current_password")
    if new == current:
        raise Invalid("新密码不能与当前密码相同", "new_password")
    person = session.get(Applicant, user.applicant_id) if user.applicant_id else None
    try:
        check_password(new, role=user.role, username=user.username, id_number=person.id_number if person else None)
    except Invalid as exc:
        raise Invalid(exc.message, "new_password") from None
    user.password_hash = hash_password(new)
    was_forced, user.must_change_password = user.must_change_password, False
    throttle.clear(session, pair)
    keep = _hash_token(token) if token else ""
    ended = session.execute(update(Token).where(Token.user_id == user.id, Token.revoked.is_(False),
                                                Token.token_hash != keep)
                            .values(revoked=True).execution_options(synchronize_session=False)).rowcount
    audit.record(session, "change_password", "user", user.id, actor=user, at=at, address=address,
                 after_reset=was_forced, sessions_ended=ended)
    return ended


def logout(session: Session, token: str) -> None:
    row = session.scalar(select(Token).where(Token.token_hash == _hash_token(token)))
    if row is not None:
        row.revoked = True
        audit.record(session, "logout", "user", row.user_id, actor=None, at=audit.now())


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        wanted = "、".join(ROLE_NAMES[r] for r in roles)
        raise Forbidden(f"无权操作：需要{wanted}身份，当前为{ROLE_NAMES.get(user.role, user.role)}")

