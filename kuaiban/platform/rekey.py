"""Re-encrypt every sealed value under the current key and recompute every lookup hash (key rotation).

The sealed columns are found in the metadata (columns of type SealedString / SealedJSON), so a table
that adds one is covered without a change here; a column ``X_hash`` beside a sealed ``X`` is its lookup
hash. One transaction: either every row moves to the new key or none does. Rows are updated, never
deleted or added.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuaiban.db import Base
from kuaiban.platform import personal_data


def sealed_tables() -> dict[str, list[str]]:
    """Table name → its sealed columns."""
    import kuaiban.models  # noqa: F401  (every pillar's tables registered in the metadata)

    out: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        cols = [c.name for c in table.columns
                if isinstance(c.type, personal_data.SealedString | personal_data.SealedJSON)]
        if cols:
            out[table.name] = cols
    return out


def reencrypt(session: Session) -> dict[str, int]:
    """Seal every value again under the current key; rows rewritten per table."""
    counts: dict[str, int] = {}
    for name, cols in sealed_tables().items():
        table = Base.metadata.tables[name]
        hashed = [c for c in cols if f"{c}_hash" in table.c]
        n = 0
        # reading through the sealed types opens each value (under whichever known key sealed it) …
        for row in session.execute(select(table.c.id, *(table.c[c] for c in cols))).mappings().all():
            values = {c: row[c] for c in cols}
            for c in hashed:
                values[f"{c}_hash"] = personal_data.optional_hash(row[c])
            # … and writing them back seals them under the current one
            session.execute(update(table).where(table.c.id == row["id"]).values(**values))
            n += 1
        counts[name] = n
    return counts
