"""The fixtures' module and the module test files import their helpers from are one module.

Before ``tests/__init__.py`` pytest loaded this directory's conftest as ``programs.conftest`` while test files
imported ``tests.programs.conftest``: two modules, two counters of synthetic ID numbers, and a town's citizen
could be given the number a test then registered again (CI, stop 31: "该证件号码已注册账号")."""

from __future__ import annotations

import sys

from tests.programs import conftest


def test_every_conftest_is_loaded_once_under_the_tests_package() -> None:
    loaded = sorted(name for name in sys.modules if name.endswith("conftest"))
    assert "tests.programs.conftest" in loaded
    assert [name for name in loaded if not name.startswith("tests.")] == []


def test_the_synthetic_id_numbers_of_one_process_do_not_repeat(sqlite_town) -> None:
    numbers = {sqlite_town.citizen_number, sqlite_town.other_number, sqlite_town.hunan_number}
    numbers |= {conftest.id_number() for _ in range(3)}
    assert len(numbers) == 6


def test_a_process_gets_valid_distinct_numbers_however_many_it_asks_for() -> None:
    """Trainee lists of 100 in several tests of one process ran the subsidy tests' order code past 999 (CI, a clean
    run at session 18: "应为 18 位公民身份号码"); each generator now moves to the next birthday instead."""
    from stdnum.cn import ric

    from tests.programs.test_audit_s13_subsidies import id_number as subsidy_number

    for make in (conftest.id_number, subsidy_number):
        numbers = [make() for _ in range(1200)]
        assert len(set(numbers)) == len(numbers)
        assert all(len(n) == 18 and ric.is_valid(n) for n in numbers)
