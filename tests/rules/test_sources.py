"""Every clause the rules cite is in the registry (data/clauses; quotes are checked in tests/platform)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.sources import all_sources

PARAMETERS = Path(__file__).resolve().parents[2] / "kuaiban" / "rules" / "parameters"


def cited_by_parameters() -> list[tuple[str, str]]:
    """(file, clause key) for every `metadata: source:` of a parameter value."""
    found: list[tuple[str, str]] = []

    def walk(node, path: Path) -> None:
        if isinstance(node, dict):
            meta = node.get("metadata")
            if isinstance(meta, dict) and "source" in meta:
                found.append((str(path.relative_to(PARAMETERS)), str(meta["source"])))
            for child in node.values():
                walk(child, path)
        elif isinstance(node, list):
            for child in node:
                walk(child, path)

    for path in sorted(PARAMETERS.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path)
    return found


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_every_source_a_calculator_lists_is_registered(name: str) -> None:
    missing = [key for key in CALCULATORS[name].sources if key not in all_sources()]
    assert not missing


def test_every_clause_a_parameter_names_is_registered() -> None:
    cited = cited_by_parameters()
    assert cited
    assert [(path, key) for path, key in cited if key not in all_sources()] == []


def test_every_reference_of_a_variable_is_a_registered_clause_or_names_its_document() -> None:
    from kuaiban.rules.system import tax_benefit_system

    referenced = {name: variable.reference for name, variable in tax_benefit_system().variables.items()
                  if variable.reference}
    assert referenced  # the variables that carry one (new ones must: docs/rules.md)
    unknown = {name: ref for name, refs in referenced.items() for ref in refs
               if ref not in all_sources() and "号" not in ref and "〔" not in ref}
    assert unknown == {}
