"""Filing a 失业登记: channels, the 书面承诺, place of registration, time limits, AAZ341, register checks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kuaiban.platform import calendar
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.unemployment import models as m
from kuaiban.unemployment.registers import SimulatedRegisters, check_status, load_registers
from kuaiban.unemployment.registration import (
    RecordInvalid,
    decision_due,
    declaration_text,
    next_serial,
    register_from_national,
    sign,
    submit,
)
from tests.unemployment.world import COUNTY, SEPT_30, local_application, make_world, national_application


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def test_online_application_is_filed_with_signed_declaration_and_serial(world):
    with world.session() as s:
        reg = submit(s, world.citizen, local_application(), declaration_signed=True, at=SEPT_30)
        assert reg.channel == m.ONLINE and reg.status == m.PENDING and reg.aab301 == COUNTY
        assert reg.place_basis == "户籍地"  # ADC221 = 1 户籍地址
        assert len(reg.aaz341) == 18 and reg.aaz341.startswith(f"{COUNTY}200930")
        declaration = reg.commitment
        assert declaration.text == declaration_text(reg.application, "户籍地")
        assert "本人承诺填报的以上内容均真实、准确、有效" in declaration.text
        assert declaration.signer == "样例0号" and declaration.signed_at == SEPT_30
        assert declaration.signature == sign(declaration.text, "样例0号", reg.id_number, SEPT_30)
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "ue_submit")) == 1


def test_unsigned_declaration_is_not_filed(world):
    with world.session() as s, pytest.raises(Invalid) as err:
        submit(s, world.citizen, local_application(), declaration_signed=False, at=SEPT_30)
    assert err.value.field == "declaration_signed"


def test_invalid_application_returns_every_error_and_stores_nothing(world):
    bad = local_application(AAC003="样例 甲", AAC067="123", AAE127=None)
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        submit(s, world.citizen, bad, declaration_signed=True, at=SEPT_30)
    fields = {e.field for e in err.value.errors}
    assert fields == {"AAC003", "AAC067"}  # AAE127 申请日期 is the filing day, set on filing (session 13)
    assert all(e.message and "（" in e.message for e in err.value.errors)  # Chinese, naming the field code
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Registration)) == 0
        assert s.scalar(select(func.count()).select_from(m.NumberCounter)) == 0


def test_local_application_must_not_carry_national_number(world):
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        submit(s, world.citizen, local_application(ADC201="SAMPLE-1"), declaration_signed=True, at=SEPT_30)
    assert [e.field for e in err.value.errors] == ["ADC201"]


def test_citizen_may_only_apply_for_themselves(world):
    with world.session() as s, pytest.raises(Forbidden) as err:
        submit(s, world.citizen, local_application(5), declaration_signed=True, at=SEPT_30)
    assert err.value.field == "AAC002"


def test_leaving_aac002_blank_does_not_let_a_citizen_file_for_someone_else(world):
    """The person is then known by the document number AAC044, which must be the account holder's."""
    someone_else = local_application(5, AAC002=None)
    with world.session() as s, pytest.raises(Forbidden) as err:
        submit(s, world.citizen, someone_else, declaration_signed=True, at=SEPT_30)
    assert err.value.field == "AAC044"
    mine_by_document = local_application(0, AAC002=None)
    with world.session() as s:
        assert submit(s, world.citizen, mine_by_document, declaration_signed=True, at=SEPT_30).status == m.PENDING


def test_field_errors_are_reported_before_the_missing_signature(world):
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        submit(s, world.citizen, local_application(AAC003="样例 甲"), declaration_signed=False, at=SEPT_30)
    assert "AAC003" in {e.field for e in err.value.errors}


def test_window_clerk_files_for_a_citizen_of_their_region_only(world):
    with world.session() as s:
        reg = submit(s, world.window, local_application(3), declaration_signed=True, at=SEPT_30)
        assert reg.channel == m.WINDOW and reg.filed_by_id == world.window.id and reg.applicant_user_id is None
    elsewhere = local_application(4, AAB301="370102", AAB299="370102", AAF016="370102")
    with world.session() as s, pytest.raises(Forbidden) as err:
        submit(s, world.window, elsewhere, declaration_signed=True, at=SEPT_30)
    assert err.value.field == "AAB301"


