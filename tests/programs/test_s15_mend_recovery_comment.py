"""The 重庆 festival programs' notes quote the recovery clause as the compilation prints it: whole, 及时追回."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ("cq_festival_staffing_subsidy", "cq_festival_trainee_subsidy")


def test_the_compilation_prints_the_recovery_clause_whole() -> None:
    text = (ROOT / "data" / "compilations" / "chongqing-hrss-2021.txt").read_text(encoding="utf-8")
    assert "一经发现,及时追回,并按规定追究相应责任" in text


def test_no_program_note_says_the_clause_is_cut() -> None:
    for code in PROGRAMS:
        note = (ROOT / "data" / "programs" / f"{code}.yaml").read_text(encoding="utf-8")
        assert "is cut after" not in note, code
        assert "及时追回" in note, code
