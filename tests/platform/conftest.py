"""The message-centre tests stand in the 快办 test world (a region, its staff, two applicants)."""

from __future__ import annotations

import pytest

from kuaiban.platform import auth
from tests.services.conftest import World, make_world


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**10, "r": 8, "p": 1})


@pytest.fixture
def world(backend_url) -> World:
    return make_world(backend_url)
