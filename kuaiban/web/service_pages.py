"""一件事 pages for applicants (citizens and enterprises): the 10 bundles with their items, time limits
and clauses; choosing items; the ONE form (fields once, each material once, 告知承诺 instead of a listed
certificate); the case page with each task's progress and deadline, 补正 and 好差评.

A thin layer: every step calls ``kuaiban.services.cases`` / ``ratings`` in the request's one transaction
(``page_support.form_action``); a refused step rolls everything back and the page is shown again with
the reason next to the field at fault. Forms post, then redirect (303) to a page that can be reloaded.
The form and the 补正 are checked here for every problem at once, beside each field, before the core
(which stops at the first) is called; uploads are accepted by their bytes (``web/uploads.py``). A form
that comes back with errors keeps the right files it was sent: stored at once, shown under their material
as attached (removable), carried by a token bound to the sign-in.

Bundles and items: 人社部发〔2020〕26号 附件1 (hunan-hrss-2020.txt 693–718); limits: 附件2 (720–755);
the form: 人社部发〔2021〕23号 附件1 (chongqing-hrss-2021.txt 3713–4050); commitments:
人社厅发〔2020〕110号 附件1 (hunan-hrss-2020.txt 952–987).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from kuaiban.platform import audit, storage
from kuaiban.platform.errors import Forbidden, NotFound, ServiceError
from kuaiban.platform.models import APPLICANT, Applicant, User
from kuaiban.services import cases, catalogue, credit, form_fields, outcomes, ratings
from kuaiban.services.models import CORRECTION, Case
from kuaiban.web import handoff_sections, rating_views
from kuaiban.web import service_views as views
from kuaiban.web import unemployment_views as uv
from kuaiban.web.page_support import (
    PageRefused,
    PostedForm,
    SessionDep,
    Visitor,
    form_action,
    page_user,
    text,
)
from kuaiban.web.session import COOKIE as AUTH_COOKIE
from kuaiban.web.templating import render
from kuaiban.web.uploads import MAX_UPLOAD, Upload, download, stored_file

router = APIRouter(prefix="/services", include_in_schema=False)


def _applicant(refused: str | None = None):
    return page_user((APPLICANT,), title="无权办理",
                     message="“一件事”申请须以办事人（个人或单位）账号登录；工作人员请前往经办工作台。", refused=refused)


ApplicantUser = Annotated[User, _applicant()]


# ---------------------------------------------------------------- the ten bundles


@router.get("", response_class=HTMLResponse)
def bundle_list(request: Request, s: SessionDep, user: Visitor) -> Response:
    """The 10 打包“一件事” with every item, its time limit and the clause the limit comes from."""
    rows = {b.seq: views.item_rows(b) for b in catalogue.bundles()}
    doc_nos = {b.source.doc_no for b in catalogue.bundles()} | {
        r.source.doc_no for rs in rows.values() for r in rs if r.source}
    doc_ids = views.library_ids(s, doc_nos)
    own = s.get(Applicant, user.applicant_id).kind if user is not None and user.role == APPLICANT else None
    return render(request, "services/index.html",
                  {"bundles": catalogue.bundles(), "rows": rows, "doc_ids": doc_ids, "own_kind": own,
                   "who": catalogue.bundle_applicants()}, user=user)


def _bundle(seq: str) -> catalogue.Bundle:
    try:
        return cases.find_bundle(seq)
    except NotFound as exc:
        raise PageRefused("没有这个“一件事”", exc.message, 404) from None


def _not_for_this_account(request: Request, s, user: User, bundle: catalogue.Bundle) -> Response | None:
    """The page telling an account that may not apply for ``bundle`` who files it and how (403), or None when it
    may: the core's one check (``cases.require_may_apply``, which the API's submission runs too)."""
    applicant = s.get(Applicant, user.applicant_id)
    try:
        cases.require_may_apply(applicant, bundle)
    except Forbidden as exc:
        return render(request, "services/not_for_account.html",
                      {"bundle": bundle, "message": exc.message, "who": catalogue.bundle_applicants()[bundle.seq],
                       "kind": applicant.kind}, status=403, user=user)
    return None


@router.get("/bundles/{seq}", response_class=HTMLResponse)
def choose_items(request: Request, seq: str, s: SessionDep, user: ApplicantUser) -> Response:
    """Choose the items to apply for: every item is ticked; a group may be narrowed to its sub-items."""
    bundle = _bundle(seq)
    if (refused := _not_for_this_account(request, s, user, bundle)) is not None:
        return refused
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
    """Each material once; where the region adopted the 部本级 告知承诺制 list's row for every item needing it,
    the 告知承诺书 texts the applicant signs — word for word what the core stores (same office, same basis)."""
    out = []
    may_commit = credit.may_commit(session, applicant.id)  # 110号: 在信用修复前，不适用告知承诺制
    plan, routes = cases._region_setup(session, applicant.region, planned)
    adopted = cases.adopted_commitments(session, applicant.region) if may_commit else {}
    for name, needing in plan.items():
        texts = []
        if not may_commit:
            out.append(MaterialChoice(name, [i.name for i in needing], []))
            continue
        for item in needing:
            rows = cases.commitment_rows(item.name, name, adopted)
            if not rows:  # one item needing it without an adopted row: the material itself is needed
                texts = []
                break
            texts.append(cases.commitment_text(applicant, item.name, name, rows,
                                               adoption=cases.adoption_of(rows, adopted),
                                               office=routes.get(item.key)))
        out.append(MaterialChoice(name, [i.name for i in needing], texts))
    return out


def preticked(bundle: catalogue.Bundle, items: list[str] | None) -> dict[str, bool]:
    """Each service's box as the form first shows it: as the text marks it (默认勾选) when every item was
    chosen; after a choice on the item page, ticked when it stands for a chosen item (a service that stands
    for none keeps its 默认勾选)."""
    spec = cases.form_spec(bundle)
    if not items:
        return {s["name"]: s["default_checked"] for s in spec.services}
    keys = {p.key for p in cases.plan_items(bundle, items)} | {p.group for p in cases.plan_items(bundle, items)}
    out = {}
    for s in spec.services:
        stands_for = spec.service_items.get(s["name"])
        out[s["name"]] = bool(set(stands_for) & keys) if stands_for else s["default_checked"]
    return out


def fixed_services(bundle: catalogue.Bundle, items: list[str] | None) -> dict[str, bool]:
    """After a choice on the item page, the services of the form that stand only for items of this bundle, each
    with whether it is done: the item page decided them (一次选择, walk s17 B3: a tick on the form used to override
    the item page — a chosen 就业登记 unticked was dropped, an unchosen 社会保障卡申领 ticked was added). The form
    shows them as decided (更改事项 leads back to the item page); a service standing for an item outside this
    bundle's list (社会保障卡申领 in 失业) stays a box to tick, as the item page cannot offer it."""
    spec = cases.form_spec(bundle)
    index = cases._bundle_index(bundle)
    planned = cases.plan_items(bundle, items)
    keys = {p.key for p in planned} | {p.group for p in planned if p.group}
    return {name: bool(set(stands_for) & keys) for name, stands_for in spec.service_items.items()
            if stands_for and all(k in index for k in stands_for)}


