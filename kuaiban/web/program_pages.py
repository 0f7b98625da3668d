"""补贴申领 pages: for citizens and employers (what I may claim, the claim form — with the Excel staff list
for employers —, my claims and payments), for caseworkers (the review queue with deadlines, one claim with
its step to act on, the 公示 list, payment batches with their files and reconciliation) and for supervisors
(totals by program, region and month; overdue claims). A thin layer over :mod:`kuaiban.programs`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from kuaiban import claim_ratings
from kuaiban.edge.downloads import attachment
from kuaiban.platform import access, audit, dates, jobs, personal_data, regions
from kuaiban.platform.errors import Invalid, NotFound, ServiceError
from kuaiban.platform.models import APPLICANT, SUPERVISOR, User
from kuaiban.programs import caseworkers, claims, definitions, held, held_queue, payroll, recovery, wording
from kuaiban.programs import publicity as public_notice
from kuaiban.programs.models import Claim
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.web import rating_views
from kuaiban.web.clauses import linked_basis, linked_steps, resolver
from kuaiban.web.guide_pages import picked_region, picker_values
from kuaiban.web.page_support import PostedForm, SessionDep, Visitor, form_action, page_user, text, version_of
from kuaiban.web.signup import region_choices
from kuaiban.web.templating import render

router = APIRouter(prefix="/programs", include_in_schema=False)
SignedIn = Annotated[User, page_user(refused="无法办理补贴申领")]
Applicant = Annotated[User, page_user((APPLICANT,), title="仅限办事人", message="补贴申领请用个人或单位账号登录。")]
Staff = Annotated[User, page_user(caseworkers.CASEWORKERS, title="仅限经办人员",
                                  message="补贴审核、公示和发放仅限经办人员。")]
Supervisor = Annotated[User, page_user((SUPERVISOR,), title="仅限监督人员", message="发放统计和超时督办仅限监督人员。")]
MAX_STAFF_LIST = 1024 * 1024  # the edge limits a form or API body to 1 MiB anyway


@router.get("", response_class=HTMLResponse)
def index(request: Request, s: SessionDep, user: Visitor) -> Response:
    """Applicants: what I may claim, my claims, my payments. Staff: the programs and the way to the queue.
    Anyone not signed in: every program (the 补贴申领 link is in everyone's menu), and the way to sign in."""
    context = {"programs": [definitions.describe(p) for p in definitions.programs().values()]}
    if user is not None and user.role == APPLICANT:
        mine = claims.my_claims(s, user)
        context |= {"offers": claims.offers(s, user), "mine": [claims.claim_dict(s, c) for c in mine],
                    # 好差评 of each decided claim in the list, its form returning here
                    "rating_views": rating_views.of_claims(s, user, mine, back="/programs#my-claims"),
                    "payments": payroll.my_payments(s, user)}
    return render(request, "programs/index.html", context, user=user)


@router.get("/{code}/about", response_class=HTMLResponse)
def about(request: Request, s: SessionDep, user: Visitor, code: str) -> Response:
    """A program as anyone reads it, signed in or not (the page a document's 实施本文件 list links): who may
    claim it and where, how its amount is worked out (its calculator), the materials, the steps and their time
    limits, and each 依据 with its words, linked to its clause in the 法规库. No claim and no personal data."""
    found = definitions.get(code)
    link = resolver(request.app.state, s)
    table = definitions.clauses()
    basis, seen = [], set()
    for key in found.sources:
        clause = table[key]
        if key not in seen:
            seen.add(key)
            basis.append({"label": clause.label, "quote": clause.quote, "url": link(clause).url})
    calc = CALCULATORS.get(found.calculator)
    return render(request, "programs/about.html",
                  {"program": definitions.describe(found), "basis": basis,
                   "audience": definitions.AUDIENCES[found.audience],
                   "calculator": {"url": f"/calc/{calc.name}", "title": calc.title} if calc else None,
                   "no_application": found.no_application}, user=user)


@router.get("/{code}/claim", response_class=HTMLResponse)
def claim_form(request: Request, s: SessionDep, user: Applicant, code: str) -> Response:
    return _claim_page(request, s, user, code, {}, {})


def _claim_page(request: Request, s, user: User, code: str, values: dict, errors: dict,
                status: int = 200) -> Response:
    """The form, its window (受理期 and the months that may be claimed) stated before any typing; a program
    not taking claims today shows why, and no form."""
    found = definitions.get(code)
    shown = {"month", "account", "staff_list", "commitment", *(f.name for f in found.form)}
    for f in found.form:  # a register-filled field is labelled without its “（按缴费记录预填）”: so is its error
        if f.name in errors and found.register_input(f.name):
            errors = {**errors, f.name: errors[f.name].replace(f.label, f.label.split("（")[0])}
    return render(request, "programs/claim_form.html",
                  {"program": definitions.describe(found), "basis": linked_basis(request.app.state, s, [definitions.clauses()[k] for k in found.sources]),
                   "values": values, "errors": errors,
                   "window": claims.window_for(s, user, code), "fields_shown": shown,
                   "prefilled": claims.prefilled(s, user, code)},
                  status=status, user=user)


@router.post("/{code}/claim")
async def submit(request: Request, s: SessionDep, user: Applicant, form: PostedForm, code: str) -> Response:
    program = definitions.get(code)
    values = {k: text(form, k) for k in ("month", "account", *(f.name for f in program.form))}
    upload = form.get("staff_list")
    data = await upload.read(MAX_STAFF_LIST + 1) if isinstance(upload, UploadFile) else None
    errors = {"staff_list": "人员花名册不能超过 1 MB"} if data and len(data) > MAX_STAFF_LIST else {}
    facts = {f.name: values[f.name] for f in program.form if values[f.name] != ""}
    return form_action(
        s, lambda: claims.submit(s, user, code, month=values["month"], facts=facts, account=values["account"],
                                 commitment=form.get("commitment") == "on", staff_list=data or None),
        lambda claim: f"/programs/claims/{claim.id}",
        lambda errs, status: _claim_page(request, s, user, code, values, errs, status), errors=errors)


def _claim_for(s, user: User, claim_id: int) -> Claim:
    if user.role == APPLICANT:
        return claims.my_claim(s, user, claim_id)
    caseworkers.require(user)  # a loan partner's account is no program staff
    claim = s.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"没有这件申领：{claim_id}", "claim")
    access.require_serves(user, claim.region, f"申领 {claim_id}")
    return claim


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, s: SessionDep, user: SignedIn, claim_id: int) -> Response:
    return _claim_detail(request, s, user, claim_id, {})


