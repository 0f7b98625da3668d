"""Region codes of the rules and coverage derived from the parameters in force."""

from __future__ import annotations

import numpy as np
from openfisca_core.parameters import ParameterNode

from kuaiban.platform import regions as gbt2260
from kuaiban.rules.coverage import in_force, regions_of, spans
from kuaiban.rules.enums import REGION_CODES, Region
from kuaiban.rules.regions import by_region, code_of, parameter_key, region_of, region_of_node


def test_every_member_has_its_province_code_and_name() -> None:
    assert set(REGION_CODES) == {member.name for member in Region} - {"unknown"}
    for name, code in REGION_CODES.items():
        assert gbt2260.level_of(code) == "province"
        assert gbt2260.region_name(code).startswith(Region[name].value)


def test_a_typed_region_is_resolved_to_its_province() -> None:
    assert region_of("430000") is region_of(430000) is region_of("湖南省") is region_of("hunan") is Region.hunan
    assert region_of("430104") is Region.hunan  # 岳麓区 lies in 湖南
    assert region_of("500000") is Region.chongqing and region_of("370000") is Region.shandong
    assert region_of("439999") is None and region_of("火星") is None and region_of("未指定") is None


def test_parameter_nodes_are_named_by_province_code() -> None:
    assert parameter_key(Region.shandong) == "r370000" and code_of(Region.unknown) == ""
    assert region_of_node("r430000") is Region.hunan and region_of_node("beijing") is Region.beijing
    assert region_of_node("amount") is None


AMOUNT = ParameterNode("amount", data={
    "r430000": {"values": {"2020-03-01": {"value": 1000}, "2021-01-01": {"value": None}}},
    "r120000": {"values": {"2020-07-01": {"value": 500}}},
})


def test_a_region_keyed_value_is_read_per_row() -> None:
    at = AMOUNT.get_at_instant("2020-08-01")
    rows = np.array([Region.hunan.index, Region.tianjin.index, Region.beijing.index], dtype=np.int16)
    values = by_region(at, rows)
    assert values[:2].tolist() == [1000, 500] and np.isnan(values[2])


def test_coverage_is_each_region_from_its_first_value_to_its_closing_null() -> None:
    found = spans(AMOUNT)
    assert [(s.region, s.dates) for s in found] == [(Region.hunan, "2020-03-01 至 2020-12-31"),
                                                    (Region.tianjin, "2020-07-01 起")]
    assert regions_of(found) == [Region.hunan, Region.tianjin]
    assert in_force(found, Region.hunan, "2020-12-31") and not in_force(found, Region.hunan, "2021-01-01")
    assert not in_force(found, Region.tianjin, "2020-06-30") and not in_force(found, Region.beijing, "2020-08-01")


def test_a_national_value_covers_every_region() -> None:
    node = ParameterNode("refund", data={"share": {"values": {"2021-05-01": {"value": 0.6}}}})
    found = spans(node)
    assert [s.region for s in found] == [None] and regions_of(found) == []
    assert in_force(found, Region.hunan, "2021-06-01") and in_force(found, Region.beijing, "2021-06-01")
