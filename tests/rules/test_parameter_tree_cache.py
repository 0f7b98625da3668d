"""The parameters in force on a day are read from one tree per span without changes: the same values as
openfisca-core reading every parameter on that very day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from openfisca_core import periods
from openfisca_core.errors import ParameterNotFoundError
from openfisca_core.parameters import Parameter

from kuaiban.rules.system import tax_benefit_system

SYSTEM = tax_benefit_system()
LEAVES = [p for p in SYSTEM.parameters.get_descendants() if isinstance(p, Parameter)]


def read_from_tree(tree, name: str):
    """The value of parameter `name` in a tree; None where it has none (a tree leaves out such leaves)."""
    node = tree
    try:
        for part in name.split("."):
            node = node[part]
    except ParameterNotFoundError:
        return None
    return node


def assert_same_values(day: date) -> None:
    instant = periods.instant(day.isoformat())
    tree = SYSTEM.get_parameters_at_instant(day.isoformat())
    for leaf in LEAVES:
        assert read_from_tree(tree, leaf.name) == leaf.get_at_instant(instant), (leaf.name, day)


def test_every_change_day_and_its_neighbours_read_the_values_of_that_day():
    for change in SYSTEM.value_changes:
        day = date(*change)
        for neighbour in (day - timedelta(days=1), day, day + timedelta(days=1)):
            assert_same_values(neighbour)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_any_day_reads_the_values_of_that_day(day):
    assert_same_values(day)


def test_days_between_two_changes_share_one_tree():
    first, second = SYSTEM.value_changes[5], SYSTEM.value_changes[6]
    last_day = date(*second) - timedelta(days=1)
    assert SYSTEM.get_parameters_at_instant(str(first)) is SYSTEM.get_parameters_at_instant(last_day.isoformat())
