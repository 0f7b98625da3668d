"""Register checks (比对核实) behind an interface, with a simulated implementation inside the product.

人社厅发〔2020〕3号 三 (data/compilations/hunan-hrss-2020.txt:3405): “必要时可对劳动者个人身份信息、失业状态等
进行审核。……失业状况可通过与社会保险参保登记、劳动用工备案等系统比对核实。……无法通过上述途径核查的，可采取工作人员
调查方式予以核实。” — a check *informs* the caseworker; no clause makes a match a ground for refusal, and
人社厅发〔2020〕79号 一（二） (data/compilations/shandong-2020.txt:5433) forbids refusing for 未参保 and ties
nothing to insurance. So someone still enrolled or filed as employed is *flagged*; the reviewer decides.

:class:`Registers` is what a real connection to the 社会保险参保登记 and 劳动用工备案 systems must offer.
:class:`SimulatedRegisters` answers from the ``ue_register_*`` tables, filled with synthetic rows by
:func:`load_registers` from a YAML or CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kuaiban.platform.errors import Invalid
from kuaiban.unemployment.citations import cited
from kuaiban.unemployment.models import EmploymentFiling, InsuranceEnrolment

SOURCE = cited("ue_register_checks")


@dataclass(frozen=True)
class RegisterEntry:
    """One current entry of a register: the unit, what kind of entry and since/until when."""

    register: str  # 社会保险参保登记 | 劳动用工备案
    unit_name: str
    unit_code: str | None
    kind: str | None  # the insurance (险种) for enrolments
    region: str | None
    start_on: dt.date
    end_on: dt.date | None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["start_on"] = self.start_on.isoformat()
        d["end_on"] = self.end_on.isoformat() if self.end_on else None
        return d


class Registers(Protocol):
    """What the 失业状态 check needs from the registers: entries *current* on a given day."""

    def insurance_enrolment(self, id_number: str, on: dt.date) -> list[RegisterEntry]:
        """Employment-linked 参保 entries open on ``on`` (参保登记 as an employee of a unit)."""
        ...

    def employment_filing(self, id_number: str, on: dt.date) -> list[RegisterEntry]:
        """劳动用工备案 entries (hired, not yet filed as ended) open on ``on``."""
        ...


def _current(model, id_number: str, on: dt.date):
    return (select(model).where(model.id_number == id_number, model.start_on <= on,
                                or_(model.end_on.is_(None), model.end_on >= on))
            .order_by(model.start_on, model.id))


class SimulatedRegisters:
    """The registers as the ``ue_register_*`` tables of this database (synthetic rows)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def insurance_enrolment(self, id_number: str, on: dt.date) -> list[RegisterEntry]:
        return [RegisterEntry("社会保险参保登记", r.unit_name, r.unit_code, r.insurance, r.region, r.start_on, r.end_on)
                for r in self.session.scalars(_current(InsuranceEnrolment, id_number, on))]

    def employment_filing(self, id_number: str, on: dt.date) -> list[RegisterEntry]:
        return [RegisterEntry("劳动用工备案", r.unit_name, r.unit_code, None, r.region, r.start_on, r.end_on)
                for r in self.session.scalars(_current(EmploymentFiling, id_number, on))]


def check_status(registers: Registers, id_number: str, on: dt.date) -> dict:
    """The check as recorded on a registration and shown to the caseworker.

    ``flagged`` is true when either register still shows the person as employed on ``on``.
    """
    insurance = registers.insurance_enrolment(id_number, on)
    employment = registers.employment_filing(id_number, on)
    findings = [f"{e.register}：{e.unit_name}（自 {e.start_on.isoformat()} 起，尚未终止）" for e in
                (*insurance, *employment)]
    return {
        "checked_on": on.isoformat(),
        "insurance": [e.as_dict() for e in insurance],
        "employment": [e.as_dict() for e in employment],
        "flagged": bool(findings),
        "findings": findings,
        "advice": ("比对发现仍处于参保或用工备案状态，请经办人员核实失业状态后决定（不自动不予登记）"
                   if findings else "比对未发现在职参保或用工备案记录"),
        "source": SOURCE,
    }


# ---------------------------------------------------------------- loading synthetic rows

_REQUIRED = {"insurance": ("id_number", "unit_name", "insurance", "start_on"),
             "employment": ("id_number", "unit_name", "start_on")}


def _date(value, where: str, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(f"{where}：{name} 不是有效的日期，请按 2021-05-20 这样的格式填写（收到“{value}”）", name) from None


def _row(kind: str, raw: dict, where: str):
    for name in _REQUIRED[kind]:
        if raw.get(name) in (None, ""):
            raise Invalid(f"{where}：缺少 {name}", name)
    start, end = _date(raw["start_on"], where, "start_on"), _date(raw.get("end_on"), where, "end_on")
    if end is not None and end < start:
        raise Invalid(f"{where}：end_on 早于 start_on", "end_on")
    common = {"id_number": str(raw["id_number"]), "unit_code": raw.get("unit_code") or None,
              "unit_name": str(raw["unit_name"]), "region": (str(raw["region"]) if raw.get("region") else None),
              "start_on": start, "end_on": end}
    if kind == "insurance":
        return InsuranceEnrolment(insurance=str(raw["insurance"]), **common)
    return EmploymentFiling(**common)


def load_registers(session: Session, path: Path) -> dict[str, int]:
    """Add the rows of a YAML file (``{insurance: [...], employment: [...]}``) or of a CSV file (a
    ``register`` column saying ``insurance`` or ``employment``) to the simulated registers.

    All rows or none: the first bad row raises :class:`Invalid` naming the row and the column.
    """
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [(r.get("register", ""), r, f"{path.name} 第 {n} 行") for n, r in enumerate(csv.DictReader(fh), 2)]
    else:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise Invalid(f"{path.name}：应为含 insurance、employment 两个列表的对象", "register")
        rows = [(kind, r, f"{path.name} {kind} 第 {n} 条") for kind in ("insurance", "employment")
                for n, r in enumerate(data.get(kind) or [], 1)]
    built = []
    for kind, raw, where in rows:
        if kind not in _REQUIRED:
            raise Invalid(f"{where}：register 应为 insurance 或 employment", "register")
        built.append((kind, _row(kind, raw, where)))
    session.add_all(obj for _kind, obj in built)
    session.flush()
    return {k: sum(1 for kind, _ in built if kind == k) for k in _REQUIRED}
