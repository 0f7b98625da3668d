"""What the engine finds out itself when a claim is submitted, rather than asking the claimant:

- facts about earlier claims (``derived``, kuaiban.programs.definitions.Derived), written into the claim's
  facts so that the calculator decides with them, at submission and at the decision:
  what the enterprise was already granted under the policy (以工代训's 30万 / 200万 over the policy period),
  whether a person of the staff list was already subsidised (一次性吸纳就业补贴: 1000 元/人, once), whether a
  row says 是 in a column (已享受一次性岗位补贴: 不重复享受);
- rules on the claim's persons (``person_checks``): not beside a running claim of another program for the same
  person (湘人社规〔2020〕22号 第六条（二）: 同一时间、同一对象只能享受…之中的一种), a labour contract of at
  least so many years (第四条: 签订1年以上劳动合同);
- the time to apply (``claim.apply_within``: 津人社办发〔2020〕89号 三（一）1: 从…登记之日起30日内).

Each refusal names the rows of the staff list (masked names) and the earlier claim, so that the employer can
send the list again without them.

The persons of a claim are its staff list's rows (keyed hashes of the ID numbers) or, without a list, the
claimant. Earlier claims are found by person: the staff lists' persons are indexed (``prog_claim_persons``,
written with the claim), a citizen claimant by the applicant's own hash; a submission never loads the
program's claims. Two submissions at the same moment are decided by kuaiban.programs.places.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kuaiban.platform import calendar
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant
from kuaiban.platform.personal_data import lookup_hashes
from kuaiban.programs import definitions, eligibility, figures, places
from kuaiban.programs.definitions import Derived, Program
from kuaiban.programs.models import Claim, ClaimPerson, Entitlement
from kuaiban.programs.staff_list import OPEN_ENDED

ENDED = ("refused", "declined", "lapsed")  # claims that never paid (or were never taken up)
RUNNING = ("reviewing", "publicity", "approved", "suspended")
COLUMN_KEYS = {"已享受一次性岗位补贴": "job_post_subsidy"}


def _persons(claim_facts: dict[str, Any], applicant: Applicant | None) -> dict[str, str]:
    """The claim's persons: keyed hash → how a refusal names them (第3行 张*, or 申请人本人)."""
    staff = claim_facts.get("_staff")
    if staff:
        return {row["id_hash"]: f"第{row['row']}行（{row['name']}）" for row in staff}
    if applicant is None or applicant.kind != "citizen" or not applicant.id_number:
        return {}
    return {h: "申请人本人" for h in lookup_hashes(applicant.id_number)}


def _chunks(keys: list[str], size: int = 500):
    for i in range(0, len(keys), size):
        yield keys[i:i + size]


