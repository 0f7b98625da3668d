"""Which unique rule of the database an IntegrityError broke.

The database, not a SELECT beforehand, decides who wins when two requests create the same thing at
once; the loser's INSERT fails and the caller turns that into a Chinese 409 (``errors.Conflict``).
PostgreSQL names the index or constraint that failed; SQLite names its table and columns — a rule
knows both, so pointing a rule at another column (e.g. a keyed hash of the ID number) is one edit here
plus the migration that builds the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError


@dataclass(frozen=True)
class UniqueRule:
    index: str  # the index or constraint name, as PostgreSQL reports it
    table: str
    columns: tuple[str, ...]  # as SQLite reports them: "UNIQUE constraint failed: t.a, t.b"

    def broken_by(self, exc: IntegrityError) -> bool:
        diag = getattr(exc.orig, "diag", None)
        if diag is not None and getattr(diag, "constraint_name", None):
            return diag.constraint_name == self.index
        return str(exc.orig).strip() == ("UNIQUE constraint failed: "
                                         + ", ".join(f"{self.table}.{c}" for c in self.columns))


# built by migrations 0002 (username) and 0009, moved by 0010 to the keyed hash of the encrypted number
USERNAME = UniqueRule("svc_users_username_key", "svc_users", ("username",))
APPLICANT_IDENTITY = UniqueRule("ux_svc_applicants_identity_hash", "svc_applicants", ("kind", "id_number_hash"))