def test_employment_and_insurance_places_accepted_from_notice_79(world):
    """人社厅发〔2020〕79号 (2020-07-20, 自发文之日起执行) adds 就业地 and 参保地 to 户籍地 and 常住地."""
    before = dt.datetime(2020, 7, 17, 9)
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        submit(s, world.window, local_application(7), place_basis="就业地", declaration_signed=True, at=before)
    assert err.value.errors[0].field == "place_basis" and "2020年7月20日" in err.value.errors[0].message
    with world.session() as s:
        reg = submit(s, world.window, local_application(7), place_basis="参保地", declaration_signed=True,
                     at=dt.datetime(2020, 7, 20, 9))
        assert reg.place_basis == "参保地"


def test_place_basis_must_agree_with_the_recorded_place_type(world):
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        submit(s, world.window, local_application(8, ADC221="1"), place_basis="常住地", declaration_signed=True,
               at=SEPT_30)
    assert err.value.errors[0].field == "ADC221"


def test_registration_away_from_household_is_flagged_never_refused(world):
    """3号 八: 不得以人户分离、户籍不在本地等为由不予受理."""
    with world.session() as s:
        reg = submit(s, world.window, local_application(9, AAB299="370102"), declaration_signed=True, at=SEPT_30)
        assert reg.register_flagged and any("与户籍地山东省济南市历下区（370102）不同" in f for f in reg.register_check["findings"])  # named, s15


def test_deadline_is_seven_working_days_before_notice_79_and_three_after(world):
    with world.session() as s:
        early = submit(s, world.window, local_application(10), declaration_signed=True,
                       at=dt.datetime(2020, 7, 17, 9))  # Friday
        late = submit(s, world.window, local_application(11), declaration_signed=True,
                      at=dt.datetime(2020, 7, 20, 9))  # Monday
    assert (early.limit_working_days, early.due_at) == (7, dt.datetime(2020, 7, 28, 23, 59, 59))
    assert "人社厅发〔2020〕3号" in early.limit_basis
    assert (late.limit_working_days, late.due_at) == (3, dt.datetime(2020, 7, 23, 23, 59, 59))
    assert "人社厅发〔2020〕79号" in late.limit_basis


def test_deadline_counts_working_days_across_national_day(world):
    """Submitted 2020-09-30: 10-01..10-08 are off, 10-09 (Fri) and the make-up Saturday 10-10 count."""
    with world.session() as s:
        reg = submit(s, world.citizen, local_application(), declaration_signed=True, at=SEPT_30)
    assert reg.due_at == dt.datetime(2020, 10, 12, 23, 59, 59)


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2021, 12, 20)))
def test_decision_due_is_exactly_the_limit_in_working_days(submitted_at):
    limit, due = decision_due(submitted_at)
    days = [submitted_at.date() + dt.timedelta(days=k) for k in range(1, (due.date() - submitted_at.date()).days + 1)]
    assert sum(calendar.is_working_day(d) for d in days) == limit.working_days
    assert calendar.is_working_day(due.date())
    assert limit.working_days == (3 if submitted_at.date() >= dt.date(2020, 7, 20) else 7)


def test_serials_are_unique_18_characters_per_region_and_day(world):
    with world.session() as s:
        numbers = [next_serial(s, COUNTY, dt.date(2020, 10, 9)) for _ in range(25)]
        other_day = next_serial(s, COUNTY, dt.date(2020, 10, 10))
    assert len(set(numbers)) == 25 and all(len(n) == 18 for n in numbers)
    assert numbers[0] == "430102201009000001" and other_day == "430102201010000001"
    with world.session() as s, pytest.raises(Invalid):
        next_serial(s, "43", dt.date(2020, 10, 9))


REGISTERS_YAML = """
insurance:
  - {id_number: "%(id)s", unit_name: 样例有限公司, unit_code: "91430000SAMPLE0001", insurance: 企业职工基本养老保险,
     region: "430102", start_on: 2018-03-01}
  - {id_number: "%(id)s", unit_name: 样例旧单位, insurance: 失业保险, start_on: 2015-01-01, end_on: 2017-12-31}
employment:
  - {id_number: "%(id)s", unit_name: 样例有限公司, region: "430102", start_on: 2018-03-01, end_on: 2020-06-30}
"""


