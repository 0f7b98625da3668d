"""`kuaiban sla report --months N`: time-limit compliance by the month each task fell due
(kuaiban.services.compliance), in the style of `kuaiban sla deadline` (JSON on stdout; a bad option is one
line naming it on stderr and exit code 2); and `kuaiban sla deadline --months N`, the limit in months
(稳岗返还 “最长不得超过 3 个月”, hunan-hrss-2020.txt:733) the Python calendar already counted.

Limits (人社部发〔2020〕26号 附件2): 2.4.2 就业登记 5 个工作日 (hunan-hrss-2020.txt:737), 2.4.3 《就业创业证》申领
3 个工作日 (738); 4.1.1 劳动用工备案 is not in 附件2: 时限未知. 2020-09-27 (Sunday) was a working day.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.services import cases, compliance
from tests.services.test_cases import run, submit, tasks_of
from tests.services.test_services_cli import kuaiban, ok_json

NOW = dt.datetime(2020, 10, 20, 12, 0)
SEPT_1 = dt.datetime(2020, 9, 1, 10)  # a Tuesday


def finish(world, task_id: int, at: dt.datetime) -> None:
    run(world, world.window, task_id, "accept", at=at)
    run(world, world.reviewer, task_id, "review", at=at)
    run(world, world.reviewer, task_id, "complete", reason="办结", at=at)


@pytest.fixture
def seeded(world):
    """Six tasks of 长沙 (430100): one per outcome."""
    early = tasks_of(world, submit(world, items=["2.4.2", "2.4.3"], at=SEPT_1))
    finish(world, early["2.4.2"].id, dt.datetime(2020, 9, 7, 16))  # due 09-08: on time
    finish(world, early["2.4.3"].id, dt.datetime(2020, 9, 10, 16))  # due 09-04: late
    submit(world, items=["2.4.2"], at=dt.datetime(2020, 9, 24, 10))  # due 09-30 (09-27 worked), still open
    submit(world, items=["2.4.2"], at=dt.datetime(2020, 10, 15, 10))  # due 10-22: not yet due on 10-20
    submit(world, items=["4.1.1"], at=dt.datetime(2020, 10, 15, 10))  # no limit in any text
    waiting = tasks_of(world, submit(world, items=["2.4.3"], at=dt.datetime(2020, 10, 12, 10)))["2.4.3"]
    run(world, world.window, waiting.id, "correct", reason="请补正材料", missing=["二寸免冠照片（测试）"],
        at=dt.datetime(2020, 10, 13, 9))
    return world


def test_each_task_counts_once_in_the_month_it_fell_due(seeded):
    with seeded.session() as s:
        assert cases.item_limit("2.4.2", SEPT_1.date()).value == 5
        report = compliance.by_month(s, months=3, until=dt.date(2020, 10, 1), now=NOW, region="430100")
    aug, sept, octo = report["months"]
    assert aug == {"month": "2020-08", **dict.fromkeys(compliance.FIELDS, 0), "on_time_rate": None}
    assert (sept["due"], sept["on_time"], sept["late"], sept["overdue_open"]) == (3, 1, 1, 1)
    assert sept["on_time_rate"] == round(1 / 3, 4)
    assert (octo["due"], octo["not_yet_due"], octo["awaiting_correction"], octo["limit_unknown"]) == (2, 1, 1, 1)
    assert octo["on_time_rate"] is None  # nothing due in October was decided yet
    assert report["region_name"] == "湖南省长沙市"
    with seeded.session() as s:  # another city's report holds none of 长沙's tasks
        other = compliance.by_month(s, months=3, until=dt.date(2020, 10, 1), now=NOW, region="430200")
    assert all(m["due"] == m["limit_unknown"] == 0 for m in other["months"])


def test_the_cli_reports_by_month_as_json_and_in_words(seeded, backend_url):
    out = ok_json("sla", "report", "--months", "2", "--until", "2020-09", "--region", "长沙", "--db", backend_url,
                  "--json")
    assert set(out) == {"region", "region_name", "as_of", "months"} and out["region"] == "430100"
    assert [(m["month"], m["due"], m["on_time"], m["late"]) for m in out["months"]] == [
        ("2020-08", 0, 0, 0), ("2020-09", 3, 1, 1)]
    assert set(out["months"][1]) == {"month", *compliance.FIELDS, "on_time_rate"}
    words = kuaiban("sla", "report", "--months", "1", "--until", "2020-09", "--db", backend_url)
    assert words.returncode == 0 and "全国" in words.stdout and "2020-09  到期 3  按时办结 1  超时办结 1" in words.stdout


@pytest.mark.parametrize(("args", "named"), [
    ((), "--months"), (("--months", "0"), "--months"), (("--months", "121"), "--months"),
    (("--months", "2", "--until", "2020-13"), "--until"), (("--months", "2", "--region", "示例市"), "--region"),
    (("--months", "2", "--db", "sqlite:////nonexistent/kuaiban.db"), "--db"),
])
def test_bad_report_options_are_one_line_naming_the_option(args, named):
    out = kuaiban("sla", "report", *args, "--json")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("错误：") and named in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_deadline_in_months_ends_on_the_corresponding_day_or_the_next_working_day():
    # 民法典 第二百零二条: 2020-07-31 + 3 months → 10-31, a Saturday → next working day 11-02 (Monday)
    assert ok_json("sla", "deadline", "--start", "2020-07-31T09:00:00", "--months", "3", "--json") == {
        "deadline": "2020-11-02", "provisional": False}
    both = kuaiban("sla", "deadline", "--start", "2020-07-31T09:00:00", "--months", "3", "--days", "2")
    assert both.returncode == 2 and "--months" in both.stderr
