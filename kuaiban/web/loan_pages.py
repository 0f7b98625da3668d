"""创业担保贷款 pages for every party: the applicant (apply, my loans, one loan's every step), the 人社 office
(资格审核, 贴息初审), the guarantee institution (担保审查), the bank (放款, 贷后报告, 按季申请贴息, 划转) and 财政
(贴息复核拨付). A thin layer over :mod:`kuaiban.programs.loans.flow`; each party sees only its own work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaiban.platform.errors import NotFound
from kuaiban.platform.models import APPLICANT, BANK, GUARANTOR, User
from kuaiban.programs.loans import flow, rules
from kuaiban.web.page_support import PostedForm, SessionDep, form_action, page_user, text, version_of
from kuaiban.web.templating import render

router = APIRouter(prefix="/loans", include_in_schema=False)
SignedIn = Annotated[User, page_user(refused="无法办理创业担保贷款")]
Applicant = Annotated[User, page_user((APPLICANT,), title="仅限办事人",
                                      message="申请创业担保贷款请用个人或单位账号登录。")]


@router.get("", response_class=HTMLResponse)
def index(request: Request, s: SessionDep, user: SignedIn) -> Response:
    """Applicants: my loans and the way to apply. Every other party: its work waiting, and what it may see."""
    context = {"party": flow.party_of(user), "applications": flow.overview(s, user),
               "queue": None if user.role == APPLICANT else flow.queue(s, user), "steps": rules.steps()}
    return render(request, "loans/index.html", context, user=user)


@router.get("/apply", response_class=HTMLResponse)
def apply_form(request: Request, s: SessionDep, user: Applicant, kind: str | None = None) -> Response:
    return _apply_page(request, s, user, kind, {}, {})


def _apply_page(request: Request, s, user: User, kind: str | None, values: dict, errors: dict,
                status: int = 200) -> Response:
    if kind not in rules.BORROWERS:
        kind = rules.SMALL_FIRM if user.applicant and user.applicant.kind == "enterprise" else rules.INDIVIDUAL
    return render(request, "loans/apply.html",
                  {"kind": kind, "borrowers": [b for b in rules.BORROWERS if (b == rules.SMALL_FIRM) ==
                                               (user.applicant is not None and user.applicant.kind == "enterprise")],
                   "categories": rules.CATEGORIES, "materials": rules.MATERIALS[kind],
                   "commitment": rules.COMMITMENT[kind], "banks": flow.institutions(s, BANK, user.region or ""),
                   "values": values, "errors": errors, "steps": rules.steps()}, status=status, user=user)


@router.post("/apply")
def apply(request: Request, s: SessionDep, user: Applicant, form: PostedForm) -> Response:
    kind = text(form, "borrower")
    names = ("amount", "months", "project", "category", "partners", "firm_staff", "firm_new_hires", "previous_times",
             "account", "bank")
    values = {k: text(form, k) for k in names}
    facts = {k: values[k] for k in ("project", "category", "partners", "firm_staff", "firm_new_hires",
                                    "previous_times") if values[k] != ""}
    wanted = rules.MATERIALS.get(kind, ())
    materials = {name: text(form, f"material_{i}") for i, name in enumerate(wanted) if text(form, f"material_{i}")}
    values |= {f"material_{i}": text(form, f"material_{i}") for i in range(len(wanted))}
    return form_action(
        s, lambda: flow.apply(s, user, borrower=kind, amount=values["amount"] or None, months=values["months"],
                              facts=facts, materials=materials, commitment=form.get("commitment") == "on",
                              account=values["account"], bank=values["bank"] or None),
        lambda app: f"/loans/{app.id}", lambda errs, status: _apply_page(request, s, user, kind, values, errs, status))


@router.get("/{app_id}", response_class=HTMLResponse)
def detail(request: Request, s: SessionDep, user: SignedIn, app_id: int) -> Response:
    return _detail(request, s, user, app_id, {})


def _detail(request: Request, s, user: User, app_id: int, errors: dict, status: int = 200) -> Response:
    view = flow.timeline(s, user, app_id)
    region = view["application"]["region"]
    return render(request, "loans/detail.html",
                  view | {"party": flow.party_of(user), "errors": errors, "areas": rules.AREAS,
                          "guarantors": flow.institutions(s, GUARANTOR, region),
                          "banks": flow.institutions(s, BANK, region), "rate_text": rules.rate_text},
                  status=status, user=user)


def _back(request, s, user, app_id):
    return lambda errs, status: _detail(request, s, user, app_id, errs, status)


@router.post("/{app_id}/eligibility")
def eligibility(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int) -> Response:
    return form_action(
        s, lambda: flow.review_eligibility(
            s, user, app_id, outcome=text(form, "outcome"), note=text(form, "note") or None, lpr=text(form, "lpr"),
            area=text(form, "area") or None, guarantor=text(form, "guarantor"), bank=text(form, "bank"),
            local_limit=text(form, "local_limit") or None, version=version_of(text(form, "version"))),
        f"/loans/{app_id}", _back(request, s, user, app_id))


@router.post("/{app_id}/guarantee")
def guarantee(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int) -> Response:
    return form_action(
        s, lambda: flow.review_guarantee(
            s, user, app_id, outcome=text(form, "outcome"), note=text(form, "note") or None,
            amount=text(form, "amount") or None, guarantee_no=text(form, "guarantee_no"),
            version=version_of(text(form, "version"))),
        f"/loans/{app_id}", _back(request, s, user, app_id))


@router.post("/{app_id}/loan")
def lend(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int) -> Response:
    return form_action(
        s, lambda: flow.lend(
            s, user, app_id, outcome=text(form, "outcome"), note=text(form, "note") or None,
            contract_no=text(form, "contract_no"), contract_date=text(form, "contract_date"),
            amount=text(form, "amount"), months=text(form, "months"), rate=text(form, "rate"), lpr=text(form, "lpr"),
            disbursed_on=text(form, "disbursed_on") or None, version=version_of(text(form, "version"))),
        f"/loans/{app_id}", _back(request, s, user, app_id))


@router.post("/{app_id}/report")
def report(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int) -> Response:
    return form_action(
        s, lambda: flow.report(s, user, app_id, event=text(form, "event"), on=text(form, "on"),
                               note=text(form, "note") or None),
        f"/loans/{app_id}", _back(request, s, user, app_id))


@router.post("/{app_id}/subsidies")
def claim_subsidy(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int) -> Response:
    return form_action(
        s, lambda: flow.claim_subsidy(s, user, app_id, quarter=text(form, "quarter"), interest=text(form, "interest")),
        f"/loans/{app_id}", _back(request, s, user, app_id))


@router.post("/{app_id}/subsidies/{claim_id}/{step}")
def subsidy_step(request: Request, s: SessionDep, user: SignedIn, form: PostedForm, app_id: int, claim_id: int,
                 step: str) -> Response:
    def act():
        outcome, note = text(form, "outcome"), text(form, "note") or None  # never preset: chosen
        if step == "check":
            return flow.check_subsidy(s, user, claim_id, outcome=outcome, note=note)
        if step == "pay":
            return flow.pay_subsidy(s, user, claim_id, outcome=outcome, note=note)
        if step == "credit":
            return flow.credit_subsidy(s, user, claim_id)
        raise NotFound("没有这个办理环节", "step")

    return form_action(s, act, f"/loans/{app_id}", _back(request, s, user, app_id))
