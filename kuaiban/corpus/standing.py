"""A document's standing on any date: 现行有效, 尚未生效, 部分失效, 已被修改, 失效 or 未知.

Two parts:

* :func:`standings` reads, once at ingest, what each document says of itself
  (:mod:`kuaiban.corpus.periods`) and what the other documents of the library do to it: a 废止 list or
  "《…》(文号)同时废止" clause (:mod:`kuaiban.corpus.validity`), a "关于修改《…》的决定", and a later
  document on the same recurring matter in the same region (the yearly 基本养老金 adjustment, the
  缴费基数, the 最低工资标准 …), which replaces the earlier one from its own start; and a later document of the
  same region that extends its measures ("关于延长阶段性减免…政策实施期限"), whose new end dates become its
  measures' too; and a notice that forwards another (转发) carries the forwarded one's measures. The result is a
  plain JSON record, stored with the document.
* :func:`status_on` turns such a record into the status on a given day, with the clause it rests on.

Order of the rules on day D (the first that applies decides):
repealed or replaced by D → 失效; D before the start → 尚未生效; D after the document's own end → 失效;
a temporary document whose every measure has ended → 失效; some measure ended → 部分失效; amended by D →
已被修改; a start date known, or a list calling it valid → 现行有效; otherwise 未知.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

from kuaiban.corpus import validity
from kuaiban.corpus.compilations import cite_line
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.periods import Clause, DocumentPeriod, Measure, PartLocator, read_period
from kuaiban.corpus.text import strip_markup
from kuaiban.corpus.titles import title_key

VALID = "现行有效"
NOT_YET = "尚未生效"
PARTLY_LAPSED = "部分失效"
AMENDED = "已被修改"
LAPSED = "失效"
UNKNOWN = "未知"
STATUSES = (VALID, NOT_YET, PARTLY_LAPSED, AMENDED, LAPSED, UNKNOWN)

# recurring matters: a later document of the same series and region replaces the earlier one
SERIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("基本养老金调整", re.compile(r"调整(?:退休人员)?基本养老金")),
    ("缴费基数", re.compile(r"缴费基数")),
    ("最低工资标准", re.compile(r"最低工资标准")),
    ("平均工资", re.compile(r"平均工资")),
    ("工伤定期待遇调整", re.compile(r"调整.{0,12}(?:伤残津贴|供养亲属.{0,6}(?:抚恤金|定期待遇))")),
    ("失业保险金标准", re.compile(r"调整失业保险金.{0,4}标准")),
)
_AMENDS_TITLE_RE = re.compile(r"关于修改《(?P<title>[^《》]{4,80})》(?:等.{0,10})?的决定")
_AMENDS_TEXT_RE = re.compile(
    r"《(?P<title>[^《》]{4,100})》\s*[（(](?P<no>[^()（）]{4,40}?号)[)）]\s*(?:作如下修改|第.{1,8}条修改为|进行修改)")


# a year a title is about: "2021年调整…", "2020年度缴费基数" (not an edition: "(2021年版)", "目录(2021年)")
_YEAR_OF_TITLE_RE = re.compile(r"(?<![（(\d])(?P<y>(?:19|20)\d\d)\s*年(?!版|\)|）)")


def series_of(title: str) -> str | None:
    """The recurring matter a title belongs to, or None: "2021年调整退休人员基本养老金" → 基本养老金调整."""
    return next((name for name, pattern in SERIES if pattern.search(title)), None)


def standings(docs: list[ParsedDocument]) -> list[dict]:
    """One JSON record per document of ``docs`` (same order): its own period and what others do to it."""
    periods = [read_period(d) for d in docs]
    for i, measure in list(_extended(docs, periods)) + list(_forwarded(docs, periods)):
        periods[i].measures.append(measure)
    events: list[list[dict]] = [[] for _ in docs]
    for i, event in _listed(docs, periods):
        events[i].append(event)
    for i, event in _amended(docs, periods):
        events[i].append(event)
    for i, event in _replaced(docs, periods):
        events[i].append(event)
    return [_record(p, e) for p, e in zip(periods, events, strict=True)]


def _start(period: DocumentPeriod, doc: ParsedDocument) -> dt.date | None:
    return period.valid_from or doc.date


def _line_text(doc: ParsedDocument, line: int) -> str:
    streams = [doc.paragraphs] + [a.paragraphs for a in doc.attachments]
    for paragraphs in streams:
        for p in paragraphs:
            if p.line == line:
                return strip_markup(p.text).lstrip("#-").strip()
    return ""


def _clause_at(doc: ParsedDocument, line: int, fallback: str) -> Clause:
    quote = (_line_text(doc, line) or fallback).replace("\t", " ")
    return Clause(doc.doc_no, doc.title, PartLocator(doc).part(line), quote[:300], line, doc.source.file)


def _listed(docs: list[ParsedDocument], periods: list[DocumentPeriod]) -> Iterator[tuple[int, dict]]:
    by_no = {d.doc_no: j for j, d in enumerate(docs) if d.doc_no}
    for i, entry in validity.matched_entries(docs):
        j = by_no.get(entry.basis)
        acting = docs[j] if j is not None else None
        on = (_start(periods[j], docs[j]) if j is not None else None) or entry.list_date
        if acting is not None:
            clause = _clause_at(acting, entry.line, entry.title)
        else:
            clause = Clause(entry.basis, "", None, entry.title, entry.line, docs[i].source.file)
        kind = "repealed" if entry.status == validity.REPEALED else "listed_valid"
        yield i, _event(kind, on, clause)


def _amended(docs: list[ParsedDocument], periods: list[DocumentPeriod]) -> Iterator[tuple[int, dict]]:
    by_no = {d.doc_no: i for i, d in enumerate(docs) if d.doc_no}
    by_title = {title_key(d.title): i for i, d in enumerate(docs)}
    for j, doc in enumerate(docs):
        targets: list[tuple[int, Clause]] = []
        m = _AMENDS_TITLE_RE.search(doc.title)
        if m and title_key(m["title"]) in by_title:
            targets.append((by_title[title_key(m["title"])],
                            Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)))
        for p in doc.paragraphs:
            for m in _AMENDS_TEXT_RE.finditer(strip_markup(p.text)):
                from kuaiban.corpus.docno import normalize

                i = by_no.get(normalize(m["no"]) or "")
                if i is not None:
                    targets.append((i, _clause_at(doc, p.line, m.group())))
        for i, clause in targets:
            if i != j:
                yield i, _event("amended", _start(periods[j], doc), clause)


def _replaced(docs: list[ParsedDocument], periods: list[DocumentPeriod]) -> Iterator[tuple[int, dict]]:
    groups: dict[tuple[str, str | None], list[int]] = {}
    for i, doc in enumerate(docs):
        name = series_of(doc.title)
        if name and _start(periods[i], doc):
            groups.setdefault((name, doc.region), []).append(i)
    for members in groups.values():
        members.sort(key=lambda i: _start(periods[i], docs[i]))
        for earlier, later in itertools.pairwise(members):
            successor = docs[later]
            # the successor's title names the matter and the year: that is what replaces
            clause = Clause(successor.doc_no, successor.title, None, successor.title, successor.source.start_line,
                            successor.source.file)
            if _start(periods[later], successor) > _start(periods[earlier], docs[earlier]):
                yield earlier, _event("replaced", _start(periods[later], successor), clause)


# "关于延长阶段性减免企业社会保险费政策实施期限等问题的通知" extends "关于阶段性减免企业社会保险费的通知"
_EXTENDS_TITLE_RE = re.compile(r"(?:延长|延续|顺延)")
_CITED_NO_RE = re.compile(r"[（(](?P<no>[^()（）]{4,40}?号)[)）]")
_SUBJECT_RE = re.compile(r"^(?:.*?关于)?(?P<subject>.+?)(?:有关问题|有关事项|等问题)?的(?:通知|实施意见|意见|公告|决定)$")
# a sentence of the later document that carries a measure on: "…免征的政策，延长执行到2020年12月底",
# "可继续缓缴社会保险费至2020年12月底" (not its own new measures: "…可于2021年底前进行补缴")
_CARRIED_ON_RE = re.compile(r"延长|继续|延续|顺延")
EXTENDING_OPENING = 6  # the paragraphs in which the later document names what it extends


def _extended(docs: list[ParsedDocument], periods: list[DocumentPeriod]) -> Iterator[tuple[int, Measure]]:
    """Measures a later document of the same region carries on: it names the earlier one by its 文号 at its
    opening, its title extends the earlier one's subject ("延长阶段性减免企业社会保险费政策实施期限" after
    "阶段性减免企业社会保险费"), and each of its sentences that extends ("延长执行到2020年12月底") ends a
    measure of the earlier document too, cited by the later one's words (人社部发〔2020〕49号 一 carries
    人社部发〔2020〕11号's exemption for small firms to 2020-12-31)."""
    from kuaiban.corpus.docno import normalize

    by_no: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        if d.doc_no:
            by_no.setdefault(d.doc_no, []).append(i)
    for j, later in enumerate(docs):
        if not _EXTENDS_TITLE_RE.search(later.title):
            continue
        carried = [m for m in periods[j].measures if _CARRIED_ON_RE.search(m.clause.quote)]
        if not carried:
            continue
        named = {normalize(m["no"]) for p in later.paragraphs[:EXTENDING_OPENING]
                 for m in _CITED_NO_RE.finditer(strip_markup(p.text))}
        for no in named - {None, later.doc_no}:
            for i in by_no.get(no, ()):
                earlier = docs[i]
                subject = _SUBJECT_RE.match(earlier.title)
                if earlier.region != later.region or not subject or len(subject["subject"]) < 6:
                    continue
                extends = _EXTENDS_TITLE_RE.search(later.title)
                if subject["subject"] in later.title[extends.end():]:
                    since = periods[j].valid_from or later.date
                    yield from ((i, Measure(m.until, m.clause, since)) for m in carried)


