"""From compilation files to one deduplicated list of structured documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, as_completed
from pathlib import Path

from kuaiban.corpus.compilations import compilation_for, read_lines
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.regions import infer_region
from kuaiban.corpus.structure import build_document
from kuaiban.corpus.text import DATE_RE, date_from_match, squeeze
from kuaiban.corpus.titles import title_key, titles_match


def parse_compilation(path: Path) -> list[ParsedDocument]:
    """Every document of one compilation file, structured, in file order."""
    comp = compilation_for(path)
    lines = read_lines(path)
    docs = []
    for raw in comp.parser().parse(lines, path.name):
        if raw.region is None:
            raw.region = infer_region(raw.issuers, raw.title, raw.doc_no, comp.default_region)
        doc = build_document(raw)
        doc.date_line = header_date_line(lines, doc)
        docs.append(doc)
    return docs


def header_date_line(lines: list[str], doc: ParsedDocument) -> tuple[int, str] | None:
    """(1-based line, text) of the header line, above the body, that prints the document's date (Shandong's
    "（鲁人社字〔2020〕72号  2020年6月22日）" under the title, shandong-2020.txt:3253), or None."""
    if doc.date is None:
        return None
    first_body = doc.paragraphs[0].line if doc.paragraphs else doc.source.end_line
    for number in range(doc.source.start_line, min(first_body, doc.source.end_line + 1)):
        if any(date_from_match(m) == doc.date for m in DATE_RE.finditer(lines[number - 1])):
            return number, lines[number - 1].strip()
    return None


def identity(doc: ParsedDocument) -> str:
    """What makes two printed copies the same document: the 文号, or failing that the title."""
    if doc.identity_key:
        return doc.identity_key
    if doc.doc_no:
        return "no:" + doc.doc_no
    return "title:" + squeeze(doc.title).strip("《》“”\"")


def _size(doc: ParsedDocument) -> int:
    """How much text a copy holds, attachments included (a reprint may lack its tables)."""
    return len(doc.body) + sum(len(p.text) for a in doc.attachments for p in a.paragraphs)


def merge(docs: Iterable[ParsedDocument]) -> list[ParsedDocument]:
    """Fold copies of one document into one with several sources.

    The copy with the most text (attachments included) is kept as the text of record and the fullest
    title as the title; the other copies' spans are added to ``extra_sources``.
    Order of first appearance is kept.
    """
    by_key: dict[str, ParsedDocument] = {}
    order: list[str] = []
    for doc in docs:
        key = identity(doc)
        if key not in by_key:
            by_key[key] = doc
            order.append(key)
            continue
        kept = by_key[key]
        if doc.doc_no and not titles_match(kept.title, doc.title):
            # one 文号 printed on two different documents (a misprint in a compilation): keep both,
            # told apart by title, rather than lose one
            doc.identity_key = f"{key}|{title_key(doc.title)}"
            if doc.identity_key not in by_key:
                by_key[doc.identity_key] = doc
                order.append(doc.identity_key)
                continue
            key = doc.identity_key
            kept = by_key[key]
        # the fullest printed title wins ("<issuers>关于…的通知" over "关于…的通知")
        title = max((kept.title, doc.title), key=lambda t: len(squeeze(t)))
        kept.title = doc.title = title
        if _size(doc) > _size(kept):
            doc.extra_sources = [*doc.extra_sources, kept.source, *kept.extra_sources]
            for attr in ("date", "effective_date", "category", "region"):
                if getattr(doc, attr) is None:
                    setattr(doc, attr, getattr(kept, attr))
            if not doc.issuers:
                doc.issuers = kept.issuers
            by_key[key] = doc
        else:
            kept.extra_sources.append(doc.source)
            kept.extra_sources.extend(doc.extra_sources)
    return [by_key[k] for k in order]


def compilation_files(directory: Path) -> list[Path]:
    files = sorted(p for p in directory.glob("*.txt") if p.is_file())
    if not files:
        raise ValueError(f"目录 {directory} 中没有汇编文件（*.txt）")
    return files


def submit_parsing(directory: Path, pool: Executor) -> dict[Future, Path]:
    """Start parsing every compilation of ``directory`` on ``pool``, largest file first."""
    return {pool.submit(parse_compilation, path): path
            for path in sorted(compilation_files(directory), key=lambda f: -f.stat().st_size)}


def parse_corpus(
    directory: Path, on_file: Callable[[Path, int], None] | None = None, pool: Executor | None = None,
    started: dict[Future, Path] | None = None,
) -> list[ParsedDocument]:
    """All compilations in ``directory``, merged across files (in file order, whatever the pool).

    With ``pool`` (a process pool: the ingest's) the files are parsed in parallel, largest first;
    ``started`` is what :func:`submit_parsing` already started for the same directory."""
    files = compilation_files(directory)
    if started is not None and sorted(started.values()) != files:
        started = None  # the directory changed since: parse it as it is now
    if len(files) < 2 and started is None:
        pool = None  # one file: nothing to share out
    if pool is None and started is None:
        parsed = {}
        for path in files:
            parsed[path] = parse_compilation(path)
            if on_file:
                on_file(path, len(parsed[path]))
    else:
        jobs = started if started is not None else submit_parsing(directory, pool)
        parsed = {}
        for job in as_completed(jobs):
            parsed[jobs[job]] = job.result()
            if on_file:
                on_file(jobs[job], len(parsed[jobs[job]]))
    return merge(doc for path in files for doc in parsed[path])
