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


def linked_basis(app_state, session: Session, clauses: list[Clause]) -> list[dict]:
    """A 依据 line: each 文号 and article once, in order, with the link to its clause in the 法规库 (None when
    the library does not hold the document), so a page citing a document links back to it (法条联想)."""
    link, out = resolver(app_state, session), {}
    for clause in clauses:
        label = f"{clause.doc_no} {clause.article or ''}".strip()
        if label not in out:
            out[label] = {"label": label, "url": link(clause).url}
    return list(out.values())


__all__ = ["ClauseLink", "linked_basis", "resolve", "resolver"]
