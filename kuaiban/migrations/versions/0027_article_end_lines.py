"""法规库: the source line a 第X条 ends on (articles.end_line), so its citation names every line it is printed on
("湖南汇编 第 5754–5760 行"), as numbered parts' citations do.

Rows stored before stay NULL (cited by their first line, as before) until the next ingest fills them.

Revision ID: 0027_article_end_lines
Revises: 0026_claim_ratings
Create Date: 2026-12-06 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0027_article_end_lines'
down_revision = '0026_claim_ratings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: no table copy (SQLite's batch copy would drop and recreate the table)
    op.add_column('articles', sa.Column('end_line', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('articles') as batch:
        batch.drop_column('end_line')
