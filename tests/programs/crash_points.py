"""Crash points for the child processes of the crash tests (imported by the child, before the code it runs):
the point announces itself by a marker file and waits there to be killed (tests.programs.helpers.kill_when_marked).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def waiting_at(marker: Path, text: str = "inside") -> Callable[[], None]:
    """What a crash point does: write ``marker`` whole (a finished file, never half of one), then wait."""
    def stop_here() -> None:
        marker.with_suffix(".tmp").write_text(text)
        marker.with_suffix(".tmp").rename(marker)
        time.sleep(120)
    return stop_here


def after_batch_built(stop_here: Callable[[], None]) -> None:
    """Stop once a payroll batch is built: its lines (and the months settled before it) written and flushed,
    the audit entry its last statement, the transaction not committed."""
    from kuaiban.platform import audit

    real_record = audit.record

    def record(session, action, *a, **kw):
        real_record(session, action, *a, **kw)
        if action == "program_batch_built":
            session.flush()
            stop_here()

    audit.record = record
