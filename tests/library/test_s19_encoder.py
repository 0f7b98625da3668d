"""Session 19: which clause a question asks for — a learned question ↔ part model (kuaiban.library.encoder).

Learned from the editors' questions (question in an asker's words → the part that answers it), shipped as
``data/part_encoder.npz``; search uses it to re-rank the first clause hits (reciprocal rank fusion of the order by
words and the order by the model). Document hits are untouched.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from sqlalchemy.orm import Session

from kuaiban.config import DATA
from kuaiban.db import connect
from kuaiban.library import asked, encoder
from kuaiban.library.encoder import PartEncoder, fuse, part_features, pieces, question_features
from kuaiban.library.search import SearchIndex, shipped_encoder, tokenize


def test_a_text_is_its_words_and_its_two_character_pieces_within_runs_of_chinese() -> None:
    assert pieces("失业保险金") == ["失业", "业保", "保险", "险金"]
    assert pieces("领取失业金，2020年") == ["领取", "取失", "失业", "业金"]  # 年 alone makes no piece
    assert question_features(["失业金"], "失业金") == ["w:失业金", "b:失业", "b:业金"]
    # a part also carries its document's title, in pieces
    assert part_features(["补贴"], "补贴", "通知") == ["w:补贴", "b:补贴", "t:通知"]


def _toy() -> PartEncoder:
    """Three features in two dimensions: 娃 and 子女 point the same way, 养老 another."""
    return PartEncoder(["w:娃", "w:子女", "w:养老"], np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]]),
                       np.eye(2), np.eye(2))


def test_a_question_and_the_part_that_answers_it_point_the_same_way() -> None:
    model = _toy()
    question = model.question(["娃"], "")
    parts = model.parts([(["子女"], "", ""), (["养老"], "", ""), (["未见过的词"], "", "")])
    assert np.isclose(np.linalg.norm(question), 1.0)
    cosines = parts @ question
    assert cosines[0] > 0.99 and abs(cosines[1]) < 0.01
    assert not parts[2].any()  # nothing known of a part: no direction, it neither helps nor hurts


def test_parts_are_summed_a_chunk_at_a_time_as_one_by_one(monkeypatch) -> None:
    model = _toy()
    rows = [(["娃", "养老"][: i % 3], "", "") for i in range(50)]
    one_by_one = np.stack([model.parts([row])[0] for row in rows])
    monkeypatch.setattr(encoder, "_CHUNK", 3)
    assert np.allclose(model.parts(rows), one_by_one)


def test_fusion_rewards_a_clause_both_orders_put_high() -> None:
    # by words: 0, 1, 2; by the model: 2, 1, 0
    fused = fuse([0, 1, 2], np.array([0.1, 0.5, 0.9]), k=20, weight=0.5)
    assert fused[0] == pytest.approx(1 / 20 + 0.5 / 22)
    assert fused[1] == pytest.approx(1 / 21 + 0.5 / 21)
    assert fused[2] == pytest.approx(1 / 22 + 0.5 / 20)
    assert max(fused, key=fused.get) == 0  # the order by words still weighs more


def test_the_shipped_model_was_learned_from_the_editors_questions_only() -> None:
    model = shipped_encoder()
    assert "editors_questions.json" in model.provenance["learned_from"]
    assert "no evaluation set" in model.provenance["learned_from"]
    assert model.vectors.shape == (len(model.index), model.provenance["dim"])
    assert model.provenance["pairs"] > 20000
    assert (DATA / "part_encoder.npz").stat().st_size < 8_000_000


@pytest.fixture(scope="module")
def index_without_everyday11(library_db_url) -> SearchIndex:
    """The library's index, its questions field without everyday11's questions (as if nobody had asked them)."""
    sets = sorted((DATA / "eval").glob("*.yaml"))
    questions = [asked.AskedQuestion(q["question"], tuple(q["expected"]), q.get("clause"))
                 for path in sets if path.stem != "everyday11"
                 for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
    with Session(connect(library_db_url)) as session:
        index = SearchIndex.build(session, asked=())
        index.asked = asked.AskedField(
            asked.resolve(questions + asked.load_editors(), index.docs, index.passages,
                          asked.clause_lines(session), tokenize), len(index.docs), len(index.passages))
    return index


QUESTION = "我们想在重庆申报市级的农民工返乡创业园区，运营单位要交哪些资质和场地方面的证明材料？"


def _clauses(index: SearchIndex, question: str) -> list[tuple[str | None, str | None]]:
    return [(h.doc_no, h.unit) for h in index.search(question, limit=5, per_document=False)]


def test_the_model_brings_up_the_clause_the_question_asks_for(index_without_everyday11) -> None:
    """everyday11 q70: the notice's parts all speak of 返乡创业园; the materials (资质、场地证明) are 三（一）2."""
    index = index_without_everyday11
    assert index.encoder is shipped_encoder()
    with_model = _clauses(index, QUESTION)
    index.encoder = None
    try:
        without = _clauses(index, QUESTION)
    finally:
        index.encoder = shipped_encoder()
    answer = ("渝人社办〔2021〕12号", "三（一）2.")
    assert answer in with_model and answer not in without


def test_document_hits_are_the_same_with_or_without_the_model(index_without_everyday11) -> None:
    index = index_without_everyday11
    questions = [QUESTION, "失业保险金怎么领", "湖南 工伤 丧葬补助金", "人社部发〔2020〕30号"]
    with_model = [[(h.document_id, h.unit, h.article) for h in index.search(q, limit=5)] for q in questions]
    index.encoder = None
    try:
        without = [[(h.document_id, h.unit, h.article) for h in index.search(q, limit=5)] for q in questions]
    finally:
        index.encoder = shipped_encoder()
    assert with_model == without


def test_clause_hits_are_in_fused_order_and_each_text_once(index_without_everyday11) -> None:
    hits = index_without_everyday11.search(QUESTION, limit=10, per_document=False)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and len(hits) == 10
    assert len({(h.document_id, h.source["start_line"]) for h in hits}) == 10
