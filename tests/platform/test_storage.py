"""The file store (issue 17 item 1): content-addressed, checked on every read, in a directory or in the
database every app node shares — where a file commits or rolls back with the step that stored it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kuaiban.db import connect, session_scope
from kuaiban.platform import storage

SCAN = b"%PDF-1.7\n" + bytes(range(256)) * 40


@pytest.fixture(params=[storage.DIRECTORY, storage.DATABASE])
def store(request, backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv(storage.ENV, request.param)
    engine = connect(backend_url)
    yield engine
    engine.dispose()


def test_a_file_is_found_by_the_hash_of_its_bytes_and_stored_once(store):
    with session_scope(store) as s:
        first = storage.put(s, SCAN)
        again = storage.put(s, SCAN)
    assert first == again == storage.digest_of(SCAN)
    with session_scope(store) as s:
        assert storage.get(s, first) == SCAN
        assert storage.get(s, "0" * 64) is None
        assert storage.get(s, "../../etc/passwd") is None  # not an address: never a path


def test_bytes_changed_after_storing_are_refused_not_served(store):
    with session_scope(store) as s:
        digest = storage.put(s, SCAN)
    if storage.backend() == storage.DATABASE:
        with session_scope(store) as s:
            s.get(storage.StoredFile, digest).data = SCAN + b"tampered"
    else:
        path = storage.directory() / digest
        path.write_bytes(SCAN + b"tampered")
    with session_scope(store) as s, pytest.raises(storage.Corrupt):
        storage.get(s, digest)


def test_the_shared_store_keeps_nothing_of_a_step_that_rolled_back(backend_url, tmp_path, monkeypatch):
    monkeypatch.setenv(storage.ENV, storage.DATABASE)
    engine = connect(backend_url)
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        storage.put(s, SCAN)
        raise RuntimeError("the step failed after storing its file")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(storage.StoredFile)) == 0
    engine.dispose()


def test_every_node_reads_what_another_node_stored(backend_url, monkeypatch):
    """Two engines stand for two app nodes on one database."""
    monkeypatch.setenv(storage.ENV, storage.DATABASE)
    node_a, node_b = connect(backend_url), connect(backend_url)
    with session_scope(node_a) as s:
        digest = storage.put(s, SCAN)
    with session_scope(node_b) as s:
        assert storage.get(s, digest) == SCAN
    node_a.dispose(), node_b.dispose()


def test_an_unknown_backend_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv(storage.ENV, "s3")
    with pytest.raises(ValueError, match="KUAIBAN_STORAGE"):
        storage.backend()


def test_directory_files_are_private(tmp_path, monkeypatch, backend_url):
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv(storage.ENV, storage.DIRECTORY)
    engine = connect(backend_url)
    with session_scope(engine) as s:
        digest = storage.put(s, SCAN)
    assert (storage.directory() / digest).stat().st_mode & 0o077 == 0
    engine.dispose()