def unasked_fields(bundle: catalogue.Bundle, planned: list[cases.PlannedItem]) -> set[str]:
    """The fields of the one form that only items not in the case use (一张表单: the form asks what the chosen
    items need, walk s17 B3 — an employer choosing two items was asked all 24 fields, 党员组织关系 and 档案 too).
    A field is not asked when every entry using it stands for items of this bundle and none of them is planned;
    the basic information, and a field whose entry stands for no item or one outside the bundle, is asked."""
    spec = cases.form_spec(bundle)
    index = cases._bundle_index(bundle)
    keys = {p.key for p in planned} | {p.group for p in planned if p.group}
    system = {sf.name: sf.item for sf in catalogue.system_fields()}
    out = set()
    for f in spec.fields:
        if f.required or not f.used_by:
            continue
        users = [(system[f.name],) if f.name in system else spec.service_items.get(u) for u in f.used_by]
        if all(u and all(k in index for k in u) and not set(u) & keys for u in users):
            out.add(f.name)
    return out


def _form_context(session, user: User, bundle: catalogue.Bundle, items: list[str] | None,
                  form: dict | None = None, chosen: list[str] | None = None, from_items: bool = False) -> dict:
    """What the form page shows; ``form``: the posted form, whose ticks then decide the items (and so the
    materials asked) as the core will decide them; ``chosen``: the items ticked on the item page, whose
    services the form shows ticked (every item kept there is every service ticked, not the text's 默认勾选)."""
    applicant = session.get(Applicant, user.applicant_id)
    spec = cases.form_spec(bundle)
    # a person with an open 失业登记 (待审核 or 已登记) is not offered another (ux session 14, C8)
    registered = views.open_registration(session, applicant, bundle)
    planned = cases.plan_case(bundle, form, items) if form is not None else cases.plan_items(bundle, items)
    ticks = preticked(bundle, chosen or items)
    if registered is not None:
        planned = [p for p in planned if p.code != REGISTRATION_ITEM]
        ticks = {name: ticked and REGISTRATION_ITEM not in spec.service_items.get(name, ())
                 for name, ticked in ticks.items()}
    kinds = {f.name: _kind(f.name) for f in spec.fields}
    # the inputs of services no catalogue item stands for (参保缴费 …): not asked, as their boxes are not shown
    idle = {name for name, keys in spec.service_items.items() if not keys}
    for f in spec.fields:
        if not f.required and f.used_by and set(f.used_by) <= idle:
            kinds[f.name] = "idle"
    for name in unasked_fields(bundle, planned):  # fields only items outside the case use: not asked
        kinds[name] = "idle"
    fixed = fixed_services(bundle, items) if from_items else {}
    if registered is not None:
        fixed = {name: done and REGISTRATION_ITEM not in spec.service_items.get(name, ()) for name, done in fixed.items()}
    return printed_lists(session, planned, applicant.region) | {
            "bundle": bundle, "spec": spec, "planned": planned, "items": items or [],
            "preticked": ticks, "registered": registered, "registration_item": REGISTRATION_ITEM,
            "fixed": fixed, "from_items": from_items,
            "materials": material_choices(session, applicant, planned), "applicant": applicant,
            "locked": cases.account_identity(bundle.seq, applicant),  # a citizen's own identity: read-only
            "commit_barred": None if credit.may_commit(session, applicant.id) else credit.BARRED,
            "limits": {p.key: views.limit_text(*_limit(p.code)) for p in planned},
            "kinds": kinds,
            "choices": FIELD_CHOICES | {k: form_fields.LABEL_CHOICES[k.removeprefix("choice:")]
                                        for k in kinds.values() if k.startswith("choice:")}, "handoff_sections": handoff_sections.sections(planned), "item_values": {}}


