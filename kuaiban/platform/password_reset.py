"""忘记密码: a one-time reset code issued at a 人社服务窗口, redeemed by the account's holder.

This machine has no SMS gateway and no real-name (人脸识别) service, so the only proof of identity that a
forgotten password can rest on is the one a 人社 hall has always used: the person shows their identity document
to a caseworker, who checks it in person and hands over a code.

- **Issuing** (:func:`issue`): a 窗口人员 or 监督人员 looks the account up (:func:`find_accounts`, by username or
  证件号码; the page shows what to check the document against: the account's kind and its masked 证件号码,
  :func:`facts`) and, having checked the document, issues a code. Issuing clears the account's sign-in locks
  (the person is who they say; a forgotten password is what earned the locks) and is audited with how many.
  A form names when its account was looked up (``looked_up_at``): a code issued for the account since then
  means the form was sent already (a browser refresh), and no second code is issued (:class:`AlreadyIssued`). Which accounts they may issue for is the one access
  rule (:func:`kuaiban.platform.access.serves`: the account's region within the issuer's scope). A staff
  account's code is issued only by a supervisor who manages that account (:func:`kuaiban.platform.staff.manages`:
  higher up, never a peer or oneself) — a caseworker could otherwise take over a colleague's account.
- **The code**: :data:`CODE_LENGTH` characters from :data:`ALPHABET` (no 0/O, 1/I/L: read aloud or copied from a
  slip), random (``secrets``), shown once; stored only as a scrypt hash (like a password: a copied database does
  not give away a code still valid), valid :data:`VALID_FOR`. One code per account (the table's key is the
  account): issuing another replaces it, so the older code stops working.
- **Redeeming** (:func:`redeem`): username + code + new password. Every refusal — unknown username, no code,
  wrong or expired code, inactive account — gives the same words after the same scrypt work, and is counted
  like a failed login but under the reset code's own keys (:data:`kuaiban.platform.throttle.RESET`: per account
  and address, 5 then a 15-minute lock; the account's failures from all addresses slow each further one): a sign-in
  lock never refuses a code the window issued, and codes cannot be guessed either. Only once the code is right is the new password checked against
  the policy (so the policy's answer, which may mention the account's 证件号码, never reaches a guesser). On
  success the password changes, every session of the account ends, the code is consumed, the account's message
  centre says so, and the audit log has both the issue and the use (never the code).
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kuaiban.db import Base, session_scope
from kuaiban.platform import access, audit, auth, jobs, notifications, personal_data, regions, staff, throttle
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from kuaiban.platform.models import APPLICANT, SUPERVISOR, WINDOW, Applicant, AuditEntry, Token, User

# upper-case letters and digits without the look-alikes 0/O, 1/I/L: 31 characters, 8 of them ≈ 8.5 × 10^11 codes
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VALID_FOR = dt.timedelta(minutes=30)
ISSUERS = (WINDOW, SUPERVISOR)  # who works a window's 密码重置 (a supervisor also for staff accounts)
# the one answer to every refused redemption: it must not tell an unknown username from a wrong code
REFUSED = "用户名或重置码不正确，或重置码已失效（有效期 30 分钟，签发新码后旧码作废）"


class ResetCode(Base):
    """The one live reset code of an account (migration 0030_password_reset). Only its scrypt hash is kept."""

    __tablename__ = "plat_reset_codes"

    user_id: Mapped[int] = mapped_column(ForeignKey("svc_users.id", ondelete="CASCADE"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(200))  # as a password's: scrypt$n$r$p$salt$hash
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("svc_users.id", ondelete="SET NULL"))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as it is handed over: two groups of four (ABCD-EFGH), easier to read aloud and copy."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What the person typed, as the code is stored: case, spaces and the dash do not matter; full-width
    characters (a Chinese input method) are read as their ASCII forms."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "").upper() if c.isalnum())


# ---------------------------------------------------------------- issuing (staff)

KIND_NAMES = {"citizen": "个人", "enterprise": "单位经办人", "staff": "工作人员"}
NUMBER_NAMES = {"citizen": "公民身份号码", "enterprise": "统一社会信用代码"}
# what the issuer confirms, in words that fit the account: a unit's account is used by its 经办人, whose own
# document is checked; a staff account is its holder's, and "单位的经办人" means nothing for it
CHECKED = {"citizen": "我已当面核验本人有效身份证件原件，确认是账号本人",
           "enterprise": "我已当面核验经办人本人有效身份证件原件，并核对了单位的统一社会信用代码，确认其为该单位账号的经办人",
           "staff": "我已当面核验该工作人员本人有效身份证件原件，确认是账号本人"}


@dataclass(frozen=True)
class AccountFacts:
    """What a clerk checks the identity document against, for one account found (never the full number)."""

    kind: str  # citizen | enterprise | staff
    kind_name: str  # 个人 / 单位经办人 / 工作人员（窗口人员）
    holder: str | None  # the person's or unit's name on the account
    number_name: str | None  # 公民身份号码 / 统一社会信用代码; None for a staff account (none is kept)
    number_masked: str | None  # personal_data.mask: region code and last four
    checked: str  # the words of the tick box


def facts(session: Session, user: User) -> AccountFacts:
    person = session.get(Applicant, user.applicant_id) if user.applicant_id else None
    if user.role != APPLICANT or person is None:
        role = auth.ROLE_NAMES.get(user.role, user.role)
        return AccountFacts("staff", f"{KIND_NAMES['staff']}（{role}）", user.display_name, None, None,
                            CHECKED["staff"])
    kind = "enterprise" if person.kind == "enterprise" else "citizen"
    return AccountFacts(kind, KIND_NAMES[kind], person.name, NUMBER_NAMES[kind],
                        personal_data.mask("id_number", person.id_number), CHECKED[kind])


class AlreadyIssued(Conflict):
    """A code was issued for the account after the form was filled (the same form sent again): none is issued."""

    def __init__(self, message: str, *, issued_at: dt.datetime, by_same_issuer: bool) -> None:
        super().__init__(message, "user_id")
        self.issued_at, self.by_same_issuer = issued_at, by_same_issuer


def _issued_since(session: Session, issuer: User, target: User, since: dt.datetime) -> None:
    """Refuse (:class:`AlreadyIssued`) if a code was issued for ``target`` at or after ``since``: the audit log is
    where every issue is, including ones whose code has since been used or purged."""
    if since.tzinfo is not None:  # the log keeps naive Beijing time
        since = since.astimezone(audit.BEIJING).replace(tzinfo=None)
    last = session.execute(select(AuditEntry.at, AuditEntry.actor_id)
                           .where(AuditEntry.action == "issue_reset_code", AuditEntry.entity == "user",
                                  AuditEntry.entity_id == target.id, AuditEntry.at >= since)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    if last is None:
        return
    if last.actor_id == issuer.id:
        message = (f"您已于 {last.at:%H:%M} 为该账号签发过重置码，本次没有再签发（刷新页面或重复提交不会签发新码），"
                   "之前交给本人的重置码仍然有效。如本人遗失了重置码，请重新查找账号，核验身份后再签发（旧码随即作废）。")
    else:
        message = (f"该账号的重置码已于 {last.at:%H:%M} 由其他工作人员签发，本次没有再签发。"
                   "如仍需新码，请重新查找账号，核验身份后再签发（之前的重置码随即作废）。")
    raise AlreadyIssued(message, issued_at=last.at, by_same_issuer=last.actor_id == issuer.id)


def may_issue(issuer: User, target: User) -> bool:
    """Whether ``issuer`` may issue a reset code for ``target``: an applicant's account by a 窗口人员 or 监督人员
    serving its region; a staff account only by a supervisor who manages it. Never one's own."""
    if issuer.role not in ISSUERS or issuer.id == target.id:
        return False
    if target.role == APPLICANT:
        return access.serves(issuer, target.region)
    return staff.manages(issuer, target)


