"""Personal data at rest: encrypt identity numbers, phones, addresses; keyed hashes for lookups

Adds ``id_number_hash`` to svc_applicants and ue_registrations (indexed; lookups and uniqueness go through
it), widens the encrypted text columns on PostgreSQL, and encrypts every existing value in place with the
current key of :mod:`kuaiban.platform.personal_data` (values already encrypted are left as they are, so a
re-run changes nothing). Rows are only updated, never deleted. The partial unique indexes of 0009 (one
applicant per number, one open 失业登记 per person) move from the number, now ciphertext under a fresh
nonce each time, to its keyed hash.

Revision ID: 0010_personal_data
Revises: 0009_uniqueness_and_logins
Create Date: 2026-12-02 07:00:00
"""
import sqlalchemy as sa
from alembic import op

from kuaiban.platform import personal_data as pd

revision = '0010_personal_data'
down_revision = '0009_uniqueness_and_logins'
branch_labels = None
depends_on = None

# Frozen here (the application's lists may change later; this migration must not):
# the 失业登记 record fields that are personal (application.yaml / result.yaml / exit.yaml) …
_RECORD_FIELDS = frozenset({"AAC002", "AAC044", "AAC067", "AAE005", "AAE159", "AAE461", "AAC010", "AAC046"})


def _record_field(key: str) -> bool:
    return key in _RECORD_FIELDS


# … and the 一件事 form fields that are (by name, as kuaiban.services.form_fields.kind reads them in 2026-12)
def _form_field(name: str) -> bool:
    return ("证件号码" in name or "手机号码" in name or name == "联系电话" or "地址" in name
            or name == "户口所在地" or "账户" in name or "账号" in name)


# table → ([text columns], [(json column, personal-field test)], text column whose hash is kept, or None)
_TABLES = {
    "svc_applicants": (["id_number"], [], "id_number"),
    "svc_cases": ([], [("form", _form_field)], None),
    "ue_registrations": (["id_number"], [("application", _record_field), ("result", _record_field)], "id_number"),
    "ue_commitments": (["text", "signer_id_number"], [], None),
    "ue_deregistrations": ([], [("exit_record", _record_field)], None),
    "ue_sync_inbox": ([], [("record", _record_field)], None),
    "ue_sync_outbox": ([], [("payload", _record_field)], None),
}
_WIDENED = {"svc_applicants": ("id_number", 40), "ue_registrations": ("id_number", 22),
            "ue_commitments": ("signer_id_number", 22)}


# (old index, new index, table, old columns, new columns, where old, where new), as 0009 built them
_OPEN = "status = '已登记' OR (status = '待审核' AND channel <> 'national')"
_UNIQUE = (
    ("ux_svc_applicants_identity", "ux_svc_applicants_identity_hash", "svc_applicants", ["kind", "id_number"],
     ["kind", "id_number_hash"], "id_number IS NOT NULL", "id_number_hash IS NOT NULL"),
    ("ux_ue_registrations_open_person", "ux_ue_registrations_open_person_hash", "ue_registrations", ["id_number"],
     ["id_number_hash"], _OPEN, _OPEN),
)


def _unique(name: str, table: str, columns: list[str], where: str) -> None:
    op.create_index(name, table, columns, unique=True, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade() -> None:
    for old, _new, table, *_ in _UNIQUE:  # before the batch copies below rebuild the tables
        op.drop_index(old, table_name=table)
    for table in ("svc_applicants", "ue_registrations"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('id_number_hash', sa.String(length=80), nullable=True))
            batch.create_index(batch.f(f'ix_{table}_id_number_hash'), ['id_number_hash'], unique=False)
    with op.batch_alter_table('ue_registrations') as batch:
        batch.drop_index('ix_ue_registrations_id_number')  # an index over ciphertext finds nothing
    if op.get_bind().dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        for table, (column, length) in _WIDENED.items():
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length=length))
    for table, spec in _TABLES.items():
        _seal_table(table, *spec)
    for _old, new, table, _cols, new_cols, _where, new_where in _UNIQUE:
        _unique(new, table, new_cols, new_where)


def _seal_table(name: str, texts: list[str], jsons: list[tuple], hashed: str | None) -> None:
    conn = op.get_bind()
    cols = [sa.column("id", sa.Integer)] + [sa.column(c, sa.Text) for c in texts] + \
        [sa.column(c, sa.JSON) for c, _ in jsons] + ([sa.column(f"{hashed}_hash", sa.String)] if hashed else [])
    t = sa.table(name, *cols)
    for row in conn.execute(sa.select(*[t.c[c.name] for c in cols if not c.name.endswith("_hash")])).mappings():
        values: dict = {}
        for c in texts:
            v = row[c]
            if v and not pd.is_sealed(v):
                values[c] = pd.seal(v, f"{name}.{c}")
        for c, personal in jsons:
            record = row[c]
            if isinstance(record, dict) and any(personal(k) and isinstance(v, str) and v and not pd.is_sealed(v)
                                                for k, v in record.items()):
                values[c] = {k: pd.seal(v, f"{name}.{c}.{k}")
                             if personal(k) and isinstance(v, str) and v and not pd.is_sealed(v) else v
                             for k, v in record.items()}
        if hashed and row[hashed]:
            plain = row[hashed] if not pd.is_sealed(row[hashed]) else pd.unseal(row[hashed], f"{name}.{hashed}")
            values[f"{hashed}_hash"] = pd.lookup_hash(plain)
        if values:
            conn.execute(sa.update(t).where(t.c.id == row["id"]).values(**values))


def downgrade() -> None:
    # Decrypt in place, then drop the hash columns: the rows themselves are kept.
    for _old, new, table, *_ in _UNIQUE:
        op.drop_index(new, table_name=table)
    conn = op.get_bind()
    for name, (texts, jsons, _hashed) in _TABLES.items():
        cols = [sa.column("id", sa.Integer)] + [sa.column(c, sa.Text) for c in texts] + \
            [sa.column(c, sa.JSON) for c, _ in jsons]
        t = sa.table(name, *cols)
        for row in conn.execute(sa.select(*cols)).mappings():
            values = {c: pd.unseal(row[c], f"{name}.{c}") for c in texts if pd.is_sealed(row[c])}
            for c, _ in jsons:
                if isinstance(row[c], dict) and any(pd.is_sealed(v) for v in row[c].values()):
                    values[c] = {k: pd.unseal(v, f"{name}.{c}.{k}") if pd.is_sealed(v) else v
                                 for k, v in row[c].items()}
            if values:
                conn.execute(sa.update(t).where(t.c.id == row["id"]).values(**values))
    with op.batch_alter_table('ue_registrations') as batch:
        batch.create_index('ix_ue_registrations_id_number', ['id_number'], unique=False)
    for table in ("svc_applicants", "ue_registrations"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f'ix_{table}_id_number_hash'))
            batch.drop_column('id_number_hash')
    for old, _new, table, cols, _new_cols, where, _new_where in _UNIQUE:
        _unique(old, table, cols, where)