def printed_lists(session, planned: list[cases.PlannedItem], region: str | None) -> dict:
    """The 申请材料 the texts print for the chosen items (as their guides show them), for a form whose region asks
    no upload: what the applicant may be asked to show, each list with its text (walk s15: “无须提交材料” alone
    read as “bring nothing”)."""
    printed = [{"item": p.name, "code": p.code, "doc_no": x["source"]["doc_no"], "part": x["source"].get("part"),
                "materials": [m["name"] + (f"（{m['when']}）" if m.get("when") else "") for m in x["materials"]]}
               for p in planned for x in catalogue.printed_materials(p.code, region)]
    return {"printed": printed, "printed_doc_ids": views.library_ids(session, {x["doc_no"] for x in printed})}


REGISTRATION_ITEM = "2.4.1"  # 失业登记, filed in the 失业登记 pillar (kuaiban.services.handoffs)
# 失业类型(失业原因): the 失业登记 form's own list (AJC093 names), so the two forms ask it alike; the 失业登记 part
# maps a name of the table to its code (kuaiban.unemployment.bundle_intake), 其他 to 90
UNEMPLOYMENT_REASON = "失业类型(失业原因)"


def _kind(name: str) -> str:
    """A field's control: the core's kind, the 失业登记 list for 失业原因, and “photo” for a 照片 the page
    cannot take as a typed value (it is handed in on site, ux session 14 C8)."""
    if name == UNEMPLOYMENT_REASON:
        return "unemployment_reason"
    k = form_fields.kind(name)
    if k == "document":
        return "photo" if "照片" in name else "document"
    return f"choice:{name}" if k == "choice" else k  # its own options (FIELD_CHOICES | the label's)


