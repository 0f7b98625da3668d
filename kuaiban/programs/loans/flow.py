"""The life of a 创业担保贷款: 申请 → 人社部门资格审核 → 担保机构尽职调查 → 经办银行签约放款 → 按季贴息（银行申请、
人社初审、财政复核拨付、银行划转）→ 结清.

Every function is one step in the caller's transaction: the change, its timeline row, its audit entry and its
messages (each with its outbox row) commit together or not at all. Each party acts only on its own work:
人社 offices by region (:mod:`kuaiban.platform.access`), a guarantee institution or a bank only on what was
routed to it (``User.agency``) within its region, 财政 by region; the applicant sees its own applications.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, calendar, dates, notifications, regions
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import (
    APPLICANT,
    BANK,
    FINANCE,
    GUARANTOR,
    REVIEWER,
    SUPERVISOR,
    WINDOW,
    Applicant,
    User,
)
from kuaiban.platform.personal_data import mask_account
from kuaiban.programs.loans import rules
from kuaiban.programs.loans.models import LoanApplication, LoanEvent, SubsidyClaim
from kuaiban.programs.loans.rules import BORROWERS, PARTNERSHIP, SMALL_FIRM, cite, fen, yuan

OFFICE = (WINDOW, REVIEWER, SUPERVISOR)
OFFICE_ACTORS = (WINDOW, REVIEWER)
OPEN = ("eligibility", "guarantee", "lending", "active")
MAX_MONTHS = 120  # no text prints a term beyond 3 years; a bound on what the forms accept
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# 财金〔2020〕21号 三: extensions up to this day keep their normal 贴息
EXTENSION_WITH_SUBSIDY_UNTIL = dt.date(2020, 6, 30)


# ---------------------------------------------------------------- who is who


def _figure(answer: dict, name: str):
    """A figure of the calculator's details, or None where no text prints it (null, or rules.UNKNOWN)."""
    value = answer["details"].get(name)
    return None if value is None or value == rules.UNKNOWN else value


def party_of(user: User) -> str:
    if user.role == APPLICANT:
        return "applicant"
    if user.role in OFFICE:
        return "office"
    return {GUARANTOR: "guarantor", BANK: "bank", FINANCE: "finance"}[user.role]


def can_see(user: User, app: LoanApplication) -> bool:
    """Whether ``user`` may see application ``app``: one's own; an office of its region; the guarantee
    institution and the bank it was routed to (in their region); 财政 of its region once a loan exists."""
    if user.role == APPLICANT:
        return user.applicant_id == app.applicant_id
    if not access.serves(user, app.region):
        return False
    if user.role == GUARANTOR:
        return bool(user.agency) and user.agency == app.guarantor
    if user.role == BANK:  # chosen by the applicant, it sees the application once 人社 routed it (guarantor set)
        return bool(user.agency) and user.agency == app.bank and app.guarantor is not None
    if user.role == FINANCE:
        return app.principal_fen is not None
    return user.role in OFFICE


def _get(session: Session, user: User, app_id: int, *, lock: bool = False) -> LoanApplication:
    app = session.get(LoanApplication, app_id, with_for_update=lock)
    if app is None or not can_see(user, app):
        # another party's application is not revealed (the same answer as a missing one)
        raise NotFound(f"没有这笔创业担保贷款申请：{app_id}", "application")
    return app


def _require(user: User, *roles: str, what: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"{what}由{'、'.join(_role_name(r) for r in roles)}办理")


def _role_name(role: str) -> str:
    from kuaiban.platform.auth import ROLE_NAMES

    return ROLE_NAMES.get(role, role)


def institutions(session: Session, role: str, region: str) -> list[str]:
    """The institutions (agency names) with an active ``role`` account serving ``region``."""
    rows = session.scalars(select(User).where(User.role == role, User.active.is_(True), User.agency.is_not(None)))
    return sorted({u.agency for u in rows if access.serves(u, region)})


def _agency_users(session: Session, role: str, agency: str | None, region: str) -> list[User]:
    if not agency:
        return []
    rows = session.scalars(select(User).where(User.role == role, User.agency == agency, User.active.is_(True)))
    return [u for u in rows if access.serves(u, region)]


def _office_users(session: Session, region: str) -> list[User]:
    rows = session.scalars(select(User).where(User.role == REVIEWER, User.active.is_(True)))
    return [u for u in rows if access.serves(u, region)]


def _event(session: Session, app: LoanApplication, step: str, outcome: str, note: str | None, user: User | None,
           at: dt.datetime) -> None:
    session.add(LoanEvent(application_id=app.id, step=step, outcome=outcome, note=note,
                          party=party_of(user) if user else "system", actor_id=user.id if user else None, at=at))


def _tell(session: Session, app: LoanApplication, kind: str, title: str, text: str, at: dt.datetime,
          also: list[User] = ()) -> None:
    """A message to the applicant (every account of it) and to the staff who must act next."""
    notifications.post(session, kind=kind, title=title, text=text, applicant=app.applicant_id, recipients=also,
                       link=f"/loans/{app.id}", ref=f"loan-{app.id}", at=at)


def _reason(note: str | None) -> str:
    note = (note or "").strip()
    if not note:
        raise Invalid("请填写不通过的原因（将告知申请人）", "note")
    if len(note) > 2000:
        raise Invalid("原因不超过 2000 字", "note")
    return note


def _refuse(session: Session, app: LoanApplication, user: User, step: str, reason: str, at: dt.datetime,
            also: list[User] = ()) -> LoanApplication:
    app.status, app.reason, app.step_due, app.version = "refused", reason, None, app.version + 1
    _event(session, app, step, "refused", reason, user, at)
    session.flush()
    audit.record(session, "loan_refused", "loan_application", app.id, actor=user, at=at, step=step, reason=reason)
    _tell(session, app, "loan_refused", "创业担保贷款申请未通过",
          f"您的创业担保贷款申请（编号 {app.id}）在“{rules.STEPS[step].name}”环节未通过。原因：{reason}", at, also)
    return app


def _check_version(app: LoanApplication, version: int | None) -> None:
    if version is not None and version != app.version:
        raise Conflict("这笔申请已被他人办理，请刷新后再试", "version")


