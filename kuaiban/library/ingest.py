"""Build or update the library database from compilation files.

One ingest is one transaction: a failure leaves the database as it was.
Documents are matched to what is stored by their identity
(:func:`kuaiban.corpus.pipeline.identity`), so running it again updates rows in
place, keeps their ids (citable URLs stay stable) and never duplicates.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from kuaiban.corpus import docno, standing
from kuaiban.corpus.model import Paragraph, ParsedDocument
from kuaiban.corpus.pipeline import compilation_files, identity, parse_corpus
from kuaiban.corpus.titles import title_key
from kuaiban.db import session_scope
from kuaiban.library.ingest_lock import ingest_lock
from kuaiban.library.models import (
    ArticleRow,
    AttachmentRow,
    Document,
    DocumentSource,
    Link,
    Meta,
    Passage,
    TableRow,
    UnitRow,
    ValidityListing,
)
from kuaiban.library.tokenize import tokenize_later, tokenize_many

WORKERS = 4  # processes for parsing and segmentation, at most one per core (KUAIBAN_INGEST_WORKERS overrides)
PASSAGE_CHARS = 500
HEADING_CHARS = 40  # a numbered part no longer than this, with parts under it, is their heading
FINGERPRINT_KEY = "ingest_fingerprint"
# the code whose change changes what is stored (search ranking code does not)
_STORING_CODE = ("ingest.py", "models.py", "tokenize.py")
_CITED_TITLE = re.compile(r"《([^《》]{4,80})》")

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    files: list[str] = field(default_factory=list)
    documents: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    articles: int = 0
    attachments: int = 0
    omitted_attachments: int = 0
    tables: int = 0
    links: int = 0
    resolved_links: int = 0
    passages: int = 0
    sources: int = 0
    valid: int = 0
    repealed: int = 0  # 失效 on the day of the ingest
    statuses: dict = field(default_factory=dict)  # status → documents, on the day of the ingest
    units: int = 0
    listings: int = 0
    skipped: bool = False

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def fingerprint(files: list[Path]) -> str:
    """Hash of the input files and of the parsing/indexing code: equal means nothing to redo."""
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    pkg = Path(__file__).resolve().parent.parent
    for src in [*sorted((pkg / "corpus").rglob("*.py")), *(pkg / "library" / f for f in _STORING_CODE)]:
        h.update(src.read_bytes())
    return h.hexdigest()


def stored_fingerprint(session: Session) -> str | None:
    row = session.get(Meta, FINGERPRINT_KEY)
    return row.value if row else None


def _paragraph_chunks(paragraphs: list[Paragraph], skip_lines: set[int]) -> list[list[Paragraph]]:
    """Runs of paragraphs outside articles, cut at headings and at ~PASSAGE_CHARS."""
    chunks: list[list[Paragraph]] = []
    current: list[Paragraph] = []
    size = 0
    for p in paragraphs:
        if p.line in skip_lines:
            if current:
                chunks.append(current)
            current, size = [], 0
            continue
        if current and (size + len(p.text) > PASSAGE_CHARS or p.heading):
            chunks.append(current)
            current, size = [], 0
        current.append(p)
        size += len(p.text)
    if current:
        chunks.append(current)
    return chunks


def build_passages(doc: ParsedDocument) -> list[dict]:
    """Search units of a document: each article 第X条, each numbered part (一、（一）1.), and chunks of
    the text outside both. A part's passage carries its label (``unit``) and page ``anchor``, so a hit
    points at the part that answers; ``context`` is its parents' opening lines, indexed with it (the
    heading "一、阶段性减免企业社会保险费" says what its （一） is about) but not shown."""
    passages: list[dict] = []
    scopes: list[tuple[str | None, list[Paragraph]]] = [(None, doc.paragraphs)]
    scopes += [(a.label, a.paragraphs) for a in doc.attachments if not a.omitted]
    for label, paragraphs in scopes:
        arts = [a for a in doc.articles if a.attachment == label]
        parts = [u for u in doc.units if u.attachment == label and not u.anchor.startswith("p")]
        openings = {u.label: u.text.split("\n", 1)[0] for u in parts}
        covered = {
            p.line for a in arts for p in paragraphs if a.line <= p.line <= (a.end_line or a.line)
        } | {p.line for u in parts for p in paragraphs if u.line <= p.line <= u.end_line}
        units: list[tuple[int, dict]] = []
        for a in arts:
            units.append((a.line, {"article": a.number, "attachment": label, "unit": None, "anchor": None,
                                   "text": a.text, "start_line": a.line, "end_line": a.end_line or a.line,
                                   "context": ""}))
        parents = {u.parent for u in parts if u.parent}
        for u in parts:
            if u.label in parents and "\n" not in u.text and len(u.text) <= HEADING_CHARS:
                continue  # a bare heading ("一、阶段性减免企业社会保险费"): indexed with each of its parts
            context = " ".join(openings[lab] for lab in _ancestors(u.label, openings))
            units.append((u.line, {"article": None, "attachment": label, "unit": u.label, "anchor": u.anchor,
                                   "text": u.text, "start_line": u.line, "end_line": u.end_line,
                                   "context": context}))
        by_line = {u.line: u for u in doc.units if u.attachment == label and u.anchor.startswith("p")}
        for chunk in _paragraph_chunks(paragraphs, covered):
            text = "\n".join(p.text for p in chunk).strip()
            if text:
                first = next((by_line[p.line] for p in chunk if p.line in by_line), None)
                units.append((chunk[0].line, {"article": None, "attachment": label,
                                              "unit": first.label if first else None,
                                              "anchor": first.anchor if first else None, "text": text,
                                              "start_line": chunk[0].line, "end_line": chunk[-1].last_line,
                                              "context": ""}))
        passages.extend(u for _, u in sorted(units, key=lambda t: t[0]))
    return passages


def _ancestors(label: str, openings: dict[str, str]) -> list[str]:
    """Labels of the parts holding ``label``, outermost first: a part's label extends its parent's
    ("三（二）1." → ["三", "三（二）"])."""
    return sorted((p for p in openings if len(p) < len(label) and label.startswith(p)), key=len)


def _fill(row: Document, doc: ParsedDocument, record: dict, today: dt.date) -> None:
    """The document's own columns; its child rows are written in bulk by :func:`_store_children`."""
    row.doc_no = doc.doc_no
    row.title = doc.title
    row.issuers = list(doc.issuers)
    row.date = doc.date
    row.effective_date = doc.effective_date
    row.expiry_date = doc.expiry_date
    row.region = doc.region
    row.category = doc.category
    row.body = doc.body
    row.paragraphs = [[p.text, p.line, p.heading, p.last_line] for p in doc.paragraphs]
    row.validity = record
    row.valid_from = dt.date.fromisoformat(record["valid_from"]) if record["valid_from"] else None
    now = standing.status_on(record, today)
    row.valid_until = dt.date.fromisoformat(now["valid_until"]) if now["valid_until"] else None
    row.status = now["status"]  # on the day of the ingest; readers ask status_on for their day
    row.status_basis = (now["status_basis"]["doc_no"] or "")[:120] or None


