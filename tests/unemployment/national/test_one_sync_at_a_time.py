"""One national sync per database (issue 17 item 3): a second `kuaiban unemployment sync` exits with a clear
Chinese message, or waits with --wait; on SQLite (a file lock) and PostgreSQL (an advisory lock shared by
every app node)."""

from __future__ import annotations

import threading
import time

import pytest
from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.db import connect
from kuaiban.platform.process_lock import Busy
from kuaiban.unemployment.national import sync

runner = CliRunner()


@pytest.fixture
def engine(backend_url):
    engine = connect(backend_url)
    yield engine
    engine.dispose()


def test_a_second_sync_process_is_refused_while_one_runs(engine, backend_url):
    with sync.one_at_a_time(engine):
        outcome = runner.invoke(app, ["unemployment", "sync", "--once", "--db", backend_url,
                                      "--platform", "http://127.0.0.1:9"])
    assert outcome.exit_code == 2
    assert "另一个全国平台同步进程" in outcome.output and "--wait" in outcome.output
    assert "Traceback" not in outcome.output


def test_the_lock_is_free_again_when_its_holder_ends(engine):
    with sync.one_at_a_time(engine):
        pass
    other = connect(engine.url.render_as_string(hide_password=False))
    # taken again at once (no stale lock left behind), and refused to another connection meanwhile
    with sync.one_at_a_time(engine), pytest.raises(Busy, match="同一数据库同时只能运行一个"), \
            sync.one_at_a_time(other):
        pass
    other.dispose()


def test_a_waiting_sync_starts_when_the_first_one_ends(engine):
    order: list[str] = []
    held = threading.Event()

    def first() -> None:
        with sync.one_at_a_time(engine):
            held.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    other = connect(engine.url.render_as_string(hide_password=False))
    with sync.one_at_a_time(other, wait=True, on_wait=lambda: order.append("waiting")):
        order.append("second runs")
    thread.join()
    other.dispose()
    assert order == ["waiting", "first done", "second runs"]
