"""Re-encrypt every sealed value under the current key and recompute every lookup hash (key rotation).

Both kinds of column are found in the metadata, so a table that adds one is covered without a change here:
sealed columns by their type (SealedString / SealedJSON), lookup hashes by theirs
(:class:`~kuaiban.platform.personal_data.LookupHash`):

- a hash *beside* its value (``LookupHash(of="id_number")``) is recomputed from the value it hashes;
- a hash kept *without* its value (``LookupHash()``: a 免申即享 entry's 统一社会信用代码, a register's subject,
  a hold's person) is renamed: the value it hashes is held, sealed, somewhere else (the enterprise's or
  person's applicant record, a 失业登记), so each such value's hash under every known key is mapped to its hash
  under the current key, and every detached hash found in that map is replaced. A detached hash whose value
  the database holds nowhere cannot be recomputed; :func:`stale_hashes` counts what is left under an older
  key, so the old key is dropped only once nothing needs it.

One transaction: either every row moves to the new key or none does. Rows are updated, never deleted or
added.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from kuaiban.db import Base
from kuaiban.platform import personal_data


def _tables() -> list[Table]:
    import kuaiban.models  # noqa: F401  (every pillar's tables registered in the metadata)

    return Base.metadata.sorted_tables


def sealed_tables() -> dict[str, list[str]]:
    """Table name → its sealed columns."""
    out: dict[str, list[str]] = {}
    for table in _tables():
        cols = [c.name for c in table.columns
                if isinstance(c.type, personal_data.SealedString | personal_data.SealedJSON)]
        if cols:
            out[table.name] = cols
    return out


def lookup_hash_columns() -> dict[str, dict[str, str | None]]:
    """Table name → {lookup-hash column: the sealed column of the row it hashes, or None if kept without it}."""
    out: dict[str, dict[str, str | None]] = defaultdict(dict)
    for table in _tables():
        for c in table.columns:
            if isinstance(c.type, personal_data.LookupHash):
                out[table.name][c.name] = c.type.of
    return dict(out)


def _detached() -> list[tuple[str, str]]:
    return [(t, c) for t, cols in lookup_hash_columns().items() for c, of in cols.items() if of is None]


def reencrypt(session: Session) -> dict[str, int]:
    """Seal every value again under the current key and rehash every lookup hash; rows rewritten per table."""
    hashes = lookup_hash_columns()
    detached = _detached()
    # the detached hashes to rename, each mapped (below) to the current hash of the value it hashes
    renamed: dict[str, str | None] = {h: None for t, c in detached
                                      for h in session.scalars(select(Base.metadata.tables[t].c[c]).distinct())}
    keys = personal_data.keyring().keys
    counts: dict[str, int] = {}
    for name, cols in sealed_tables().items():
        table = Base.metadata.tables[name]
        beside = {h: of for h, of in hashes.get(name, {}).items() if of is not None}
        n = 0
        # reading through the sealed types opens each value (under whichever known key sealed it) …
        for row in session.execute(select(table.c.id, *(table.c[c] for c in cols))).mappings().all():
            values = {c: row[c] for c in cols}
            for h, of in beside.items():
                values[h] = current = personal_data.optional_hash(row[of])
                if current is not None:
                    for key in keys:
                        if (old := personal_data.lookup_hash(row[of], key)) in renamed:
                            renamed[old] = current
            # … and writing them back seals them under the current one
            session.execute(update(table).where(table.c.id == row["id"]).values(**values))
            n += 1
        counts[name] = n
    for name, col in detached:
        table = Base.metadata.tables[name]
        n = 0
        for old in session.scalars(select(table.c[col]).distinct()).all():
            new = renamed.get(old)
            if new is not None and new != old:
                n += session.execute(update(table).where(table.c[col] == old).values({col: new})).rowcount
        counts[name] = counts.get(name, 0) + n
    return counts


def stale_hashes(session: Session) -> dict[str, int]:
    """``table.column`` → rows whose lookup hash is not under the current key (what an older key is still
    needed for); empty when every lookup hash is current."""
    prefix = f"{personal_data.keyring().current.id}:"
    out: dict[str, int] = {}
    for name, cols in lookup_hash_columns().items():
        table = Base.metadata.tables[name]
        for col in cols:
            c = table.c[col]
            n = session.scalar(select(func.count()).select_from(table)
                               .where(c.is_not(None), func.substr(c, 1, len(prefix)) != prefix))
            if n:
                out[f"{name}.{col}"] = n
    return out
