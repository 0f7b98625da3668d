"""The synthetic registry generator (benchmarks/make_registry.py): deterministic by seed, exact counts, real county
codes of one province, 统一社会信用代码 that python-stdnum accepts, a registry the screening reads."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from stdnum.cn import uscc

from kuaiban.platform import regions
from kuaiban.programs.screening.registry import plan, read_enterprises, read_persons
from tests.programs.screening_data import generated


def test_the_generator_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    one = generated(tmp_path / "one", enterprises=600, persons=7200, counties=4, seed=3)
    two = generated(tmp_path / "two", enterprises=600, persons=7200, counties=4, seed=3)
    other = generated(tmp_path / "other", enterprises=600, persons=7200, counties=4, seed=4)
    files = sorted(str(p.relative_to(one)) for p in one.rglob("*.parquet"))
    assert files == sorted(str(p.relative_to(two)) for p in two.rglob("*.parquet"))
    assert all(pq.read_table(one / f).equals(pq.read_table(two / f)) for f in files)
    assert not pq.read_table(one / "persons").equals(pq.read_table(other / "persons"))

    enterprises, persons = pq.read_table(one / "enterprises"), pq.read_table(one / "persons")
    assert (enterprises.num_rows, persons.num_rows) == (600, 7200)
    codes = enterprises.column("credit_code").to_pylist()
    assert len(set(codes)) == 600 and all(uscc.is_valid(code) for code in codes)
    counties = {p.name[len("region="):] for p in (one / "enterprises").iterdir()}
    assert all(regions.region(c).level == regions.COUNTY and c.startswith("37") for c in counties)
    assert set(enterprises.column("size").to_pylist()) >= {"micro", "small"}
    sizes = persons.group_by("credit_code").aggregate([("person_id", "count")]).column("person_id_count")
    assert max(sizes.to_pylist()) > 10 * (7200 / 600)  # heavy-tailed

    for part in plan(one):  # every region passes the screening's own checks
        table = read_enterprises(part)
        read_persons(part, table.column("credit_code"))