def claim_answers(program, facts: dict, personal: dict) -> list[dict]:
    """What the claimant entered, in form order, for the caseworker to check: each answered field by its label,
    a personal one (出生日期) as the page shows it — masked, or in full after 显示完整信息. The office's own figures
    (官方数字) are left out: they are entered in the 办理 form."""
    rows = []
    for f in program.form:
        if f.official or facts.get(f.name) in (None, ""):
            continue
        value = personal.get(f.name, facts[f.name])  # masked: ****年**月**日 stays as it is below
        if f.type == "boolean":
            value = "是" if value is True or str(value).lower() in ("true", "1", "是") else "否"
        elif f.type == "date":
            value = dates.day_words(value)
        elif f.type == "month":
            value = dates.month_words(value)
        rows.append({"name": f.name, "label": f.label.split("（")[0], "value": str(value)})
    return rows


def _claim_detail(request: Request, s, user: User, claim_id: int, errors: dict, status: int = 200,
                  values: dict | None = None, *, in_full: bool = False, revealed: str | None = None) -> Response:
    """A claim's page. Staff see the 收款账户 and the claimant's 证件号码 masked, as the lists and the other staff
    detail pages (个人信息保护法 第六条: the step needs the name and the masked number); ``in_full``: the caseworker
    asked to see them (显示完整信息, a POST), a read written to the audit log. The claimant sees their own
    account in full, as the other citizen pages show one's own record; that read is not a disclosure."""
    claim = _claim_for(s, user, claim_id)
    program = definitions.get(claim.program)
    shown = claims.claim_dict(s, claim, staff=user.role != APPLICANT, owner=user.role == APPLICANT)
    shown["explanation"] = linked_steps(request.app.state, s, shown.get("explanation") or [])
    if user.role != APPLICANT:
        personal = claims.disclose(s, user, claim) if in_full else {
            field: personal_data.mask(field, value) for field, value in claims.personal_fields(s, claim).items()}
        shown |= {"account": personal.get("account"), "id_number": personal.get("id_number"),
                  "answers": claim_answers(program, shown.get("facts") or {}, personal)}
    return render(request, "programs/claim.html",
                  {"claim": shown, "values": values or {}, "in_full": in_full, "revealed": revealed,
                   "rating_view": rating_views.of_claim(s, user, claim),  # 好差评 once decided
                   "program": definitions.describe(program), "errors": errors,
                   "turn": claims.turn(s, user, claim) if user.role != APPLICANT else None,
                   "asks_months": program.months == "decision" and claim.step == len(program.steps) - 1,
                   "asks_publicity_days": public_notice.asks_office_days(program, claim),
                   "max_months": program.max_months,
                   "pay_first": wording.pay_first(program),  # 先缴后补: each month on what was actually paid
                   "stops": program.stops, "today": audit.now().date()}, status=status, user=user)