# Fields whose values come from a code table are chosen, not typed (the core checks the same lists).
FIELD_CHOICES = {"sex": form_fields.SEXES, "id_type": form_fields.ID_TYPES, "ethnicity": form_fields.ETHNIC_GROUPS,
                 "yes_no": form_fields.YES_NO,
                 "unemployment_reason": tuple(name for _, name in uv.form_field("AJC093").options)}


def _limit(code: str | None) -> tuple:
    lim = cases.item_limit(code, audit.now().date())  # the limit in force today (dated limits, e.g. 1.8.8)
    return lim.kind, lim.value, lim.basis


@router.get("/bundles/{seq}/apply", response_class=HTMLResponse)
def apply_form(request: Request, seq: str, s: SessionDep, user: ApplicantUser) -> Response:
    picked = request.query_params.getlist("items")
    bundle = _bundle(seq)
    if (refused := _not_for_this_account(request, s, user, bundle)) is not None:
        return refused
    if "choose" not in request.query_params and not picked:
        # reached without the item page (a bookmark, a typed address): the page listed every item while only the
        # text's 默认勾选 services were ticked, so fewer items were filed than listed (audit NEW-9); the item page
        # is where the items are chosen, and the form then files exactly what it lists
        return RedirectResponse(f"/services/bundles/{bundle.seq}", status_code=303)
    if "choose" in request.query_params and not picked:
        return render(request, "services/choose.html",
                      {"bundle": bundle, "rows": views.item_rows(bundle), "error": "请至少选择一个事项"},
                      status=422, user=user)
    try:
        items = chosen_items(bundle, picked) if picked else None
        ctx = _form_context(s, user, bundle, items, chosen=items or picked or None, from_items=bool(picked))
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
    kept: dict[str, str]  # material → token of a file stored when this form came back with errors
    removed: set[str]  # materials whose kept file the applicant removed
    data: FormData | None = None  # the post itself, for the handed-off items' part (handoff_sections.read)
    ticks_shown: bool = False  # the form showed the services to tick: a box not sent was left unticked
    from_items: bool = False  # the items were chosen on the item page: they decide the services standing for them

    @classmethod
    async def read(cls, data: FormData) -> Application:
        form: dict[str, str | bool] = {}
        for key, value in data.multi_items():
            if key.startswith("field:") and isinstance(value, str) and value.strip():
                form[key.removeprefix("field:")] = value.strip()
            elif key.startswith("service:") and value:
                form[key.removeprefix("service:")] = True
        return cls(items=[str(v) for v in data.getlist("items")] or None, form=form,
                   uploads=await _read_files(data), commit=_commitments(data), agree=bool(data.get("agree")),
                   signer=text(data, "signer"),
                   kept={k.removeprefix("kept:"): v for k, v in data.multi_items()
                         if k.startswith("kept:") and isinstance(v, str)},
                   removed={k.removeprefix("remove:") for k in data if k.startswith("remove:")}, data=data,
                   ticks_shown=bool(data.get("services_shown")), from_items=bool(data.get("from_items")))

    def untick_the_rest(self, spec: cases.FormSpec) -> None:
        """A checkbox left unticked is not sent: the form says so explicitly, so that its ticks decide."""
        if self.ticks_shown:
            for s in spec.services:
                if s["checkable"] or not s["automatic"]:
                    self.form.setdefault(s["name"], False)


