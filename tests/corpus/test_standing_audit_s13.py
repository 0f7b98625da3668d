"""Validity readings the session-13 audit of 40 documents found missing (status, dates, and where the basis points);
each case was read by hand at the compilation line cited in its comment. Every fix is a general reading, so most
tests also check a second document the same reading reaches, or one it must leave alone.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.corpus.standing import (
    LAPSED,
    NOT_YET,
    PARTLY_LAPSED,
    UNKNOWN,
    VALID,
    series_of,
    standings,
    status_on,
)
from kuaiban.corpus.text import squeeze

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
DAYS = (dt.date(2020, 6, 30), dt.date(2021, 12, 31), dt.date(2026, 12, 6))  # the audit's three dates


@pytest.fixture(scope="module")
def library() -> dict[str, tuple[ParsedDocument, dict]]:
    docs = parse_corpus(DATA)
    return {d.doc_no or d.title: (d, r) for d, r in zip(docs, standings(docs), strict=True)}


def on(library, key: str, day: dt.date | str) -> dict:
    return status_on(library[key][1], dt.date.fromisoformat(day) if isinstance(day, str) else day)


# 1. an undated text that says from when what it sets applies

BEIJING_WAGE = "2019年北京市法人单位从业人员平均工资公布"


def test_an_undated_figure_applies_from_the_month_its_text_names(library):
    # court-national-provinces-2020.txt:1924 "因此，2020 年 5月之后北京市的用人单位在计算经济补偿的封顶基数时，应当执行
    # 2019 年北京市法人单位从业人员平均工资 140581元" (no 文号, no 成文日期): from 2020-05-01, not from the 2019-08-16
    # of the 通告 it cites (:1914), nor from the report "2020 年 5月，北京市统计局网站…公布了…" (:1910)
    assert on(library, BEIJING_WAGE, "2020-04-30")["status"] == NOT_YET
    for day in DAYS:
        found = on(library, BEIJING_WAGE, day)
        assert (found["status"], found["valid_from"], found["valid_until"]) == (VALID, "2020-05-01", None)
        assert found["status_basis"]["line"] == 1924 and "5月之后" in found["status_basis"]["quote"]
        # a yearly figure: in force, with its year said, while the library holds no later one
        assert found["status_basis"]["note"].endswith("所定事项为标题所载2019年度的，以后年度另有文件的以其为准")
    beijing_wages = [d.title for d, _ in library.values() if d.region == "北京" and series_of(d.title) == "平均工资"]
    assert beijing_wages == [BEIJING_WAGE]


def test_the_same_reading_gives_shanghais_undated_note_its_start(library):
    # court-national-provinces-2020.txt:3158–3160 "…本市社保缴费基数将继续按照三年过渡到位的方案确定，2020 年 7月 1日起，
    # 以 9339元/月作为计算社保缴费基数上限标准的参考水平" (no 文号, no 成文日期), in the paragraph that opens at :3154
    key = "关于本市人社领域涉及2019年度城镇单位就业人员平均工资相关事项的说明"
    assert on(library, key, "2020-06-30")["status"] == NOT_YET
    found = on(library, key, "2021-12-31")
    assert (found["status"], found["valid_from"], found["status_basis"]["line"]) == (VALID, "2020-07-01", 3154)


def test_an_undated_text_whose_dates_only_report_stays_unknown(library):
    # chongqing-hrss-2021.txt:17011 "调查实施时间为2021年5月,报表上报市人力社保局时间截至2021年5月25日" (no 成文日期):
    # a survey's dates, no start of a rule
    assert on(library, "渝人社办〔2021〕22号", "2026-12-06")["status"] == UNKNOWN


# 2. a measure that runs from another text's issue to a date

def test_a_measure_from_the_issue_of_the_forwarded_notice_to_a_date_ends_then(library):
    # shandong-2020.txt:4049 (一（一）) "…自财金〔2020〕21号文件印发之日至2020年12月31日期间，将符合贷款条件的个体工商户…
    # 纳入"; the notice's other measures (20万元 cap, LPR+50BP) have no end
    key = "鲁财金〔2020〕25号"
    assert on(library, key, "2020-12-31")["status"] == VALID
    ended = on(library, key, "2021-01-01")
    assert (ended["status"], ended["valid_until"]) == (PARTLY_LAPSED, None)
    assert (ended["status_basis"]["line"], ended["status_basis"]["article"]) == (4049, "一（一）")
    assert on(library, key, "2026-12-06")["status"] == PARTLY_LAPSED


# 3. a benefit for what is done before a date

def test_a_subsidy_for_training_taken_before_a_date_ends_then(library):
    # shandong-2020.txt:3277 (三（一）) "已享受线上平台培训补贴的群体，2020年12月31日之前再参加同一职业同一等级线下实训，
    # 取得规定的培训证书后，按照…80%给予职业培训补贴"
    key = "鲁人社字〔2020〕72号"
    assert on(library, key, "2020-12-31")["status"] == VALID
    ended = on(library, key, "2021-01-01")
    assert (ended["status"], ended["status_basis"]["line"], ended["status_basis"]["article"]) == (
        PARTLY_LAPSED, 3277, "三（一）")
    # :3257 "“互联网+职业技能培训计划”（2020—2021年）" names the years of the national 计划 (人社部发〔2020〕10号) the
    # notice carries out, in its body, not its own: its lasting rules (线上平台目录, 课时比例, 监管) run on
    now = on(library, key, "2026-12-06")
    assert (now["status"], now["valid_until"]) == (PARTLY_LAPSED, None)
    # the same sentence in shandong-2020.txt:5033 (鲁人社字〔2020〕119号 四) "对已享受线上平台培训补贴,2020年12月31日
    # 之前再参加同一职业同一等级线下实训…"
    same = on(library, "鲁人社字〔2020〕119号", "2021-01-01")
    assert (same["status"], same["status_basis"]["line"]) == (PARTLY_LAPSED, 5033)


def test_a_cohort_named_by_a_past_date_is_no_measure_that_ends(library):
    # chongqing-hrss-2021.txt:19965 "(一)2020年12月31日前应按规定领取伤残津贴,2021年1月1日以后仍符合按月领取伤残津贴的
    # 工伤职工": who is raised, not a window
    assert on(library, "渝人社发〔2021〕11号", "2026-12-06")["status"] == VALID


# 4. the last day a one-off subsidy can be applied for

def test_a_subsidys_application_deadline_ends_it_as_a_window_does(library):
    # national-and-provinces-2020-q2.txt:4138 (三（一）) "各院校应于2020年6月10日前完成求职创业补贴的申请受理、审核公示
    # 和汇总上报工作": after it the 2020届 subsidy can no longer be applied for. Read as 渝人社办〔2021〕23号's window
    # "于2021年3月1日至4月30日期间…申请补贴" (chongqing-hrss-2021.txt:7338) is: a measure that ends, and, the title
    # naming no time-limited measure (阶段性, 临时, 延长…期限), the notice is 部分失效, not 失效, as 23号 is
    key = "津人社办发〔2020〕78号"
    assert on(library, key, "2020-06-10")["status"] == VALID
    for day in ("2020-06-11", "2021-12-31", "2026-12-06"):
        found = on(library, key, day)
        assert (found["status"], found["valid_until"]) == (PARTLY_LAPSED, None)
        assert (found["status_basis"]["line"], found["status_basis"]["article"]) == (4138, "三（一）")
    window = on(library, "渝人社办〔2021〕23号", "2021-12-31")
    assert (window["status"], window["status_basis"]["line"]) == (PARTLY_LAPSED, 7338)


def test_a_deadline_for_other_work_is_no_measures_end(library):
    # court-national-provinces-2020.txt:409 "各高级人民法院要在 2020 年 12月底前完成对本辖区内的办案指导文件…全面清理工作"
    assert on(library, "法〔2020〕158号", "2026-12-06")["status"] == VALID


# 5. "十四五" in a preamble that starts what the title names

def test_a_preamble_starting_the_titles_undertaking_for_the_14th_five_year_plan_ends_with_it(library):
    # chongqing-hrss-2021.txt:9112 "…“十四五”期间，人力资源社会保障部、国家乡村振兴局决定实施国家乡村振兴重点帮扶地区
    # 职业技能提升工程" — the 工程 whose 实施方案 the notice issues: 2021–2025
    key = "人社部发〔2021〕45号"
    last = on(library, key, "2025-12-31")
    assert (last["status"], last["valid_from"], last["valid_until"]) == (VALID, "2021-06-28", "2025-12-31")
    lapsed = on(library, key, "2026-12-06")
    assert (lapsed["status"], lapsed["status_basis"]["line"], lapsed["status_basis"]["article"]) == (LAPSED, 9112, None)
    # :11543 "我部决定在“十四五”期间组织实施“技能中国行动”", the notice issuing "“技能中国行动”实施方案"
    other = on(library, "人社部发〔2021〕48号", "2026-01-01")
    assert (other["status"], other["valid_until"], other["status_basis"]["line"]) == (LAPSED, "2025-12-31", 11543)


def test_a_target_for_the_14th_five_year_plan_is_not_the_documents_period(library):
    # chongqing-hrss-2021.txt:9126, in 45号's own 一（二）: "“十四五”期间，累计开展职业技能培训不少于300万人次" (a target:
    # the end above rests on :9112, not on it); :9691 (渝人社发〔2021〕62号 一) "“十四五”期间,在全市范围内遴选8~10个
    # 优秀家政劳务品牌予以培育扶持"; :4113 (人社部发〔2021〕107号 一（二）) "(二)工作目标。“十四五”期间,实现…"
    for key in ("渝人社发〔2021〕62号", "人社部发〔2021〕107号"):
        found = on(library, key, "2026-12-06")
        assert (found["status"], found["valid_until"]) == (VALID, None), key


# 6. a start printed under "调整时间"

def test_a_start_under_the_heading_adjustment_time_is_the_documents(library):
    # chongqing-hrss-2021.txt:19957–19959 "一、调整时间" / "2021年1月1日起。" (signed 2021-03-01, :19985): the raised
    # 伤残津贴 are due for January and February too, as 湘人社规〔2020〕23号 is in force from its "2020年8月1日" though
    # signed in November (hunan-hrss-2020.txt:6021)
    key = "渝人社发〔2021〕11号"
    assert on(library, key, "2020-12-31")["status"] == NOT_YET
    february = on(library, key, "2021-02-15")
    assert (february["status"], february["valid_from"]) == (VALID, "2021-01-01")
    assert (february["status_basis"]["line"], february["status_basis"]["article"]) == (19959, "一")
    # :18530–18532 "二、调整时间" / "从2021年1月1日起执行。" (渝人社发〔2021〕22号, signed 2021-06-18)
    assert on(library, "渝人社发〔2021〕22号", "2021-02-15")["valid_from"] == "2021-01-01"


# 7. where the basis points

@pytest.mark.parametrize(("key", "day", "line", "printed"), [
    # shandong-2020.txt: the "（文号  date）" line under the title, not the title
    ("鲁人社发〔2020〕6号", "2026-12-06", 4198, "（鲁人社发〔2020〕6号  2020年5月22日）"),
    ("鲁人社字〔2020〕72号", "2020-06-30", 3253, "（鲁人社字〔2020〕72号  2020年6月22日）"),
    ("鲁财金〔2020〕25号", "2020-06-30", 4041, "（鲁财金〔2020〕25号  2020年5月18日）"),
    ("鲁人社字〔2020〕26号", "2020-06-30", 5215, "（鲁人社字〔2020〕26号  2020年3月13日）"),
    ("鲁人社字〔2020〕63号", "2020-06-30", 3107, "（鲁人社字〔2020〕63号  2020年6月8日）"),
    # chongqing-hrss-2021.txt:6594, the same header form; :9927 a signature "2021年5月30号"
    ("渝委发〔2021〕16号", "2026-12-06", 6594, "(渝委发〔2021〕16号 2021年7月24日)"),
    ("人社部发〔2021〕34号", "2026-12-06", 9927, "2021年5月30号"),
])
def test_a_document_without_a_period_cites_the_line_printing_its_date(library, key, day, line, printed):
    basis = on(library, key, day)["status_basis"]
    assert basis["note"].startswith("未规定有效期") and basis["article"] is None
    assert (basis["line"], squeeze(basis["quote"])) == (line, squeeze(printed))


def test_no_dated_document_rests_on_its_title_unless_the_title_gives_its_years(library):
    for key, (doc, record) in library.items():
        for day in DAYS:
            basis = status_on(record, day)["status_basis"]
            if doc.date and basis["quote"] == doc.title:
                assert basis["note"] == "有效期（执行期限）已届满" or basis["note"] == "在有效期内", (key, day)


@pytest.mark.parametrize(("key", "day", "line"), [
    ("津人社办发〔2020〕91号", "2023-06-01", 3525),  # court-national-provinces-2020.txt:3525, after 六（五）
    ("沪府规〔2020〕10号", "2020-06-30", 3094),  # court-national-provinces-2020.txt:3094, after （二十六）
    ("津人社办发〔2020〕80号", "2023-05-15", 4366),  # national-and-provinces-2020-q2.txt:4366, after 六、资金保障
    ("津人社办发〔2020〕89号", "2023-05-29", 5006),  # national-and-provinces-2020-q2.txt:5006, after 五、工作要求
])
def test_a_closing_sentence_is_cited_as_the_closing_not_the_last_part(library, key, day, line):
    basis = on(library, key, day)["status_basis"]
    assert (basis["line"], basis["article"]) == (line, "结尾")
    assert basis["quote"].startswith(("本通知自", "本意见自"))


def test_a_closing_sentence_under_a_closing_heading_is_cited_as_that_part(library):
    # national-and-provinces-2020-q2.txt:4530 "三、其他事项" … :4552 "本通知执行至 2020年 12 月 31日，…" after its （四）
    basis = on(library, "津人社办发〔2020〕84号", "2021-01-01")["status_basis"]
    assert (basis["line"], basis["article"]) == (4552, "三")
    # a numbered 施行 clause is its part: national-and-provinces-2020-q2.txt:2518 "九、本通知自印发之日起施行…"
    assert on(library, "穗人社规字〔2020〕4号", "2024-04-02")["status_basis"]["article"] == "九"


@pytest.mark.parametrize("sentence", [
    "请各市于2020年7月15日前将补贴申领情况报送省厅。",
    "各区人社局于2020年12月10日前将补贴申请汇总表报市局。",
    "于2020年9月30日前报送补贴资金申请。",
])
def test_a_deadline_for_reporting_on_subsidies_is_no_measures_end(sentence):
    """Review s13: offices' reports about claims (报送、汇总) are work, not the applicants' window."""
    from kuaiban.corpus.periods import _measure_end_candidates

    assert not [end for end in _measure_end_candidates(sentence, dt.date(2020, 5, 1), False) if end]


def test_the_applicants_window_still_closes_the_measure():
    """津人社办发〔2020〕78号 (national-and-provinces-2020-q2.txt:4138): “各院校应于2020年6月10日前完成求职创业补贴的
    申请受理、审核公示和汇总上报工作”."""
    from kuaiban.corpus.periods import _measure_end_candidates

    sentence = "各院校应于2020年6月10日前完成求职创业补贴的申请受理、审核公示和汇总上报工作。"
    assert dt.date(2020, 6, 10) in list(_measure_end_candidates(sentence, dt.date(2020, 5, 1), False))


def test_a_cohort_that_keeps_its_subsidy_is_no_measures_end():
    """Review s13: “对2021年6月30日前招用的人员，2022年仍可享受社会保险补贴” names who keeps a subsidy, not a window."""
    from kuaiban.corpus.periods import _measure_end_candidates

    sentence = "对2021年6月30日前招用的人员，2022年仍可享受社会保险补贴。"
    assert dt.date(2021, 6, 30) not in list(_measure_end_candidates(sentence, dt.date(2021, 3, 1), False))
