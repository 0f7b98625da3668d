"""A program (项目) is data: ``data/programs/<code>.yaml``, found by directory, read and checked here.

Each file gives the program's name, regions (GB/T 2260 codes), the clauses it rests on (keys of the
clause registry ``data/clauses/*.yaml``), the calculator of the rules pillar that decides eligibility and
amount, the registers it cross-checks, how it is claimed (form, materials or 告知承诺), its review steps
with the texts' time limits (working days, or ``unknown`` where the text gives none), its 公示, its schedule
(how many months, until when), how it is paid, and its stop and suspend rules. Adding a program is adding
a file: nothing here lists programs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kuaiban.config import DATA
from kuaiban.platform import citations, regions
from kuaiban.platform.citations import Clause
from kuaiban.platform.holds import KINDS as HOLD_KINDS
from kuaiban.programs.staff_list import OPTIONAL as STAFF_COLUMNS

PROGRAMS_DIR = DATA / "programs"
CLAIM_TYPES = {"form": "填写申请表", "materials": "提交材料", "commitment": "告知承诺",
               "none": "免申即享（无需申请，经办机构比对数据后列入名单，单位确认收款账户）"}
OFFICE = "office"  # a figure the text does not print, set by the office when it publishes (公示 days, 确认期限)
AUDIENCES = {"citizens": "个人", "employers": "单位"}
ROLES = {"system": "系统自动", "window": "窗口（受理）", "reviewer": "审核", "supervisor": "复核"}
STOP_ACTIONS = {"stop": "停发", "suspend": "暂停", "recover": "停发并追回"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ProgramDataError(ValueError):
    """A program file that breaks the format (a developer's error, found by the data tests)."""


@dataclass(frozen=True)
class Step:
    """One review step: who acts, its name and its time limit (working days; None where the text is silent)."""

    code: str
    name: str
    role: str
    working_days: int | None
    source: str | None

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "role": self.role, "role_name": ROLES[self.role],
                "time_limit": ({"working_days": self.working_days} if self.working_days else "unknown"),
                "source": self.source}


@dataclass(frozen=True)
class CrossCheck:
    """A check against a register: refuse when the record has ``refuse_if``; flag when no answer.

    ``absent``: what a register without a record of the person means. ``flag`` (the default) where everyone
    should be in it (参保缴费); ``pass`` where being absent is the ordinary answer (养老保险待遇领取、死亡).
    A register that cannot answer flags the claim either way.

    ``unless`` (form field → its values) leaves the check out for a claim whose form holds one of those
    values: a group the text does not subject to that check (天津 高校毕业生 and 就业困难人员认定)."""

    register: str
    label: str
    refuse_if: dict[str, Any]
    reason: str
    source: str | None
    absent: str = "flag"
    stop: str | None = None  # the stop rule a match found later applies (claims.recheck, 比对停发)
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def applies(self, facts: dict[str, Any]) -> bool:
        return not any(str(facts.get(name)) in values for name, values in self.unless.items())


@dataclass(frozen=True)
class OfficialFigure:
    """A figure the compilations do not print (上年度社会平均工资, 当年最低缴费基数): a form field the office
    pre-fills, valid for one yearly period that starts in month ``starts`` (1: January; 7: July). A month of a
    later period takes the figure the office entered for that period (kuaiban.programs.figures)."""

    field: str
    label: str
    starts: int
    source: str | None


@dataclass(frozen=True)
class RegisterInput:
    """A calculator input a register gives (累计缴费月数 from 参保缴费记录), declared in ``calculator_inputs`` as
    ``{register: contributions, fact: months, form: contribution_months}``: the claim takes the register's
    ``fact`` into form field ``field``; where the register cannot answer or has no such fact the applicant's
    typed figure is kept and the claim flagged for a caseworker (kuaiban.programs.register_facts)."""

    name: str  # the calculator's input
    register: str
    fact: str
    field: str  # the form field (kept: the form and the API name it)
    label: str  # the register as people name it (参保缴费记录)
    source: str | None


REGISTER_LABELS = {"contributions": "参保缴费记录"}