def _child_rows(doc: ParsedDocument, doc_id: int) -> dict[type, list[dict]]:
    return {
        DocumentSource: [dict(document_id=doc_id, position=i, file=s.file, start_line=s.start_line,
                              end_line=s.end_line) for i, s in enumerate(doc.sources)],
        ArticleRow: [dict(document_id=doc_id, position=i, number=a.number, chapter=a.chapter,
                          attachment=a.attachment, text=a.text, line=a.line, end_line=a.end_line)
                     for i, a in enumerate(doc.articles)],
        UnitRow: [dict(document_id=doc_id, position=i, label=u.label, anchor=u.anchor, level=u.level,
                       parent=u.parent, attachment=u.attachment, text=u.text, line=u.line, end_line=u.end_line)
                  for i, u in enumerate(doc.units)],
        AttachmentRow: [dict(document_id=doc_id, position=i, label=a.label, title=a.title, kind=a.kind,
                             omitted=a.omitted, text="\n".join(p.text for p in a.paragraphs), line=a.line)
                        for i, a in enumerate(doc.attachments)],
        TableRow: [dict(document_id=doc_id, position=i, line=t.line, header=t.header, rows=t.rows)
                   for i, t in enumerate(doc.tables)],
    }


@contextmanager
def collections_paused(collect: bool = True) -> Iterator[None]:
    """No cyclic garbage collection in the block (and in worker processes forked in it), one at its end
    unless ``collect`` is false (the command line's ingest: its process ends next, see :func:`kuaiban.cli.main`;
    that collection walked some 220,000 live objects and freed none, 0.13 s of CPU).

    Why: an ingest builds some hundred thousand objects that live until it ends (parsed documents,
    passages, rows); each automatic collection walked them all again, about a tenth of the ingest's CPU.
    Reference counting still frees everything else (peak memory measured 2 % higher)."""
    if not gc.isenabled():  # nested, or the caller turned collection off
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if collect:
            gc.collect()


