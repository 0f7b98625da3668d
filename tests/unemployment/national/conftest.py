"""Fixtures of the national-sync tests: a simulator process on its own SQLite file, a local database."""

from __future__ import annotations

import pytest

from kuaiban.db import connect
from tests.unemployment.national.harness import SimulatorProcess


@pytest.fixture
def simulator(tmp_path):
    sim = SimulatorProcess(tmp_path / "national.db").start()
    yield sim
    sim.kill()


@pytest.fixture
def local_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'local.db'}"


@pytest.fixture
def engine(local_url):
    return connect(local_url)
