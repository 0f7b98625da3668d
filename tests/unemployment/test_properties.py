"""Properties of the validator, checked by hypothesis on generated synthetic records.

- A valid record stays valid under changes the spec does not care about.
- Corrupting one field yields errors, and every error names that field.
- No input line, however broken, makes the validator raise.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaiban.unemployment.idnumber import compose, id_problems
from kuaiban.unemployment.records import load_code_tables, load_record
from kuaiban.unemployment.samples import SAMPLE_TODAY, SAMPLES
from kuaiban.unemployment.validate import validate_line, validate_record

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = ["application", "result", "exit"]
TABLES = load_code_tables()

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
free_text = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=50)


def ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def dates(lo: date, hi: date):
    return st.integers(0, (hi - lo).days).map(lambda n: lo + timedelta(days=n))


@st.composite
def irrelevant_change(draw, kind: str):
    """A (field, new value) the validity of the sample record must not depend on; None deletes."""
    spec = load_record(kind)
    record = SAMPLES[kind]()
    options = []
    for f in spec.fields:
        if f.code not in record:
            continue
        if not f.required and f.code not in ("ALA040", "AAE360"):
            options.append(("delete", f.code))
        if f.table and TABLES[f.table].codes and f.code not in ("AAC004",):
            options.append(("recode", f.code))
    options += [("text", c) for c in ("AAE461", "AAE815", "AAE013", "ADC220", "AAE159") if c in record]
    options += [("name", c) for c in ("AAC003", "AAE011") if c in record]
    options += [("mobile", "AAC067"), ("landline", "AAE005"), ("person", "AAC002")]
    options += [("past", c) for c in ("AAE036", "ADC210") if c in record]
    kind_of, code = draw(st.sampled_from([o for o in options if o[1] in record]))
    if kind_of == "delete":
        return {code: None}
    if kind_of == "recode":
        return {code: draw(st.sampled_from(sorted(TABLES[spec.field(code).table].codes)))}
    if kind_of == "text":
        return {code: draw(free_text)}
    if kind_of == "name":
        return {code: draw(st.text(cjk, min_size=1, max_size=20))}
    if kind_of == "mobile":
        return {code: draw(st.from_regex(r"\A[0-9]{11}\Z"))}
    if kind_of == "landline":
        return {code: draw(st.from_regex(r"\A0[0-9]{2}-[0-9]{8}\Z"))}
    if kind_of == "past":
        return {code: ymd(draw(dates(date(2000, 1, 1), SAMPLE_TODAY)))}
    # a different (synthetic) man, old enough on the application date
    born = draw(dates(date(1960, 1, 1), date(2004, 7, 20)))
    number = compose(draw(st.sampled_from(["110101", "430102", "370102", "440106"])), born,
                     draw(st.integers(0, 499)) * 2 + 1)
    return {"AAC002": number, "AAC044": number}


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_a_valid_record_stays_valid_under_irrelevant_changes(kind, data):
    changes = data.draw(st.lists(irrelevant_change(kind), min_size=1, max_size=4))
    record = SAMPLES[kind]()
    for change in changes:
        for code, value in change.items():
            if code not in record and code == "AAC044":
                continue
            if value is None:
                record.pop(code, None)
            else:
                record[code] = value
    keys = list(record)
    random.Random(data.draw(st.integers())).shuffle(keys)  # key order never matters
    shuffled = {k: record[k] for k in keys}
    assert validate_record(shuffled, kind, today=SAMPLE_TODAY) == []


@st.composite
def corruption(draw, kind: str):
    """One field of the sample record and a value (or absence) the spec refuses for it."""
    spec = load_record(kind)
    record = SAMPLES[kind]()
    f = draw(st.sampled_from([f for f in spec.fields if f.code in record]))
    ways = ["too_long", "wrong_json_type"]
    if f.required:
        ways.append("missing")
    if f.table and TABLES[f.table].checkable:
        ways.append("not_in_table")
    if any(c.name == "date" for c in f.checks):
        ways += ["bad_date", "future"]
    if any(c.name == "no_spaces" for c in f.checks):
        ways.append("space")
    way = draw(st.sampled_from(ways))
    if way == "missing":
        return f.code, None
    if way == "too_long":
        return f.code, "9" * (f.length + 1)
    if way == "wrong_json_type":
        return f.code, draw(st.sampled_from([[], {}, True, 1.5]))
    if way == "not_in_table":
        bad = draw(st.text(st.sampled_from("0123456789ABX"), min_size=1, max_size=f.length))
        table = TABLES[f.table]
        if table.codes is not None and bad in table.codes:
            bad = "X" * f.length
        if table.provider and bad.isdigit() and len(bad) == 6:
            bad = "99" + bad[2:]  # no province 99
        return f.code, bad
    if way == "bad_date":
        return f.code, draw(st.sampled_from(["20200230", "20201301", "20200000", "2020-7-1"]))
    if way == "future":
        return f.code, ymd(SAMPLE_TODAY + timedelta(days=draw(st.integers(32, 3000))))
    value = record[f.code]
    cut = draw(st.integers(0, len(value)))
    return f.code, value[:cut] + draw(st.sampled_from([" ", "\u3000"])) + value[cut:]


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_corrupting_one_field_yields_errors_naming_only_that_field(kind, data):
    code, value = data.draw(corruption(kind))
    record = SAMPLES[kind]()
    if value is None:
        del record[code]
    else:
        record[code] = value
    found = validate_record(record, kind, today=SAMPLE_TODAY)
    assert found, (code, value)
    assert {e.field for e in found} == {code}, [e.as_dict() for e in found]


@SETTINGS
@given(region=st.sampled_from(["110101", "430102", "500101"]), born=dates(date(1900, 1, 1), SAMPLE_TODAY),
       seq=st.integers(0, 999), pos=st.integers(0, 16), digit=st.integers(0, 9))
def test_any_single_digit_change_of_a_resident_id_is_caught(region, born, seq, pos, digit):
    number = compose(region, born, seq)
    assert id_problems(number, SAMPLE_TODAY) == []
    changed = number[:pos] + str(digit) + number[pos + 1 :]
    if changed != number:
        assert id_problems(changed, SAMPLE_TODAY) != []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(value=json_values)
def test_any_json_value_gets_an_answer_not_an_exception(kind, value):
    answer = validate_line(json.dumps(value), kind, today=SAMPLE_TODAY)
    assert set(answer) == {"valid", "errors"}
    assert answer["valid"] == (answer["errors"] == [])


@SETTINGS
@given(line=st.text(max_size=200))
def test_any_text_line_gets_an_answer_not_an_exception(line):
    answer = validate_line(line, "application", today=SAMPLE_TODAY)
    assert all(set(e) == {"field", "rule", "message"} for e in answer["errors"])


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_json_round_trip_of_a_valid_record_is_valid(kind, data):
    record = SAMPLES[kind]()
    line = json.dumps(record, ensure_ascii=data.draw(st.booleans()))
    assert validate_line(line, kind, today=SAMPLE_TODAY) == {"valid": True, "errors": []}
