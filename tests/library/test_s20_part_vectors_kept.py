"""Session 20: the parts' vectors under the learned model are kept between processes.

Making them takes 2–4 s, on the first clause search of every process: each `kuaiban search --clauses` paid it.
They are kept in ``$KUAIBAN_VAR/cache/`` under a name made of the library's ingest fingerprint, the model's digest
and the code that reads parts into features; a later process of the same library and model reads them instead.
"""

from __future__ import annotations

import numpy as np
import pytest

from kuaiban.db import connect
from kuaiban.library import search
from kuaiban.library.encoder import PartEncoder


def _toy(scale: float = 1.0) -> PartEncoder:
    """A small model (two numbers a part) that knows three words: quick to apply to every part."""
    return PartEncoder(["w:失业", "w:养老", "w:工伤"], scale * np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                       np.eye(2), np.eye(2))


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path))
    return tmp_path


def _fresh_index(url: str, model: PartEncoder) -> search.SearchIndex:
    """The index as a new process gets it (get_index, nothing cached in memory), with ``model``."""
    search._cache.clear()
    index = search.get_index(connect(url))
    index.encoder = model
    return index


def test_a_later_process_reads_the_vectors_an_earlier_one_made(library_db_url, var, monkeypatch) -> None:
    model = _toy()
    first = _fresh_index(library_db_url, model).part_vectors()
    kept = list((var / "cache").glob("part-vectors-*.npy"))
    assert len(kept) == 1 and np.array_equal(np.load(kept[0]), first)

    def not_again(rows):
        raise AssertionError("the vectors were made again")

    monkeypatch.setattr(model, "parts", not_again)
    again = _fresh_index(library_db_url, model).part_vectors()
    assert np.array_equal(again, first)
    assert first.shape[1] == 2 and np.abs(first).sum() > 0  # the toy model's, not zeros


def test_a_damaged_file_is_made_again_and_replaced(library_db_url, var) -> None:
    model = _toy()
    good = _fresh_index(library_db_url, model).part_vectors()
    (kept,) = (var / "cache").glob("part-vectors-*.npy")
    kept.write_bytes(b"not numbers")
    assert np.array_equal(_fresh_index(library_db_url, model).part_vectors(), good)
    assert np.array_equal(np.load(kept), good)
    np.save(kept, good[:10])  # another library's shape
    assert np.array_equal(_fresh_index(library_db_url, model).part_vectors(), good)


def test_another_model_has_its_own_file_and_the_old_one_goes(library_db_url, var) -> None:
    _fresh_index(library_db_url, _toy()).part_vectors()
    (old,) = (var / "cache").glob("part-vectors-*.npy")
    other = _fresh_index(library_db_url, _toy(scale=2.0)).part_vectors()
    (new,) = (var / "cache").glob("part-vectors-*.npy")
    assert new != old and np.array_equal(np.load(new), other)


def test_an_index_of_unknown_library_keeps_nothing(library_db_url, var) -> None:
    from sqlalchemy.orm import Session

    with Session(connect(library_db_url)) as session:
        index = search.SearchIndex.build(session, asked=(), encoder=_toy())
    assert index.fingerprint is None
    assert index.part_vectors().shape == (len(index.passages), 2)
    assert not (var / "cache").exists()


def test_the_clause_view_is_the_same_with_kept_vectors(library_db_url, var) -> None:
    question = "我爸去世了，丧葬费能领多少"
    first = [(h.document_id, h.unit, h.article) for h in
             _fresh_index(library_db_url, search.shipped_encoder()).search(question, limit=5, per_document=False)]
    second = [(h.document_id, h.unit, h.article) for h in
              _fresh_index(library_db_url, search.shipped_encoder()).search(question, limit=5, per_document=False)]
    assert first == second and len(first) == 5
