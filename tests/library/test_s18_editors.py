"""Session 18: editors' questions (编者问句) — the questions people would type, written part by part from the texts.

An asked question helps only the part it was about; editors read every part of every document and wrote what it
answers in everyday words (``data/editors/part*.yaml``), so a part nobody has asked about yet is found too. They
join the questions-asked field (kuaiban.library.asked). ``benchmarks/build_editors_questions.py`` checks each
entry against the library and writes ``data/editors_questions.json`` with its provenance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from kuaiban.library import asked

ROOT = Path(__file__).resolve().parents[2]


def _builder():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import build_editors_questions
    finally:
        sys.path.remove(str(ROOT))
    return build_editors_questions


def test_the_field_holds_the_questions_asked_and_the_editors_questions() -> None:
    every = asked.field_questions()
    mine = asked.load_editors()
    assert len(every) == len(asked.load()) + len(mine)
    assert len(mine) > 9000 and all(q.expected and q.question for q in mine)
    # every editors' question names its part (an editor wrote for a part, never for a document as a whole)
    assert sum(q.clause is not None for q in mine) == len(mine)


def test_no_editors_question_is_a_question_of_an_evaluation_set_about_the_same_document() -> None:
    """The editors saw no question set: none of their questions is a set's question (word for word) about the same
    document. One short question coincides with a set's about another document (农民工参保不满一年失业了能领临时生活
    补助吗: 人社部发〔2021〕29号 for the editor, 人社部发〔2020〕40号 in questions.yaml)."""
    sets = {(q["question"].strip(), entry) for path in (ROOT / "data" / "eval").glob("*.yaml")
            for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"] for entry in q["expected"]}
    editors = {(q.question.strip(), entry) for q in asked.load_editors() for entry in q.expected}
    assert not sets & editors


@pytest.mark.slow
def test_the_data_file_is_what_the_editors_files_give_against_the_library(library_db_url) -> None:
    from sqlalchemy.orm import Session

    from kuaiban.db import connect

    builder = _builder()
    raw, digests = builder.entries(builder.SOURCE)
    with Session(connect(library_db_url)) as session:
        kept, dropped = builder.checked(session, raw)
    data = json.loads(asked.EDITORS_QUESTIONS.read_text(encoding="utf-8"))
    assert data["parts"] == kept and data["provenance"]["files"] == digests
    assert data["provenance"]["left_out"] == dropped == []  # every entry names a document and clause the library has
    assert data["provenance"]["command"] == "benchmarks/build_editors_questions.py"


@pytest.mark.slow
def test_a_part_nobody_asked_about_is_found_by_an_editors_question(library_db_url) -> None:
    """The editors' field reaches parts the asked questions never labelled."""
    from sqlalchemy.orm import Session

    from kuaiban.db import connect
    from kuaiban.library.search import SearchIndex
    from kuaiban.library.tokenize import tokenize

    with Session(connect(library_db_url)) as session:
        index = SearchIndex.build(session, asked=())
        lines = asked.clause_lines(session)
    only_asked = asked.resolve(asked.load(), index.docs, index.passages, lines, tokenize)
    every = asked.resolve(asked.field_questions(), index.docs, index.passages, lines, tokenize)
    asked_parts = set().union(*(q.passages for q in only_asked))
    all_parts = set().union(*(q.passages for q in every))
    assert len(asked_parts) < 1500 < 6000 < len(all_parts)