def _claims_with(session: Session, mine: dict[str, str], programs: tuple[str, ...],
                 statuses: tuple[str, ...] | None = None, not_in: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(claim, person key of ``mine``) for every claim of ``programs`` holding one of the persons, read by person:
    the staff lists' index (``prog_claim_persons``) and the citizen claimants' own hash — never every claim."""
    def status(stmt):
        if statuses:
            stmt = stmt.where(Claim.status.in_(statuses))
        return stmt.where(Claim.status.not_in(not_in)) if not_in else stmt

    found: set[tuple[int, str]] = set()
    for keys in _chunks(list(mine)):
        found.update((c, k) for c, k in session.execute(status(
            select(ClaimPerson.claim_id, ClaimPerson.person_hash).join(Claim, Claim.id == ClaimPerson.claim_id)
            .where(ClaimPerson.person_hash.in_(keys), ClaimPerson.program.in_(programs)))))
        found.update((c, k) for c, k in session.execute(status(
            select(Claim.id, Applicant.id_number_hash).join(Applicant, Applicant.id == Claim.applicant_id)
            .where(Applicant.kind == "citizen", Applicant.id_number_hash.in_(keys), Claim.program.in_(programs)))))
    return sorted(found)


def _overlap(mine: dict[str, str], found: list[tuple[int, str]], exclude: int | None = None) -> list[tuple[str, int]]:
    """(who, earlier claim id) for each person of ``mine`` found, the earliest claim first, in ``mine``'s order."""
    order = {key: i for i, key in enumerate(mine)}
    seen, out = set(), []
    for claim_id, key in sorted(found, key=lambda f: (f[0], order.get(f[1], 0))):
        who = mine.get(key)
        if claim_id == exclude or who is None or who in seen:  # one line per person (hashes under several keys)
            continue
        seen.add(who)
        out.append((who, claim_id))
    return out


def index_persons(session: Session, claim: Claim) -> None:
    """Write the claim's staff-list persons into the index the checks read by person."""
    rows = [{"claim_id": claim.id, "program": claim.program, "person_hash": row["id_hash"]}
            for row in claim.facts.get("_staff") or [] if row.get("id_hash")]
    if rows:
        session.execute(insert(ClaimPerson), rows)


def _listed(pairs: list[tuple[str, int]]) -> str:
    return "、".join(f"{who}（申领编号 {claim_id}）" for who, claim_id in pairs)


def _granted(session: Session, claim: Claim) -> int:
    """What an earlier claim was granted (fen): its months not stopped, or while open the amount computed."""
    if claim.status in ("reviewing", "publicity"):
        return claim.monthly_fen or 0
    return session.scalar(select(func.coalesce(func.sum(Entitlement.amount_fen), 0)).where(
        Entitlement.claim_id == claim.id, Entitlement.status != "stopped")) or 0


def _earlier_amount(session: Session, program: Program, applicant: Applicant, rule: Derived) -> float:
    total = 0
    for claim in session.scalars(select(Claim).where(Claim.program == program.code, Claim.applicant_id == applicant.id,
                                                     Claim.status.not_in(ENDED)).order_by(Claim.id)):
        if all(str(claim.facts.get(k)) == str(v) for k, v in rule.where.items()):
            total += _granted(session, claim)
    return total / 100


CAPS_OVER_EARLIER = ("earlier_amount", "earlier_months")  # read under a lock per applicant (places)
UNKNOWN = "_earlier_unknown"  # the earlier claims whose months cannot be read yet (flagged for a caseworker)


def caps_over_earlier(program: Program) -> bool:
    """Whether a submission reads a cap over the applicant's earlier claims (taken under places.lock_applicant)."""
    return any(rule.kind in CAPS_OVER_EARLIER for rule in program.derived)


def _months_of(session: Session, claim: Claim, detail: str) -> float | None:
    """The months an earlier claim received: the calculator's ``detail`` for it (its own facts, its official
    figures, the rules of its day); 0 when every month it was owed is stopped (not received); None when it cannot
    be computed yet (an official figure not entered)."""
    if claim.status not in ("reviewing", "publicity") and _granted(session, claim) <= 0:
        return 0
    program = definitions.get(claim.program)
    try:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, nth=1,
                                     facts=figures.office_facts(program, claim.facts),
                                     claimed_on=claim.created_at.date())
    except (Invalid, eligibility.NotAvailable):
        return None
    return float((answer.get("details") or {}).get(detail) or 0)


def _earlier_months(session: Session, program: Program, applicant: Applicant, rule: Derived,
                    facts: dict[str, Any], before: int | None = None) -> int:
    """The months the applicant's earlier claims received (of ``rule.programs``, not refused; ``before``: only
    claims made before that one); a claim whose months cannot be read yet is named in ``facts[UNKNOWN]`` (the
    new claim is flagged, never refused for it)."""
    total, unknown = 0.0, []
    stmt = select(Claim).where(Claim.program.in_(rule.programs or (program.code,)), Claim.applicant_id == applicant.id,
                               Claim.status.not_in(ENDED))
    if before is not None:
        stmt = stmt.where(Claim.id < before)
    facts.pop(UNKNOWN, None)
    for claim in session.scalars(stmt.order_by(Claim.id)):
        months = _months_of(session, claim, rule.detail or "months")
        if months is None:
            unknown.append(claim.id)
        else:
            total += months
    if unknown:
        facts[UNKNOWN] = unknown
    return int(total)


def refresh(session: Session, program: Program, claim: Claim, facts: dict[str, Any]) -> dict[str, Any]:
    """The months across claims read again when a caseworker computes the claim (enters its official figure):
    an earlier claim decided since the submission counts now. Only claims made before this one count."""
    rules = [r for r in program.derived if r.kind == "earlier_months"]
    if not rules:
        return facts
    places.lock_applicant(session, claim.applicant_id)
    facts = dict(facts)
    applicant = session.get(Applicant, claim.applicant_id)
    for rule in rules:
        facts[rule.name] = _earlier_months(session, program, applicant, rule, facts, before=claim.id)
    return facts


def is_flag(text: str) -> bool:
    """Whether a claim's flag is one :func:`flags` wrote (replaced when the months are read again)."""
    return text.endswith(_FLAG_END)


_FLAG_END = "的月数尚未核定（待录入官方数字），未计入，请人工核查"


