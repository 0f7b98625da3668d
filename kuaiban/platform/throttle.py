"""Login failure handling (登录失败处理, GB/T 22239-2019 8.1.4.1 b): counters of failed logins, kept in the
database so that every worker process sees the same counts.

- an account with ``PAIR_LIMIT`` failures **from one client address** within ``WINDOW`` is locked for
  ``LOCKOUT`` for that address only (423): the guesser is stopped, and the account's holder, signing in from
  anywhere else, is not (audit 2026-12 §4.2: a lock per account let anyone lock any staff account);
- an account with ``ACCOUNT_SLOW`` failures from all addresses together within ``WINDOW`` is *slowed*, never
  locked: each further failure also holds its (account, address) pair for ``SLOW_DELAY``, so many addresses
  guessing one password together get one guess per address per ``SLOW_DELAY``; an address with no failure
  for the account is never refused because of the others (its right password signs in);
- an address with ``ADDRESS_LIMIT`` failures within ``WINDOW`` (any accounts) is refused for ``LOCKOUT`` (429).

Unknown usernames are counted like real ones, so a lock tells nothing about whether an account exists.
Account keys hold a SHA-256 of the normalised username, not the name (a mistyped password is often what
lands in the username field); pair keys a SHA-256 of the username and the counted address, after the first 32
hex digits of the account's (so :func:`clear_account` finds them all; pairs counted before session 21 had no such
part and were simply forgotten once). Wrong 重置码 are counted the same way under keys of their own (``reset-…``,
:data:`RESET`): a sign-in lock does not refuse a code, nor wrong codes a sign-in.

The same counters limit how often one client may send a public write form (:func:`limit_submissions`):
every post counts, whether it succeeds or not; the post that reaches a key's limit within ``WINDOW`` is
still served, the following ones are refused with 429 for ``LOCKOUT``. Keys are ``<form>:address:<ip>``
and ``<form>:account:<user id>``.

An address is keyed as :func:`client` gives it: an IPv4 address whole, an IPv6 address by its /64 (one
subscriber's network, whose addresses it may rotate through freely). A row whose window and lock are both
over says nothing a missing row would not: :func:`purge` deletes it (every ``PURGE_EVERY`` seconds, a
periodic job), so that no client address is kept longer than the counting needs (个人信息保护法 第十九条).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Sequence

from sqlalchemy import Connection, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kuaiban.db import session_scope
from kuaiban.platform import audit
from kuaiban.platform.errors import Locked, Throttled, TooManyRequests
from kuaiban.platform.models import LoginThrottle

PAIR_LIMIT = 5  # failures of one account from one address: that pair locked
ACCOUNT_SLOW = 20  # failures of one account from all addresses: every further failure holds its pair briefly
SLOW_DELAY = dt.timedelta(seconds=30)
ADDRESS_LIMIT = 30
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)


PURGE_EVERY = 900  # seconds: a stale row outlives its window and lock by at most this


# What is counted: failed sign-ins, or wrong 重置码 (kuaiban.platform.password_reset). Each has its own keys, so a
# sign-in lock never refuses a reset code the window has just issued (the person locked out of signing in is the
# very one who needs it), and wrong codes are limited on their own (the code cannot be guessed either).
LOGIN = ""
RESET = "reset-"


def account_key(username: str, of: str = LOGIN) -> str:
    return f"{of}account:" + hashlib.sha256(username.encode()).hexdigest()


def _account_part(username: str) -> str:
    # the pair's key begins with the account's (a prefix of the same SHA-256 as account_key): all of an account's
    # pairs can then be found and cleared (clear_account) without knowing the addresses they count
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def pair_key(username: str, address: str | None, of: str = LOGIN) -> str:
    """The key of one account's failures from one client address (as :func:`client` counts it)."""
    where = client(address) if address else "-"
    return f"{of}pair:{_account_part(username)}:" + hashlib.sha256(f"{username}\n{where}".encode()).hexdigest()


