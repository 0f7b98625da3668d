"""Read-only helpers for the 失业登记 web pages: the application form laid out in groups from the record
spec (names, codes, 必填, code-table options, hints read from the 校验规则), records shown with the names of
their codes, the clauses the pages quote (linked into the 法规库 where it holds them) and the exit reasons
described with what the system does for each.

Nothing here writes: submission, decision, follow-up and deregistration stay in the core modules.

>>> [g.title for g in form_groups()][:3]
['基本信息', '户籍地、常住地与登记失业地', '联系方式']
>>> form_field("AAC004").options
(('1', '男性'), ('2', '女性'), ('9', '未说明的性别'))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

from kuaiban.corpus.compilations import cite_line
from kuaiban.library.clause_links import resolve
from kuaiban.platform import dates
from kuaiban.platform.citations import Clause, clause
from kuaiban.platform.regions import region_name
from kuaiban.unemployment.deregistration import ExitReason, exit_reasons
from kuaiban.unemployment.records import FieldSpec, date_in_words, load_code_tables, load_record

# The application's 40 fields in the order a person fills them in. ADC201 is the national platform's
# number: never typed on a local form (registration.application_errors refuses it there).
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("basic", "基本信息", ("AAC003", "AAC004", "AAC005", "AAC024", "AAC011", "AAC033", "ALA040",
                          "AAC058", "AAC044", "AAC002")),
    # every place of the record in one group: where the 户口 is, where the person lives, and where they
    # register, which is one of the two (3号 一) — so the choice comes last and can be derived
    ("address", "户籍地、常住地与登记失业地", ("AAB299", "AAC010", "AAF016", "AAC046", "ADC221", "AAB301")),
    ("contact", "联系方式", ("AAC067", "AAE005", "AAE159", "AAE461")),
    ("unemployment", "失业信息", ("AAE127", "AJC090", "AJC093", "ADC220", "ADC222")),
    ("wishes", "求职意向", ("ACA112", "AAE815")),
    ("skills", "职业资格与专业技术职务（选填）", ("ACA111", "AAC015", "ACA200", "ACA202", "ACA201", "ACA203",
                                          "AAC200", "AAC014", "ACA204", "ACA206", "ACA205", "ACA207")),
)
NATIONAL_ONLY = ("ADC201",)
RESULT_ONLY = ("AAZ341", "AAE540", "AAE360", "AAE011", "AAE036", "AAE013")


@dataclass(frozen=True)
class FormField:
    """One input of the form: what the label, the control and the hint need."""

    code: str
    name: str
    required: bool
    control: str  # select | text | textarea
    options: tuple[tuple[str, str], ...]
    hint: str
    maxlength: int | None
    inputmode: str | None = None
    kind: str = "text"  # text | date (a date picker; posted YYYY-MM-DD, stored YYYYMMDD) | region (3 selects)
    #                     | fixed (filled in by the system, read-only)


@dataclass(frozen=True)
class FormGroup:
    key: str
    title: str
    fields: tuple[FormField, ...]


def _hint(f: FieldSpec) -> tuple[str, str | None]:
    """A short hint read from the field's checks and code table, and the keyboard the field wants."""
    hints, mode = [], None
    table = load_code_tables()[f.table] if f.table else None
    for check in f.checks:
        if check.name == "date":
            formats = check.params.get("formats", ("YYYYMMDD",))
            hints.append("8位数字的年月日，如 20200701" if "YYYYMMDD" in formats else "6位数字的年月，如 202007")
            mode = "numeric"
        elif check.name == "not_future":
            hints.append("不晚于今天")
        elif check.name == "no_spaces":
            hints.append("不含空格")
        elif check.name == "digits":
            hints.append(f"{check.params['count']}位数字")
            mode = "numeric"
        elif check.name == "landline":
            hints.append("须带区号，如 0731-88888888，分机以“-”隔开，多个号码以半角“,”隔开")
        elif check.name == "max_items":
            hints.append(f"最多{check.params['count']}个，以“{check.params['separator']}”隔开")
        elif check.name == "citizen_id":
            hints.append("证件类型为居民身份证时，须为有效的18位公民身份号码")
        elif check.name == "required_when":
            hints.append("健康状况为残疾时必填")
    if table is not None and table.provider == "stdnum.cn.loc":
        hints.append("6位行政区划代码，如 430102（长沙市芙蓉区）")
        mode = "numeric"
    elif table is not None and table.codes is None:
        # a table the texts name but do not print (职业分类大典, GB/T 8561): no list to choose from, so the
        # person copies the code from their certificate, or leaves the optional field empty
        hints.append(f"填写证书上的{table.title}代码（{table.standard or '国家标准'}）"
                     + ("；没有证书或不清楚代码的，不填" if not f.required else ""))
    if f.code == "AAC002":
        hints.append("可不填；本人线上申请时填写的，须与账号的证件号码一致")
    if mode is None and f.length and not (table is not None and table.codes):
        hints.append(f"不超过{f.length}{'位' if table is not None else '字'}")
    return "；".join(hints), mode


