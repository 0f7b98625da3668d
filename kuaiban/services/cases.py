"""Bundle cases (打包“一件事”): one form, one set of materials, one task per item, and their life cycle.

- The form is the bundle's 2021 reference form (人社部发〔2021〕23号 附件1), each fact once however many
  of its services use it (a word printed under two services for two facts stays two fields:
  data/services/form_readings.yaml); its ticks decide the items a service stands for (:func:`plan_case`).
- Materials: what the region requires for each item (``ItemMaterial``; the compilations list none per
  item), asked for once per case; one counts as 已提交 only with a file the applicant uploaded
  (:func:`kuaiban.platform.material_files.check_references`: never a bare name, never another's file); a
  required material that the 告知承诺制 list (人社厅发〔2020〕110号, a 部本级 list) names for that item may be
  replaced by a signed commitment where the region adopted that row, which opens a verification (核查).
- Tasks: 待受理 → 已受理 (窗口受理) → 已审核 (后台审核) → 已办结, or 不予受理, or 待补正 (one notice
  listing every missing material); the case is done when every task is.
- Deadlines: the texts in force on the start day (:func:`item_limit`): a later text for the cases it covers
  (85号: a 跨省 1.8.8), the branch every case is in (1.10.1: 零星制发), else the target (提速) limit of
  人社部发〔2020〕26号 附件2 from its day, else its statutory limit; no limit means the deadline is unknown
  (None), never guessed. A case's deadline is the latest of its tasks', unknown if any is.
- Every step is a conditional UPDATE on a version column: of two staff acting on the same task at
  once, exactly one wins, the other gets :class:`Conflict`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from stdnum.cn import ric

from kuaiban.db import pipelined
from kuaiban.platform import (
    access,
    audit,
    disclosure,
    holidays,
    material_files,
    new_work,
    personal_data,
    regions,
    upload_retention,
)
from kuaiban.platform import calendar as sla
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, WINDOW, Applicant, User
from kuaiban.services import catalogue, commitment_terms, credit, form_fields, handoffs, notices, outcomes
from kuaiban.services.models import (
    ACCEPTED,
    CASE_CORRECTION,
    CASE_DONE,
    CASE_OPEN,
    CORRECTION,
    DONE,
    FINAL_TASK_STATES,
    REFUSED,
    REVIEWED,
    SUBMITTED,
    Case,
    Commitment,
    ItemMaterial,
    ItemRoute,
    Material,
    RegionSetting,
    Task,
)

PROVIDED, COMMITTED, MISSING = "已提交", "承诺代替", "缺"
TO_VERIFY, VERIFIED, FALSE_COMMITMENT = "待核查", "核查属实", "核查不实"
# a material stored 已提交 before migration 0029 with only a file name: said as it is (the stored row is unchanged)
NAME_ONLY = "已提交（仅有文件名，未上传文件）"
NUMERIC_LIMITS = ("working_days", "days", "months", "minutes")
LIMIT_NAMES = {"working_days": "个工作日", "days": "日", "months": "个月", "minutes": "分钟"}


# ---------------------------------------------------------------- catalogue views


def find_bundle(ref: str | int) -> catalogue.Bundle:
    """A bundle by its number (1–10) or its name."""
    for b in catalogue.bundles():
        if str(b.seq) == str(ref).strip() or b.name == str(ref).strip():
            return b
    names = "、".join(b.name for b in catalogue.bundles())
    raise NotFound(f"没有这个“一件事”：{ref}（可选：{names}）", "bundle")


def applicant_refusal(kind: str, bundle: catalogue.Bundle) -> str | None:
    """Why an account of ``kind`` (citizen 个人 / enterprise 单位) may not apply for ``bundle``, in Chinese, or None
    when it may (data/services/bundle_applicants.yaml, read from 附件1's row of the bundle)."""
    who = catalogue.bundle_applicants()[bundle.seq]
    if kind in who.kinds:
        return None
    if "enterprise" in who.kinds:
        # the reason (由招用员工的单位办理) would only repeat the sentence: the 依据 line of the page cites the row
        return (f"“{bundle.name}”由用人单位以单位账号办理，个人账号不能申请。"
                "如您是单位的经办人，请使用单位账号登录后办理。")
    return f"“{bundle.name}”须由本人以个人账号办理（{who.reason}），单位账号不能申请。"


def require_may_apply(applicant: Applicant, bundle: catalogue.Bundle) -> None:
    """The one check of who may apply for a bundle, for the pages and the API alike: :class:`Forbidden`."""
    why = applicant_refusal(applicant.kind, bundle)
    if why:
        raise Forbidden(why, "bundle")


def _field_list(bundle: catalogue.Bundle) -> catalogue.FieldList | None:
    return next((f for f in catalogue.field_lists() if f.seq == bundle.seq), None)


@dataclass
class FormField:
    name: str
    required: bool
    used_by: list[str] = field(default_factory=list)  # the form entries (services) that ask for it
    hint: str | None = None  # a question the system adds (not in the reference form) says why it asks


@dataclass
class FormSpec:
    """A bundle's one form: each fact once, the services to tick (and the items each ticks), the source."""

    bundle: str
    fields: list[FormField]
    services: list[dict]
    fields_listed: int  # how many times the reference form lists a field, duplicates included
    source: dict | None
    service_items: dict[str, tuple[str, ...]] = field(default_factory=dict)  # label → item keys it stands for
    when_ticked: dict[str, str] = field(default_factory=dict)  # label → the service it depends on


def form_spec(bundle: catalogue.Bundle) -> FormSpec:
    """The one form of ``bundle``: a fact printed under several services is asked once (一张表单), unless the
    form's readings (data/services/form_readings.yaml) make it a different fact per service (票据数 of the
    outpatient and of the inpatient bills) or give it the qualifier its line gives (继承人证件号码)."""
    return _form_spec(bundle.seq)


@lru_cache(maxsize=16)
def _form_spec(seq: int) -> FormSpec:
    bundle = find_bundle(seq)
    fl = _field_list(bundle)
    if fl is None:
        return FormSpec(bundle.name, [], [], 0, None)
    reading = catalogue.form_reading(seq)
    fields: dict[str, FormField] = {}
    services: list[dict] = []
    listed = 0
    for section in fl.sections:
        basic = section.title.endswith("基本信息")
        stack = list(section.entries)
        while stack:
            e = stack.pop(0)
            stack[:0] = list(e.entries)
            label = reading.renamed_services.get(e.line, e.label)
            owner = label or section.title
            if label and (e.checkable or e.default_checked or e.automatic):
                services.append({"name": label, "default_checked": e.default_checked, "checkable": e.checkable,
                                 "automatic": e.automatic, "conditions": list(e.conditions), "line": e.line})
            bare = next((f for f in reading.fields if f["line"] == e.line), None)
            named = [(bare["name"], bare["used_by"])] if bare else []
            for f in e.fields:
                name = reading.renamed_fields.get((e.line, f.name), f.name)
                if e.line in reading.distinct.get(f.name, ()):
                    name = f"{name}（{owner}）"  # the same word, another fact: one per service
                named.append((name, owner))
            for name, used_by in named:
                listed += 1
                ff = fields.setdefault(name, FormField(name, basic and not e.checkable))
                if used_by not in ff.used_by:
                    ff.used_by.append(used_by)
    for sf in catalogue.system_fields():
        if sf.item in bundle.codes():
            fields[sf.name] = FormField(sf.name, False, [sf.used_by], sf.hint)
    known = {s["name"] for s in services}
    return FormSpec(bundle.name, list(fields.values()), services, listed, fl.source.as_dict(),
                    {k: v for k, v in reading.services.items() if k in known},
                    {k: v for k, v in reading.when_ticked.items() if k in known})


@dataclass(frozen=True)
class PlannedItem:
    key: str  # code, or the group's name when it has none
    code: str | None
    name: str
    group: str | None


def _bundle_index(bundle: catalogue.Bundle) -> dict[str, PlannedItem]:
    """Every item of the bundle by key and by name: top-level items (a group as one) and the groups' sub-items."""
    index: dict[str, PlannedItem] = {}
    for i in bundle.items:
        index[i.code or i.name] = PlannedItem(i.code or i.name, i.code, i.name, None)
        index.setdefault(i.name, index[i.code or i.name])
        for sub in i.items:
            p = PlannedItem(sub.code or sub.name, sub.code, sub.name, i.name)
            index[p.key] = p
            index.setdefault(sub.name, p)
    return index


def plan_items(bundle: catalogue.Bundle, chosen: list[str] | None) -> list[PlannedItem]:
    """The tasks of a case: every top-level item (a group as one task), or the chosen codes/names,
    where a group's sub-items may be chosen one by one."""
    top = [PlannedItem(i.code or i.name, i.code, i.name, None) for i in bundle.items]
    if not chosen:
        return top
    index = _bundle_index(bundle)
    out: list[PlannedItem] = []
    for n, ref in enumerate(chosen):
        p = index.get(ref.strip())
        if p is None:
            raise Invalid(f"“{bundle.name}”不含事项：{ref}", f"items[{n}]")
        if p not in out:
            out.append(p)
    return out


def is_ticked(value: object) -> bool:
    """A service's tick as the form carries it: True (JSON, or the page's checkbox), or a word meaning yes."""
    return value is True or (isinstance(value, str) and value.strip() in ("1", "true", "on", "是"))


def ticks_stated(bundle: catalogue.Bundle, form: dict) -> bool:
    """Whether the form says which services it wants: it names at least one service to tick (ticked or not)."""
    spec = form_spec(bundle)
    return any(s["name"] in form for s in spec.services if not (s["automatic"] and not s["checkable"]))


def ticked_services(bundle: catalogue.Bundle, form: dict) -> list[str]:
    """The services the form asks for: a service the applicant may tick is ticked when the form says so, or,
    when the form leaves it out, when it is 默认勾选; an 自动办理 service is done whenever the form does not
    make it depend on another (价格临时补贴: 对勾选“失业保险金申领”人员); a dependent one never without the
    service it depends on (代缴失业人员医疗保险费: 如勾选“失业保险金申领”, 此项默认勾选)."""
    spec = form_spec(bundle)
    by_name = {s["name"]: s for s in spec.services}

    def ticked(name: str, depth: int = 0) -> bool:
        s = by_name[name]
        needs = spec.when_ticked.get(name)
        if needs and (depth > 3 or not ticked(needs, depth + 1)):
            return False
        if s["automatic"] and not s["checkable"]:
            return True
        return is_ticked(form[name]) if name in form else s["default_checked"]

    return [name for name in by_name if ticked(name)]


def plan_case(bundle: catalogue.Bundle, form: dict, chosen: list[str] | None) -> list[PlannedItem]:
    """The tasks of a case, as the one form and the item choice decide them together.

    The form's ticks decide every item a service of the form stands for (人社部发〔2021〕23号:
    “方便企业群众根据需要自主勾选”, chongqing-hrss-2021.txt:3662): a ticked service's items get their tasks —
    also one outside the bundle's 附件1 row that the form offers (社会保障卡申领 in 失业) — and an unticked
    one's get none, whatever the item choice said. The item choice (``chosen``; every item when None)
    decides the items no service stands for. A form that names no service at all has not made that choice:
    the item choice alone decides, as before the forms had ticks."""
    base = plan_items(bundle, chosen)
    if not ticks_stated(bundle, form):
        return base
    spec = form_spec(bundle)
    index = _bundle_index(bundle)
    controlled = {k for keys in spec.service_items.values() for k in keys}
    picked = {p.key for p in base} | {p.group for p in base if p.group} if chosen else set()
    wanted: list[str] = []
    for name in ticked_services(bundle, form):
        keys = spec.service_items.get(name, ())
        # one service may stand for several items (社保关系转入: the pension transfer and 1.8.8); where the item
        # page chose some of them, the tick keeps that choice
        wanted += [k for k in keys if k in picked] or list(keys)
    groups = {i.code or i.name: [s.code or s.name for s in i.items] for i in bundle.items if i.items}

    def decided(p: PlannedItem) -> bool:  # a service of the form stands for it (or for every part of it)
        subs = groups.get(p.key)
        return p.key in controlled or (p.group is not None and p.group in controlled) or \
            (bool(subs) and all(s in controlled for s in subs))

    out = [p for p in base if not decided(p)]
    out += [p for p in base if decided(p) and (p.key in wanted or p.group in wanted)]
    for key in wanted:
        if key in groups and any(p.group == key for p in out):
            continue  # the group was narrowed to some of its sub-items on the item page
        p = index.get(key) or _outside_item(key)
        if p not in out:
            out.append(p)
    order = {p.key: n for n, p in enumerate(index.values())}
    out.sort(key=lambda p: order.get(p.key, len(index)))  # items outside the bundle last, in tick order
    if not out:
        raise Invalid("请至少勾选一项需要办理的服务", "form")
    return out


def _outside_item(code: str) -> PlannedItem:
    """An item the form offers outside its bundle's 附件1 row, named as 附件1 names it in another bundle."""
    for b in catalogue.bundles():
        p = _bundle_index(b).get(code)
        if p is not None:
            return PlannedItem(p.key, p.code, p.name, None)
    raise Invalid(f"服务目录中没有这个事项：{code}", "form")


@dataclass(frozen=True)
class ItemLimit:
    kind: str | None  # working_days | days | months | minutes; None when unknown
    value: int | None
    basis: str | None  # 提速目标 | 法定时限
    note: str | None


@lru_cache(maxsize=1024)
def item_limit(code: str | None, on: dt.date | None = None, *, cross_province: bool | None = None,
               region: str | None = None) -> ItemLimit:
    """The limit a task of item ``code`` started on day ``on`` counts with, for a case of ``region``: the
    national texts' (:func:`national_limit`), unless the region's own text in force that day prints a limit
    (data/services/regional_limits.yaml, e.g. 山东 鲁人社函〔2020〕41号 for 1.8.1) and the national texts give
    none, or one of the same kind that is not shorter — a region's text does not relax a national limit."""
    national = national_limit(code, on, cross_province=cross_province)
    own = catalogue.regional_limits(code, region, on)
    if not own:
        return national
    r = own[-1]
    doc, words = r["source"]["doc_no"], _limit_text(r["kind"], r["value"])
    place = regions.label(r["region"]).split("（")[0]
    if national.kind is None or (national.kind == r["kind"] and r["value"] <= (national.value or 0)):
        said = "；".join(filter(None, [f"{place}{doc}：“{r['quote']}”", r.get("scope"),
                                       f"全国规定：{_limit_text(national.kind, national.value)}（"
                                       + "；".join(filter(None, [national.basis, national.note])) + "）"
                                       if national.kind else None]))
        return ItemLimit(r["kind"], r["value"], doc, said)
    why = "长于全国规定" if national.kind == r["kind"] else "与全国规定计法不同"
    note = "；".join(filter(None, [national.note, f"{place}{doc}规定{words}（{why}，地方文件不放宽全国规定），按全国规定计算"]))
    return ItemLimit(national.kind, national.value, national.basis, note)


@lru_cache(maxsize=1024)
def national_limit(code: str | None, on: dt.date | None = None, *, cross_province: bool | None = None) -> ItemLimit:
    """The limit a task of item ``code`` started on day ``on`` counts with under the national texts in force
    that day:

    - a later text's limit for the cases within its scope (the catalogue's ``dated``: 人社厅发〔2021〕85号 gives
      1.8.8 5 working days per office from 2021-11-09, for 跨省 transfers only — ``cross_province``; basis its
      文号, since a 部办公厅 notice is no statute);
    - the branch every 一件事 case is in (``case_limit``: a 社保卡 case is one person's card, 零星制发);
    - from 附件2's day (2020-04-21) on: its target, else its statutory limit; before that day 附件2's
      targets did not exist yet: a dated text then in force (guides.yaml), else 附件2's 当前规定 column;
    - another dated text in force that day that gives the number 附件2 does not (财金〔2020〕21号 for 2.5.2);
    - unknown otherwise. Without ``on`` every text counts, whatever its date.

    Memoised: the catalogue never changes at run time and every submission asks again for each item."""
    if code is None:
        return ItemLimit(None, None, None, "事项组未选定具体子项，时限未知")
    try:
        s = catalogue.speedup_item(code)
    except KeyError:
        s = None
    texts = catalogue.text_limits(code, on)
    if s is None and not texts:
        return ItemLimit(None, None, None, "不在“提速办”服务事项备选清单内，时限未知")
    later = s.dated_on(on) if s is not None and on else None
    outside = None  # a later text in force that day whose scope this case is not known to be in
    if later is not None:
        if later.scope is None or (later.scope == "跨省" and cross_province):
            return ItemLimit(later.limit.kind, later.limit.value, later.source.doc_no,
                             f"{later.source.doc_no}自{later.start:%Y年%m月%d日}起：{later.text}")
        said = "未说明是否" if cross_province is None else "非"
        outside = (f"{said}{later.scope}转移：按人社部发〔2020〕26号附件2；{later.source.doc_no}"
                   f"自{later.start:%Y年%m月%d日}起只适用于{later.text}")
    if s is not None and s.case_limit is not None:
        c = s.case_limit
        return ItemLimit(c.limit.kind, c.limit.value, c.basis, c.note)
    if s is not None and (on is None or on >= catalogue.SPEEDUP_DATE):
        for basis, limit, printed in (("提速目标", s.target, s.target_text), ("法定时限", s.statutory, s.statutory_text)):
            if limit.kind in NUMERIC_LIMITS:
                notes = [outside] if outside else []
                if str(limit.value) not in printed.replace(" ", ""):  # a reading (即时办结 → 30 分钟): say so
                    notes.append(f"附件2原文：“{printed}”；{s.reading}")
                if any((c.kind, c.value) != (limit.kind, limit.value) for c in limit.conditions):
                    notes.append("按一般时限；另有条件时限：" + "；".join(
                        f"{c.when}：{branch_text(c.kind, c.value)}" for c in limit.conditions))
                return ItemLimit(limit.kind, limit.value, basis, "；".join(notes) or None)
    if texts:  # another text that gives the number (the latest in force that day)
        last = texts[-1]
        before = "" if s is None else f"附件2：{s.target_text}；"
        return ItemLimit(last["kind"], last["value"], last["source"]["doc_no"],
                         f"{before}按{last['source']['doc_no']}：“{last['quote']}”")
    if s is not None and s.statutory.kind in NUMERIC_LIMITS:  # before 附件2: the limit it calls 当前规定
        return ItemLimit(s.statutory.kind, s.statutory.value, "法定时限",
                         f"人社部发〔2020〕26号（{catalogue.SPEEDUP_DATE:%Y年%m月%d日}）以前，按其附件2所列"
                         f"当前规定的办结时限：{s.statutory_text}")
    if s is None:
        return ItemLimit(None, None, None, "不在“提速办”服务事项备选清单内，时限未知")
    note = f"提速目标：{s.target_text}；法定时限：{s.statutory_text}（无具体时限）"
    if on is not None and on < catalogue.SPEEDUP_DATE:
        note = f"{on:%Y年%m月%d日}时人社部发〔2020〕26号尚未印发，也无其他文件规定具体时限"
    return ItemLimit(None, None, None, note)


def case_facts(code: str | None, form: dict) -> dict:
    """What the form says that chooses between a text's limits for item ``code``: whether a 1.8.8 transfer is
    跨省 (人社厅发〔2021〕85号 applies to nothing else), from the question the system adds to the form."""
    for sf in catalogue.system_fields():
        if sf.item == code:
            answer = str(form.get(sf.name) or "").strip()
            return {"cross_province": {"是": True, "否": False}.get(answer)}
    return {}


NO_NUMBER = "未给具体时限"  # a branch the text names without a number (“加快推进网上申领”): not “无”, no service


def branch_text(kind: str, value: int | None) -> str:
    """A branch of a limit (现场办理 / 网上申领 …) in words: its number, or that the text gives none."""
    return NO_NUMBER if kind == "none" and value is None else _limit_text(kind, value)


def _limit_text(kind: str, value: int | None) -> str:
    if value is None:
        return "各地制定" if kind == "local" else "无"
    return f"{value}{LIMIT_NAMES[kind]}"


def _deadline_day(kind: str, value: int, start: dt.date) -> sla.Due:
    # keyed by the calendar's generation: an entered 节假日安排 changes the answers at once
    return _deadline_day_of(kind, value, start, sla.generation())


@lru_cache(maxsize=8192)
def _deadline_day_of(kind: str, value: int, start: dt.date, _generation: int) -> sla.Due:
    # memoised: every submission of a day asks the same few questions, and walking the calendar is slow.
    return sla.estimate(start, **{kind: value})


class DueAt(NamedTuple):
    """A task's deadline (None: its limit is unknown), the note the task shows, and whether the deadline is
    provisional (counted while a year's 节假日安排 was unknown, :func:`kuaiban.platform.calendar.estimate`)."""

    at: dt.datetime | None
    note: str | None
    provisional: bool = False


def due_at(limit: ItemLimit, start: dt.datetime) -> DueAt:
    """The moment a task is late after: a deadline day ends at 23:59:59; minutes are exact. Where a year's
    节假日安排 is not known yet the deadline is provisional and the note says so (recomputed by
    :func:`recompute_provisional` when the year is entered)."""
    if limit.kind is None or limit.value is None:
        return DueAt(None, limit.note)
    if limit.kind == "minutes":
        d = sla.estimate(start, minutes=limit.value)
        return DueAt(d.value, _provisional_note(limit.note, d.provisional), d.provisional)
    d = _deadline_day(limit.kind, limit.value, start.date())
    return DueAt(dt.datetime.combine(d.value, dt.time(23, 59, 59)), _provisional_note(limit.note, d.provisional),
                 d.provisional)


PROVISIONAL_PREFIX = f"期限为临时推算：{sla.PROVISIONAL_NOTE}"


def _provisional_note(note: str | None, provisional: bool) -> str | None:
    base = (note or "").removeprefix(PROVISIONAL_PREFIX).lstrip("；") or None
    if not provisional:
        return base
    return PROVISIONAL_PREFIX + (f"；{base}" if base else "")


def recompute_provisional(session: Session, year: int | None = None) -> int:
    """Recompute the provisional deadlines of open tasks (and their cases) now that ``year``'s 节假日安排 is
    known (None: whichever became known): called by :func:`kuaiban.platform.holidays.recompute` in its transaction. Returns how many
    tasks changed. A deadline still reaching an unknown year stays provisional (recomputed again later)."""
    changed = 0
    tasks = session.scalars(select(Task).where(Task.due_provisional.is_(True),
                                               Task.state.not_in(FINAL_TASK_STATES))).all()
    cases: set[int] = set()
    for task in tasks:
        if task.handoff_ref:  # a handed-off item's deadline is its receiver's: kuaiban.handoffs copies it
            continue
        new = due_at(ItemLimit(task.limit_kind, task.limit_value, task.limit_basis, task.limit_note), task.started_at)
        task.due_at, task.limit_note, task.due_provisional = new.at, new.note, new.provisional
        cases.add(task.case_id)
        changed += 1
    session.flush()
    for case in session.scalars(select(Case).where(Case.id.in_(cases))).all():
        _set_case_due(case)
    session.flush()
    return changed


def set_handed_off_due(session: Session, ref: str, due: dt.datetime | None, provisional: bool) -> None:
    """The receiver of a handed-off item recomputed its deadline (:func:`recompute_provisional`'s counterpart)."""
    for task in session.scalars(select(Task).where(Task.handoff_ref == ref)).all():
        task.due_at, task.due_provisional = due, provisional
        session.flush()
        _set_case_due(task.case)


def _set_case_due(case: Case) -> None:
    dues = [t.due_at for t in case.tasks]
    case.due_at = None if any(d is None for d in dues) else max(dues)
    case.due_provisional = any(t.due_provisional for t in case.tasks if t.due_at is not None)


def commitment_rows(item_name: str, material: str, adopted: Collection[int]) -> list[catalogue.Commitment]:
    """Rows of the 告知承诺制 list allowing ``material`` of item ``item_name`` to be replaced, among the rows the
    region ``adopted`` (:func:`adopted_commitments`): the list of 人社厅发〔2020〕110号 is 部本级 — addressed to
    部属各单位 (hunan-hrss-2020.txt:903), “针对部本级直接面向企业群众…事项” (915) — and binds no local office by itself."""
    return [c for c in catalogue.commitments()
            if c.seq in adopted and item_name in (c.sub_item, c.item) and material in c.certificates]


def all_commitment_rows(item_names: Collection[str]) -> list[catalogue.Commitment]:
    """Every row of the 部本级 list for the items (shown for reference, adopted or not)."""
    return [c for c in catalogue.commitments() if c.sub_item in item_names or c.item in item_names]


COMMITMENT_KEY = "commitment_row:"  # svc_region_settings key of an adopted row: commitment_row:<seq> → basis


def adopted_commitments(session: Session, region: str | None) -> dict[int, str]:
    """The rows of the 部本级 list ``region`` applies, with the basis it recorded: its own adoption, or that of
    the nearest region above it (a county follows its city, a city its province)."""
    if not region:
        return {}
    chain = [region] + [a.code for a in reversed(regions.ancestors(region))]
    rows = session.execute(select(RegionSetting.region, RegionSetting.key, RegionSetting.value)
                           .where(RegionSetting.region.in_(chain),
                                  RegionSetting.key.startswith(COMMITMENT_KEY))).all()
    out: dict[int, tuple[int, str]] = {}
    for where, key, basis in rows:
        seq, level = int(key.removeprefix(COMMITMENT_KEY)), chain.index(where)
        if seq not in out or level < out[seq][0]:
            out[seq] = (level, basis)
    return {seq: basis for seq, (_, basis) in out.items()}


def adopt_commitment(session: Session, region: str, seq: int, *, basis: str, actor: User) -> None:
    """A region applies row ``seq`` of the 部本级 list, on the basis of its own decision or list (required)."""
    region = _configured_region(actor, region)
    if not any(c.seq == seq for c in catalogue.commitments()):
        raise NotFound(f"告知承诺制清单没有第 {seq} 项", "seq")
    basis = (basis or "").strip()
    if not basis:
        raise Invalid("请填写本地区采用该清单条目的依据（本地区的文件或清单）", "basis")
    if len(basis) > 200:
        raise Invalid("采用依据不超过 200 字", "basis")
    key = f"{COMMITMENT_KEY}{seq}"
    row = session.scalar(select(RegionSetting).where(RegionSetting.region == region, RegionSetting.key == key))
    if row is None:
        session.add(RegionSetting(region=region, key=key, value=basis))
    else:
        row.value = basis
    audit.record(session, "adopt_commitment", "item", None, actor=actor, at=audit.now(), region=region, seq=seq,
                 basis=basis)


def drop_commitment(session: Session, region: str, seq: int, *, actor: User) -> None:
    """The region no longer applies row ``seq`` (cases already submitted keep their commitments)."""
    region = _configured_region(actor, region)
    row = session.scalar(select(RegionSetting).where(RegionSetting.region == region,
                                                     RegionSetting.key == f"{COMMITMENT_KEY}{seq}"))
    if row is None:
        raise NotFound(f"本地区未采用告知承诺制清单第 {seq} 项", "seq")
    session.delete(row)
    session.flush()
    audit.record(session, "drop_commitment", "item", None, actor=actor, at=audit.now(), region=region, seq=seq)


def adoption_of(rows: list[catalogue.Commitment], adopted: dict[int, str]) -> str | None:
    return "；".join(dict.fromkeys(adopted[r.seq] for r in rows if r.seq in adopted)) or None


# ---------------------------------------------------------------- configuration by region


def _configured_region(actor: User, text: str) -> str:
    """The region code a supervisor configures: what they wrote, resolved, and within their own scope."""
    require_role(actor, SUPERVISOR)
    code = regions.resolve(text)
    access.require_serves(actor, code, f"地区 {regions.label(code)} 的配置")
    return code


def route(session: Session, region: str, item_key: str, agency: str, *, actor: User) -> None:
    region = _configured_region(actor, region)
    row = session.scalar(select(ItemRoute).where(ItemRoute.region == region, ItemRoute.item_key == item_key))
    if row is None:
        session.add(ItemRoute(region=region, item_key=item_key, agency=agency))
    else:
        row.agency = agency
    audit.record(session, "route_item", "item", None, actor=actor, at=audit.now(), region=region, item=item_key,
                 agency=agency)


def require_material(session: Session, region: str, item_key: str, material: str, *, basis: str | None,
                     actor: User) -> None:
    region = _configured_region(actor, region)
    if not material.strip():
        raise Invalid("材料名称不能为空", "material")
    if handoffs.is_handed_off(item_key):
        # 人社厅发〔2020〕79号 一（二） (shandong-2020.txt:5433): “不得要求失业人员提供除本人身份证件以外其他证明……”
        raise Invalid(f"“{handoffs.HANDED_OFF[item_key]}”不得要求提供除本人有效身份证件以外的材料"
                      "（人社厅发〔2020〕79号 一（二））", "material")
    exists = session.scalar(select(ItemMaterial.id).where(
        ItemMaterial.region == region, ItemMaterial.item_key == item_key, ItemMaterial.material == material))
    if exists is None:
        session.add(ItemMaterial(region=region, item_key=item_key, material=material, basis=basis))
        audit.record(session, "require_material", "item", None, actor=actor, at=audit.now(), region=region,
                     item=item_key, material=material, basis=basis)


def material_plan(session: Session, region: str | None, items: list[PlannedItem]) -> dict[str, list[PlannedItem]]:
    """Each material once, with the items that need it (in the order the items ask for them)."""
    return _region_setup(session, region, items)[0]


@lru_cache(maxsize=32)
def _region_setup_query(n_regions: int, n_keys: int):
    """The region chain's materials (kind 0) and routes (kind 1) for the items, and the calendar's version
    (kind 2, one row, in the id column), one statement per size of the region chain and of the item list.

    Built once per size, with one bound parameter per value instead of SQLAlchemy's "expanding" IN, which
    renders the SQL again on every execution; :func:`_region_setup` pads the values to a few sizes.
    SQLAlchemy then reuses the compiled SQL without walking the statement for its cache key."""
    m, r = ItemMaterial.__table__, ItemRoute.__table__
    within = [bindparam(f"r{n}") for n in range(n_regions)]
    keys = [bindparam(f"k{n}") for n in range(n_keys)]
    return union_all(
        select(literal(0).label("kind"), m.c.item_key, m.c.material.label("value"), m.c.region, m.c.id)
        .where(m.c.region.in_(within), m.c.item_key.in_(keys)),
        select(literal(1), r.c.item_key, r.c.agency, r.c.region, r.c.id)
        .where(r.c.region.in_(within), r.c.item_key.in_(keys)),
        # the version a submission hands to holidays.sync: no round trip of its own
        select(literal(2), literal(""), literal(""), literal(""), holidays.version_column()),
    ).order_by("kind", "id")


def _padded(values: list[str], size: int, prefix: str) -> dict[str, str]:
    """``values`` as parameters ``prefix0 …`` padded to ``size`` by repeating the first (IN ignores repeats)."""
    return {f"{prefix}{n}": values[n] if n < len(values) else values[0] for n in range(size)}


def _region_setup(session: Session, region: str | None, items: list[PlannedItem]
                  ) -> tuple[dict[str, list[PlannedItem]], dict[str, str]]:
    plan, routes, _version = _submission_setup(session, region, items)
    return plan, routes


def _submission_setup(session: Session, region: str | None, items: list[PlannedItem]
                      ) -> tuple[dict[str, list[PlannedItem]], dict[str, str], int | None]:
    """The region's material plan for ``items``, the agencies it routes them to, and the working-day
    calendar's version (for :func:`holidays.sync`), in one query.

    A county without its own setting for an item follows its city's, a city its province's: for each
    item, the materials and the agency of the nearest region above (or at) ``region`` that set them."""
    by_key = {i.key: i for i in items}
    chain = [region] + [a.code for a in reversed(regions.ancestors(region))] if region else [""]
    nearest = {code: n for n, code in enumerate(chain)}
    keys = list(by_key) or [""]  # no item: "" matches no configured item key that matters (skipped below)
    n_regions, n_keys = max(3, len(chain)), max(8, 1 << (len(keys) - 1).bit_length())
    params = _padded(chain, n_regions, "r") | _padded(keys, n_keys, "k")
    rows = session.connection().execute(_region_setup_query(n_regions, n_keys), params).all()
    version = next((row[4] for row in rows if row[0] == 2), None)
    rows = [row for row in rows if row[0] != 2 and row[1] in by_key]
    level: dict[tuple[int, str], int] = {}
    for kind, key, _value, where, _ in rows:
        level[kind, key] = min(level.get((kind, key), len(chain)), nearest[where])
    plan: dict[str, list[PlannedItem]] = {}
    routes: dict[str, str] = {}
    for kind, key, value, where, _ in rows:
        if nearest[where] != level[kind, key]:
            continue  # a nearer region set this item
        if kind == 0 and handoffs.is_handed_off(key):
            continue  # no material beyond the ID for a handed-off item (see require_material)
        if kind == 0:
            plan.setdefault(value, []).append(by_key[key])
        else:
            routes[key] = value
    return plan, routes, version


# ---------------------------------------------------------------- submission


def commitment_text(applicant: Applicant, item: str, certificate: str, rows: list[catalogue.Commitment], *,
                    adoption: str | None = None, office: str | None = None) -> str:
    """The 告知承诺书 (kuaiban.services.commitment_terms): what 110号 requires it to tell, then the promise."""
    return commitment_terms.text(applicant.name, item, certificate, rows, adoption, office)


def _sign(text: str, signer: str, at: dt.datetime) -> str:
    return hashlib.sha256(f"{text}\n{signer}\n{at.isoformat()}".encode()).hexdigest()


def submit(session: Session, user: User, bundle_ref: str | int, form: dict, *, items: list[str] | None = None,
           materials: dict[str, str] | None = None, commit_instead: list[str] | None = None,
           at: dt.datetime | None = None, item_forms: dict[str, dict] | None = None) -> Case:
    """Apply for a bundle: one case, its materials and commitments, one task per item — all in the
    caller's transaction, so a failure anywhere leaves nothing behind.

    The rows are written with plain INSERTs, not through the ORM's unit of work (see :func:`_write_case`),
    and the returned :class:`Case` (with its tasks, materials, commitments and applicant) is attached to
    the session as already stored.

    An item another part of kuaiban handles (:mod:`kuaiban.services.handoffs`, the 失业 一件事's 失业登记) is
    filed there in the same transaction, from the form and its own part of it (``item_forms[code]``); its
    task is 已受理 with the number it got there and follows that decision."""
    return _submit(session, user, bundle_ref, form, items=items, materials=materials, commit_instead=commit_instead,
                   at=at, as_objects=True, item_forms=item_forms)


def submit_rows(session: Session, user: User, bundle_ref: str | int, form: dict, *,
                items: list[str] | None = None, materials: dict[str, str] | None = None,
                commit_instead: list[str] | None = None, at: dt.datetime | None = None,
                item_forms: dict[str, dict] | None = None) -> SimpleNamespace:
    """:func:`submit`, returning the stored rows as plain objects (what :func:`case_dict` reads) instead of
    ORM objects attached to the session: for the API, which only turns them into its answer. Building and
    attaching the 15 ORM objects was about a tenth of a submission's CPU when profiled."""
    return _submit(session, user, bundle_ref, form, items=items, materials=materials, commit_instead=commit_instead,
                   at=at, as_objects=False, item_forms=item_forms)


def _handoff_requests(session: Session, user: User, applicant: Applicant, form: dict, planned: list[PlannedItem],
                      item_forms: dict[str, dict], number: str, at: dt.datetime
                      ) -> list[tuple[handoffs.Receiver, handoffs.Request]]:
    """The handed-off items chosen, with their receivers; :class:`Invalid` with every problem of their data."""
    handed = [p for p in planned if handoffs.is_handed_off(p.code)]
    for code in item_forms:
        if code not in {p.code for p in handed}:
            raise Invalid(f"所选事项不含“{code}”，无需填写其表单", f"item_forms.{code}")
    chosen = tuple(p.code or p.key for p in planned)
    pairs = [(handoffs.receiver(str(p.code)),
              handoffs.Request(number, str(p.code), p.name, user, applicant, form, dict(item_forms.get(p.code) or {}),
                               chosen, at)) for p in handed]
    problems = [e for receiver, request in pairs for e in receiver.errors(session, request)]
    if problems:
        raise Invalid(problems[0]["detail"], problems[0]["field"], errors=problems)
    return pairs


def handoff_errors(session: Session, user: User, bundle_ref: str | int, form: dict, items: list[str] | None,
                   item_forms: dict[str, dict] | None, at: dt.datetime | None = None) -> list[dict]:
    """Every problem of the handed-off items' data, for a page to show beside each field at once."""
    applicant = session.get(Applicant, user.applicant_id)
    bundle = find_bundle(bundle_ref)
    form, _ = form_errors(bundle.seq, applicant, form)
    try:
        _handoff_requests(session, user, applicant, form, plan_items(bundle, items), dict(item_forms or {}), "",
                          at or audit.now())
    except Invalid as exc:
        return list(exc.errors or [{"field": exc.field, "detail": exc.message}])
    return []


def _submit(session: Session, user: User, bundle_ref: str | int, form: dict, *, items: list[str] | None,
            materials: dict[str, str] | None, commit_instead: list[str] | None, at: dt.datetime | None,
            as_objects: bool, item_forms: dict[str, dict] | None = None):
    require_role(user, APPLICANT)
    applicant = session.get(Applicant, user.applicant_id)
    bundle = find_bundle(bundle_ref)
    require_may_apply(applicant, bundle)
    form = checked_form(bundle.seq, applicant, form)
    planned = plan_case(bundle, form, items)
    plan, routes, calendar_version = _submission_setup(session, applicant.region, planned)
    materials = dict(materials or {})
    commit_instead = list(commit_instead or [])
    for name in materials:
        if name not in plan:
            raise Invalid(f"本件无需提交材料：{name}", f"materials.{name}")
    material_files.check_references(session, applicant.id, materials)  # a file this applicant uploaded, each
    at = at or audit.now()
    number = f"KB{at:%Y%m%d}{uuid.uuid4().hex[:10].upper()}"
    handing = _handoff_requests(session, user, applicant, form, planned, dict(item_forms or {}), number, at)

    commitments: list[dict] = []
    adopted: dict[int, str] = {}
    if commit_instead:
        credit.require_may_commit(session, applicant.id)
        adopted = adopted_commitments(session, applicant.region)
    for n, name in enumerate(commit_instead):
        if name not in plan:
            raise Invalid(f"本件无需提交材料：{name}", f"commitments[{n}]")
        needing = plan[name]
        allowed = [(i, rows) for i in needing if (rows := commitment_rows(i.name, name, adopted))]
        if len(allowed) != len(needing):
            raise Invalid(f"“{name}”不在本地区采用的证明事项告知承诺制清单内，不能以承诺代替", f"commitments[{n}]")
        for item, rows in allowed:
            text = commitment_text(applicant, item.name, name, rows, adoption=adoption_of(rows, adopted),
                                   office=routes.get(item.key))
            commitments.append(dict(
                item_name=item.name, certificate=name, text=text, signer=applicant.name, signed_at=at,
                signature=_sign(text, applicant.name, at), source=rows[0].source.as_dict() | {"seq": rows[0].seq},
                verification_state=TO_VERIFY, verified_by=None, verified_at=None, verification_note=None))
    asked = [dict(name=name, needed_by=[i.key for i in needing],
                  status=(s := COMMITTED if name in commit_instead else PROVIDED if name in materials else MISSING),
                  reference=materials.get(name), provided_at=at if s == PROVIDED else None)
             for name, needing in plan.items()]
    tasks: list[dict] = []
    # a year a supervisor entered since this process looked (≤ 90 days); the version was read with the region's setup
    holidays.sync(session, within_a_year_of=at, version=calendar_version)
    # filed where they are handled, in this transaction (a failure below rolls them back with the case)
    handed = {request.item_code: receiver.file(session, request) for receiver, request in handing}
    for p in planned:
        limit = item_limit(p.code, at.date(), region=applicant.region, **case_facts(p.code, form))
        due, note, provisional = due_at(limit, at)
        h = handed.get(p.code or "")
        tasks.append(dict(item_code=p.code, item_name=p.name, group_name=p.group, agency=routes.get(p.key),
                          state=ACCEPTED if h else SUBMITTED, version=1, limit_kind=limit.kind,
                          limit_value=limit.value, limit_basis=limit.basis, limit_note=note, started_at=at,
                          due_at=h.due_at if h else due,
                          due_provisional=h.due_provisional if h else provisional, completed_at=None, last_actor_id=None,
                          last_reason=h.note if h else None, correction_notice=None, correction_due=None,
                          handoff_ref=h.ref if h else None))
    dues = [t["due_at"] for t in tasks]
    case = dict(number=number, applicant_id=applicant.id,
                region=applicant.region, bundle_seq=bundle.seq, bundle_name=bundle.name, status=CASE_OPEN,
                form=form, submitted_at=at, completed_at=None, version=1,
                due_at=None if any(d is None for d in dues) else max(dues),
                due_provisional=any(t["due_provisional"] for t in tasks if t["due_at"] is not None),
                materials_asked=len(plan), materials_required=sum(len(v) for v in plan.values()),
                materials_committed=len(set(commit_instead)))
    _write_case(session, case, tasks, asked, commitments)
    notices.received(session, applicant_id=applicant.id, number=case["number"], bundle=bundle.name,
                     items=len(tasks), missing=[m["name"] for m in asked if m["status"] == MISSING],
                     due=case["due_at"], at=at, provisional=case["due_provisional"])
    if as_objects:
        # the returned objects are built before the audit entry, not after: they cost about a millisecond of
        # CPU, which would otherwise be spent holding the audit chain's lock (every other submission waits)
        stored = _attach(session, Case, case, applicant=applicant, tasks=[_attach(session, Task, t) for t in tasks],
                         materials=[_attach(session, Material, m) for m in asked],
                         commitments=[_attach(session, Commitment, c) for c in commitments])
        session.add(stored)  # with its tasks, materials and commitments (cascade), as persistent objects
    else:  # rows read like objects, as case_view's; the applicant's kind and name are all case_dict shows of it
        stored = SimpleNamespace(**case, applicant=SimpleNamespace(kind=applicant.kind, name=applicant.name),
                                 tasks=[SimpleNamespace(**t) for t in tasks],
                                 materials=[SimpleNamespace(**m) for m in asked],
                                 commitments=[SimpleNamespace(**c) for c in commitments])
    # last write of the step: on PostgreSQL the audit chain's lock is held from here to the commit
    audit.record(session, "submit", "case", case["id"], actor=user, at=at, case_id=case["id"], bundle=bundle.name,
                 items=[p.key for p in planned], materials=sorted(materials), commitments=commit_instead)
    return stored


def _write_case(session: Session, case: dict, tasks: list[dict], materials: list[dict],
                commitments: list[dict]) -> None:
    """Insert a new case and its rows, setting each dict's ``id`` (and ``case_id``).

    Why not ``session.add(case); session.flush()``: profiled, the unit of work cost more CPU than all
    the rest of a submission (per-object bookkeeping, and one 11-row multi-VALUES INSERT … RETURNING
    with 187 parameters that psycopg parses again on every call because it caches only statements of
    at most 50). Here: one INSERT … RETURNING for the case, one executemany per child table (psycopg
    sends it as a pipeline of one prepared statement: one round trip), then one SELECT of the new ids.
    A new case's children are inserted only here, in list order and in one transaction, so their ids
    ascend in that order on both backends."""
    conn = session.connection()
    present = tuple(n for n, rows in enumerate((tasks, materials, commitments)) if rows)
    children = [(n, (tasks, materials, commitments)[n]) for n in present]
    if conn.dialect.name == "postgresql":
        # PostgreSQL: the children's ids are drawn from their sequences by the case's INSERT (one round trip
        # instead of a SELECT of them afterwards), in ascending order, and the children are sent together
        # (one pipeline, one round trip)
        head = conn.execute(_PG_INSERT_CASE, case | {f"count{n}": len(rows) for n, rows in enumerate(
            (tasks, materials, commitments))}).one()
        case["id"] = case_id = head[0]
        for n, rows in children:
            for row, id_ in zip(rows, sorted(head[1 + n]), strict=True):
                row["id"], row["case_id"] = id_, case_id
        with pipelined(conn):
            for n, rows in children:
                conn.execute(_INSERT_CHILD[n], rows)
        return
    case["id"] = case_id = conn.execute(_INSERT_CASE, case).scalar_one()
    for n, rows in children:
        for row in rows:
            row["case_id"] = case_id
        conn.execute(_INSERT_CHILD[n], rows)
    ids: dict[int, list[int]] = {n: [] for n in present}
    for kind, id_ in conn.execute(_new_ids_query(present), {"case_id": case_id}):
        ids[kind].append(id_)
    for n, rows in children:
        for row, id_ in zip(rows, ids[n], strict=True):
            row["id"] = id_


_CHILDREN = (Task.__table__, Material.__table__, Commitment.__table__)
_INSERT_CASE = insert(Case.__table__).returning(Case.__table__.c.id)
_INSERT_CHILD = tuple(insert(t) for t in _CHILDREN)


def _reserved_ids(table, n: int):
    """``count{n}`` new ids from ``table``'s id sequence, as an array (PostgreSQL; NULL for none)."""
    sequence = func.pg_get_serial_sequence(literal(table.name), literal("id"))
    return (select(func.array_agg(func.nextval(sequence)))
            .select_from(func.generate_series(1, bindparam(f"count{n}", type_=Integer))).scalar_subquery())


_PG_INSERT_CASE = insert(Case.__table__).returning(Case.__table__.c.id,
                                                   *(_reserved_ids(t, n) for n, t in enumerate(_CHILDREN)))


@lru_cache(maxsize=8)
def _new_ids_query(present: tuple[int, ...]):
    """The ids of a case's children, by kind (0 tasks, 1 materials, 2 commitments) in insertion order."""
    return union_all(*(select(literal(n).label("kind"), _CHILDREN[n].c.id)
                       .where(_CHILDREN[n].c.case_id == bindparam("case_id")) for n in present)
                     ).order_by("kind", "id")


def _attach(session: Session, model: type, row: dict, **related):
    """An instance of ``model`` holding ``row`` as its stored state, in the session's identity map,
    with ``related`` objects as already-loaded relationships — what a query would have returned,
    without querying (the rows were just written). Cheaper than constructing through ``__init__``
    and letting the session flush: ``make_transient_to_detached`` marks every value as loaded, with
    no change pending."""
    obj = model.__mapper__.class_manager.new_instance()
    obj.__dict__.update(row)  # plain column values, as SQLAlchemy's own loading stores them
    for key, value in related.items():
        set_committed_value(obj, key, value)  # collections must be instrumented
    make_transient_to_detached(obj)
    return obj


@dataclass(frozen=True)
class _FormRules:
    known: frozenset[str]  # the fields and the services to tick
    required: tuple[str, ...]  # in the form's order, so the first missing one is named


@lru_cache(maxsize=32)
def _form_rules(bundle_seq: int) -> _FormRules:
    # memoised per bundle: walking the reference form again for every submission was wasted work
    spec = form_spec(find_bundle(bundle_seq))
    return _FormRules(frozenset(f.name for f in spec.fields) | {s["name"] for s in spec.services},
                      tuple(f.name for f in spec.fields if f.required))


def account_identity(bundle_seq: int, applicant: Applicant) -> dict[str, str]:
    """The form fields a citizen cannot change: their own 姓名, 证件号码 (and 证件类型, 性别, 出生日期, read from
    the number) as the account holds them. Empty for an enterprise (it files for its employees) and for a
    form that asks for no identity."""
    own = form_fields.self_fields(set(_form_rules(bundle_seq).known))
    if applicant.kind != "citizen" or own is None or not applicant.id_number:
        return {}
    return form_fields.identity_values(applicant.name, applicant.id_number, own)


def form_errors(bundle_seq: int, applicant: Applicant, form: dict) -> tuple[dict, list[dict]]:
    """The form as it will be stored (a citizen's identity filled in from the account) and every problem
    with it, each ``{"field": "form.<名称>", "detail": …}`` — all at once, in the form's order."""
    rules = _form_rules(bundle_seq)
    errors: list[dict] = []

    def error(name: str, detail: str) -> None:
        errors.append({"field": f"form.{name}", "detail": detail})

    form = dict(form)
    for name in form:
        if name not in rules.known:
            error(name, f"表单中没有这一信息项：{name}")
    own = form_fields.self_fields(set(rules.known))
    if applicant.kind == "citizen" and own is not None:
        if not applicant.id_number:
            error(own.id_number, "账号未登记公民身份号码，不能以本人名义申请；请先完成实名登记")
        for name, value in account_identity(bundle_seq, applicant).items():
            given = form.get(name)
            if isinstance(given, str) and given.strip() and \
                    personal_data.normalise(given) != personal_data.normalise(value):
                error(name, f"{name}由本人账号带出，不能修改为他人的信息")
            form[name] = value
    for name in rules.required:
        if not str(form.get(name) or "").strip():
            error(name, f"缺少必填信息项：{name}")
    for name, value in list(form.items()):
        if name in rules.known and (detail := form_fields.value_error(name, value, form)):
            error(name, detail)
        elif name in rules.known:
            form[name] = form_fields.normalised(name, value)  # 2024年5月1日 → 2024-05-01
    errors.extend(_consistency_errors(form))
    return form, errors


def _consistency_errors(form: dict) -> list[dict]:
    """性别 and 出生日期 must agree with a 居民身份证 number (an enterprise files its employee's)."""
    number = str(form.get("证件号码") or "").strip()
    if str(form.get("证件类型") or form_fields.ID_CARD) != form_fields.ID_CARD or \
            form_fields.citizen_id_error("证件号码", number):
        return []
    out = []
    sex = str(form.get("性别") or "").strip()
    if sex in form_fields.SEXES and sex != form_fields.sex_of(number):
        out.append({"field": "form.性别", "detail": "性别与证件号码不符"})
    born = form_fields.parse_date(str(form.get("出生日期") or "").strip())
    if born and born != ric.get_birth_date(number):
        out.append({"field": "form.出生日期", "detail": "出生日期与证件号码不符"})
    return out


def checked_form(bundle_seq: int, applicant: Applicant, form: dict) -> dict:
    """The form to store, or :class:`Invalid` carrying every error (the first as its message)."""
    form, errors = form_errors(bundle_seq, applicant, form)
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    return form


# ---------------------------------------------------------------- task life cycle


@dataclass(frozen=True)
class Step:
    role: str
    source: str
    target: str
    name: str
    needs_reason: bool = False


STEPS = {
    "accept": Step(WINDOW, SUBMITTED, ACCEPTED, "受理"),
    "refuse": Step(WINDOW, SUBMITTED, REFUSED, "不予受理", needs_reason=True),
    "correct": Step(WINDOW, SUBMITTED, CORRECTION, "补正"),
    "review": Step(REVIEWER, ACCEPTED, REVIEWED, "审核"),
    "complete": Step(REVIEWER, REVIEWED, DONE, "办结"),
    # the reviewer sends a task back to the window (退回), with the reason the clerk must act on
    "send_back": Step(REVIEWER, ACCEPTED, SUBMITTED, "退回窗口", needs_reason=True),
    "reject": Step(REVIEWER, ACCEPTED, REFUSED, "审核不通过", needs_reason=True),
    # after the 补正期限: the window ends the item (see end_after_correction_due for the reading)
    "lapse": Step(WINDOW, CORRECTION, REFUSED, "逾期未补正，终止办理"),
}
# the steps a whole case may take at once (every task that is ready, except those named)
CASE_STEPS = ("accept", "review", "complete")


REGISTERED = "已登记"  # the 失业登记 status 失业保险金 needs (kuaiban.unemployment.models.REGISTERED, by its word)


def _require_registered(session: Session, case: Case) -> None:
    """失业保险金 is granted only to a person “已办理失业登记” (人社部发〔2020〕40号 二, hunan-hrss-2020.txt:5151): a
    核定 while the 失业登记 is 待审核 or missing is refused (it was a warning; usability review s14 N1). Where this
    process cannot read 失业登记 (the services pillar alone, without the app's wiring) nothing is checked."""
    if not handoffs.can_look_up("2.4.1"):
        return
    found = handoffs.standing(session, "2.4.1", case.applicant.id_number if case.applicant else None)
    if found is None or found.status != REGISTERED:
        now = f"申请人的失业登记{found.status}" if found else "申请人尚无失业登记"
        raise Invalid(f"核定失业保险金须已办理失业登记（人社部发〔2020〕40号 二）：{now}。"
                      "请待失业登记审核通过后再办结，或选择不予核定并说明理由", "outcome.decision")


def act(session: Session, user: User, task_id: int, action: str, *, version: int | None = None,
        reason: str | None = None, missing: list[str] | None = None, correction_due: dt.date | None = None,
        at: dt.datetime | None = None, notify: bool = True, outcome: dict | None = None) -> Task:
    """Move a task one step. ``version`` is the version the staff member saw; if the task has moved
    on since, or another staff member acts at the same moment, :class:`Conflict` is raised.

    A 补正 (``correct``) carries the reason the applicant reads and, optionally, a 补正期限
    (``correction_due``, a day after today). ``lapse`` ends an item whose 补正期限 has passed.
    ``notify=False``: the caller posts one message for several steps (:func:`act_case`).
    ``outcome``: the result 办结 of an item of :data:`outcomes.ITEMS` must record (核定 with amount and months,
    or 不予核定 with a reason), :func:`kuaiban.services.outcomes.parse`."""
    step = STEPS.get(action)
    if step is None:
        raise Invalid(f"未知操作：{action}（可选：{'、'.join(STEPS)}）", "action")
    require_role(user, step.role)
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有这个事项：{task_id}", "task_id")
    case = session.get(Case, task.case_id)
    check_case_access(user, case)
    _not_handed_off(task, action)
    if step.needs_reason and not (reason or "").strip():
        raise Invalid(f"{step.name}须说明理由", "reason")
    seen = task.version if version is None else version
    at = at or audit.now()
    notice = None
    due_end = None
    if action == "correct":
        notice = _correction_notice(session, task, missing or [])
        if not notice:
            raise Invalid("补正通知须列明缺少的材料：本事项材料齐全，且未指明其他材料", "missing")
        if correction_due is not None:
            if correction_due <= at.date():
                raise Invalid("补正期限须晚于今天", "correction_due")
            due_end = dt.datetime.combine(correction_due, dt.time(23, 59, 59))
    result = None
    if action == "complete" and outcomes.needs_outcome(task.item_code):
        result = outcomes.parse(outcome)
        if result.granted:
            _require_registered(session, case)
        reason = result.summary(outcomes.ITEMS[task.item_code])
    if action == "lapse":
        if task.correction_due is None or task.correction_due >= at:
            raise Conflict("补正期限未到（或未设定补正期限），不能终止办理", "action")
        reason = (reason or "").strip() or f"逾期未补正（补正期限 {task.correction_due:%Y-%m-%d}）"

    # Lock the case row first (every step does, in this order): steps on tasks of one case serialise,
    # so the case status computed below sees every committed task state.
    session.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1)
                    .execution_options(synchronize_session=False))
    values: dict = {"state": step.target, "version": Task.version + 1, "last_actor_id": user.id,
                    "last_reason": reason}
    if step.target in FINAL_TASK_STATES:
        values["completed_at"] = at
    if notice is not None:
        values["correction_notice"] = notice
        values["correction_due"] = due_end
    res = session.execute(update(Task).where(Task.id == task_id, Task.version == seen, Task.state == step.source)
                          .values(**values).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        current = session.execute(select(Task.state, Task.version).where(Task.id == task_id)).one()
        if current.version != seen:
            raise Conflict(f"该事项已被他人处理（当前状态：{current.state}），您看到的是此前的状态，请刷新后重试",
                           "version")
        raise Conflict(f"事项当前状态为“{current.state}”，不能{step.name}", "action")
    session.expire(task)
    if result is not None:
        outcomes.record(session, task_id, result, actor_id=user.id, at=at)
    if notice is not None:
        _ask_again(session, case, task.item_code or task.item_name, notice)
    audit.record(session, action, "task", task_id, actor=user, at=at, case_id=case.id, source=step.source,
                 target=step.target, reason=reason, notice=notice, item=task.item_name, item_code=task.item_code,
                 correction_due=due_end.date().isoformat() if due_end else None)
    _refresh_case(session, case, at, actor=user)
    moved = session.get(Task, task_id)
    if notify:
        notices.step(session, applicant_id=case.applicant_id, number=case.number, action=action,
                     item=moved.item_name, reason=reason, notice=notice, due=moved.due_at,
                     case_done=case.status == CASE_DONE, at=at, correction_due=due_end)
    return moved


def _not_handed_off(task: Task, action: str) -> None:
    """A handed-off item is decided where it was filed, and may never be refused for papers."""
    if not handoffs.is_handed_off(task.item_code):
        return
    where = handoffs.HANDED_OFF[task.item_code]
    if task.handoff_ref:
        raise Conflict(f"“{task.item_name}”已推送{where}办理（编号 {task.handoff_ref}），由登记地经办机构审核，"
                       "审核结果自动同步到本办件", "action")
    if action in ("refuse", "correct", "lapse"):
        # 人社厅发〔2020〕79号 一（二） (shandong-2020.txt:5433)
        raise Conflict(f"“{task.item_name}”不得以材料不全等理由不予受理、要求补正或终止办理"
                       "（人社厅发〔2020〕79号 一（二））", "action")


def settle_handoff(session: Session, ref: str, *, approved: bool, reason: str | None, at: dt.datetime,
                   actor: User | None = None) -> Task | None:
    """The handed-off item ``ref`` was decided where it was filed: its task is 已办结 (approved) or 不予受理
    with the reason, and the case's status follows. None when no open task carries ``ref``."""
    task = session.scalar(select(Task).where(Task.handoff_ref == ref))
    if task is None or task.state in FINAL_TASK_STATES:
        return None
    case = session.get(Case, task.case_id)
    session.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1)
                    .execution_options(synchronize_session=False))
    target = DONE if approved else REFUSED
    note = f"{handoffs.HANDED_OFF[task.item_code]}审核通过（编号 {ref}）" if approved else \
        f"{handoffs.HANDED_OFF[task.item_code]}审核不通过（编号 {ref}）：{reason or ''}"
    session.execute(update(Task).where(Task.id == task.id, Task.state == task.state)
                    .values(state=target, version=Task.version + 1, completed_at=at, last_reason=note,
                            last_actor_id=actor.id if actor else None)
                    .execution_options(synchronize_session=False))
    session.expire(task)
    audit.record(session, "handoff_settled", "task", task.id, actor=actor, at=at, case_id=case.id, ref=ref,
                 target=target, reason=reason, item=task.item_name, item_code=task.item_code)
    _refresh_case(session, case, at, actor=actor)
    return session.get(Task, task.id)


