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
