"""一件事 pages for applicants (citizens and enterprises): the 10 bundles with their items, time limits
and clauses; choosing items; the ONE form (fields once, each material once, 告知承诺 instead of a listed
certificate); the case page with each task's progress and deadline, 补正 and 好差评.

A thin layer: every step calls ``kuaiban.services.cases`` / ``ratings`` in one transaction
(``kuaiban.db.session_scope``); a refused step rolls everything back and the page is shown again with
the reason next to the field at fault. Forms post, then redirect (303) to a page that can be reloaded.

Bundles and items: 人社部发〔2020〕26号 附件1 (hunan-hrss-2020.txt 693–718); limits: 附件2 (720–755);
the form: 人社部发〔2021〕23号 附件1 (chongqing-hrss-2021.txt 3713–4050); commitments:
人社厅发〔2020〕110号 附件1 (hunan-hrss-2020.txt 952–987).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from kuaiban.db import session_scope
from kuaiban.platform.errors import NotFound, ServiceError
from kuaiban.platform.models import APPLICANT, Applicant, User
from kuaiban.services import cases, catalogue, ratings
from kuaiban.services.models import CASE_DONE, CORRECTION, Case
from kuaiban.web import service_views as views
from kuaiban.web import session as web_session
from kuaiban.web.page_support import (
    MAX_UPLOAD,
    Upload,
    csrf_failed,
    csrf_ok,
    message_page,
    render,
    stored_file,
    user_in_roles,
    user_or_redirect,
)

router = APIRouter(prefix="/services", include_in_schema=False)


def _engine(request: Request):
    return request.app.state.engine


def _applicant(request: Request, s) -> User | Response:
    return user_in_roles(request, s, (APPLICANT,), "无权办理",
                         "“一件事”申请须以办事人（个人或单位）账号登录；工作人员请前往经办工作台。")


# ---------------------------------------------------------------- the ten bundles


@router.get("", response_class=HTMLResponse)
def bundle_list(request: Request) -> Response:
    """The 10 打包“一件事” with every item, its time limit and the clause the limit comes from."""
    with session_scope(_engine(request)) as s:
        user = web_session.current_user(request, s)
        rows = {b.seq: views.item_rows(b) for b in catalogue.bundles()}
        wenhaos = {b.source.wenhao for b in catalogue.bundles()} | {
            r.source.wenhao for rs in rows.values() for r in rs if r.source}
        doc_ids = views.library_ids(s, wenhaos)
        return render(request, "services/index.html",
                      {"bundles": catalogue.bundles(), "rows": rows, "doc_ids": doc_ids}, user=user)


def _bundle_or_404(request: Request, seq: str, user: User | None) -> catalogue.Bundle | Response:
    try:
        return cases.find_bundle(seq)
    except NotFound as exc:
        return message_page(request, "没有这个“一件事”", exc.message, status=404, user=user)


@router.get("/bundles/{seq}", response_class=HTMLResponse)
def choose_items(request: Request, seq: str) -> Response:
    """Choose the items to apply for: every item is ticked; a group may be narrowed to its sub-items."""
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        bundle = _bundle_or_404(request, seq, user)
        if isinstance(bundle, Response):
            return bundle
        return render(request, "services/choose.html",
                      {"bundle": bundle, "rows": views.item_rows(bundle), "error": None}, user=user)


def chosen_items(bundle: catalogue.Bundle, picked: list[str]) -> list[str] | None:
    """The ``items`` to submit: None for every top-level item; a group ticked together with some of its
    sub-items means those sub-items."""
    picked = list(dict.fromkeys(p for p in picked if p.strip()))
    groups = {i.name: {s.code or s.name for s in i.items} for i in bundle.items if i.items}
    narrowed = [g for g, subs in groups.items() if subs & set(picked)]
    picked = [p for p in picked if p not in narrowed]
    top = [i.code or i.name for i in bundle.items]
    return None if picked == top else picked


# ---------------------------------------------------------------- the one form


@dataclass
class MaterialChoice:
    """A material of the form: asked once, with the items needing it and, where the list allows,
    the commitment text(s) that may replace it."""

    name: str
    items: list[str]
    commitments: list[str] = field(default_factory=list)

    @property
    def committable(self) -> bool:
        return bool(self.commitments)


def material_choices(session, applicant: Applicant, planned: list[cases.PlannedItem]) -> list[MaterialChoice]:
    out = []
    for name, needing in cases.material_plan(session, applicant.region, planned).items():
        texts = []
        for item in needing:
            rows = cases.commitment_rows(item.name, name)
            if not rows:  # one item needing it without a listed commitment: the material itself is needed
                texts = []
                break
            texts.append(cases.commitment_text(applicant, item.name, name, rows))
        out.append(MaterialChoice(name, [i.name for i in needing], texts))
    return out


def _form_context(session, user: User, bundle: catalogue.Bundle, items: list[str] | None) -> dict:
    applicant = session.get(Applicant, user.applicant_id)
    planned = cases.plan_items(bundle, items)
    return {"bundle": bundle, "spec": cases.form_spec(bundle), "planned": planned, "items": items or [],
            "materials": material_choices(session, applicant, planned), "applicant": applicant,
            "locked": cases.account_identity(bundle.seq, applicant),  # a citizen's own identity: read-only
            "limits": {p.key: views.limit_text(*_limit(p.code)) for p in planned}}


def _limit(code: str | None) -> tuple:
    lim = cases.item_limit(code)
    return lim.kind, lim.value, lim.basis


@router.get("/bundles/{seq}/apply", response_class=HTMLResponse)
def apply_form(request: Request, seq: str) -> Response:
    picked = request.query_params.getlist("items")
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        bundle = _bundle_or_404(request, seq, user)
        if isinstance(bundle, Response):
            return bundle
        if "choose" in request.query_params and not picked:
            return render(request, "services/choose.html",
                          {"bundle": bundle, "rows": views.item_rows(bundle), "error": "请至少选择一个事项"},
                          status=422, user=user)
        try:
            ctx = _form_context(s, user, bundle, chosen_items(bundle, picked) if picked else None)
        except ServiceError as exc:
            return render(request, "services/choose.html",
                          {"bundle": bundle, "rows": views.item_rows(bundle), "error": exc.message},
                          status=422, user=user)
        return render(request, "services/form.html", ctx | {"values": {}, "errors": {}}, user=user)


@dataclass
class Application:
    """What the applicant posted, read once from the multipart body."""

    items: list[str] | None
    form: dict[str, str | bool]
    uploads: dict[str, Upload]
    commit: list[str]
    agree: bool
    signer: str
    csrf: str
    too_large: list[str]


async def _read_files(data: FormData, prefix: str) -> tuple[dict[str, Upload], list[str]]:
    uploads, too_large = {}, []
    for key, value in data.multi_items():
        if key.startswith(prefix) and isinstance(value, UploadFile) and value.filename:
            content = await value.read(MAX_UPLOAD + 1)
            name = key.removeprefix(prefix)
            if len(content) > MAX_UPLOAD:
                too_large.append(name)
            elif content:
                uploads[name] = Upload(value.filename, content)
    return uploads, too_large


@router.post("/bundles/{seq}/apply", response_class=HTMLResponse)
async def submit_application(request: Request, seq: str) -> Response:
    data = await request.form(max_part_size=MAX_UPLOAD + 1024)
    uploads, too_large = await _read_files(data, "file:")
    form: dict[str, str | bool] = {}
    for key, value in data.multi_items():
        if key.startswith("field:") and isinstance(value, str) and value.strip():
            form[key.removeprefix("field:")] = value.strip()
        elif key.startswith("service:") and value:
            form[key.removeprefix("service:")] = True
    app = Application(items=[str(v) for v in data.getlist("items")] or None, form=form, uploads=uploads,
                      commit=[k.removeprefix("commit:") for k in data if k.startswith("commit:")],
                      agree=bool(data.get("agree")), signer=str(data.get("signer") or "").strip(),
                      csrf=str(data.get("csrf") or ""), too_large=too_large)
    return await run_in_threadpool(_submit, request, seq, app)


def _check_application(ctx: dict, app: Application) -> dict[str, str]:
    """Every problem at once, each next to its field: the form's by the core's own checks, then the materials'."""
    errors: dict[str, str] = {}
    for e in cases.form_errors(ctx["bundle"].seq, ctx["applicant"], app.form)[1]:
        errors.setdefault(e["field"], e["detail"])
    by_name = {m.name: m for m in ctx["materials"]}
    for name in app.too_large:
        errors[f"materials.{name}"] = f"文件过大：不超过 {MAX_UPLOAD // (1024 * 1024)} MB"
    for name in app.commit:
        m = by_name.get(name)
        if m is None or not m.committable:
            errors[f"materials.{name}"] = f"“{name}”不在证明事项告知承诺制清单内，不能以承诺代替"
        elif name in app.uploads:
            errors[f"materials.{name}"] = "请在“上传文件”与“以告知承诺代替”中择一"
    if app.commit:
        if not app.agree:
            errors["agree"] = "以承诺代替证明材料，须勾选确认已阅读并同意承诺书"
        applicant = ctx["applicant"]
        if app.signer != applicant.name:
            errors["signer"] = f"签名须与办事人名称一致：{applicant.name}"
    return errors