# Plain labels where the specification's name is a data-interface term (the code stays the field's name
# in the record and its error's anchor; it is not shown).
PLAIN_LABELS = {"AAB299": "户籍所在地", "AAF016": "常住地", "AAB301": "登记失业地（在哪里登记）",
                "AJC090": "失业日期", "AAE127": "申请日期", "AAC002": "社会保障号码（一般与身份证号码相同）",
                "ADC221": "登记失业地是", "ADC222": "是否同时申领失业保险金"}
# the two detailed addresses (the spec's rule “填写省市县(区)以外的详细地址”, in the form's words) and the
# place type, whose code names (户籍地址, 常驻地址) are kept as the code table prints them
FIELD_HINTS = {"ADC221": "在户籍地办理的选“户籍地址”，在常住地办理的选“常驻地址”（即常住地）",
               "AAC010": "只填上面所选省、市、区县以外的部分，如街道（乡镇）、小区、门牌号；不超过150字",
               "AAC046": "只填上面所选省、市、区县以外的部分，如街道（乡镇）、小区、门牌号；不超过150字"}
DATE_HINT = "点击选择日期"
# fields the system fills in on a local filing (registration.filing_day): shown, not typed
FIXED_HINTS = {"AAE127": "提交当日，由系统填写"}
REGION_HINT = "逐级选择省、市、区县"
REGION_HINTS = {"AAB301": "办理失业登记的地方。可不选：按“登记失业地是”自动取户籍所在地或常住地；"
                          "按就业地或参保地登记的，逐级选择该地"}


def spec_name(code: str) -> str | None:
    """The specification's name of an application field (户籍地行政区划代码), or None for another code."""
    spec = load_record("application")
    return spec.field(code).name if code in spec.codes() else None


def form_label(code: str) -> str:
    """What the form calls a field: its plain label where the specification's name is an interface term."""
    return PLAIN_LABELS.get(code) or spec_name(code) or code


def _is_date(f: FieldSpec) -> bool:
    return any(c.name == "date" for c in f.checks)


@cache
def form_field(code: str) -> FormField:
    """The form input of one application field: plain label, a picker for dates and regions."""
    f = load_record("application").field(code)
    table = load_code_tables()[f.table] if f.table else None
    hint, mode = _hint(f)
    label = PLAIN_LABELS.get(f.code, f.name)
    if f.code in FIXED_HINTS:
        return FormField(f.code, label, f.required, "text", (), FIXED_HINTS[f.code], None, None, "fixed")
    if table is not None and table.codes:
        return FormField(f.code, label, f.required, "select", tuple(table.codes.items()),
                         FIELD_HINTS.get(f.code, hint), None)
    if table is not None and table.provider == "stdnum.cn.loc":
        return FormField(f.code, label, f.required, "region", (), REGION_HINTS.get(f.code, REGION_HINT), None, None,
                         "region")
    if _is_date(f):
        extra = "；不晚于今天" if any(c.name == "not_future" for c in f.checks) else ""
        return FormField(f.code, label, f.required, "date", (), DATE_HINT + extra, None, None, "date")
    control = "textarea" if (f.length or 0) >= 100 else "text"
    return FormField(f.code, label, f.required, control, (), FIELD_HINTS.get(f.code, hint), f.length, mode)


def date_for_input(value: str) -> str:
    """YYYYMMDD (the record's form) as the date picker's YYYY-MM-DD; anything else as it is."""
    v = (value or "").strip()
    return f"{v[:4]}-{v[4:6]}-{v[6:]}" if len(v) == 8 and v.isdigit() else v


