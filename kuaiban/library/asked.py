"""Questions asked: labelled questions as a field of the documents and parts they are about (session 16).

A search engine's query log, or the anchor text of links, says in the askers' own words what a page is about.
The library has such a log: the questions of the evaluation sets, each written in a citizen's, employer's or
caseworker's words and labelled with the document that answers it (by 文号 or title) and, for most, the clause
(三（二）, 第5条). Their words are indexed as one more field:

* of each labelled document (every question naming it), scored by BM25 over the documents that have questions,
  added to the document's score at :data:`ASKED_WEIGHT`;
* of each labelled clause's part (the passages whose lines hold the clause), scored the same way over the parts
  that have questions, added to the part's score at :data:`ASKED_PART_WEIGHT`.

A new question phrased like an earlier one about the same document (社保断了 / 断缴) finds that document and
that part, whatever words the text prints. The field is learned from labelled questions, not written by hand:
``data/asked_questions.json`` holds them with their provenance (which question files, when, by which command;
``benchmarks/build_asked_questions.py`` writes it). A question file written to be held out is added only after
its one run, so a held-out run never reads its own questions.

Measured leaving one question set out (docs/BENCHMARKS.md, session 16): the field built from the other sets
gains single-clause questions on sets it never saw.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.config import DATA
from kuaiban.corpus.titles import title_key
from kuaiban.library.models import ArticleRow, UnitRow

ASKED_QUESTIONS = DATA / "asked_questions.json"
ASKED_WEIGHT = 1.0  # a document's questions field, like its whole-document BM25 (DOC_WEIGHT)
ASKED_PART_WEIGHT = 1.0  # a part's questions field, in the part's own score
K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class AskedQuestion:
    question: str
    expected: tuple[str, ...]  # 文号, or "title:" + the title
    clause: str | None  # the part that answers, as cited (三（二）, 第5条, 附件2一); None: the document as a whole


@dataclass(frozen=True)
class Labelled:
    """A question resolved against the library: its tokens, the documents (indexes) and parts it is about."""

    tokens: tuple[str, ...]
    docs: frozenset[int]
    passages: frozenset[int]


def load(path: Path = ASKED_QUESTIONS) -> list[AskedQuestion]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [AskedQuestion(q["question"], tuple(q["expected"]), q.get("clause")) for q in data["questions"]]


def provenance(path: Path = ASKED_QUESTIONS) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["provenance"]


def clause_lines(session: Session) -> dict[tuple[int, str], int]:
    """(document id, label as cited: 第N条, 一（二）, 附件2一, 第N段) → its first line."""
    out: dict[tuple[int, str], int] = {}
    for doc_id, label, attachment, line in session.execute(
            select(UnitRow.document_id, UnitRow.label, UnitRow.attachment, UnitRow.line)):
        out.setdefault((doc_id, (attachment or "") + label), line)
    for doc_id, number, attachment, line in session.execute(
            select(ArticleRow.document_id, ArticleRow.number, ArticleRow.attachment, ArticleRow.line)):
        out.setdefault((doc_id, f"{attachment or ''}第{number}条"), line)
    return out


def resolve(questions: Iterable[AskedQuestion], docs: Sequence, passages: Sequence,
            clause_lines: dict[tuple[int, str], int], tokenize) -> list[Labelled]:
    """Each question's documents (by 文号, or by title), and its clause's parts: the passages of those documents
    whose lines hold the clause's first line (``clause_lines``: (document id, label as cited) → line). A question
    whose documents the library lacks is left out."""
    by_no: dict[str, set[int]] = defaultdict(set)
    by_title: dict[str, set[int]] = defaultdict(set)
    for i, d in enumerate(docs):
        if d.doc_no:
            by_no[d.doc_no].add(i)
        by_title[title_key(d.title)].add(i)
    runs: dict[int, list[int]] = defaultdict(list)
    for p, psg in enumerate(passages):
        runs[psg.doc].append(p)
    out = []
    for q in questions:
        found: set[int] = set()
        for entry in q.expected:
            found |= by_title.get(title_key(entry[6:]), set()) if entry.startswith("title:") else by_no.get(entry, set())
        if not found:
            continue
        parts: set[int] = set()
        if q.clause:
            for d in found:
                line = clause_lines.get((docs[d].id, q.clause))
                if line is not None:
                    parts |= {p for p in runs[d] if passages[p].start_line <= line <= passages[p].end_line}
        out.append(Labelled(tuple(tokenize(q.question)), frozenset(found), frozenset(parts)))
    return out


def _bm25(units: list[list[str]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """term → (unit ids, BM25 weights) over ``units``."""
    n = len(units)
    lengths = np.array([len(u) for u in units], dtype=float)
    avg = float(lengths.mean()) if n else 1.0
    ids: dict[str, list[int]] = defaultdict(list)
    tfs: dict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        for t, tf in Counter(unit).items():
            ids[t].append(i)
            tfs[t].append(tf)
    out = {}
    for t, unit_ids in ids.items():
        a = np.array(unit_ids)
        tf = np.array(tfs[t], dtype=float)
        idf = math.log(1 + (n - len(a) + 0.5) / (len(a) + 0.5))
        out[t] = (a, idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[a] / avg)))
    return out


class AskedField:
    """The questions-asked field of documents and parts: each labelled document's (part's) questions' tokens,
    one text per document (part), scored by BM25 among the documents (parts) that have questions."""

    def __init__(self, labelled: Iterable[Labelled], n_docs: int, n_passages: int):
        doc_units: dict[int, list[str]] = defaultdict(list)
        part_units: dict[int, list[str]] = defaultdict(list)
        for q in labelled:
            for d in q.docs:
                doc_units[d].extend(q.tokens)
            for p in q.passages:
                part_units[p].extend(q.tokens)
        self._doc_of = np.array(sorted(doc_units), dtype=np.int64)
        self._doc_post = _bm25([doc_units[d] for d in self._doc_of.tolist()])
        self._part_of = np.array(sorted(part_units), dtype=np.int64)
        self._part_post = _bm25([part_units[p] for p in self._part_of.tolist()])
        self.n_docs, self.n_passages = n_docs, n_passages
        self.documents, self.parts = len(self._doc_of), len(self._part_of)

    def scores(self, tokens: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of the question's distinct tokens in each document's and each part's questions field."""
        words = set(tokens)
        docs = np.zeros(self.n_docs, dtype=np.float32)
        parts = np.zeros(self.n_passages, dtype=np.float32)
        for out, post, owner in ((docs, self._doc_post, self._doc_of), (parts, self._part_post, self._part_of)):
            acc = np.zeros(owner.size)
            for t in words:
                hit = post.get(t)
                if hit is not None:
                    acc[hit[0]] += hit[1]
            out[owner] = acc
        return docs, parts
