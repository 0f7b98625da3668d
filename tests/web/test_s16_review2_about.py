"""Every program's public page (/programs/<code>/about), read without signing in (review2, session 16).

The page states each 公示 period as the text prints it: 5个工作日 (鲁人社字〔2020〕55号 第十四条, 津人社办发〔2020〕78号
三（一）, 渝人社办〔2021〕23号 一（五）3.) is not 5天. No English word, code name or file path, no personal data.
"""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.programs import definitions


@pytest.fixture(scope="module")
def anonymous(library_db_url, tmp_path_factory):
    path = tmp_path_factory.mktemp("about_all") / "k.db"
    shutil.copy(library_db_url.removeprefix("sqlite:///"), path)
    with TestClient(create_app(f"sqlite:///{path}")) as c:
        yield c


def _main_text(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r"<blockquote>.*?</blockquote>", "", main, flags=re.S)  # quoted source text
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize("code", sorted(definitions.programs()))
def test_each_program_page_reads_in_chinese_and_gives_the_publicity_period_as_printed(anonymous, code):
    program = definitions.get(code)
    response = anonymous.get(f"/programs/{code}/about", follow_redirects=False)
    assert response.status_code == 200, response.text[:300]
    text = _main_text(response.text)
    words = set(re.findall(r"[A-Za-z_]{2,}", text)) - {"Excel"}  # a material's format, as the form names it
    assert not words, words
    assert "个人信息" not in text and "身份证号" not in text
    if program.publicity_days:
        unit = "个工作日" if program.publicity_working_days else "天"
        assert f"公示{program.publicity_days}{unit}" in text.replace(" ", "")