def flags(program: Program, facts: dict[str, Any]) -> list[str]:
    """What a caseworker must check by hand: an earlier claim whose months are not known yet."""
    ids = facts.get(UNKNOWN) or []
    rule = next((r for r in program.derived if r.kind == "earlier_months"), None)
    if not ids or rule is None:
        return []
    listed = "、".join(f"申领编号 {i}" for i in ids)
    return [f"{rule.label}：另有申领（{listed}）{_FLAG_END}"]


def fill(session: Session, program: Program, applicant: Applicant, facts: dict[str, Any]) -> list[str]:
    """Write each derived fact into ``facts``; return what a refusal should add (who, which earlier claim)."""
    notes = []
    for rule in program.derived:
        if rule.kind == "earlier_amount":
            facts[rule.name] = _earlier_amount(session, program, applicant, rule)
        elif rule.kind == "earlier_months":
            facts[rule.name] = _earlier_months(session, program, applicant, rule, facts)
        elif rule.kind == "staff_seen":
            mine = _persons(facts, applicant)
            seen = _overlap(mine, _claims_with(session, mine, rule.programs or (program.code,), not_in=ENDED))
            facts[rule.name] = bool(seen)
            if seen:
                notes.append(f"{rule.label}：{_listed(seen)}")
        elif rule.kind == "staff_column":
            key = COLUMN_KEYS[rule.column]
            rows = [r for r in facts.get("_staff", []) if r.get(key)]
            facts[rule.name] = bool(rows)
            if rows:
                notes.append(f"{rule.label}：" + "、".join(f"第{r['row']}行（{r['name']}）" for r in rows))
    return notes


def _contract_short(row: dict[str, Any], years: int) -> bool:
    end = row.get("contract_end")
    if end is None or end == OPEN_ENDED:
        return end is None
    start = dt.date.fromisoformat(row["contract_start"])
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28)
    # “1年以上”含1年: a contract from 2021-03-01 to 2022-02-28 is a year
    return dt.date.fromisoformat(end) < anniversary - dt.timedelta(days=1)


def _still_running(session: Session, claim: Claim, month: str) -> bool:
    """A claim of the other program still running in or after ``month`` (open, or months owed from then)."""
    if claim.status in ("reviewing", "publicity"):
        return True
    return session.scalar(select(Entitlement.id).where(
        Entitlement.claim_id == claim.id, Entitlement.month >= month,
        Entitlement.status.in_(("due", "pending", "held", "suspended"))).limit(1)) is not None


def person_reasons(session: Session, program: Program, applicant: Applicant, facts: dict[str, Any],
                   month: str, claim_id: int | None = None) -> list[str]:
    """The refusals of the program's rules on persons."""
    reasons = []
    for check in program.person_checks:
        if check.kind == "contract_years":
            short = [f"第{r['row']}行（{r['name']}）" for r in facts.get("_staff", [])
                     if _contract_short(r, check.years)]
            if short:
                reasons.append(f"{check.reason}：{'、'.join(short)}")
        elif check.kind == "not_beside":
            mine = _persons(facts, applicant)
            places.lock_persons(session, list(mine))  # two claims at once: the second reads after the first
            found = _claims_with(session, mine, check.programs, statuses=RUNNING)
            running = {c for c, _ in found if _still_running(session, session.get(Claim, c), month)}
            both = _overlap(mine, [f for f in found if f[0] in running], exclude=claim_id)
            if both:
                reasons.append(f"{check.reason}：{_listed(both)}")
    return reasons


def late(program: Program, facts: dict[str, Any], at: dt.datetime) -> str | None:
    """The refusal when the claim comes after the time to apply (None: in time, or not subject to it)."""
    rule = program.apply_within
    if rule is None or not rule.applies(facts) or not facts.get(rule.field):
        return None
    start = dt.date.fromisoformat(str(facts[rule.field]))
    last = calendar.deadline(start, days=rule.days)
    if at.date() <= last:
        return None
    return (f"应自{rule.label}（{start.isoformat()}）起 {rule.days} 日内提出申请（期限至 {last.isoformat()}），"
            f"本申请于 {at.date().isoformat()} 提出，已超过期限")


def missing_date(program: Program, facts: dict[str, Any]) -> dict[str, str] | None:
    """The form error when the time to apply runs from a date the form left empty."""
    rule = program.apply_within
    if rule is None or not rule.applies(facts) or facts.get(rule.field):
        return None
    return {"field": rule.field, "detail": f"请填写{rule.label}（应自该日起 {rule.days} 日内提出申请）"}