def _at_step(session: Session, user: User, app_id: int, step: str, version: int | None) -> LoanApplication:
    """The application at ``step``, locked, for a party that acts there; Forbidden / NotFound / Conflict."""
    st = rules.STEPS[step]
    _require(user, *{"office": OFFICE_ACTORS, "guarantor": (GUARANTOR,), "bank": (BANK,)}[st.party], what=st.name)
    app = _get(session, user, app_id, lock=True)
    _check_version(app, version)
    if app.status != step:
        raise Conflict(f"这笔申请现在{rules.STATUS_NAMES[app.status]}，不在{st.name}环节", "status")
    return app


def _chosen(outcome: str | None) -> None:
    """A decision is chosen by the person deciding (the pages preset none): a missing one is said as such."""
    if not (outcome or "").strip():
        raise Invalid("请选择审核结果（通过或不通过）", "outcome")


def _refused(session: Session, app: LoanApplication, user: User, step: str, outcome: str, note: str | None,
             at: dt.datetime) -> bool:
    """A refusal at ``step`` (written, told); False for ``pass``; Invalid for anything else. A fund's or bank's
    refusal is told to 人社 too (附件2 2: 及时通知借款人和人力资源社会保障部门并说明原因)."""
    _chosen(outcome)
    if outcome == "refuse":
        office = _office_users(session, app.region) if step != "eligibility" else []
        _refuse(session, app, user, step, _reason(note), at, office)
        return True
    if outcome != "pass":
        raise Invalid("审核结果应为通过或不通过", "outcome")
    return False


# ---------------------------------------------------------------- values


def _decimal(raw: Any, field: str, label: str, *, positive: bool = True) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, AttributeError):
        raise Invalid(f"{label}应为数字", field) from None
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise Invalid(f"{label}应为大于 0 的数字", field)
    return value


def _money(raw: Any, field: str, label: str) -> int:
    value = _decimal(raw, field, label)
    if value.as_tuple().exponent < -2:
        raise Invalid(f"{label}最多到分（两位小数）", field)
    if value > Decimal("100000000"):
        raise Invalid(f"{label}超出可受理的范围", field)
    return fen(value)


def _rate(raw: Any, field: str, label: str) -> Decimal:
    value = _decimal(raw, field, label)
    if value >= 1:
        raise Invalid(f"{label}请按年利率的小数填写，如 0.0385 表示 3.85%", field)
    return value


def _count(raw: Any, field: str, label: str, minimum: int = 0) -> int:
    if isinstance(raw, bool) or not re.fullmatch(r"\d{1,7}", str(raw).strip()):
        raise Invalid(f"{label}应为非负整数", field)
    value = int(str(raw).strip())
    if value < minimum:
        raise Invalid(f"{label}至少为 {minimum}", field)
    return value


def _date(raw: Any, field: str, label: str) -> dt.date:
    text = dates.read_day(str(raw or "")) or str(raw or "").strip()  # 2021-3-1, 2021年3月1日 → 2021-03-01
    if not _DATE.match(text):
        raise Invalid(f"{label}应为日期，如 2021-03-01", field)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{label}不是有效的日期", field) from None
    if not 2000 <= day.year <= 2100:
        raise Invalid(f"{label}应在 2000 年至 2100 年之间", field)
    return day


# ---------------------------------------------------------------- 1. 申请


def apply(session: Session, user: User, *, borrower: str, amount: Any, months: Any, facts: dict[str, Any],
          materials: dict[str, str], commitment: bool, account: str | None, bank: str | None = None,
          at: dt.datetime | None = None) -> LoanApplication:
    """One application (附件2 1: 申请创业担保贷款资格), with every wrong field at once."""
    at = at or audit.now()
    if user.role != APPLICANT or user.applicant_id is None:
        raise Forbidden("只有个人或单位的办事账号可以申请创业担保贷款")
    applicant = session.get(Applicant, user.applicant_id)
    if borrower not in BORROWERS:
        raise Invalid(f"借款人类别应为以下之一：{'、'.join(BORROWERS)}", "borrower")
    if borrower == SMALL_FIRM and applicant.kind != "enterprise":
        raise Forbidden("小微企业创业担保贷款由企业账号申请", "borrower")
    if borrower != SMALL_FIRM and applicant.kind != "citizen":
        raise Forbidden("个人（合伙）创业担保贷款由个人账号申请", "borrower")
    region = applicant.region
    if not region:
        raise Invalid("请先在账号中填写所在地区（创业地）", "region")
    errors: list[dict[str, str]] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except Invalid as exc:
            errors.append({"field": exc.field, "detail": exc.message})
            return None

    amount_fen = attempt(_money, amount, "amount", "申请贷款金额")
    months_n = attempt(_count, months, "months", "申请贷款期限（月）", 1)
    if months_n is not None and months_n > MAX_MONTHS:
        errors.append({"field": "months", "detail": f"申请贷款期限不超过 {MAX_MONTHS} 个月"})
    clean: dict[str, Any] = {}
    project = str(facts.get("project") or "").strip()
    if not project:
        errors.append({"field": "project", "detail": "请填写创业项目（经营内容、营业执照或实际创业项目）"})
    elif len(project) > 500:
        errors.append({"field": "project", "detail": "创业项目不超过 500 字"})
    clean["project"] = project
    clean["previous_times"] = attempt(_count, facts.get("previous_times", 0), "previous_times",
                                      "此前已享受创业担保贷款的次数")
    if borrower == SMALL_FIRM:
        clean["firm_staff"] = attempt(_count, facts.get("firm_staff"), "firm_staff", "现有在职职工人数", 1)
        clean["firm_new_hires"] = attempt(_count, facts.get("firm_new_hires"), "firm_new_hires",
                                          "当年新招用符合条件并签订1年以上劳动合同的人数")
    else:
        category = str(facts.get("category") or "").strip()
        if category not in rules.CATEGORIES:
            errors.append({"field": "category", "detail": "请选择人员类别"})
        clean["category"] = category
        if borrower == PARTNERSHIP:
            clean["partners"] = attempt(_count, facts.get("partners"), "partners", "合伙人（组织成员）人数", 2)
    unknown = sorted(set(facts) - {"project", "previous_times", "firm_staff", "firm_new_hires", "category",
                                   "partners"})
    errors += [{"field": k, "detail": "申请表没有这一项"} for k in unknown]
    wanted = rules.MATERIALS[borrower]
    clean_materials = {}
    for name in wanted:
        way = materials.get(name)
        if way not in rules.MATERIAL_WAYS:
            errors.append({"field": "materials", "detail": f"请说明“{name}”是提交材料还是以告知承诺代替"})
        clean_materials[name] = way
    errors += [{"field": "materials", "detail": f"不需要的材料：{k}"} for k in sorted(set(materials) - set(wanted))]
    if not commitment:
        errors.append({"field": "commitment", "detail": "请阅读并确认承诺"})
    account = (account or "").strip()
    if not account:
        errors.append({"field": "account", "detail": "请填写收款账户（贷款和贴息划入的银行账户）"})
    elif len(account) > 40:
        errors.append({"field": "account", "detail": "收款账户不超过 40 个字符"})
    bank = (bank or "").strip() or None
    if bank and bank not in institutions(session, BANK, region):
        errors.append({"field": "bank", "detail": "所选经办银行不在本地经办银行之列"})
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    # 第九条: one legal person, one loan at a time (not a personal and a firm loan in the same period)
    taken = session.scalar(select(LoanApplication.id).where(LoanApplication.applicant_id == applicant.id,
                                                            LoanApplication.status.in_(OPEN)).limit(1))
    if taken is not None:
        raise Conflict(f"已有一笔创业担保贷款正在办理或尚未结清（编号 {taken}），结清后才能再次申请", "borrower")
    app = LoanApplication(applicant_id=applicant.id, region=region, borrower=borrower, status="eligibility",
                          step_due=rules.step_due("eligibility", at), bank=bank, requested_fen=amount_fen,
                          requested_months=months_n, facts=clean, materials=clean_materials,
                          commitment=rules.COMMITMENT[borrower], account=account, eligibility=[],
                          contract_steps=[], version=1, created_at=at)
    session.add(app)
    session.flush()
    _event(session, app, "applied", "received", None, user, at)
    audit.record(session, "loan_applied", "loan_application", app.id, actor=user, at=at, borrower=borrower,
                 region=region, amount=yuan(amount_fen))
    due = f"，人社部门原则上在 {app.step_due.isoformat()} 前完成资格审核" if app.step_due else ""
    _tell(session, app, "loan_received", "创业担保贷款申请已收到",
          f"您的创业担保贷款申请（编号 {app.id}）已收到{due}。", at, _office_users(session, region))
    return app