def _require_issuer(issuer: User) -> None:
    auth.require_role(issuer, *ISSUERS)


def find_accounts(session: Session, issuer: User, query: str) -> list[User]:
    """The accounts ``query`` names — a username, or a 证件号码 (an enterprise's credit code may have several
    accounts) — that lie in ``issuer``'s scope; the lookup is in the audit log (how, and how many were found,
    never the number). An account outside the scope is not shown: it is another office's to serve."""
    _require_issuer(issuer)
    text = (query or "").strip()
    if not text:
        raise Invalid("请填写用户名或证件号码", "query")
    found: list[User] = []
    try:
        name = auth.normalise_username(text)
    except Invalid:
        name = None
    if name is not None:
        found = list(session.scalars(select(User).where(User.username == name)))
    by = "username"
    if not found and 15 <= len(text) <= 40:
        by = "id_number"
        found = list(session.scalars(select(User).join(Applicant, Applicant.id == User.applicant_id)
                                     .where(Applicant.id_number_hash.in_(personal_data.lookup_hashes(text)))
                                     .order_by(User.id)))
    # staff accounts of the scope are listed too, so the page can say who issues theirs (:func:`may_issue`)
    shown_ = [u for u in found if access.serves(issuer, u.region)]
    audit.record(session, "lookup_account", "user", None, actor=issuer, at=audit.now(), by=by, found=len(shown_))
    return shown_


