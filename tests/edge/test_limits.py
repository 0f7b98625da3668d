"""Request bodies are limited by size before any handler, login check or parser reads them."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest

from kuaiban.edge import limits
from kuaiban.rules.calculators import get
from kuaiban.rules.population import EXTRA_COLUMNS

from .conftest import rss_kib

MIB = 1024 * 1024


def head_only(url: str, head: str, timeout: float = 10) -> tuple[float, bytes]:
    """Send only a request's head (a body is announced but never sent); (seconds to answer, response)."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return time.monotonic() - started, data


def test_each_path_has_its_limit():
    assert limits.limit_for("/api/auth/login") == (limits.API_BODY, "接口请求内容")
    assert limits.limit_for("/services/bundles/3/apply")[0] == limits.UPLOAD_TOTAL
    assert limits.limit_for("/services/cases/KB1/supply")[0] == limits.UPLOAD_TOTAL
    assert limits.limit_for("/calc/pension_adjustment/batch")[0] == limits.CALC_CSV
    assert limits.limit_for("/login")[0] == limits.FORM_BODY


def test_an_announced_oversized_json_body_is_refused_at_once_without_waiting_for_it(live_process):
    seconds, response = head_only(live_process.url, (
        "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {2 * 1024 ** 3}\r\n\r\n"))
    assert response.startswith(b"HTTP/1.1 413")
    assert "接口请求内容过大：上限 1 MB".encode() in response
    assert seconds < 5  # answered on the head alone: the 2 GiB were never awaited


def test_an_announced_oversized_upload_gets_a_chinese_page(live_process):
    _, response = head_only(live_process.url, (
        "POST /services/bundles/3/apply HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {100 * 10 * MIB}\r\n\r\n"))
    assert response.startswith(b"HTTP/1.1 413")
    page = response.decode()
    assert "text/html" in page and "一次提交的材料文件合计过大：上限 50 MB" in page and 'href="/"' in page


def _chunks(total: int, size: int = MIB):
    sent = 0
    while sent < total:
        yield b"a" * min(size, total - sent)
        sent += size


def test_a_chunked_json_body_is_cut_off_once_it_passes_the_limit(sqlite_client):
    # a generator body goes out chunked, with no Content-Length to refuse it by
    r = sqlite_client.post("/api/unemployment/validate", content=_chunks(3 * MIB),
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert r.json() == {"detail": "接口请求内容过大：上限 1 MB，请删减后重新提交。", "field": None}


def test_a_chunked_upload_over_the_total_is_refused_with_a_page(sqlite_client):
    r = sqlite_client.post("/services/bundles/3/apply", content=_chunks(limits.UPLOAD_TOTAL + MIB),
                           headers={"Content-Type": "multipart/form-data; boundary=b", "Accept": "text/html"})
    assert r.status_code == 413
    assert "text/html" in r.headers["content-type"]
    assert "一次提交的材料文件合计过大" in r.text and "返回首页" in r.text


def test_bodies_within_the_limits_still_reach_the_handlers(sqlite_client):
    r = sqlite_client.post("/api/auth/login", json={"username": "nobody", "password": "x" * 1000})
    assert r.status_code == 401  # the handler answered: not refused at the edge


def test_more_files_than_any_bundle_asks_for_are_refused_before_the_login_check(sqlite_client):
    files = [(f"file:m{i}", (f"m{i}.pdf", b"%PDF-1.4 small")) for i in range(31)]
    r = sqlite_client.post("/services/bundles/3/apply", files=files, data={"csrf": "x"},
                           headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 400
    assert "提交的文件或填写项过多" in r.text


def test_a_text_field_longer_than_the_part_limit_is_refused(sqlite_client):
    files = {"file:m": ("m.pdf", b"%PDF-1.4")}
    r = sqlite_client.post("/services/bundles/3/apply", files=files, data={"field:姓名": "长" * 30_000},
                           headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 400 and "某一项内容过长" in r.text


def test_a_wide_calculator_csv_is_refused_before_any_job_is_made(sqlite_client, tmp_path):
    calc = get("unemployment_benefit")
    header = [f.name for f in calc.fields] + [f"x{i}" for i in range(100_000)]
    row = ["北京", "2020-08", "60", "1"] + [""] * (len(header) - 4)
    body = (",".join(header) + "\n" + ",".join(row) + "\n").encode()
    assert len(body) < MIB  # the review's 0.9 MB file
    r = sqlite_client.post("/calc/unemployment_benefit/batch", files={"file": ("wide.csv", body)},
                           follow_redirects=False)
    assert r.status_code == 422
    assert f"列数过多：上限 {len(calc.fields) + EXTRA_COLUMNS} 列" in r.text
    assert not list((tmp_path / "var" / "calc-jobs").glob("*"))


@pytest.mark.slow
def test_a_hundred_anonymous_10_mib_uploads_leave_the_servers_memory_almost_unchanged(live_process):
    """The review's attack: 10 MiB files posted to the 一件事 page without a login. Each request is within
    the size limit, so it is parsed — and Starlette spools the file to disk; the files are never read
    into memory because nobody is signed in. Then one chunked request of 100 × 10 MiB, cut at the limit."""
    before = rss_kib(live_process.pid, "VmRSS")
    blob = b"\x00" * (10 * MIB)

    def upload(i: int) -> int:
        with httpx.Client(timeout=60) as c:
            r = c.post(f"{live_process.url}/services/bundles/3/apply", files={f"file:m{i}": (f"m{i}.bin", blob)},
                       data={"csrf": "x"}, follow_redirects=False)
            return r.status_code

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(upload, range(100)))
    assert codes == [303] * 100  # each sent to the login page

    def many_parts():
        yield b"--b\r\n"
        for i in range(100):
            yield f'Content-Disposition: form-data; name="file:m{i}"; filename="m{i}.bin"\r\n\r\n'.encode()
            yield from (blob[j:j + MIB] for j in range(0, len(blob), MIB))
            yield b"\r\n--b\r\n"

    try:
        r = httpx.post(f"{live_process.url}/services/bundles/3/apply", content=many_parts(), timeout=60,
                       headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413
    except httpx.TransportError:
        pass  # the server may close the connection while the client is still sending: also a refusal

    peak = rss_kib(live_process.pid, "VmHWM")
    assert peak - before < 100 * 1024, f"RSS grew by {(peak - before) // 1024} MB"
    assert httpx.get(f"{live_process.url}/api/health").status_code == 200