# ---------------------------------------------------------------- 2. 人社部门资格审核


def _calculator_inputs(app: LoanApplication, *, contract_date: dt.date, lpr: Decimal, rate: Decimal,
                       amount_fen: int, area: str | None, overdue: bool = False) -> dict[str, Any]:
    f = app.facts
    out: dict[str, Any] = {"region": app.region, "contract_date": contract_date.isoformat(),
                           "loan_borrower": app.borrower, "loan_lpr": float(lpr), "loan_rate": float(rate),
                           "loan_amount": amount_fen / 100, "loan_previous_times": f.get("previous_times", 0),
                           "loan_overdue": overdue}
    if area:
        out["loan_area"] = area
    if app.borrower == PARTNERSHIP:
        out["loan_partners"] = f.get("partners")
    if app.borrower == SMALL_FIRM:
        out["firm_staff"], out["firm_new_hires"] = f.get("firm_staff"), f.get("firm_new_hires")
    if f.get("local_limit_fen") is not None:  # the local limit the office entered where no text prints one
        out["loan_local_limit"] = f["local_limit_fen"] / 100
    return out


def _refusal_text(answer: dict[str, Any], previous: int) -> str:
    """The calculator's own reason for a zero limit: the steps it printed up to the limit, with their clauses."""
    lines = []
    for step in answer["explanation"]:
        source = step.get("source") or {}
        lines.append(f"{step['text']}（{source.get('doc_no', '')} {source.get('article', '')}）".replace("（ ）", ""))
        if "最高额度" in step["text"]:
            break
    if answer["details"].get("firm_eligible") is False and any("达到规定比例" in t for t in lines):
        lines.insert(0, "小微企业当年新招用符合条件人员未达到规定比例")
    elif previous:
        lines.insert(0, f"此前已享受创业担保贷款 {previous} 次，已达累计次数上限，按规定可贷额度为 0")
    return "；".join(lines)


def review_eligibility(session: Session, user: User, app_id: int, *, outcome: str, note: str | None = None,
                       lpr: Any = None, area: str | None = None, guarantor: str | None = None,
                       bank: str | None = None, local_limit: Any = None, version: int | None = None,
                       at: dt.datetime | None = None) -> LoanApplication:
    """资格审核 by the 人社 office of the 创业地 (附件2 1; 财金〔2020〕21号 六: 7 working days).

    ``pass`` runs the rules pillar's calculator: the limit, the term, the hiring test, the rate cap of the day
    (with ``lpr``, the day's official LPR the office enters). A zero limit refuses with the calculator's own
    reason; otherwise the application is routed to the guarantee institution and the bank."""
    at = at or audit.now()
    app = _at_step(session, user, app_id, "eligibility", version)
    if _refused(session, app, user, "eligibility", outcome, note, at):
        return app
    lpr_value = _rate(lpr, "lpr", "当日贷款市场报价利率（LPR）")
    if area is not None and area not in rules.AREAS:
        raise Invalid(f"创业地的地区类别应为以下之一：{'、'.join(rules.AREAS)}", "area")
    # the loans kuaiban itself has seen repaid count, whatever the form declared (累计次数不超过3次)
    repaid = session.scalar(select(func.count(LoanApplication.id)).where(
        LoanApplication.applicant_id == app.applicant_id, LoanApplication.status == "repaid"))
    if repaid > int(app.facts.get("previous_times") or 0):
        app.facts = dict(app.facts) | {"previous_times": repaid}
    inputs = _calculator_inputs(app, contract_date=at.date(), lpr=lpr_value, rate=lpr_value,
                                amount_fen=app.requested_fen, area=area)
    local_fen = None
    try:
        answer = rules.run(inputs)
    except Invalid as asked:
        # no text in the compilations prints this region's limit for this borrower: the calculator asks for the
        # local one, which the office enters (and which is used only then)
        if asked.field != "local_limit" or local_limit in (None, ""):
            raise
        local_fen = _money(local_limit, "local_limit", "当地规定的贷款额度上限")
        answer = rules.run(inputs | {"loan_local_limit": local_fen / 100})
    limit = answer["value"]
    if limit == 0:
        return _refuse(session, app, user, "eligibility",
                       _refusal_text(answer, int(app.facts.get("previous_times") or 0)), at)
    steps = answer["explanation"]
    limit_fen = fen(limit)
    guarantor = (guarantor or "").strip()
    bank = (bank or app.bank or "").strip()
    if guarantor not in institutions(session, GUARANTOR, app.region):
        raise Invalid("请选择本地的担保机构", "guarantor")
    if bank not in institutions(session, BANK, app.region):
        raise Invalid("请选择本地的经办银行", "bank")
    term = _figure(answer, "max_term_months")
    app.approved_limit_fen = min(app.requested_fen, limit_fen)
    app.max_term_months = None if term is None else int(term)
    app.eligibility = steps
    app.guarantor, app.bank = guarantor, bank
    app.status, app.step_due, app.version = "guarantee", rules.step_due("guarantee", at), app.version + 1
    facts = dict(app.facts)
    facts["area"] = area
    if local_fen is not None:
        facts["local_limit_fen"] = local_fen  # asked again by the calculator when the contract is recorded
    app.facts = facts
    text = (f"资格审核通过：可贷额度 {yuan(app.approved_limit_fen)} 元"
            + (f"，期限一次最长 {app.max_term_months} 个月" if app.max_term_months else "") + "。")
    if app.requested_fen > app.approved_limit_fen:
        text += f"申请金额超过规定额度，按 {yuan(app.approved_limit_fen)} 元推送。"
    _event(session, app, "eligibility", "passed", (note or "").strip() or text, user, at)
    session.flush()
    audit.record(session, "loan_eligibility_passed", "loan_application", app.id, actor=user, at=at,
                 limit=yuan(app.approved_limit_fen), guarantor=guarantor, bank=bank, lpr=str(lpr_value))
    _tell(session, app, "loan_step", "创业担保贷款资格审核通过",
          f"{text}已推送至{guarantor}（担保）和{bank}（贷款）。", at,
          _agency_users(session, GUARANTOR, guarantor, app.region) + _agency_users(session, BANK, bank, app.region))
    return app


