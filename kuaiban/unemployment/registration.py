"""失业登记 submission: who may register where, the written self-declaration, the decision time limit,
the AAZ341 系统流水号 and the register check, for the three channels (online, window, national).

Clauses implemented here (file:lines in data/compilations):

- 人社厅发〔2020〕3号 一 (hunan-hrss-2020.txt:3393): “劳动年龄内、有劳动能力、有就业要求、处于无业状态的城乡劳动者，
  可在户籍地或常住地办理失业登记。”
- 人社厅发〔2020〕79号 一（一） (shandong-2020.txt:5431): “城乡失业人员可在户籍地、常住地、就业地、参保地进行失业
  登记。” — the notice is dated 2020年7月20日 (5483) and “本通知自发文之日起执行” (5467): 就业地 and 参保地 are
  accepted for applications submitted on or after 2020-07-20.
- 3号 二 (3397–3399): 线下渠道 and 线上渠道, among them the 全国统一服务入口.
- 3号 三 (3403–3405): the applicant “对填写信息真实性作出书面承诺”; “可采取劳动者书面承诺的方式，在7个工作日内办结”;
  79号 一（二） (5433): 告知承诺制, no proofs beyond the identity document.
- 79号 一（三） (5435): “要在3个工作日内办结失业登记申请”. 人社部发〔2020〕26号 附件2 item 2.4.1 (hunan-hrss-2020.txt:736,
  dated 2020年4月21日, 689) lists 7 → 3 working days only as a candidate (“备选清单”, each region picks 10+ items,
  “2020年底前” as the goal, 639 and 649); the 3-day limit binds every region from 79号's date, 2020-07-20.
- 3号 附件3 二（一） (3517): local applications are identified by 行政区划代码 + 本地系统流水号, national ones by
  失业登记申请编号 (ADC201); result record AAZ341 “不可重复”, at most 18 characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuaiban.corpus.compilations import cite_line
from kuaiban.platform import access, audit, disclosure, holidays, personal_data
from kuaiban.platform import calendar as sla
from kuaiban.platform.auth import require_role
from kuaiban.platform.citations import clause
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, ServiceError
from kuaiban.platform.models import APPLICANT, WINDOW, Applicant, User
from kuaiban.platform.regions import full_name, region_name
from kuaiban.platform.uniqueness import UniqueRule
from kuaiban.unemployment import models as m
from kuaiban.unemployment import notices
from kuaiban.unemployment.citations import cited
from kuaiban.unemployment.personal import is_personal
from kuaiban.unemployment.records import date_in_words, load_code_tables
from kuaiban.unemployment.registers import Registers, SimulatedRegisters, check_status
from kuaiban.unemployment.validate import FieldError, birth_dates, validate_record

HUNAN = "data/compilations/hunan-hrss-2020.txt"
SHANDONG = "data/compilations/shandong-2020.txt"

# --------------------------------------------------------------------------- place of registration

HOUSEHOLD = "户籍地"
RESIDENCE = "常住地"
EMPLOYMENT = "就业地"
INSURANCE = "参保地"
UNSTATED = "未说明"  # a national application whose ADC221 is not 1 or 2 (cannot happen when valid)
PLACE_BASES = (HOUSEHOLD, RESIDENCE, EMPLOYMENT, INSURANCE)
NOTICE_79_DATE = dt.date(2020, 7, 20)  # 人社厅发〔2020〕79号, 自发文之日起执行
# ADC221 登记失业地类型 has only 1 户籍地址 and 2 常驻地址 (3号 附件3 代码 13, hunan 3797–3800): the spec
# was not extended when 79号 added 就业地 and 参保地, so those are kept on the registration, not in ADC221.
PLACE_CODES = {"1": HOUSEHOLD, "2": RESIDENCE}
PLACE_SOURCES = {
    HOUSEHOLD: cited("ue_who"),
    RESIDENCE: cited("ue_who"),
    EMPLOYMENT: cited("ue_places"),
    INSURANCE: cited("ue_places"),
}


# the region of the place chosen in ADC221 登记失业地类型 (1 户籍地址, 2 常驻地址): where one registers
PLACE_REGION = {"1": "AAB299", "2": "AAF016"}
# the region fields said as a person picks them (the spec's names say 行政区划代码, which people do not use)
PLACE_PICKS = {"AAB301": "请选择登记失业地", "AAB299": "请选择户籍所在地", "AAF016": "请选择常住地"}


def derive_registration_place(values: dict[str, str]) -> dict[str, str]:
    """The place of registration filled in from what the person already chose, never over what they chose:
    登记地依据 户籍地/常住地 gives 登记失业地是 (1/2, PLACE_CODES), and 登记失业地是 gives the
    登记失业地 region — the 户籍所在地 or the 常住地 (3号 一: “可在户籍地或常住地办理失业登记”).
    A 就业地 or 参保地 (79号) has no region of its own in the record, so nothing is derived for it.

    >>> derive_registration_place({"ADC221": "2", "AAB299": "430602", "AAF016": "430104", "AAB301": ""})["AAB301"]
    '430104'
    >>> derive_registration_place({"place_basis": "户籍地", "AAB299": "430602"})["AAB301"]
    '430602'
    """
    out = dict(values)
    by_basis = {"户籍地": "1", "常住地": "2"}
    if not out.get("ADC221") and out.get("place_basis") in by_basis:
        out["ADC221"] = by_basis[out["place_basis"]]
    source = PLACE_REGION.get(out.get("ADC221") or "")
    if not (out.get("AAB301") or "").strip() and source and out.get(source) \
            and out.get("place_basis") in ("", None, "户籍地", "常住地"):
        out["AAB301"] = out[source]
    return out


def place_message(error: FieldError) -> str | None:
    """A missing region said in plain words (请选择登记失业地), for every form that asks the place
    (/unemployment/apply and the 失业 一件事); None for any other error."""
    return PLACE_PICKS.get(error.field) if error.rule == "required" else None


def place_bases_on(day: dt.date) -> tuple[str, ...]:
    """The places a person may register at on ``day``.

    >>> place_bases_on(dt.date(2020, 7, 19))
    ('户籍地', '常住地')
    >>> place_bases_on(dt.date(2020, 7, 20))
    ('户籍地', '常住地', '就业地', '参保地')
    """
    return PLACE_BASES if day >= NOTICE_79_DATE else PLACE_BASES[:2]


# --------------------------------------------------------------------------- time limit


@dataclass(frozen=True)
class DecisionLimit:
    working_days: int
    basis: str


def decision_limit(submitted_on: dt.date) -> DecisionLimit:
    """办结时限 of a registration submitted on ``submitted_on``: 7 working days (3号 三), 3 from 2020-07-20 (79号).

    >>> decision_limit(dt.date(2020, 7, 17)).working_days, decision_limit(dt.date(2020, 7, 20)).working_days
    (7, 3)
    """
    if submitted_on >= NOTICE_79_DATE:
        return DecisionLimit(3, _basis("ue_limit3", "要在3个工作日内办结失业登记申请"))
    return DecisionLimit(7, _basis("ue_limit7", "在7个工作日内办结失业登记"))


def _basis(key: str, excerpt: str) -> str:
    """文号 article “excerpt of the registered quote” (湖南汇编 第 N 行: shown to applicants, never a file name)."""
    c = clause(key)
    return f"{c.doc_no} {c.article}“{excerpt}”（{cite_line(c.file, c.lines[0])}）"


def decision_due(submitted_at: dt.datetime) -> tuple[DecisionLimit, dt.datetime | None]:
    """The limit and the moment after which the decision is late (the last working day's end).

    The submission day is not counted (民法典 第二百零一条, as in :mod:`kuaiban.platform.calendar`).
    When the year's holidays are not published yet the deadline is provisional (weekends and the fixed-date
    holidays, :func:`kuaiban.platform.calendar.estimate`) and the basis says so: see :func:`decision_due_of`."""
    limit, due, _ = decision_due_of(submitted_at)
    return limit, due


def decision_due_of(submitted_at: dt.datetime) -> tuple[DecisionLimit, dt.datetime, bool]:
    """:func:`decision_due` and whether the deadline is provisional (recomputed when the year is entered)."""
    limit = decision_limit(submitted_at.date())
    last = sla.estimate(submitted_at.date(), working_days=limit.working_days)
    return limit, dt.datetime.combine(last.value, dt.time(23, 59, 59)), last.provisional


def recompute_provisional(session: Session) -> list[m.Registration]:
    """Recompute the provisional deadlines of pending registrations (a year's 节假日安排 was just entered):
    called in the entering transaction (:mod:`kuaiban.handoffs`). Returns the registrations recomputed."""
    out = []
    for reg in session.scalars(select(m.Registration).where(m.Registration.due_provisional.is_(True),
                                                            m.Registration.status == m.PENDING)).all():
        _, reg.due_at, reg.due_provisional = decision_due_of(reg.submitted_at)
        out.append(reg)
    session.flush()
    return out


# --------------------------------------------------------------------------- AAZ341


def _counter_insert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(m.NumberCounter)


def next_serial(session: Session, region: str, on: dt.date) -> str:
    """A new 系统流水号 (AAZ341): 6-digit region code + YYMMDD + a 6-digit sequence of that region and day,
    18 characters, never repeated (registrations and exit records draw from the same counter).

    The counter row is bumped with one UPDATE inside the caller's transaction, so concurrent
    submissions queue on the row lock (PostgreSQL) or the write lock (SQLite) and never share a number.
    The national-sync service calls this for cases filed locally as well.
    """
    if len(region) != 6 or not region.isdigit():
        raise Invalid(f"登记失业地行政区划代码（AAB301）应为6位数字：{region}", "AAB301")
    key = f"{region}:{on:%y%m%d}"
    session.execute(_counter_insert(session).values(key=key, value=0).on_conflict_do_nothing())
    value = session.execute(update(m.NumberCounter).where(m.NumberCounter.key == key)
                            .values(value=m.NumberCounter.value + 1).returning(m.NumberCounter.value)).scalar_one()
    if value > 999_999:
        raise Conflict(f"{region} 于 {on.isoformat()} 的系统流水号已用尽", "AAZ341")
    return f"{region}{on:%y%m%d}{value:06d}"


# --------------------------------------------------------------------------- 书面承诺

DECLARATION = "本人承诺填报的以上内容均真实、准确、有效，如与实际情况不一致，本人愿意承担相应责任，同时纳入人社信用记录。"
# 附件1's 承诺栏 (3491), signed as 三 asks (3403: “由本人对填写信息真实性作出书面承诺”)
DECLARATION_SOURCE = cited("ue_declaration_form")


def _code_name(table: str, code: str | None) -> str:
    codes = load_code_tables()[table].codes or {}
    return codes.get(code or "", code or "未填")


def declaration_text(record: dict, place_basis: str) -> str:
    """The 书面承诺 generated from the application: what was declared, then the form's promise. Dates read as
    the pages print them (失业时间 2020年6月15日); a text once signed is kept and shown as it was signed."""
    region = record.get("AAB301", "")
    place = region_name(region) or region
    return (f"本人{record.get('AAC003', '')}（{_code_name('id_type', record.get('AAC058'))}"
            f" {record.get('AAC044', '')}）申请在{place}（{region}）以{place_basis}办理失业登记。"
            f"本人劳动年龄内、有劳动能力、有就业要求、处于无业状态；失业时间 {date_in_words(record.get('AJC090', ''))}，"
            f"失业原因：{_code_name('unemployment_reason', record.get('AJC093'))}"
            f"{'（' + record['ADC220'] + '）' if record.get('ADC220') else ''}。"
            f"{DECLARATION}")


def sign(text: str, signer: str, id_number: str, at: dt.datetime) -> str:
    return hashlib.sha256(f"{text}\n{signer}\n{id_number}\n{at.isoformat()}".encode()).hexdigest()


# --------------------------------------------------------------------------- validation


class RecordInvalid(Invalid):
    """The application record has field errors: all of them, each with its field code."""

    def __init__(self, errors: list[FieldError]) -> None:
        first = errors[0]
        super().__init__(f"失业登记申请信息有 {len(errors)} 处错误：{first.message}", first.field)
        self.errors = errors


def application_errors(record: object, *, channel: str, submitted_on: dt.date,
                       place_basis: str | None = None) -> list[FieldError]:
    """Every problem of an application for ``channel``, field by field (empty when it can be filed).

    ADC201 is the national platform's number (3号 附件3 二（一）, hunan 3517): required for the national
    channel, refused on local filings, which are identified by AAB301 + AAZ341 instead.
    """
    errors = validate_record(record, "application", today=submitted_on)
    if not isinstance(record, dict):
        return errors
    if channel != m.NATIONAL:
        errors = [e for e in errors if not (e.field == "ADC201" and e.rule == "required")]
        if record.get("ADC201"):
            errors.append(FieldError("ADC201", "local_channel",
                                     "失业登记申请编号（ADC201）仅用于全国统一服务入口转办的申请，本地申请不填"))
    if place_basis is not None:
        allowed = place_bases_on(submitted_on)
        if place_basis not in allowed:
            later = "（就业地、参保地自2020年7月20日人社厅发〔2020〕79号起可选）" if place_basis in PLACE_BASES else ""
            errors.append(FieldError("place_basis", "place_basis",
                                     f"登记地依据“{place_basis}”不可选，可选：{'、'.join(allowed)}{later}"))
        elif place_basis in (HOUSEHOLD, RESIDENCE) and record.get("ADC221") in PLACE_CODES \
                and PLACE_CODES[record["ADC221"]] != place_basis:
            errors.append(FieldError("ADC221", "place_type",
                                     f"登记失业地类型（ADC221）为“{_code_name('place_type', record['ADC221'])}”，"
                                     f"与所选登记地依据“{place_basis}”不一致"))
    return errors


def _place_findings(record: dict, place_basis: str) -> list[str]:
    """Region codes that do not bear out the stated place: shown to the caseworker, never a refusal
    (3号 八, hunan 3455: “不得以人户分离、户籍不在本地等为由不予受理”). The places are named (湖南省长沙市岳麓区),
    the code after each name."""
    want = {HOUSEHOLD: ("AAB299", "户籍地"), RESIDENCE: ("AAF016", "常住地")}.get(place_basis)
    if want and record.get(want[0]) and record.get(want[0]) != record.get("AAB301"):
        return [f"登记失业地{_place(record.get('AAB301'))}与{want[1]}{_place(record.get(want[0]))}不同"]
    return []


def _place(code: str | None) -> str:
    """湖南省长沙市岳麓区（430104）; the bare code when the table does not know it."""
    name = full_name(code) or region_name(code)
    return f"{name}（{code}）" if name else str(code or "")


# --------------------------------------------------------------------------- filing


def person_number(record: dict) -> str:
    """The number a person is known by: 社会保障号码 (AAC002, optional in the application) or else the
    证件号码 (AAC044, required)."""
    return record.get("AAC002") or record["AAC044"]


def social_security_number(record: dict) -> str | None:
    """The 社会保障号码 an exit record may carry (AAC002, required there: shandong-2020.txt:5545): the
    application's AAC002, else the 证件号码 of a document numbered with the 公民身份号码 (01 居民身份证（户口簿）,
    04 社会保障卡); None when the record holds none — a pass or a permit number is never sent as AAC002."""
    if record.get("AAC002"):
        return str(record["AAC002"])
    if record.get("AAC058") in load_code_tables()["id_type"].flags.get("resident_id", frozenset()) | {"04"}:
        return str(record.get("AAC044") or "") or None
    return None


# One open 失业登记 per person, enforced by a partial unique index (migration 0009, on the keyed hash of
# the encrypted number since 0010) over 已登记 and over 待审核 filed locally: two submissions at once
# cannot both pass the check below.
OPEN_PER_PERSON = UniqueRule("ux_ue_registrations_open_person_hash", "ue_registrations", ("id_number_hash",))


def duplicate_conflict(person: str) -> Conflict:
    return Conflict(f"社会保障号码（AAC002）{person} 已有待审核或已登记的失业登记，不能重复申请", "AAC002")


def duplicate_of(session: Session, record: dict) -> str | None:
    """Why this person cannot apply again, said before anyone signs (None when they can): one open
    失业登记 per person (待审核 or 已登记)."""
    try:
        person = person_number(record)
    except KeyError:
        return None
    open_one = _open_registration(session, person) if person else None
    if open_one is None:
        return None
    return (f"该证件号码已有{open_one.status}的失业登记（编号 {open_one.aaz341}），不能重复申请；"
            "如需变更，请联系登记机构")


def _open_registration(session: Session, id_number: str) -> m.Registration | None:
    return session.scalar(select(m.Registration).where(
        m.Registration.id_number_hash.in_(personal_data.lookup_hashes(id_number)),
        m.Registration.status.in_((m.PENDING, m.REGISTERED))).limit(1))


def latest_of(session: Session, id_number: str) -> m.Registration | None:
    """The person's newest 失业登记 (any status), found by the keyed hash of their number: what other parts of
    kuaiban show beside a 失业保险金 claim or offer before filing another (:mod:`kuaiban.handoffs`)."""
    return session.scalar(select(m.Registration).where(
        m.Registration.id_number_hash.in_(personal_data.lookup_hashes(id_number)))
        .order_by(m.Registration.submitted_at.desc(), m.Registration.id.desc()).limit(1))


def _age_findings(record: dict) -> list[str]:
    """3号 一 (hunan 3393) sets the labour age from 16: a record that carries no birth date (a 通行证 or
    其他身份证件 without 社会保障号码) cannot be checked by the system, so the caseworker is asked to."""
    if birth_dates(record):
        return []
    return ["申请信息中没有载明出生日期的号码（证件类型非居民身份证、社会保障卡、港澳台居民居住证，且未填社会保障号码），"
            "请核实申请人在申请日期是否年满16周岁（人社厅发〔2020〕3号 一）"]


def _file(session: Session, record: dict, *, channel: str, place_basis: str, at: dt.datetime,
          registers: Registers | None, applicant_user: User | None, filed_by: User | None,
          signer_at: dt.datetime, refuse_duplicate: bool, intake_errors: list[FieldError] | None = None,
          origin: dict | None = None) -> m.Registration:
    """File ``record``. Local channels: nothing is stored while any field error remains. National:
    ``intake_errors`` are the field errors of a downloaded application that is filed all the same, for
    the reviewer to decide (3号 附件3 三（一）3, hunan 3564: the 经办人员 records 审核通过 or 审核不通过 with the
    reason; 4, 3572: every result is uploaded)."""
    if intake_errors is None:
        early = str(record.get("AAC002") or record.get("AAC044") or "")
        if refuse_duplicate and early and (open_one := _open_registration(session, early)) is not None:
            # said before the form's own errors: a person with an open registration need not correct them
            raise Conflict(f"已有有效的失业登记（编号 {open_one.aaz341}，{open_one.status}），不能重复申请", "AAC002")
        errors = application_errors(record, channel=channel, submitted_on=at.date(), place_basis=place_basis)
        if errors:
            raise RecordInvalid(errors)
    person = person_number(record) if channel != m.NATIONAL else str(record.get("AAC002") or record.get("AAC044") or "")
    open_one = _open_registration(session, person) if person else None
    if open_one is not None and refuse_duplicate:
        raise Conflict(f"社会保障号码（AAC002）{person} 已有{open_one.status}的失业登记 {open_one.aaz341}，"
                       "不能重复申请", "AAC002")
    if channel == m.NATIONAL and session.scalar(select(m.Registration.id)
                                                .where(m.Registration.adc201 == record["ADC201"])) is not None:
        raise Conflict(f"失业登记申请编号（ADC201）{record['ADC201']} 已接收", "ADC201")
    holidays.sync(session, within_a_year_of=at)  # a 节假日安排 entered since this process last looked
    limit, due, provisional = decision_due_of(at)
    check = check_status(registers or SimulatedRegisters(session), person, at.date())
    extra = _place_findings(record, place_basis) + _age_findings(record)
    if open_one is not None:
        extra.append(f"此人已有{open_one.status}的失业登记 {open_one.aaz341}")
    if intake_errors:
        # kept field by field: the review page shows them, and suggests them as the 不通过 reason (AAE360)
        extra += [f"申请信息不合规：{e.message}" for e in intake_errors]
        check = check | {"intake_errors": [e.as_dict() for e in intake_errors]}
    if extra:
        check = check | {"findings": check["findings"] + extra, "flagged": True,
                         "advice": "比对发现需核实的情况，请经办人员核实后决定（不自动不予登记）"}
    name = str(record.get("AAC003") or "")
    reg = m.Registration(
        aaz341=next_serial(session, record["AAB301"], at.date()), adc201=record.get("ADC201") or None,
        aab301=record["AAB301"], channel=channel, place_basis=place_basis, id_number=person,
        name=name[:50], applicant_user_id=applicant_user.id if applicant_user else None,
        filed_by_id=filed_by.id if filed_by else None, status=m.PENDING, application=dict(record),
        submitted_at=at, limit_working_days=limit.working_days, limit_basis=limit.basis, due_at=due,
        due_provisional=provisional, register_check=check, register_flagged=check["flagged"], version=1)
    text = declaration_text(record, place_basis)
    reg.commitment = m.Declaration(text=text, signer=name[:50], signer_id_number=person,
                                  signed_at=signer_at, signature=sign(text, name, person, signer_at),
                                  source=DECLARATION_SOURCE | {"channel": channel} | (origin or {}))
    session.add(reg)
    try:
        session.flush()
    except IntegrityError as exc:  # filed at the same moment by another request: the index decided
        if OPEN_PER_PERSON.broken_by(exc):
            session.rollback()  # the transaction is dead (see platform.auth._flush_unique)
            raise duplicate_conflict(person) from exc
        raise
    audit.record(session, "ue_submit", "ue_registration", reg.id, actor=filed_by or applicant_user, at=at,
                 aaz341=reg.aaz341, adc201=reg.adc201, channel=channel, place_basis=place_basis, due_at=due,
                 flagged=reg.register_flagged)
    notices.received(session, reg, at)
    return reg


def submit(session: Session, user: User, record: dict, *, place_basis: str | None = None,
           declaration_signed: bool, at: dt.datetime | None = None,
           registers: Registers | None = None, origin: dict | None = None) -> m.Registration:
    """File an application online (the applicant's own account) or at the window (a 窗口人员 for them).

    Nothing is stored unless the whole record is valid; :class:`RecordInvalid` carries every error.
    ``declaration_signed`` is the applicant's signature of the 书面承诺 (online: ticked and submitted by
    the applicant; window: signed in front of the clerk) — without it the application is not filed.
    ``place_basis`` defaults to what ADC221 says (户籍地 or 常住地). AAE127 申请日期 is the filing day
    (:func:`filing_day`). ``origin`` is kept with the 书面承诺's source (e.g. the 一件事 case it came from).
    """
    require_role(user, APPLICANT, WINDOW)
    at = at or audit.now()
    if not isinstance(record, dict):
        raise RecordInvalid(validate_record(record, "application", today=at.date()))
    record = filing_day(record, at)
    if user.role == APPLICANT:
        own = session.get(Applicant, user.applicant_id) if user.applicant_id else None
        if own is None or own.kind != "citizen":
            raise Forbidden("只有个人办事人账号可以申请失业登记")
        # The person is known by AAC002, or by the document number AAC044 when AAC002 is empty
        # (person_number); either way it must be the account holder's own number, or a citizen could
        # file for someone else simply by leaving AAC002 blank.
        if not own.id_number:
            raise Forbidden("账号未登记证件号码，不能在线申请失业登记，请到窗口办理")
        if not _is_own_number(record, own.id_number):
            field = "AAC002" if record.get("AAC002") else "AAC044"
            raise Forbidden(f"只能为本人申请失业登记：证件号码（{field}）与账号不符", field)
        channel, applicant_user, filed_by = m.ONLINE, user, None
    else:
        if not in_scope(user, str(record.get("AAB301", ""))):
            raise Forbidden(f"无权受理登记失业地（AAB301）{record.get('AAB301')} 的申请", "AAB301")
        channel, applicant_user, filed_by = m.WINDOW, None, user
    basis = place_basis or PLACE_CODES.get(str(record.get("ADC221")), HOUSEHOLD)
    # Field errors first, so a client learns everything wrong with the record in one answer; then the
    # signature, without which nothing is filed.
    errors = application_errors(record, channel=channel, submitted_on=at.date(), place_basis=basis)
    if errors:
        raise RecordInvalid(errors)
    if not declaration_signed:
        raise Invalid("须由申请人本人签署书面承诺（人社厅发〔2020〕3号 三）", "declaration_signed")
    return _file(session, record, channel=channel, place_basis=basis, at=at, registers=registers,
                 applicant_user=applicant_user, filed_by=filed_by, signer_at=at, refuse_duplicate=True,
                 origin=origin)


def filing_day(record: dict, at: dt.datetime) -> dict:
    """A local application with AAE127 申请日期 set to the day it is filed.

    The 申请日期 (3号 附件3 四（一） item 3, hunan 3603) is the day the person applies. On a local channel that
    is the day the application is submitted and the 书面承诺 signed (online by the applicant, at the window
    in front of the clerk); the decision limit runs from it too. A date typed by hand is therefore not
    taken: it would be uploaded as the 申请日期 and would move the labour-age check to another day."""
    return record | {"AAE127": at.strftime("%Y%m%d")}


def _is_own_number(record: dict, own_number: str) -> bool:
    """Whether the record's person (AAC002, else AAC044) is the account holder; ID letters compared upper-case."""
    person = str(record.get("AAC002") or record.get("AAC044") or "")
    return person.strip().upper() == own_number.strip().upper()


