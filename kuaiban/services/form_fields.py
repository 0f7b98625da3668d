"""The 一件事 form's fields by type: which are personal information, how each is checked, and the
applicant's own identity fields, which come from the account (个人信息保护法; security review item 9).

The reference forms (人社部发〔2021〕23号 附件1) name fields only, so a field's type is read from its name:
证件号码 → identity number, 手机号码/联系电话 → phone, …地址/户口所在地 → address, …账户/账号 → bank account,
…日期/…时间 → date, and the code-table choices 性别, 证件类型, 民族. Every problem is reported at once.

Since s20 (audit 4.5, ux P5) also the form's ticks and choices, which were free text (“工伤保险: 未知abc”):
:data:`TICKED_FIELDS` are answered 是 or 否 (or a tick box's true/false) and :data:`LABEL_CHOICES` one of the
options their label prints in brackets. Read one by one from data/services/field_lists.yaml (23号 附件1):

- yes/no: the names listed after a “(勾选)” / “(默认勾选)” / “事项勾选” entry that are services or situations
  to tick, not facts to type — 参保险种 of 增员申报 (企业职工基本养老保险, 工伤保险, 失业保险), 补贴申领, 劳动关系,
  就业服务, 职工参保登记, 养老保险关系转入, 是否存在以下情形 (工亡), 劳动能力鉴定申请;
- documents (s21): entries that name a paper the applicant hands in, not a value to type — 介绍信 of
  党员组织关系转入 (“党员组织关系转入(勾选):介绍信、人员类别(正式党员/预备党员)、入党日期”, chongqing-hrss-2021.txt:3743:
  the 党员组织关系介绍信 the party organisation of origin issues, listed beside the facts to fill in; s20 typed it
  是/否, a question the text does not ask) and the 2寸免冠彩色照片. The form takes no value for them; the page says
  how they are handed in, and a typed value is refused;
- choices: 人员类别(正式党员/预备党员), 身份(干部/工人/灵活就业人员), 养老金核定表领取方式(现场领取/邮寄),
  简历公开程度(只对投递的单位公开、对全部单位公开、不公开).
- left as text, deliberately: brackets that list parts to fill in, not options (毕业院校(学历/学位/专业),
  是否就业(就业类型/就业单位), 缴费年限情况(视同缴费年限/实际缴费年限), the 领卡方式/档案调函方式 lines that add an
  address); the slash lists of 险种 without brackets (社保关系转入 may concern several); the entries of a
  checkable entry that are facts (创办者身份, 拟贷款金额 …, 减员原因, 补缴方式, 提前退休类别, 办理原因).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from stdnum.cn import ric

from kuaiban.platform import dates, id_numbers, personal_data

MAX_LENGTH = 200
ID_CARD = "居民身份证"
SEXES = ("男", "女")
ID_TYPES = (ID_CARD, "社会保障卡", "户口簿", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证",
            "港澳台居民居住证", "外国人永久居留身份证", "军官证", "士兵证", "其他")
# GB/T 3304 中国各民族名称的罗马字母拼写法和代码 (the 56 names, and 其他 / 外国血统中国籍人士)
ETHNIC_GROUPS = tuple(
    ["汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "其他", "外国血统中国籍人士"])

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_DATE = re.compile(r"^(\d{4})-?(\d{2})(?:-?(\d{2}))?$")


YES_NO = ("是", "否")

# the form's ticks (see the module's docstring): answered 是/否, or true/false from a tick box
TICKED_FIELDS = frozenset({
    "企业职工基本养老保险", "工伤保险", "失业保险",
    "企业吸纳困难人员社保补贴", "企业吸纳毕业生社保补贴", "公益性岗位社保补贴", "电子劳动合同签订", "劳动用工备案",
    "就业政策法规咨询", "职业供求信息推送", "职业指导", "就业见习", "职业培训", "创业指导",
    "职业技能鉴定(或职业技能等级认定)", "创业培训", "公益性岗位等",
    "机关事业单位工作人员参保登记", "社会保险增减员申报-增员申报",
    "企业职工养老保险关系转入", "机关事业单位养老保险关系转入", "军人退役养老保险关系转入",
    "未就业随军配偶养老保险关系转入", "失业保险关系转入",
    "停工留薪期内死亡", "一至四级停工留薪期满后死亡", "下落不明达到法定期限由人民法院宣告死亡", "劳动能力鉴定申请",
})
# fields whose label prints its options in brackets: one of them
LABEL_CHOICES: dict[str, tuple[str, ...]] = {
    "人员类别(正式党员/预备党员)": ("正式党员", "预备党员"),
    "身份(干部/工人/灵活就业人员)": ("干部", "工人", "灵活就业人员"),
    "养老金核定表领取方式(现场领取/邮寄)": ("现场领取", "邮寄"),
    "简历公开程度(只对投递的单位公开、对全部单位公开、不公开)": ("只对投递的单位公开", "对全部单位公开", "不公开"),
}


# the form's documents (see the module's docstring): handed in, never typed
DOCUMENT_FIELDS = frozenset({"介绍信"})


def is_document(name: str) -> bool:
    return name in DOCUMENT_FIELDS or "照片" in name


def choices_of(name: str) -> tuple[str, ...] | None:
    """The values a field may take when it is a choice (是/否, a code table, its label's options), else None."""
    k = kind(name)
    if k == "yes_no":
        return YES_NO
    if k == "choice":
        return LABEL_CHOICES[name]
    return {"sex": SEXES, "id_type": ID_TYPES, "ethnicity": ETHNIC_GROUPS}.get(k)


@cache
def _yes_no_fields() -> frozenset[str]:
    """The questions the system adds to a form, answered 是 or 否 (data/services/form_readings.yaml)."""
    from kuaiban.services import catalogue

    return frozenset(f.name for f in catalogue.system_fields() if f.choices == YES_NO)


def kind(name: str) -> str:
    """The type of a form field, from its name."""
    if is_document(name):
        return "document"
    if name in _yes_no_fields() or name in TICKED_FIELDS:
        return "yes_no"
    if name in LABEL_CHOICES:
        return "choice"
    if "证件号码" in name:
        return "id_number"
    if "证件类型" in name:
        return "id_type"
    if "手机号码" in name or name == "联系电话":
        return "phone"
    if "地址" in name or name == "户口所在地":
        return "address"
    if "账户" in name or "账号" in name:
        return "account"
    if name == "性别":
        return "sex"
    if name == "民族":
        return "ethnicity"
    if name == "证件有效期":
        return "validity"
    if (name.endswith("日期") or name.endswith("时间")) and "起止" not in name and "/" not in name:
        return "date"
    return "text"


PERSONAL_KINDS = frozenset(personal_data.MASKS)  # id_number, phone, address, account


def is_personal(name: str) -> bool:
    """Whether a field holds personal information: stored encrypted, masked in lists."""
    return kind(name) in PERSONAL_KINDS


def masked_form(form: dict | None) -> dict | None:
    """A copy of a case form with its personal fields masked (430104********1249, 138****1234, …区****)."""
    if form is None:
        return None
    return {k: personal_data.mask(kind(k), v) if is_personal(k) else v for k, v in form.items()}


# ---------------------------------------------------------------- identity from the account


@dataclass(frozen=True)
class SelfFields:
    """The form's fields that describe the account holder (for 工亡/过世 bundles: the 代办人)."""

    name: str
    id_number: str
    id_type: str | None
    sex: str | None
    birth_date: str | None


def self_fields(field_names: set[str]) -> SelfFields | None:
    if "代办人证件号码" in field_names:
        # the person of the form has died; the citizen filing is the 代办人 (agent)
        return SelfFields("代办人姓名", "代办人证件号码", None, None, None)
    if "证件号码" in field_names:
        return SelfFields("姓名", "证件号码", "证件类型" if "证件类型" in field_names else None,
                          "性别" if "性别" in field_names else None,
                          "出生日期" if "出生日期" in field_names else None)
    return None


def identity_values(name: str, id_number: str, fields: SelfFields) -> dict[str, str]:
    """The values a citizen's own identity fields take: from the account, 性别/出生日期 from the number."""
    values = {fields.name: name, fields.id_number: id_number}
    if fields.id_type:
        values[fields.id_type] = ID_CARD
    if fields.sex:
        values[fields.sex] = sex_of(id_number)
    if fields.birth_date:
        values[fields.birth_date] = ric.get_birth_date(id_number).isoformat()
    return values


def sex_of(id_number: str) -> str:
    """GB 11643: the 17th character (order code's last digit) is odd for a man, even for a woman."""
    return "男" if int(id_number[16]) % 2 else "女"


# ---------------------------------------------------------------- checks by type


def value_error(name: str, value: object, form: dict) -> str | None:
    """What is wrong with one filled-in value, in Chinese, or None."""
    if is_document(name) and value not in (None, "", False):
        return f"{name}是须提交的材料，不在表单中填写（办理时向经办机构提交，本地区要求上传的在“申请材料”中上传）"
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        return f"{name}不能超过 {MAX_LENGTH} 字"
    k = kind(name)
    if k == "id_number":
        id_type = str(form.get(name.replace("证件号码", "证件类型")) or ID_CARD).strip()
        if id_type == ID_CARD or id_type not in ID_TYPES:  # an unknown type is reported itself
            return citizen_id_error(name, text)
        if not re.fullmatch(r"[0-9A-Za-z()（）-]{5,30}", text):
            return f"{name}格式不正确（应为 5–30 位字母或数字）"
    elif k == "phone":
        if "手机" in name and not _MOBILE.match(text):
            return f"{name}应为 11 位手机号码，如 13800000000"
        if not (_MOBILE.match(text) or _LANDLINE.match(text)):
            return f"{name}应为 11 位手机号码或带区号的固定电话，如 0731-12345678"
    elif k == "date":
        if parse_date(text) is None:
            return f"{name}应为日期，如 2024-05-01"
    elif k == "validity":
        parts = re.split(r"\s*(?:至|~|－|—)\s*", text)
        if text != "长期" and not all(p == "长期" or parse_date(p) for p in parts):
            return f"{name}应为日期（如 2030-01-01）、“长期”或“起始日期至截止日期”"
    elif k == "sex" and text not in SEXES:
        return f"{name}只能为：{'、'.join(SEXES)}"
    elif k == "id_type" and text not in ID_TYPES:
        return f"{name}只能为：{'、'.join(ID_TYPES)}"
    elif k == "yes_no" and text not in YES_NO:
        return f"{name}只能为：{'、'.join(YES_NO)}"
    elif k == "choice" and text not in LABEL_CHOICES[name]:
        return f"{name}只能为：{'、'.join(LABEL_CHOICES[name])}"
    elif k == "ethnicity" and text not in ETHNIC_GROUPS:
        return f"{name}应为民族名称，如 汉族、蒙古族"
    return None


def citizen_id_error(name: str, number: str) -> str | None:
    problem = id_numbers.citizen_id_problem(number.upper())
    return f"{name}{problem}" if problem else None


def parse_date(text: str) -> dt.date | None:
    """A date as typed: every form a date input reads (2024-5-1, 2024年5月1日, 2024/5/1: kuaiban.platform.dates),
    and as the 证件 print them, 20240501 (a month 202405 / 2024-05 as its first day)."""
    day = dates.read_date(text)
    if day is not None:
        return day
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def normalised(name: str, value: object) -> object:
    """A checked value as stored: a date typed as a whole day (2024年5月1日, 2024-5-1, 20240501) as 2024-05-01, as
    every date input is normalised; anything else as given."""
    if kind(name) != "date" or not isinstance(value, str):
        return value
    text = value.strip()
    day = dates.read_day(text) or (parse_date(text).isoformat() if re.fullmatch(r"\d{8}", text) and parse_date(text)
                                   else None)
    return day or value