def _field_of(exc: ServiceError) -> str:
    """The form key a core error belongs to (commitments[0] → that material)."""
    return exc.field or "form"


def _submit(request: Request, seq: str, app: Application) -> Response:
    errors: dict[str, str] = {}
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, app.csrf):
            return csrf_failed(request, user)
        bundle = _bundle_or_404(request, seq, user)
        if isinstance(bundle, Response):
            return bundle
        try:
            ctx = _form_context(s, user, bundle, app.items)
        except ServiceError as exc:
            return message_page(request, "事项无效", exc.message, status=422, user=user)
        errors = _check_application(ctx, app)
        if not errors:
            try:
                case = cases.submit(s, user, bundle.seq, app.form, items=app.items,
                                    materials={n: u.reference for n, u in app.uploads.items()},
                                    commit_instead=app.commit)
                for upload in app.uploads.values():  # only now: nothing is stored for a refused form
                    upload.store()
                number = case.number
            except ServiceError as exc:
                key = _field_of(exc)
                if key.startswith("commitments["):
                    key = f"materials.{app.commit[int(key[12:-1])]}"
                errors[key] = exc.message
                for e in exc.errors or ():
                    errors.setdefault(e["field"], e["detail"])
        if errors:
            s.rollback()
            values = {k.removeprefix("form."): v for k, v in app.form.items()}
            return render(request, "services/form.html",
                          ctx | {"values": values, "errors": errors, "committed": app.commit,
                                 "signer": app.signer, "agree": app.agree}, status=422, user=user)
    return RedirectResponse(f"/services/cases/{number}?done=submitted", status_code=303)


