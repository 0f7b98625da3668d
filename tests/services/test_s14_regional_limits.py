"""A region's own printed time limit for an item counts for that region's cases (data/services/regional_limits.yaml).

- 山东 1.8.1 失业保险金申领: 鲁人社函〔2020〕41号 六 (2020-07-06, shandong-2020.txt:5386) “将失业保险待遇申领审核办结时限压缩至
  5个工作日内” on every channel (五, 5382: “对不同渠道收到的……申领申请”), where 人社部发〔2020〕26号 附件2
  (hunan-hrss-2020.txt:732) gives 5 个工作日 for 现场办理 only and none for 网上申领;
- 山东 2.5.2 创业担保贷款申请: 附件2 leaves the target to each region; 鲁财金〔2020〕25号 六 (2020-05-18, shandong-2020.txt:4075)
  is Shandong's own: “人力资源社会保障部门资格审核压缩在7个工作日内”.
A region's limit never relaxes a national one: 山东's 7 个工作日 for 失业登记 (鲁人社字〔2020〕39号, 1295) is not applied.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.config import DATA
from kuaiban.platform import auth
from kuaiban.services import catalogue, guide
from kuaiban.services.cases import due_at, item_limit, submit
from tests.services.conftest import FORM, PASSWORD, make_world

COMPILATIONS = DATA / "compilations"
JINAN = "370102"  # 山东省济南市历下区
CHANGSHA = "430104"
JINAN_ID = "370102199001019049"  # synthetic (order code 904: a woman)
AUTUMN = dt.date(2020, 9, 1)
END = dt.time(23, 59, 59)


def regional():
    return [pytest.param(x, id=f"{x['item']}-{x['region']}") for x in catalogue._regional_texts()]


@pytest.mark.parametrize("entry", regional())
def test_every_regional_limit_is_quoted_verbatim_at_its_lines(entry):
    src = entry["source"]
    lines = (COMPILATIONS / src["file"]).read_text(encoding="utf-8").splitlines()
    first, last = src["lines"]
    assert entry["quote"] in "".join(lines[first - 1:last])
    assert str(entry["value"]) in entry["quote"] and entry["date"] == src["date"]


def test_shandong_counts_1_8_1_with_its_own_text_on_every_channel_from_its_date():
    own = item_limit("1.8.1", AUTUMN, region=JINAN)
    assert (own.kind, own.value, own.basis) == ("working_days", 5, "鲁人社函〔2020〕41号")
    assert "山东省" in own.note and "现场和网上申领均适用" in own.note and "网上申领：未给具体时限" in own.note  # what it replaces
    # before 2020-07-06, and in 湖南 at any time: 附件2's target, whose 网上申领 branch has no number
    for other in (item_limit("1.8.1", dt.date(2020, 7, 5), region=JINAN), item_limit("1.8.1", AUTUMN, region=CHANGSHA)):
        assert (other.value, other.basis) == (5, "提速目标") and "网上申领：未给具体时限" in other.note


def test_shandong_counts_2_5_2_with_its_own_text_and_elsewhere_the_national_one():
    assert item_limit("2.5.2", AUTUMN, region=JINAN).basis == "鲁财金〔2020〕25号"
    assert item_limit("2.5.2", AUTUMN, region=CHANGSHA).basis == "财金〔2020〕21号"
    # between the national (04-15) and the Shandong text (05-18): the national one
    assert item_limit("2.5.2", dt.date(2020, 5, 1), region=JINAN).basis == "财金〔2020〕21号"


def test_a_regional_limit_longer_than_the_national_one_does_not_relax_it(monkeypatch):
    longer = {"item": "2.4.1", "region": "370000", "date": dt.date(2020, 4, 8), "kind": "working_days", "value": 7,
              "quote": "7个工作日内采取信息比对、实地调查等方式办结",
              "source": {"file": "shandong-2020.txt", "lines": [1295, 1295], "doc_no": "鲁人社字〔2020〕39号",
                         "date": dt.date(2020, 4, 8)}}
    monkeypatch.setattr(catalogue, "_regional_texts", lambda: (longer,))
    item_limit.cache_clear()
    try:
        kept = item_limit("2.4.1", AUTUMN, region=JINAN)
        assert (kept.value, kept.basis) == (3, "提速目标")
        assert "鲁人社字〔2020〕39号规定7个工作日（长于全国规定，地方文件不放宽全国规定）" in kept.note
    finally:
        item_limit.cache_clear()


@pytest.fixture
def shandong(backend_url):
    world = make_world(backend_url)
    with world.session() as s:
        person = auth.create_applicant(s, "citizen", "测试戊", id_number=JINAN_ID, region=JINAN)
        world.jinan = auth.create_user(s, "jinan", PASSWORD, "applicant", applicant=person, region=JINAN)
    return world


def test_a_shandong_case_counts_the_shandong_limit_and_the_guide_shows_it(shandong):
    from tests.services.test_cases import UNEMPLOYMENT_FORM

    start = dt.datetime(2020, 9, 1, 10)  # a Tuesday: 09-02, 03, 04, 07, 08 are the 5 working days
    with shandong.session() as s:
        case = submit(s, shandong.jinan, "失业", UNEMPLOYMENT_FORM | {"姓名": "测试戊", "性别": "女", "证件号码": JINAN_ID, "户籍地址": "山东省济南市",
                                                        "常住地址": "山东省济南市"},
                      items=["1.8.1"], at=start)
        (task,) = case.tasks
        assert (task.limit_value, task.limit_basis) == (5, "鲁人社函〔2020〕41号")
        assert task.due_at == dt.datetime.combine(dt.date(2020, 9, 8), END)
        assert due_at(item_limit("1.8.1", start.date(), region=JINAN), start)[0] == task.due_at
        g = guide.guide(s, "1.8.1", region=JINAN, on=start.date())
        bare = guide.guide(s, "1.8.1", on=start.date())
    assert g.applied == "5个工作日（鲁人社函〔2020〕41号）"
    rule = next(r for r in g.limits if r.source.doc_no == "鲁人社函〔2020〕41号")
    assert rule.value_text == "5个工作日（仅山东省的申请，现场和网上申领均适用）"
    assert "鲁人社函〔2020〕41号" in g.doc_nos()
    assert bare.applied == "5个工作日（提速目标）" and all(r.source.doc_no != "鲁人社函〔2020〕41号" for r in bare.limits)


def test_a_basis_of_a_whole_文号_is_stored_on_postgresql_too(shandong):
    """svc_tasks.limit_basis was 12 characters: 人社厅发〔2021〕85号 (13) made a 跨省 1.8.8 case fail on PostgreSQL
    from 2021-11-09, and 鲁人社函〔2020〕41号 would have; migration 0021_svc_limit_basis_width widens it to 40."""
    with shandong.session() as s:
        case = submit(s, shandong.citizen, "企业招用员工", FORM | {"失业保险关系是否跨省转移": "是"}, items=["1.8.8"],
                      at=dt.datetime(2021, 12, 1, 10))
        assert case.tasks[0].limit_basis == "人社厅发〔2021〕85号"
