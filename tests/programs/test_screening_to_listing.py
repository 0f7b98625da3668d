"""The two halves of 稳岗返还 免申即享 together: what `kuaiban programs screen` writes is what the import reads.
A generated Shandong registry is screened (山东 2020, 鲁人社字〔2020〕26号), the result directory imported as
the list, and every screened enterprise is on it — listed with the screened amount, or kept with the screening's
reason — and the same directory imported again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow.parquet as pq
from sqlalchemy import func, select

from kuaiban.db import connect, session_scope
from kuaiban.platform.personal_data import lookup_hash
from kuaiban.programs import listing
from kuaiban.programs.models import ListingEntry
from kuaiban.programs.screening import screen
from tests.programs.screening_data import generated

PROGRAM = "sd_stable_job_refund_2020"


def test_a_screening_result_becomes_the_list_with_every_amount_and_reason(tmp_path) -> None:
    registry = generated(tmp_path / "registry", enterprises=200, persons=2400, counties=2, year=2019)
    manifest = screen(PROGRAM, registry, tmp_path / "out", as_of=date(2020, 8, 31),
                      figures={"fund_reserve_months": "15"})
    screened = {r["credit_code"]: r for r in pq.read_table(tmp_path / "out" / "results").to_pylist()}
    assert manifest["rows"] == len(screened) == 200 and 0 < manifest["eligible"] < 200

    engine = connect(f"sqlite:///{tmp_path / 'kuaiban.db'}")
    with session_scope(engine) as s:
        first = listing.import_results(s, PROGRAM, tmp_path / "out")
    assert first["outcome"] == "imported"
    assert (first["listed"], first["refused"]) == (manifest["eligible"], manifest["rows"] - manifest["eligible"])
    assert Decimal(str(first["total"])) == Decimal(manifest["total_amount"])
    with session_scope(engine) as s:
        entries = {e.credit_hash: e for e in s.scalars(select(ListingEntry))}
        assert len(entries) == 200
        for code, row in screened.items():  # each enterprise as screened: amount in fen, or the reason
            entry = entries[lookup_hash(code)]
            assert (entry.eligible, entry.amount_fen, entry.reason, entry.region, entry.name) == (
                row["eligible"], int(Decimal(row["amount"]) * 100), row["reason"], row["region"], row["name"])
        again = listing.import_results(s, PROGRAM, tmp_path / "out")
    assert again["outcome"] == "unchanged"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ListingEntry)) == 200