@contextmanager
def worker_pool() -> Iterator[Executor | None]:
    """Worker processes for parsing and segmentation (one per core, at most :data:`WORKERS`), started by
    fork so they share what is already loaded; none on one core or where fork is missing."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = os.environ.get("KUAIBAN_INGEST_WORKERS", "")
    workers = min(int(wanted) if wanted.isdigit() else WORKERS, cores)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


def _cited(doc: ParsedDocument) -> tuple[list[str], list[tuple[str, str]]]:
    """What the document's text cites, in text order, repeats kept: the 文号 as written, and each
    《title》 with its :func:`title_key`. Needs no other document, so it is read while the workers
    segment; :func:`_citations` resolves it once every document has its id."""
    text = doc.body + "\n" + "\n".join(p.text for a in doc.attachments for p in a.paragraphs)
    return ([candidate for _, _, candidate in docno.find_all(text)],
            [(m[1], title_key(m[1])) for m in _CITED_TITLE.finditer(text)])


def _citations(doc: ParsedDocument, cited: tuple[list[str], list[tuple[str, str]]], known_nos: dict[str, int],
               known_titles: dict[str, int]):
    """(cited 文号 or None, cited title or None, target id or None), once each, in text order."""
    nos, titles = cited
    seen: set[tuple] = set()
    out = []
    for candidate in nos:
        resolved = docno.resolve_suffix(candidate, known_nos) or candidate
        if resolved == doc.doc_no or ("no", resolved) in seen:
            continue
        seen.add(("no", resolved))
        out.append((resolved, None, known_nos.get(resolved)))
    own = title_key(doc.title)
    for title, key in titles:
        if key == own or ("title", key) in seen or key in own:
            continue
        seen.add(("title", key))
        target = known_titles.get(key)
        out.append((None, title, target))
    return out


def _store_listings(session: Session, docs: list[ParsedDocument], rows: list[Document],
                    report: IngestReport) -> None:
    """Every row of every clean-up list, with the library's document when it holds it."""
    from kuaiban.corpus import validity

    session.execute(delete(ValidityListing))
    by_no = {r.doc_no: r.id for r in rows if r.doc_no}
    by_title = {title_key(r.title): r.id for r in rows}
    listings = []
    for i, entry in enumerate(validity.listed_entries(docs)):
        target = by_no.get(entry.doc_no) if entry.doc_no else None
        target = target or by_title.get(title_key(entry.title))
        listings.append(dict(basis=entry.basis, position=i, title=entry.title, doc_no=entry.doc_no,
                             status=entry.status, document_id=target))
    if listings:
        session.connection().execute(insert(ValidityListing.__table__), listings)
    report.listings = len(listings)


def ingest(engine: Engine, directory: Path, *, if_needed: bool = False, progress: Progress | None = None,
           wait: bool = True, on_wait: Callable[[], None] | None = None, pool: Executor | None = None,
           started: dict | None = None) -> IngestReport:
    """Parse every compilation in ``directory`` and store the result in one transaction.

    One ingest at a time per database (:mod:`kuaiban.library.ingest_lock`): another one running makes
    this wait (``on_wait`` is called once) or, with ``wait=False``, raise ``IngestBusy``."""
    with ingest_lock(engine, wait=wait, on_wait=on_wait), collections_paused():
        return _ingest(engine, directory, if_needed=if_needed, progress=progress, pool=pool, started=started)


