"""Fixtures of the edge tests: the app in a TestClient on a fresh database of each backend, and a real
uvicorn server in its own process (for memory measured from /proc)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.config import ROOT
from tests.live import free_port


@pytest.fixture
def client(backend_url, tmp_path, monkeypatch) -> Iterator[TestClient]:
    """The whole app on a fresh SQLite file and a fresh PostgreSQL database."""
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    with TestClient(create_app(backend_url), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def sqlite_client(tmp_path, monkeypatch) -> Iterator[TestClient]:
    """The app on a fresh SQLite file, for behaviour that does not depend on the database."""
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    with TestClient(create_app(f"sqlite:///{tmp_path / 'kuaiban.db'}"), raise_server_exceptions=False) as c:
        yield c


def rss_kib(pid: int, key: str = "VmRSS") -> int:
    """Resident memory of a process in KiB, from /proc/<pid>/status (VmRSS now, VmHWM the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(key)


class LiveServer:
    def __init__(self, url: str, pid: int) -> None:
        self.url = url
        self.pid = pid


@pytest.fixture(scope="module")
def live_process(tmp_path_factory) -> Iterator[LiveServer]:
    """``kuaiban.app`` served by uvicorn in a child process on a fresh SQLite database (its own RSS)."""
    tmp_path = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {**os.environ, "KUAIBAN_DB": f"sqlite:///{tmp_path / 'kuaiban.db'}", "KUAIBAN_VAR": str(tmp_path / "var"),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "kuaiban.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the uvicorn child process did not start")
            time.sleep(0.2)
        yield LiveServer(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