# A file chosen on a form that came back with errors is stored at once and carried by the page as a token
# (its reference and a tag bound to this sign-in), so the applicant does not choose it again. The tag is
# the SHA-256 of the session's own (HttpOnly) auth token and the reference, as the CSRF tokens are made:
# another account, or another sign-in, cannot claim a file it did not upload.
_KEPT_LABEL = b"kuaiban-kept-file-v1\n"


def _kept_tag(request: Request, reference: str) -> str:
    auth = request.cookies.get(AUTH_COOKIE) or ""
    return hashlib.sha256(_KEPT_LABEL + auth.encode() + b"\n" + reference.encode()).hexdigest()


def kept_token(request: Request, reference: str) -> str:
    return f"{reference}|{_kept_tag(request, reference)}"


def _kept_uploads(request: Request, session, user: User, app: Application) -> dict[str, Upload]:
    """The files kept from an earlier post of this form (not removed, not replaced by a new choice)."""
    kept = {}
    for material, token in app.kept.items():
        reference, _, tag = token.rpartition("|")
        if material in app.removed or material in app.uploads or not hmac.compare_digest(
                tag, _kept_tag(request, reference)):
            continue
        found = stored_file(session, reference, user.applicant_id)
        if found:
            kept[material] = Upload(found[1], found[0])
    return kept


async def _read_files(data: FormData) -> dict[str, Upload]:
    """The files posted as ``file:<material>`` (one byte over the limit is enough to refuse one)."""
    uploads = {}
    for key, value in data.multi_items():
        if key.startswith("file:") and isinstance(value, UploadFile) and value.filename:
            content = await value.read(MAX_UPLOAD + 1)
            if content:
                uploads[key.removeprefix("file:")] = Upload(value.filename, content)
    return uploads


def _commitments(data: FormData) -> list[str]:
    return [k.removeprefix("commit:") for k in data if k.startswith("commit:")]


def _material_errors(materials: list[MaterialChoice], uploads: dict[str, Upload], commit: list[str], *,
                     every: bool) -> dict[str, str]:
    """Each material's problem, beside it: a file too large or not of an accepted type, a commitment the
    list does not allow, both at once, or (``every``: a 补正, where each named material is due) none."""
    errors = {f"materials.{name}": u.problem for name, u in uploads.items() if u.problem}
    by_name = {m.name: m for m in materials}
    for name in commit:
        m = by_name.get(name)
        if m is None or not m.committable:
            errors[f"materials.{name}"] = f"“{name}”不在本地区采用的证明事项告知承诺制清单内，不能以承诺代替"
        elif name in uploads:
            errors[f"materials.{name}"] = "请在“上传文件”与“以告知承诺代替”中择一"
    if every:
        for m in materials:
            key = f"materials.{m.name}"
            if m.name not in commit and m.name not in uploads and key not in errors:
                errors[key] = f"请上传“{m.name}”" + ("或以告知承诺代替" if m.committable else "")
    return errors


def _signature_errors(commit: list[str], agree: bool, signer: str, applicant: Applicant) -> dict[str, str]:
    """A commitment instead of a certificate is signed by the applicant (the core does not see the form)."""
    errors = {}
    if commit and not agree:
        errors["agree"] = "以承诺代替证明材料，须勾选确认已阅读并同意承诺书"
    if commit and signer != applicant.name:
        errors["signer"] = f"签名须与办事人名称一致：{applicant.name}"
    return errors