# ---------------------------------------------------------------- 3. 担保机构


def review_guarantee(session: Session, user: User, app_id: int, *, outcome: str, note: str | None = None,
                     amount: Any = None, guarantee_no: str | None = None, version: int | None = None,
                     at: dt.datetime | None = None) -> LoanApplication:
    """担保机构尽职调查 (财金〔2020〕21号 六: 3 working days); a refusal tells the applicant and 人社 (附件2 2)."""
    at = at or audit.now()
    app = _at_step(session, user, app_id, "guarantee", version)
    if _refused(session, app, user, "guarantee", outcome, note, at):
        return app
    amount_fen = app.approved_limit_fen if amount in (None, "") else _money(amount, "amount", "担保金额")
    if amount_fen > app.approved_limit_fen:
        raise Invalid(f"担保金额不能超过资格审核核定的额度 {yuan(app.approved_limit_fen)} 元", "amount")
    number = (guarantee_no or "").strip()
    if not number or len(number) > 60:
        raise Invalid("请填写担保函（担保合同）编号，不超过 60 个字符", "guarantee_no")
    app.guaranteed_fen, app.guarantee_no = amount_fen, number
    app.status, app.step_due, app.version = "lending", rules.step_due("lending", at), app.version + 1
    _event(session, app, "guarantee", "passed", (note or "").strip() or f"同意担保 {yuan(amount_fen)} 元", user, at)
    session.flush()
    audit.record(session, "loan_guarantee_passed", "loan_application", app.id, actor=user, at=at,
                 amount=yuan(amount_fen), guarantee_no=number)
    _tell(session, app, "loan_step", "担保机构同意担保",
          f"{app.guarantor}同意为您的创业担保贷款（编号 {app.id}）提供担保，金额 {yuan(amount_fen)} 元，"
          f"现由{app.bank}审查放款。", at, _agency_users(session, BANK, app.bank, app.region))
    return app


# ---------------------------------------------------------------- 4. 经办银行


def lend(session: Session, user: User, app_id: int, *, outcome: str, note: str | None = None,
         contract_no: str | None = None, contract_date: Any = None, amount: Any = None, months: Any = None,
         rate: Any = None, lpr: Any = None, disbursed_on: Any = None, version: int | None = None,
         at: dt.datetime | None = None) -> LoanApplication:
    """经办银行审查、签订借款合同并发放 (财金〔2020〕21号 六: 受理至发放 5 working days). The contract is checked
    against the rules pillar with the contract day's LPR: amount within the limit and the guarantee, term
    within the longest, rate within the cap; the 贴息 rate is fixed here from the same answer."""
    at = at or audit.now()
    app = _at_step(session, user, app_id, "lending", version)
    if _refused(session, app, user, "lending", outcome, note, at):
        return app
    number = (contract_no or "").strip()
    if not number or len(number) > 60:
        raise Invalid("请填写借款合同编号，不超过 60 个字符", "contract_no")
    signed = _date(contract_date, "contract_date", "借款合同签订日")
    paid_out = _date(disbursed_on or signed.isoformat(), "disbursed_on", "放款日")
    if signed < app.created_at.date():
        raise Invalid("借款合同签订日不能早于申请日", "contract_date")
    if paid_out < signed:
        raise Invalid("放款日不能早于借款合同签订日", "disbursed_on")
    principal = _money(amount, "amount", "贷款金额")
    ceiling = min(app.approved_limit_fen, app.guaranteed_fen or app.approved_limit_fen)
    if principal > ceiling:
        raise Invalid(f"贷款金额不能超过核定额度和担保金额 {yuan(ceiling)} 元", "amount")
    term = _count(months, "months", "贷款期限（月）", 1)
    if term > MAX_MONTHS:
        raise Invalid(f"贷款期限不超过 {MAX_MONTHS} 个月", "months")
    if app.max_term_months and term > app.max_term_months:
        raise Invalid(f"贷款期限一次最长 {app.max_term_months} 个月", "months")
    rate_value = _rate(rate, "rate", "合同约定年利率")
    lpr_value = _rate(lpr, "lpr", "合同签订日贷款市场报价利率（LPR）")
    answer = rules.run(_calculator_inputs(app, contract_date=signed, lpr=lpr_value, rate=rate_value,
                                          amount_fen=principal, area=app.facts.get("area")))
    cap = _figure(answer, "rate_cap")
    if cap is not None and rate_value > Decimal(str(cap)):
        raise Invalid(f"合同约定年利率 {rules.rate_text(rate_value)} 超过利率上限 {rules.rate_text(cap)}"
                      f"（合同签订日 LPR {rules.rate_text(lpr_value)} 加点）", "rate")
    subsidy = _figure(answer, "subsidy_rate")
    app.contract_no, app.contract_date, app.principal_fen, app.term_months = number, signed, principal, term
    app.rate, app.lpr = str(rate_value), str(lpr_value)
    app.rate_cap = None if cap is None else str(Decimal(str(cap)))
    app.subsidy_rate = None if subsidy is None else str(Decimal(str(subsidy)))
    app.disbursed_on, app.maturity = paid_out, rules.add_months(paid_out, term)
    app.contract_steps = answer["explanation"]
    app.status, app.step_due, app.version = "active", None, app.version + 1
    text = (f"{app.bank}已与您签订借款合同（{number}）并于 {paid_out.isoformat()} 发放贷款 {yuan(principal)} 元，"
            f"期限 {term} 个月（至 {app.maturity.isoformat()}），年利率 {rules.rate_text(rate_value)}；"
            + (f"财政贴息年利率 {rules.rate_text(app.subsidy_rate)}。" if app.subsidy_rate is not None
               else "汇编未载明本地区的贴息方式。"))
    _event(session, app, "lending", "granted", text, user, at)
    session.flush()
    audit.record(session, "loan_granted", "loan_application", app.id, actor=user, at=at, contract_no=number,
                 principal=yuan(principal), months=term, rate=str(rate_value), lpr=str(lpr_value),
                 subsidy_rate=app.subsidy_rate)
    _tell(session, app, "loan_granted", "创业担保贷款已发放", text, at)
    return app


