"""Every clause in data/clauses/employment.yaml is verbatim in its compilation, at the lines it names."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPILATIONS = ROOT / "data" / "compilations"
CLAUSES = yaml.safe_load((ROOT / "data" / "clauses" / "employment.yaml").read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@cache
def lines_of(file: str) -> list[str]:
    return (COMPILATIONS / file).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("key", sorted(CLAUSES))
def test_quote_is_verbatim_at_its_lines(key: str) -> None:
    clause = CLAUSES[key]
    assert clause["doc_no"] and clause["article"]
    start, end = clause["lines"]
    span = squeeze("".join(lines_of(clause["file"])[start - 1 : end]))
    assert squeeze(clause["quote"]) in span, f"{key}: quote not in {clause['file']}:{start}-{end}"


def test_parameters_cite_registered_clauses() -> None:
    """Each `reference` in the employment calculators' parameters names a clause key of the registry."""
    keys = set(CLAUSES)
    params = ROOT / "kuaiban" / "rules" / "parameters"
    cited: set[str] = set()
    for name in EMPLOYMENT_CALCULATORS:
        for path in (params / name).rglob("*.yaml"):
            cited |= set(re.findall(r"source: (\w+)", path.read_text(encoding="utf-8")))
    assert cited, "no clause cited"
    assert cited <= keys, sorted(cited - keys)


EMPLOYMENT_CALCULATORS = [
    "hiring_subsidy", "business_loan", "social_insurance_subsidy", "job_search_subsidy", "internship_subsidy",
    "public_welfare_post_subsidy", "startup_subsidy", "rent_subsidy", "incubator_subsidy", "placement_subsidy",
    "festival_staffing_subsidy", "job_post_subsidy", "three_supports_subsidy", "labour_cooperation_subsidy",
    "campus_recruitment_subsidy", "employment_base_award", "dibao_income_disregard", "platform_accident_insurance_subsidy",
    "temporary_relief_grant",
]