def values_from_post(form) -> dict[str, str]:
    """The form's values as the record spells them: a picked date YYYY-MM-DD → YYYYMMDD; a region from
    the deepest of its three selects (区县, else 市, else 省)."""
    values: dict[str, str] = {}
    for code in form_codes():
        f = form_field(code)
        if f.kind == "region":
            parts = [str(form.get(f"{code}.{level}") or "").strip() for level in ("county", "city", "province")]
            values[code] = next((p for p in parts if p), str(form.get(code) or "").strip())
        elif f.kind == "date":
            v = str(form.get(code) or "").strip()
            day = dates.read_day(v)  # picked 2021-05-20, or typed 2021-5-20 / 2021年5月20日 (kuaiban.platform.dates)
            # (a picked shape that is no day, 2020-02-30, goes on as 20200230 for the validator to name as a date)
            values[code] = (day or (v if len(v) == 10 and v[4] == "-" and v[7] == "-" else "")).replace("-", "") or v
        else:
            values[code] = str(form.get(code) or "")
    return values


def region_levels(code: str | None) -> dict:
    """The three selects of a region field: options of each level and the chosen code at each."""
    from kuaiban.platform import regions

    chosen = {"province": "", "city": "", "county": ""}
    r = regions.region(code) if code else None
    if r is not None:
        for a in (*regions.ancestors(r.code), r):
            if a.placeholder:
                continue
            level = {"province": "province", "city": "city"}.get(a.level, "county")
            chosen[level] = a.code
    provinces = regions.provinces()
    cities = [c for c in regions.children(chosen["province"]) if c.level == "city"] if chosen["province"] else []
    below = chosen["city"] or chosen["province"]
    counties = [c for c in regions.children(below) if c.level == "county"] if below else []
    return {"chosen": chosen, "province": provinces, "city": cities, "county": counties}


@cache
def form_groups() -> tuple[FormGroup, ...]:
    return tuple(FormGroup(key, title, tuple(form_field(c) for c in codes)) for key, title, codes in GROUPS)


def form_codes() -> tuple[str, ...]:
    """Every field the local form posts, in form order."""
    return tuple(c for _k, _t, codes in GROUPS for c in codes)


def record_from_form(values: dict[str, str]) -> dict[str, str]:
    """The application record from posted values: surrounding whitespace trimmed, empty fields left out
    (the validator reads an empty field as not filled in; spaces inside a value are still refused)."""
    record = {}
    for code in form_codes():
        value = (values.get(code) or "").strip()
        if value:
            record[code] = value
    return record


def field_order() -> dict[str, int]:
    """Position of each form input (for the error summary, which follows the form's order)."""
    codes = list(form_codes())
    codes.insert(codes.index("AAB301"), "place_basis")  # the form shows 登记地依据 right before 登记失业地
    return {code: i for i, code in enumerate(codes)}


# --------------------------------------------------------------------------- showing records


def code_name(code: str, value: object, kind: str = "application") -> str:
    """A value as shown to people: a code's name (``男性``), a region's full name (湖南省长沙市芙蓉区),
    a date as 2020年7月1日 — never the specification's codes. A code of a table the texts name but do not print
    (职业分类大典, GB/T 8561: no names to show) is said to be one: 代码 6010101."""
    text = "" if value is None else str(value)
    spec = load_record(kind)  # type: ignore[arg-type]
    if not text or not spec.has(code):
        return text
    f = spec.field(code)
    if _is_date(f):
        return date_in_words(text)
    if not f.table:
        return text
    table = load_code_tables()[f.table]
    if table.codes and text in table.codes:
        return table.codes[text]
    if table.provider == "stdnum.cn.loc":
        from kuaiban.platform import regions

        return regions.full_name(text) or region_name(text) or text
    if table.codes is None:
        return f"代码 {text}"
    return text


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    value: str


def record_groups(record: dict) -> list[tuple[str, list[Row]]]:
    """The application record in the form's groups, only the fields that were filled in."""
    spec = load_record("application")
    out = []
    for _key, title, codes in GROUPS:
        rows = [Row(c, form_label(c), code_name(c, record[c])) for c in codes if record.get(c) not in (None, "")]
        if rows:
            out.append((title, rows))
    national = [Row(c, spec.field(c).name, str(record[c])) for c in NATIONAL_ONLY if record.get(c)]
    if national:
        out.insert(0, ("全国统一服务入口", national))
    return out