def report(session: Session, user: User, app_id: int, *, event: str, on: Any, note: str | None = None,
           at: dt.datetime | None = None) -> LoanApplication:
    """The bank's report on a loan it holds: 展期 (extended), 逾期 (overdue), 结清 (repaid, closing it)."""
    at = at or audit.now()
    _require(user, BANK, what="贷后情况报告")
    app = _get(session, user, app_id, lock=True)
    if app.status != "active":
        raise Conflict("只有已发放且未结清的贷款可以报告展期、逾期或结清", "status")
    day = _date(on, "on", "日期")
    if day < app.disbursed_on:
        raise Invalid("日期不能早于放款日", "on")
    names = {"extended": "展期", "overdue": "逾期", "repaid": "结清"}
    if event not in names:
        raise Invalid("报告事项应为展期、逾期或结清", "event")
    if event == "extended":
        app.extended_on = app.extended_on or day
    elif event == "overdue":
        app.overdue_on = app.overdue_on or day
    else:
        app.repaid_on, app.status = day, "repaid"
    app.version += 1
    text = f"贷款{names[event]}（{day.isoformat()}）" + (f"：{note.strip()}" if (note or "").strip() else "")
    _event(session, app, event, "reported", text, user, at)
    session.flush()
    audit.record(session, f"loan_{event}", "loan_application", app.id, actor=user, at=at, on=day)
    if event == "repaid":
        _tell(session, app, "loan_closed", "创业担保贷款已结清",
              f"您的创业担保贷款（合同 {app.contract_no}）已于 {day.isoformat()} 结清。", at)
    else:
        _tell(session, app, "loan_step", f"创业担保贷款{names[event]}",
              f"经办银行报告您的创业担保贷款（合同 {app.contract_no}）于 {day.isoformat()} {names[event]}。"
              + ("展期、逾期期间财政不予贴息（鲁人社字〔2020〕27号 第九条）。" if app.region.startswith("37") else ""), at)
    return app


def remind_maturities(session: Session, *, at: dt.datetime | None = None) -> int:
    """鲁人社字〔2020〕27号 第十一条: 在贷款到期前1个月 the borrower is told to repay on time. Posts the reminder once
    per loan maturing within a month; returns how many were sent."""
    at = at or audit.now()
    horizon = rules.add_months(at.date(), 1)
    reminded = select(LoanEvent.application_id).where(LoanEvent.step == "reminder")
    due = session.scalars(select(LoanApplication).where(LoanApplication.status == "active",
                                                         LoanApplication.maturity <= horizon,
                                                         LoanApplication.id.not_in(reminded)))
    sent = 0
    for app in due:
        _event(session, app, "reminder", "sent", f"贷款将于 {app.maturity.isoformat()} 到期", None, at)
        _tell(session, app, "loan_reminder", "创业担保贷款到期提醒",
              f"您的创业担保贷款（合同 {app.contract_no}）将于 {app.maturity.isoformat()} 到期，请按时履约还贷。", at)
        sent += 1
    if sent:
        session.flush()
        audit.record(session, "loan_reminders", "loan_application", None, actor=None, at=at, sent=sent)
    return sent


# ---------------------------------------------------------------- 5. 按季贴息


def subsidy_for(app: LoanApplication, quarter: str, interest_fen: int) -> tuple[int, list[dict[str, Any]]]:
    """The quarter's 贴息 and how it was found: the interest the borrower paid in the quarter × the 贴息 rate ÷
    the contract rate (the 贴息 rate is the rules pillar's answer at the contract: full interest, 50% of the LPR,
    or what lies above LPR−150BP), nothing for a quarter in which the loan was extended or overdue where the
    text says so. Rounded half up to the 分."""
    end = rules.quarter_bounds(quarter)[1]
    basis: list[dict[str, Any]] = []
    if app.subsidy_rate is None:
        return 0, [{"text": "汇编未载明本地区此类贷款的贴息方式，不计算贴息", "source": cite("nat_loan_sharing_21")}]
    extended = app.extended_on is not None and app.extended_on <= end
    overdue = app.overdue_on is not None and app.overdue_on <= end
    if extended and end <= EXTENSION_WITH_SUBSIDY_UNTIL:
        basis.append({"text": "展期至2020年6月30日以前，展期期间财政给予正常贴息", "source": cite("nat_loan_extension_21")})
        extended = False
    if extended or overdue:
        what = "展期" if extended else "逾期"
        if app.region.startswith("37"):
            return 0, [{"text": f"贷款已{what}（{(app.extended_on if extended else app.overdue_on).isoformat()}），"
                                f"对展期、逾期的创业担保贷款，财政部门不予贴息",
                        "source": cite("sd_loan_no_subsidy_overdue_27")}]
        if app.region.startswith(rules.CHONGQING[:2]):
            return 0, [{"text": f"贷款已{what}，未按期付息，不予申请贴息", "source": cite("cq_loan_subsidy_claim_236")}]
    rate, subsidy_rate = Decimal(app.rate), Decimal(app.subsidy_rate)
    share = min(subsidy_rate / rate, Decimal(1))
    amount = fen(Decimal(interest_fen) / 100 * share)
    basis.append({"text": f"本季度借款人已付利息 {yuan(interest_fen)} 元 × 贴息年利率 {rules.rate_text(subsidy_rate)} ÷ "
                          f"合同年利率 {rules.rate_text(rate)} = 贴息 {yuan(amount)} 元",
                  "source": cite(_subsidy_clause(app))})
    return amount, basis