# a notice that forwards another: "关于转发落实…暂缓缴存农民工工资保证金政策的通知" whose opening names what it forwards,
# "…印发《关于落实…的通知》（人社厅发〔2020〕40号），…现转发给你们" (shandong-2020.txt:4952), or its title does
# ("关于转发人社厅发〔2020〕79号文件…")
_FORWARDS_TITLE_RE = re.compile(r"转发")
_TITLE_NO_RE = re.compile(r"(?P<no>[^\s《》、，,]{2,12}〔\s*\d{4}\s*〕\s*\d+\s*号)")
FORWARDING_OPENING = 4  # the paragraphs in which a forwarding notice names what it forwards


def _forwarded(docs: list[ParsedDocument], periods: list[DocumentPeriod]) -> Iterator[tuple[int, Measure]]:
    """The measures a forwarding notice carries: those of the document it forwards (held in the library, named by
    its 文号 in the title or the opening) that end after the forwarding notice's start. 鲁人社函〔2020〕18号
    forwards 人社厅发〔2020〕40号, whose "自实施意见发布之日起至2020年6月底前，暂缓缴存农民工工资保证金" (hunan-hrss-
    2020.txt:9530) it passes on and ends with it."""
    from kuaiban.corpus.docno import normalize

    by_no: dict[str, int] = {d.doc_no: i for i, d in enumerate(docs) if d.doc_no}
    for j, forwarding in enumerate(docs):
        if not _FORWARDS_TITLE_RE.search(forwarding.title):
            continue
        texts = [forwarding.title] + [strip_markup(p.text) for p in forwarding.paragraphs[:FORWARDING_OPENING]]
        named = {normalize(m["no"]) for text in texts for pattern in (_CITED_NO_RE, _TITLE_NO_RE)
                 for m in pattern.finditer(text)} - {None, forwarding.doc_no}
        start = periods[j].valid_from or forwarding.date
        own = {m.until for m in periods[j].measures}
        for no in sorted(named):
            i = by_no.get(no)
            if i is None or docs[i].region not in (forwarding.region, "国家"):
                continue
            for measure in periods[i].measures:
                if measure.until not in own and (start is None or measure.until >= start):
                    own.add(measure.until)
                    yield j, Measure(measure.until, measure.clause)


