"""Build or update the library database from compilation files.

One ingest is one transaction: a failure leaves the database as it was.
Documents are matched to what is stored by their identity
(:func:`kuaiban.corpus.pipeline.identity`), so running it again updates rows in
place, keeps their ids (citable URLs stay stable) and never duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kuaiban.corpus import docno
from kuaiban.corpus.model import Paragraph, ParsedDocument
from kuaiban.corpus.pipeline import compilation_files, identity, parse_corpus
from kuaiban.corpus.titles import title_key
from kuaiban.db import session_scope
from kuaiban.library.ingest_lock import ingest_lock
from kuaiban.library.models import (
    UNKNOWN,
    ArticleRow,
    AttachmentRow,
    Document,
    DocumentSource,
    Link,
    Meta,
    Passage,
    TableRow,
    ValidityListing,
)
from kuaiban.library.tokenize import tokenize

PASSAGE_CHARS = 500
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
    repealed: int = 0
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
    """Search units of a document: each article, and chunks of the text outside articles."""
    passages: list[dict] = []
    scopes: list[tuple[str | None, list[Paragraph]]] = [(None, doc.paragraphs)]
    scopes += [(a.label, a.paragraphs) for a in doc.attachments if not a.omitted]
    for label, paragraphs in scopes:
        arts = [a for a in doc.articles if a.attachment == label]
        covered = {
            p.line for a in arts for p in paragraphs if a.line <= p.line <= (a.end_line or a.line)
        }
        units: list[tuple[int, dict]] = []
        for a in arts:
            units.append((a.line, {"article": a.number, "attachment": label, "text": a.text,
                                   "start_line": a.line, "end_line": a.end_line or a.line}))
        for chunk in _paragraph_chunks(paragraphs, covered):
            text = "\n".join(p.text for p in chunk).strip()
            if text:
                units.append((chunk[0].line, {"article": None, "attachment": label, "text": text,
                                              "start_line": chunk[0].line, "end_line": chunk[-1].line}))
        passages.extend(u for _, u in sorted(units, key=lambda t: t[0]))
    return passages


def _fill(row: Document, doc: ParsedDocument) -> None:
    row.doc_no = doc.doc_no
    row.title = doc.title
    row.issuers = list(doc.issuers)
    row.date = doc.date
    row.effective_date = doc.effective_date
    row.expiry_date = doc.expiry_date
    row.region = doc.region
    row.category = doc.category
    row.body = doc.body
    row.paragraphs = [[p.text, p.line, p.heading] for p in doc.paragraphs]
    row.status = UNKNOWN
    row.status_basis = None
    row.sources = [
        DocumentSource(position=i, file=s.file, start_line=s.start_line, end_line=s.end_line)
        for i, s in enumerate(doc.sources)
    ]
    row.articles = [
        ArticleRow(position=i, number=a.number, chapter=a.chapter, attachment=a.attachment,
                   text=a.text, line=a.line)
        for i, a in enumerate(doc.articles)
    ]
    row.attachments = [
        AttachmentRow(position=i, label=a.label, title=a.title, kind=a.kind, omitted=a.omitted,
                      text="\n".join(p.text for p in a.paragraphs), line=a.line)
        for i, a in enumerate(doc.attachments)
    ]
    row.tables = [
        TableRow(position=i, line=t.line, header=t.header, rows=t.rows) for i, t in enumerate(doc.tables)
    ]


def _citations(doc: ParsedDocument, known_nos: dict[str, int], known_titles: dict[str, int]):
    """(cited 文号 or None, cited title or None, target id or None), once each, in text order."""
    text = doc.body + "\n" + "\n".join(p.text for a in doc.attachments for p in a.paragraphs)
    seen: set[tuple] = set()
    out = []
    for _, _, candidate in docno.find_all(text):
        resolved = docno.resolve_suffix(candidate, known_nos) or candidate
        if resolved == doc.doc_no or ("no", resolved) in seen:
            continue
        seen.add(("no", resolved))
        out.append((resolved, None, known_nos.get(resolved)))
    own = title_key(doc.title)
    for m in _CITED_TITLE.finditer(text):
        key = title_key(m[1])
        if key == own or ("title", key) in seen or key in own:
            continue
        seen.add(("title", key))
        target = known_titles.get(key)
        out.append((None, m[1], target))
    return out


def _apply_validity(session: Session, docs: list[ParsedDocument], rows: list[Document],
                    report: IngestReport) -> None:
    from kuaiban.corpus import validity

    session.execute(delete(ValidityListing))
    for decision in validity.apply_validity(docs):
        row = rows[decision.doc_index]
        row.status = decision.status
        row.status_basis = decision.basis
    by_no = {r.doc_no: r.id for r in rows if r.doc_no}
    by_title = {title_key(r.title): r.id for r in rows}
    for i, entry in enumerate(validity.listed_entries(docs)):
        target = by_no.get(entry.doc_no) if entry.doc_no else None
        target = target or by_title.get(title_key(entry.title))
        session.add(ValidityListing(basis=entry.basis, position=i, title=entry.title, doc_no=entry.doc_no,
                                    status=entry.status, document_id=target))
        report.listings += 1


def ingest(engine: Engine, directory: Path, *, if_needed: bool = False, progress: Progress | None = None,
           wait: bool = True, on_wait: Callable[[], None] | None = None) -> IngestReport:
    """Parse every compilation in ``directory`` and store the result in one transaction.

    One ingest at a time per database (:mod:`kuaiban.library.ingest_lock`): another one running makes
    this wait (``on_wait`` is called once) or, with ``wait=False``, raise ``IngestBusy``."""
    with ingest_lock(engine, wait=wait, on_wait=on_wait):
        return _ingest(engine, directory, if_needed=if_needed, progress=progress)


def _ingest(engine: Engine, directory: Path, *, if_needed: bool, progress: Progress | None) -> IngestReport:
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

    docs = parse_corpus(directory, on_file=on_file)
    names = set(report.files)

    with session_scope(engine) as session:
        existing = {d.key: d for d in session.scalars(select(Document))}
        rows: list[Document] = []
        keys = set()
        for i, doc in enumerate(docs):
            key = identity(doc)
            keys.add(key)
            row = existing.get(key)
            if row is None:
                row = Document(key=key)
                session.add(row)
                report.created += 1
            else:
                report.updated += 1
            _fill(row, doc)
            rows.append(row)
            if progress and (i % 50 == 0 or i == len(docs) - 1):
                progress("store", i + 1, len(docs))
        for key, row in existing.items():
            if key not in keys and all(s.file in names for s in row.sources):
                session.delete(row)
                report.removed += 1
        session.flush()

        ids = [r.id for r in rows]
        session.execute(delete(Passage).where(Passage.document_id.in_(ids)))
        session.execute(delete(Link).where(Link.from_id.in_(ids)))
        known_nos = {r.doc_no: r.id for r in rows if r.doc_no}
        known_titles = {title_key(r.title): r.id for r in rows}
        for i, (doc, row) in enumerate(zip(docs, rows, strict=True)):
            for pos, p in enumerate(build_passages(doc)):
                session.add(Passage(document_id=row.id, position=pos, tokens=" ".join(tokenize(p["text"])),
                                    **p))
                report.passages += 1
            for pos, (cited_no, cited_title, target) in enumerate(_citations(doc, known_nos, known_titles)):
                session.add(Link(from_id=row.id, to_id=target if target != row.id else None, position=pos,
                                 cited_doc_no=cited_no, cited_title=cited_title))
                report.links += 1
                report.resolved_links += target is not None and target != row.id
            report.articles += len(doc.articles)
            report.attachments += len(doc.attachments)
            report.omitted_attachments += sum(a.omitted for a in doc.attachments)
            report.tables += len(doc.tables)
            report.sources += len(doc.sources)
            if progress and (i % 50 == 0 or i == len(docs) - 1):
                progress("index", i + 1, len(docs))

        _apply_validity(session, docs, rows, report)
        report.valid = sum(r.status == "现行有效" for r in rows)
        report.repealed = sum(r.status == "已废止" for r in rows)
        report.documents = len(rows)
        meta = session.get(Meta, FINGERPRINT_KEY) or Meta(key=FINGERPRINT_KEY)
        meta.value = fp
        meta.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        session.merge(meta)
    return report
