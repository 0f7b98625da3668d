"""Validity (现行有效 / 已废止) from the clean-up lists the compilations print.

Several documents in the compilations are themselves lists: 渝人社发〔2021〕64号
(61 repealed, 434 still valid), 渝府发〔2021〕5号 (77 repealed), 渝财规〔2021〕6号,
渝公规〔2021〕6号 and Hunan's 湘人社规〔2020〕18号 (245 valid, 2 repealed). Every
row of such a list is a :class:`ListedEntry`; :func:`apply_validity` turns the
rows that name a document the library holds into a :class:`StatusDecision`.

Matching: by normalised 文号; by title only when the row or the document has no
文号 (two documents with different 文号 are never the same document, however
alike their titles: 渝人社发〔2019〕6号 and 渝人社发〔2021〕11号 share one).

Conflicts: the list with the later signature date wins, so a document repealed
by a later list is 已废止 even if an earlier list called it valid; on the same
date 已废止 beats 现行有效. See docs/parsing-chongqing.md.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kuaiban.corpus.docno import normalize
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.text import squeeze, strip_markup

VALID = "现行有效"
REPEALED = "已废止"

_KEY_DROP_RE = re.compile(r"[\s《》〈〉“”\"'‘’「」()（）·、，,．.:：—–\-/*]")
# "1.重庆市人民政府关于……的通知(渝府发〔1999〕60号)": a numbered row with its 文号 in brackets at the end
_ITEM_RE = re.compile(r"^(?:-\s*)?(?P<n>\d{1,4})\s*[.．、]\s*(?P<body>.+)$")
_TRAILING_NO_RE = re.compile(r"[（(](?P<no>[^()（）]*号)[)）]\s*$")
_LIST_TITLE_RE = re.compile(r"废止|清理")
# "《重庆市内部审计工作办法》(重庆市人民政府令第10号)同时废止": a repeal clause in running text
_CITED = r"《(?P<title>[^《》]{4,100})》\s*[（(](?P<no>[^()（）]{4,40}?号)[)）]"
_CITED_RE = re.compile(_CITED)
_CLAUSE_TAIL_RE = re.compile(
    r"^(?:\s*[和、及与]\s*《[^《》]{4,100}》\s*[（(][^()（）]{4,40}?号[)）])*\s*(?:文件|等文件)?\s*"
    r"(?:同时|予以|一并|即行)?(?:废止|停止执行|不再执行|自行失效)"
)


@dataclass(frozen=True)
class ListedEntry:
    """One row of a repeal or clean-up list, whether or not the library holds the document.

    ``doc_no`` is the normalised 文号, or the 文号 as printed (spaces removed) when it
    has no modern form (Hunan's "(78)湘劳字第035号"), or None. ``basis`` is the 文号
    of the list; ``list_date`` its signature date.
    """

    title: str
    doc_no: str | None
    status: str
    basis: str
    list_date: dt.date | None
    serial: int | None
    line: int
    kind: str = "list"  # "list": a row of a printed list; "clause": "《…》(文号)同时废止" in a text


@dataclass(frozen=True)
class StatusDecision:
    """The status a list gives to ``docs[doc_index]``, and which list says so."""

    doc_index: int
    status: str
    basis: str
    listed_title: str


def title_key(title: str) -> str:
    return _KEY_DROP_RE.sub("", strip_markup(title)).replace("的的", "的")


def is_list_document(doc: ParsedDocument) -> bool:
    """A repeal / clean-up decision that prints its list: 废止 or 清理 in the title and a …目录 section."""
    if not doc.doc_no or not _LIST_TITLE_RE.search(doc.title):
        return False
    return any(_section_status(text) for text, _ in _stream(doc))


def listed_entries(docs: list[ParsedDocument]) -> list[ListedEntry]:
    """Every row of every list found in ``docs``, in list order, then every repeal clause
    ("…(渝就发〔2021〕27号)同时废止") of every numbered document."""
    entries: list[ListedEntry] = []
    for doc in docs:
        if is_list_document(doc):
            entries.extend(_rows(doc))
    for doc in docs:
        if doc.doc_no:
            entries.extend(repeal_clauses(doc))
    return entries


def repeal_clauses(doc: ParsedDocument) -> Iterator[ListedEntry]:
    """Documents a text repeals by name and 文号: "原《…》(渝就发〔2021〕27号)同时废止"."""
    for text, line in _stream(doc):
        for m in _CITED_RE.finditer(text):
            if not _CLAUSE_TAIL_RE.match(text[m.end():]):
                continue
            number = _docno_of(squeeze(m["no"]))
            if number:
                yield ListedEntry(title=squeeze(m["title"]), doc_no=number, status=REPEALED,
                                  basis=doc.doc_no or "", list_date=doc.date, serial=None, line=line,
                                  kind="clause")


def matched_entries(docs: list[ParsedDocument]) -> Iterator[tuple[int, ListedEntry]]:
    """(index in ``docs``, row) for every list row or repeal clause that names a document of ``docs``."""
    by_no: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for i, doc in enumerate(docs):
        if doc.doc_no:
            by_no.setdefault(doc.doc_no, []).append(i)
        by_title.setdefault(title_key(doc.title), []).append(i)
    # by title only where the 文号 cannot tell them apart: with a numbered row, only unnumbered documents
    pools = {False: by_title,
             True: {k: [i for i in idx if not docs[i].doc_no] for k, idx in by_title.items()}}
    for entry in listed_entries(docs):
        for i in _matches(entry, docs, by_no, by_title, pools):
            if docs[i].doc_no != entry.basis:  # a list never rules on itself
                yield i, entry


def apply_validity(docs: list[ParsedDocument]) -> list[StatusDecision]:
    """The status of each document of ``docs`` that some list names, with the list as basis."""
    best: dict[int, ListedEntry] = {}
    for i, entry in matched_entries(docs):
        if i not in best or _rank(entry) > _rank(best[i]):
            best[i] = entry
    return [StatusDecision(doc_index=i, status=e.status, basis=e.basis, listed_title=e.title)
            for i, e in sorted(best.items())]


def _rank(entry: ListedEntry) -> tuple[dt.date, bool]:
    """Later list first; on the same date a repeal beats a 'still valid' listing."""
    return (entry.list_date or dt.date.min, entry.status == REPEALED)


def _matches(entry: ListedEntry, docs: list[ParsedDocument], by_no: dict[str, list[int]],
             by_title: dict[str, list[int]], pools: dict[bool, dict[str, list[int]]] | None = None) -> list[int]:
    canonical = normalize(entry.doc_no) if entry.doc_no else None
    if canonical:
        hits = by_no.get(canonical, [])
        if hits or entry.kind == "clause":
            return hits  # a clause names the old text; its title is often the new one's
    key = title_key(entry.title)
    if len(key) < 8:
        return []
    # by title only where the 文号 cannot tell them apart
    if pools is None:
        pool = {k: [i for i in idx if not (canonical and docs[i].doc_no)] for k, idx in by_title.items()}
    else:
        pool = pools[bool(canonical)]
    if pool.get(key):
        return pool[key]
    return [i for k, idx in pool.items() if idx and _close(k, key) for i in idx]


def _close(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > max(len(a), len(b)) * 0.15:
        return False
    # a cheaper upper bound of quick_ratio first: characters of one title the other lacks cannot match
    chars = _chars(b)
    if 2 * (len(a) - sum(ch not in chars for ch in a)) < 0.92 * (len(a) + len(b)):
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= 0.92 and matcher.ratio() >= 0.92


@functools.lru_cache(maxsize=4096)
def _chars(text: str) -> frozenset[str]:
    return frozenset(text)


def _stream(doc: ParsedDocument) -> Iterator[tuple[str, int]]:
    """The document's text in order: main paragraphs, then each attachment's title and paragraphs."""
    for p in doc.paragraphs:
        yield p.text, p.line
    for att in doc.attachments:
        yield att.title, att.line
        for p in att.paragraphs:
            yield p.text, p.line


def _section_status(text: str) -> str | None:
    """"废止的行政规范性文件目录" → 已废止; "继续有效的……目录" → 现行有效; numbered notice items do not count."""
    t = squeeze(strip_markup(text)).lstrip("#")
    if "目录" not in t or len(t) > 40 or _ITEM_RE.match(t) or re.match(r"^附件\d*[:：]", t):
        return None
    if "继续有效" in t or "现行有效" in t:
        return VALID
    if "废止" in t:
        return REPEALED
    return None


def _rows(doc: ParsedDocument) -> Iterator[ListedEntry]:
    status: str | None = None
    columns: tuple[int, int] | None = None  # (title column, 文号 column) from the header row
    for text, line in _stream(doc):
        section = _section_status(text)
        if section:
            status, columns = section, None
            continue
        if status is None:
            continue
        if "\t" in text:
            cells = [squeeze(strip_markup(c)) for c in text.split("\t")]
            if "序号" in cells[0]:
                columns = _header_columns(cells)
                continue
            row = _table_row(cells, columns)
        else:
            row = _item_row(text)
        if row:
            serial, title, number = row
            yield ListedEntry(title=title, doc_no=number, status=status, basis=doc.doc_no or "",
                              list_date=doc.date, serial=serial, line=line)


def _header_columns(cells: list[str]) -> tuple[int, int] | None:
    title = next((k for k, c in enumerate(cells) if c in ("文件名称", "文件标题", "名称", "标题")), None)
    number = next((k for k, c in enumerate(cells) if c == "文号"), None)
    return (title, number) if title is not None and number is not None else None


def _docno_of(text: str) -> str | None:
    if not text:
        return None
    return normalize(text) or (squeeze(text) if text.endswith("号") else None)


def _table_row(cells: list[str], columns: tuple[int, int] | None) -> tuple[int, str, str | None] | None:
    if not cells or not cells[0].isdigit():
        return None  # a category row such as "劳动就业"
    if columns and max(columns) < len(cells):
        title, number = cells[columns[0]], cells[columns[1]]
    else:
        rest = cells[1:]
        number = next((c for c in rest if normalize(c)), "")
        title = max((c for c in rest if c != number), key=len, default="")
    if not title:
        return None
    return int(cells[0]), title, _docno_of(number)


def _item_row(text: str) -> tuple[int, str, str | None] | None:
    m = _ITEM_RE.match(strip_markup(text).strip())
    if not m:
        return None
    body = m["body"].strip()
    number = None
    tail = _TRAILING_NO_RE.search(body)
    if tail and _docno_of(tail["no"]):
        number = _docno_of(tail["no"])
        body = body[: tail.start()].strip()
    return int(m["n"]), body, number

