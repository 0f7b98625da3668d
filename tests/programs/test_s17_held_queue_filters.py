"""待核定的发放金额 filtered by program and region (s17): the same names (``program``, ``region``) on the core
(kuaiban.programs.held_queue.queue), the JSON API (GET /api/programs/held), the command line (`kuaiban programs
held --program --region`) and the page (/programs/held); a city's code includes its districts (access.within, as
the other staff lists); a bad value is refused naming its field, in Chinese.

The case is test_s16_held_queue's: 湖南 灵活就业社会保险补贴, a claim of 长沙市岳麓区 (430104), November and December held."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.platform.errors import Invalid
from kuaiban.programs import held_queue
from tests.programs.conftest import STAFF_PASSWORD, make_town
from tests.programs.helpers import kuaiban
from tests.programs.test_programs_api import _login
from tests.programs.test_s16_held_queue import _two_held_months
from tests.programs.test_s16_payroll_decided_amount import FLEX
from tests.web.forms import post_login

OTHER = "hn_social_insurance_subsidy_employer"  # another program of 湖南 that settles at payment


def _months(answer: dict) -> list[str]:
    return [i["month"] for i in answer["items"]]


def test_the_queue_is_filtered_by_program_and_by_region_a_city_including_its_districts(town) -> None:
    _two_held_months(town)
    with town.session() as s:
        def queue(**kw):
            return held_queue.queue(s, town.hunan_supervisor, **kw)

        assert _months(queue(program=FLEX)) == ["2021-11", "2021-12"]
        assert queue(program=OTHER) == {"count": 0, "page": 1, "pages": 1, "items": []}
        for region in ("430104", "430100", "430000", "长沙市"):  # the district, its city, its province, a name
            assert queue(region=region)["count"] == 2, region
        assert queue(region="430200")["count"] == 0  # 株洲市
        assert queue(region="430102")["count"] == 0  # 芙蓉区, another district of the city
        assert queue(program=FLEX, region="430100")["count"] == 2
        assert queue(program=" ", region="")["count"] == 2  # blank: no filter
        with pytest.raises(Invalid) as bad:
            queue(program="no_such_program")
        assert (bad.value.field, bad.value.message) == ("program", "没有这个补贴项目：no_such_program")
        for region in ("4301", "999999", "不存在的地方"):
            with pytest.raises(Invalid) as bad:
                queue(region=region)
            assert bad.value.field == "region" and ("地区" in bad.value.message or "行政区划" in bad.value.message)


def test_the_api_filters_with_the_same_names_and_names_the_field_at_fault(backend_url) -> None:
    town = make_town(backend_url)
    _two_held_months(town)
    with TestClient(create_app(backend_url)) as client:
        login = _login(client)
        headers = login("hn-rev")

        def held(query: str):
            return client.get(f"/api/programs/held?{query}", headers=headers)

        assert held(f"program={FLEX}&region=430100").json()["count"] == 2
        assert held(f"program={OTHER}").json()["count"] == 0
        assert held("region=430200").json()["count"] == 0
        for query, field in (("program=no_such_program", "program"), ("region=4301", "region")):
            refused = held(query)
            assert refused.status_code == 422, refused.text
            assert field in refused.text and any("\u4e00" <= ch <= "\u9fff" for ch in refused.text)


def test_the_command_line_filters_with_the_same_names(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    _two_held_months(town)

    def held(*args: str):
        return kuaiban("programs", "held", "--operator", "hn-rev", "--db", url, *args, var=tmp_path)

    done = held("--program", FLEX, "--region", "430100", "--json")
    assert done.returncode == 0, done.stderr
    assert _months(json.loads(done.stdout)) == ["2021-11", "2021-12"]
    none = held("--region", "430200")
    assert none.returncode == 0 and "没有符合筛选条件的待核定发放金额" in none.stdout
    bad = held("--program", "no_such_program")
    assert bad.returncode == 2 and "没有这个补贴项目：no_such_program" in bad.stderr
    bad = held("--region", "4301")
    assert bad.returncode == 2 and "行政区划代码应为 6 位数字" in bad.stderr


def test_the_page_has_the_filters_keeps_them_across_pages_and_shows_an_error_by_its_field(tmp_path,
                                                                                       monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = make_town(url)
    _two_held_months(town)
    reviewer = TestClient(create_app(url))
    assert post_login(reviewer, "hn-rev", STAFF_PASSWORD).status_code == 303
    page = reviewer.get("/programs/held").text
    assert 'name="program"' in page and 'name="region"' in page and f'<option value="{FLEX}"' in page
    assert '<option value="430100">' in page  # the account's city, offered
    filtered = reviewer.get(f"/programs/held?program={FLEX}&region=430100").text
    assert "共 2 个月份（已筛选）" in filtered and "清除筛选" in filtered
    assert f'<option value="{FLEX}" selected>' in filtered
    assert "没有符合筛选条件的待核定发放金额" in reviewer.get("/programs/held?region=430200").text
    monkeypatch.setattr(held_queue, "PAGE", 1)
    first = reviewer.get(f"/programs/held?program={FLEX}&region=430100").text
    assert f'href="?program={FLEX}&amp;region=430100&amp;page=2"' in first
    bad = reviewer.get("/programs/held?region=4301")
    assert bad.status_code == 422
    assert '<p class="field-error" id="f-region-error">行政区划代码应为 6 位数字：4301</p>' in bad.text
    assert 'id="held-months"' not in bad.text
    bad = reviewer.get("/programs/held?program=no_such_program")
    assert bad.status_code == 422 and "没有这个补贴项目：no_such_program" in bad.text