@dataclass(frozen=True)
class PayFirst:
    """先缴后补: a month is paid only once ``register`` shows that month's contributions paid; the month's own
    facts (``month_facts``: form field ← the register month's fact) replace the claim form's."""

    register: str
    month_facts: dict[str, str]
    source: str | None


@dataclass(frozen=True)
class ApplyWithin:
    """A claim must be made within ``days`` calendar days of the date in form field ``field`` (民法典 第二百零一条
    counting, kuaiban.platform.calendar.deadline), unless the form holds one of ``unless``'s values."""

    field: str
    label: str
    days: int
    unless: dict[str, tuple[str, ...]]
    source: str | None

    def applies(self, facts: dict[str, Any]) -> bool:
        return not any(str(facts.get(name)) in values for name, values in self.unless.items())


@dataclass(frozen=True)
class Derived:
    """A fact the engine finds itself at submission (kuaiban.programs.derived) and writes into the claim's
    facts under ``name``, so that the calculator sees it at the decision too:

    - ``earlier_amount``: what the applicant's earlier claims of this program matching ``where`` were granted
      (yuan) — a cap over the policy period;
    - ``staff_seen``: whether a person of the staff list is already in a claim of ``programs`` (any employer)
      — a once-per-person subsidy;
    - ``staff_column``: whether a row of the staff list says 是 in ``column``;
    - ``earlier_months``: how many months the applicant's earlier claims of ``programs`` (default: this one)
      received — the calculator's ``detail`` of each (山东 一次性生活补助金: 24 months across claims)."""

    name: str
    kind: str
    label: str
    source: str | None
    where: dict[str, Any] = field(default_factory=dict)
    programs: tuple[str, ...] = ()
    column: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PersonCheck:
    """A rule on the persons of a claim (the staff list's rows, or the claimant), refusing with ``reason``:

    - ``not_beside``: a person is in a running claim of ``programs`` (同一时间只能享受其中一种);
    - ``contract_years``: a row's labour contract is shorter than ``years`` (签订1年以上劳动合同)."""

    kind: str
    reason: str
    source: str | None
    programs: tuple[str, ...] = ()
    years: int = 0


@dataclass(frozen=True)
class StopRule:
    code: str
    label: str
    action: str  # stop | suspend | recover
    from_: str  # "this_month" | "next_month" | "start" (everything, as for a false commitment)
    source: str | None


@dataclass(frozen=True)
class HoldRule:
    """While the program pays, another procedure is not handled for the person (kuaiban.platform.holds)."""

    kind: str  # a kind of kuaiban.platform.holds.KINDS
    reason: str
    source: str | None


@dataclass(frozen=True)
class Bound:
    """A form field that bounds the last month owed: a month or date field; ``before``: only the months
    before the one it names (政策出台前), else up to and including it."""

    field: str
    before: bool