@router.post("/claims/{claim_id}/full", response_class=HTMLResponse)
def claim_page_in_full(request: Request, s: SessionDep, user: Staff, form: PostedForm, claim_id: int) -> Response:
    """显示完整信息: the claim's page with the 收款账户 and 证件号码 in full, on the caseworker's explicit request (a
    POST with the page's CSRF token, never a link), the read written to the audit log. Only staff serving the
    claim's region: an applicant is refused by ``Staff``, another region by ``_claim_for``."""
    return _claim_detail(request, s, user, claim_id, {}, in_full=True,
                         revealed="已显示完整个人信息，本次查看已记入审计日志。")


@router.post("/claims/{claim_id}/act")
def act(request: Request, s: SessionDep, user: Staff, form: PostedForm, claim_id: int) -> Response:
    months = text(form, "months")
    errors = {"months": "核定月数应为正整数"} if months and not months.isdigit() else {}
    days = text(form, "publicity_days")
    claim = _claim_for(s, user, claim_id)
    program = definitions.get(claim.program)
    names = (*program.official_fields, *(r.field for r in program.register_inputs))  # 官方数字; 累计缴费月数 checked
    entered = {name: text(form, f"figure_{name}") for name in names if text(form, f"figure_{name}")}
    return form_action(
        s, lambda: claims.act(s, user, claim_id, outcome=text(form, "outcome"), note=text(form, "note") or None,
                              months=int(months) if months.isdigit() else None,
                              version=version_of(text(form, "version")),
                              internal_note=text(form, "internal_note") or None, figures_entered=entered or None,
                              publicity_days=days or None),
        f"/programs/claims/{claim_id}",
        # what the caseworker typed is kept when the page comes back with an error (a forgotten 办理结果)
        lambda errs, status: _claim_detail(request, s, user, claim_id, errs, status, values=dict(form)),
        errors=errors, retry=True)


@router.post("/claims/{claim_id}/rating")
def rate(request: Request, s: SessionDep, user: Applicant, form: PostedForm, claim_id: int) -> Response:
    """好差评 of a decided claim by its applicant, as a case's (web.service_pages.rate); from 我的申领 or the
    免申即享 page, back there, else to the claim's page. A refusal shows the claim's page with the form."""
    level, comment, errors = rating_views.posted(form)
    return form_action(s, lambda: claim_ratings.rate(s, user, claim_id, level, comment),
                       rating_views.back_of(form, f"/programs/claims/{claim_id}#rating-heading"),
                       lambda errs, status: _claim_detail(request, s, user, claim_id, errs, status),
                       errors=errors,
                       field_of=lambda exc: "level" if exc.field in (None, "claim") else exc.field)


@router.post("/claims/{claim_id}/close-publicity")
def close_publicity(request: Request, s: SessionDep, user: Staff, form: PostedForm, claim_id: int) -> Response:
    return form_action(s, lambda: claims.close_publicity(s, user, claim_id), f"/programs/claims/{claim_id}",
                       lambda errs, status: _claim_detail(request, s, user, claim_id, errs, status), retry=True)


@router.post("/claims/{claim_id}/stop")
def stop(request: Request, s: SessionDep, user: Staff, form: PostedForm, claim_id: int) -> Response:
    return form_action(
        s, lambda: claims.stop(s, user, claim_id, rule=text(form, "rule"), month=text(form, "month"),
                               note=text(form, "note") or None, internal_note=text(form, "internal_note") or None,
                               version=version_of(text(form, "version"))),
        f"/programs/claims/{claim_id}", lambda errs, status: _claim_detail(request, s, user, claim_id, errs, status),
        retry=True)


