"""法条联想: which calculators, benefit programs and 快办 services act on a document, read from their own citations.

A calculator cites its clauses by key (``kuaiban.rules.sources``: 文号 + article + verbatim quote), and so does
a benefit program (``kuaiban.programs.definitions``); the 打包“一件事” bundles and the 快办 speed-up items carry
their source 文号 (``kuaiban.services.catalogue``).
Both are read through those public modules and indexed by normalised 文号 (or by title, for a document
printed without one), so a document page lists what implements it and a search hit links to the
calculator that computes its answer. The library pillar itself never imports rules or services: this
module stands beside the interfaces (the pages and the JSON API both use it), above the pillars it reads.

A question is also read for the life event it is about (data/topics.yaml: 失业 …), in the words the texts print
(the library's synonym lists), so that "丢了工作" is offered the 失业保险金 guide, the 失业 一件事 and its
calculator whatever documents rank first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from kuaiban.config import DATA
from kuaiban.corpus import docno
from kuaiban.corpus.titles import title_key
from kuaiban.library.search import PHRASE_SYNONYMS, SYNONYMS, plain_words
from kuaiban.library.tokenize import tokenize, words
from kuaiban.platform import regions
from kuaiban.programs import definitions
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.sources import source
from kuaiban.services import catalogue, guide

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

    def add(cited: str, kind: str, title: str, url: str, article: str | None,
            at: tuple[str, int] | None = None) -> None:
        entry = found.setdefault(_key(cited), {}).setdefault(
            (kind, url), {"kind": kind, "title": title, "url": url, "articles": [], "at": []})
        if article and article not in entry["articles"]:
            entry["articles"].append(article)
        entry["at"].append((article, at))  # where the cited clause is printed (file, line), when known

    for calc in CALCULATORS.values():
        for key in calc.sources:
            clause = source(key)
            add(clause.doc_no, "计算器", calc.title, f"/calc/{calc.name}", clause.article,
                (clause.file, clause.lines[0]))
    for bundle in catalogue.bundles():
        add(bundle.source.doc_no, "快办“一件事”", bundle.name, f"/services#bundle-{bundle.seq}",
            bundle.source.attachment)
    registry = definitions.clauses()
    for program in definitions.programs().values():
        # a 免申即享 program is not claimed: its published list is where a person looks; another program's public
        # page (who may claim, the amount's calculator, materials, 依据) is where a reader of the document lands,
        # signed in or not — the claim form behind it asks for a sign-in
        url = f"/programs/listing/{program.code}" if program.no_application else f"/programs/{program.code}/about"
        for key in program.sources:
            clause = registry[key]
            add(clause.doc_no, "补贴申领", program.name, url, clause.article, (clause.file, clause.lines[0]))
    labels = {c.key: c.label for c in guide.items()}
    for doc_no, key, part in guide.citations():
        if key in labels:
            add(doc_no, "办事指南", labels[key], f"/services/guides/{key}", part)
    speedup = catalogue.speedup()
    if speedup:
        doc_nos = {item.source.doc_no for item in speedup}
        for doc_no in doc_nos:
            add(doc_no, "快办事项时限", f"快办行动 {sum(i.source.doc_no == doc_no for i in speedup)} 个事项的办理时限",
                "/services", None)
    return {k: list(v.values()) for k, v in found.items()}


Span = tuple[str, int, int]  # where a document is printed: compilation file, first and last line


def _printed_in(at: tuple[str, int] | None, spans: list[Span]) -> bool:
    """Whether a citation printed at ``at`` (file, line) may be of the document printed at ``spans``: yes when
    its place is unknown or in a compilation that does not hold this document; else only inside its lines.
    One 文号 heads two documents (京人社发[2020]8号: the 失业保险金 standards and the 失业补助金 notice), and
    a clause of one is not a clause of the other."""
    if at is None:
        return True
    file, line = at
    mine = [(a, b) for f, a, b in spans if f == file]
    return not mine or any(a <= line <= b for a, b in mine)


def implementers(doc_no: str | None, title: str, spans: list[Span] | None = None) -> list[dict]:
    """Calculators, programs and services citing the document (by its 文号, or by its title when it has
    none): ``[{kind, title, url, articles}]``, calculators first. With ``spans`` (where the document is
    printed), a citation of another document under the same 文号 is left out."""
    index = _index()
    found = list(index.get(f"no:{doc_no}", [])) if doc_no else []
    found += [e for e in index.get(f"title:{title_key(title)}", []) if e not in found]
    out = []
    for e in found:
        kept = [article for article, at in e["at"] if spans is None or _printed_in(at, spans)]
        if e["at"] and not kept:
            continue
        articles = [a for a in e["articles"] if a in kept] if spans is not None else e["articles"]
        out.append({"kind": e["kind"], "title": e["title"], "url": e["url"], "articles": articles})
    return sorted(out, key=lambda e: (e["kind"] != "计算器", e["title"]))


def acting(doc_no: str | None, title: str, unit: str | None, article: int | None,
           spans: list[Span] | None = None) -> list[dict]:
    """What acts on a search hit: :func:`implementers` of its document, first those citing the part that
    answers (``unit`` 一（二）, or ``article`` 第N条), then one of each kind (calculator, benefit program,
    service) not yet listed, then the rest in order."""
    found = implementers(doc_no, title, spans)
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


# ---------------------------------------------------------------- where a calculator's answer can be claimed

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _short(code: str) -> str:
    """A province's short name (湖南, 北京), as a calculator's 参保地 choice names it."""
    found = regions.region(code)
    name = found.name if found else code
    return next((name.removesuffix(s) for s in _SUFFIXES if name.endswith(s)), name)


NATIONWIDE = "全国"  # a 打包“一件事” of 人社部发〔2020〕26号 is offered in every region


@cache
def _routes() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for program in definitions.programs().values():
        url = f"/programs/listing/{program.code}" if program.no_application else f"/programs/{program.code}/claim"
        found.setdefault(program.calculator, []).append(
            {"code": program.code, "name": program.name, "url": url, "no_application": program.no_application,
             "regions": [_short(r) for r in program.regions]})
    # a topic's calculator is also claimed through the topic's 一件事 where the bundle's row holds that claim
    # (失业保险金 through “失业”, item 1.8.1, whose result the office records at 办结): data/topics.yaml's `claims`
    by_name = {b.name: b for b in catalogue.bundles()}
    for topic in topics():
        for calculator in topic.claims:
            for name in topic.bundles:
                if name in by_name:
                    found.setdefault(calculator, []).append(
                        {"code": f"bundle-{by_name[name].seq}", "name": f"“{name}”一件事",
                         # the item page, where every item (1.8.1 with them) is kept: the form reached
                         # directly ticks only the text's 默认勾选, without 失业保险金申领 (walk s15 B2)
                         "url": f"/services/bundles/{by_name[name].seq}", "no_application": False,
                         "regions": [NATIONWIDE]})
    return found


def claim_routes(calculator: str) -> list[dict]:
    """The benefit programs of this system whose amount the calculator computes: ``[{code, name, url,
    no_application, regions (short names)}]`` — where its answer can be claimed here, and nowhere else."""
    return list(_routes().get(calculator, []))


def claim_note(calculator: str, title: str, region: str | None) -> str | None:
    """What a reader of the calculator (or of a search hit linking to it) is told about claiming here:
    None where a program of this system takes the claim in ``region`` (a short province name) or in every
    province; else a plain sentence that this system does not take it there (or, without a region, where
    it does and that it does not elsewhere)."""
    routes = claim_routes(calculator)
    place = (region or "").strip() or None
    if place in ("全国", "全国（各地）"):
        place = None
    if not routes:
        return "本系统只提供测算，不受理此项申领；申领请向当地人力资源社会保障部门或经办机构咨询"
    covered = sorted({r for route in routes for r in route["regions"]})
    if place in covered or NATIONWIDE in covered or len(covered) >= len(regions.provinces()):
        return None
    if place is None:
        return f"本系统只受理{'、'.join(covered) if len(covered) <= 3 else '下列地区'}的{title}申领，其他地区请向当地人力资源社会保障部门或经办机构咨询"
    where = "、".join(covered) if len(covered) <= 3 else f"{'、'.join(covered[:3])}等 {len(covered)} 个地区"
    return (f"本系统不受理{place}的{title}申领（只受理{where}的）；"
            f"{place}的申领请向当地人力资源社会保障部门或经办机构咨询")


# ---------------------------------------------------------------- what a question is about (事项联想)

TOPICS = DATA / "topics.yaml"


@dataclass(frozen=True)
class Topic:
    """A life event a question may be about, the words the texts print for it, and what this system offers
    for it (data/topics.yaml)."""

    name: str
    terms: frozenset[str]
    unless: frozenset[str]
    guides: tuple[str, ...]
    bundles: tuple[str, ...]
    calculators: tuple[str, ...]
    # the calculators whose answer the topic's 一件事 claims (a service of the bundle's row is that claim:
    # 1.8.1 失业保险金申领 for unemployment_benefit); the others are offered to compute only
    claims: tuple[str, ...] = ()


@cache
def topics() -> tuple[Topic, ...]:
    data = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]
    return tuple(Topic(t["name"], frozenset(t["terms"]), frozenset(t.get("unless", ())), tuple(t.get("guides", ())),
                       tuple(t.get("bundles", ())), tuple(t.get("calculators", ())), tuple(t.get("claims", ())))
                 for t in data)


def topics_of(question: str) -> list[Topic]:
    """The topics a question is about, read in the words the texts print (丢了工作 → 失业): a topic's term counts
    when the question says it as a whole word, or as several whole words in a row (失业保险 + 待遇), or when the
    synonym lists translate a word or phrase of the question into it (下岗 → 失业) — never when it is only part
    of a longer word (失业 inside 失业率 or 失业补助金). A topic's ``unless`` words count anywhere, sub-words
    included: the broader they are read, the fewer questions on another matter are offered the topic."""
    whole, translated, every = words(question), _translations(question), plain_words(question)
    return [t for t in topics()
            if any(term in translated or says(whole, term) for term in t.terms) and not every & t.unless]


def says(whole: list[str], term: str) -> bool:
    """Whether ``term`` is one of the whole words, or several of them in a row."""
    for start in range(len(whole)):
        run = ""
        for word in whole[start:]:
            run += word
            if run == term:
                return True
            if not term.startswith(run):
                break
    return False


def _translations(question: str) -> set[str]:
    """What the synonym lists translate the question's words (sub-words included: 下岗 in 下岗职工) and phrases
    into — the translations only, not the question's own words."""
    found = {alt for w in tokenize(question) for alt in SYNONYMS.get(w, ())}
    return found | {alt for phrase, alts in PHRASE_SYNONYMS.items() if phrase in question for alt in alts}


def topic_actions(question: str) -> dict[str, list]:
    """What the question's topics lead to: ``guides`` (ItemChoice of kuaiban.services.guide), ``bundles``
    ({name, url}) and ``calculators`` ({name, title, url, note}), each once, in the topics' order."""
    guides: dict[str, object] = {}
    bundles: dict[str, dict] = {}
    calcs: dict[str, dict] = {}
    choices = {c.key: c for c in guide.items()}
    by_name = {b.name: b for b in catalogue.bundles()}
    for topic in topics_of(question):
        for key in topic.guides:
            if key in choices:
                guides.setdefault(key, choices[key])
        for name in topic.bundles:
            if name in by_name:
                bundles.setdefault(name, {"name": name, "url": f"/services#bundle-{by_name[name].seq}"})
        for name in topic.calculators:
            if name in CALCULATORS:
                calc = CALCULATORS[name]
                note = None if claim_routes(name) else "仅可测算，本系统不受理申领"
                calcs.setdefault(name, {"name": name, "title": calc.title, "url": f"/calc/{name}", "note": note})
    return {"guides": list(guides.values()), "bundles": list(bundles.values()), "calculators": list(calcs.values())}
