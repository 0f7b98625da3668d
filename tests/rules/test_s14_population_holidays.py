"""Population mode: a row whose working-day limit reaches a year with no published holiday arrangement gets the
single mode's refusal in its error column; the other rows of the file keep their answers (it stopped the whole run
with “HolidayDataMissing”, in English — rules audit s14). A date calculator's answers are written as dates
(2025-12-28; they were the simulation's day numbers, 20450)."""

from __future__ import annotations

import csv

from kuaiban.rules.population import run_population


def test_only_the_row_that_reaches_an_unpublished_year_is_refused(tmp_path):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("start_date,deadline_item\n"
                      "2026-12-28,ui_transfer_out\n"            # working days into 2027: unknown holidays
                      "2026-12-28,cq_retirement_prereview\n"    # 12 months before: no working days counted
                      "2021-12-01,ui_transfer_out\n", encoding="utf-8")
    summary = run_population("statutory_deadline", source, out, progress=False)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["error"] == "起算日：2027年的节假日安排尚未公布（国务院办公厅通知），无法按工作日和休息日计算"
    assert rows[0]["error_field"] == "start_date" and rows[0]["value"] == ""
    assert rows[1]["error"] == "" and rows[1]["value"] == "2025-12-28"
    assert rows[2]["error"] == "" and rows[2]["value"]
    assert summary["rows"] == 3


def test_a_file_of_one_day_takes_the_same_path(tmp_path):
    """Every row valid and on one day: the fast path (one period, no NaN fill) refuses the row all the same."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("start_date,deadline_item\n2026-12-28,ui_transfer_out\n2026-12-28,cq_retirement_prereview\n",
                      encoding="utf-8")
    run_population("statutory_deadline", source, out, progress=False)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["value"] == "" and rows[0]["error_field"] == "start_date"
    assert rows[1]["value"] == "2025-12-28" and rows[1]["error"] == ""


def test_many_rows_some_reaching_the_unknown_year_each_get_their_own_answer(tmp_path):
    """The chunk is split in halves down to the rows that reach 2027 (review s14: retrying row by row cost one
    simulation per row of the chunk)."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    items = ["ui_transfer_out", "cq_retirement_prereview"] * 150
    source.write_text("start_date,deadline_item\n" + "".join(f"2026-12-28,{i}\n" for i in items), encoding="utf-8")
    summary = run_population("statutory_deadline", source, out, progress=False)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["error_field"] == "start_date" for r in rows] == [i == "ui_transfer_out" for i in items]
    assert {r["value"] for r in rows if not r["error"]} == {"2025-12-28"}
    assert summary["rows"] == 300