@dataclass
class CaseStep:
    """What one action on a whole case did: the tasks moved, and those left as they were (and why)."""

    action: str
    moved: list[Task]
    skipped: list[tuple[Task, str]]


def act_case(session: Session, user: User, number: str, action: str, *, except_ids: list[int] | None = None,
             reason: str | None = None, at: dt.datetime | None = None) -> CaseStep:
    """受理 / 审核 / 办结 a whole case in one action: every task waiting for this step, except the ones the
    staff member names (``except_ids``: they stay for one-by-one handling). One message to the applicant
    lists every item; each task's step is audited with its item, as if done one by one."""
    if action not in CASE_STEPS:
        raise Invalid(f"整件办理只能受理、审核或办结（收到：{action}）", "action")
    step = STEPS[action]
    require_role(user, step.role)
    case = get_case(session, user, number)
    at = at or audit.now()
    excepted = set(except_ids or ())
    moved: list[Task] = []
    skipped: list[tuple[Task, str]] = []
    for task in sorted(case.tasks, key=lambda t: t.id):
        if task.id in excepted:
            skipped.append((task, "已标为例外，单独办理"))
        elif task.handoff_ref:
            skipped.append((task, f"已推送{handoffs.HANDED_OFF.get(task.item_code or '', '')}办理，审核结果自动同步"))
        elif task.state != step.source:
            skipped.append((task, f"当前状态“{task.state}”"))
        elif not _handles(user, task):
            skipped.append((task, f"由{task.agency}承办"))
        elif action == "complete" and outcomes.needs_outcome(task.item_code):
            skipped.append((task, "须单独办结并录入核定结果（每月金额、领取月数）"))
        else:
            moved.append(act(session, user, task.id, action, version=task.version, reason=reason, at=at,
                             notify=False))
    if not moved:
        raise Invalid(f"本办件没有可{step.name}的事项", "action")
    session.expire(case)
    notices.case_step(session, applicant_id=case.applicant_id, number=case.number, action=action,
                      items=[t.item_name for t in moved], case_done=case.status == CASE_DONE, at=at)
    return CaseStep(action, moved, skipped)


