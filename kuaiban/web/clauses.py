"""Clause links for the pages: the library's one resolver (kuaiban/library/clause_links.py), memoised per app."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuaiban.library.clause_links import ClauseLink, resolve
from kuaiban.platform.citations import Clause


def resolver(app_state, session: Session):
    """A memoised `resolve` for one app (document ids are stable across re-ingests)."""
    cache: dict[str, ClauseLink] = app_state.__dict__.setdefault("_clause_links", {})

    def link(clause: Clause) -> ClauseLink:
        if clause.key not in cache:
            cache[clause.key] = resolve(session, clause)
        return cache[clause.key]

    return link


__all__ = ["ClauseLink", "resolve", "resolver"]
