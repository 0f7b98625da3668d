"""`kuaiban unemployment transfers partner|exchange|status`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kuaiban.cli import app
from kuaiban.db import connect, session_scope
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment.transfer_exchange import simulator


def test_register_a_partner_exchange_once_and_read_the_outbox(tmp_path):
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    partner = simulator.start()
    try:
        runner = CliRunner()
        r = runner.invoke(app, ["unemployment", "transfers", "partner", "--province", "重庆市", "--name", "重庆（模拟）",
                                "--url", partner.url, "--db", url])
        assert r.exit_code == 0, r.output
        assert "重庆市" in r.output
        with session_scope(connect(url)) as s:
            assert s.get(tm.Partner, "50").url == partner.url
        r = runner.invoke(app, ["unemployment", "transfers", "exchange", "--once", "--db", url])
        assert r.exit_code == 0 and "发出0条" in r.output
        r = runner.invoke(app, ["unemployment", "transfers", "status", "--db", url])
        assert json.loads(r.output) == {"waiting": 0, "acked": 0, "conflict": 0}
        bad = runner.invoke(app, ["unemployment", "transfers", "partner", "--province", "火星", "--name", "x",
                                  "--url", partner.url, "--db", url])
        assert bad.exit_code == 2
    finally:
        partner.shutdown()
