"""One spelling for citations: the stored source dicts say ``doc_no`` (was ``wenhao``)

The clause registry (data/clauses, kuaiban/platform/citations.py) names a document's 文号 ``doc_no``; the
快办 and 失业登记 data now do too. Rows written before keep their sources in JSON columns with the old key:
告知承诺 (svc_commitments.source), 书面承诺 (ue_commitments.source) and the registers check of a 失业登记
(ue_registrations.register_check). This renames the key inside those values, nothing else; the signatures
do not cover the source, and the audit log (hash-chained) is left as it was written. Downgrade renames back.

Revision ID: 0011_rules_design
Revises: 0011_library
Create Date: 2026-12-02 12:10:00
"""
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0011_rules_design'
down_revision = '0011_library'
branch_labels = None
depends_on = None

_COLUMNS = (("svc_commitments", "source"), ("ue_commitments", "source"), ("ue_registrations", "register_check"))


def _renamed(value: Any, old: str, new: str) -> Any:
    """`value` with every mapping key `old` renamed `new`, at any depth."""
    if isinstance(value, dict):
        return {(new if key == old else key): _renamed(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_renamed(item, old, new) for item in value]
    return value


def _rename(old: str, new: str) -> None:
    conn = op.get_bind()
    for table, column in _COLUMNS:
        t = sa.table(table, sa.column("id", sa.Integer), sa.column(column, sa.JSON))
        for row_id, value in conn.execute(sa.select(t.c.id, t.c[column])).all():
            changed = _renamed(value, old, new)
            if changed != value:
                conn.execute(sa.update(t).where(t.c.id == row_id).values({column: changed}))


def upgrade() -> None:
    _rename("wenhao", "doc_no")


def downgrade() -> None:
    _rename("doc_no", "wenhao")
