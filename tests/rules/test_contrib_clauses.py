"""The clause registry files of the contributions, training, labour and deadline rules: every quote is
verbatim inside the lines it names (hard-wrapped lines joined, spacing aside), and every parameter value and
variable reference of those calculators cites a registered clause."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPILATIONS = ROOT / "data" / "compilations"
CLAUSE_FILES = [ROOT / "data" / "clauses" / f"{theme}.yaml" for theme in
                ("training", "labour", "contributions", "deadlines")]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def compilation_lines(file: str) -> list[str]:
    return (COMPILATIONS / file).read_text(encoding="utf-8").splitlines()


@cache
def clauses() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in CLAUSE_FILES:
        if path.exists():
            for key, entry in yaml.safe_load(path.read_text(encoding="utf-8")).items():
                assert key not in found, f"clause key {key} registered twice"
                found[key] = entry
    return found


@pytest.mark.parametrize("key", sorted(clauses()))
def test_quote_is_verbatim_within_its_lines(key: str) -> None:
    entry = clauses()[key]
    start, end = entry["lines"]
    assert 1 <= start <= end, key
    text = "".join(compilation_lines(entry["file"])[start - 1:end])
    assert squeeze(str(entry["quote"])) in squeeze(text), f"{key}: quote not in {entry['file']}:{start}-{end}"
    assert entry["doc_no"] and entry["article"]


# The calculators whose citations live in the files above (issue #12, round 2: training, labour, contributions,
# deadlines).
CALCULATORS = ["work_for_training_subsidy", "minimum_wage", "statutory_deadline", "contribution_late_fee", "maternity_reserve", "training_living_allowance", "training_provider_subsidy", "project_training_payment", "mass_layoff", "dispatch_share", "contribution_deferral", "employer_pension_contribution", "apprenticeship_subsidy", "training_subsidy_standard", "wage_deposit", "covid_wage", "severance_cap", "leave_entitlement", "flexible_pension_backpay", "reduced_rate_period", "injury_rate_reduction", "late_declaration", "phased_base_floor", "arbitration_limitation"]
PARAMETERS = ROOT / "kuaiban" / "rules" / "parameters"


def parameter_sources(node) -> list[str]:
    """Every `source:` clause key in a parameter file's values."""
    found = []
    if isinstance(node, dict):
        meta = node.get("metadata")
        if isinstance(meta, dict) and "source" in meta:
            found.append(meta["source"])
        for value in node.values():
            found += parameter_sources(value)
    elif isinstance(node, list):
        for value in node:
            found += parameter_sources(value)
    return found


@pytest.mark.parametrize("name", CALCULATORS)
def test_every_parameter_value_cites_a_registered_clause(name: str) -> None:
    files = sorted((PARAMETERS / name).rglob("*.yaml"))
    assert files, name
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = parameter_sources(data)
        assert sources, path
        assert set(sources) <= set(clauses()), f"{path.name}: {set(sources) - set(clauses())}"


@pytest.mark.parametrize("name", CALCULATORS)
def test_every_variable_reference_is_a_registered_clause(name: str) -> None:
    from kuaiban.rules.system import tax_benefit_system

    module = f"kuaiban.rules.variables.{name}"
    variables = [v for v in tax_benefit_system().variables.values() if type(v).__module__.endswith(name)
                 or getattr(v, "__module__", "") == module]
    cited = {ref for v in variables for ref in (v.reference or [])}
    assert cited, name
    assert cited <= set(clauses()), cited - set(clauses())


def test_statutory_deadline_offers_and_explains_exactly_the_limits_of_its_parameters() -> None:
    items = {key for path in (PARAMETERS / "statutory_deadline").glob("*.yaml")
             for key in yaml.safe_load(path.read_text(encoding="utf-8")) if key != "description"}
    spec = yaml.safe_load((ROOT / "kuaiban" / "rules" / "specs" / "statutory_deadline.yaml").read_text(encoding="utf-8"))
    choices = next(entry["choices"] for entry in spec["inputs"] if entry["name"] == "deadline_item")
    assert set(choices) == items
    explained = {step["when"].split("'")[1] for step in spec["explain"]}
    assert explained == items
