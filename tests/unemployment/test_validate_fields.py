"""Field by field: what the spec accepts and what it refuses, on synthetic records.

Each case changes one field of a valid sample record and names the error it must produce.
"""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from kuaiban.unemployment import samples
from kuaiban.unemployment.idnumber import compose
from kuaiban.unemployment.samples import SAMPLE_TODAY, application, exit_record, minimal_application, result
from kuaiban.unemployment.validate import validate_record

MALE_1990 = compose("430102", date(1990, 5, 17), 123)
FEMALE_1990 = compose("430102", date(1990, 5, 17), 124)


def errors(record, kind="application", today=SAMPLE_TODAY):
    return [(e.field, e.rule) for e in validate_record(record, kind, today=today)]


def test_the_samples_are_valid():
    for kind, make in samples.SAMPLES.items():
        assert errors(make(), kind) == [], kind
    assert errors(minimal_application()) == []


# --- 是否必填 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["ADC201", "AAB301", "AAE127", "AAC003", "AAC004", "AAC005", "AAC011",
                                  "AAC033", "AJC090", "AAC058", "AAC044", "AAB299", "AAC010", "AAF016",
                                  "AAC046", "AAC067", "ADC221", "AJC093", "ADC222"])
def test_required_application_fields_cannot_be_missing_or_empty(code):
    missing = application()
    del missing[code]
    assert (code, "required") in errors(missing)
    assert (code, "required") in errors(application(**{code: ""}))
    assert (code, "required") in errors(application(**{code: None}))


@pytest.mark.parametrize("code", ["AAC024", "ALA040", "AAC002", "ACA111", "AAC015", "AAE005", "AAE159",
                                  "AAE461", "ADC220", "ACA112", "AAE815"])
def test_optional_application_fields_may_be_left_out(code):
    record = application(AAC033="1")  # no disability, so ALA040 is optional too
    del record[code]
    assert errors(record) == []


def test_result_requires_its_own_fields_but_not_the_platform_number():
    record = result()
    del record["ADC201"]  # 否: only returned for applications the platform forwarded
    assert errors(record, "result") == []
    for code in ("AAZ341", "AAE540", "AAE011", "AAE036"):
        assert (code, "required") in errors(result(**{code: ""}), "result")


def test_exit_requires_the_social_security_number():
    assert ("AAC002", "required") in errors(exit_record(AAC002=""), "exit")
    record = exit_record()
    del record["AAE013"]
    assert errors(record, "exit") == []


# --- 类型与长度 ---------------------------------------------------------------------------------

def test_lengths_are_maxima_in_characters():
    assert errors(application(AAC003="样" * 50)) == []
    assert ("AAC003", "length") in errors(application(AAC003="样" * 51))
    assert ("ADC201", "length") in errors(application(ADC201="X" * 37))


def test_addresses_are_150_characters_in_the_application_and_100_in_the_result():
    long_address = "样" * 120
    assert errors(application(AAC010=long_address)) == []
    assert ("AAC010", "length") in errors(result(AAC010=long_address), "result")
    assert ("AAC046", "length") in errors(application(AAC046="样" * 151))


def test_landlines_are_20_characters_in_the_application_and_40_in_the_result():
    two = "0731-00000001,0731-00000002"
    assert ("AAE005", "length") in errors(application(AAE005=two))
    assert errors(result(AAE005=two), "result") == []


def test_numeric_fields_take_digit_strings_or_json_integers():
    assert errors(application(AAE127=20200720)) == []
    assert ("AAE127", "type") in errors(application(AAE127="2020-07-20"))
    assert ("AAE127", "type") in errors(application(AAE127=20200720.0))
    assert ("AAE127", "type") in errors(application(AAE127=True))


def test_character_fields_must_be_strings():
    assert ("AAC004", "type") in errors(application(AAC004=1))
    assert ("AAC003", "type") in errors(application(AAC003=["样例"]))


def test_unknown_field_codes_are_reported():
    assert ("AAC999", "unknown_field") in errors(application(AAC999="x"))
    # AAE540 belongs to the result record, not the application
    assert ("AAE540", "unknown_field") in errors(application(AAE540="1"))


