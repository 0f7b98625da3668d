"""失业保险关系跨省转移 pages (人社厅发〔2021〕85号): the person's application and progress, each office's queue
and the transfer page with the step its side may take (受理, 转出, 转入, 不予办理 with a reason, 费用划转/到账).

A thin layer over :mod:`kuaiban.unemployment.transfer`; every POST carries the CSRF token, runs in one
transaction and redirects (303); a refusal by the core shows the page again with its Chinese message.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit
from kuaiban.platform.errors import NotFound
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.unemployment import transfer
from kuaiban.unemployment import transfer_models as tm
from kuaiban.unemployment import transfer_rules as rules
from kuaiban.web.page_support import PostedForm, SessionDep, form_action, page_user, text
from kuaiban.web.templating import render

router = APIRouter(prefix="/unemployment/transfers", include_in_schema=False)
SignedIn = Annotated[User, page_user(None, refused="无法办理失业保险关系转移")]
Office = Annotated[User, page_user((WINDOW, REVIEWER), title="无权办理失业保险关系转移",
                                   message="仅经办机构的窗口人员和后台审核人员可以办理。",
                                   refused="无法办理失业保险关系转移")]
Staff = Annotated[User, page_user((WINDOW, REVIEWER, SUPERVISOR), title="无权查看完整信息",
                                  message="仅经办机构的工作人员可以查看完整的个人信息。", refused="无法查看完整信息")]
DONE = {"started": "申请已提交。", "accept": "已受理并发出联系函。", "out": "已办理转出。", "in": "已办理转入。",
        "refuse": "已作不予办理并告知理由。", "fund_sent": "已登记费用划转。", "fund_received": "已确认费用到账。"}


@router.get("", response_class=HTMLResponse)
def listing(request: Request, s: SessionDep, user: SignedIn) -> Response:
    if user.role == APPLICANT:
        items, heading = transfer.mine(s, user), "我的失业保险关系转移"
    else:
        items, heading = transfer.queue(s, user), "待办的失业保险关系转移"
    today = audit.now().date()
    return render(request, "unemployment/transfers.html", {
        "heading": heading, "items": [transfer.as_dict(t, today=today) for t in items],
        "person": user.role == APPLICANT}, user=user)


def _new_page(request: Request, user: User, values: dict, errors: dict, status: int = 200) -> Response:
    return render(request, "unemployment/transfer_new.html", {
        "values": values, "errors": errors, "states": rules.EMPLOYMENT_STATES,
        "office": user.role != APPLICANT}, user=user, status=status)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, user: SignedIn) -> Response:
    return _new_page(request, user, {"side": tm.ORIGIN}, {})


@router.post("/new", response_class=HTMLResponse)
def create(request: Request, s: SessionDep, user: SignedIn, form: PostedForm) -> Response:
    names = ("side", "origin_region", "destination_region", "name", "card_number", "id_number", "employment_status")
    values = {n: text(form, n) for n in names}
    return form_action(s, lambda: transfer.start(s, user, **(values | {"id_number": values["id_number"] or None})),
                       lambda t: f"/unemployment/transfers/{t.ref}?done=started",
                       lambda errors, status: _new_page(request, user, values, errors, status))


def _page(request: Request, s: Session, user: User, ref: str, *, notice: str | None = None,
          errors: dict | None = None, status: int = 200, in_full: bool = False) -> Response:
    """A transfer's page. Staff see the 社保卡号 and 公民身份号码 masked, as in the API's answers and on the other
    staff detail pages; ``in_full``: they asked to see them (显示完整信息, a POST), a read written to the audit log.
    The person sees their own record in full, as the other citizen pages show one's own record (not logged)."""
    t = transfer.get(s, user, ref)
    staff = user.role != APPLICANT
    if in_full:
        transfer.disclose(s, user, t)
    side = transfer.acting_side(t)
    can = set()
    if user.role in (WINDOW, REVIEWER):
        def mine(which: str) -> bool:
            return access.serves(user, transfer.side_region(t, which)) and not transfer.is_remote(t, which)
        if side and mine(side):
            can |= {"refuse", {tm.AWAITING_ACCEPTANCE: "accept", tm.AWAITING_TRANSFER_OUT: "out",
                               tm.AWAITING_TRANSFER_IN: "in"}[t.state]}
        if t.fund_state == tm.FUND_PENDING and mine(tm.ORIGIN):
            can.add("fund_sent")
        if t.fund_state in (tm.FUND_PENDING, tm.FUND_SENT) and mine(tm.DESTINATION):
            can.add("fund_received")
    return render(request, "unemployment/transfer.html", {
        "t": transfer.as_dict(t, today=audit.now().date(), mask_card=staff, in_full=in_full or not staff),
        "can": can, "notice": notice, "errors": errors or {}, "states": rules.EMPLOYMENT_STATES,
        "staff": staff, "in_full": in_full,
        "has_personal": any((t.record or {}).get(k) for k in ("card_number", "id_number"))}, user=user, status=status)


@router.get("/{ref}", response_class=HTMLResponse)
def detail(request: Request, ref: str, s: SessionDep, user: SignedIn, done: str | None = None) -> Response:
    return _page(request, s, user, ref, notice=DONE.get(done or ""))


# declared before the steps (``/{ref}/{step}``), which would otherwise take "full" for a step
@router.post("/{ref}/full", response_class=HTMLResponse)
def detail_in_full(request: Request, ref: str, s: SessionDep, user: Staff, form: PostedForm) -> Response:
    """显示完整信息: the transfer's page with the 社保卡号 and 公民身份号码 in full, on the staff member's explicit
    request (a POST with the page's CSRF token, never a link), the read written to the audit log. Only staff
    serving either side (``transfer.get``); a citizen is refused by ``Staff``."""
    return _page(request, s, user, ref, notice="已显示完整个人信息，本次查看已记入审计日志。", in_full=True)


def _periods(raw: str) -> list[dict]:
    """One period a line: 行政区划代码 起始年月 终止年月 (e.g. 430102 2019-01 2021-06)."""
    out = []
    for line in filter(None, (x.strip() for x in raw.splitlines())):
        parts = line.split()
        out.append(dict(zip(("region", "start", "end"), parts + [""] * (3 - len(parts)), strict=False)))
    return out


@router.post("/{ref}/{step}", response_class=HTMLResponse)
def act(request: Request, ref: str, step: str, s: SessionDep, user: Office, form: PostedForm) -> Response:
    def action():
        if step == "accept":
            return transfer.accept(s, user, ref)
        if step == "in":
            return transfer.transfer_in(s, user, ref)
        if step == "refuse":
            return transfer.refuse(s, user, ref, reason=text(form, "reason"))
        if step == "fund_sent":
            return transfer.send_fund(s, user, ref)
        if step == "fund_received":
            return transfer.confirm_fund(s, user, ref)
        if step == "out":
            months = text(form, "unpaid_months")
            unpaid = ({"months": int(months) if months.isdigit() else -1,
                       "monthly_amount": text(form, "unpaid_amount")} if months else None)
            details = {"contributions": {"approved": _periods(text(form, "approved")),
                                         "unapproved": _periods(text(form, "unapproved"))},
                       "unpaid_benefit": unpaid, "unemployment_reason": text(form, "unemployment_reason"),
                       "benefit_standard": text(form, "benefit_standard")}
            return transfer.transfer_out(s, user, ref, details=details, entitlement=text(form, "entitlement") or None)
        raise NotFound("没有这个办理环节", "step")

    return form_action(s, action, f"/unemployment/transfers/{ref}?done={step}",
                       lambda errors, status: _page(request, s, user, ref, errors=errors, status=status))

