"""`kuaiban programs list --json` and `kuaiban programs payroll …` as an operator runs them (real processes),
and a payroll killed with SIGKILL in the middle of its transaction: the whole batch or none, and a month
never paid twice — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kuaiban.programs import claims, definitions
from kuaiban.programs.models import Batch, PaymentLine
from tests.programs.conftest import AUG_3, make_town
from tests.programs.helpers import ROOT, kill_when_marked, kuaiban  # noqa: F401 (ROOT, kuaiban: other tests import them from here)


def test_list_gives_every_program_with_its_sources_steps_and_calculator(tmp_path) -> None:
    done = kuaiban("programs", "list", "--json", var=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = {p["code"]: p for p in json.loads(done.stdout)}
    assert set(listed) == set(definitions.programs())
    hunan = listed["hn_social_insurance_subsidy_flexible"]
    assert [r["code"] for r in hunan["regions"]] == ["430000"]
    assert [s["name"] for s in hunan["steps"]] == ["社区（村）资料录入和调查", "街道（乡镇）确认", "当地人力资源和社会保障部门审核"]
    assert all(s["time_limit"] == "unknown" for s in hunan["steps"])
    assert hunan["publicity"]["days"] == 7
    tianjin = listed["tj_social_insurance_subsidy_flexible"]
    assert [s["time_limit"] for s in tianjin["steps"]] == [{"working_days": 3}, {"working_days": 3}]
    assert listed["sd_unemployment_subsidy"]["steps"][0]["time_limit"] == {"working_days": 5}
    for program in listed.values():
        assert program["calculator"] and program["sources"]
        assert all({"doc_no", "article", "quote"} <= set(s) for s in program["sources"])


def _approved_town(url: str, claimants: int = 2):
    town = make_town(url)
    for user in (town.citizen, town.other_citizen)[:claimants]:
        with town.session() as s:
            claim = claims.submit(s, user, "bj_unemployment_benefit", month="2020-08",
                                  facts={"contribution_months": 70}, account="6222000000000001", at=AUG_3)
        with town.session() as s:
            claims.act(s, town.reviewer, claim.id, outcome="pass", months=3, at=AUG_3)
    return town


def test_payroll_builds_once_and_returns_the_same_batch_and_file(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    _approved_town(url)
    args = ("programs", "payroll", "--program", "bj_unemployment_benefit", "--region", "110000",
            "--month", "2020-09", "--json", "--db", url)
    first = kuaiban(*args, var=tmp_path)
    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout)
    assert answer["lines"] == 4 and answer["built"] is True
    csv_text = Path(answer["file"]).read_bytes().decode("utf-8-sig")
    assert csv_text.count("\r\n") == 6 and answer["total"] in csv_text  # header, 4 lines, 合计
    assert Path(answer["files"]["xlsx"]).stat().st_size > 0
    second = json.loads(kuaiban(*args, var=tmp_path).stdout)
    assert {k: second[k] for k in ("batch", "lines", "total", "file")} == \
        {k: answer[k] for k in ("batch", "lines", "total", "file")}
    assert second["built"] is False


@pytest.mark.parametrize(("args", "words"), [
    (("--program", "no_such", "--region", "110000", "--month", "2020-09"), "没有这个项目"),
    (("--program", "bj_unemployment_benefit", "--region", "110000", "--month", "2020-13"), "月份"),
    (("--program", "bj_unemployment_benefit", "--region", "火星", "--month", "2020-09"), "火星"),
    (("--program", "bj_unemployment_benefit", "--region", "430000", "--month", "2020-09"), "不在"),
])
def test_payroll_bad_input_is_one_chinese_line_and_exit_2(tmp_path, args, words) -> None:
    done = kuaiban("programs", "payroll", *args, "--json", "--db", f"sqlite:///{tmp_path / 'k.db'}", var=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and words in done.stderr and "Traceback" not in done.stderr


# The child runs the real CLI, with the audit append (the batch's last statement before COMMIT) made to
# announce itself and wait: the parent SIGKILLs it there, lines written and not committed.
CHILD = """
import sys
from pathlib import Path
from tests.programs.crash_points import after_batch_built, waiting_at
after_batch_built(waiting_at(Path(sys.argv[1])))
from kuaiban.cli import app
sys.argv = ["kuaiban"] + sys.argv[2:]
app()
"""


def _kill_inside_a_batch(url: str, tmp_path: Path) -> None:
    marker = tmp_path / "inside"
    args = ["programs", "payroll", "--program", "bj_unemployment_benefit", "--region", "110000",
            "--month", "2020-10", "--json", "--db", url]
    kill_when_marked([sys.executable, "-c", CHILD, str(marker), *args], marker, env={"KUAIBAN_VAR": str(tmp_path)})


def _check_kill_leaves_none_and_rerun_pays_once(url: str, tmp_path: Path) -> None:
    town = _approved_town(url)
    _kill_inside_a_batch(url, tmp_path)
    with town.session() as s:
        assert s.scalar(select(func.count(Batch.id))) == 0
        assert s.scalar(select(func.count(PaymentLine.id))) == 0
    args = ("programs", "payroll", "--program", "bj_unemployment_benefit", "--region", "110000",
            "--month", "2020-10", "--json", "--db", url)
    first = json.loads(kuaiban(*args, var=tmp_path).stdout)
    second = json.loads(kuaiban(*args, var=tmp_path).stdout)
    assert first["lines"] == 6 and (second["batch"], second["lines"], second["built"]) == (first["batch"], 6, False)
    with town.session() as s:
        assert s.scalar(select(func.count(PaymentLine.id))) == 6
        assert s.scalar(select(func.count(func.distinct(PaymentLine.applicant_id + 0)))) == 2


@pytest.mark.slow
def test_sigkill_during_a_batch_on_sqlite_leaves_no_batch_and_a_rerun_pays_each_month_once(tmp_path) -> None:
    _check_kill_leaves_none_and_rerun_pays_once(f"sqlite:///{tmp_path / 'k.db'}", tmp_path)


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_during_a_batch_on_postgresql_leaves_no_batch_and_a_rerun_pays_each_month_once(tmp_path) -> None:
    from tests.conftest import _require_pg, fresh_pg_database

    _require_pg()
    with fresh_pg_database("kuaiban_prog") as url:
        _check_kill_leaves_none_and_rerun_pays_once(url, tmp_path)