def _event(kind: str, on: dt.date | None, clause: Clause) -> dict:
    return {"kind": kind, "on": on.isoformat() if on else None, "clause": clause.to_dict()}


def _record(period: DocumentPeriod, events: list[dict]) -> dict:
    return {
        "valid_from": period.valid_from.isoformat() if period.valid_from else None,
        "from": period.from_clause.to_dict() if period.from_clause else None,
        "valid_until": period.valid_until.isoformat() if period.valid_until else None,
        "until": period.until_clause.to_dict() if period.until_clause else None,
        "measures": [{"until": m.until.isoformat(), "clause": m.clause.to_dict()}
                     | ({"since": m.since.isoformat()} if m.since else {}) for m in period.measures],
        "temporary": period.temporary,
        "events": events,
    }


# ---------------------------------------------------------------- status on a day

_NOTES = {
    "not_yet": "尚未到施行日期",
    "own_end": "有效期（执行期限）已届满",
    "repealed": "已被明文废止",
    "replaced": "已被同一事项的后续文件取代",
    "all_measures": "阶段性措施均已到期",
    "some_measures": "部分阶段性措施已到期，其余条款继续有效",
    "amended": "已被修改",
    "listed_valid": "清理目录列为继续有效",
    "until": "在有效期内",
    "no_end": "未规定有效期，库内没有废止、修改或替代它的文件",
    "unknown": "文本未载施行日期与成文日期，库内也没有清理目录提及",
}


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _basis(clause: dict | None, note: str) -> dict:
    if clause is None:
        return {"doc_no": None, "article": None, "quote": None, "line": None, "source": None, "note": note}
    return {"doc_no": clause["doc_no"] or clause.get("title"), "article": clause["article"],
            "quote": clause["quote"], "line": clause["line"], "source": cite_line(clause["file"], clause["line"]),
            "note": note}