@dataclass(frozen=True)
class DayBound:
    """A 受理期 that starts or ends on a printed day (学校于6月10日前完成核实), with its clause."""

    day: str  # YYYY-MM-DD
    source: str | None


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str  # string | integer | number | month | date | boolean | choice
    choices: tuple[str, ...] = ()
    required: bool = True
    # an official figure (官方数字: 当地最低工资标准, 失业保险金标准 …): entered by the office at review or taken
    # from the register official_figures, never from the applicant (kuaiban.programs.figures.office_facts)
    official: bool = False


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    audience: str
    regions: tuple[str, ...]
    sources: tuple[str, ...]
    calculator: str
    calculator_inputs: dict[str, Any]
    claim_type: str
    form: tuple[FormField, ...]
    materials: tuple[str, ...]
    commitment: str | None
    staff_list: bool
    cross_checks: tuple[CrossCheck, ...]
    steps: tuple[Step, ...]
    publicity_days: int | None
    publicity_source: str | None
    months: int | str  # a number from the text, or "decision" (the caseworker enters the figure)
    ends: str | None  # last month that may be paid (YYYY-MM), when the text sets one
    claim_from: str | None
    claim_until: str | None
    once_only: bool
    exclusive_with: tuple[str, ...]
    payment_to: str
    payment_note: str | None
    list_by_day: int | None  # the region's lists are due by this day of the month (津: 28日前)
    funds_by_day: int | None  # and the funds by this day of the next month (津: 次月15日前)
    stops: tuple[StopRule, ...]
    notes: tuple[str, ...] = field(default=())
    # 公示 days set by the office at publication (the text asks for a 公示 but prints no days)
    publicity_office: bool = False
    # 免申即享: the working days an enterprise has to confirm its account (None: set by the office)
    confirm_working_days: int | None = None
    confirm_source: str | None = None
    holds: tuple[HoldRule, ...] = field(default=())
    # the claim's first month may lie before the month of the claim back to this month (YYYY-MM) and/or
    # this many months, where a text allows back pay (补发); neither: it is the month of the claim
    back_from: str | None = None
    back_months: int | None = None
    back_source: str | None = None
    until: tuple[Bound, ...] = field(default=())  # form fields bounding the last month owed
    # programs whose months this one's may not overlap (领取期间不同时享受): refused at claim, held back at payroll
    not_concurrent_with: tuple[str, ...] = field(default=())
    # where the calculator answers a ceiling (不超过…), the figure paid is this form field, checked against it
    standard_field: str | None = None
    standard_source: str | None = None
    # 公示 counted in working days on the platform's calendar (鲁人社字〔2020〕55号: 不少于5个工作日)
    publicity_working_days: bool = False
    staff_columns: tuple[str, ...] = ()  # the staff list's optional columns this program requires
    figures: tuple[OfficialFigure, ...] = ()
    pay_first: PayFirst | None = None
    apply_within: ApplyWithin | None = None
    derived: tuple[Derived, ...] = ()
    person_checks: tuple[PersonCheck, ...] = ()
    # 免申即享: a raised standard paid to the enterprises already listed, without a new 公示 (listing.top_up)
    top_up_sources: tuple[str, ...] = ()
    # once a year (湘人社规〔2020〕14号: 按年进行补助，每年确定1次): one claim per applicant and calendar year of the
    # claim's month, instead of the default once a month; never with ``once_only`` (once ever)
    once_per_year: bool = False
    once_per_source: str | None = None
    register_inputs: tuple[RegisterInput, ...] = ()  # calculator inputs a register gives (累计缴费月数)
    # the 受理期's first and last day where a text prints a day (claim_from / claim_until are then its months)
    claim_from_day: DayBound | None = None
    claim_until_day: DayBound | None = None
    # months: decision — the most months the office may enter (最长3个月), with its clause
    max_months: int | None = None
    max_months_source: str | None = None

    @property
    def no_application(self) -> bool:
        """免申即享: nobody applies; claims are made by importing a screening's result (programs.listing)."""
        return self.claim_type == "none"

    @property
    def has_publicity(self) -> bool:
        return bool(self.publicity_days) or self.publicity_office

    @property
    def publicity_text(self) -> str:
        """The 公示's length as the claimant reads it (7天, 5个工作日)."""
        return f"{self.publicity_days}个工作日" if self.publicity_working_days else f"{self.publicity_days}天"

    @property
    def once_text(self) -> str:
        """How often the program may be claimed, as the applicant reads it."""
        if self.once_only:
            return "只能申领一次"
        return "每年只能申领一次" if self.once_per_year else "按月申领的每月只能申领一次"

    def period_of(self, month: str) -> str:
        """The period a claim of ``month`` takes its place in: the year (once a year) or the month."""
        return month[:4] if self.once_per_year else month

    @property
    def settles_at_payment(self) -> bool:
        """Its months are computed again before each batch (先缴后补, or official figures of later periods)."""
        return self.pay_first is not None or bool(self.figures)

    @property
    def official_fields(self) -> tuple[str, ...]:
        """The form fields only the office fills: marked ``official``, the yearly ``figures`` and the ``standard``."""
        names = [f.name for f in self.form if f.official] + [f.field for f in self.figures]
        if self.standard_field:
            names.append(self.standard_field)
        return tuple(dict.fromkeys(names))

    def covers(self, region: str) -> bool:
        return any(regions.covers(r, region) for r in self.regions)

    def stop_rule(self, code: str) -> StopRule | None:
        return next((s for s in self.stops if s.code == code), None)

    def register_input(self, field_name: str) -> RegisterInput | None:
        """The register that gives this form field, if one does."""
        return next((r for r in self.register_inputs if r.field == field_name), None)