def register_from_national(session: Session, record: dict, *, received_at: dt.datetime,
                           registers: Registers | None = None, place_basis: str | None = None) -> m.Registration:
    """File an application downloaded from the 全国统一服务入口 (channel ``national``), keeping its ADC201.

    The platform's form carries the same 承诺 (附件1), so the commitment is stored as signed by the
    applicant at download time. The time limit runs from ``received_at``. A person who already has a
    registration is not refused here (the platform cannot be told no at download): the case is flagged
    and the reviewer rejects it with a reason. So is an application with field errors (an applicant
    under 16, a 失业时间 given as a month …): it is filed with its errors (``register_check["intake_errors"]``)
    and waits for the reviewer's 审核通过 or 审核不通过 with the reason, whose result is uploaded like any
    other (3号 附件3 三（一）3–4, hunan 3564 and 3572; 七, 3449: “各地要及时办理转办事项”).
    Raises :class:`RecordInvalid` only when the record cannot be filed at all (not a record, no ADC201 or
    no valid AAB301: :data:`NEEDED_TO_FILE`) or :class:`Conflict` (ADC201 already received).
    """
    basis = place_basis or PLACE_CODES.get(str(record.get("ADC221")) if isinstance(record, dict) else "", UNSTATED)
    if not isinstance(record, dict):
        raise RecordInvalid(validate_record(record, "application", today=received_at.date()))
    errors = application_errors(record, channel=m.NATIONAL, submitted_on=received_at.date(),
                                place_basis=None if basis == UNSTATED else basis)
    unfileable = [e for e in errors if e.field in NEEDED_TO_FILE]
    if unfileable:
        raise RecordInvalid(unfileable)
    return _file(session, record, channel=m.NATIONAL, place_basis=basis, at=received_at, registers=registers,
                 applicant_user=None, filed_by=None, signer_at=received_at, refuse_duplicate=False,
                 intake_errors=errors)


