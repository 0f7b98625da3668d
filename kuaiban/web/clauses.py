"""Clause links for the pages: the library's one resolver (kuaiban/library/clause_links.py), memoised per app."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuaiban.library.clause_links import ClauseLink, resolve
from kuaiban.platform.citations import Clause, registry


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


def cited_clause(cited: dict) -> Clause:
    """The registered clause an explanation step cites (a step carries doc_no, article and quote, not the key);
    one the registry lacks is looked up by its 文号 and quote all the same."""
    doc_no, article, quote = cited.get("doc_no") or "", cited.get("article") or "", cited.get("quote") or ""
    for clause in registry().values():
        if (clause.doc_no, clause.article, clause.quote) == (doc_no, article, quote):
            return clause
    return Clause(key=f"{doc_no}|{article}|{quote}", doc_no=doc_no, article=article, file="", lines=(0, 0),
                  quote=quote)


def linked_steps(app_state, session: Session, steps: list[dict]) -> list[dict]:
    """Explanation steps (计算依据) with ``link``: the place in the 法规库 of the clause each cites (None when the
    step cites none or the library does not hold the document)."""
    link = resolver(app_state, session)
    return [step | {"link": link(cited_clause(step["source"])).url if step.get("source") else None}
            for step in steps]


__all__ = ["ClauseLink", "cited_clause", "linked_basis", "linked_steps", "resolve", "resolver"]
