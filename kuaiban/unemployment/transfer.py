"""失业保险关系跨省转移接续 (人社厅发〔2021〕85号 三, chongqing-hrss-2021.txt 19249–19257) as a service.

Two routes, both in the text:

- 三（二）: the request goes to the **转出地** office (the person online, or the office for them): it has 5 working
  days to 办理转出 — the transfer record and the 联系函 go to the 转入地 — which has 5 working days from the
  联系函 to 办理转入;
- 三（三）: the request goes to the **转入地** office, which may not send the person back for papers: it has 5
  working days to 受理 and send the 联系函 to the 转出地, which has 5 working days to 办理转出. The text gives the
  转入地 no limit for the 转入 that follows (recorded as such: ``stage_due`` None with the reason).

Either office may refuse at its step, always with a reason (“对不符合条件的，要说明理由”). After the 转出 the 转出地
has 1 month to 划转 the fund (:mod:`.transfer_rules`); the 转入 never waits for it (三（四）).

The other side may be another region of this kuaiban (both offices' staff queues, each scoped to its region),
or another province's system over the interface (:mod:`.transfer_exchange`): then each step this side takes
stages a message in the outbox in the same transaction, and each message from the partner is applied by
:func:`apply_partner_message` in the transaction that records it in the inbox.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

from sqlalchemy import or_, select, text, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, citations, disclosure, holds, notifications, regions
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, WINDOW, Applicant, User
from kuaiban.platform.personal_data import lookup_hashes, mask_account, mask_id_number
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment import transfer_rules as rules
from kuaiban.unemployment.idnumber import id_problems

OFFICE_ROLES = (WINDOW, REVIEWER)
PERSON = "person"
OFFICE = "office"

# message kinds exchanged with a partner province (docs/unemployment-transfer.md)
CONTACT_LETTER = "contact_letter"  # 联系函 from the 转入地 (三（三）)
TRANSFERRED_OUT = "transferred_out"  # 转出 done: the record and the 联系函 (三（二）)
TRANSFERRED_IN = "transferred_in"
REFUSED = "refused"
FUND_SENT = "fund_sent"
FUND_RECEIVED = "fund_received"
MESSAGE_KINDS = (CONTACT_LETTER, TRANSFERRED_OUT, TRANSFERRED_IN, REFUSED, FUND_SENT, FUND_RECEIVED)

# what the person reads at each step (notification kinds live in kuaiban.platform.notifications)
_NOTICE = {
    "ue_transfer_received": "您的失业保险关系跨省转移申请已由{office}收到，将在5个工作日内办理。",
    "ue_transfer_accepted": "转入地{office}已受理您的失业保险关系转移申请，并向转出地发出联系函。",
    "ue_transfer_out": "转出地{office}已办理失业保险关系转出，转入地将为您办理转入。",
    "ue_transfer_in": "转入地{office}已办理失业保险关系转入；失业保险待遇由转入地按规定发放，不因费用划转而停发。",
    "ue_transfer_refused": "{office}未能办理您的失业保险关系转移，理由：{reason}",
    "ue_transfer_fund": "{office}：{what}。",
}


# ---------------------------------------------------------------- helpers


def office_name(region: str) -> str:
    """The office of a region as the record names it: 湖南省长沙市芙蓉区失业保险经办机构."""
    return f"{regions.full_name(region)}失业保险经办机构"


def partner_provinces(session: Session) -> set[str]:
    return set(session.scalars(select(tm.Partner.province)))


def side_region(t: tm.Transfer, side: str) -> str:
    return t.origin_region if side == tm.ORIGIN else t.destination_region


def is_remote(t: tm.Transfer, side: str) -> bool:
    """Whether ``side`` of ``t`` is handled by a partner province's system, not here."""
    return t.partner_province is not None and side_region(t, side)[:2] == t.partner_province


def acting_side(t: tm.Transfer) -> str | None:
    """The side that must act next on the relationship (None when closed)."""
    return {tm.AWAITING_ACCEPTANCE: tm.DESTINATION, tm.AWAITING_TRANSFER_OUT: tm.ORIGIN,
            tm.AWAITING_TRANSFER_IN: tm.DESTINATION}.get(t.state)


