"""法条联想: which calculators, benefit programs and 快办 services act on a document, read from their own citations.

A calculator cites its clauses by key (``kuaiban.rules.sources``: 文号 + article + verbatim quote), and so does
a benefit program (``kuaiban.programs.definitions``); the 打包“一件事” bundles and the 快办 speed-up items carry
their source 文号 (``kuaiban.services.catalogue``).
Both are read through those public modules and indexed by normalised 文号 (or by title, for a document
printed without one), so a document page lists what implements it and a search hit links to the
calculator that computes its answer. The library pillar itself never imports rules or services: this
module stands beside the interfaces (the pages and the JSON API both use it), above the pillars it reads.
"""

from __future__ import annotations

import re
from functools import cache

from kuaiban.corpus import docno
from kuaiban.corpus.titles import title_key
from kuaiban.programs import definitions
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.sources import source
from kuaiban.services import catalogue

ACTING_SHOWN = 4  # what acts on a document, linked under one search hit (the document page lists all)
_NOTE = re.compile(r"[（(][^（）()]*[）)]\s*$")  # "（解读）", "（上海，无文号）"


def _key(cited: str) -> str:
    """The 文号 a citation names, normalised; or the title it names, as a title key."""
    bare = _NOTE.sub("", cited.strip())
    number = docno.normalize(bare)
    return f"no:{number}" if number else f"title:{title_key(bare)}"


@cache
def _index() -> dict[str, list[dict]]:
    found: dict[str, dict[tuple[str, str], dict]] = {}

    def add(cited: str, kind: str, title: str, url: str, article: str | None) -> None:
        entry = found.setdefault(_key(cited), {}).setdefault(
            (kind, url), {"kind": kind, "title": title, "url": url, "articles": []})
        if article and article not in entry["articles"]:
            entry["articles"].append(article)

    for calc in CALCULATORS.values():
        for key in calc.sources:
            clause = source(key)
            add(clause.doc_no, "计算器", calc.title, f"/calc/{calc.name}", clause.article)
    for bundle in catalogue.bundles():
        add(bundle.source.doc_no, "快办“一件事”", bundle.name, f"/services#bundle-{bundle.seq}",
            bundle.source.attachment)
    registry = definitions.clauses()
    for program in definitions.programs().values():
        # a 免申即享 program is not claimed: its published list is where a person looks
        url = f"/programs/listing/{program.code}" if program.no_application else f"/programs/{program.code}/claim"
        for key in program.sources:
            clause = registry[key]
            add(clause.doc_no, "补贴申领", program.name, url, clause.article)
    speedup = catalogue.speedup()
    if speedup:
        doc_nos = {item.source.doc_no for item in speedup}
        for doc_no in doc_nos:
            add(doc_no, "快办事项时限", f"快办行动 {sum(i.source.doc_no == doc_no for i in speedup)} 个事项的办理时限",
                "/services", None)
    return {k: list(v.values()) for k, v in found.items()}


def implementers(doc_no: str | None, title: str) -> list[dict]:
    """Calculators, programs and services citing the document (by its 文号, or by its title when it has
    none): ``[{kind, title, url, articles}]``, calculators first."""
    index = _index()
    out = list(index.get(f"no:{doc_no}", [])) if doc_no else []
    out += [e for e in index.get(f"title:{title_key(title)}", []) if e not in out]
    return sorted(out, key=lambda e: (e["kind"] != "计算器", e["title"]))


def acting(doc_no: str | None, title: str, unit: str | None, article: int | None) -> list[dict]:
    """What acts on a search hit: :func:`implementers` of its document, first those citing the part that
    answers (``unit`` 一（二）, or ``article`` 第N条), then one of each kind (calculator, benefit program,
    service) not yet listed, then the rest in order."""
    found = implementers(doc_no, title)
    part = (unit or (f"第{article}条" if article else "")).replace("、", "")

    def cites_part(entry: dict) -> bool:
        return bool(part) and any(a.replace("、", "").startswith(part) or part.endswith(a.replace("、", ""))
                                  for a in entry["articles"] if a)

    first = [e for e in found if cites_part(e)]
    kinds = {e["kind"] for e in first}
    for e in found:
        if e not in first and e["kind"] not in kinds:
            first.append(e)
            kinds.add(e["kind"])
    return first + [e for e in found if e not in first]
