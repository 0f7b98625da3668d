"""登记失业地 left empty in the 失业 一件事 follows 登记失业地是, as on /unemployment/apply (s21 tryout finding 1).

The field's hint says “可不选：按‘登记失业地是’自动取户籍所在地或常住地” (3号 一: “可在户籍地或常住地办理失业登记”);
the bundle's submission now fills it by the pillar's one rule, :func:`kuaiban.unemployment.registration.
derive_registration_place`, and a place that cannot be derived (就业地) is asked for in plain words.
"""

from __future__ import annotations

from sqlalchemy import select

import kuaiban.handoffs  # noqa: F401  (wires 2.4.1 to the 失业登记 pillar, as the app does)
from kuaiban.services import cases
from kuaiban.unemployment import models as m
from tests.services.test_s14_ux_outcome import BUNDLE_FORM, ITEM_FORM, SEPT_30, w  # noqa: F401  (fixture)

OTHER_COUNTY = "430104"  # 长沙市岳麓区: a 常住地 unlike the 户籍所在地 430102
WITHOUT_PLACE = {k: v for k, v in ITEM_FORM.items() if k not in ("AAB301", "ADC221")} | {"AAF016": OTHER_COUNTY}


def _filed_place(w, item_form: dict) -> tuple[str, str]:  # noqa: F811
    with w.session() as s:
        assert cases.handoff_errors(s, w.citizen, "失业", BUNDLE_FORM, ["2.4.1"], {"2.4.1": item_form},
                                    at=SEPT_30) == []
        cases.submit(s, w.citizen, "失业", BUNDLE_FORM, items=["2.4.1"], at=SEPT_30, item_forms={"2.4.1": item_form})
    with w.session() as s:
        reg = s.scalars(select(m.Registration)).one()
        return reg.aab301, reg.place_basis


def test_an_empty_place_with_户籍地址_is_the_户籍所在地(w):  # noqa: F811
    assert _filed_place(w, WITHOUT_PLACE | {"ADC221": "1"}) == (ITEM_FORM["AAB299"], "户籍地")


def test_an_empty_place_with_登记地依据_常住地_is_the_常住地(w):  # noqa: F811
    assert _filed_place(w, WITHOUT_PLACE | {"place_basis": "常住地"}) == (OTHER_COUNTY, "常住地")


def test_a_place_the_person_picked_is_kept(w):  # noqa: F811
    assert _filed_place(w, WITHOUT_PLACE | {"ADC221": "1", "AAB301": "430103"}) == ("430103", "户籍地")


def test_a_就业地_has_no_region_to_copy_and_is_asked_in_plain_words(w):  # noqa: F811
    with w.session() as s:
        problems = cases.handoff_errors(s, w.citizen, "失业", BUNDLE_FORM, ["2.4.1"],
                                        {"2.4.1": WITHOUT_PLACE | {"ADC221": "1", "place_basis": "就业地"}},
                                        at=SEPT_30)
    place = [p for p in problems if p["field"].endswith("AAB301")]
    assert [p["detail"] for p in place] == ["请选择登记失业地"]
    assert not any("行政区划代码" in p["detail"] for p in problems)