# --- 代码表 --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "good", "bad"), [
    ("AAC004", "9", "0"),
    ("AAC005", "99", "57"),
    ("AAC024", "01", "14"),
    ("AAC011", "81", "50"),
    ("AAC033", "3", "4"),
    ("ALA040", "11", "12"),
    ("AAC058", "05", "06"),
    ("AAC015", "1", "6"),
    ("AAC014", "411", "400"),
    ("ACA207", "435", "436"),
    ("ADC221", "2", "3"),
    ("AJC093", "33", "34"),
    ("ADC222", "1", "0"),
    ("AAB299", "370102", "370199"),
])
def test_coded_fields_must_be_in_their_table(code, good, bad):
    assert (code, "code") not in errors(application(**{code: good}))
    assert (code, "code") in errors(application(**{code: bad}))


def test_codes_keep_their_leading_zeros():
    assert ("AAC005", "code") in errors(application(AAC005="1"))
    assert ("ALA040", "code") in errors(application(ALA040="7"))


def test_region_codes_come_from_gb_t_2260_and_must_still_be_in_use():
    assert errors(application(AAB301="110101")) == []
    assert ("AAB301", "code") in errors(application(AAB301="110103"))  # 崇文区, abolished 2010
    assert ("AAF016", "code") in errors(application(AAF016="999999"))


def test_tables_the_project_does_not_hold_are_checked_for_length_only():
    assert errors(application(ACA111="1234567", AAC200="999")) == []
    assert ("ACA111", "length") in errors(application(ACA111="12345678"))


@pytest.mark.parametrize(("code", "bad"), [("AAE540", "3"), ("AJC093", "00")])
def test_result_codes(code, bad):
    assert (code, "code") in errors(result(**{code: bad}), "result")


def test_exit_reasons_use_ajc00a():
    assert errors(exit_record(AJC00A="26"), "exit") == []
    assert ("AJC00A", "code") in errors(exit_record(AJC00A="22"), "exit")


# --- 日期 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["20200230", "20201301", "2020072", "202007200"])
def test_dates_must_be_real_yyyymmdd(bad):
    rule = "length" if len(bad) > 8 else "date"
    assert ("AAE127", rule) in errors(application(AAE127=bad))


def test_dates_must_not_be_after_today():
    assert errors(application(AAE127="20200803")) == []
    assert ("AAE127", "future") in errors(application(AAE127="20200804"))
    assert ("ADC210", "future") in errors(exit_record(ADC210="20210101"), "exit")
    assert ("AAE036", "future") in errors(result(AAE036="20200901"), "result")


def test_unemployment_month_in_the_result_is_yyyymm():
    assert errors(result(AJC090="202008"), "result") == []
    # both copies print 格式为YYYYMM for the result (hunan-hrss-2020.txt:3670, shandong-2020.txt:2176)
    assert ("AJC090", "date") in errors(result(AJC090="20200630"), "result")
    assert ("AJC090", "future") in errors(result(AJC090="202009"), "result")
    assert ("AJC090", "date") in errors(result(AJC090="202013"), "result")
    # the application wants the full date
    assert ("AJC090", "date") in errors(application(AJC090="202006"))


def test_today_is_taken_in_china_when_not_given():
    assert errors(application(AAE127="29991231"), today=None) == [("AAE127", "future")]


# --- 姓名、经办人 ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["样 例", "样\u3000例", " 样例", "样例\t"])
def test_names_cannot_contain_half_or_full_width_spaces(name):
    assert ("AAC003", "spaces") in errors(application(AAC003=name))
    assert ("AAE011", "spaces") in errors(result(AAE011=name), "result")


def test_names_may_hold_the_middle_dot_of_transliterated_names():
    assert errors(application(AAC003="样例·样例")) == []


# --- 公民身份号码 -----------------------------------------------------------------------------------

def test_the_check_digit_of_an_18_digit_number_is_verified():
    wrong = MALE_1990[:17] + ("0" if MALE_1990[17] != "0" else "1")
    assert ("AAC002", "id_checksum") in errors(application(AAC002=wrong))


def test_a_check_digit_x_may_be_written_in_either_case():
    body = next(b for n in range(100, 999)
                if (b := compose("430102", date(1990, 5, 17), n)).endswith("X") and n % 2)
    assert errors(application(AAC002=body, AAC044=body)) == []
    assert errors(application(AAC002=body[:17] + "x")) == []


@pytest.mark.parametrize(("number", "rule"), [
    ("43010219900517123", "id_length"),
    ("4301021990051712345", "length"),  # over the field's 18
    ("43010219900517A239", "id_format"),
    ("43010290051712A", "id_format"),
    ("43010219900230123" + ric.calc_check_digit("430102199002301230"), "id_birth_date"),  # 2月30日
])
def test_malformed_numbers(number, rule):
    assert ("AAC002", rule) in errors(application(AAC002=number))


