"""Signing in through the API in tests: one helper for every pillar's API fixtures."""
from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def bearer_login(client: TestClient, password: str | Callable[[str], str]) -> Callable[[str], dict]:
    """``login(username)`` → the Authorization header of a fresh token for that account. ``password`` is the
    worlds' shared password, or a function of the username where a world gives staff and citizens different ones."""

    def login(username: str) -> dict:
        given = password(username) if callable(password) else password
        r = client.post("/api/auth/login", json={"username": username, "password": given})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return login