def test_person_still_enrolled_as_employed_is_flagged_not_refused(world, tmp_path):
    """3号 三: 失业状况可通过与社会保险参保登记、劳动用工备案等系统比对核实 — the caseworker decides."""
    from tests.unemployment.world import person_id

    path = tmp_path / "registers.yaml"
    path.write_text(REGISTERS_YAML % {"id": person_id(12)}, encoding="utf-8")
    with world.session() as s:
        assert load_registers(s, path) == {"insurance": 2, "employment": 1}
    with world.session() as s:
        reg = submit(s, world.window, local_application(12), declaration_signed=True, at=SEPT_30)
        assert reg.status == m.PENDING and reg.register_flagged
        check = reg.register_check
        assert [e["unit_name"] for e in check["insurance"]] == ["样例有限公司"]  # the ended enrolment is not current
        assert check["employment"] == []  # 用工备案 ended 2020-06-30
        assert "核实" in check["advice"] and check["source"]["doc_no"] == "人社厅发〔2020〕3号"
        # the same register on a day when the filing was open
        on_june = check_status(SimulatedRegisters(s), person_id(12), dt.date(2020, 6, 1))
        assert len(on_june["employment"]) == 1


def test_registers_load_from_csv_all_rows_or_none(world, tmp_path):
    from tests.unemployment.world import person_id

    good = tmp_path / "good.csv"
    good.write_text("register,id_number,unit_name,insurance,start_on,end_on\n"
                    f"insurance,{person_id(13)},样例公司,失业保险,2019-01-01,\n"
                    f"employment,{person_id(13)},样例公司,,2019-01-01,2020-01-31\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("register,id_number,unit_name,insurance,start_on\n"
                   f"insurance,{person_id(14)},样例公司,失业保险,2019-01-01\n"
                   f"employment,{person_id(14)},样例公司,,2019-13-01\n", encoding="utf-8")
    with world.session() as s:
        assert load_registers(s, good) == {"insurance": 1, "employment": 1}
    with world.session() as s, pytest.raises(Invalid) as err:
        load_registers(s, bad)
    assert err.value.field == "start_on" and "第 3 行" in err.value.message
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(m.InsuranceEnrolment)) == 1


def test_second_open_registration_refused_locally(world):
    with world.session() as s:
        first = submit(s, world.window, local_application(15), declaration_signed=True, at=SEPT_30)
    with world.session() as s, pytest.raises(Conflict) as err:
        submit(s, world.window, local_application(15), declaration_signed=True, at=SEPT_30)
    assert err.value.field == "AAC002" and first.aaz341 in err.value.message


def test_register_from_national_keeps_platform_identity(world):
    received = dt.datetime(2020, 10, 9, 8, 0)
    with world.session() as s:
        reg = register_from_national(s, national_application(16), received_at=received)
        assert reg.channel == m.NATIONAL and reg.adc201 == "SAMPLE-NATIONAL-00000000000000000016"
        assert reg.submitted_at == received and reg.due_at == dt.datetime(2020, 10, 13, 23, 59, 59)
        assert len(reg.aaz341) == 18 and reg.commitment is not None
    with world.session() as s, pytest.raises(Conflict) as err:  # the same platform number for someone else
        register_from_national(s, national_application(19, ADC201=reg.adc201), received_at=received)
    assert err.value.field == "ADC201"


def test_person_without_social_security_number_is_known_by_document_number(world):
    """AAC002 is optional in the application; AAC044 (证件号码) is required and identifies the person."""
    from tests.unemployment.world import person_id

    with world.session() as s:
        reg = submit(s, world.window, local_application(20, AAC002=None), declaration_signed=True, at=SEPT_30)
        assert reg.id_number == person_id(20) and "AAC002" not in reg.application


def test_national_application_without_platform_number_is_invalid(world):
    with world.session() as s, pytest.raises(RecordInvalid) as err:
        register_from_national(s, local_application(17), received_at=SEPT_30)
    assert [e.field for e in err.value.errors] == ["ADC201"]


def test_national_application_for_someone_registered_is_flagged_for_the_reviewer(world):
    with world.session() as s:
        submit(s, world.window, local_application(18), declaration_signed=True, at=SEPT_30)
    with world.session() as s:
        reg = register_from_national(s, national_application(18), received_at=SEPT_30)
        assert reg.register_flagged and any("已有" in f for f in reg.register_check["findings"])
