"""失业登记: the notices owed for registrations decided (and deregistrations recorded) before 0018_ue_notices

0018 created ``ue_notices`` empty, so a result decided before it, or a 注销 recorded before it, was never
listed as 待告知 although 人社厅发〔2020〕3号 三 (hunan-hrss-2020.txt:3405 “以适当方式主动反馈办理结果”) and
五 (3433 “以适当方式予以告知”) owe the person that notice. This backfills one notice per such step:

- given (method 消息中心, at the message's time) when the message the system posted then is in the message
  centre (kind ue_approved / ue_rejected / ue_deregistered, ref = the registration's 系统流水号) — before
  0018 that message was posted to the person's own account whenever they had one, as it is now;
- otherwise owed since the decision (or the 注销), listed for the caseworkers until one records how the
  person was told. Nothing shows the person was told otherwise, so the system cannot assume it.

A 注销 whose reason owes no notice (``notice_required`` false: 移居境外、被判刑收监执行、死亡、无法取得联系,
3433) gets none. Rows already present (written by 0018's code) are left alone, so running it twice adds
nothing. Downgrade leaves the rows: they are valid under 0018.

Revision ID: 0020_ue_notices_backfill
Revises: 0019_program_recoveries
Create Date: 2026-12-06 04:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_ue_notices_backfill'
down_revision = '0019_program_recoveries'
branch_labels = None
depends_on = None

MESSAGE_CENTRE = "消息中心"
BACKFILL_NOTE = "据当时消息中心的通知补记"

# (about, the steps that owed it, the message kinds that gave it)
DECIDED = sa.text(
    "SELECT r.id, r.aaz341, r.decided_at AS owed FROM ue_registrations r WHERE r.decided_at IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM ue_notices n WHERE n.registration_id = r.id AND n.about = 'decision') "
    "ORDER BY r.id")
DEREGISTERED = sa.text(
    "SELECT r.id, r.aaz341, d.recorded_at AS owed FROM ue_deregistrations d "
    "JOIN ue_registrations r ON r.id = d.registration_id WHERE d.notice_required = :yes "
    "AND NOT EXISTS (SELECT 1 FROM ue_notices n WHERE n.registration_id = r.id AND n.about = 'deregistration') "
    "ORDER BY r.id")
STEPS = (("decision", DECIDED, ("ue_approved", "ue_rejected")),
         ("deregistration", DEREGISTERED, ("ue_deregistered",)))

MESSAGE = (sa.text("SELECT min(created_at) AS told FROM msg_notifications WHERE ref = :ref AND kind IN :kinds")
           .bindparams(sa.bindparam("kinds", expanding=True)).columns(sa.column("told", sa.DateTime)))
INSERT = sa.text("INSERT INTO ue_notices (registration_id, about, owed_since, method, told_at, note) "
                 "VALUES (:registration_id, :about, :owed_since, :method, :told_at, :note)")


def upgrade() -> None:
    conn = op.get_bind()
    for about, owed_rows, kinds in STEPS:
        for row in conn.execute(owed_rows, {"yes": True}).all():
            told = conn.execute(MESSAGE, {"ref": row.aaz341, "kinds": list(kinds)}).scalar()
            conn.execute(INSERT, {"registration_id": row.id, "about": about, "owed_since": row.owed,
                                  "method": MESSAGE_CENTRE if told else None, "told_at": told,
                                  "note": BACKFILL_NOTE if told else None})


def downgrade() -> None:
    pass  # the backfilled notices are valid rows under 0018; nothing to undo
