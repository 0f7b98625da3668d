"""The 失业登记 form's places (session 15): a tester found the form "asks for an address five different ways".

The specification keeps them all — 户籍地行政区划代码 AAB299 + 户籍地详细地址 AAC010, 常住地行政区划代码 AAF016 +
常住地详细地址 AAC046, 登记失业地类型 ADC221 and 登记失业地行政区划代码 AAB301 — so every field name stays; the form
now shows them as one group with one explanation, and 登记失业地 follows the choice of 户籍地 or 常住地
(3号 一: “可在户籍地或常住地办理失业登记”) unless the person picks it themselves.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.unemployment import registration
from kuaiban.unemployment.registration import derive_registration_place
from kuaiban.web.unemployment_views import field_order, form_codes, form_field
from tests.unemployment.world import World, local_application, make_world
from tests.web.forms import csrf_of
from tests.web.test_unemployment_pages import field_errors, form_data, login, page_app, registrations


@pytest.fixture
def site(backend_url) -> tuple[TestClient, World]:
    world = make_world(backend_url)
    return TestClient(page_app(backend_url)), world


PLACE_FIELDS = ("AAB299", "AAC010", "AAF016", "AAC046", "ADC221", "AAB301")


def _group(html: str, key: str) -> str:
    return re.search(rf'<fieldset class="ue-group" id="group-{key}">.*?</fieldset>\s*(?=<fieldset class="ue-group"|<h2>)',
                     html, re.S).group(0)


def _posted_names(html: str) -> set[str]:
    form = re.search(r'<form method="post" action="/unemployment/apply".*?</form>', html, re.S).group(0)
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', form))


def test_every_place_is_in_one_group_explained_once_with_the_choice_before_the_region(site):
    client, _ = site
    login(client, "citizen")
    html = client.get("/unemployment/apply").text
    places = _group(html, "address")
    assert "<legend>户籍地、常住地与登记失业地</legend>" in places
    positions = [places.index(f'data-field="{code}"') for code in PLACE_FIELDS]
    assert positions == sorted(positions)  # 户籍地, 常住地, then where to register: the choice, then the region
    # 登记地依据 only refines the choice (就业地, 参保地: 79号), so it comes after it, right before the region
    assert places.index('data-field="ADC221"') < places.index('data-field="place_basis"') \
        < places.index('data-field="AAB301"')
    assert "只有在就业地或参保地登记时才需选择" in places
    explained = re.search(r'<div class="hint ue-places" id="places-explained">.*?</div>', places, re.S).group(0)
    for words in ("户口簿上登记的地方", "现在经常居住的地方", "在哪里办理失业登记", "可以在户籍地或常住地办理",
                  "也可以在就业地或参保地办理", "自动取该地", "省、市、区县以外的部分"):
        assert words in explained
    assert 'data-field="AAB301"' not in _group(html, "unemployment")


def test_the_field_names_posted_are_the_specifications_codes_and_no_region_is_typed(site):
    client, _ = site
    login(client, "citizen")
    html = client.get("/unemployment/apply").text
    regions = {c for c in form_codes() if form_field(c).kind == "region"}
    assert regions == {"AAB299", "AAF016", "AAB301"}
    expected = ({c for c in form_codes() if c not in regions}
                | {f"{c}.{level}" for c in regions for level in ("province", "city", "county")}
                | {"csrf", "step", "place_basis"})
    assert _posted_names(html) == expected
    for code in regions:  # three selects of names, not a box for a six-digit code
        assert f'<select id="{code}.province" name="{code}.province"' in html
        assert not re.search(rf'<input[^>]*name="{code}[".]', html)


def test_the_detailed_addresses_and_the_place_type_say_what_goes_in_them():
    assert form_field("AAC010").hint.startswith("只填上面所选省、市、区县以外的部分")
    assert form_field("AAC046").hint.startswith("只填上面所选省、市、区县以外的部分")
    assert form_field("AAC010").maxlength == form_field("AAC046").maxlength == 150  # the spec's length
    adc221 = form_field("ADC221")
    assert adc221.options == (("1", "户籍地址"), ("2", "常驻地址"))  # the code table's names, unchanged
    assert "常驻地址”（即常住地）" in adc221.hint
    assert form_field("AAB301").hint.startswith("办理失业登记的地方。可不选")


def test_the_citizens_account_region_is_not_guessed_into_the_place_of_registration(site):
    """The account's region is “户籍或常住地” (signup) — which one is unknown; a window clerk files for
    their own region, so theirs is still the 登记失业地."""
    client, _ = site
    login(client, "citizen")
    citizen = _group(client.get("/unemployment/apply").text, "address")
    assert not re.search(r'id="AAB301\.province".*?selected', citizen.split('data-field="AAB301"')[1], re.S)
    login(client, "window")
    clerk = client.get("/unemployment/apply").text
    assert re.search(r'id="AAB301\.county".*?<option value="430102" selected>', clerk, re.S)
    assert "登记失业地已填为本窗口所在地区" in clerk


def test_an_empty_place_of_registration_follows_the_residence_and_is_filed_there(site):
    client, world = site
    login(client, "citizen")
    record = local_application(0, ADC221="2", AAF016="430104", AAB301="")  # 常住 岳麓区, 户籍 芙蓉区
    csrf = csrf_of(client.get("/unemployment/apply").text)
    confirm = client.post("/unemployment/apply", data=form_data(record, csrf))
    assert confirm.status_code == 200, field_errors(confirm.text)
    filed = record | {"AAB301": "430104"}
    assert registration.declaration_text(filed, "常住地") in confirm.text  # the signed text names 岳麓区
    signed = client.post("/unemployment/apply", data=form_data(record, csrf, step="submit", agree="1",
                                                               signer=record["AAC003"]), follow_redirects=False)
    assert signed.status_code == 303, signed.text
    [reg] = registrations(world)
    assert reg.aab301 == "430104" and reg.place_basis == "常住地"


def test_derivation_never_overrides_a_choice_and_stops_at_employment_or_insurance():
    person = {"AAB299": "430102", "AAF016": "430104"}
    assert derive_registration_place(person | {"ADC221": "1"})["AAB301"] == "430102"
    assert derive_registration_place(person | {"ADC221": "2", "AAB301": "430103"})["AAB301"] == "430103"
    by_basis = derive_registration_place(person | {"place_basis": "常住地"})
    assert (by_basis["ADC221"], by_basis["AAB301"]) == ("2", "430104")
    assert "AAB301" not in derive_registration_place(person | {"ADC221": "1", "place_basis": "就业地"})
    assert "AAB301" not in derive_registration_place({"ADC221": "2"})  # nothing chosen, nothing to copy
    assert derive_registration_place(person | {"ADC221": "1", "place_basis": "常住地"})["ADC221"] == "1"


def test_registering_at_the_place_of_work_still_asks_for_its_region(site):
    client, world = site
    login(client, "citizen")
    record = local_application(0, ADC221="1", AAB301="")
    csrf = csrf_of(client.get("/unemployment/apply").text)
    r = client.post("/unemployment/apply", data=form_data(record, csrf, place_basis="就业地"))
    assert r.status_code == 422 and set(field_errors(r.text)) == {"AAB301"}
    assert registrations(world) == []


def test_the_error_summary_follows_the_places_in_the_order_the_form_shows_them():
    order = field_order()
    assert order["AAB299"] < order["AAF016"] < order["ADC221"] < order["place_basis"] < order["AAB301"] \
        < order["AAC067"] < order["AAE127"]


def test_the_no_script_note_of_a_region_picker_is_marked_for_the_script_to_drop(site):
    """regions.js rewrites the plain hints; 登记失业地 keeps its own, so the script drops only the note."""
    client, _ = site
    login(client, "citizen")
    places = _group(client.get("/unemployment/apply").text, "address")
    assert re.search(r'data-field="AAB301" data-regions-api="/api/regions" data-hint="keep"', places)
    assert '<span class="js-drop">（不支持脚本时，选择上一级后点“下一步”，即显示下一级）</span>' in places
