"""The search index warmed up after start-up (session 19): the app ``kuaiban serve`` runs
(``kuaiban.app:create_served_app``, scripts/start) builds the library's index in a background thread once it has
started — start-up and other requests do not wait for it, and a search arriving meanwhile waits for that same
build: exactly one index is built. The apps the tests make with ``create_app`` build none until a search asks."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kuaiban import cross_refs
from kuaiban.app import create_app, create_served_app
from kuaiban.db import connect
from kuaiban.library import search
from kuaiban.library.search import SearchIndex

from .test_search import _write_library

WARM_UP = "search-index-warm-up"


@pytest.fixture
def library(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    connect(url)  # migrated, then the small library of the search tests
    _write_library(url)
    monkeypatch.setenv("KUAIBAN_DB", url)  # what `kuaiban serve --db` sets for its worker processes
    monkeypatch.setenv("KUAIBAN_JOB_WORKER", "0")
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))  # the workers' turns (search-warm-up.lock) are here
    return url


@pytest.fixture
def builds(monkeypatch) -> tuple[list[str], threading.Event]:
    """Each index build, by the thread that made it; a build waits for the event before it reads the library."""
    made: list[str] = []
    gate = threading.Event()
    real = SearchIndex.build.__func__

    def build(cls, session, **options):
        made.append(threading.current_thread().name)
        assert gate.wait(30)
        return real(cls, session, **options)

    monkeypatch.setattr(SearchIndex, "build", classmethod(build))
    return made, gate


def _until(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_the_served_app_builds_one_index_after_start_up_and_a_search_meanwhile_waits_for_it(library, builds,
                                                                                           tmp_path) -> None:
    made, gate = builds
    cross_refs._index.cache_clear()
    app = create_served_app()
    with TestClient(app) as client:  # started although the build is held
        warm = app.state.search_warm_up
        _until(lambda: made == [WARM_UP])
        assert warm.is_alive() and warm.daemon
        assert client.get("/api/health").status_code == 200  # requests are served meanwhile
        answers = {}
        asker = threading.Thread(target=lambda: answers.update(
            hit=client.get("/api/search", params={"q": "人社部发[2020]26号"})))
        asker.start()
        time.sleep(0.5)
        assert asker.is_alive() and made == [WARM_UP], (answers, made)  # waiting for the build under way, not building another
        gate.set()
        asker.join(30)
        warm.join(30)
        assert answers["hit"].status_code == 200 and answers["hit"].json()[0]["doc_no"] == "人社部发〔2020〕26号"
        assert cross_refs._index.cache_info().currsize == 1  # what acts on a hit's document: read by the warm-up
        assert (tmp_path / "var" / "search-warm-up.lock").exists()
        assert client.get("/library", params={"q": "退休金"}).status_code == 200
    assert made == [WARM_UP]  # one index for the warm-up, the waiting search and the later one


def test_an_app_made_by_create_app_builds_no_index_until_a_search(library, builds) -> None:
    made, gate = builds
    gate.set()
    app = create_app(library)
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
        time.sleep(0.3)
        assert made == [] and not hasattr(app.state, "search_warm_up")
        assert client.get("/api/search", params={"q": "退休金"}).status_code == 200
    assert len(made) == 1 and made != [WARM_UP]


def test_the_warm_up_asks_the_questions_and_hands_the_index_on(library, monkeypatch) -> None:
    asked, handed = [], []
    real = SearchIndex.search
    monkeypatch.setattr(SearchIndex, "search", lambda self, q, **kw: asked.append(q) or real(self, q, **kw))
    engine = connect(library)
    search.warm_up(engine, then=handed.append).join(30)
    assert asked == list(search.WARM_QUESTIONS) and handed == [search.get_index(engine)]
    # …and makes the parts' vectors the clause view's first search would wait for
    assert handed[0]._part_vectors is not None and len(handed[0]._part_vectors) == len(handed[0].passages)


def test_a_search_waiting_for_the_build_gets_the_index_once_it_is_warmed(library, builds) -> None:
    """What a first question loads besides the index is loaded once, by the warm-up, before a waiting search
    proceeds (not a second time beside it); a warm-up step that fails leaves the index built, not built again."""
    made, gate = builds
    gate.set()
    engine = connect(library)
    entered, release = threading.Event(), threading.Event()

    def then(index):
        entered.set()
        assert release.wait(30)
        raise RuntimeError("读取失败")

    warm = search.warm_up(engine, then=then)
    assert entered.wait(30)
    got = []
    asker = threading.Thread(target=lambda: got.append(search.get_index(engine)))
    asker.start()
    time.sleep(0.3)
    assert asker.is_alive() and got == []
    release.set()
    asker.join(30)
    warm.join(30)
    assert got == [search.get_index(engine)] and made == [WARM_UP]


def test_the_workers_of_one_machine_warm_up_one_after_another(tmp_path, builds) -> None:
    """Two worker processes (two engines here) sharing the lock file: the second builds only once the first is
    done, instead of both at once on the same CPUs; a search in the second meanwhile builds its own index."""
    made, gate = builds
    engines = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        connect(url)
        _write_library(url)
        engines.append(connect(url))
    turns = tmp_path / "var" / "search-warm-up.lock"
    first = search.warm_up(engines[0], one_at_a_time=turns)
    _until(lambda: made == [WARM_UP])
    second = search.warm_up(engines[1], one_at_a_time=turns)
    time.sleep(0.5)
    assert second.is_alive() and made == [WARM_UP]  # waiting for its turn, not building
    gate.set()
    first.join(30)
    second.join(30)
    assert made == [WARM_UP, WARM_UP] and not first.is_alive() and not second.is_alive()


def test_a_failed_warm_up_leaves_the_build_to_the_first_search(library, monkeypatch, caplog) -> None:
    calls = []
    real = search.get_index

    def failing(engine, **options):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("数据库暂不可用")
        return real(engine, **options)

    monkeypatch.setattr(search, "get_index", failing)
    search.warm_up(connect(library)).join(30)
    assert "search index warm-up failed" in caplog.text
    assert search.get_index(connect(library)).search("退休金")


def test_kuaiban_serve_runs_the_served_app(monkeypatch, library) -> None:
    import uvicorn

    from kuaiban.cli import app as cli

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: seen.update(target=target, **options))
    result = CliRunner().invoke(cli, ["serve", "--db", library, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert (seen["target"], seen["factory"], seen["workers"]) == ("kuaiban.app:create_served_app", True, 2)