def _handles(user: User, task: Task) -> bool:
    """A window clerk or reviewer with an agency handles that agency's tasks and the unrouted ones."""
    return user.role == SUPERVISOR or not user.agency or task.agency in (None, user.agency)


def transfer(session: Session, user: User, task_id: int, agency: str, reason: str, *, version: int | None = None,
             at: dt.datetime | None = None) -> Task:
    """转办: hand an open task to another agency, with the reason; its state and deadline stay."""
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有这个事项：{task_id}", "task_id")
    case = session.get(Case, task.case_id)
    check_case_access(user, case)
    agency, reason = (agency or "").strip(), (reason or "").strip()
    errors = []
    if not agency:
        errors.append({"field": "agency", "detail": "请填写转办的承办机构"})
    elif agency == (task.agency or ""):
        errors.append({"field": "agency", "detail": f"该事项已由{agency}承办"})
    elif len(agency) > 80:
        errors.append({"field": "agency", "detail": "机构名称不超过 80 字"})
    if not reason:
        errors.append({"field": "reason", "detail": "转办须说明理由"})
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    if task.state in FINAL_TASK_STATES:
        raise Conflict(f"事项已{task.state}，不能转办", "action")
    if task.handoff_ref:
        raise Conflict(f"“{task.item_name}”已推送{handoffs.HANDED_OFF.get(task.item_code or '', '')}办理，不能转办",
                       "action")
    at = at or audit.now()
    seen = task.version if version is None else version
    res = session.execute(update(Task).where(Task.id == task_id, Task.version == seen)
                          .values(agency=agency, version=Task.version + 1, last_actor_id=user.id,
                                  last_reason=reason).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise Conflict("该事项已被他人处理，请刷新后重试", "version")
    audit.record(session, "transfer", "task", task_id, actor=user, at=at, case_id=case.id, item=task.item_name,
                 item_code=task.item_code, source=task.agency or "未指定", target=agency, reason=reason)
    session.expire(task)
    notices.transferred(session, applicant_id=case.applicant_id, number=case.number, item=task.item_name,
                        agency=agency, at=at)
    return session.get(Task, task_id)


def name_only(material) -> bool:
    """A material counted 已提交 before migration 0029 on a bare file name (the API took any string then): no file
    stands behind it, so nothing can be opened or checked. Its row is left as stored; a 补正 notice may name it
    like any other material (:func:`_ask_again` then asks for it again)."""
    return material.status == PROVIDED and material_files.name_only(material.reference)


def has_file(material) -> bool:
    """Whether a file the applicant uploaded stands behind a material: a ``<sha256>:name`` reference, which the
    pages link (also one a 补正 asked for again keeps its earlier file). A bare name (:func:`name_only`), 承诺代替
    and a material never given have none."""
    return material_files.parse(material.reference) is not None


def material_state(material) -> str:
    """What the pages say of a material: 未提交, 承诺代替, 已提交, or :data:`NAME_ONLY` for a bare name."""
    if material.status == MISSING:
        return "未提交"
    return NAME_ONLY if name_only(material) else material.status


def _correction_notice(session: Session, task: Task, extra: list[str]) -> list[str]:
    """Every material this task still lacks, plus those the staff member names — in one notice."""
    key = task.item_code or task.item_name
    lacking = [m.name for m in session.scalars(select(Material).where(Material.case_id == task.case_id,
                                                                      Material.status == MISSING))
               if key in m.needed_by]
    return lacking + [m for m in dict.fromkeys(x.strip() for x in extra) if m and m not in lacking]


def _ask_again(session: Session, case: Case, key: str, notice: list[str]) -> None:
    """Every material the 补正 notice names becomes one the applicant can supply: a material the staff
    member adds gets its own row, and one already given (illegible, out of date) is asked for again."""
    held = {m.name: m for m in session.scalars(select(Material).where(Material.case_id == case.id))}
    for name in notice:
        material = held.get(name)
        if material is None:
            session.add(Material(case_id=case.id, name=name, needed_by=[key], status=MISSING))
            continue
        material.status = MISSING
        if key not in material.needed_by:
            material.needed_by = [*material.needed_by, key]


def _refresh_case(session: Session, case: Case, at: dt.datetime, *, actor: User | None) -> None:
    session.expire(case)
    states = list(session.scalars(select(Task.state).where(Task.case_id == case.id)))
    before = case.status
    if all(s in FINAL_TASK_STATES for s in states):
        case.status, case.completed_at = CASE_DONE, at
    elif CORRECTION in states:
        case.status = CASE_CORRECTION
    else:
        case.status = CASE_OPEN
    if case.status != before:
        audit.record(session, "case_status", "case", case.id, actor=actor, at=at, case_id=case.id, source=before,
                     target=case.status)


def supply(session: Session, user: User, number: str, materials: dict[str, str], *,
           commit_instead: list[str] | None = None, at: dt.datetime | None = None) -> Case:
    """The applicant answers a 补正 notice: the materials (or commitments) arrive, and each task whose
    notice is now fully answered returns to 待受理 with its time limit counted afresh. A partial answer
    is kept (the materials are stored); its tasks stay 待补正 until the rest arrives."""
    require_role(user, APPLICANT)
    case = get_case(session, user, number)
    at = at or audit.now()
    by_name = {m.name: m for m in case.materials}
    for name in materials:
        if name not in by_name:
            raise Invalid(f"本件无需提交材料：{name}", f"materials.{name}")
    material_files.check_references(session, case.applicant_id, materials)
    adopted: dict[int, str] = {}
    if commit_instead:
        credit.require_may_commit(session, case.applicant_id)
        adopted = adopted_commitments(session, case.region)
    for n, name in enumerate(commit_instead or []):
        m = by_name.get(name)
        if m is None:
            raise Invalid(f"本件无需提交材料：{name}", f"commitments[{n}]")
        for key in m.needed_by:
            task = next(t for t in case.tasks if (t.item_code or t.item_name) == key)
            rows = commitment_rows(task.item_name, name, adopted)
            if not rows:
                raise Invalid(f"“{name}”不在本地区采用的证明事项告知承诺制清单内，不能以承诺代替", f"commitments[{n}]")
            text = commitment_text(case.applicant, task.item_name, name, rows,
                                   adoption=adoption_of(rows, adopted), office=task.agency)
            session.add(Commitment(case_id=case.id, item_name=task.item_name, certificate=name, text=text,
                                   signer=case.applicant.name, signed_at=at, signature=_sign(text, case.applicant.name, at),
                                   source=rows[0].source.as_dict() | {"seq": rows[0].seq},
                                   verification_state=TO_VERIFY))
        m.status = COMMITTED
        case.materials_committed += 1
    for name, ref in materials.items():
        m = by_name[name]
        m.status, m.reference, m.provided_at = PROVIDED, ref, at
    session.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1)
                    .execution_options(synchronize_session=False))
    holidays.sync(session, within_a_year_of=at)
    waiting = 0
    for task in case.tasks:
        if task.state != CORRECTION:
            continue
        still = [n for n in task.correction_notice or () if n in by_name and by_name[n].status == MISSING]
        if still:  # a partial supply is kept; the task waits for the rest of its notice
            waiting += 1
            continue
        due, note, provisional = due_at(ItemLimit(task.limit_kind, task.limit_value, task.limit_basis,
                                                  task.limit_note), at)
        res = session.execute(update(Task).where(Task.id == task.id, Task.version == task.version,
                                                 Task.state == CORRECTION)
                              .values(state=SUBMITTED, version=Task.version + 1, started_at=at, due_at=due,
                                      due_provisional=provisional,
                                      limit_note=note, last_actor_id=user.id, last_reason="补正材料已提交")
                              .execution_options(synchronize_session=False))
        if res.rowcount != 1:
            raise Conflict("办件状态已变化，请刷新后重试", "version")
        audit.record(session, "supply", "task", task.id, actor=user, at=at, case_id=case.id, source=CORRECTION,
                     target=SUBMITTED, materials=sorted(materials), commitments=list(commit_instead or []))
        session.expire(task)
    if waiting:
        audit.record(session, "supply", "case", case.id, actor=user, at=at, case_id=case.id, materials=sorted(materials),
                     commitments=list(commit_instead or []), note="部分补正，其余材料待补")
    session.flush()
    _set_case_due(case)
    _refresh_case(session, case, at, actor=user)
    return case