def _check_application(ctx: dict, app: Application, session=None, user: User | None = None,
                       item_forms: dict | None = None) -> dict[str, str]:
    """Every problem at once, each next to its field: the form's by the core's own checks, then the materials'."""
    errors: dict[str, str] = {}
    for e in cases.form_errors(ctx["bundle"].seq, ctx["applicant"], app.form)[1]:
        errors.setdefault(e["field"], e["detail"])
    if item_forms and session is not None and user is not None:  # the handed-off items' part (失业登记)
        for e in cases.handoff_errors(session, user, ctx["bundle"].seq, app.form, app.items, item_forms):
            errors.setdefault(e["field"], e["detail"])
    errors |= _material_errors(ctx["materials"], app.uploads, app.commit, every=False)
    return errors | _signature_errors(app.commit, app.agree, app.signer, ctx["applicant"])


def _material_key(commit: list[str]):
    """The form key a core error belongs to (``commitments[0]`` → that material)."""
    def field_of(exc: ServiceError) -> str:
        key = exc.field or "form"
        return f"materials.{commit[int(key[12:-1])]}" if key.startswith("commitments[") else key
    return field_of


def _store_all(session, user: User, uploads: dict[str, Upload]) -> None:
    """Store the files as ``user``'s uploads, in the step's transaction, before the core sees their references
    (it accepts only files the applicant uploaded): a refused step rolls them back with the rest (the shared
    store; a directory keeps an unreferenced file, harmless)."""
    for upload in uploads.values():
        upload.store(session, user)


@router.post("/bundles/{seq}/apply", response_class=HTMLResponse)
async def submit_application(request: Request, seq: str, s: SessionDep, user: ApplicantUser,
                             data: PostedForm) -> Response:
    app = await Application.read(data)  # the files are read on the event loop; the rest runs on a worker
    return await run_in_threadpool(_submit, request, s, user, seq, app)


def _submit(request: Request, s, user: User, seq: str, app: Application) -> Response:
    bundle = _bundle(seq)
    if (refused := _not_for_this_account(request, s, user, bundle)) is not None:
        return refused  # nothing of the post is kept
    app.untick_the_rest(cases.form_spec(bundle))
    if app.from_items:  # the item page's choice carries through: its services as chosen there, whatever was posted
        try:
            app.form.update(fixed_services(bundle, app.items))
        except ServiceError as exc:
            raise PageRefused("事项无效", exc.message, 422) from None
    if views.open_registration(s, s.get(Applicant, user.applicant_id), bundle) is not None:
        # never a second 失业登记: its service unticked, its item dropped from an explicit choice
        for name, keys in cases.form_spec(bundle).service_items.items():
            if REGISTRATION_ITEM in keys:
                app.form[name] = False
        if app.items:
            app.items = [i for i in app.items if i != REGISTRATION_ITEM] or app.items
    try:
        ctx = _form_context(s, user, bundle, app.items, app.form, from_items=app.from_items)
    except ServiceError as exc:
        if exc.field == "form":  # nothing ticked: the form again, with the reason
            ctx = _form_context(s, user, bundle, app.items, from_items=app.from_items)
            return render(request, "services/form.html", ctx | {"values": dict(app.form), "errors": {"form": exc.message}},
                          status=422, user=user)
        raise PageRefused("事项无效", exc.message, 422) from None

    app.uploads = _kept_uploads(request, s, user, app) | app.uploads
    item_forms = handoff_sections.read(app.data, ctx["planned"]) if app.data is not None else {}

    def submit() -> str:
        _store_all(s, user, app.uploads)
        case = cases.submit(s, user, bundle.seq, app.form, items=app.items,
                            materials={n: u.reference for n, u in app.uploads.items()}, commit_instead=app.commit,
                            item_forms=item_forms)
        return case.number

    def again(errors: dict[str, str], status: int) -> Response:
        values = {k.removeprefix("form."): v for k, v in app.form.items()}
        # the files that are right are stored now (nothing else of the refused post is), so the form shows
        # them as already attached instead of asking for them again
        good = {n: u for n, u in app.uploads.items() if not u.problem and f"materials.{n}" not in errors}
        _store_all(s, user, good)
        s.commit()
        kept = {n: {"name": Path(u.filename).name, "token": kept_token(request, u.reference)} for n, u in good.items()}
        return render(request, "services/form.html", ctx | {
            "values": values, "errors": errors, "committed": app.commit, "signer": app.signer,
            "agree": app.agree, "kept": kept, "item_values": item_forms}, status=422, user=user)

    return form_action(s, submit, lambda number: f"/services/cases/{number}?done=submitted", again,
                       errors=_check_application(ctx, app, s, user, item_forms), field_of=_material_key(app.commit))