def clauses() -> dict[str, Clause]:
    """The project's clause registry (kuaiban.platform.citations: every file under data/clauses)."""
    return citations.registry()


def _req(data: dict, key: str, where: str) -> Any:
    if key not in data:
        raise ProgramDataError(f"{where}: missing '{key}'")
    return data[key]


def _source(key: str | None, where: str) -> str | None:
    if key is not None and key not in clauses():
        raise ProgramDataError(f"{where}: unknown clause '{key}'")
    return key


def parse(data: dict, where: str) -> Program:
    code = _req(data, "code", where)
    if Path(where).stem != code:
        raise ProgramDataError(f"{where}: code '{code}' must equal the file name")
    for r in _req(data, "regions", where):
        if regions.region(str(r)) is None:
            raise ProgramDataError(f"{where}: region '{r}' is not a GB/T 2260 code")
    claim = _req(data, "claim", where)
    if claim.get("type") not in CLAIM_TYPES:
        raise ProgramDataError(f"{where}: claim.type must be one of {sorted(CLAIM_TYPES)}")
    if claim["type"] == "commitment" and not claim.get("commitment"):
        raise ProgramDataError(f"{where}: a 告知承诺 claim needs its commitment text")
    steps = []
    for s in _req(data, "steps", where):
        limit = s.get("working_days", "unknown")
        if s.get("role") not in ROLES or not (limit == "unknown" or (isinstance(limit, int) and limit > 0)):
            raise ProgramDataError(f"{where}: step {s.get('code')}: bad role or working_days")
        steps.append(Step(s["code"], s["name"], s["role"], None if limit == "unknown" else limit,
                          _source(s.get("source"), where)))
    if not steps:
        raise ProgramDataError(f"{where}: at least one review step")
    schedule = _req(data, "schedule", where)
    months = schedule.get("months")
    if not (months == "decision" or (isinstance(months, int) and months > 0)):
        raise ProgramDataError(f"{where}: schedule.months is a number or 'decision'")
    if schedule.get("ends") is not None and not _MONTH.match(str(schedule["ends"])):
        raise ProgramDataError(f"{where}: schedule.ends is YYYY-MM")
    day_bounds = {key: _day_bound(schedule, key, where) for key in ("claim_from", "claim_until")}
    max_months, max_source = _max_months(schedule, where)
    publicity = data.get("publicity") or {}
    days = publicity.get("days", publicity.get("working_days"))
    if "days" in publicity and "working_days" in publicity:
        raise ProgramDataError(f"{where}: publicity has days or working_days, not both")
    if days is not None and days != OFFICE and not (isinstance(days, int) and days > 0):
        raise ProgramDataError(f"{where}: publicity.days is a number or 'office'")
    if "working_days" in publicity and not isinstance(days, int):
        raise ProgramDataError(f"{where}: publicity.working_days is a number")
    if days == OFFICE and claim["type"] != "none" and steps[-1].role == "system":
        # the caseworker passing the last step sets the days (claims.act): a system step has nobody to ask
        raise ProgramDataError(f"{where}: publicity.days office needs a caseworker's last step, not a system one")
    confirmation = data.get("confirmation") or {}
    confirm_days = confirmation.get("working_days")
    if claim["type"] == "none":
        if not claim.get("commitment"):
            raise ProgramDataError(f"{where}: a 免申即享 program needs the commitment the enterprise confirms")
        if not (confirm_days == OFFICE or (isinstance(confirm_days, int) and confirm_days > 0)):
            raise ProgramDataError(f"{where}: confirmation.working_days is a number or 'office'")
    stops = []
    for s in data.get("stops", []):
        if s.get("action") not in STOP_ACTIONS or s.get("from") not in ("this_month", "next_month", "start"):
            raise ProgramDataError(f"{where}: stop {s.get('code')}: bad action or from")
        stops.append(StopRule(s["code"], s["label"], s["action"], s["from"], _source(s.get("source"), where)))
    checks = []
    for c in data.get("cross_checks", []):
        if c.get("absent", "flag") not in ("flag", "pass"):
            raise ProgramDataError(f"{where}: cross check {c.get('register')}: absent is flag or pass")
        if c.get("stop") is not None and c["stop"] not in {s.code for s in stops}:
            raise ProgramDataError(f"{where}: cross check {c.get('register')}: no stop rule '{c['stop']}'")
        checks.append(CrossCheck(c["register"], c["label"], dict(c.get("refuse_if", {})), c.get("reason", ""),
                                 _source(c.get("source"), where), c.get("absent", "flag"), c.get("stop"),
                                 _values(c.get("unless"), where)))
    form = tuple(FormField(f["name"], f["label"], f.get("type", "string"), tuple(f.get("choices", ())),
                           f.get("required", True), bool(f.get("official", False))) for f in claim.get("fields", []))
    types = {f.name: f.type for f in form}
    back = schedule.get("back") or {}
    if back and not (back.get("source") and (back.get("from") or back.get("months"))):
        raise ProgramDataError(f"{where}: schedule.back needs from (YYYY-MM) or months, and its source")
    if back.get("from") is not None and not _MONTH.match(str(back["from"])):
        raise ProgramDataError(f"{where}: schedule.back.from is YYYY-MM")
    bounds = []
    for b in schedule.get("until", []):
        if types.get(b.get("field")) not in ("month", "date"):
            raise ProgramDataError(f"{where}: schedule.until: {b.get('field')} is not a month or date field")
        bounds.append(Bound(b["field"], bool(b.get("before", False))))
    standard = data.get("standard") or {}
    if standard and (types.get(standard.get("field")) != "number" or not standard.get("source")):
        raise ProgramDataError(f"{where}: standard.field is a number field of the form, with its source")
    holds_ = []
    for h in data.get("holds", []):
        if h.get("kind") not in HOLD_KINDS or not h.get("reason"):
            raise ProgramDataError(f"{where}: hold: kind must be one of {sorted(HOLD_KINDS)}, with its reason")
        holds_.append(HoldRule(h["kind"], h["reason"], _source(h.get("source"), where)))
    audience = data.get("audience", "citizens")
    if audience not in AUDIENCES:
        raise ProgramDataError(f"{where}: audience is citizens or employers")
    once_per = schedule.get("once_per") or {}
    if once_per and (once_per.get("period") != "year" or not once_per.get("source") or schedule.get("once_only")):
        raise ProgramDataError(f"{where}: schedule.once_per is {{period: year, source}}, not with once_only")
    staff = claim.get("staff_list", False)
    staff_columns = tuple(staff.get("columns", ())) if isinstance(staff, dict) else ()
    unknown = set(staff_columns) - set(STAFF_COLUMNS)
    if unknown:
        raise ProgramDataError(f"{where}: claim.staff_list.columns: unknown column {sorted(unknown)}")
    return Program(
        code=code, name=_req(data, "name", where), audience=audience,
        regions=tuple(str(r) for r in data["regions"]),
        sources=tuple(_source(k, where) for k in _req(data, "sources", where)),
        calculator=_req(data, "calculator", where), calculator_inputs=dict(data.get("calculator_inputs", {})),
        claim_type=claim["type"], form=form, materials=tuple(claim.get("materials", ())),
        commitment=claim.get("commitment"), staff_list=bool(staff), staff_columns=staff_columns,
        cross_checks=tuple(checks), steps=tuple(steps),
        publicity_days=days if isinstance(days, int) else None, publicity_source=_source(publicity.get("source"), where),
        months=months, ends=schedule.get("ends"),
        claim_from=str(schedule["claim_from"])[:7] if schedule.get("claim_from") else None,
        claim_until=str(schedule["claim_until"])[:7] if schedule.get("claim_until") else None,
        claim_from_day=day_bounds["claim_from"], claim_until_day=day_bounds["claim_until"],
        max_months=max_months, max_months_source=max_source, once_only=bool(schedule.get("once_only", False)),
        exclusive_with=tuple(schedule.get("exclusive_with", ())),
        payment_to=_req(data, "payment", where)["to"], payment_note=data["payment"].get("note"),
        list_by_day=data["payment"].get("list_by_day"), funds_by_day=data["payment"].get("funds_by_day"),
        stops=tuple(stops), notes=tuple(data.get("notes", ())), holds=tuple(holds_),
        publicity_office=days == OFFICE,
        confirm_working_days=confirm_days if isinstance(confirm_days, int) else None,
        confirm_source=_source(confirmation.get("source"), where),
        back_from=back.get("from"), back_months=back.get("months"), back_source=_source(back.get("source"), where),
        until=tuple(bounds), not_concurrent_with=tuple(schedule.get("not_concurrent_with", ())),
        standard_field=standard.get("field"), standard_source=_source(standard.get("source"), where),
        publicity_working_days="working_days" in publicity,
        figures=_figures(data.get("figures", []), where),
        pay_first=_pay_first(data.get("pay_first"), where),
        apply_within=_apply_within(claim.get("apply_within"), where),
        derived=_derived(data.get("derived", []), where),
        person_checks=_person_checks(data.get("person_checks", []), where),
        top_up_sources=tuple(_source(k, where) for k in (data.get("top_up") or {}).get("sources", ())),
        once_per_year=bool(once_per), once_per_source=_source(once_per.get("source"), where),
        register_inputs=_register_inputs(data.get("calculator_inputs", {}), form, where),
    )


