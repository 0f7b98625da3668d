"""Who else wants to know when a 失业登记 is decided (审核通过 / 审核不通过).

The 失业 一件事 of the 快办 pillar follows the registrations it handed over (item 2.4.1): its task is settled
by the decision. The two pillars never import each other (tests/test_layers.py), so the composition root
(:mod:`kuaiban.handoffs`) subscribes here; :func:`decided` is called inside the decision's transaction,
after its audit entry and notice, so the task and the registration change together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session

from kuaiban.platform.models import User
from kuaiban.unemployment import models as m

Listener = Callable[[Session, m.Registration, dt.datetime, User | None], None]
_on_decided: list[Listener] = []


def on_decided(listener: Listener) -> None:
    """Subscribe ``listener`` (once, however often the wiring is imported)."""
    if listener not in _on_decided:
        _on_decided.append(listener)


def decided(session: Session, reg: m.Registration, at: dt.datetime, actor: User | None) -> None:
    for listener in _on_decided:
        listener(session, reg, at, actor)
