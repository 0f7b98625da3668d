"""The registers a claim is checked against (参保缴费、就业登记、失业登记、低保 …), behind one interface.

:class:`Registers` is what the engine asks; :class:`TableRegisters` answers from the simulated tables
``prog_registers`` / ``prog_register_records`` (as 失业登记 simulates its registers in ``ue_register_*``).
A real connection to the 金保 system or the ministry's 比对查询系统 is one more class with the same method.

An answer is never a refusal by itself: a register that is unreachable, or that has no record of the
person, gives ``None`` and the engine flags the claim for a caseworker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import audit
from kuaiban.platform.personal_data import lookup_hash, lookup_hashes
from kuaiban.programs.models import Register, RegisterRecord


class Unavailable(Exception):
    """The register cannot be consulted now (not connected, or offline)."""


class Registers(Protocol):
    def lookup(self, session: Session, register: str, subject: str) -> dict[str, Any] | None:
        """The register's record of ``subject`` (ID number or credit code); None when it has none.
        Raises :class:`Unavailable` when the register cannot answer."""


class TableRegisters:
    """The simulated registers, in tables."""

    def lookup(self, session: Session, register: str, subject: str) -> dict[str, Any] | None:
        reg = session.get(Register, register)
        if reg is None or not reg.online:
            raise Unavailable(register)
        return session.scalar(select(RegisterRecord.facts).where(
            RegisterRecord.register == register, RegisterRecord.subject_hash.in_(lookup_hashes(subject))))


def declare(session: Session, register: str, label: str) -> None:
    """A simulated register connected and answering, before it holds any record (养老保险待遇领取、死亡: most
    people are not in them, and a check that finds nobody passes)."""
    if session.get(Register, register) is None:
        session.add(Register(name=register, label=label, online=True))
        session.flush()


def put(session: Session, register: str, label: str, subject: str, facts: dict[str, Any],
        *, at: dt.datetime | None = None) -> None:
    """Write a simulated register's record (tests, demonstrations, a nightly import)."""
    declare(session, register, label)
    key = lookup_hash(subject)
    row = session.scalar(select(RegisterRecord).where(RegisterRecord.register == register,
                                                      RegisterRecord.subject_hash.in_(lookup_hashes(subject))))
    if row is None:
        session.add(RegisterRecord(register=register, subject_hash=key, facts=facts, updated_at=at or audit.now()))
    else:
        row.facts, row.updated_at = facts, at or audit.now()
    session.flush()


def set_online(session: Session, register: str, online: bool) -> None:
    reg = session.get(Register, register)
    if reg is not None:
        reg.online = online
        session.flush()


DEFAULT: Registers = TableRegisters()