def client(address: str) -> str:
    """The part of a client's address that is counted: an IPv4 address (or an IPv4-mapped IPv6 one) whole,
    an IPv6 address by its /64 prefix; anything else (a test client's name) as given, cut to 80 characters."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%")[0])
    except ValueError:
        return address[:80]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def address_key(address: str | None, of: str = LOGIN) -> str | None:
    return f"{of}address:{client(address)}" if address else None


# The words say what the person did (signed in, typed a code), never "address": a person has no idea what the
# server counts by, and "其他地址不受影响" told them nothing they could act on.
WHAT = {LOGIN: "登录失败次数过多", RESET: "重置码输错次数过多"}


def _retry_message(until: dt.datetime, at: dt.datetime, what: str) -> str:
    minutes = max(1, -(-int((until - at).total_seconds()) // 60))
    return f"{what}，请 {minutes} 分钟后（{until:%H:%M} 以后）再试"


def check(session: Session, pair: str, address: str | None, at: dt.datetime, of: str = LOGIN) -> None:
    """Raise :class:`TooManyRequests` if the address, or :class:`Locked` if the (account, address) pair, is
    locked at ``at``. The account's failures from other addresses never refuse this one. ``of``: whose keys
    these are (:data:`LOGIN` or :data:`RESET`), for the words of the refusal."""
    keys = [k for k in (address, pair) if k]
    rows = dict(session.execute(select(LoginThrottle.key, LoginThrottle.locked_until)
                                .where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > at)).all())
    if address in rows:
        until = rows[address]
        raise TooManyRequests(_retry_message(until, at, WHAT[of]), "username",
                              retry_after=int((until - at).total_seconds()))
    if pair in rows:
        until = rows[pair]
        raise Locked(_retry_message(until, at, ("该账号" if of == LOGIN else "") + WHAT[of]), "username",
                     retry_after=max(1, int((until - at).total_seconds())))


def _insert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(LoginThrottle)


def _bump(session: Session, key: str, at: dt.datetime) -> int:
    """Count one failure for ``key`` in its window; the failures counted so far in it.

    One upsert and one UPDATE in the caller's transaction: concurrent failures queue on the row
    (PostgreSQL) or the write lock (SQLite), so none is lost."""
    session.execute(_insert(session).values(key=key, failures=0, window_start=at, locked_until=None)
                    .on_conflict_do_nothing())
    stale = LoginThrottle.window_start <= at - WINDOW
    return session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key)
        .values(failures=case((stale, 1), else_=LoginThrottle.failures + 1),
                window_start=case((stale, at), else_=LoginThrottle.window_start))
        .returning(LoginThrottle.failures)).scalar_one()


def fail(session: Session, key: str, limit: int, at: dt.datetime) -> dt.datetime | None:
    """Count one failure for ``key``; the moment it is locked until when this one reaches ``limit``."""
    if _bump(session, key, at) < limit:
        return None
    until = at + LOCKOUT
    # the count starts again after the lock, so each further burst of ``limit`` guesses costs a lock
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                    .values(failures=0, window_start=at, locked_until=until))
    return until


def login_failed(session: Session, username: str, address: str | None, at: dt.datetime,
                 of: str = LOGIN) -> dict[str, dt.datetime]:
    """Count one failed login (or, ``of=RESET``, one wrong reset code) of ``username`` from ``address``: the
    pair (locked at ``PAIR_LIMIT``), the account (from ``ACCOUNT_SLOW`` on, the pair is also held for
    ``SLOW_DELAY``) and the address (locked at ``ADDRESS_LIMIT``). The locks this failure set, by what they
    lock (for the audit entry)."""
    pair = pair_key(username, address, of)
    locked = {}
    until = fail(session, pair, PAIR_LIMIT, at)
    if _bump(session, account_key(username, of), at) >= ACCOUNT_SLOW and until is None:
        until = at + SLOW_DELAY  # slowed: this address waits a little before its next guess at the account
        session.execute(update(LoginThrottle).where(LoginThrottle.key == pair)
                        .values(locked_until=until))
        locked["slowed_until"] = until
    elif until is not None:
        locked["pair_locked_until"] = until
    place = address_key(address, of)
    if place and (blocked := fail(session, place, ADDRESS_LIMIT, at)) is not None:
        locked["address_locked_until"] = blocked
    return locked


def clear(session: Session, key: str) -> None:
    """A successful login forgets the failures of its (account, address) pair."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def clear_account(session: Session, username: str, at: dt.datetime) -> int:
    """Forget every failure counted against ``username`` — its sign-ins and its reset codes, from every address
    (the addresses' own counters stay: they are not the account's). For a 重置码 issued after a clerk checked
    the holder's identity document in person: who they are is settled, so the locks their forgotten password
    earned them go. How many locks were in force at ``at`` (for the audit entry)."""
    part = _account_part(username)
    mine = (LoginThrottle.key.in_([account_key(username, of) for of in WHAT])
            | LoginThrottle.key.like(f"pair:{part}:%") | LoginThrottle.key.like(f"{RESET}pair:{part}:%"))
    in_force = session.scalar(select(func.count()).select_from(LoginThrottle)
                              .where(mine, LoginThrottle.locked_until > at)) or 0
    session.execute(delete(LoginThrottle).where(mine).execution_options(synchronize_session=False))
    return in_force


def purge(session: Session, at: dt.datetime) -> int:
    """Delete the rows whose window (``WINDOW``) and lock (``LOCKOUT``) are both over at ``at``: a missing
    row counts the same (the next failure starts a new window). Rows another transaction is counting on just
    now are skipped (PostgreSQL ``SKIP LOCKED``), so the purge never waits on a login or a post."""
    over = (LoginThrottle.window_start <= at - WINDOW) & (
        LoginThrottle.locked_until.is_(None) | (LoginThrottle.locked_until <= at))
    if session.get_bind().dialect.name == "postgresql":
        free = select(LoginThrottle.key).where(over).with_for_update(skip_locked=True)
        return session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(free))).rowcount
    return session.execute(delete(LoginThrottle).where(over)).rowcount


# ---------------------------------------------------------------- public write forms

