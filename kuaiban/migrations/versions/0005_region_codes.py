"""Every stored region becomes a GB/T 2260 行政区划代码: names (湖南, 长沙市) and addresses (湖南省长沙市岳麓区)
are turned into the one code they name with kuaiban.platform.regions.resolve.

A value that names no region, or several, stops the upgrade with a Chinese message naming the table, the
column and the value; the upgrade runs in one transaction, so nothing is half-converted and no row is
dropped. Each conversion (table, old value, new code, rows) is appended to the audit log in the same
transaction. Blank values become NULL where the column allows it (an account without a region is the
national scope, as before). The 失业登记 records' AAB301 columns are left alone: the national interface
only ever stored codes there.

Revision ID: 0005_region_codes
Revises: 0004_national_sync
Create Date: 2026-12-02 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_region_codes'
down_revision = '0004_national_sync'
branch_labels = None
depends_on = None

# (table, nullable region column, the other columns of its unique constraint, or None)
COLUMNS = (
    ("svc_applicants", True, None),
    ("svc_users", True, None),
    ("svc_cases", True, None),
    ("svc_rectifications", True, None),
    ("svc_region_settings", False, ("key",)),
    ("svc_item_routes", False, ("item_key",)),
    ("svc_item_materials", False, ("item_key", "material")),
    ("ue_register_insurance", True, None),
    ("ue_register_employment", True, None),
)


# the append-only audit log as of 0002 (the JSON column is serialised by SQLAlchemy on either backend)
_AUDIT = sa.table("svc_audit", *(sa.column(c) for c in ("at", "actor_id", "actor_role", "action", "entity",
                                                          "entity_id", "case_id")), sa.column("detail", sa.JSON))


def _now():
    from kuaiban.platform.audit import now

    return now()


class RegionNotConvertible(RuntimeError):
    """The upgrade cannot turn a stored region into a code; nothing has been changed."""


def _refuse(table: str, value: str, why: str) -> RegionNotConvertible:
    return RegionNotConvertible(
        f"迁移 0005（地区改为行政区划代码）已停止，数据库未做任何修改：表 {table} 的 region 列中的值“{value}”"
        f"{why}。请先把该值改为 6 位行政区划代码或能唯一确定地区的名称，再重新升级。")


def _code_for(table: str, value: str) -> str:
    from kuaiban.platform import regions
    from kuaiban.platform.errors import Invalid

    try:
        return regions.resolve(value)
    except Invalid as exc:
        raise _refuse(table, value, f"无法转换（{exc.message}）") from None


def upgrade() -> None:
    conn = op.get_bind()
    for table, nullable, unique_with in COLUMNS:
        values = [v for (v,) in conn.execute(sa.text(f"SELECT DISTINCT region FROM {table} "
                                                     "WHERE region IS NOT NULL ORDER BY region"))]
        codes: dict[str, str | None] = {}
        for value in values:
            if not value.strip():
                if not nullable:
                    raise _refuse(table, value, "为空")
                codes[value] = None
            else:
                codes[value] = _code_for(table, value)
        changed = {old: new for old, new in codes.items() if old != new}
        if not changed:
            continue
        if unique_with:
            _refuse_collisions(conn, table, unique_with, codes)
        for old, new in changed.items():
            rows = conn.execute(sa.text(f"UPDATE {table} SET region = :new WHERE region = :old"),
                                {"new": new, "old": old}).rowcount
            conn.execute(sa.insert(_AUDIT), {"at": _now(), "actor_id": None, "actor_role": None,
                                             "action": "convert_region", "entity": "region", "entity_id": None,
                                             "case_id": None, "detail": {"table": table, "from": old, "to": new,
                                                                         "rows": rows, "migration": revision}})


def _refuse_collisions(conn, table: str, unique_with: tuple[str, ...], codes: dict[str, str | None]) -> None:
    """Two settings of one region written two ways (湖南 and 湖南省) would become one: refuse, naming both."""
    keys = ", ".join(unique_with)
    seen: dict[tuple, str] = {}
    for row in conn.execute(sa.text(f"SELECT region, {keys} FROM {table} ORDER BY id")):
        target = (codes.get(row[0], row[0]), *row[1:])
        if target in seen and seen[target] != row[0]:
            setting = "、".join(map(str, row[1:]))
            raise _refuse(table, row[0], f"与“{seen[target]}”是同一地区（{target[0]}），两者都有同一设置"
                                         f"（{setting}），须先删去其中一条")
        seen[target] = row[0]


def downgrade() -> None:
    pass  # codes are valid region values for the earlier revisions too