# ---------------------------------------------------------------- my cases and a case


@router.get("/cases", response_class=HTMLResponse)
def my_cases(request: Request, s: SessionDep, user: ApplicantUser) -> Response:
    return render(request, "services/my_cases.html", {"cases": views.my_cases(s, user)}, user=user)


DONE_MESSAGES = {"submitted": "申请已提交。", "supplied": "补正材料已提交，相关事项已重新进入受理。",
                 "partly": "已提交的补正材料已保存；其余材料补齐后，相关事项重新进入受理。",
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
    may_commit = credit.may_commit(session, case.applicant_id)
    adopted = cases.adopted_commitments(session, case.region) if may_commit else {}
    for name in wanted:
        m = by_name.get(name)
        if m is None:
            others.append(name)
            continue
        if m.status != cases.MISSING:  # already supplied (a partial answer is kept)
            continue
        texts = []
        if not may_commit:
            choices.append(MaterialChoice(name, list(m.needed_by), []))
            continue
        for key in m.needed_by:
            task = next((t for t in case.tasks if (t.item_code or t.item_name) == key), None)
            rows = cases.commitment_rows(task.item_name, name, adopted) if task else []
            if not rows:
                texts = []
                break
            texts.append(cases.commitment_text(case.applicant, task.item_name, name, rows,
                                               adoption=cases.adoption_of(rows, adopted), office=task.agency))
        choices.append(MaterialChoice(name, list(m.needed_by), texts))
    return choices, others


def _case_context(session, user: User, number: str) -> dict:
    case = cases.get_case(session, user, number)
    rating = views.rating_of(session, case.id)
    choices, others = supply_choices(session, case)
    rectification = views.rectification_of(session, case.id) if rating else None
    return {"case": case, "rating_view": rating_views.of_case(user, case, rating, rectification),
            "overdue": {t.id: views.is_overdue(t) for t in case.tasks},
            "limits": {t.id: views.limit_text(t.limit_kind, t.limit_value, t.limit_basis) for t in case.tasks},
            "supply": choices, "supply_others": others,
            "missing_status": cases.MISSING, "material_state": cases.material_state, "name_only": cases.name_only,
            # the result recorded at 办结 (1.8.1), and the 失业登记 it rests on (ux session 14, C7)
            "outcomes": outcomes.outcomes_of(session, [t.id for t in case.tasks]),
            "outcome_items": outcomes.ITEMS, "registration": views.registration_beside(session, case)}


def _case_page(request: Request, s, user: User, number: str, *, notice: str | None = None,
               errors: dict[str, str] | None = None, status: int = 200) -> Response:
    return render(request, "services/case.html",
                  _case_context(s, user, number) | {"notice": notice, "errors": errors or {}}, status=status,
                  user=user)


# the applicant's own case page; staff reach it too (the core checks who may see the case)
CaseReader = Annotated[User, page_user(refused="无法查看办件")]


@router.get("/cases/{number}", response_class=HTMLResponse)
def case_page(request: Request, number: str, s: SessionDep, user: CaseReader, done: str | None = None) -> Response:
    return _case_page(request, s, user, number, notice=DONE_MESSAGES.get(done or ""))


@router.get("/cases/{number}/materials/{index}")
def material_file(number: str, index: int, s: SessionDep,
                  user: Annotated[User, page_user(refused="无法查看材料")]) -> Response:
    """An uploaded material, for the applicant and for the staff who may see the case."""
    case = cases.get_case(s, user, number)
    if not 0 <= index < len(case.materials):
        raise PageRefused("没有这份材料", f"办件 {number} 没有第 {index + 1} 份材料", 404)
    try:
        # only a file the case's applicant uploaded (never a name alone, never another person's file)
        found = stored_file(s, case.materials[index].reference, case.applicant_id)
    except storage.Corrupt:
        raise PageRefused("文件已损坏", "这份材料的文件与提交时不一致，已停止提供，请联系经办机构。", 409) from None
    if found is None:
        raise PageRefused("文件不在本系统", "这份材料没有在线上传的文件。", 404)
    return download(*found)


@router.post("/cases/{number}/supply", response_class=HTMLResponse)
async def supply(request: Request, number: str, s: SessionDep, user: Annotated[User, _applicant("无法查看办件")],
                 data: PostedForm) -> Response:
    uploads = await _read_files(data)
    return await run_in_threadpool(_supply, request, s, user, number, uploads, _commitments(data),
                                   bool(data.get("agree")), text(data, "signer"))


def _supply(request: Request, s, user: User, number: str, uploads: dict[str, Upload], commit: list[str],
            agree: bool, signer: str) -> Response:
    case = cases.get_case(s, user, number)
    choices, _ = supply_choices(s, case)
    # every problem at once (the core stops at the first); with nothing chosen at all, each material is named
    errors = {} if choices else {"supply": "本件没有待补正的材料"}
    errors |= _material_errors(choices, uploads, commit, every=not uploads and not commit)
    errors |= _signature_errors(commit, agree, signer, case.applicant)
    good = {n: u for n, u in uploads.items() if f"materials.{n}" not in errors}
    if errors and good and not commit:
        # the files that are right are kept (stored now), so nobody chooses them again; the page asks
        # only for the ones still wrong or missing
        try:
            _store_all(s, user, good)
            cases.supply(s, user, number, {n: u.reference for n, u in good.items()})
        except ServiceError as exc:
            s.rollback()
            errors.setdefault(exc.field or "supply", exc.message)
        else:
            s.commit()
            kept = f"已保存：{'、'.join(good)}。其余材料请更正后再提交。"
            return _case_page(request, s, user, number, notice=kept, errors=errors, status=422)

    def supply_them() -> bool:
        _store_all(s, user, uploads)
        cases.supply(s, user, number, {n: u.reference for n, u in uploads.items()}, commit_instead=commit)
        return any(t.state == CORRECTION for t in cases.get_case(s, user, number).tasks)

    return form_action(s, supply_them,
                       lambda waiting: f"/services/cases/{number}?done={'partly' if waiting else 'supplied'}",
                       lambda errors, status: _case_page(request, s, user, number, errors=errors, status=status),
                       errors=errors, field_of=lambda exc: exc.field or "supply")


@router.post("/cases/{number}/rating", response_class=HTMLResponse)
def rate(request: Request, number: str, s: SessionDep, user: Annotated[User, _applicant("无法查看办件")],
         form: PostedForm) -> Response:
    level, comment, errors = rating_views.posted(form)
    return form_action(s, lambda: ratings.rate(s, user, number, level, comment),
                       f"/services/cases/{number}?done=rated",
                       lambda errors, status: _case_page(request, s, user, number, errors=errors, status=status),
                       errors=errors,
                       field_of=lambda exc: "level" if exc.field in (None, "number") else exc.field)
