"""失业登记 applied for through the 失业 一件事 (item 2.4.1): filed as a registration of this pillar.

Texts (file:lines in data/compilations):

- 人社部发〔2021〕23号 附件1 三 (chongqing-hrss-2021.txt:3783–3787): the bundle's reference form asks 姓名、性别、
  证件类型、证件号码、证件有效期、手机号码、失业类型(失业原因)、原工作单位、失业时间、户籍地址、常住地址, and
  “1. 失业登记(默认勾选):受理后信息推送至属地经办机构” — the application reaches the registration office as a
  失业登记 (:func:`kuaiban.unemployment.registration.submit`, channel 线上): the 3-working-day limit, the
  result upload (全口径, hunan-hrss-2020.txt:3572), the first contact and the monthly follow-up all apply.
- 23号 二 (3662) “结合实际制定申请表单”, 附件2 (4068) “将多个事项的申请表单整合为‘一张表’”: the registration's
  own fields that the reference form does not list (民族、学历、健康状况、户籍地/常住地/登记失业地的行政区划、
  登记失业地类型 — required by 3号 附件3 四（一）, hunan 3600–3640) are asked in the same one form, in its
  失业登记 part (``item_form``); a field the reference form has is never asked twice.
- 3号 三 (hunan 3403): “由本人对填写信息真实性作出书面承诺” — the 失业登记 part carries the signature
  (``declaration_signed``); 79号 一（二） (shandong 5433): no material beyond the ID is asked.

Mapping of the bundle form (nothing invented; what a value cannot say is asked, not guessed):

- 性别 男/女 → AAC004 1/2; 证件类型 → AAC058 (居民身份证、户口簿 01, 港澳居民来往内地通行证 02,
  港澳台居民居住证 03, 社会保障卡 04, any other 05 其他身份证件); 证件号码 → AAC044, and AAC002 when it is a
  居民身份证 or 社会保障卡 number (the 公民身份号码);
- 失业类型(失业原因): a name of the AJC093 table → its code; any other text → 90 其他 with the text as
  ADC220 其他失业原因 (“当失业原因为其他时，可填写”);
- 失业时间 (a date) → AJC090 YYYYMMDD — a month alone is not enough for the application's 8 digits and is
  asked again, not completed with a made-up day;
- 户籍地址/常住地址 → AAC010/AAC046; 手机号码 → AAC067;
- ADC222 是否申领失业保险金: 1 when the case also chooses 1.8.1 失业保险金申领, else 2;
- AAE127 申请日期: the filing day (:func:`kuaiban.unemployment.registration.filing_day`).
- 原工作单位 and 证件有效期 have no field in the record; they stay in the bundle's form.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy.orm import Session

from kuaiban.platform import dates
from kuaiban.platform.models import Applicant, User
from kuaiban.unemployment import models as m
from kuaiban.unemployment import registration
from kuaiban.unemployment.records import load_code_tables
from kuaiban.unemployment.validate import FieldError

ITEM = "2.4.1"
CLAIM_ITEM = "1.8.1"  # 失业保险金申领, in the same bundle
# the bundle form's fields → the application field each fills
FROM_BUNDLE = {"姓名": "AAC003", "性别": "AAC004", "证件类型": "AAC058", "证件号码": "AAC044", "手机号码": "AAC067",
               "失业类型(失业原因)": "AJC093", "失业时间": "AJC090", "户籍地址": "AAC010", "常住地址": "AAC046"}
# application fields whose errors belong to a bundle field though they are not named above
ALSO_FROM = {"AAC002": "证件号码", "ADC220": "失业类型(失业原因)"}
# the registration's own part of the one form: required by the record, absent from the reference form
OWN_REQUIRED = ("AAC005", "AAC011", "AAC033", "ALA040", "AAB299", "AAF016", "AAB301", "ADC221")
OWN_OPTIONAL = ("AAC024", "AAE005", "AAE159", "AAE461", "ACA112", "AAE815", "ACA111", "AAC015", "ACA200", "ACA202",
                "ACA201", "ACA203", "AAC200", "AAC014", "ACA204", "ACA206", "ACA205", "ACA207")
PLACE_BASIS, SIGNED = "place_basis", "declaration_signed"
OWN_FIELDS = (*OWN_REQUIRED, *OWN_OPTIONAL, PLACE_BASIS, SIGNED)
SEXES = {"男": "1", "女": "2"}
ID_TYPES = {"居民身份证": "01", "户口簿": "01", "港澳居民来往内地通行证": "02", "港澳台居民居住证": "03", "社会保障卡": "04"}
OTHER_ID = "05"
CITIZEN_NUMBERED = ("01", "04")  # the document number is the 公民身份号码, i.e. the 社会保障号码
_MONTH_ONLY = re.compile(r"^\d{4}[-/年]?\d{1,2}月?$")
_DAY = re.compile(r"^(\d{4})[-/年]?(\d{1,2})[-/月]?(\d{1,2})日?$")
_CODE = re.compile(r"（[A-Z]{3}\d{3}）")


def _signed(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "on", "yes", "是")


def _unemployed_on(text: str) -> str | None:
    """失业时间 as YYYYMMDD, or None when it is not a full date."""
    day = dates.read_day(text)  # 2021-5-20, 2021年5月20日, 2021/5/20 (kuaiban.platform.dates); else 20210520
    if day is not None:
        return day.replace("-", "")
    found = _DAY.match(text.strip())
    if not found:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3])).strftime("%Y%m%d")
    except ValueError:
        return None


def build(form: dict, item_form: dict, items: tuple[str, ...]) -> tuple[dict, list[dict]]:
    """The 40-field record the one form gives, and the problems only the mapping can see."""
    problems: list[dict] = []
    record: dict = {}
    for name, code in FROM_BUNDLE.items():
        value = str(form.get(name) or "").strip()
        if not value:
            continue
        if code == "AAC004":
            record[code] = SEXES.get(value, value)
        elif code == "AAC058":
            record[code] = ID_TYPES.get(value, OTHER_ID)
        elif code == "AJC093":
            by_name = {v: k for k, v in (load_code_tables()["unemployment_reason"].codes or {}).items()}
            record[code] = by_name.get(value, "90")
            if record[code] == "90" and value != "其他":
                record["ADC220"] = value
        elif code == "AJC090":
            day = _unemployed_on(value)
            if day is None:
                detail = ("失业登记须填写失业的具体日期（年月日），如 2020-06-15" if _MONTH_ONLY.match(value)
                          else "失业时间应为日期，如 2020-06-15")
                problems.append({"field": f"form.{name}", "detail": detail})
                continue
            record[code] = day
        else:
            record[code] = value
    if record.get("AAC058") in CITIZEN_NUMBERED and record.get("AAC044"):
        record["AAC002"] = record["AAC044"].upper()
        record["AAC044"] = record["AAC044"].upper()
    record["ADC222"] = "1" if CLAIM_ITEM in items else "2"
    for code in (*OWN_REQUIRED, *OWN_OPTIONAL):
        value = item_form.get(code)
        if value not in (None, ""):
            record[code] = str(value).strip()
    # 登记失业地 left unpicked follows 登记失业地是 / 登记地依据, by the same rule as /unemployment/apply
    basis = str(item_form.get(PLACE_BASIS) or "").strip()
    record = registration.derive_registration_place(record | {PLACE_BASIS: basis})
    del record[PLACE_BASIS]
    for key in item_form:
        if key not in OWN_FIELDS:
            where = f"form.{ALSO_FROM.get(key) or next((n for n, c in FROM_BUNDLE.items() if c == key), key)}"
            problems.append({"field": f"item_forms.{ITEM}.{key}",
                             "detail": f"该信息项已在表单中填写（{where.removeprefix('form.')}），无需重复填写"
                             if key in (*FROM_BUNDLE.values(), *ALSO_FROM) else f"失业登记表单中没有这一信息项：{key}"})
    return record, problems


def _where(code: str) -> str:
    name = next((n for n, c in FROM_BUNDLE.items() if c == code), None) or ALSO_FROM.get(code)
    return f"form.{name}" if name else f"item_forms.{ITEM}.{code}"


def _as_problem(e: FieldError) -> dict:
    return {"field": _where(e.field), "detail": registration.place_message(e) or _CODE.sub("", e.message)}


def errors(session: Session, user: User, applicant: Applicant, form: dict, item_form: dict,
           items: tuple[str, ...], at: dt.datetime) -> list[dict]:
    """Every problem that would stop the registration being filed, beside the field of the one form at fault."""
    if applicant is None or applicant.kind != "citizen":
        return [{"field": "items", "detail": "失业登记须由失业人员本人以个人账号申请（“失业”一件事为需失业人员本人办理的事项）"}]
    record, problems = build(form, item_form, items)
    record = registration.filing_day(record, at)
    basis = str(item_form.get(PLACE_BASIS) or "").strip() or None
    problems += [_as_problem(e) for e in registration.application_errors(
        record, channel=m.ONLINE, submitted_on=at.date(), place_basis=basis)
        if not (e.field == "AJC090" and any(p["field"] == "form.失业时间" for p in problems))]
    if not _signed(item_form.get(SIGNED)):
        problems.append({"field": f"item_forms.{ITEM}.{SIGNED}",
                         "detail": "须由本人签署失业登记书面承诺（人社厅发〔2020〕3号 三）"})
    duplicate = registration.duplicate_of(session, record)
    if duplicate:
        problems.append({"field": "form.证件号码", "detail": duplicate})
    return problems


def file(session: Session, user: User, form: dict, item_form: dict, items: tuple[str, ...], at: dt.datetime,
         case_number: str) -> m.Registration:
    """File the registration (channel 线上, the citizen's own account) in the caller's transaction; the
    书面承诺's source names the case it came from."""
    record, _ = build(form, item_form, items)
    basis = str(item_form.get(PLACE_BASIS) or "").strip() or None
    return registration.submit(session, user, record, place_basis=basis, declaration_signed=_signed(item_form.get(SIGNED)),
                               at=at, origin={"bundle": "失业", "bundle_case": case_number, "bundle_item": ITEM})