def _subsidy_clause(app: LoanApplication) -> str:
    """The clause that set the loan's 贴息 rate: 财金〔2020〕21号 五 from 2021, else the province's own."""
    if app.contract_date >= dt.date(2021, 1, 1):
        return "nat_loan_sharing_21"
    if app.region.startswith("37"):
        return "sd_loan_firm_27" if app.borrower == SMALL_FIRM else "sd_loan_individual_27"
    return "tj_loan" if app.region.startswith("12") else "nat_loan_sharing_21"


def claim_subsidy(session: Session, user: User, app_id: int, *, quarter: str, interest: Any,
                  at: dt.datetime | None = None) -> SubsidyClaim:
    """The bank claims a quarter's 贴息 for the borrower (鲁人社字〔2020〕27号 第十一条 按季度; 渝人社〔2021〕236号
    三（二）1: by the 10th of the next quarter's first month). One claim per loan and quarter: a second is
    refused, a refused one may be claimed again (the same row, reopened)."""
    at = at or audit.now()
    _require(user, BANK, what="贴息申请")
    app = _get(session, user, app_id, lock=True)
    if app.status not in ("active", "repaid"):
        raise Conflict("贷款发放后才能申请贴息", "status")
    start, end = rules.quarter_bounds(quarter)
    if at.date() <= end:
        raise Invalid("季度结束后才能申请该季度的贴息", "quarter")
    if end < app.disbursed_on or (app.repaid_on and start > app.repaid_on):
        raise Invalid("该季度不在贷款存续期内", "quarter")
    years = 2 if app.borrower == SMALL_FIRM else 3  # 第九条: 个人每次贴息年限最长为3年，小微企业2年
    if app.region.startswith("37") and start >= rules.add_months(app.disbursed_on, 12 * years):
        raise Invalid(f"贴息年限最长为{years}年，该季度已超出", "quarter")
    interest_fen = _money(interest, "interest", "本季度借款人已付利息")
    amount, basis = subsidy_for(app, quarter, interest_fen)
    due = rules.claim_due(app.region, quarter)
    existing = session.scalar(select(SubsidyClaim).where(SubsidyClaim.application_id == app.id,
                                                         SubsidyClaim.quarter == quarter).with_for_update())
    if existing is not None and existing.status != "refused":
        raise Conflict(f"{quarter} 的贴息已申请（{rules.CLAIM_STATUS_NAMES[existing.status]}），不能重复申请", "quarter")
    claim = existing or SubsidyClaim(application_id=app.id, region=app.region, bank=app.bank, quarter=quarter)
    claim.interest_fen, claim.subsidy_fen, claim.basis, claim.status = interest_fen, amount, basis, "submitted"
    claim.due, claim.late, claim.reason, claim.submitted_at = due, bool(due and at.date() > due), None, at
    claim.checked_at = claim.paid_at = claim.credited_at = claim.credit_due = None
    if existing is None:
        session.add(claim)
    try:
        session.flush()
    except IntegrityError as exc:  # two of the bank's clerks at once: the unique index decides
        session.rollback()
        raise Conflict(f"{quarter} 的贴息已申请，不能重复申请", "quarter") from exc
    _event(session, app, "subsidy_claimed", "submitted", f"{quarter} 贴息申请 {yuan(amount)} 元", user, at)
    session.flush()
    audit.record(session, "loan_subsidy_claimed", "loan_subsidy", claim.id, actor=user, at=at, application=app.id,
                 quarter=quarter, interest=yuan(interest_fen), subsidy=yuan(amount), late=claim.late)
    _tell(session, app, "loan_subsidy", "经办银行已代您申请贴息",
          f"经办银行已代您申请 {quarter} 的创业担保贷款贴息 {yuan(amount)} 元，待人社部门初审、财政部门复核。", at,
          _office_users(session, app.region))
    return claim


def _get_claim(session: Session, user: User, claim_id: int, *, lock: bool = False) -> tuple[SubsidyClaim,
                                                                                             LoanApplication]:
    claim = session.get(SubsidyClaim, claim_id, with_for_update=lock)
    app = session.get(LoanApplication, claim.application_id) if claim else None
    if claim is None or not can_see(user, app):
        raise NotFound(f"没有这笔贴息申请：{claim_id}", "claim")
    return claim, app


def check_subsidy(session: Session, user: User, claim_id: int, *, outcome: str, note: str | None = None,
                  at: dt.datetime | None = None) -> SubsidyClaim:
    """人社部门初审 (渝人社〔2021〕236号 三（二）2): the borrower, the loan count, the computed amount."""
    at = at or audit.now()
    _require(user, *OFFICE_ACTORS, what="贴息初审")
    claim, app = _get_claim(session, user, claim_id, lock=True)
    if claim.status != "submitted":
        raise Conflict(f"这笔贴息申请现在{rules.CLAIM_STATUS_NAMES[claim.status]}，不在初审环节", "status")
    return _decide_claim(session, user, claim, app, outcome, note, "checked", at)