def _ingest(engine: Engine, directory: Path, *, if_needed: bool, progress: Progress | None,
            pool: Executor | None = None, started: dict | None = None) -> IngestReport:
    files = compilation_files(directory)
    report = IngestReport(files=[f.name for f in files])
    fp = fingerprint(files)
    if if_needed:
        with session_scope(engine) as session:
            if stored_fingerprint(session) == fp:
                report.skipped = True
                report.documents = len(session.scalars(select(Document.id)).all())
                return report

    def on_file(path: Path, n: int) -> None:
        if progress:
            progress("parse", files.index(path) + 1, len(files))

    with nullcontext(pool) if pool is not None else worker_pool() as pool:
        docs = parse_corpus(directory, on_file=on_file, pool=pool, started=started)
        passages = [build_passages(doc) for doc in docs]
        flat = [p for ps in passages for p in ps]
        # a part's context (its parents' headings) repeats for each sibling: segment each heading once
        distinct = list(dict.fromkeys(p["context"] for p in flat))
        texts = [p["text"] for p in flat] + distinct
        # with a pool, the workers segment while this process reads periods and citations
        wait = tokenize_later(texts, pool) if pool is not None else None
        records = standing.standings(docs)
        cited = [_cited(doc) for doc in docs]
        segmented = wait() if wait is not None else tokenize_many(texts)
    contexts = dict(zip(distinct, segmented[len(flat):], strict=True))
    tokens = [contexts[p["context"]] + own for p, own in zip(flat, segmented[:len(flat)], strict=True)]
    names = set(report.files)
    today = dt.date.today()

    with session_scope(engine) as session:
        existing = {d.key: d for d in session.scalars(select(Document))}
        rows: list[Document] = []
        keys = set()
        for i, (doc, record) in enumerate(zip(docs, records, strict=True)):
            key = identity(doc)
            keys.add(key)
            row = existing.get(key)
            if row is None:
                row = Document(key=key)
                session.add(row)
                report.created += 1
            else:
                report.updated += 1
            _fill(row, doc, record, today)
            rows.append(row)
            if progress and (i % 50 == 0 or i == len(docs) - 1):
                progress("store", i + 1, len(docs))
        for key, row in existing.items():
            if key not in keys and all(s.file in names for s in row.sources):
                session.delete(row)
                report.removed += 1
        session.flush()

        ids = [r.id for r in rows]
        for model in (Passage, DocumentSource, ArticleRow, UnitRow, AttachmentRow, TableRow):
            session.execute(delete(model).where(model.document_id.in_(ids)))
        session.execute(delete(Link).where(Link.from_id.in_(ids)))
        known_nos: dict[str, int] = {}
        for r in rows:  # one 文号 on two documents (京人社发[2020]8号): a citation of it goes to the first
            if r.doc_no:
                known_nos.setdefault(r.doc_no, r.id)
        known_titles = {title_key(r.title): r.id for r in rows}
        children: dict[type, list[dict]] = {m: [] for m in (DocumentSource, ArticleRow, UnitRow, AttachmentRow,
                                                             TableRow, Passage, Link)}
        cursor = 0
        for i, (doc, row) in enumerate(zip(docs, rows, strict=True)):
            for model, values in _child_rows(doc, row.id).items():
                children[model].extend(values)
            for pos, p in enumerate(passages[i]):
                fields = {k: v for k, v in p.items() if k != "context"}
                children[Passage].append(dict(document_id=row.id, position=pos, tokens=" ".join(tokens[cursor]),
                                              **fields))
                cursor += 1
            links = _citations(doc, cited[i], known_nos, known_titles)
            for pos, (cited_no, cited_title, target) in enumerate(links):
                children[Link].append(dict(from_id=row.id, to_id=target if target != row.id else None,
                                           position=pos, cited_doc_no=cited_no, cited_title=cited_title))
                report.resolved_links += target is not None and target != row.id
            if progress and (i % 50 == 0 or i == len(docs) - 1):
                progress("index", i + 1, len(docs))
        connection = session.connection()
        for model, values in children.items():
            if values:  # Core executemany: the ORM's per-row bookkeeping is not needed for child rows
                connection.execute(insert(model.__table__), values)
        report.passages = len(children[Passage])
        report.links = len(children[Link])
        report.articles = len(children[ArticleRow])
        report.units = len(children[UnitRow])
        report.attachments = len(children[AttachmentRow])
        report.omitted_attachments = sum(a["omitted"] for a in children[AttachmentRow])
        report.tables = len(children[TableRow])
        report.sources = len(children[DocumentSource])

        _store_listings(session, docs, rows, report)
        statuses = Counter(r.status for r in rows)
        report.valid = statuses[standing.VALID]
        report.repealed = statuses[standing.LAPSED]
        report.statuses = dict(statuses)
        report.documents = len(rows)
        meta = session.get(Meta, FINGERPRINT_KEY) or Meta(key=FINGERPRINT_KEY)
        meta.value = fp
        meta.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        session.merge(meta)
        session.expire_all()  # children were written past the ORM: reload them when read
    return report