_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _day_bound(schedule: dict, key: str, where: str) -> DayBound | None:
    """``claim_from`` / ``claim_until``: a month (YYYY-MM), or a printed day (YYYY-MM-DD) with its clause
    (``<key>_source``) — a day without its clause is refused, so that the refusal can cite it."""
    raw = schedule.get(key)
    if raw is None:
        return None
    if _MONTH.match(str(raw)):
        return None
    if not _DAY.match(str(raw)):
        raise ProgramDataError(f"{where}: schedule.{key} is YYYY-MM or YYYY-MM-DD")
    if not schedule.get(f"{key}_source"):
        raise ProgramDataError(f"{where}: schedule.{key} is a day: give its clause in {key}_source")
    return DayBound(str(raw), _source(schedule[f"{key}_source"], where))


def _max_months(schedule: dict, where: str) -> tuple[int | None, str | None]:
    """``max_months`` (with ``max_months_source``): the most months the office may enter at the decision."""
    cap = schedule.get("max_months")
    if cap is None:
        return None, None
    if schedule.get("months") != "decision" or not isinstance(cap, int) or cap <= 0:
        raise ProgramDataError(f"{where}: schedule.max_months is a positive number, for months: decision")
    if not schedule.get("max_months_source"):
        raise ProgramDataError(f"{where}: schedule.max_months needs max_months_source")
    return cap, _source(schedule["max_months_source"], where)


