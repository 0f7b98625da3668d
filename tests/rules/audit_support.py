"""Helpers shared by the audit case files (tests/rules/test_audit_cases_2*.py): run a calculator, catch its
refusal, find the step that names a condition."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get


def run(name: str, case: dict) -> dict:
    return get(name).run(case)


def refused(name: str, case: dict) -> CalculatorError:
    """The refusal of `case` (the test fails if the calculator answers)."""
    with pytest.raises(CalculatorError) as caught:
        get(name).run(case)
    return caught.value


def step(result: dict, *words: str) -> dict:
    """The step whose text holds every one of `words`, else the test fails."""
    found = [s for s in result["explanation"] if all(word in s["text"] for word in words)]
    assert found, f"no step names {words}: {[s['text'] for s in result['explanation']]}"
    return found[0]


def steps(result: dict) -> list[tuple[str, str, str]]:
    """Each step as (doc_no, article, text)."""
    return [(s["source"]["doc_no"], s["source"]["article"], s["text"]) for s in result["explanation"]]