def _require_office(session: Session, user: User, t: tm.Transfer, side: str) -> None:
    require_role(user, *OFFICE_ROLES)
    if is_remote(t, side):
        raise Forbidden(f"{tm.SIDE_NAMES[side]}由其他省份的系统办理，本系统只接收其结果", "side")
    access.require_serves(user, side_region(t, side), f"失业保险关系转移 {t.ref} 的{tm.SIDE_NAMES[side]}环节")


def _not_held(session: Session, id_number: str | None, region: str, on: dt.date) -> None:
    """A procedure of another pillar that, while it runs, bars this office from the transfer (京人社发[2020]8号
    一（六）: “发放失业补助金期间，不办理失业保险关系转出（转入）”): refused with its reason and clause."""
    hold = holds.active(session, id_number, holds.UNEMPLOYMENT_TRANSFER, regions_=(region,), on=on)
    if hold is not None:
        basis = citations.clause(hold.source).label if hold.source else ""
        until = f"（至 {hold.ends.isoformat()}）" if hold.ends else ""
        raise Conflict(f"{hold.reason}{until}" + (f"（{basis}）" if basis else ""), "id_number")


def _locked(session: Session, ref: str) -> tm.Transfer:
    t = session.scalar(select(tm.Transfer).where(tm.Transfer.ref == ref))
    if t is None:
        raise NotFound(f"没有编号为 {ref} 的失业保险关系转移", "ref")
    return t