def _register_inputs(raw: dict, form: tuple[FormField, ...], where: str) -> tuple[RegisterInput, ...]:
    """The calculator inputs declared ``{register: …, fact: …, form: …}`` (label and source optional)."""
    types = {f.name: f.type for f in form}
    out = []
    for name, source in raw.items():
        if not isinstance(source, dict) or "register" not in source:
            continue
        if not source.get("fact") or types.get(source.get("form")) not in ("integer", "number"):
            raise ProgramDataError(f"{where}: calculator input {name}: a register input needs fact and form "
                                   "(an integer or number field of the form)")
        label = source.get("label") or REGISTER_LABELS.get(source["register"])
        if not label:
            raise ProgramDataError(f"{where}: calculator input {name}: register {source['register']} needs its label")
        out.append(RegisterInput(name, source["register"], source["fact"], source["form"], label,
                                 _source(source.get("source"), where)))
    return tuple(out)


def _values(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    """``{field: value or [values]}`` as ``{field: (values,)}`` (an ``unless`` condition)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ProgramDataError(f"{where}: unless is a mapping of form fields to values")
    return {str(k): tuple(str(v) for v in (vs if isinstance(vs, list) else [vs])) for k, vs in raw.items()}


def _figures(raw: list, where: str) -> tuple[OfficialFigure, ...]:
    out = []
    for f in raw:
        if not f.get("field") or not f.get("label") or f.get("starts") not in range(1, 13):
            raise ProgramDataError(f"{where}: figure needs field, label and starts (the month its period starts)")
        out.append(OfficialFigure(f["field"], f["label"], int(f["starts"]), _source(f.get("source"), where)))
    return tuple(out)


def _pay_first(raw: dict | None, where: str) -> PayFirst | None:
    if raw is None:
        return None
    if not raw.get("register"):
        raise ProgramDataError(f"{where}: pay_first needs its register")
    return PayFirst(raw["register"], dict(raw.get("month_facts", {})), _source(raw.get("source"), where))


def _apply_within(raw: dict | None, where: str) -> ApplyWithin | None:
    if raw is None:
        return None
    if not raw.get("field") or not isinstance(raw.get("days"), int) or raw["days"] <= 0:
        raise ProgramDataError(f"{where}: apply_within needs field and days")
    return ApplyWithin(raw["field"], raw.get("label", raw["field"]), raw["days"], _values(raw.get("unless"), where),
                       _source(raw.get("source"), where))


DERIVED_KINDS = ("earlier_amount", "staff_seen", "staff_column", "earlier_months")
PERSON_CHECKS = ("not_beside", "contract_years")


def _derived(raw: list, where: str) -> tuple[Derived, ...]:
    out = []
    for d in raw:
        if d.get("kind") not in DERIVED_KINDS or not d.get("name") or not d.get("label"):
            raise ProgramDataError(f"{where}: derived needs name, label and kind in {DERIVED_KINDS}")
        if d["kind"] == "staff_column" and d.get("column") not in STAFF_COLUMNS:
            raise ProgramDataError(f"{where}: derived {d['name']}: column must be one of {sorted(STAFF_COLUMNS)}")
        if d["kind"] == "earlier_months" and not (d.get("detail") and d.get("source")):
            raise ProgramDataError(f"{where}: derived {d['name']}: earlier_months needs the calculator's detail "
                                   "and its source")
        out.append(Derived(d["name"], d["kind"], d["label"], _source(d.get("source"), where),
                           dict(d.get("where", {})), tuple(d.get("programs", ())), d.get("column"), d.get("detail")))
    return tuple(out)


def _person_checks(raw: list, where: str) -> tuple[PersonCheck, ...]:
    out = []
    for c in raw:
        if c.get("kind") not in PERSON_CHECKS or not c.get("reason"):
            raise ProgramDataError(f"{where}: person check needs kind in {PERSON_CHECKS} and its reason")
        if c["kind"] == "contract_years" and not (isinstance(c.get("years"), int) and c["years"] > 0):
            raise ProgramDataError(f"{where}: contract_years needs years")
        out.append(PersonCheck(c["kind"], c["reason"], _source(c.get("source"), where),
                               tuple(c.get("programs", ())), int(c.get("years", 0))))
    return tuple(out)


@functools.cache
def programs() -> dict[str, Program]:
    """Every program under data/programs, by code."""
    found = {}
    for path in sorted(PROGRAMS_DIR.glob("*.yaml")):
        program = parse(yaml.safe_load(path.read_text(encoding="utf-8")), f"programs/{path.name}")
        found[program.code] = program
    return found


def get(code: str) -> Program:
    from kuaiban.platform.errors import NotFound

    try:
        return programs()[code]
    except KeyError:
        raise NotFound(f"没有这个项目：{code}", "program") from None


def citations_of(program: Program) -> list[str]:
    """The 依据 a reader is shown: 文号 and article, each once, in the program's order (several clause keys
    quote different sentences of the same article: 鲁人社函〔2020〕78号 二 four times)."""
    table = clauses()
    return list(dict.fromkeys(f"{table[k].doc_no} {table[k].article or ''}".strip() for k in program.sources))


def describe(program: Program) -> dict[str, Any]:
    """What `kuaiban programs list --json` and the API show of a program."""
    table = clauses()
    return {
        "code": program.code, "name": program.name, "audience": program.audience,
        "regions": [{"code": r, "name": regions.label(r)} for r in program.regions],
        "sources": [{"key": k, "doc_no": table[k].doc_no, "article": table[k].article, "quote": table[k].quote}
                    for k in program.sources],
        "citations": citations_of(program),
        "calculator": program.calculator,
        "claim": {"type": program.claim_type, "type_name": CLAIM_TYPES[program.claim_type],
                  "fields": [{"name": f.name, "label": f.label, "type": f.type, "required": f.required,
                              "official": f.name in program.official_fields}
                             | ({"choices": list(f.choices)} if f.choices else {})
                             | ({"prefill": {"register": r.register, "fact": r.fact, "label": r.label}}
                                if (r := program.register_input(f.name)) else {}) for f in program.form],
                  "materials": list(program.materials), "commitment": program.commitment,
                  "staff_list": program.staff_list, "staff_columns": list(program.staff_columns),
                  **({"apply_within": {"field": program.apply_within.field, "days": program.apply_within.days,
                                       "source": program.apply_within.source}} if program.apply_within else {})},
        "cross_checks": [{"register": c.register, "label": c.label, "source": c.source, "absent": c.absent,
                          "stop": c.stop} for c in program.cross_checks],
        "steps": [s.as_json() for s in program.steps],
        "publicity": ({"days": program.publicity_days or "office", "source": program.publicity_source}
                      | ({"working_days": True} if program.publicity_working_days else {})
                      if program.has_publicity else None),
        **({"confirmation": {"working_days": program.confirm_working_days or "office",
                             "source": program.confirm_source}} if program.no_application else {}),
        "schedule": {"months": program.months, "ends": program.ends, "claim_from": program.claim_from,
                     "claim_until": program.claim_until, "once_only": program.once_only,
                     **({"once_per": {"period": "year", "source": program.once_per_source}}
                        if program.once_per_year else {}),
                     "back": ({"from": program.back_from, "months": program.back_months, "source": program.back_source}
                              if program.back_source else None),
                     "until": [{"field": b.field, "before": b.before} for b in program.until],
                     "not_concurrent_with": list(program.not_concurrent_with),
                     **{f"{k}_day": {"day": b.day, "source": b.source}
                        for k, b in (("claim_from", program.claim_from_day), ("claim_until", program.claim_until_day))
                        if b},
                     **({"max_months": program.max_months, "max_months_source": program.max_months_source}
                        if program.max_months else {})},
        "standard": ({"field": program.standard_field, "source": program.standard_source}
                     if program.standard_field else None),
        "payment": {"to": program.payment_to, "note": program.payment_note, "list_by_day": program.list_by_day,
                    "funds_by_day": program.funds_by_day},
        "stops": [{"code": s.code, "label": s.label, "action": s.action, "action_name": STOP_ACTIONS[s.action],
                   "from": s.from_, "source": s.source} for s in program.stops],
        "notes": list(program.notes),
        "figures": [{"field": f.field, "label": f.label, "period_starts_month": f.starts, "source": f.source}
                    for f in program.figures],
        "pay_first": ({"register": program.pay_first.register, "month_facts": program.pay_first.month_facts,
                       "source": program.pay_first.source} if program.pay_first else None),
        "derived": [{"name": d.name, "kind": d.kind, "label": d.label, "source": d.source} for d in program.derived],
        "person_checks": [{"kind": c.kind, "reason": c.reason, "source": c.source} for c in program.person_checks],
        "holds": [{"kind": h.kind, "kind_name": HOLD_KINDS[h.kind], "reason": h.reason, "source": h.source}
                  for h in program.holds],
    }