@router.post("/claims/{claim_id}/payment-amount")
def payment_amount(request: Request, s: SessionDep, user: Staff, form: PostedForm, claim_id: int) -> Response:
    """A held month's amount decided (programs.held.confirm): the decided one, or the one computed again."""
    return form_action(
        s, lambda: held.confirm(s, user, claim_id, text(form, "month"), choice=text(form, "choice"),
                                reason=text(form, "reason"), internal_note=text(form, "internal_note") or None),
        f"/programs/claims/{claim_id}", lambda errs, status: _claim_detail(request, s, user, claim_id, errs, status),
        retry=True)


@router.get("/publicity", response_class=HTMLResponse)
def publicity(request: Request, s: SessionDep, user: SignedIn, done: str | None = None) -> Response:
    return _publicity_page(request, s, user, {}, notice="异议已提交，经办机构将核实。" if done else None)


def _publicity_page(request, s, user, errors, status=200, notice=None) -> Response:
    return render(request, "programs/publicity.html",
                  {"rows": claims.publicity_list(s, user), "errors": errors, "notice": notice,
                   "listings": [p for p in definitions.programs().values() if p.no_application]},
                  status=status, user=user)


@router.post("/claims/{claim_id}/object")
def object_to(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, claim_id: int) -> Response:
    return form_action(s, lambda: claims.object_to(s, user, claim_id, text(form, "text")),
                       "/programs/publicity?done=1",
                       lambda errs, status: _publicity_page(request, s, user, errs, status), retry=True)


@router.get("/publicity/public", response_class=HTMLResponse)
def publicity_public(request: Request, s: SessionDep, user: Visitor, page: int = 1, program: str = "",
                     region: str = "", province: str = "", city: str = "", county: str = "",
                     done: str | None = None) -> Response:
    """The 公示 anyone may read (no sign-in): names masked, the texts' clauses, the 公示 period, how to object.
    The region is picked by name (省 → 市 → 区县, the deepest chosen wins) or given as ``region`` (a code, as
    the paging links and older links carry it)."""
    return _public_page(request, s, user, {}, page=page, program=program, region=picked_region(province, city, county) or region,
                        notice="异议已提交，经办机构将核实。" if done else None)


def _public_page(request, s, user, errors, status=200, *, page=1, program="", region="", notice=None) -> Response:
    known = {p.code for p in public_notice.programs_in_publicity()}
    program = program if program in known else ""
    region = region if region.isascii() and region.isdigit() and len(region) <= 12 else ""
    values = picker_values(region)
    return render(request, "programs/publicity_public.html",
                  {"list": public_notice.public_list(s, program=program or None, region=region or None,
                                                     page=min(max(page, 1), 1_000_000)),
                   "program": program, "region": region, "errors": errors, "notice": notice,
                   "regions": region_choices(values), "values": values},
                  status=status, user=user)


@router.post("/publicity/public/{claim_id}/object")
def public_object(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, claim_id: int) -> Response:
    return form_action(s, lambda: claims.object_to(s, user, claim_id, text(form, "text")),
                       "/programs/publicity/public?done=1",
                       lambda errs, status: _public_page(request, s, user, errs, status), retry=True)


# ---------------------------------------------------------------- 追回 (programs.recovery)


@router.get("/recoveries", response_class=HTMLResponse)
def recoveries_page(request: Request, s: SessionDep, user: Staff, status: str = "open") -> Response:
    status = status if status in recovery.STATUS_NAMES or status in ("open", "all") else "open"
    return render(request, "programs/recoveries.html",
                  {"rows": recovery.listing(s, user, status=None if status == "all" else status),
                   "status": status, "statuses": recovery.STATUS_NAMES, "totals": recovery.totals(s, user)},
                  user=user)


@router.get("/recoveries/{recovery_id}", response_class=HTMLResponse)
def recovery_page(request: Request, s: SessionDep, user: Staff, recovery_id: int) -> Response:
    return _recovery_page(request, s, user, recovery_id, {})


def _recovery_page(request, s, user, recovery_id, errors, status=200, values=None) -> Response:
    return render(request, "programs/recovery.html",
                  {"r": recovery.one(s, user, recovery_id), "channels": recovery.CHANNELS, "errors": errors,
                   "values": values or {}, "today": audit_today()}, status=status, user=user)