# ---------------------------------------------------------------- my cases and a case


@router.get("/cases", response_class=HTMLResponse)
def my_cases(request: Request) -> Response:
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        return render(request, "services/my_cases.html", {"cases": views.my_cases(s, user)}, user=user)


DONE_MESSAGES = {"submitted": "申请已提交。", "supplied": "补正材料已提交，相关事项已重新进入受理。",
                 "rated": "感谢您的评价。"}


def supply_choices(session, case: Case) -> tuple[list[MaterialChoice], list[str]]:
    """What the 补正 notices ask for: the case's materials (to upload or commit). Issuing a notice adds
    every material it names to the case (``cases._ask_again``); ``others`` (listed, not receivable
    online) can only hold names from notices stored before that rule."""
    wanted: list[str] = []
    for t in case.tasks:
        if t.state == CORRECTION:
            wanted += [m for m in (t.correction_notice or []) if m not in wanted]
    by_name = {m.name: m for m in case.materials}
    choices, others = [], []
    for name in wanted:
        m = by_name.get(name)
        if m is None:
            others.append(name)
            continue
        texts = []
        for key in m.needed_by:
            task = next((t for t in case.tasks if (t.item_code or t.item_name) == key), None)
            rows = cases.commitment_rows(task.item_name, name) if task else []
            if not rows:
                texts = []
                break
            texts.append(cases.commitment_text(case.applicant, task.item_name, name, rows))
        choices.append(MaterialChoice(name, list(m.needed_by), texts))
    return choices, others


def _case_context(session, user: User, number: str) -> dict:
    case = cases.get_case(session, user, number)
    rating = views.rating_of(session, case.id)
    choices, others = supply_choices(session, case)
    return {"case": case, "rating": rating, "level_name": ratings.LEVELS, "levels": ratings.LEVELS,
            "overdue": {t.id: views.is_overdue(t) for t in case.tasks},
            "limits": {t.id: views.limit_text(t.limit_kind, t.limit_value, t.limit_basis) for t in case.tasks},
            "supply": choices, "supply_others": others, "can_rate": case.status == CASE_DONE and rating is None,
            "rectification": views.rectification_of(session, case.id) if rating else None,
            "missing_status": cases.MISSING}


@router.get("/cases/{number}", response_class=HTMLResponse)
def case_page(request: Request, number: str, done: str | None = None) -> Response:
    with session_scope(_engine(request)) as s:
        user = user_or_redirect(request, s)
        if isinstance(user, Response):
            return user
        try:
            ctx = _case_context(s, user, number)
        except ServiceError as exc:
            return message_page(request, "无法查看办件", exc.message, status=exc.status, user=user)
        return render(request, "services/case.html",
                      ctx | {"notice": DONE_MESSAGES.get(done or ""), "errors": {}}, user=user)


