"""A downloaded application that cannot be filed at all — here its 登记失业地 (AAB301) names no region — can
carry no result back to the platform. It used to be visible only in ``kuaiban unemployment sync --refused``;
the caseworkers serving the region its code falls under now see it on the queue page and through the API,
with the reason in Chinese (人社厅发〔2020〕3号 七, hunan-hrss-2020.txt:3449: “各地要及时办理转办事项”).
A record whose AAB301 carries no usable prefix is shown to national-scope staff, so none is invisible."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.db import session_scope
from kuaiban.platform import auth
from kuaiban.platform.models import SUPERVISOR
from kuaiban.unemployment.national.feed import synthetic_applications
from kuaiban.unemployment.national.refusals import refused_downloads
from kuaiban.unemployment.national.sync import refused_items
from tests.unemployment.national.harness import SimulatorProcess, synchronizer
from tests.unemployment.world import PASSWORD, make_world
from tests.web.test_unemployment_pages import login, page_app

BAD_CODE = "439999"  # six digits under 湖南 (43), but no region has this code
NO_CODE = "ABCDEF"


@pytest.fixture
def world(tmp_path):
    """The usual 长沙 staff, a 湖南 supervisor and a national one; one good and two unfileable downloads."""
    url = f"sqlite:///{tmp_path / 'local.db'}"
    world = make_world(url)
    with session_scope(world.engine) as s:
        world.hunan = auth.create_user(s, "hunan", PASSWORD, SUPERVISOR, region="430000")
        world.national = auth.create_user(s, "national", PASSWORD, SUPERVISOR, region="全国")
    good, bad, worse = synthetic_applications(3)
    bad["AAB301"], worse["AAB301"] = BAD_CODE, NO_CODE
    sim = SimulatorProcess(tmp_path / "national.db").start()
    try:
        sim.feed([good, bad, worse])
        synchronizer(world.engine, sim.url).cycle(force=True)
    finally:
        sim.kill()
    world.url, world.bad, world.worse = url, bad, worse
    return world


def test_the_refused_downloads_are_listed_for_the_staff_whose_scope_their_code_falls_under(world):
    assert [r["adc201"] for r in refused_items(world.engine)] == [world.bad["ADC201"], world.worse["ADC201"]]
    with session_scope(world.engine) as s:
        hunan = refused_downloads(s, world.hunan)
        national = refused_downloads(s, world.national)
        changsha = refused_downloads(s, world.supervisor)
        window = refused_downloads(s, world.window)
    (one,) = hunan
    assert one.adc201 == world.bad["ADC201"] and one.place == f"未知地区（{BAD_CODE}）"
    assert one.name == world.bad["AAC003"]
    assert one.reason == (f"失业登记申请信息有 1 处错误：登记失业地行政区划代码（AAB301）的值“{BAD_CODE}”"
                          "不在代码表“行政区划代码”中")
    assert [d.adc201 for d in national] == [world.bad["ADC201"], world.worse["ADC201"]]
    assert changsha == window == []  # 439999 is not under 长沙 (4301)


def test_the_queue_page_shows_them_with_the_reason(world):
    client = TestClient(page_app(world.url))
    login(client, "hunan")
    html = client.get("/unemployment/review").text
    assert "全国平台转办但无法入库（1）" in html and "审核结果也无法回传全国平台" in html
    assert world.bad["ADC201"] in html and "不在代码表“行政区划代码”中" in html
    assert world.worse["ADC201"] not in html
    login(client, "window")  # nothing refused in 长沙: no section at all
    assert "无法入库" not in client.get("/unemployment/review").text
    login(client, "national")
    html = client.get("/unemployment/review").text
    assert "全国平台转办但无法入库（2）" in html and world.worse["ADC201"] in html


def test_the_api_lists_them_in_the_callers_scope(world):
    client = TestClient(create_app(world.url))
    token = client.post("/api/auth/login", json={"username": "hunan", "password": PASSWORD}).json()["token"]
    (listed,) = client.get("/api/unemployment/national/refused", headers={"Authorization": f"Bearer {token}"}).json()
    assert (listed["adc201"], listed["place"], listed["name"]) == (world.bad["ADC201"], f"未知地区（{BAD_CODE}）",
                                                                   world.bad["AAC003"])
    assert listed["reason"].endswith("不在代码表“行政区划代码”中")
