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