@router.get("/cases/{number}/materials/{index}")
def material_file(request: Request, number: str, index: int) -> Response:
    """An uploaded material, for the applicant and for the staff who may see the case."""
    with session_scope(_engine(request)) as s:
        user = user_or_redirect(request, s)
        if isinstance(user, Response):
            return user
        try:
            case = cases.get_case(s, user, number)
        except ServiceError as exc:
            return message_page(request, "无法查看材料", exc.message, status=exc.status, user=user)
        if not 0 <= index < len(case.materials):
            return message_page(request, "没有这份材料", f"办件 {number} 没有第 {index + 1} 份材料", status=404,
                                user=user)
        found = stored_file(case.materials[index].reference)
    if found is None:
        return message_page(request, "文件不在本系统", "这份材料没有在线上传的文件。", status=404, user=user)
    path, name = found
    return FileResponse(path, filename=name, content_disposition_type="attachment")


def _case_error(request: Request, s, user: User, number: str, errors: dict[str, str], status: int = 422
                ) -> Response:
    """The case page again, with what was refused; the refused step is rolled back."""
    s.rollback()
    try:
        ctx = _case_context(s, user, number)
    except ServiceError as exc:
        return message_page(request, "无法查看办件", exc.message, status=exc.status, user=user)
    return render(request, "services/case.html", ctx | {"notice": None, "errors": errors}, status=status,
                  user=user)


@router.post("/cases/{number}/supply", response_class=HTMLResponse)
async def supply(request: Request, number: str) -> Response:
    data = await request.form(max_part_size=MAX_UPLOAD + 1024)
    uploads, too_large = await _read_files(data, "file:")
    commit = [k.removeprefix("commit:") for k in data if k.startswith("commit:")]
    return await run_in_threadpool(_supply, request, number, uploads, too_large, commit,
                                   bool(data.get("agree")), str(data.get("signer") or "").strip(),
                                   str(data.get("csrf") or ""))


def _supply(request: Request, number: str, uploads: dict[str, Upload], too_large: list[str], commit: list[str],
            agree: bool, signer: str, token: str) -> Response:
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, token):
            return csrf_failed(request, user)
        try:
            case = cases.get_case(s, user, number)
        except ServiceError as exc:
            return message_page(request, "无法查看办件", exc.message, status=exc.status, user=user)
        choices, _ = supply_choices(s, case)
        errors: dict[str, str] = {}
        if not choices:
            errors["supply"] = "本件没有待补正的材料"
        for name in too_large:
            errors[f"materials.{name}"] = f"文件过大：不超过 {MAX_UPLOAD // (1024 * 1024)} MB"
        for m in choices:
            key = f"materials.{m.name}"
            if m.name in commit and not m.committable:
                errors[key] = f"“{m.name}”不在证明事项告知承诺制清单内，不能以承诺代替"
            elif m.name in commit and m.name in uploads:
                errors[key] = "请在“上传文件”与“以告知承诺代替”中择一"
            elif m.name not in commit and m.name not in uploads and key not in errors:
                errors[key] = f"请上传“{m.name}”" + ("或以告知承诺代替" if m.committable else "")
        if commit and not agree:
            errors["agree"] = "以承诺代替证明材料，须勾选确认已阅读并同意承诺书"
        if commit and signer != case.applicant.name:
            errors["signer"] = f"签名须与办事人名称一致：{case.applicant.name}"
        status = 422
        if not errors:
            try:
                cases.supply(s, user, number, {n: u.reference for n, u in uploads.items()},
                             commit_instead=commit)
                for upload in uploads.values():
                    upload.store()
            except ServiceError as exc:
                errors[exc.field or "supply"] = exc.message
                status = exc.status
        if errors:
            return _case_error(request, s, user, number, errors, status)
    return RedirectResponse(f"/services/cases/{number}?done=supplied", status_code=303)


@router.post("/cases/{number}/rating", response_class=HTMLResponse)
async def rate(request: Request, number: str) -> Response:
    data = await request.form()
    return await run_in_threadpool(_rate, request, number, str(data.get("level") or ""),
                                   str(data.get("text") or "").strip(), str(data.get("csrf") or ""))


def _rate(request: Request, number: str, level: str, text: str, token: str) -> Response:
    with session_scope(_engine(request)) as s:
        user = _applicant(request, s)
        if isinstance(user, Response):
            return user
        if not csrf_ok(request, token):
            return csrf_failed(request, user)
        errors: dict[str, str] = {}
        status = 422
        if not level.isdigit() or int(level) not in ratings.LEVELS:
            errors["level"] = "请选择评价等级（非常满意至非常不满意）"
        else:
            try:
                ratings.rate(s, user, number, int(level), text or None)
            except ServiceError as exc:
                errors["level" if exc.field == "number" else exc.field or "level"] = exc.message
                status = exc.status
        if errors:
            return _case_error(request, s, user, number, errors, status)
    return RedirectResponse(f"/services/cases/{number}?done=rated", status_code=303)