def status_on(record: dict | None, day: dt.date) -> dict:
    """{status, valid_from, valid_until, status_basis} of a :func:`standings` record on ``day``."""
    if not record:
        return {"status": UNKNOWN, "valid_from": None, "valid_until": None,
                "status_basis": _basis(None, _NOTES["unknown"])}
    start, own_end = _day(record["valid_from"]), _day(record["valid_until"])
    events = [e for e in record["events"] if _day(e["on"]) is None or _day(e["on"]) <= day]
    ending = sorted((e for e in record["events"] if e["kind"] in ("repealed", "replaced") and e["on"]),
                    key=lambda e: e["on"])
    until = own_end
    if ending:
        lapse = _day(ending[0]["on"]) - dt.timedelta(days=1)
        until = min(until, lapse) if until else lapse
    # a measure another document carries on counts from that document's start (before it, the first end held)
    measures = sorted((m for m in record["measures"] if not m.get("since") or _day(m["since"]) <= day),
                      key=lambda m: m["until"])
    if record["temporary"] and measures and not own_end:
        last = _day(measures[-1]["until"])
        until = min(until, last) if until else last

    def result(status: str, clause: dict | None, note: str) -> dict:
        return {"status": status, "valid_from": record["valid_from"],
                "valid_until": until.isoformat() if until else None, "status_basis": _basis(clause, _NOTES[note])}

    for kind in ("repealed", "replaced"):
        acted = [e for e in events if e["kind"] == kind]
        if acted:
            return result(LAPSED, acted[0]["clause"], kind)
    if start and day < start:
        return result(NOT_YET, record["from"], "not_yet")
    if own_end and day > own_end:
        return result(LAPSED, record["until"], "own_end")
    ended = [m for m in measures if _day(m["until"]) < day]
    if ended and record["temporary"] and len(ended) == len(measures) and not own_end:
        return result(LAPSED, ended[-1]["clause"], "all_measures")
    if ended:
        return result(PARTLY_LAPSED, ended[-1]["clause"], "some_measures")
    amended = [e for e in events if e["kind"] == "amended"]
    if amended:
        return result(AMENDED, amended[-1]["clause"], "amended")
    listed = [e for e in events if e["kind"] == "listed_valid"]
    if start is None and not listed:  # an end but no start (an undated plan): in force from when is unknown
        return result(UNKNOWN, None, "unknown")
    if own_end:
        return result(VALID, record["until"], "until")
    if record["temporary"] and measures:  # a time-limited measure as a whole, its last day still to come
        return result(VALID, measures[-1]["clause"], "until")
    if listed:  # a clean-up list that names it as still valid says more than the text's silence
        return result(VALID, listed[-1]["clause"], "listed_valid")
    if start:
        years = _YEAR_OF_TITLE_RE.findall((record["from"] or {}).get("title") or "")
        if years:  # "关于2021年调整退休人员基本养老金的通知": in force, but about that year (the last one named)
            found = result(VALID, record["from"], "no_end")
            found["status_basis"]["note"] += f"；所定事项为标题所载{years[-1]}年度的，以后年度另有文件的以其为准"
            return found
        return result(VALID, record["from"], "no_end")
    return result(UNKNOWN, None, "unknown")
