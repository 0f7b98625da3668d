"""The OpenFisca YAML tests in kuaiban/rules/tests, run by openfisca's own test runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kuaiban.rules.system import YAML_TESTS_DIR

YAML_FILES = sorted(YAML_TESTS_DIR.glob("*.yaml"))

RUNNER = """
import sys
from openfisca_core.tools.test_runner import run_tests
from kuaiban.rules.system import tax_benefit_system
sys.exit(run_tests(tax_benefit_system(), sys.argv[1:], {"verbose": False}))
"""


def test_every_calculator_has_yaml_tests() -> None:
    from kuaiban.rules.calculators import CALCULATORS

    assert {path.stem for path in YAML_FILES} >= set(CALCULATORS)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.stem)
def test_yaml_file_passes_openfisca_runner(path: Path) -> None:
    # A separate interpreter: openfisca's runner starts its own pytest session.
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(path), "-p", "no:cacheprovider", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