def pay_subsidy(session: Session, user: User, claim_id: int, *, outcome: str, note: str | None = None,
                at: dt.datetime | None = None) -> SubsidyClaim:
    """财政部门复核并拨付 (渝 三（二）3; 鲁 第十一条 财政部门审核后向经办银行拨付). Paid once: the row moves from
    checked to paid in one conditional UPDATE, so two clicks, two clerks or a retried request pay once."""
    at = at or audit.now()
    _require(user, FINANCE, what="贴息复核和拨付")
    claim, app = _get_claim(session, user, claim_id, lock=True)
    _chosen(outcome)
    if outcome == "refuse":
        if claim.status != "checked":
            raise Conflict(f"这笔贴息申请现在{rules.CLAIM_STATUS_NAMES[claim.status]}，不在复核环节", "status")
        return _decide_claim(session, user, claim, app, outcome, note, "paid", at)
    if outcome != "pass":
        raise Invalid("复核结果应为通过（拨付）或不通过", "outcome")
    credit_due = (calendar.deadline(at, working_days=rules.CREDIT_WORKING_DAYS)
                  if app.region.startswith(rules.CHONGQING[:2]) else None)
    _move_claim(session, claim, "checked", "拨付", status="paid", paid_at=at, credit_due=credit_due)
    _event(session, app, "subsidy_paid", "paid", f"{claim.quarter} 贴息 {yuan(claim.subsidy_fen)} 元已拨付经办银行",
           user, at)
    session.flush()
    audit.record(session, "loan_subsidy_paid", "loan_subsidy", claim.id, actor=user, at=at, application=app.id,
                 quarter=claim.quarter, subsidy=yuan(claim.subsidy_fen))
    _tell(session, app, "loan_subsidy", "财政贴息已拨付",
          f"财政部门已拨付您 {claim.quarter} 的创业担保贷款贴息 {yuan(claim.subsidy_fen)} 元，由经办银行划入您的账户。",
          at, _agency_users(session, BANK, app.bank, app.region))
    return claim


def credit_subsidy(session: Session, user: User, claim_id: int, *, at: dt.datetime | None = None) -> SubsidyClaim:
    """The bank passed the subsidy on to the borrower's account (渝 三（二）4: feedback within 3 working days)."""
    at = at or audit.now()
    _require(user, BANK, what="贴息划转")
    claim, app = _get_claim(session, user, claim_id, lock=True)
    _move_claim(session, claim, "paid", "划转", status="credited", credited_at=at)
    _event(session, app, "subsidy_credited", "credited", f"{claim.quarter} 贴息 {yuan(claim.subsidy_fen)} 元已划入借款人账户",
           user, at)
    session.flush()
    audit.record(session, "loan_subsidy_credited", "loan_subsidy", claim.id, actor=user, at=at, application=app.id,
                 quarter=claim.quarter)
    _tell(session, app, "loan_subsidy", "贴息已到账",
          f"{claim.quarter} 的创业担保贷款贴息 {yuan(claim.subsidy_fen)} 元已划入您的账户。", at)
    return claim


def _move_claim(session: Session, claim: SubsidyClaim, expected: str, verb: str, **values: Any) -> None:
    """Move ``claim`` on from ``expected`` in one conditional UPDATE (two parties acting at once: one wins,
    the other is told what the claim now is and that it cannot ``verb`` it)."""
    done = session.execute(update(SubsidyClaim).where(SubsidyClaim.id == claim.id, SubsidyClaim.status == expected)
                           .values(**values).execution_options(synchronize_session=False))
    session.refresh(claim)
    if done.rowcount != 1:
        raise Conflict(f"这笔贴息申请现在{rules.CLAIM_STATUS_NAMES[claim.status]}，不能{verb}", "status")


def _decide_claim(session: Session, user: User, claim: SubsidyClaim, app: LoanApplication, outcome: str,
                  note: str | None, passed: str, at: dt.datetime) -> SubsidyClaim:
    _chosen(outcome)
    if outcome == "refuse":
        claim.status, claim.reason = "refused", _reason(note)
        _event(session, app, "subsidy_refused", "refused", f"{claim.quarter} 贴息申请未通过：{claim.reason}", user, at)
        session.flush()
        audit.record(session, "loan_subsidy_refused", "loan_subsidy", claim.id, actor=user, at=at,
                     quarter=claim.quarter, reason=claim.reason)
        _tell(session, app, "loan_subsidy", "贴息申请未通过",
              f"{claim.quarter} 的创业担保贷款贴息申请未通过。原因：{claim.reason}", at,
              _agency_users(session, BANK, app.bank, app.region))
        return claim
    if outcome != "pass":
        raise Invalid("审核结果应为通过或不通过", "outcome")
    claim.status, claim.checked_at = passed, at
    _event(session, app, "subsidy_checked", "passed", f"{claim.quarter} 贴息 {yuan(claim.subsidy_fen)} 元初审通过", user,
           at)
    session.flush()
    audit.record(session, "loan_subsidy_checked", "loan_subsidy", claim.id, actor=user, at=at, quarter=claim.quarter)
    finance = [u for u in session.scalars(select(User).where(User.role == FINANCE, User.active.is_(True)))
               if access.serves(u, app.region)]
    _tell(session, app, "loan_subsidy", "贴息申请初审通过",
          f"{claim.quarter} 的创业担保贷款贴息 {yuan(claim.subsidy_fen)} 元已通过人社部门初审，待财政部门复核拨付。", at,
          finance)
    return claim


# ---------------------------------------------------------------- reading


def application_dict(session: Session, user: User, app: LoanApplication) -> dict[str, Any]:
    applicant = session.get(Applicant, app.applicant_id)
    own = user.role == APPLICANT
    return {
        "id": app.id, "status": app.status, "status_name": rules.STATUS_NAMES[app.status],
        "applicant": applicant.name, "region": app.region, "region_name": regions.label(app.region),
        "borrower": app.borrower, "requested": yuan(app.requested_fen), "requested_months": app.requested_months,
        "facts": app.facts, "materials": app.materials, "commitment": app.commitment,
        "account": app.account if own else mask_account(app.account),
        "step_due": app.step_due.isoformat() if app.step_due else None,
        "step_limit": _limit_text(app.status), "guarantor": app.guarantor, "bank": app.bank,
        "approved_limit": yuan(app.approved_limit_fen), "max_term_months": app.max_term_months,
        "eligibility": app.eligibility, "guarantee_no": app.guarantee_no, "guaranteed": yuan(app.guaranteed_fen),
        "contract": None if app.contract_no is None else {
            "contract_no": app.contract_no, "contract_date": app.contract_date.isoformat(),
            "principal": yuan(app.principal_fen), "months": app.term_months, "rate": app.rate, "lpr": app.lpr,
            "rate_cap": app.rate_cap, "subsidy_rate": app.subsidy_rate, "disbursed_on": app.disbursed_on.isoformat(),
            "maturity": app.maturity.isoformat(), "steps": app.contract_steps},
        "extended_on": app.extended_on.isoformat() if app.extended_on else None,
        "overdue_on": app.overdue_on.isoformat() if app.overdue_on else None,
        "repaid_on": app.repaid_on.isoformat() if app.repaid_on else None,
        "reason": app.reason, "version": app.version, "created_at": app.created_at.isoformat(),
    }


