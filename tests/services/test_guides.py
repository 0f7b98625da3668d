"""办事指南 (kuaiban.services.guide): one for every item of the catalogue, built only from the texts and the
region's configuration. Every quote of data/services/guides.yaml is checked against its compilation."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kuaiban.config import DATA
from kuaiban.platform.errors import NotFound
from kuaiban.services import cases, catalogue, guide
from tests.services.conftest import CERTIFICATE, REGION, SHARED

COMPILATIONS = DATA / "compilations"


def _quotes():
    d = yaml.safe_load((DATA / "services" / "guides.yaml").read_text(encoding="utf-8"))
    for code, entry in d["items"].items():
        for part in ("conditions", "material_rules", "limits", "faq"):
            for q in entry.get(part, ()):
                yield f"{code}.{part}", q["quote"], q["source"]
    for q in d["common_faq"]:
        yield "common_faq", q["quote"], q["source"]


@pytest.mark.parametrize(("where", "quote", "source"), list(_quotes()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_quote_of_the_guides_is_verbatim_at_its_lines(where, quote, source):
    lines = (COMPILATIONS / source["file"]).read_text(encoding="utf-8").splitlines()
    first, last = source["lines"]
    assert quote in "".join(lines[first - 1:last]), where
    assert source["doc_no"] and isinstance(source["date"], dt.date)


def test_every_item_of_the_catalogue_has_a_guide(sqlite_world):
    with sqlite_world.session() as s:
        keys = [c.key for c in guide.items()]
        assert len(keys) == len(set(keys)) > 50
        for key in keys:
            g = guide.guide(s, key)
            assert g.bundles and g.fee and g.address and g.faq
            assert "人社部发〔2020〕26号" in g.doc_nos()  # the bundle list itself is a basis of every item


def test_the_unemployment_registration_guide_dates_each_limit_and_quotes_its_conditions(sqlite_world):
    with sqlite_world.session() as s:
        g = guide.guide(s, "2.4.1")
    dated = [(r.date, r.value_text) for r in g.limits]
    assert dated == sorted(dated, key=lambda x: x[0])
    # 人社厅发〔2020〕3号 (2020-01-13) 7 days, 附件2 (2020-04-21) 7 → 3, 人社厅发〔2020〕79号 (2020-07-20) 3,
    # 人社部发〔2021〕80号 (2021-09-12) 10 — shown, and why 3 is kept (tests/unemployment/test_audit_s13.py)
    assert dated[0] == (dt.date(2020, 1, 13), "7个工作日") and dated[-2] == (dt.date(2020, 7, 20), "3个工作日")
    assert dated[-1] == (dt.date(2021, 9, 12), "10个工作日")
    assert g.applied == "3个工作日（提速目标）"
    assert any("户籍地、常住地、就业地、参保地" in q.text for q in g.conditions)
    assert any("不得要求提供终止或解除劳动关系证明" in q.text for q in g.material_rules)


def test_an_item_no_text_times_says_so_and_invents_nothing(sqlite_world):
    with sqlite_world.session() as s:
        g = guide.guide(s, "4.1.1")  # 劳动用工备案: not on the speed-up list, no other text sets a limit
    assert g.limits == [] and g.applied == "时限未知"
    assert g.conditions == [] and g.as_dict()["conditions"] == guide.NO_CONDITIONS
    assert g.agency is None and g.address == guide.NO_ADDRESS


def test_materials_and_agency_are_the_regions_configuration_and_commitments_the_110_list(sqlite_world):
    with sqlite_world.session() as s:
        g = guide.guide(s, "1.1.5", "430104")  # 岳麓区 inherits 长沙市's configuration
        bare = guide.guide(s, "1.1.5")
    by_name = {m.name: m for m in g.materials}
    assert set(by_name) == {CERTIFICATE, SHARED}
    assert by_name[CERTIFICATE].commitment and not by_name[SHARED].commitment
    assert g.agency == "社保经办机构" and g.region == "430104"
    assert bare.materials == [] and bare.region is None
    assert any(CERTIFICATE in c.certificates for c in g.commitments)
    assert any("承诺不实" in f.question for f in g.faq)
    assert REGION


def test_a_group_has_a_guide_and_an_unknown_item_is_refused(sqlite_world):
    with sqlite_world.session() as s:
        g = guide.guide(s, "养老保险关系转移接续")
        assert g.code is None and g.applied == "时限未知" and cases.item_limit(None).kind is None
        with pytest.raises(NotFound):
            guide.guide(s, "9.9.9")
    assert catalogue.bundles()


def test_a_limit_another_national_text_sets_is_counted_with_its_basis(sqlite_world):
    """创业担保贷款申请 (2.5.2): 附件2 leaves the target to each region; 财金〔2020〕21号 sets the 人社 资格审核
    at 7 working days — the guide shows both, dated, and a task's deadline counts with it."""
    with sqlite_world.session() as s:
        g = guide.guide(s, "2.5.2")
    assert (g.limits[0].date, g.limits[0].value_text) == (dt.date(2020, 4, 15), "7个工作日")
    assert "各地结合实际制定" in [r.value_text for r in g.limits]
    assert g.applied == "7个工作日（财金〔2020〕21号）"
    limit = cases.item_limit("2.5.2")
    assert (limit.kind, limit.value, limit.basis) == ("working_days", 7, "财金〔2020〕21号")