# What a downloaded application must carry to be filed at all: its platform number (the result is
# returned under it) and a valid 登记失业地 (the region whose staff review it and whose code keys the
# result, AAZ341 included). Any other field error is the reviewer's to weigh (hunan 3564).
NEEDED_TO_FILE = ("_record", "ADC201", "AAB301")


# --------------------------------------------------------------------------- access


def in_scope(user: User, aab301: str) -> bool:
    """Staff act on registrations of the regions they serve (the one rule, :mod:`kuaiban.platform.access`)."""
    return access.serves(user, aab301)


def get_registration(session: Session, user: User, aaz341: str) -> m.Registration:
    reg = session.scalar(select(m.Registration).where(m.Registration.aaz341 == aaz341))
    from kuaiban.platform.errors import NotFound

    if reg is None:
        raise NotFound(f"失业登记不存在：{aaz341}", "AAZ341")
    if user.role == APPLICANT:
        if not _is_own(session, user, reg):  # another person's: not said to exist, as in access.require_own
            raise NotFound(f"失业登记不存在：{aaz341}", "AAZ341")
    elif not in_scope(user, reg.aab301):
        raise Forbidden(f"无权查看失业登记 {aaz341}（不属本地区）")
    return reg


def own_number(session: Session, user: User) -> str | None:
    """The 证件号码 of a citizen's account (stored encrypted, read here), None for anyone else: a person's
    registrations are theirs whoever entered them — online by themselves or at the window by a clerk."""
    if user.role != APPLICANT or not user.applicant_id:
        return None
    own = session.get(Applicant, user.applicant_id)
    return own.id_number if own is not None and own.kind == "citizen" and own.id_number else None


