"""The programs are data: every file parses and cites clauses of the registry (whose quotes
tests/platform/test_citations.py checks against the compilations). The time limits are the texts' own."""

from __future__ import annotations

import re

import pytest
import yaml

from kuaiban.programs import definitions, eligibility
from kuaiban.programs.definitions import ProgramDataError


def test_every_program_cites_existing_clauses_and_names_its_calculator() -> None:
    programs = definitions.programs()
    # one program a file: no two files give the same code (the second would replace the first without a word)
    assert len(programs) == len(list(definitions.PROGRAMS_DIR.glob("*.yaml"))) >= 10
    for program in programs.values():
        assert program.sources and all(k in definitions.clauses() for k in program.sources)
        assert re.fullmatch(r"[a-z_]+", program.calculator)
        assert all(s.source in definitions.clauses() for s in program.steps)


def test_the_texts_time_limits_and_public_notice_are_encoded_as_printed() -> None:
    p = definitions.programs()
    assert [(s.name, s.working_days) for s in p["tj_social_insurance_subsidy_flexible"].steps] == [
        ("街道（乡镇）劳动保障服务机构核实", 3), ("区人社局复核", 3)]
    assert "3 个工作日内" in definitions.clauses()["tj89_street"].quote
    hunan = p["hn_social_insurance_subsidy_flexible"]
    assert [s.working_days for s in hunan.steps] == [None, None, None]  # the text gives none
    assert hunan.publicity_days == 7 and "公示7天" in definitions.clauses()[hunan.publicity_source].quote
    assert [s.working_days for s in p["sd_unemployment_subsidy"].steps] == [5]
    beijing = p["bj_unemployment_subsidy"]
    assert beijing.claim_type == "commitment" and beijing.steps[0].role == "system"
    assert beijing.months == 6 and beijing.ends == "2021-06" and beijing.once_only
    assert beijing.stop_rule("false_commitment").action == "recover"


def _program(**changes) -> dict:
    data = yaml.safe_load((definitions.PROGRAMS_DIR / "sd_unemployment_subsidy.yaml").read_text("utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "words"), [
    ({"regions": ["湖南"]}, "GB/T 2260"),
    ({"sources": ["no_such_clause"]}, "unknown clause"),
    ({"steps": [{"code": "x", "name": "审核", "role": "reviewer", "working_days": 0}]}, "working_days"),
    ({"schedule": {"months": "as long as needed"}}, "schedule.months"),
    ({"claim": {"type": "commitment"}}, "commitment text"),
])
def test_a_malformed_program_file_is_refused_with_what_is_wrong(changes, words) -> None:
    with pytest.raises(ProgramDataError, match=words):
        definitions.parse(_program(**changes), "programs/sd_unemployment_subsidy.yaml")


def test_a_program_whose_calculator_is_not_written_yet_refuses_every_claim_without_an_amount() -> None:
    program = definitions.parse(_program(calculator="not_written_yet"), "programs/sd_unemployment_subsidy.yaml")
    assert not eligibility.available(program)
    with pytest.raises(eligibility.NotAvailable) as refused:
        eligibility.compute(program, region="370102", month="2020-08", nth=1, facts={})
    assert "尚未在本系统上线" in refused.value.message and "not_written_yet" not in refused.value.message