def verify_commitment(session: Session, user: User, commitment_id: int, truthful: bool, note: str | None = None,
                      *, at: dt.datetime | None = None) -> Commitment:
    """核查 a commitment after the fact (事中事后核查)."""
    require_role(user, REVIEWER, SUPERVISOR)
    c = session.get(Commitment, commitment_id)
    if c is None:
        raise NotFound(f"没有这份承诺：{commitment_id}", "commitment_id")
    check_case_access(user, session.get(Case, c.case_id))
    at = at or audit.now()
    res = session.execute(update(Commitment).where(Commitment.id == c.id, Commitment.verification_state == TO_VERIFY)
                          .values(verification_state=VERIFIED if truthful else FALSE_COMMITMENT,
                                  verified_by=user.id, verified_at=at, verification_note=note)
                          .execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise Conflict("该承诺已核查", "commitment_id")
    session.expire(c)
    audit.record(session, "verify_commitment", "commitment", c.id, actor=user, at=at, case_id=c.case_id,
                 truthful=truthful, note=note, item=c.item_name)
    if not truthful:
        credit.untrue(session, user, c, note, at)
        _refresh_case(session, session.get(Case, c.case_id), at, actor=user)
    return c


# ---------------------------------------------------------------- reading


def get_case(session: Session, user: User, number: str) -> Case:
    case = session.scalar(select(Case).where(Case.number == number)
                          .options(joinedload(Case.applicant), selectinload(Case.tasks),
                                   selectinload(Case.materials), selectinload(Case.commitments)))
    if case is None:
        raise NotFound(f"没有这个办件：{number}", "number")
    check_case_access(user, case)
    return case


_CASE_STATUS = (select(Case.applicant_id, Case.region, Case.status, Case.due_at, Case.completed_at,
                       Task.id, Task.item_code, Task.item_name, Task.state, Task.version, Task.due_at)
                .join(Task, Task.case_id == Case.id).where(Case.number == bindparam("number"))
                .order_by(Task.id))  # built once, see _region_setup_query


def _case_view_queries():
    c, a = Case.__table__, Applicant.__table__
    children = {name: select(t).where(t.c.case_id == bindparam("case_id")).order_by(t.c.id)
                for name, t in (("tasks", Task.__table__), ("materials", Material.__table__),
                                ("commitments", Commitment.__table__))}
    head = (select(c, a.c.kind.label("applicant_kind"), a.c.name.label("applicant_name"))
            .join(a, a.c.id == c.c.applicant_id).where(c.c.number == bindparam("number")))
    return head, children


_CASE_HEAD, _CASE_CHILDREN = _case_view_queries()


def case_view(session: Session, user: User, number: str, *, in_full: bool = False) -> dict:
    """``case_dict(get_case(...))`` from plain rows: the same answer without building ORM objects, which
    was two thirds of a full-case read's CPU when profiled (the API's GET /api/cases/{n}).

    Staff see the form's personal fields masked, as on the workbench's task page, unless ``in_full`` (the API's
    ``?full=true``, the page's 显示完整信息): then in full, the read written to the audit log (:func:`disclose`).
    An applicant sees their own case in full, unlogged."""
    conn = session.connection()
    head = conn.execute(_CASE_HEAD, {"number": number}).first()
    if head is None:
        raise NotFound(f"没有这个办件：{number}", "number")
    case = SimpleNamespace(**head._mapping, applicant=SimpleNamespace(kind=head.applicant_kind,
                                                                         name=head.applicant_name))
    check_case_access(user, case)
    for name, query in _CASE_CHILDREN.items():
        setattr(case, name, conn.execute(query, {"case_id": head.id}).all())  # rows read like objects
    masked = user.role != APPLICANT and not in_full
    if not masked:
        disclose(session, user, case)  # records nothing for the applicant's own read
    return case_dict(case, masked=masked)


def disclose(session: Session, user: User, case) -> None:
    """``case`` is about to be shown in full (a detail page or endpoint): a staff member's read of its
    personal fields goes to the audit log. Lists show :func:`case_dict` with ``masked=True`` instead."""
    shown = [k for k, v in (case.form or {}).items() if form_fields.is_personal(k) and v]
    disclosure.record_full_read(session, user, "case", case.id, fields=shown, case_id=case.id, number=case.number)


def case_status(session: Session, user: User, number: str) -> dict:
    """The progress of a case in one query: its status, deadline and each task's state."""
    rows = session.connection().execute(_CASE_STATUS, {"number": number}).all()
    if not rows:
        raise NotFound(f"没有这个办件：{number}", "number")
    _check_access(user, rows[0], number)
    head = rows[0]
    return {"number": number, "status": head.status, "due_at": head.due_at, "completed_at": head.completed_at,
            "tasks": [{"id": r[5], "item_code": r.item_code, "item_name": r.item_name, "state": r.state,
                       "version": r.version, "due_at": r[10]} for r in rows]}


def _scope(stmt, user: User):
    if user.role == APPLICANT:
        return stmt.where(Case.applicant_id == user.applicant_id)
    return access.scoped(stmt, user, Case.region)


def list_cases(session: Session, user: User, *, status: str | None = None, limit: int = 50,
               offset: int = 0) -> list[Case]:
    stmt = _scope(select(Case), user)
    if status:
        stmt = stmt.where(Case.status == status)
    return list(session.scalars(stmt.order_by(Case.id.desc()).limit(limit).offset(offset)))


def _open_tasks(user: User):
    if user.role == APPLICANT:
        raise Forbidden("无权查看工作人员的待办清单")
    stmt = select(Task).join(Case).where(Task.state.not_in((*FINAL_TASK_STATES, CORRECTION)),
                                         Task.due_at.is_not(None))
    return _scope(stmt, user).order_by(Task.due_at)


# A task's deadline state, one definition for every list, marker and filter (the workbench's queue, its 已超期 and
# 即将到期 sections, the case page, the API): an open task (not final, not paused waiting for 补正) with a known
# deadline is 已超期 once the deadline has passed, 即将到期 when it falls by the end of the DUE_SOON_WORKING_DAYS-th
# working day after today (due_soon_until). The window is counted as the deadlines are, in working days with the
# one calendar (kuaiban.platform.calendar; provisionally, as a deadline is, in a year whose 节假日安排 is unknown):
# until session 21 it was 72 hours of plain time, so on a Friday a task due on Tuesday, and before a 7-day holiday
# a task due on its first working day after, were not marked although only one or two working days remained.
OVERDUE, DUE_SOON = "已超期", "即将到期"
DUE_SOON_WORKING_DAYS = 3
# the former window, in plain time: what GET /api/tasks/due-soon?hours=72 still asks for (a window in hours is
# read as before); no list or marker uses it any more
DUE_SOON_WITHIN = dt.timedelta(days=3)


def due_soon_until(at: dt.datetime | None = None) -> dt.datetime:
    """The end (23:59:59, as a deadline day ends) of the :data:`DUE_SOON_WORKING_DAYS`-th working day after the day
    of ``at``: on Monday, Thursday's end; on Friday, Wednesday's; before a holiday the working days after it."""
    at = at or audit.now()
    last = sla.estimate(at, working_days=DUE_SOON_WORKING_DAYS).value
    return dt.datetime.combine(last, dt.time(23, 59, 59))


def deadline_state(task: Task, at: dt.datetime | None = None) -> str | None:
    """:data:`OVERDUE`, :data:`DUE_SOON` or None for one task (the SQL of :func:`overdue` and :func:`due_soon`
    says the same)."""
    if task.due_at is None or task.state in (*FINAL_TASK_STATES, CORRECTION):
        return None
    at = at or audit.now()
    if task.due_at < at:
        return OVERDUE
    return DUE_SOON if task.due_at <= due_soon_until(at) else None


def overdue(session: Session, user: User, *, at: dt.datetime | None = None) -> list[Task]:
    """Open tasks past their deadline (tasks waiting for 补正 are paused): :data:`OVERDUE`."""
    return list(session.scalars(_open_tasks(user).where(Task.due_at < (at or audit.now()))))


def due_soon(session: Session, user: User, *, within: dt.timedelta | None = None,
             at: dt.datetime | None = None) -> list[Task]:
    """Open tasks not yet overdue and due by :func:`due_soon_until` (:data:`DUE_SOON`), or — given ``within``, a
    window in plain time (the API's ``hours``) — due within it."""
    at = at or audit.now()
    until = at + within if within is not None else due_soon_until(at)
    return list(session.scalars(_open_tasks(user).where(Task.due_at >= at, Task.due_at <= until)))


def count_cases(session: Session, user: User) -> int:
    return session.scalar(_scope(select(func.count(Case.id)), user)) or 0


def task_dict(t: Task) -> dict:
    return {"id": t.id, "item_code": t.item_code, "item_name": t.item_name, "group": t.group_name,
            "agency": t.agency, "state": t.state, "version": t.version,
            "limit": None if t.limit_kind is None else {"kind": t.limit_kind, "value": t.limit_value,
                                                         "basis": t.limit_basis},
            "limit_note": t.limit_note, "started_at": t.started_at, "due_at": t.due_at,
            "due_provisional": bool(getattr(t, "due_provisional", False)), "completed_at": t.completed_at, "reason": t.last_reason, "correction_notice": t.correction_notice,
            "correction_due": t.correction_due, "handoff_ref": getattr(t, "handoff_ref", None),
            "outcome": outcomes.of_row(row).as_dict() if (row := getattr(t, "outcome_row", None)) else None}


def case_dict(c: Case, *, masked: bool = False) -> dict:
    """A case as the API gives it; ``masked``: its personal fields masked, as every list shows them."""
    return {"number": c.number, "bundle": c.bundle_name, "status": c.status, "region": c.region,
            "region_name": regions.full_name(c.region),
            "applicant": {"kind": c.applicant.kind, "name": c.applicant.name},
            "submitted_at": c.submitted_at, "completed_at": c.completed_at, "due_at": c.due_at,
            "due_provisional": bool(getattr(c, "due_provisional", False)), "form": form_fields.masked_form(c.form) if masked else c.form, "tasks": [task_dict(t) for t in c.tasks],
            # has_file: whether a file stands behind it, as the pages link one; a bare name stored before migration
            # 0029 has none (status 已提交 as stored; state: what the pages say of it, NAME_ONLY)
            "materials": [{"name": m.name, "needed_by": m.needed_by, "status": m.status, "reference": m.reference,
                           "state": material_state(m), "has_file": has_file(m)} for m in c.materials],
            "commitments": [{"id": x.id, "item": x.item_name, "certificate": x.certificate, "text": x.text,
                             "signer": x.signer, "signed_at": x.signed_at, "signature": x.signature,
                             "source": x.source, "verification": x.verification_state} for x in c.commitments],
            "materials_asked": c.materials_asked, "materials_required": c.materials_required,
            "materials_committed": c.materials_committed}


def can_see_case(user: User, case) -> bool:
    """An applicant sees their own cases; staff the cases of the regions they serve (a case or a row of one)."""
    if user.role == APPLICANT:
        return access.owns(user, case.applicant_id)
    return access.serves(user, case.region)  # staff: the regions their scope covers


def check_case_access(user: User, case: Case) -> None:
    """An applicant asking for another person's case hears that there is no such case (404, as for a number
    that does not exist: :func:`kuaiban.platform.access.require_own`); staff outside its region are refused
    (403)."""
    _check_access(user, case, case.number)


def _check_access(user: User, case, number: str) -> None:
    if user.role == APPLICANT:
        access.require_own(user, case.applicant_id, f"没有这个办件：{number}", "number")
    elif not access.serves(user, case.region):
        raise Forbidden(f"无权查看办件 {number}")


def _entered_window_queue(session: Session, since: dt.datetime, until: dt.datetime):
    """Tasks that entered the 受理 queue in the window (submitted, or sent back to the window), by region."""
    rows = session.execute(select(Case.region, func.count(Task.id)).join(Task, Task.case_id == Case.id)
                           .where(Task.state == SUBMITTED, Task.started_at >= since, Task.started_at < until)
                           .group_by(Case.region))
    return [(region, WINDOW, n) for region, n in rows]


new_work.register("services_window", "待受理的办件事项", _entered_window_queue, "/workbench")


# ---------------------------------------------------------------- uploaded files in use


def materials_using(session: Session, pairs: Collection[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which (file digest, applicant record) pairs a material of one of that applicant's cases names: the files
    the prune of unattached uploads keeps (:mod:`kuaiban.platform.upload_retention`). A reference is
    ``<digest>:<file name>``; a material replaced by a 补正 no longer names its first file."""
    if not pairs:
        return set()
    digest = func.substr(Material.reference, 1, 64)
    rows = session.execute(select(digest, Case.applicant_id).join(Case, Case.id == Material.case_id).where(
        Case.applicant_id.in_({a for _, a in pairs}), digest.in_({d for d, _ in pairs})).distinct())
    return {(d, a) for d, a in rows} & set(pairs)


upload_retention.register_use("svc_materials", materials_using)