def _is_own(session: Session, user: User, reg: m.Registration) -> bool:
    if reg.applicant_user_id == user.id:
        return True
    number = own_number(session, user)
    return number is not None and reg.id_number_hash in personal_data.lookup_hashes(number)


def disclose(session: Session, user: User, reg: m.Registration) -> m.Registration:
    """``reg`` about to be shown in full (a detail page or endpoint): a staff member's read of its personal
    fields goes to the audit log. Lists must show :func:`kuaiban.unemployment.personal.masked_record`."""
    shown = [k for k, v in (reg.application or {}).items() if is_personal(k) and v]
    disclosure.record_full_read(session, user, "ue_registration", reg.id, fields=shown, aaz341=reg.aaz341)
    return reg


def my_registrations(session: Session, user: User) -> list[m.Registration]:
    """The citizen's registrations: filed from their account, or entered at the window for their 证件号码
    (matched by the keyed hash of the encrypted number, as every lookup by number is)."""
    require_role(user, APPLICANT)
    mine = m.Registration.applicant_user_id == user.id
    number = own_number(session, user)
    if number:
        mine = or_(mine, m.Registration.id_number_hash.in_(personal_data.lookup_hashes(number)))
    return list(session.scalars(select(m.Registration).where(mine)
                                .order_by(m.Registration.submitted_at.desc(), m.Registration.id.desc())))


def open_of_account(session: Session, user: User) -> str | None:
    """Why a citizen cannot apply again, said when they open the form (None when they can): the 待审核 or 已登记
    失业登记 of their 证件号码, however it was filed."""
    number = own_number(session, user)
    open_one = _open_registration(session, number) if number else None
    if open_one is None:
        return None
    return (f"已有有效的失业登记（编号 {open_one.aaz341}，{open_one.status}），不能重复申请；"
            "可在“我的失业登记”中查看办理进度，如需变更请联系登记机构")


__all__ = [
    "PLACE_BASES",
    "RecordInvalid",
    "ServiceError",
    "application_errors",
    "decision_due",
    "decision_due_of",
    "decision_limit",
    "declaration_text",
    "get_registration",
    "in_scope",
    "latest_of",
    "my_registrations",
    "next_serial",
    "open_of_account",
    "own_number",
    "place_bases_on",
    "recompute_provisional",
    "register_from_national",
    "submit",
]