def issue(session: Session, issuer: User, user_id: int, *, document_checked: bool,
          looked_up_at: dt.datetime | None = None, at: dt.datetime | None = None) -> tuple[User, str, dt.datetime]:
    """A new reset code for account ``user_id`` (returned once, never stored in clear) and when it expires; any
    earlier code of the account stops working, and the account's sign-in locks are cleared. ``document_checked``:
    the issuer confirms having checked the holder's identity document in person — required, and recorded.
    ``looked_up_at``: when the issuer's form was filled; if a code has been issued for the account since,
    :class:`AlreadyIssued` and nothing changes (a refreshed page must not void the code just handed over)."""
    _require_issuer(issuer)
    at = at or audit.now()
    # the account's row locked first (PostgreSQL): the same form sent twice at once issues one code
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    target = session.get(User, user_id)
    if target is None or not access.serves(issuer, target.region):  # another office's account is not revealed
        raise NotFound(f"本辖区没有这个账号：{user_id}", "user_id")
    if target.id == issuer.id:
        raise Forbidden("不能为本人账号签发重置码：请由上级监督人员办理", "user_id")
    if not may_issue(issuer, target):
        raise Forbidden("工作人员账号的重置码须由其上级监督人员签发（同级、上级账号不能签发）", "user_id")
    if not target.active:
        raise Invalid("该账号已停用：不能签发重置码（工作人员账号请由监督人员先启用）", "user_id")
    if not document_checked:
        raise Invalid("请先当面核验本人有效身份证件原件，并勾选确认", "document_checked")
    if looked_up_at is not None:
        _issued_since(session, issuer, target, looked_up_at)
    code = new_code()
    replaced = session.get(ResetCode, target.id)
    expires = at + VALID_FOR
    if replaced is None:
        session.add(ResetCode(user_id=target.id, code_hash=auth.hash_password(code), issued_by=issuer.id,
                              issued_at=at, expires_at=expires))
    else:  # one code per account: the new one takes the old one's place
        replaced.code_hash, replaced.issued_by, replaced.issued_at = auth.hash_password(code), issuer.id, at
        replaced.expires_at = expires
    session.flush()
    # who the holder is was settled at the desk: the locks earned by the forgotten password go (the reset
    # code's own failure counts too — the new code is a new start); the audit entry says how many
    locks_cleared = throttle.clear_account(session, target.username, at)
    # the holder hears of it too: if it was not them at the window, their next sign-in shows it
    notifications.post(session, kind="reset_code_issued", title="已为您的账号签发密码重置码",
                       text=f"{at:%Y-%m-%d %H:%M}，{regions.label(issuer.region)}的人社服务窗口为您的账号签发了密码重置码，"
                            f"30 分钟内有效。如不是您本人办理，请尽快携带本人有效身份证件到人社服务窗口说明情况。",
                       recipients=[target], at=at)
    # last: the log's append lock (PostgreSQL) is then held only until the commit
    audit.record(session, "issue_reset_code", "user", target.id, actor=issuer, at=at, username=target.username,
                 role=target.role, expires_at=expires.isoformat(timespec="seconds"), replaced=replaced is not None,
                 document_checked=True, sign_in_locks_cleared=locks_cleared)
    return target, code, expires


# ---------------------------------------------------------------- redeeming (the holder, not signed in)


