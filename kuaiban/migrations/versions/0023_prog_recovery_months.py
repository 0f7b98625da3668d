"""Programs: the months (and the stop rule) of the recoveries opened before 0019, and an index on the repayments'
references (a reference is recorded once across every recovery)

0019 filled who, which program and which region for the recoveries it found, not their months. A stop opening a
recovery on a claim that already has one leaves out the months already in it (programs.recovery.open_for_stop),
so an old row without months would let a later 骗取 recover the same months again. Before 0019 a stop recovered
what was paid for the months from its first month on and wrote that month into the reason (“…：2020-09 起不应
发放”); the months are those paid lines (issued, paid, reissued) of the claim, as they were then — a stopped
claim is paid no further month. The rule is the claim's stop event of the same moment (the same transaction wrote
both). A row whose reason names no month stays without months; the late recovery of its claim is then refused
for a caseworker to check (programs.recovery.open_for_stop) rather than counted twice.

Revision ID: 0023_prog_recovery_months
Revises: 0022_prog_claim_places
Create Date: 2026-12-06 05:20:00
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0023_prog_recovery_months'
down_revision = '0022_prog_claim_places'
branch_labels = None
depends_on = None

_FIRST = re.compile(r"(\d{4}-\d{2}) 起不应发放$")


def upgrade() -> None:
    op.create_index('ix_prog_recovery_repayments_reference', 'prog_recovery_repayments', ['reference'],
                    unique=False)
    bind = op.get_bind()
    recoveries = sa.table('prog_recoveries', sa.column('id', sa.Integer), sa.column('months', sa.JSON),
                          sa.column('rule', sa.String))
    old = bind.execute(sa.text("SELECT id, claim_id, reason, created_at, rule FROM prog_recoveries "
                               "WHERE months IS NULL")).all()
    for rid, claim_id, reason, created_at, rule in old:
        found = _FIRST.search(reason or "")
        if found is None:
            continue
        months = [m for (m,) in bind.execute(sa.text(
            "SELECT month FROM prog_payment_lines WHERE claim_id = :claim AND month >= :first "
            "AND status IN ('issued', 'paid', 'reissued') ORDER BY month"), {"claim": claim_id,
                                                                            "first": found.group(1)})]
        if rule is None:
            step = bind.scalar(sa.text("SELECT step FROM prog_claim_events WHERE claim_id = :claim AND at = :at "
                                       "AND step LIKE 'stop:%' ORDER BY id LIMIT 1"),
                               {"claim": claim_id, "at": created_at})
            rule = step.removeprefix("stop:") if step else None
        bind.execute(recoveries.update().where(recoveries.c.id == rid).values(months=months, rule=rule))


def downgrade() -> None:
    # the months filled stay (0019's schema has the column; they are what the rows recover)
    op.drop_index('ix_prog_recovery_repayments_reference', table_name='prog_recovery_repayments')
