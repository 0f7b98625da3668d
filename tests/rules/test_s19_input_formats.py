"""Every month and date input of the field list (``kuaiban calc --list --json``, ``GET /api/calc`` shown at /docs)
names the form it takes, exactly as the input is read: a month that reads only a month ``YYYY-MM``; one that
also reads a day within it ``YYYY-MM 或 YYYY-MM-DD`` (its description says 年月，或该月内的具体日期); a date
``YYYY-MM-DD`` — whether or not its spec wrote a unit (many wrote none, some month inputs that read a day
only YYYY-MM)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.calculators.base import DAY_WORDS, CalculatorError, parse_value

ROOT = Path(__file__).resolve().parents[2]


def _reads(spec, text: str) -> bool:
    try:
        parse_value(spec, text)
    except CalculatorError:
        return False
    return True


def _told(calculators: list[dict]) -> dict[tuple[str, str], dict]:
    return {(c["name"], f["name"]): f for c in calculators for f in c["inputs"] if f["type"] in ("month", "date")}


def test_each_month_and_date_input_names_exactly_the_forms_it_reads() -> None:
    done = subprocess.run([sys.executable, "-m", "kuaiban", "calc", "--list", "--json"], capture_output=True,
                          text=True, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    told = _told(json.loads(done.stdout)["calculators"])
    assert len(told) > 100
    for (calc, name), described in told.items():
        spec = next(f for f in CALCULATORS[calc].fields if f.name == name)
        month, day = _reads(spec, "2021-05"), _reads(spec, "2021-05-20")
        expected = {(True, True): "YYYY-MM 或 YYYY-MM-DD", (True, False): "YYYY-MM", (False, True): "YYYY-MM-DD"}
        assert described.get("unit") == expected[month, day], (calc, name, described)
        assert (DAY_WORDS in described["description"]) == (spec.type == "month" and day), (calc, name)
    # a month input the spec gave no unit, one that reads a day and one that does not, and a date without one
    assert told["contribution_late_fee", "arrears_month"]["unit"] == "YYYY-MM"
    assert told["contribution_late_fee", "month"]["unit"] == "YYYY-MM 或 YYYY-MM-DD"
    assert told["social_insurance_relief", "month"]["unit"] == "YYYY-MM"
    assert told["funeral_grant", "death_date"]["unit"] == "YYYY-MM-DD"


def test_the_api_lists_the_same_forms(tmp_path) -> None:
    listed = TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}")).get("/api/calc").json()["calculators"]
    told = _told(listed)
    assert told["contribution_late_fee", "arrears_month"]["unit"] == "YYYY-MM"
    assert told["residents_pension", "month"]["unit"] == "YYYY-MM 或 YYYY-MM-DD"
    assert told["stable_job_refund", "application_date"]["unit"] == "YYYY-MM-DD"
    assert all(f.get("unit") in ("YYYY-MM", "YYYY-MM 或 YYYY-MM-DD", "YYYY-MM-DD") for f in told.values())