def redeem(session: Session, username: str, code: str, new_password: str, *, address: str | None = None,
           at: dt.datetime | None = None) -> int:
    """Set a new password with a reset code; how many sessions of the account were ended.

    Refusals: :class:`~kuaiban.platform.errors.Invalid` with :data:`REFUSED` (field ``code``) for anything
    about the account or the code, counted like a failed login in a transaction of its own (call this before
    writing anything else in ``session``); :class:`Locked`/:class:`TooManyRequests` (``重置码输错次数过多…``)
    while too many wrong codes lock the (account, address) pair or the address — the reset code's own counters,
    never the sign-in's; ``Invalid`` naming ``new_password`` when the new password breaks the policy (the code
    is then kept: the holder tries another password). On success every lock of the account is cleared."""
    at = at or audit.now()
    try:
        name = auth.normalise_username(username)
    except Invalid:
        name = (username or "").strip()[:auth.USERNAME_MAX]
    pair = throttle.pair_key(name, address, throttle.RESET)
    try:
        throttle.check(session, pair, throttle.address_key(address, throttle.RESET), at, throttle.RESET)
    except Throttled as exc:
        auth.record_failure(session, name, None, address, "reset_locked", at, count=False, of=throttle.RESET)
        exc.field = "code"
        raise
    user = session.scalar(select(User).where(User.username == name)) if name else None
    row = session.get(ResetCode, user.id) if user is not None else None
    typed = normalise_code(code)
    live = row is not None and at < row.expires_at and user.active
    right = auth.verify_password(typed[:64], row.code_hash if live else auth.dummy_hash())  # same work either way
    if not (live and right and len(typed) == CODE_LENGTH):
        reason = ("unknown_user" if user is None else "inactive" if not user.active else
                  "no_reset_code" if row is None else "expired_reset_code" if at >= row.expires_at else
                  "wrong_reset_code")
        auth.record_failure(session, name, user, address, reason, at, of=throttle.RESET)
        raise Invalid(REFUSED, "code")
    person = session.get(Applicant, user.applicant_id) if user.applicant_id else None
    try:
        auth.check_password(new_password, role=user.role, username=user.username,
                            id_number=person.id_number if person else None)
    except Invalid as exc:
        raise Invalid(exc.message, "new_password") from None
    issued_by, issued_at = row.issued_by, row.issued_at
    # used up, exactly once: the same code posted twice at once (a double click, two tabs) — or a new code issued
    # since it was read — finds no row here in the second transaction (it waits for the first on PostgreSQL)
    used = session.execute(delete(ResetCode).where(ResetCode.user_id == user.id,
                                                   ResetCode.code_hash == row.code_hash)
                           .execution_options(synchronize_session=False)).rowcount
    if used != 1:
        raise Invalid(REFUSED, "code")
    user.password_hash = auth.hash_password(new_password)
    user.must_change_password = False  # chosen by the holder: nobody else knows it
    ended = session.execute(update(Token).where(Token.user_id == user.id, Token.revoked.is_(False))
                            .values(revoked=True).execution_options(synchronize_session=False)).rowcount
    # the new password makes every earlier guess moot: the account signs in again from anywhere at once
    locks_cleared = throttle.clear_account(session, user.username, at)
    notifications.post(session, kind="password_reset", title="您的账号密码已重新设置",
                       text=f"{at:%Y-%m-%d %H:%M}，您的账号已凭人社服务窗口签发的重置码重新设置密码，"
                            "原有登录已全部退出。如不是您本人操作，请立即携带本人有效身份证件到人社服务窗口办理。",
                       recipients=[user], at=at)
    audit.record(session, "reset_password_with_code", "user", user.id, actor=user, at=at, address=address,
                 issued_by=issued_by, issued_at=issued_at.isoformat(timespec="seconds"), sessions_ended=ended,
                 sign_in_locks_cleared=locks_cleared)
    return ended


def live_code(session: Session, user_id: int, *, at: dt.datetime | None = None) -> ResetCode | None:
    """The account's code if one is still valid (for the staff page: issued when, by whom, until when)."""
    row = session.get(ResetCode, user_id)
    return row if row is not None and (at or audit.now()) < row.expires_at else None


def purge_expired(session: Session, at: dt.datetime | None = None) -> int:
    """Delete the codes past their time (a hash that opens nothing is still kept no longer than needed)."""
    return session.execute(delete(ResetCode).where(ResetCode.expires_at <= (at or audit.now()))).rowcount


def _purge(engine) -> None:
    with session_scope(engine) as s:
        purge_expired(s)


jobs.every("purge_reset_codes", 900, _purge)


__all__ = ["ALPHABET", "CHECKED", "CODE_LENGTH", "ISSUERS", "KIND_NAMES", "NUMBER_NAMES", "REFUSED", "VALID_FOR",
           "AccountFacts", "AlreadyIssued", "ResetCode", "facts", "find_accounts", "issue", "live_code", "may_issue",
           "new_code", "normalise_code", "purge_expired", "redeem", "shown"]