def _bump(session: Session, t: tm.Transfer, **values) -> None:
    """Change ``t`` only if nobody else did since it was read (two clerks at once: one wins, one 409)."""
    done = session.execute(update(tm.Transfer).where(tm.Transfer.id == t.id, tm.Transfer.version == t.version)
                           .values(version=t.version + 1, **values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(f"失业保险关系转移 {t.ref} 已被他人处理，请刷新后重试", "version")
    session.refresh(t)


def _step(session: Session, t: tm.Transfer, side: str, what: str, at: dt.datetime, *, actor: User | None,
          note: str | None = None, remote: bool = False) -> None:
    session.add(tm.TransferStep(transfer_id=t.id, at=at, side=side, what=what, note=note,
                                actor_id=actor.id if actor else None, remote=remote))
    session.flush()


def _notify(session: Session, t: tm.Transfer, kind: str, at: dt.datetime, **values) -> None:
    if t.person_applicant_id is None:
        return
    text = _NOTICE[kind].format(**values)
    notifications.post(session, kind=kind, title=f"失业保险关系转移 {t.ref}", text=text,
                       applicant=t.person_applicant_id, link=f"/unemployment/transfers/{t.ref}", ref=t.ref, at=at)


def _stage(session: Session, t: tm.Transfer, kind: str, at: dt.datetime, body: dict) -> None:
    """Stage a message to the partner in this transaction (transactional outbox); its id is the idempotency
    key, one per transfer and kind, so a step can never be staged — or applied by the partner — twice."""
    if t.partner_province is None:
        return
    _serialise_partner_outbox(session, t.partner_province)
    if "record" in body:  # one string, sealed whole at rest (tm.is_personal_payload_key)
        body = body | {"record": json.dumps(body["record"], ensure_ascii=False, sort_keys=True)}
    session.add(tm.OutboxMessage(message_id=f"{t.ref}:{kind}", partner_province=t.partner_province,
                                 transfer_ref=t.ref, kind=kind, staged_at=at, attempts=0,
                                 payload={"message_id": f"{t.ref}:{kind}", "transfer_ref": t.ref, "kind": kind,
                                          "sent_on": at.date().isoformat(), **body}))


# pg_advisory_xact_lock(OUTBOX_LOCK, province) key; any constant unique in the app (audit uses 7_146_023_511)
OUTBOX_LOCK = 714_602


def _serialise_partner_outbox(session: Session, province: str) -> None:
    """Messages to one partner commit in the order of their outbox ids, so the partner's feed (ids after its
    cursor) can never skip one: on PostgreSQL two steps committing out of id order would let a fetch between
    the commits move the cursor past the later-committed, lower id. A transaction-scoped lock per partner
    (held to commit, taken before the id is drawn) orders them; SQLite's single writer already does."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key, :province)"),
                        {"key": OUTBOX_LOCK, "province": int(province)})


def wire_message(payload: dict) -> dict:
    """A staged message as it goes on the wire (its record an object again)."""
    record = payload.get("record")
    return payload | {"record": json.loads(record)} if isinstance(record, str) else dict(payload)


def _person(session: Session, id_number: str) -> int | None:
    return session.scalar(select(Applicant.id).where(Applicant.kind == "citizen",
                                                     Applicant.id_number_hash.in_(lookup_hashes(id_number))))


# ---------------------------------------------------------------- starting


def start(session: Session, user: User, *, side: str, origin_region: str, destination_region: str,
          name: str, card_number: str, id_number: str | None = None, employment_status: str,
          at: dt.datetime | None = None) -> tm.Transfer:
    """A request for a transfer, at the 转出地 (side ``origin``) or the 转入地 (``destination``) office: the
    person online (their own identity) or a clerk of that office for them."""
    at = at or audit.now()
    rules.require_in_force(at.date())
    if side not in tm.SIDE_NAMES:
        raise Invalid("请选择向转出地还是转入地经办机构申请", "side")
    origin = regions.resolve(origin_region, field="origin_region")
    destination = regions.resolve(destination_region, field="destination_region")
    if origin[:2] == destination[:2]:
        raise Invalid("转出地与转入地在同一省份：省内转移按各省规定办理（85号 四（三）），不属跨省转移",
                      "destination_region")
    if employment_status not in rules.EMPLOYMENT_STATES:
        raise Invalid(f"就业失业状态须为：{'、'.join(rules.EMPLOYMENT_STATES)}", "employment_status")
    if not name.strip() or not card_number.strip():
        raise Invalid("须填写姓名和社保卡号", "name" if not name.strip() else "card_number")
    if user.role == APPLICANT:
        own = session.get(Applicant, user.applicant_id) if user.applicant_id else None
        if own is None or own.kind != "citizen" or not own.id_number:
            raise Forbidden("个人账户须已实名（有公民身份号码）才能在线申请", "id_number")
        id_number, filed_by, person = own.id_number, PERSON, own.id
    else:
        require_role(user, *OFFICE_ROLES)
        access.require_serves(user, origin if side == tm.ORIGIN else destination, "该失业保险关系转移申请")
        id_number = (id_number or "").strip().upper()
        problems = id_problems(id_number, at.date(), letter_exempt=False)
        if not id_number or problems:
            raise Invalid(problems[0].message if problems else "须填写公民身份号码", "id_number")
        filed_by, person = OFFICE, _person(session, id_number)
    partners = partner_provinces(session)
    here = origin if side == tm.ORIGIN else destination
    _not_held(session, id_number, here, at.date())
    other = destination if side == tm.ORIGIN else origin
    if here[:2] in partners:
        raise Invalid(f"{regions.label(here)}由其他省份的系统办理，请向该地经办机构申请", "side")
    received = at.date()
    t = tm.Transfer(
        ref=f"ZY{received:%Y%m%d}{uuid.uuid4().hex[:12].upper()}", origin_region=origin,
        destination_region=destination, origin_office=office_name(origin), destination_office=office_name(destination),
        filed_at_side=side, filed_by=filed_by, partner_province=other[:2] if other[:2] in partners else None,
        person_applicant_id=person,
        record={"name": name.strip(), "card_number": card_number.strip(), "id_number": id_number,
                "employment_status": employment_status,
                "origin_office": {"region": origin, "name": office_name(origin)},
                "destination_office": {"region": destination, "name": office_name(destination)}},
        state=tm.AWAITING_TRANSFER_OUT if side == tm.ORIGIN else tm.AWAITING_ACCEPTANCE,
        stage_started_on=received, stage_due=rules.office_due(received),
        stage_basis=rules.BASIS["origin" if side == tm.ORIGIN else "acceptance"], created_at=at, version=1)
    session.add(t)
    session.flush()
    _step(session, t, side, "申请", at, actor=user, note="本人线上申请" if filed_by == PERSON else "经办机构窗口受理")
    audit.record(session, "ue_transfer_start", "ue_transfer", t.id, actor=user, at=at, ref=t.ref, side=side,
                 origin=origin, destination=destination)
    _notify(session, t, "ue_transfer_received", at, office=office_name(here))
    return t


# ---------------------------------------------------------------- each office's steps


def accept(session: Session, user: User, ref: str, *, at: dt.datetime | None = None) -> tm.Transfer:
    """三（三）: the 转入地 accepts a request filed with it and sends the 联系函 to the 转出地."""
    at = at or audit.now()
    t = _locked(session, ref)
    _require_office(session, user, t, tm.DESTINATION)
    if t.state != tm.AWAITING_ACCEPTANCE:
        raise Conflict(f"当前状态为“{t.state}”，不能受理", "state")
    _bump(session, t, state=tm.AWAITING_TRANSFER_OUT, stage_started_on=at.date(),
          stage_due=None if t.partner_province else rules.office_due(at.date()),
          stage_basis=rules.BASIS["origin"])
    _step(session, t, tm.DESTINATION, "受理并发出联系函", at, actor=user)
    _stage(session, t, CONTACT_LETTER, at, {"record": t.record, "origin_region": t.origin_region,
                                            "destination_region": t.destination_region})
    audit.record(session, "ue_transfer_accept", "ue_transfer", t.id, actor=user, at=at, ref=t.ref)
    _notify(session, t, "ue_transfer_accepted", at, office=t.destination_office)
    return t


def _validated_details(details: dict) -> dict:
    """The record's contents the 转出地 adds at the 转出 (三（一）), checked."""
    contributions = details.get("contributions") or {}
    out = {"contributions": {"approved": list(contributions.get("approved") or []),
                             "unapproved": list(contributions.get("unapproved") or [])}}
    for period in [*out["contributions"]["approved"], *out["contributions"]["unapproved"]]:
        regions.resolve(str(period.get("region", "")), field="contributions")
        rules.months_in(period)
    unpaid = details.get("unpaid_benefit")
    if unpaid:
        months = unpaid.get("months")
        if not isinstance(months, int) or isinstance(months, bool) or months < 0:
            raise Invalid("应当领取而尚未领取的失业保险金月数须为非负整数", "unpaid_benefit")
        unpaid = {"months": months, "monthly_amount": str(rules.money(unpaid.get("monthly_amount"), "unpaid_benefit"))}
    out["unpaid_benefit"] = unpaid or None
    out["unemployment_reason"] = (details.get("unemployment_reason") or "").strip() or None
    standard = details.get("benefit_standard")
    out["benefit_standard"] = str(rules.money(standard, "benefit_standard")) if standard not in (None, "") else None
    out["other"] = details.get("other") or {}
    return out


def transfer_out(session: Session, user: User, ref: str, *, details: dict, entitlement: object = None,
                 at: dt.datetime | None = None) -> tm.Transfer:
    """三（二）（三）: the 转出地 办理转出: completes the transfer record, works out the fund and sends the 联系函."""
    at = at or audit.now()
    t = _locked(session, ref)
    _require_office(session, user, t, tm.ORIGIN)
    if t.state != tm.AWAITING_TRANSFER_OUT:
        raise Conflict(f"当前状态为“{t.state}”，不能办理转出", "state")
    _not_held(session, t.record.get("id_number"), t.origin_region, at.date())
    record = t.record | _validated_details(details)
    fund = rules.fund_amount(record, t.origin_region, entitlement)
    record["fund_amount"] = str(fund.amount)
    record["fund_explanation"] = fund.explanation
    _apply_transferred_out(session, t, record, fund.moves, fund.amount, at, actor=user, remote=False)
    _stage(session, t, TRANSFERRED_OUT, at, {"record": record, "fund_moves": fund.moves,
                                             "fund_amount": str(fund.amount),
                                             "origin_region": t.origin_region,
                                             "destination_region": t.destination_region})
    audit.record(session, "ue_transfer_out", "ue_transfer", t.id, actor=user, at=at, ref=t.ref,
                 fund_amount=str(fund.amount), fund_moves=fund.moves)
    return t


def _apply_transferred_out(session: Session, t: tm.Transfer, record: dict, moves: bool, amount: Decimal,
                           at: dt.datetime, *, actor: User | None, remote: bool) -> None:
    day = at.date()
    # route 三（二）: the 联系函 reaches the 转入地 with the 转出 → its 5 working days run; route 三（三): the text
    # gives the 转入地 no limit for this step (it already had its 5 days to accept).
    due, basis = ((rules.office_due(day), rules.BASIS["destination"]) if t.filed_at_side == tm.ORIGIN
                  else (None, rules.BASIS["destination_after_letter"]))
    if is_remote(t, tm.DESTINATION):
        due = None  # the partner keeps the 转入地's clock
    _bump(session, t, record=record, state=tm.AWAITING_TRANSFER_IN, stage_started_on=day, stage_due=due,
          stage_basis=basis, transferred_out_on=day, fund_amount=amount,
          fund_state=tm.FUND_PENDING if moves else tm.FUND_NOT_MOVED,
          fund_due=rules.fund_due(day) if moves else None)
    _step(session, t, tm.ORIGIN, "办理转出", at, actor=actor, remote=remote, note=record.get("fund_explanation"))
    _notify(session, t, "ue_transfer_out", at, office=t.origin_office)


def transfer_in(session: Session, user: User, ref: str, *, at: dt.datetime | None = None) -> tm.Transfer:
    """The 转入地 办理转入 — whether or not the fund has arrived (三（四）)."""
    at = at or audit.now()
    t = _locked(session, ref)
    _require_office(session, user, t, tm.DESTINATION)
    if t.state != tm.AWAITING_TRANSFER_IN:
        raise Conflict(f"当前状态为“{t.state}”，不能办理转入", "state")
    _not_held(session, t.record.get("id_number"), t.destination_region, at.date())
    _apply_transferred_in(session, t, at, actor=user, remote=False)
    _stage(session, t, TRANSFERRED_IN, at, {})
    audit.record(session, "ue_transfer_in", "ue_transfer", t.id, actor=user, at=at, ref=t.ref)
    return t


def _apply_transferred_in(session: Session, t: tm.Transfer, at: dt.datetime, *, actor: User | None,
                          remote: bool) -> None:
    _bump(session, t, state=tm.TRANSFERRED, stage_started_on=at.date(), stage_due=None,
          stage_basis="已办结", transferred_in_on=at.date())
    _step(session, t, tm.DESTINATION, "办理转入", at, actor=actor, remote=remote)
    _notify(session, t, "ue_transfer_in", at, office=t.destination_office)


def refuse(session: Session, user: User, ref: str, *, reason: str, at: dt.datetime | None = None) -> tm.Transfer:
    """The office whose step it is refuses, with its reason (“对不符合条件的，要说明理由”)."""
    at = at or audit.now()
    t = _locked(session, ref)
    side = acting_side(t)
    if side is None:
        raise Conflict(f"当前状态为“{t.state}”，不能再作不予办理", "state")
    _require_office(session, user, t, side)
    reason = (reason or "").strip()
    _check_reason(reason, side)
    _apply_refused(session, t, side, reason, at, actor=user, remote=False)
    _stage(session, t, REFUSED, at, {"side": side, "reason": reason})
    audit.record(session, "ue_transfer_refuse", "ue_transfer", t.id, actor=user, at=at, ref=t.ref, side=side,
                 reason=reason)
    return t


def _check_reason(reason: str, side: str) -> None:
    if not reason:
        raise Invalid("不予办理须说明理由", "reason")
    if side == tm.DESTINATION and rules.withholding_reason(reason):
        raise Invalid("转入地不得以费用未划转到位为由拒绝办理或拒发失业保险待遇（85号 三（四））", "reason")


def _apply_refused(session: Session, t: tm.Transfer, side: str, reason: str, at: dt.datetime, *,
                   actor: User | None, remote: bool) -> None:
    _bump(session, t, state=tm.REFUSED, stage_due=None, stage_basis="已办结（不予办理）", refused_by_side=side,
          refusal_reason=reason)
    _step(session, t, side, "不予办理", at, actor=actor, note=reason, remote=remote)
    _notify(session, t, "ue_transfer_refused", at, office=t.origin_office if side == tm.ORIGIN
            else t.destination_office, reason=reason)


def send_fund(session: Session, user: User, ref: str, *, at: dt.datetime | None = None) -> tm.Transfer:
    """The 转出地 records the 划转 of the fund (三（四）: within 1 month of the 转出)."""
    at = at or audit.now()
    t = _locked(session, ref)
    _require_office(session, user, t, tm.ORIGIN)
    if t.fund_state != tm.FUND_PENDING:
        raise Conflict(f"费用状态为“{t.fund_state or '未转出'}”，不能登记划转", "fund_state")
    _apply_fund_sent(session, t, at, actor=user, remote=False)
    _stage(session, t, FUND_SENT, at, {"fund_amount": str(t.fund_amount)})
    audit.record(session, "ue_transfer_fund_sent", "ue_transfer", t.id, actor=user, at=at, ref=t.ref,
                 amount=str(t.fund_amount), late=bool(t.fund_due and at.date() > t.fund_due))
    return t


def _apply_fund_sent(session: Session, t: tm.Transfer, at: dt.datetime, *, actor: User | None, remote: bool) -> None:
    _bump(session, t, fund_state=tm.FUND_SENT, fund_sent_on=at.date())
    _step(session, t, tm.ORIGIN, "划转失业保险费用", at, actor=actor, remote=remote, note=f"{t.fund_amount}元")
    _notify(session, t, "ue_transfer_fund", at, office=t.origin_office, what=f"已划转失业保险费用{t.fund_amount}元")


def confirm_fund(session: Session, user: User, ref: str, *, at: dt.datetime | None = None) -> tm.Transfer:
    """The 转入地 confirms the fund has arrived (its record of receipt; the 转出地 keeps the details, 四（二）)."""
    at = at or audit.now()
    t = _locked(session, ref)
    _require_office(session, user, t, tm.DESTINATION)
    if t.fund_state not in (tm.FUND_PENDING, tm.FUND_SENT):
        raise Conflict(f"费用状态为“{t.fund_state or '未转出'}”，不能确认到账", "fund_state")
    _apply_fund_received(session, t, at, actor=user, remote=False)
    _stage(session, t, FUND_RECEIVED, at, {"fund_amount": str(t.fund_amount)})
    audit.record(session, "ue_transfer_fund_received", "ue_transfer", t.id, actor=user, at=at, ref=t.ref)
    return t


def _apply_fund_received(session: Session, t: tm.Transfer, at: dt.datetime, *, actor: User | None,
                         remote: bool) -> None:
    _bump(session, t, fund_state=tm.FUND_RECEIVED, fund_received_on=at.date())
    _step(session, t, tm.DESTINATION, "确认费用到账", at, actor=actor, remote=remote)
    _notify(session, t, "ue_transfer_fund", at, office=t.destination_office, what="失业保险费用已到账")


# ---------------------------------------------------------------- the partner's messages


def apply_partner_message(session: Session, partner: str, message: dict, at: dt.datetime) -> str:
    """Apply one message from partner province ``partner`` (in the caller's transaction, beside its inbox
    row). Returns "applied" or, for a message that does not fit the transfer's state, the reason it was
    not (kept in the inbox for a human; never retried)."""
    kind, ref = message.get("kind"), str(message.get("transfer_ref", ""))
    t = session.scalar(select(tm.Transfer).where(tm.Transfer.ref == ref))
    if t is not None and t.partner_province != partner:
        return "该转移不属于此合作省份"
    if kind in (CONTACT_LETTER, TRANSFERRED_OUT) and t is None:
        t = _open_from_partner(session, partner, message, at)
        if isinstance(t, str):
            return t
        if kind == CONTACT_LETTER:
            return "applied"
    if t is None:
        return "未知的转移编号"
    if kind == TRANSFERRED_OUT and t.state == tm.AWAITING_TRANSFER_OUT and is_remote(t, tm.ORIGIN):
        record = t.record | dict(message.get("record") or {})
        amount = rules.money(message.get("fund_amount", "0"), "fund_amount")
        _apply_transferred_out(session, t, record, bool(message.get("fund_moves")), amount, at, actor=None,
                               remote=True)
    elif kind == TRANSFERRED_IN and t.state == tm.AWAITING_TRANSFER_IN and is_remote(t, tm.DESTINATION):
        _apply_transferred_in(session, t, at, actor=None, remote=True)
    elif kind == REFUSED and t.state in tm.OPEN_STATES and is_remote(t, str(message.get("side"))):
        _apply_refused(session, t, str(message["side"]), str(message.get("reason") or "（未说明理由）"), at,
                       actor=None, remote=True)
    elif kind == FUND_SENT and t.fund_state == tm.FUND_PENDING and is_remote(t, tm.ORIGIN):
        _apply_fund_sent(session, t, at, actor=None, remote=True)
    elif kind == FUND_RECEIVED and t.fund_state in (tm.FUND_PENDING, tm.FUND_SENT) and is_remote(t, tm.DESTINATION):
        _apply_fund_received(session, t, at, actor=None, remote=True)
    else:
        return f"与当前状态不符：{kind}（状态{t.state}，费用{t.fund_state or '无'}）"
    audit.record(session, f"ue_transfer_partner_{kind}", "ue_transfer", t.id, actor=None, at=at, ref=t.ref,
                 partner=partner)
    return "applied"


def _open_from_partner(session: Session, partner: str, message: dict, at: dt.datetime) -> tm.Transfer | str:
    """A transfer the partner started: its 联系函 (we are the 转出地) or its 转出 (we are the 转入地)."""
    kind = message["kind"]
    try:
        origin = regions.resolve(str(message.get("origin_region")), field="origin_region")
        destination = regions.resolve(str(message.get("destination_region")), field="destination_region")
    except Invalid as exc:
        return str(exc)
    theirs, ours = (destination, origin) if kind == CONTACT_LETTER else (origin, destination)
    if theirs[:2] != partner or ours[:2] == partner:
        return "转出地、转入地与合作省份不符"
    record = dict(message.get("record") or {})
    id_number = str(record.get("id_number") or "")
    if not id_number or not record.get("name"):
        return "转移记录缺少姓名或公民身份号码"
    day = at.date()
    t = tm.Transfer(ref=str(message["transfer_ref"]), origin_region=origin, destination_region=destination,
                    origin_office=office_name(origin), destination_office=office_name(destination),
                    filed_at_side=tm.DESTINATION if kind == CONTACT_LETTER else tm.ORIGIN, filed_by=OFFICE,
                    partner_province=partner,
                    person_applicant_id=_person(session, id_number), record=record,
                    state=tm.AWAITING_TRANSFER_OUT, stage_started_on=day, stage_due=rules.office_due(day),
                    stage_basis=rules.BASIS["origin"], created_at=at, version=1)
    session.add(t)
    session.flush()
    if kind == CONTACT_LETTER:
        _step(session, t, tm.DESTINATION, "收到转入地联系函", at, actor=None, remote=True)
        audit.record(session, "ue_transfer_partner_contact_letter", "ue_transfer", t.id, actor=None, at=at,
                     ref=t.ref, partner=partner)
        _notify(session, t, "ue_transfer_received", at, office=t.origin_office)
    return t


# ---------------------------------------------------------------- reading


def queue(session: Session, user: User) -> list[tm.Transfer]:
    """The transfers awaiting this office: its side's step is due, or the fund is to send or confirm."""
    require_role(user, *OFFICE_ROLES, SUPERVISOR)
    origin_turn = or_(tm.Transfer.state == tm.AWAITING_TRANSFER_OUT, tm.Transfer.fund_state == tm.FUND_PENDING)
    destination_turn = or_(tm.Transfer.state.in_((tm.AWAITING_ACCEPTANCE, tm.AWAITING_TRANSFER_IN)),
                           tm.Transfer.fund_state.in_((tm.FUND_PENDING, tm.FUND_SENT)))
    stmt = select(tm.Transfer).where(or_(
        access.scope_condition(user, tm.Transfer.origin_region) & origin_turn,
        access.scope_condition(user, tm.Transfer.destination_region) & destination_turn))
    return list(session.scalars(stmt.order_by(tm.Transfer.stage_due.is_(None), tm.Transfer.stage_due,
                                              tm.Transfer.id)))


def get(session: Session, user: User, ref: str) -> tm.Transfer:
    """One transfer, for its person or for staff serving either side."""
    t = _locked(session, ref)
    if user.role == APPLICANT:
        if t.person_applicant_id is None or t.person_applicant_id != user.applicant_id:
            raise NotFound(f"没有编号为 {ref} 的失业保险关系转移", "ref")
        return t
    if not (access.serves(user, t.origin_region) or access.serves(user, t.destination_region)):
        access.require_serves(user, t.destination_region, f"失业保险关系转移 {ref}")
    return t


def mine(session: Session, user: User) -> list[tm.Transfer]:
    if user.applicant_id is None:
        return []
    return list(session.scalars(select(tm.Transfer).where(tm.Transfer.person_applicant_id == user.applicant_id)
                                .order_by(tm.Transfer.id.desc())))


def overdue(t: tm.Transfer, today: dt.date) -> list[str]:
    """What is late on ``today``: the current office step, or the fund."""
    late = []
    if t.state in tm.OPEN_STATES and t.stage_due and today > t.stage_due:
        late.append(f"{tm.SIDE_NAMES[acting_side(t)]}办理已超过时限（{t.stage_due}）")
    if t.fund_state == tm.FUND_PENDING and t.fund_due and today > t.fund_due:
        late.append(f"失业保险费用划转已超过1个月时限（{t.fund_due}）")
    return late


def benefits_may_be_paid(t: tm.Transfer) -> bool:
    """三（四）: once transferred in, the 转入地 pays benefits by its rules whatever the fund's state."""
    return t.state == tm.TRANSFERRED


def disclose(session: Session, user: User, t: tm.Transfer) -> None:
    """``t``'s record about to be shown in full to a staff member: the read (who, which transfer, which fields,
    when) goes to the audit log (个人信息保护法 第五十一条); an applicant's read of their own records nothing."""
    shown = [k for k in ("card_number", "id_number") if (t.record or {}).get(k)]
    disclosure.record_full_read(session, user, "ue_transfer", t.id, fields=shown, ref=t.ref)


def as_dict(t: tm.Transfer, *, today: dt.date | None = None, mask_card: bool = False, in_full: bool = False) -> dict:
    """What the API shows: the record (masked identity), the step and its deadline, the fund, the history.
    ``mask_card``: the 社保卡号 by its last four as well (the API's answers to staff); ``in_full``: neither masked
    — a staff member's read that :func:`disclose` writes to the audit log."""
    record = dict(t.record)
    if record.get("id_number") and not in_full:
        record["id_number"] = mask_id_number(record["id_number"])
    if record.get("card_number") and mask_card and not in_full:
        record["card_number"] = mask_account(record["card_number"])
    side = acting_side(t)
    return {
        "ref": t.ref, "state": t.state, "origin_region": t.origin_region, "origin": regions.label(t.origin_region),
        "destination_region": t.destination_region, "destination": regions.label(t.destination_region),
        "filed_at": tm.SIDE_NAMES[t.filed_at_side], "waiting_for": tm.SIDE_NAMES[side] if side else None,
        "due": t.stage_due.isoformat() if t.stage_due else None, "basis": t.stage_basis,
        "partner_system": t.partner_province is not None, "record": record,
        "refusal": {"side": tm.SIDE_NAMES[t.refused_by_side], "reason": t.refusal_reason} if t.refused_by_side
        else None,
        "fund": {"state": t.fund_state, "amount": str(t.fund_amount) if t.fund_amount is not None else None,
                 "due": t.fund_due.isoformat() if t.fund_due else None,
                 "sent_on": t.fund_sent_on.isoformat() if t.fund_sent_on else None,
                 "received_on": t.fund_received_on.isoformat() if t.fund_received_on else None},
        "benefits_paid_meanwhile": benefits_may_be_paid(t),
        "overdue": overdue(t, today or audit.now().date()),
        "steps": [{"at": s.at.isoformat(timespec="minutes"), "side": tm.SIDE_NAMES[s.side], "what": s.what,
                   "note": s.note, "by_partner_system": s.remote} for s in t.steps],
    }