def test_numbers_starting_with_a_letter_are_outside_the_rule():
    assert errors(application(AAC002="A12345")) == []


def test_15_digit_numbers_are_accepted_and_carry_sex_in_the_last_digit():
    assert errors(application(AAC002="430102900517123")) == []
    assert ("AAC002", "id_sex") in errors(application(AAC002="430102900517124"))


def test_number_and_sex_must_agree():
    assert ("AAC002", "id_sex") in errors(application(AAC002=FEMALE_1990))
    assert ("AAC044", "id_sex") in errors(application(AAC044=FEMALE_1990))
    assert errors(application(AAC004="2", AAC002=FEMALE_1990, AAC044=FEMALE_1990)) == []
    assert errors(application(AAC004="9")) == []  # 未说明的性别 cannot contradict


def test_the_birth_date_in_the_number_cannot_be_in_the_future():
    unborn = compose("430102", date(2020, 9, 1), 123)
    assert ("AAC002", "id_birth_date") in errors(application(AAC002=unborn))


def test_applicants_must_be_16_on_the_application_date():
    just_16 = compose("430102", date(2004, 7, 20), 123)
    too_young = compose("430102", date(2004, 7, 21), 123)
    assert errors(application(AAC002=just_16, AAC044=just_16)) == []
    assert ("AAC044", "id_age") in errors(application(AAC002=just_16, AAC044=too_young))


def test_the_document_number_is_checked_only_for_resident_id_cards():
    assert errors(application(AAC058="02", AAC044="H00000000")) == []
    assert ("AAC044", "id_format") in errors(application(AAC058="01", AAC044="H00000000"))
    wrong = MALE_1990[:17] + ("0" if MALE_1990[17] != "0" else "1")
    assert ("AAC044", "id_checksum") in errors(application(AAC058="01", AAC044=wrong))
    assert ("AAC044", "id_checksum") not in errors(application(AAC058="04", AAC044=wrong))


# --- 联系方式 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["1000000000", "100000000012", "1000000000a", "１0000000001", "100 0000 0001"])
def test_mobile_numbers_are_eleven_ascii_digits(bad):
    rule = "length" if len(bad) > 11 else "digits"
    assert ("AAC067", rule) in errors(application(AAC067=bad))


@pytest.mark.parametrize("good", ["010-00000000", "0731-0000000", "0731-00000001-123", "010-00000000,0731-0000000"])
def test_landlines_with_area_code_and_half_width_separators(good):
    assert errors(result(AAE005=good), "result") == []


@pytest.mark.parametrize("bad", ["00000000", "010 00000000", "010－00000000", "(010)00000000",
                                 "010-00000000，0731-0000000", "010-00000000;0731-0000000", "10-00000000"])
def test_landlines_refused(bad):
    assert ("AAE005", "landline") in errors(result(AAE005=bad), "result")


# --- 求职意向 -------------------------------------------------------------------------------------

def test_at_most_three_job_intentions_separated_by_bars():
    assert errors(application(ACA112="电工")) == []
    assert ("ACA112", "max_items") in errors(application(ACA112="电工|仓储|客服|保洁"))


# --- 跨指标规则 -----------------------------------------------------------------------------------

def test_a_disability_needs_a_grade():
    record = application(AAC033="6")
    del record["ALA040"]
    assert errors(record) == [("ALA040", "disability_grade")]
    assert errors(application(AAC033="1", ALA040="")) == []


def test_a_rejection_needs_a_reason():
    assert errors(result(AAE360=""), "result") == [("AAE360", "rejection_reason")]
    assert errors(result(AAE540="1", AAE360=""), "result") == []


def test_cross_field_messages_say_what_is_missing_in_chinese():
    [err] = validate_record(result(AAE360=""), "result", today=SAMPLE_TODAY)
    assert err.message == "审核结果为“审核不通过”时，审核不通过原因（AAE360）必须填写"


# --- 记录 ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("record", [[], "x", 1, None])
def test_a_record_must_be_an_object(record):
    assert errors(record) == [("_record", "object")]


def test_every_error_carries_field_rule_and_a_chinese_message():
    for e in validate_record({"AAC003": "样 例", "AAC004": "0"}, "application", today=SAMPLE_TODAY):
        d = e.as_dict()
        assert set(d) == {"field", "rule", "message"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in d["message"])