@router.post("/recoveries/{recovery_id}/repay")
def repay(request: Request, s: SessionDep, user: Staff, form: PostedForm, recovery_id: int) -> Response:
    values = {k: text(form, k) for k in ("amount", "paid_on", "channel", "reference", "note")}
    errors, amount, day = {}, _fen(values["amount"]), _day(values["paid_on"])
    if amount is None:
        errors["amount"] = "退回金额应为金额（元），最多两位小数，如 300.00"
    if day is None:
        errors["paid_on"] = "退回日期不是有效的日期，请按 2021-05-20 这样的格式填写，或点击选择日期"
    return form_action(
        s, lambda: recovery.record_repayment(s, user, recovery_id, amount_fen=amount, paid_on=day,
                                             channel=values["channel"], reference=values["reference"],
                                             note=values["note"] or None),
        f"/programs/recoveries/{recovery_id}",
        lambda errs, status: _recovery_page(request, s, user, recovery_id, errs, status, values), errors=errors,
        retry=True)


@router.post("/recoveries/{recovery_id}/write-off")
def write_off(request: Request, s: SessionDep, user: Staff, form: PostedForm, recovery_id: int) -> Response:
    return form_action(
        s, lambda: recovery.write_off(s, user, recovery_id, reason=text(form, "reason"),
                                      version=version_of(text(form, "version"))),
        f"/programs/recoveries/{recovery_id}",
        lambda errs, status: _recovery_page(request, s, user, recovery_id, errs, status), retry=True)


def _fen(value: str) -> int | None:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or abs(amount) > 10**10:
        return None
    return int(amount * 100)


def _day(value: str) -> dt.date | None:
    return dates.read_date(value)  # 2021-3-1, 2021年3月1日 … as every date input is read


def audit_today() -> dt.date:
    return audit.now().date()


@router.get("/staff", response_class=HTMLResponse)
def staff_home(request: Request, s: SessionDep, user: Staff) -> Response:
    return _staff_page(request, s, user, {})


def _payroll_programs(user: User) -> list[definitions.Program]:
    """The programs run in the staff member's regions (a 湖南 reviewer is not offered 北京's)."""
    return [p for p in definitions.programs().values()
            if user.region is None or p.covers(user.region) or any(regions.covers(user.region, r) for r in p.regions)]


def _payroll_regions(user: User, programs: list[definitions.Program]) -> list[tuple[str, str]]:
    """The regions a batch may be built for: the staff member's own and two levels below (as the staff
    accounts' region picker offers them), where one of the programs runs."""
    top = [regions.region(user.region)] if user.region else []
    found = [r.code for r in top if r]
    for child in regions.children(user.region):
        found.append(child.code)
        if user.region is not None:
            found += [g.code for g in regions.children(child.code)]
    return [(code, regions.label(code)) for code in found
            if any(p.covers(code) or regions.covers(code, r) for p in programs for r in p.regions)]


def _staff_page(request, s, user, errors, status=200, values=None, pending=None) -> Response:
    programs = _payroll_programs(user)
    return render(request, "programs/staff.html",
                  {"queue": claims.queue(s, user), "waiting": claims.waiting_for_others(s, user),
                   "publicity": claims.publicity_list(s, user), "recoveries": recovery.totals(s, user),
                   "held_count": held_queue.count(s, user),  # 待核定的发放金额 (reviewers and supervisors)
                   "batches": [payroll.batch_dict(b) for b in payroll.batches(s, user)],
                   "program_names": {code: p.name for code, p in definitions.programs().items()},
                   "programs": programs, "region_options": _payroll_regions(user, programs),
                   "errors": errors, "values": values or {}, "pending": pending,
                   "this_month": audit.now().strftime("%Y-%m")},
                  status=status, user=user)


