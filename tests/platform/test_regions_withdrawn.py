"""Codes withdrawn since 2020 (the compilations' time): known, read with 已撤销, refused as new input with the
reason, and never the silent loser of a name they share with a current region."""

from __future__ import annotations

import pytest

from kuaiban.platform import regions
from kuaiban.platform.errors import Invalid


def refusal(text: str) -> str:
    with pytest.raises(Invalid) as refused:
        regions.resolve(text)
    assert refused.value.field == "region"
    return str(refused.value)


def test_a_stored_withdrawn_code_reads_with_its_name_and_the_fact():
    assert regions.label("500105") == "重庆市江北区（500105，已撤销）"
    assert regions.known_region("500112").withdrawn == 2025 and regions.region("500112") is None
    assert regions.covers("500000", "500105")  # 重庆's staff still see their records


def test_a_name_shared_by_a_current_and_a_withdrawn_region_is_ambiguous():
    message = refusal("江北区")
    assert "浙江省宁波市江北区（330205）" in message and "重庆市江北区（500105，已撤销）" in message
    assert regions.resolve("宁波市江北区") == "330205"


def test_an_address_in_a_withdrawn_district_is_refused_not_read_as_the_city():
    assert refusal("重庆市江北区") == "重庆市江北区（500105）的行政区划代码已撤销，请选择现行地区"
    assert refusal("500112") == "重庆市渝北区（500112）的行政区划代码已撤销，请选择现行地区"
    assert regions.resolve("重庆市两江新区") == "500157"


def test_a_re_coded_place_names_its_current_code():
    assert regions.resolve("祁阳") == "431181"  # 祁阳县 became 祁阳市: the short name means the place
    assert "现为湖南省永州市祁阳市（431181）" in refusal("湖南省永州市祁阳县")


def test_codes_withdrawn_before_2020_stay_unknown():
    assert regions.known_region("110103") is None  # 崇文区, merged into 东城区 in 2010
    assert refusal("110103") == "行政区划代码不存在：110103"
