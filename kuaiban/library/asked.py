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

Editors' questions (编者问句, session 18) fill the field where nobody has asked yet: an asked question helps only
the part it was about, and most parts were never asked about (606 of the 665 clauses of the sets were asked
once). Editors read every part of every document and wrote the questions people would type that the part answers
— doc2query done by people — without sight of any question set: ``data/editors/part*.yaml``, checked against the
library into ``data/editors_questions.json`` by ``benchmarks/build_editors_questions.py``. They join the same field
as asked questions (one text per document and part), weighed 1.5 instead of 1.0; leaving one set out (twelve sets,
729 single-clause questions), the clause in the first five passages 605 → 662 (0.830 → 0.908; 0.903 with the weight
chosen fold by fold) and the document in the first five 887 → 902 of 920 (docs/BENCHMARKS.md, session 18).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
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
EDITORS_QUESTIONS = DATA / "editors_questions.json"
ASKED_WEIGHT = 1.5  # a document's questions field (asked and editors'): 1.0 before the editors (session 16);
# 1.5 chosen leaving one set out in session 18 (docs/BENCHMARKS.md)
ASKED_PART_WEIGHT = 1.5  # a part's questions field, in the part's own score (likewise)
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


def load_editors(path: Path = EDITORS_QUESTIONS) -> list[AskedQuestion]:
    """The editors' questions, one per question, each with its part's document and clause."""
    parts = json.loads(path.read_text(encoding="utf-8"))["parts"]
    return [AskedQuestion(q, tuple(p["expected"]), p["clause"]) for p in parts for q in p["questions"]]


@functools.cache
def field_questions() -> tuple[AskedQuestion, ...]:
    """What the field holds: the questions asked (the evaluation sets' development questions) and the editors'
    questions (written from the texts, part by part); read once a process."""
    return tuple(load() + load_editors())


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


# a question's tokens, kept for the process: every index built (one per database, and again after each ingest)
# resolves the same 24,000 questions, and segmenting them was a second of each build
_TOKENS: dict[tuple[object, str], tuple[str, ...]] = {}


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
    # editors write a dozen questions of one part: each document and clause is looked up once, each word's
    # index form found once (tokenize's ``kept``)
    forms: dict[str, str] = {}
    documents: dict[tuple[str, ...], frozenset[int]] = {}
    clause_parts: dict[tuple[frozenset[int], str | None], frozenset[int]] = {}
    out = []
    for q in questions:
        found = documents.get(q.expected)
        if found is None:
            found = documents[q.expected] = frozenset().union(*(
                by_title.get(title_key(entry[6:]), set()) if entry.startswith("title:") else by_no.get(entry, set())
                for entry in q.expected))
        if not found:
            continue
        parts = clause_parts.get((found, q.clause))
        if parts is None:
            held: set[int] = set()
            for d in found if q.clause else ():
                line = clause_lines.get((docs[d].id, q.clause))
                if line is not None:
                    held |= {p for p in runs[d] if passages[p].start_line <= line <= passages[p].end_line}
            parts = clause_parts[(found, q.clause)] = frozenset(held)
        key = (tokenize, q.question)
        tokens = _TOKENS.get(key)
        if tokens is None:
            tokens = _TOKENS[key] = tuple(tokenize(q.question, forms))
        out.append(Labelled(tokens, found, parts))
    return out


def _bm25(units: list[list[str]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """term → (unit ids, ascending; BM25 weights) over ``units``, counted in arrays (tens of thousands of
    editors' questions: a Counter per unit and two arrays per term took most of an index build's field time)."""
    n = len(units)
    vocabulary: dict[str, int] = {}
    owner = np.repeat(np.arange(n, dtype=np.int64), [len(u) for u in units])
    term = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for u in units for t in u), dtype=np.int64,
                       count=int(owner.size))
    if not term.size:
        return {}
    lengths = np.bincount(owner, minlength=n).astype(float)
    avg = float(lengths.mean())
    pairs, tf = np.unique(term * n + owner, return_counts=True)  # sorted by term, then unit
    term_of, unit_of = pairs // n, pairs % n
    df = np.bincount(term_of, minlength=len(vocabulary))
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    weights = idf[term_of] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[unit_of] / avg))
    bounds = np.searchsorted(term_of, np.arange(len(vocabulary) + 1))
    return {t: (unit_of[bounds[i]:bounds[i + 1]], weights[bounds[i]:bounds[i + 1]]) for t, i in vocabulary.items()}


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