def result_rows(result: dict | None) -> list[Row]:
    """The result record's own fields (系统流水号, 审核结果, 原因, 经办人, 日期, 备注)."""
    if not result:
        return []
    spec = load_record("result")
    return [Row(c, spec.field(c).name, code_name(c, result[c], "result")) for c in RESULT_ONLY if result.get(c)]


def review_results() -> tuple[tuple[str, str], ...]:
    """AAE540 审核结果 options."""
    return tuple((load_code_tables()["review_result"].codes or {}).items())


# --------------------------------------------------------------------------- exit reasons

ACTION_TEXT = {
    "end": "登记即行注销，无须另填",
    "record_employer": "须填写录用单位（或公益性岗位单位）",
    "record_business": "须填写所从事的个体经营、企业或民办非企业名称",
    "choose_sub_reason": "须选择具体情形（入学、应征服兵役、移居境外）",
    "derived_refusals": "仅在跟踪记录显示最近3次联系均拒绝服务时可选，并须填写核实情况",
    "derived_unreachable": "仅在跟踪记录显示连续6个月均无法取得联系时可选，并须填写核实情况",
    "local_ground": "须在备注中写明本地确定的情形",
}


@dataclass(frozen=True)
class ExitChoice:
    code: str
    name: str
    group: str
    action: str
    notice: str
    clause: str


def exit_choices() -> list[ExitChoice]:
    """The AJC00A reasons with what the system does and whether the person is told (告知)."""
    out = []
    for r in exit_reasons().values():
        out.append(ExitChoice(r.code, r.name, r.group, ACTION_TEXT.get(r.action, r.action), _notice_text(r),
                              f"{r.clause['doc_no']} {r.clause['clause']}"
                              f"（{cite_line(r.clause['file'].split('/')[-1], r.clause['lines'][0])}）"))
    return out


def _notice_text(r: ExitReason) -> str:
    if r.sub_reasons:
        return "；".join(f"{k}：{'须告知本人' if v else '无须告知'}" for k, v in r.sub_reasons.items())
    return "须以适当方式告知本人" if r.notice else "无须告知（人社厅发〔2020〕3号 五 所列除外情形）"


def exit_reason_name(code: str | None, *, with_code: bool = True) -> str:
    """An exit reason (AJC00A) as staff read it: its name, the code in brackets after it for those who key
    it into other systems (被各类用人单位录用或招聘（代码 11）); an unknown code as it is."""
    reason = exit_reasons().get(code or "")
    if reason is None:
        return code or ""
    return f"{reason.name}（代码 {reason.code}）" if with_code else reason.name


def sub_reasons() -> tuple[str, ...]:
    return tuple(dict.fromkeys(s for r in exit_reasons().values() for s in r.sub_reasons))


# --------------------------------------------------------------------------- clauses quoted on the pages


# the clauses the pages quote, by the name the templates use → registry key (data/clauses/unemployment.yaml)
PAGE_CLAUSES = {
    "who": "ue_who", "places": "ue_places", "channels": "ue_channels", "declaration": "ue_declaration",
    "proofs": "ue_proofs", "limit7": "ue_limit7", "limit3": "ue_limit3", "in_force": "ue_in_force",
    "no_refusal": "ue_no_refusal", "followup": "ue_followup",
}


@dataclass(frozen=True)
class ClauseView:
    clause: Clause
    url: str | None  # None: the library does not hold the document

    @property
    def source(self) -> str:
        """Where the clause is printed, as a reader names it ("湖南汇编 第 N 行"), never a file name."""
        return cite_line(self.clause.file, self.clause.lines[0])


def clause_links(session: Session) -> dict[str, ClauseView]:
    """Each quoted clause with its place in the library (the one resolver, kuaiban/library/clause_links.py):
    the paragraph holding its line when the document is held and printed there, else the document, else
    nothing (the compilation file and line are shown)."""
    return {name: ClauseView(clause(key), resolve(session, clause(key)).url) for name, key in PAGE_CLAUSES.items()}