@router.get("/held", response_class=HTMLResponse)
def held_months(request: Request, s: SessionDep, user: Staff, page: int = 1, program: str = "",
                region: str = "") -> Response:
    """待核定的发放金额: the held months of the claims in the staff member's regions, oldest first, paged; each
    links to its claim's form (#held). A reviewer's or supervisor's (a window account: 403, as the form).
    Filtered by ``program`` and ``region`` (a city includes its districts), as the API and the command line; a
    bad one is shown next to its field (422)."""
    page = min(max(page, 1), 1_000_000)
    program, region = program.strip()[:60], region.strip()[:40]
    held_queue.require(user)
    programs = [p for p in _payroll_programs(user) if p.settles_at_payment]  # the programs that hold months
    context: dict = {"programs": programs, "region_options": _payroll_regions(user, programs),
                     "values": {"program": program, "region": region}, "errors": {},
                     "keep": urlencode({k: v for k, v in (("program", program), ("region", region)) if v})}
    try:
        context["held"] = held_queue.queue(s, user, page=page, program=program, region=region)
    except Invalid as exc:
        context["errors"] = {exc.field: exc.message}
        return render(request, "programs/held.html", context | {"held": None}, status=422, user=user)
    return render(request, "programs/held.html", context, user=user)


@router.post("/staff/payroll")
def build_payroll(request: Request, s: SessionDep, user: Staff, form: PostedForm) -> Response:
    """The month's batch as a queue job: checked now, built and exported by a worker; the job's page follows it."""
    values = {k: text(form, k) for k in ("program", "region", "month")}
    if text(form, "confirmed") != "1":
        # claims approved but still in 公示 (or under review) are not in this month's batch: said before it is built
        try:
            pending = payroll.still_open(s, values["program"], values["region"], values["month"], user=user)
        except ServiceError as exc:
            return _staff_page(request, s, user, {exc.field or "payroll": exc.message}, exc.status, values)
        if pending["publicity"] or pending["reviewing"]:
            return _staff_page(request, s, user, {}, 200, values, pending=pending)

    def queue() -> str:
        job = payroll.start_job(s, user, values["program"], values["region"], values["month"])
        s.commit()  # committed before the queue may hand it to a worker
        jobs.start(request.app.state.engine, job.id)
        return job.id

    return form_action(s, queue, lambda job_id: f"/programs/payroll/jobs/{job_id}",
                       lambda errs, status: _staff_page(request, s, user, errs, status, values))


@router.get("/payroll/jobs/{job_id}", response_class=HTMLResponse)
def payroll_job_page(request: Request, s: SessionDep, user: Staff, job_id: str) -> Response:
    job = payroll.readable_job(s, user, job_id)
    return render(request, "programs/payroll_job.html", {"job": payroll.job_dict(job)}, user=user)


@router.get("/payroll/jobs/{job_id}/file")
def payroll_job_file(s: SessionDep, user: Staff, job_id: str, format: str = "csv") -> Response:
    file = payroll.job_file(s, user, job_id, format)
    return attachment(file.data, file.name, file.media_type)


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, s: SessionDep, user: Staff, batch_id: int) -> Response:
    return _batch_page(request, s, user, batch_id, {})


def _batch_page(request, s, user, batch_id, errors, status=200) -> Response:
    batch = payroll.get_batch(s, user, batch_id)
    report = payroll.report(s, batch)  # months held for a caseworker, lines paid at another amount (s16)
    return render(request, "programs/batch.html",
                  {"batch": payroll.batch_dict(batch), "lines": payroll.lines_of(s, batch),
                   "held": report.get("held", []), "adjusted": report.get("adjusted", []),
                   "name": definitions.get(batch.program).name, "errors": errors}, status=status, user=user)


@router.get("/batches/{batch_id}/file")
def batch_file(s: SessionDep, user: Staff, batch_id: int, format: str = "csv") -> Response:
    file = payroll.batch_file(s, user, batch_id, format)
    return attachment(file.data, file.name, file.media_type)


@router.post("/batches/{batch_id}/reconcile")
def reconcile(request: Request, s: SessionDep, user: Staff, form: PostedForm, batch_id: int) -> Response:
    """The returned lines are ticked, each with its reason; every other line is paid."""
    returned = {}
    for key in form:
        if key.startswith("returned_") and key.removeprefix("returned_").isdigit():
            line = int(key.removeprefix("returned_"))
            returned[line] = text(form, f"reason_{line}") or "银行退票"
    return form_action(s, lambda: payroll.reconcile(s, user, batch_id, returned), f"/programs/batches/{batch_id}",
                       lambda errs, status: _batch_page(request, s, user, batch_id, errs, status), retry=True)


@router.get("/supervision", response_class=HTMLResponse)
def supervision(request: Request, s: SessionDep, user: Supervisor) -> Response:
    return render(request, "programs/supervision.html",
                  {"totals": payroll.totals(s, user), "overdue": claims.overdue(s, user)}, user=user)
