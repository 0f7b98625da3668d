"""Administration: 节假日安排 entered from the State Council notice, and the calendar's version counter

Revision ID: 0007_admin
Revises: 0006_notifications
Create Date: 2026-12-02 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_admin'
down_revision = '0006_notifications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plat_holiday_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('notice_number', sa.String(length=80), nullable=False),
    sa.Column('notice_title', sa.String(length=200), nullable=False),
    sa.Column('notice_date', sa.Date(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['svc_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('year')
    )
    op.create_table('plat_holiday_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('festival', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['year_id'], ['plat_holiday_years.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day')
    )
    with op.batch_alter_table('plat_holiday_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plat_holiday_days_year_id'), ['year_id'], unique=False)
    op.create_table('plat_calendar_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('plat_calendar_version')
    with op.batch_alter_table('plat_holiday_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plat_holiday_days_year_id'))
    op.drop_table('plat_holiday_days')
    op.drop_table('plat_holiday_years')
