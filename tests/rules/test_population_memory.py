"""What keeps population mode's passes cheap: simulations freed as soon as they finish (their memory is then
reused, not faulted in afresh), enum inputs handed over checked, and gap combinations looked for only where
they can occur."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from openfisca_core.indexed_enums import EnumArray

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import release, simulate, vector_simulation
from kuaiban.rules.enums import Region
from kuaiban.rules.population import _candidate_keys, evaluate
from kuaiban.rules.regions import per_region


def test_a_finished_simulation_keeps_no_arrays() -> None:
    simulation = vector_simulation(3)
    simulation.set_input("monthly_wage", "2020", np.array([1000.0, 5000.0, 50000.0]))
    simulation.set_input("region", "2020", EnumArray(np.full(3, Region.hunan.index, dtype=np.int16), Region))
    answer = np.asarray(simulation.calculate("contribution_base", "2020"))
    release(simulation)
    for population in simulation.populations.values():
        for holder in population._holders.values():
            assert holder.get_known_periods() == []
    assert answer.tolist() == pytest.approx([2859.0, 5000.0, 15162.0])  # the caller's answer is intact


def test_simulation_inputs_for_an_enum_are_checked_then_handed_over_as_enum_arrays() -> None:
    inside = np.array([Region.hunan.index, Region.chongqing.index], dtype=np.int16)
    answer = simulate({"region": inside, "monthly_wage": np.array([1.0, 1.0])}, "2021", ("contribution_floor",), 2)
    assert np.isnan(answer["contribution_floor"][0])  # Hunan gives no 2021 figure; Chongqing does
    assert answer["contribution_floor"][1] > 0


def test_per_region_is_a_lookup_by_each_rows_region() -> None:
    table = np.arange(len(Region), dtype=float) * 10
    regions = np.array([Region.hunan.index, Region.beijing.index, Region.hunan.index], dtype=np.int16)
    assert per_region(table, regions).tolist() == table[regions].tolist()


def test_only_combinations_that_may_occur_are_looked_for() -> None:
    """Two regions out of a range of five codes (a dictionary's words) and a year range of two: four keys."""
    parts = [(np.zeros(1, np.int16), 5, [0, 4]), (np.zeros(1, np.int16), 2, None)]
    assert _candidate_keys(parts) == [0, 1, 8, 9]
    assert _candidate_keys([(np.zeros(1, np.int16), 1000, None)]) is None  # too many: one scatter instead


def test_a_combination_not_covered_flags_its_rows_among_covered_ones() -> None:
    """湖南 2021 is outside the figures the compilations give; the rows around it are computed."""
    table = pa.table({"region": pa.array(["湖南", "湖南", "重庆", "湖南"]).dictionary_encode(),
                      "year": [2020, 2021, 2021, 2020], "monthly_wage": [1000.0, 1000.0, 1000.0, 99999.0]})
    values, errors = evaluate(get("contribution_base"), table)
    messages = errors.as_objects()
    assert [message is None for message in messages] == [True, False, True, True]
    assert "2021" in messages[1]
    assert np.isnan(values[1]) and values[0] == 2859.0 and values[3] == 15162.0


def test_only_one_dimensional_integer_arrays_become_enum_arrays() -> None:
    from kuaiban.rules.calculators.base import _as_enum_array

    assert isinstance(_as_enum_array("region", np.array([1, 2], dtype=np.int32)), EnumArray)
    scalar = np.array(Region.hunan.index, dtype=np.int16)  # 0-d: openfisca-core makes it one row
    assert _as_enum_array("region", scalar) is scalar
    outside = np.array([len(Region)], dtype=np.int16)  # out of range: openfisca-core refuses it
    assert _as_enum_array("region", outside) is outside
    wages = np.array([1, 2])
    assert _as_enum_array("monthly_wage", wages) is wages  # not an enum


def test_region_indices_must_be_integers() -> None:
    with pytest.raises(TypeError):
        per_region(np.zeros(len(Region)), np.array([1.0, 2.0]))