# posts per WINDOW (address, signed-in account) of each public write form. A person filing 失业登记 posts
# two to four times (check, perhaps edit, sign); registering, once or a few times over errors. An address
# may be an office's or a family's shared one, so it gets more than one account. A batch calculation stores
# its upload (up to 20 MB) and runs a background job for it.
# 注册 has no account to count, so its address limit is the only one and must let a whole shared address through:
# a 服务大厅's kiosks, a campus or a mobile carrier's NAT (CGNAT, common in China) put many people behind one
# address, and 20 posts (one person's typing errors) let any one of them lock all the others out. 200 posts in
# 15 minutes is one every 4.5 seconds, more than a hall's counters or a class registering together send, and
# still bounds a script at 800 an hour per address (see docs/SECURITY.md).
REGISTER_ADDRESS_LIMIT = 200
# 注册 refused because the 证件号码 already has an account: each such answer tells that a person has an account
# here, so an address gets REGISTER_TAKEN_LIMIT of them per WINDOW, then no registration at all for LOCKOUT (a
# person who forgot they registered gets one or two; see docs/SECURITY.md "Registration").
REGISTER_TAKEN_LIMIT = 20
FORM_LIMITS: dict[str, tuple[int, int]] = {"unemployment_apply": (60, 20), "register": (REGISTER_ADDRESS_LIMIT, 20),
                                           "register_taken": (REGISTER_TAKEN_LIMIT, REGISTER_TAKEN_LIMIT),
                                           # "该用户名已被使用" tells that an account of that name exists: the same
                                           # bound, counted apart (people pick popular names; that must not use up
                                           # the budget that protects whether a person has an account)
                                           "register_username_taken": (REGISTER_TAKEN_LIMIT, REGISTER_TAKEN_LIMIT),
                                           # material files through the API (10 MB each): a 一件事 asks for a few,
                                           # a 补正 a few more; this bounds what one account can put in the store
                                           "material_upload": (120, 60),
                                           "calc_batch": (10, 10)}


def submission_keys(form: str, address: str | None, account: int | None = None) -> list[tuple[str, int]]:
    """(key, limit) pairs of one post of ``form``: the client's address, and the signed-in account if any."""
    limits = FORM_LIMITS[form]
    keys = [(f"{form}:address:{client(address)}", limits[0])] if address else []
    if account is not None:
        keys.append((f"{form}:account:{account}", limits[1]))
    return keys


def _submission_message(until: dt.datetime, at: dt.datetime) -> str:
    minutes = max(1, -(-int((until - at).total_seconds()) // 60))
    return f"提交过于频繁，请 {minutes} 分钟后（{until:%H:%M} 以后）再试。"


def _count(session: Session, keys: Sequence[tuple[str, int]], at: dt.datetime) -> dt.datetime | None:
    rows = dict(session.execute(select(LoginThrottle.key, LoginThrottle.locked_until)
                                .where(LoginThrottle.key.in_([k for k, _ in keys]),
                                       LoginThrottle.locked_until > at)).all())
    if rows:
        return max(rows.values())
    for key, limit in keys:
        fail(session, key, limit, at)
    return None


def refuse_while_locked(session: Session, keys: Sequence[tuple[str, int]], at: dt.datetime) -> None:
    """:class:`TooManyRequests` while any of ``keys`` is locked; nothing is counted (see :func:`limit_submissions`)."""
    if not keys:
        return
    rows = session.execute(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_([k for k, _ in keys]),
                                                                   LoginThrottle.locked_until > at)).scalars().all()
    if rows:
        until = max(rows)
        raise TooManyRequests(_submission_message(until, at), retry_after=int((until - at).total_seconds()))


def limit_submissions(session: Session, keys: Sequence[tuple[str, int]], at: dt.datetime) -> None:
    """Count one post against each ``(key, limit)``; raise :class:`TooManyRequests` (429, with
    ``retry_after``) while any of the keys is locked. Counted in a transaction of its own, so that a post
    the handler then refuses (and rolls back) still counts; call it before the handler writes anything
    (a caller already holding write locks counts in its own transaction instead, see auth._record_failure)."""
    if not keys:
        return
    if audit.holds_write_locks(session):
        until = _count(session, keys, at)
    else:
        bind = session.get_bind()
        engine = bind.engine if isinstance(bind, Connection) else bind
        with session_scope(engine) as own:
            until = _count(own, keys, at)
    if until is not None:
        raise TooManyRequests(_submission_message(until, at), retry_after=int((until - at).total_seconds()))


__all__ = ["ACCOUNT_SLOW", "ADDRESS_LIMIT", "FORM_LIMITS", "LOCKOUT", "LOGIN", "PAIR_LIMIT", "REGISTER_ADDRESS_LIMIT",
           "REGISTER_TAKEN_LIMIT", "RESET", "SLOW_DELAY", "WHAT", "WINDOW", "Locked", "Throttled", "TooManyRequests",
           "account_key", "address_key", "check", "clear", "clear_account", "client", "fail", "limit_submissions",
           "login_failed", "pair_key", "purge", "refuse_while_locked", "submission_keys"]