def _limit_text(status: str) -> str | None:
    step = rules.STEPS.get(status)
    if step is None:
        return None
    c = rules.cite(step.clause)
    return (f"{step.name}：{step.working_days} 个工作日（{c['label']}）" if step.working_days
            else f"{step.name}：时限未载明")


def claim_dict(claim: SubsidyClaim) -> dict[str, Any]:
    return {"id": claim.id, "application": claim.application_id, "quarter": claim.quarter, "bank": claim.bank,
            "interest": yuan(claim.interest_fen), "subsidy": yuan(claim.subsidy_fen), "basis": claim.basis,
            "status": claim.status, "status_name": rules.CLAIM_STATUS_NAMES[claim.status],
            "due": claim.due.isoformat() if claim.due else None, "late": claim.late, "reason": claim.reason,
            "submitted_at": claim.submitted_at.isoformat(),
            "paid_at": claim.paid_at.isoformat() if claim.paid_at else None,
            "credit_due": claim.credit_due.isoformat() if claim.credit_due else None,
            "credited_at": claim.credited_at.isoformat() if claim.credited_at else None}


def timeline(session: Session, user: User, app_id: int) -> dict[str, Any]:
    """Everything the parties may see of one application: its state, every step with who did it and when,
    the deadline of the step under way, and the quarterly 贴息."""
    app = _get(session, user, app_id)
    events = session.scalars(select(LoanEvent).where(LoanEvent.application_id == app.id).order_by(LoanEvent.id))
    claims = session.scalars(select(SubsidyClaim).where(SubsidyClaim.application_id == app.id)
                             .order_by(SubsidyClaim.quarter))
    steps = {"applied": "提交申请", "eligibility": "人社部门资格审核", "guarantee": "担保机构尽职调查",
             "lending": "经办银行审查放款", "extended": "贷款展期", "overdue": "贷款逾期", "repaid": "贷款结清",
             "reminder": "到期提醒", "subsidy_claimed": "经办银行申请贴息", "subsidy_checked": "人社部门初审贴息",
             "subsidy_paid": "财政部门拨付贴息", "subsidy_credited": "贴息划入借款人账户", "subsidy_refused": "贴息申请未通过"}
    return {"application": application_dict(session, user, app),
            "events": [{"step": e.step, "step_name": steps.get(e.step, e.step), "outcome": e.outcome, "note": e.note,
                        "party": e.party, "party_name": rules.PARTY_NAMES[e.party], "at": e.at.isoformat()}
                       for e in events],
            "subsidies": [claim_dict(c) for c in claims],
            "limits": [{"step": s["name"]} | {k: s[k] for k in ("party", "working_days", "source")}
                       for s in rules.steps()]}


def mine(session: Session, user: User) -> list[dict[str, Any]]:
    if user.role != APPLICANT:
        raise Forbidden("只有办事人账号有“我的贷款”")
    apps = session.scalars(select(LoanApplication).where(LoanApplication.applicant_id == user.applicant_id)
                           .order_by(LoanApplication.id.desc()))
    return [application_dict(session, user, a) for a in apps]


def queue(session: Session, user: User, *, today: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The work waiting for this party: applications at its step, and 贴息 claims at its step, oldest first,
    each with its deadline and whether it is past."""
    today = today or audit.now().date()
    role = user.role
    stmt = select(LoanApplication).order_by(LoanApplication.step_due.is_(None), LoanApplication.step_due,
                                            LoanApplication.id)
    claims_stmt = select(SubsidyClaim).order_by(SubsidyClaim.id)
    if role in OFFICE:
        stmt = access.scoped(stmt.where(LoanApplication.status == "eligibility"), user, LoanApplication.region)
        claims_stmt = access.scoped(claims_stmt.where(SubsidyClaim.status == "submitted"), user, SubsidyClaim.region)
    elif role == GUARANTOR:
        stmt = access.scoped(stmt.where(LoanApplication.status == "guarantee",
                                        LoanApplication.guarantor == (user.agency or "")), user, LoanApplication.region)
        claims_stmt = None
    elif role == BANK:
        stmt = access.scoped(stmt.where(or_(LoanApplication.status == "lending", LoanApplication.status == "active"),
                                        LoanApplication.bank == (user.agency or "")), user, LoanApplication.region)
        claims_stmt = access.scoped(claims_stmt.where(SubsidyClaim.status.in_(("paid", "refused")),
                                                      SubsidyClaim.bank == (user.agency or "")),
                                    user, SubsidyClaim.region)
    elif role == FINANCE:
        stmt = None
        claims_stmt = access.scoped(claims_stmt.where(SubsidyClaim.status == "checked"), user, SubsidyClaim.region)
    else:
        raise Forbidden("只有经办各方可以查看待办")
    apps = [] if stmt is None else [application_dict(session, user, a) | {
        "overdue": bool(a.step_due and a.step_due < today)} for a in session.scalars(stmt)]
    claims = [] if claims_stmt is None else [claim_dict(c) for c in session.scalars(claims_stmt)]
    return {"applications": apps, "subsidies": claims}


def overview(session: Session, user: User) -> list[dict[str, Any]]:
    """Every application this party may see (a supervisor's region, a bank's own loans …), newest first."""
    if user.role == APPLICANT:
        return mine(session, user)
    stmt = access.scoped(select(LoanApplication).order_by(LoanApplication.id.desc()), user, LoanApplication.region)
    if user.role == GUARANTOR:
        stmt = stmt.where(LoanApplication.guarantor == (user.agency or ""))
    elif user.role == BANK:
        stmt = stmt.where(LoanApplication.bank == (user.agency or ""), LoanApplication.guarantor.is_not(None))
    elif user.role == FINANCE:
        stmt = stmt.where(LoanApplication.principal_fen.is_not(None))
    return [application_dict(session, user, a) for a in session.scalars(stmt.limit(500))]
