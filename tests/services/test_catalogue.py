"""The services catalogue says what the compilations say: counts, codes, limits and sources."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from kuaiban.config import COMPILATIONS, ROOT
from kuaiban.services import catalogue
from kuaiban.services.catalogue import Condition, Limit


def _load_extractor():
    """The build script lives outside the package (tools/), so it is loaded by path."""
    import importlib.util
    import sys

    path = ROOT / "tools" / "extract_services.py"
    spec = importlib.util.spec_from_file_location("extract_services", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


extract = _load_extractor()

HUNAN = extract.Text.load(extract.HUNAN)


def source_line(src: catalogue.Source, n: int | None = None) -> str:
    return (COMPILATIONS.parent.parent / src.file).read_text(encoding="utf-8").split("\n")[
        (n or src.lines[0]) - 1]


def test_the_generated_files_are_what_the_extractor_builds_today():
    """data/services/* (except the hand-read speedup.yaml) is reproducible from the compilations."""
    for name, content in extract.render().items():
        assert (catalogue.SERVICES / name).read_text(encoding="utf-8") == content, name


# ---------------------------------------------------------------- bundles


def test_ten_bundles_in_the_order_of_attachment_1():
    assert [b.name for b in catalogue.bundles()] == [
        "企业招用员工", "企业与员工解除终止劳动合同", "失业", "高校毕业生就业（含灵活就业）", "事业单位聘用工作人员",
        "创业", "职工退休", "申领工亡人员有关待遇", "退休人员过世", "申领社会保障卡",
    ]


def test_item_counts_follow_the_circled_numbers_of_each_row():
    assert [len(b.items) for b in catalogue.bundles()] == [11, 6, 8, 15, 9, 15, 7, 4, 6, 5]


def test_a_group_keeps_its_sub_items_with_their_codes():
    hiring = catalogue.bundles()[0]
    group = hiring.items[2]
    assert (group.code, group.name) == (None, "养老保险关系转移接续")
    assert [(i.code, i.name) for i in group.items] == [
        ("1.6.10", "城镇职工基本养老保险关系转移接续申请"),
        ("1.6.13", "机关事业单位基本养老保险与城镇企业职工基本养老保险互转申请"),
        ("1.6.15", "军地养老保险关系转移接续申请"),
    ]
    assert hiring.codes()[:5] == ("1.1.5", "1.3.1", "1.6.10", "1.6.13", "1.6.15")
    # 职工退休 has the same group with 1.6.14 (制度衔接) instead of 1.6.15 (军地): as printed.
    retirement = catalogue.bundles()[6]
    assert [i.code for i in retirement.items[4].items] == ["1.6.10", "1.6.13", "1.6.14"]


def test_the_work_injury_death_bundle_is_four_groups_and_items():
    b = catalogue.bundles()[7]
    assert [(i.code, i.name, len(i.items)) for i in b.items] == [
        (None, "工伤备案登记", 2), (None, "工伤医疗费用申报", 4), (None, "一次性及长期待遇申领", 2),
        ("1.2.4", "工伤保险待遇发放账户维护申请", 0),
    ]
    # A parenthesis inside a sub-item does not end the group.
    assert b.items[2].items[0].name == "一次性工亡补助金（含生活困难，预支 50% 确认）、丧葬补助金申领"


def test_bundle_6_joins_its_row_continued_on_the_next_page():
    b = catalogue.bundles()[5]
    assert b.source.lines == (705, 708)
    assert len(b.items) == 15 and b.items[-1].code == "4.1.1"
    assert len(b.notes) == 5 and b.notes[3] == "如涉及失业保险金停发，应一并办理。"


def test_bundles_agencies_notes_and_sources():
    bs = catalogue.bundles()
    assert bs[0].agencies == ("社保经办机构", "公共就业人才服务机构", "信息化管理机构", "劳动用工管理部门")
    assert bs[8].notes == () and bs[9].notes == ()
    for b in bs:
        assert b.source.doc_no == "人社部发〔2020〕26号" and b.source.attachment == "附件1"
        assert extract.tidy(source_line(b.source).split("\t")[1]) == b.name
        codes = b.codes()
        assert all(c.count(".") == 2 for c in codes)


def test_bundle_json_shape_is_the_cli_contract():
    for b in catalogue.bundles():
        d = b.as_dict()
        assert set(d) == {"name", "items", "agencies", "notes", "source"}
        for item in d["items"]:
            assert set(item) in ({"code", "name"}, {"code", "name", "items"})


# ---------------------------------------------------------------- speed-up list


def test_twenty_five_speedup_items_quote_the_attachment_verbatim():
    rows = extract.speedup_rows(HUNAN)
    items = catalogue.speedup()
    assert len(items) == len(rows) == 25
    for item, row in zip(items, rows, strict=True):
        assert item.seq == row["seq"]
        assert (item.statutory_text, item.target_text) == (row["statutory"], row["target"])
        assert item.source.lines == (row["line"], row["line"]) and item.source.attachment == "附件2"
        assert row["item"].startswith(item.code or item.name)


def test_none_and_local_are_read_from_the_exact_phrases():
    for s in catalogue.speedup():
        assert (s.statutory.kind == "none") == (s.statutory_text == "无")
        assert (s.target.kind == "local") == (s.target_text == "各地结合实际制定提速目标")
    assert sum(s.target.kind == "local" for s in catalogue.speedup()) == 13


@pytest.mark.parametrize("code, statutory, target", [
    ("1.6.10", Limit("working_days", 45), Limit("working_days", 15)),
    ("1.8.8", Limit("none", None), Limit("working_days", 15)),
    ("2.4.1", Limit("working_days", 7), Limit("working_days", 3)),
    ("2.4.2", Limit("working_days", 10), Limit("working_days", 5)),
    ("2.4.3", Limit("working_days", 7), Limit("working_days", 3)),
])
def test_plain_limits(code, statutory, target):
    item = catalogue.speedup_item(code)
    assert (item.statutory, item.target) == (statutory, target)


def test_work_injury_recognition_keeps_its_conditions():
    item = catalogue.speedup_item("1.7.4")
    assert item.statutory == Limit("days", 60, (Condition("事实清楚、权利义务明确", "days", 15),))
    assert item.target == Limit("days", 30, (
        Condition("事实清楚、权利义务明确", "days", 7),
        Condition("事实不清、权利义务不明确，需要进一步深入工伤认定调查", "days", 60),
    ))


def test_work_ability_appraisal_is_a_group_of_three_items():
    item = catalogue.speedup_item("1.7.6")
    assert item.code is None and [i.code for i in item.items] == ["1.7.5", "1.7.6", "1.7.7"]
    assert item.statutory.value == 60 and item.statutory.conditions[0].value == 90  # 60 + 可延长 30 日
    assert item.target == Limit("days", 30, (Condition("伤情复杂", "days", 60),))


def test_social_security_card_batch_and_single_issue():
    item = catalogue.speedup_item("1.10.1")
    assert {c.when: (c.kind, c.value) for c in item.statutory.conditions} == {
        "批量制发": ("working_days", 30), "零星制发": ("working_days", 5)}
    single = item.target.conditions[1]
    assert (single.kind, single.value) == ("minutes", 30) and "立等可取" in single.when


def test_unemployment_benefit_on_site_vs_online():
    item = catalogue.speedup_item("1.8.1")
    assert item.statutory == Limit("days", 10)
    assert {c.when: c.kind for c in item.target.conditions} == {"现场办理": "working_days", "网上申领": "none"}


def test_thirty_minutes_rests_on_the_notice_body():
    """即时办结 / 立等可取 → 30 minutes, because the notice's body says so (cited, checked here)."""
    with_minutes = [s for s in catalogue.speedup()
                    if s.target.kind == "minutes" or any(c.kind == "minutes" for c in s.target.conditions)]
    assert [s.code for s in with_minutes] == ["1.10.1", "3.4.7"]
    for s in with_minutes:
        basis = s.source.basis
        assert basis["quote"] in HUNAN.line(basis["lines"][0]).replace(" ", "")
        assert "30分钟" in basis["quote"]


def test_months_stay_months():
    item = catalogue.speedup_item("1.8.9")
    assert item.statutory == Limit("months", 3) and item.target.value == 1 and item.target.kind == "months"


def test_no_number_is_invented():
    """Every number in a limit appears in the quoted text (90 = 60 + 30, and 30 minutes from the body)."""
    for s in catalogue.speedup():
        for limit, text in ((s.statutory, s.statutory_text), (s.target, s.target_text)):
            for kind, value in [(limit.kind, limit.value), *((c.kind, c.value) for c in limit.conditions)]:
                if value is None or kind == "minutes" or (s.seq == 5 and value == 90):
                    continue
                assert f"{value} " in text, (s.seq, value, text)


def test_speedup_json_shape_is_the_cli_contract():
    for s in catalogue.speedup():
        d = s.as_dict()
        # "dated" (a later text's limit and the day it applies from) only where a later text changed the item
        assert set(d) - {"items", "dated"} == {"code", "name", "statutory", "target", "source"}
        for limit in (d["statutory"], d["target"]):
            assert set(limit) == {"kind", "value", "conditions"}


# ---------------------------------------------------------------- 2021 field lists


def test_field_lists_cover_the_ten_bundles_in_order():
    lists = catalogue.field_lists()
    assert [f.name for f in lists] == [
        "企业招用员工", "企业与员工解除终止劳动合同", "失业", "高校毕业生就业", "事业单位聘用工作人员",
        "创业", "职工退休", "申领工亡人员有关待遇", "退休人员过世", "申领社会保障卡",
    ]
    assert lists[0].source.lines[0] == 3715 and lists[-1].source.lines[1] == 4050
    assert all(f.sections[0].title.endswith("基本信息") for f in lists)


def test_field_list_flags():
    dismissal = catalogue.field_lists()[1]
    filing = next(e for e in dismissal.entries() if e.label == "劳动用工备案")
    assert filing.default_checked and filing.automatic and not filing.checkable
    unemployment = catalogue.field_lists()[2]
    by_label = {e.label: e for e in unemployment.entries() if e.label}
    assert by_label["失业登记"].default_checked
    assert by_label["失业保险金申领"].checkable
    assert by_label["代缴失业人员医疗保险费"].default_checked
    assert by_label["代缴失业人员医疗保险费"].conditions == ("如勾选“失业保险金申领”",)
    assert by_label["价格临时补贴"].automatic and "如符合条件" in by_label["价格临时补贴"].conditions
    hiring = catalogue.field_lists()[0]
    increase = hiring.entries()[1]
    assert increase.label == "缴费人员增减申报-增员申报" and increase.default_checked
    assert [(f.name, f.checkable) for f in increase.fields] == [
        ("企业职工基本养老保险", True), ("工伤保险", True), ("失业保险", True)]


def test_every_flag_in_the_text_is_read_once():
    """默认勾选 / 勾选 / 自动办理 counted in the notice equal the flags read, on entries or on fields."""
    chongqing = extract.Text.load(extract.CHONGQING)
    first, last = catalogue.field_lists()[0].source.lines[0], catalogue.field_lists()[-1].source.lines[1]
    text = "\n".join(chongqing.lines[first - 1:last])
    entries = [e for f in catalogue.field_lists() for e in f.entries()]
    flagged = [*entries, *(x for e in entries for x in e.fields)]

    def count(flag: str) -> int:
        return sum(getattr(x, flag) for x in flagged)

    assert count("default_checked") == text.count("默认勾选") == 24
    assert count("automatic") == text.count("自动办理") == 7
    # 勾选 also occurs inside 默认勾选, in conditions (如勾选… / 对勾选…) and in 勾选获取档案调函方式.
    plain = text.count("勾选") - text.count("默认勾选") - text.count("如勾选") - text.count("对勾选") \
        - text.count("勾选获取")
    assert count("checkable") == plain == 69


def test_a_page_break_inside_a_parenthesis_is_joined():
    hiring = catalogue.field_lists()[0]
    party = next(e for e in hiring.entries() if e.label == "党员组织关系转入")
    assert [f.name for f in party.fields] == ["介绍信", "人员类别(正式党员/预备党员)", "入党日期"]


# ---------------------------------------------------------------- Hunan public service catalogue


def test_hunan_catalogue_has_734_rows_numbered_without_gaps():
    cat = catalogue.public_catalogue()
    assert len(cat.rows) == 734
    assert [r.seq for r in cat.rows] == list(range(1, 735))
    assert cat.source.doc_no == "湘政办发〔2020〕19号"
    assert Counter(r.relation for r in cat.rows) == {"独立项": 436, "子项": 245, "父项": 53}
    assert Counter(r.type for r in cat.rows) == {"依申请类": 448, "主动服务类": 286}


def test_every_child_points_to_a_parent_that_lists_it():
    cat = catalogue.public_catalogue()
    parents = {r.code: r for r in cat.rows if r.relation == "父项"}
    for r in cat.rows:
        assert (r.parent is not None) == (r.relation == "子项")
        if r.parent:
            assert r.parent in parents and r.seq > parents[r.parent].seq
    # One 父项 is printed without any 子项: 246 基本公共就业创业政府购买服务 (kept as printed).
    assert [p.seq for p in parents.values() if not cat.children(p.code)] == [246]
    pension = cat.children("00201400600Y")
    assert [r.name for r in pension][:3] == ["职工正常退休(职)申请", "城乡居民养老保险待遇申领", "职工提前退休(退职)申请"]


def test_hunan_rows_are_tidied_but_traceable():
    cat = catalogue.public_catalogue()
    social_worker = cat.rows[282]
    assert social_worker.name == "助理社会工作师、社会工作师、高级社会工作者"  # was cut by spaces in the PDF
    assert social_worker.agency == "省人力资源社会保障厅"
    assert source_line(cat.source, social_worker.line).startswith("283\t")
    assert {lv for r in cat.rows for lv in r.levels} >= {"省级", "市级", "县级", "镇(乡、街道)级", "村(社区)级"}
    assert sum(r.agency == "省人力资源社会保障厅" for r in cat.rows) == 194


# ---------------------------------------------------------------- 告知承诺制


def test_commitments_are_24_items_and_89_certificates():
    cs = catalogue.commitments()
    assert len(cs) == 24 and sum(len(c.certificates) for c in cs) == 89
    assert "24 个办事事项的 89 件次证明材料" in HUNAN.line(919)


def test_which_certificate_of_which_item_a_commitment_may_replace():
    cs = {c.seq: c for c in catalogue.commitments()}
    assert cs[3].sub_item == "职工参保登记" and cs[3].certificates == ("工资关系或工资审批手续复印件",)
    assert cs[16].sub_item == "建造师" and cs[16].certificates[-1] == "建筑业企业一级项目经理资质证书"
    assert cs[1].certificates[1] == "法定代表人（负责人）的身份证明、任职证明"
    assert all(c.source.doc_no == "人社厅发〔2020〕110号" for c in cs.values())
    assert Counter(c.unit for c in cs.values())["考试中心"] == 18


def test_item_1_8_8_takes_the_5_working_days_of_85号_from_2021_11_09():
    """人社厅发〔2021〕85号 三（二）（三） (chongqing-hrss-2021.txt 19253–19255): each office 5 working days."""
    from kuaiban.services.cases import item_limit

    item = catalogue.speedup_item("1.8.8")
    assert item.dated_on(date(2021, 11, 8)) is None
    later = item.dated_on(date(2021, 11, 9))
    assert (later.limit.kind, later.limit.value, later.clause) == ("working_days", 5, "85号.三.二")
    text = (COMPILATIONS / "chongqing-hrss-2021.txt").read_text(encoding="utf-8").splitlines()
    assert "应在5个工作日内办理转出" in text[later.source.lines[0] - 1]
    assert "应在5个工作日内办理转入" in text[later.source.lines[0] - 1]
    before = item_limit("1.8.8", date(2021, 11, 8), cross_province=True)
    after = item_limit("1.8.8", date(2021, 11, 9), cross_province=True)
    assert (before.kind, before.value, before.basis) == ("working_days", 15, "提速目标")
    # a 部办公厅 notice, basis its 文号 (not 法定时限), and only for 跨省 transfers (四（三）, line 19265; audit D2)
    assert (after.kind, after.value, after.basis) == ("working_days", 5, "人社厅发〔2021〕85号")
    assert "人社厅发〔2021〕85号" in after.note
    assert catalogue.speedup_item("1.8.8").as_dict()["dated"][0]["from"] == "2021-11-09"
