"""A key rotation keeps every lookup working once the old key is gone: ``kuaiban keys reencrypt`` (and
``rotate``) rehash not only the hashes kept beside their sealed value but also those kept without it — a
免申即享 list's 统一社会信用代码, a register's subject — so an enterprise still finds its listing and a register
still finds its record after the old key is retired (both backends). Every lookup-hash column is found by
its type, so none can be left out by a hand list."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy import String

from kuaiban.platform import personal_data, rekey
from kuaiban.programs import listing, registers
from tests.programs.test_listing import (
    JINAN,
    MON,
    PROGRAM,
    credit_code,
    five_rows,
    make_province,
    register_firm,
    write_results,
)

NEW_KEY = "new:" + base64.b64encode(b"n" * 32).decode()


@pytest.fixture
def keys(monkeypatch):
    """Set the key list for the rest of the test (the new key first during a rotation); restored after."""
    def use(*keys: str) -> None:
        monkeypatch.setenv(personal_data.ENV_KEY, ",".join(keys))
        personal_data.reload_keys()

    yield use
    monkeypatch.undo()
    personal_data.reload_keys()


def test_after_a_rotation_an_enterprise_finds_its_listing_with_the_old_key_gone(backend_url, tmp_path, keys):
    old_key = os.environ[personal_data.ENV_KEY]
    province = make_province(backend_url)
    # a published list, and a register's record of an enterprise, both hashed under the old key
    with province.session() as s:
        run = listing.import_results(s, PROGRAM, write_results(tmp_path / "run", five_rows()), at=MON)["run"]
        listing.publish(s, province.reviewer, run, publicity_days=5, confirm_working_days=10, at=MON)
        registers.put(s, "contributions", "参保缴费记录", credit_code(1), {"paid": True}, at=MON)
        before = listing.mine(s, province.firm1, PROGRAM)
    assert before["listed"] and before["amount"] == "1500.00"

    keys(NEW_KEY, old_key)  # the rotation: the new key first, the old one still known
    with province.session() as s:
        counts = rekey.reencrypt(s)
        assert counts["prog_listing_entries"] == len(five_rows()) and counts["prog_register_records"] == 1
        assert rekey.stale_hashes(s) == {}  # nothing needs the old key any more

    keys(NEW_KEY)  # the old key retired
    with province.session() as s:
        after = listing.mine(s, province.firm1, PROGRAM)
        assert (after["listed"], after["amount"], after["status"]) == (True, before["amount"], before["status"])
        assert not listing.mine(s, province.firm3, PROGRAM)["listed"]  # a refused one still sees why
        assert listing.mine(s, province.firm3, PROGRAM)["screened"]
        late = register_firm(s, 2, JINAN)  # an enterprise without an account registers now, under the new key
        assert listing.mine(s, late, PROGRAM)["amount"] == "2400.50"
        assert registers.TableRegisters().lookup(s, "contributions", credit_code(1)) == {"paid": True}


def test_every_lookup_hash_column_is_declared_as_one():
    """Lookup hashes are ``<key id>:<hex>`` in 80 characters; a column of that shape named ``…_hash`` that is
    not a LookupHash would be skipped by a rotation."""
    from kuaiban.db import Base

    found = rekey.lookup_hash_columns()
    assert {"svc_applicants", "ue_registrations", "prog_listing_entries", "prog_register_records",
            "plat_holds"} <= set(found)
    for table in Base.metadata.sorted_tables:
        for c in table.columns:
            if c.name.endswith("_hash") and isinstance(c.type, String) and c.type.length == 80:
                assert isinstance(c.type, personal_data.LookupHash), f"{table.name}.{c.name}"
    for table, cols in found.items():  # a hash beside its value names a sealed column of its table
        for of in filter(None, cols.values()):
            assert of in rekey.sealed_tables()[table]
