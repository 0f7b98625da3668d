"""Uniqueness the database enforces, normalised usernames and the failed-login counters

- svc_applicants: one account per (kind, ID number) — a partial unique index (number not null);
- ue_registrations: one open 失业登记 per person (id_number = AAC002, else AAC044) — a partial unique
  index over 已登记, and over 待审核 filed locally (national downloads that duplicate one are kept and
  flagged for the reviewer, who cannot approve them while the other is open);
- svc_users.username: stored in its normalised form (NFKC, case-folded, trimmed);
- svc_login_throttle: failed logins per account and per address, shared by every worker process.

Existing duplicates stop the upgrade with a message naming them: nothing is dropped or merged here,
the operator decides which record stays.

Revision ID: 0009_uniqueness_and_logins
Revises: 0008_audit_chain
Create Date: 2026-12-02 07:00:00
"""
import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009_uniqueness_and_logins"
down_revision = "0008_audit_chain"
branch_labels = None
depends_on = None

# Frozen here (the application's rules may move later, e.g. to a keyed hash of the ID number, by a
# later migration); kuaiban.platform.uniqueness and kuaiban.unemployment.registration name the same.
APPLICANT_INDEX, APPLICANT_COLUMNS = "ux_svc_applicants_identity", ("kind", "id_number")
APPLICANT_WHERE = "id_number IS NOT NULL"
OPEN_INDEX, OPEN_COLUMNS = "ux_ue_registrations_open_person", ("id_number",)
OPEN_WHERE = "status = '已登记' OR (status = '待审核' AND channel <> 'national')"


class DuplicatesFound(RuntimeError):
    """Rows that break a rule this migration makes the database enforce."""


def _mask(number: str | None) -> str:
    n = number or ""
    return n[:6] + "*" * max(0, len(n) - 10) + n[-4:] if len(n) > 10 else n


def _duplicates(conn, table: str, columns: tuple[str, ...], where: str, show: str) -> list[str]:
    cols = ", ".join(columns)
    groups = conn.execute(sa.text(f"SELECT {cols} FROM {table} WHERE {where} GROUP BY {cols} "
                                  f"HAVING COUNT(*) > 1 ORDER BY {cols}")).all()
    found = []
    for group in groups:
        match = " AND ".join(f"{c} = :{c}" for c in columns)
        rows = conn.execute(sa.text(f"SELECT {show} FROM {table} WHERE ({where}) AND {match} ORDER BY id"),
                            dict(zip(columns, group, strict=True))).scalars().all()
        found.append(f"{' '.join(_mask(str(v)) if c == 'id_number' else str(v) for c, v in zip(columns, group, strict=True))}"
                     f"：{', '.join(str(r) for r in rows)}")
    return found


def _normalise(raw: str) -> str | None:
    """kuaiban.platform.auth.normalise_username as of this revision; None when the name is unusable."""
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", raw).casefold()).strip()
    bad = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
    if not name or len(name) > 80 or any(unicodedata.category(c) in bad or c.isspace() for c in name):
        return None
    return name


def _normalise_usernames(conn) -> None:
    users = conn.execute(sa.text("SELECT id, username FROM svc_users ORDER BY id")).all()
    by_name: dict[str, list[str]] = {}
    renames = []
    for uid, username in users:
        name = _normalise(username)
        if name is None:  # kept as is (only typed exactly can it still log in); listed for the operator
            logging.getLogger("alembic").warning("0009：账号 %s 的用户名含不可见字符或空格，无法规范化，保留原样，请为其改名", uid)
            name = username
        by_name.setdefault(name, []).append(f"{uid}（{username!r}）")
        if name != username:
            renames.append((uid, name))
    clashes = [f"{name}：{', '.join(ids)}" for name, ids in by_name.items() if len(ids) > 1]
    if clashes:
        raise DuplicatesFound("以下账号的用户名规范化（全角转半角、不区分大小写、去掉首尾空格）后相同，"
                              "请先为其中之一改名再升级：\n" + "\n".join(clashes))
    for uid, name in renames:
        conn.execute(sa.text("UPDATE svc_users SET username = :name WHERE id = :id"), {"name": name, "id": uid})


def upgrade() -> None:
    conn = op.get_bind()
    problems = []
    dup = _duplicates(conn, "svc_applicants", APPLICANT_COLUMNS, APPLICANT_WHERE, "id")
    if dup:
        problems.append("同一证件号码注册了多个办事人（类型 证件号码：办事人编号）：\n" + "\n".join(dup))
    dup = _duplicates(conn, "ue_registrations", OPEN_COLUMNS, OPEN_WHERE, "aaz341")
    if dup:
        problems.append("同一人有多条未办结（待审核或已登记）的失业登记（证件号码：系统流水号 AAZ341）：\n" + "\n".join(dup))
    if problems:
        raise DuplicatesFound("数据库中已有重复记录，无法建立唯一约束；请先处理（如审核不通过或注销多余的记录）再升级：\n"
                              + "\n".join(problems))
    _normalise_usernames(conn)

    op.create_index(APPLICANT_INDEX, "svc_applicants", list(APPLICANT_COLUMNS), unique=True,
                    sqlite_where=sa.text(APPLICANT_WHERE), postgresql_where=sa.text(APPLICANT_WHERE))
    op.create_index(OPEN_INDEX, "ue_registrations", list(OPEN_COLUMNS), unique=True,
                    sqlite_where=sa.text(OPEN_WHERE), postgresql_where=sa.text(OPEN_WHERE))
    op.create_table("svc_login_throttle",
                    sa.Column("key", sa.String(length=120), nullable=False),
                    sa.Column("failures", sa.Integer(), nullable=False),
                    sa.Column("window_start", sa.DateTime(), nullable=False),
                    sa.Column("locked_until", sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint("key"))


def downgrade() -> None:
    op.drop_table("svc_login_throttle")
    op.drop_index(OPEN_INDEX, table_name="ue_registrations")
    op.drop_index(APPLICANT_INDEX, table_name="svc_applicants")
