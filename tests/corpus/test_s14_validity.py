"""Validity readings settled in session 14, and the audit of 30 more documents' periods.

Each case was read by hand at the compilation line cited in its comment; made-up texts (neutral wording, no real
names) show the general reading on its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kuaiban.corpus.layouts.chongqing import build_paragraphs
from kuaiban.corpus.model import Paragraph, ParsedDocument, RawDocument, SourceSpan
from kuaiban.corpus.periods import _measure_end_candidates, read_period
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.corpus.standing import LAPSED, NOT_YET, PARTLY_LAPSED, VALID, standings, status_on
from kuaiban.corpus.structure import build_document

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
TODAY = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def library() -> dict[str, tuple[ParsedDocument, dict]]:
    docs = parse_corpus(DATA)
    return {d.doc_no or d.title: (d, r) for d, r in zip(docs, standings(docs), strict=True)}


def on(library, key: str, day: dt.date | str) -> dict:
    return status_on(library[key][1], dt.date.fromisoformat(day) if isinstance(day, str) else day)


def made_up(title: str, signed: dt.date | None, *texts: str, doc_no: str | None = "示人社发〔2021〕1号") -> ParsedDocument:
    paragraphs = [Paragraph(text=t, line=10 + 2 * i) for i, t in enumerate(texts)]
    return build_document(RawDocument(title=title, paragraphs=paragraphs, source=SourceSpan("made-up.txt", 1, 99),
                                      doc_no=doc_no, date=signed))


# 1a. a start under "调整时间"/"执行时间" and the document's own "自印发之日起施行"

def test_a_start_under_the_adjustment_heading_is_the_documents_when_it_says_nothing_else(library):
    # chongqing-hrss-2021.txt:19957–19959 "一、调整时间" / "2021年1月1日起。" (渝人社发〔2021〕11号, signed 2021-03-01,
    # no 施行 clause): the notice reaches back to 1 January
    found = on(library, "渝人社发〔2021〕11号", "2021-02-01")
    assert (found["status"], found["valid_from"], found["status_basis"]["line"]) == (VALID, "2021-01-01", 19959)


def test_the_documents_own_issue_clause_outranks_a_start_under_a_heading():
    """A notice that says "本通知自印发之日起施行" is in force from its signature; a "调整时间" heading over
    "2021年1月1日起" dates what it adjusts (from when the new amounts are counted), not the notice. The texts read
    this way where a date of the content comes before the signature: 渝府办发〔2021〕123号 "缓缴自2021年11月1日起
    实施" (chongqing-hrss-2021.txt:6701) in a text "自公布之日起实施" (:6745) and signed 2021-11-11."""
    doc = made_up("关于调整某项定期待遇的通知", dt.date(2021, 6, 18),
                  "一、调整时间", "2021年1月1日起。", "二、调整办法", "每人每月增加定额。", "本通知自印发之日起施行。")
    period = read_period(doc)
    assert period.valid_from == dt.date(2021, 6, 18)
    assert period.from_clause.quote == "本通知自印发之日起施行。"
    # without the issue clause the heading's start is the document's, as before
    without = made_up("关于调整某项定期待遇的通知", dt.date(2021, 6, 18),
                      "一、调整时间", "2021年1月1日起。", "二、调整办法", "每人每月增加定额。")
    assert read_period(without).valid_from == dt.date(2021, 1, 1)


def test_an_explicit_start_of_the_notice_still_outranks_both():
    doc = made_up("关于调整某项定期待遇的通知", dt.date(2021, 6, 18),
                  "一、执行时间", "2021年1月1日起。", "本通知自2021年7月1日起施行。")
    assert read_period(doc).valid_from == dt.date(2021, 7, 1)


# 1b. an undated text's start: only a date from which its rule applies, not a cohort's date

def test_a_cohort_born_after_a_date_is_no_start_of_an_undated_text():
    doc = made_up("关于个人账户养老金计发月数的说明", None,
                  "参保人员中，1960年1月1日以后出生的，其个人账户养老金按规定月数计算。",
                  "因此，2021年7月1日起，各经办机构按本说明计算。", doc_no=None)
    period = read_period(doc)
    assert period.valid_from == dt.date(2021, 7, 1)
    assert "2021年7月1日起" in period.from_clause.quote
    only_cohort = made_up("关于个人账户养老金计发月数的说明", None,
                          "参保人员中，1960年1月1日以后出生的，其个人账户养老金按规定月数计算。", doc_no=None)
    assert read_period(only_cohort).valid_from is None


@pytest.mark.parametrize("sentence", [
    "，2015年10月1日以后参加工作的人员，按新办法计算。",
    "，2014年10月1日起退休的人员，其基本养老金按本办法调整。",
    "，2020年1月1日以后办理退休手续的，适用过渡办法。",
])
def test_dates_that_name_who_is_covered_are_not_starts(sentence):
    doc = made_up("关于某项待遇计发的说明", None, sentence, doc_no=None)
    assert read_period(doc).valid_from is None


def test_the_undated_figures_keep_their_starts(library):
    # court-national-provinces-2020.txt:1924 "因此，2020 年 5月之后北京市的用人单位…应当执行…" and :3154
    # "…，2020 年 7月 1日起，以 9339元/月作为…": unchanged by the cohort guard
    assert on(library, "2019年北京市法人单位从业人员平均工资公布", TODAY)["valid_from"] == "2020-05-01"
    assert on(library, "关于本市人社领域涉及2019年度城镇单位就业人员平均工资相关事项的说明", TODAY)["valid_from"] == \
        "2020-07-01"


# 2. a table cell broken by a page, its middle lines printed plain

def test_plain_lines_between_a_row_and_its_cells_continuation_stay_in_the_cell():
    lines = [
        "条目\t内容",
        "许可条件\t一、应当具备下列条件：（一）有符合规定的举办者；（二）有相应的",
        "",
        "<p>场所和设施。</p> <p>二、举办者应当具备相应能力。</p>",
        "",
        "三、学校应配备专职教师。",
        "",
        "四、学校应有稳定的经费",
        "",
        "\t<p>来源。</p>",
        "申请材料\t1.申请书。",
        "",
        "五、这是表格之后正文的一部分。",
    ]
    paragraphs = build_paragraphs(lines, 0, len(lines))
    assert [p.line for p in paragraphs] == [1, 2, 11, 13]
    cell = paragraphs[1].text
    assert "三、学校应配备专职教师。" in cell and "四、学校应有稳定的经费" in cell and cell.endswith("来源。")


def test_a_row_whose_cell_ended_its_sentence_takes_no_later_text():
    lines = ["条目\t内容", "许可条件\t应当具备相应条件。", "", "三、正文的一部分。", "", "\t<p>单独的一格。</p>"]
    paragraphs = build_paragraphs(lines, 0, len(lines))
    assert [p.line for p in paragraphs][:3] == [1, 2, 4]


def test_the_licensing_conditions_of_174_are_the_cells_not_parts(library):
    # chongqing-hrss-2021.txt:6257 "许可条件\t一、…(八)…国家及本市对中外合作职业技能培训" carries on at :6259
    # "<p>机构的设置另有规定的…" through "十三、…" (:6278) to the cell's continuation "\t<p>业培训学校…" (:6280); the
    # measures' own parts are 一 (:6249), 二 (:6292) … 七 (:6391)
    doc, _ = library["渝人社办〔2021〕174号"]
    main = [u.label for u in doc.units if u.attachment is None and u.level == 0 and not u.label.startswith("“")]
    assert main == ["一", "二", "三", "四", "五", "六", "七"]  # the titled run after them is the 承诺书's
    assert not any("第2处" in u.label for u in doc.units)
    assert [u.line for u in doc.units if u.label in ("六", "七")] == [6372, 6391]
    cell = next(p for p in doc.paragraphs if p.line == 6257)
    assert "十三、开展中等级（四级）及以下" in cell.text and "办学场所建筑面积不低于300平方米" in cell.text


# 3. readings the session-14 audit found missing

def test_an_application_window_from_today_closes_the_grant(library):
    # chongqing-hrss-2021.txt:8160 (三（一）) "即日起至2021年7月20日,申请人…进行自主申报,对应申请资助等次…": the 创业
    # 启航计划's applications close on 2021-07-20; the rest of the notice (review, funding) has no end
    assert on(library, "渝人社办〔2021〕123号", "2021-07-20")["status"] == VALID
    found = on(library, "渝人社办〔2021〕123号", TODAY)
    assert (found["status"], found["status_basis"]["line"], found["status_basis"]["article"]) == \
        (PARTLY_LAPSED, 8160, "三（一）")


def test_a_window_for_other_applications_is_no_measures_end(library):
    # chongqing-hrss-2021.txt:13101 "注册申报时间为即日起至2021年6月21日，审核推荐时间截止2021年6月26日" (the selection
    # of 专家工作室, no grant): the notice stays in force
    assert on(library, "渝人社办〔2021〕115号", TODAY)["status"] == VALID
    assert not list(_measure_end_candidates("即日起至2021年9月30日，各单位报送评选推荐材料。", dt.date(2021, 9, 1), False))
    assert list(_measure_end_candidates("即日起至2021年9月30日，符合条件的企业可申请一次性吸纳就业补贴。",
                                        dt.date(2021, 9, 1), False)) == [dt.date(2021, 9, 30)]


def test_a_deadline_named_after_its_date_ends_the_measure(library):
    # national-and-provinces-2020-q2.txt:4200–4201 "一、调整期限。将原 2020 年 5月 26 日起参保人员不得补缴…，调整到 2020 年
    # 8月 25 日为最后补缴申请登记截止时间。" (天津, signed 2020-05-13): the extended 补缴 window ends on 2020-08-25; the
    # title names no time-limited measure (阶段性/临时/延长), so the notice is 部分失效, not 失效
    key = "关于疫情期间调整办理灵活就业人员参保缴费期限有关问题的通告"
    assert on(library, key, "2020-08-25")["status"] == VALID
    found = on(library, key, "2020-08-26")
    assert (found["status"], found["status_basis"]["line"], found["status_basis"]["article"]) == \
        (PARTLY_LAPSED, 4200, "一")


def test_an_acceptance_deadline_ends_the_measure(library):
    # hunan-hrss-2020.txt:4109 (四（九）) "…给予一次性奖励，受理截止期限为2020年12月31日。", :4111 (四（十）) the same for the
    # 见习补贴: measures of 湘政办发〔2020〕20号 ending on 2020-12-31, as "截止时间为…" already did
    record = library["湘政办发〔2020〕20号"][1]
    ends = {(m["clause"]["line"], m["until"]) for m in record["measures"]}
    assert {(4109, "2020-12-31"), (4111, "2020-12-31")} <= ends


def test_what_an_issuing_notice_names_takes_effect_as_the_notice(library):
    # chongqing-hrss-2021.txt:6131 "《清单(2021年版)》自2021年9月1日起施行,《…(2020年版)》(渝府发〔2020〕2号)不再执行" in
    # the notice "关于印发…中介服务事项清单(2021年版)的通知" signed 2021-08-10 (:6134): in force from 1 September
    assert on(library, "渝府发〔2021〕20号", "2021-08-31")["status"] == NOT_YET
    found = on(library, "渝府发〔2021〕20号", "2021-09-01")
    assert (found["status"], found["valid_from"], found["status_basis"]["line"]) == (VALID, "2021-09-01", 6131)
    # chongqing-hrss-2021.txt:14971 "《目录》自发布之日起施行" (教职成〔2021〕2号, "关于印发《职业教育专业目录(2021年)》
    # 的通知"): the same day as the signature, now cited by that clause
    found = on(library, "教职成〔2021〕2号", TODAY)
    assert (found["valid_from"], found["status_basis"]["line"]) == ("2021-03-12", 14971)


def test_a_name_the_title_does_not_issue_is_not_the_notice():
    doc = made_up("关于贯彻实施《某某条例》的通知", dt.date(2021, 3, 1), "一、做好宣传。", "《某某条例》自2021年5月1日起施行。")
    assert read_period(doc).valid_from == dt.date(2021, 3, 1)
    issued = made_up("关于印发《某某办事指南》的通知", dt.date(2021, 3, 1), "《办事指南》自2021年5月1日起施行。")
    assert read_period(issued).valid_from == dt.date(2021, 5, 1)


def test_a_span_over_before_the_signature_is_what_a_grant_counts_not_its_end(library):
    # shandong-2020.txt:411 "根据2020年1月24日至2020年2月9日期间企业在岗人数，按照每人每天200元的标准给予企业用工补贴" in
    # 鲁人社字〔2020〕22号 signed 2020-03-06: the subsidy for that past span is granted after it, so the notice is whole
    # the day after its signature; the hiring window "2020年2月10日至3月10日期间复工新吸纳就业…" (:429) ends first
    assert on(library, "鲁人社字〔2020〕22号", "2020-03-07")["status"] == VALID
    found = on(library, "鲁人社字〔2020〕22号", "2020-03-11")
    assert (found["status"], found["status_basis"]["line"]) == (PARTLY_LAPSED, 429)
    # chongqing-hrss-2021.txt:19346 (一（二）) "2021年1月1日至2021年8月9日,符合条件的参保职工…可在2021年12月31日之前重新进行
    # 补贴申领" in 渝人社办〔2021〕179号 signed 2021-08-24 (:19372): those months name who may apply, until 2021-12-31
    assert on(library, "渝人社办〔2021〕179号", "2021-12-31")["status"] == VALID
    found = on(library, "渝人社办〔2021〕179号", "2022-01-01")
    assert (found["status"], found["status_basis"]["line"]) == (PARTLY_LAPSED, 19346)


def test_a_forwarding_notice_ends_the_measures_it_forwards(library):
    # shandong-2020.txt:4952 "…印发《关于落实新冠肺炎疫情防控期间暂缓缴存农民工工资保证金政策等有关事项的通知》（人社厅发
    # 〔2020〕40号），…现转发给你们，请认真贯彻执行" (鲁人社函〔2020〕18号, 2020-04-22): the forwarded notice's deferral
    # "自实施意见发布之日起至2020年6月底前，暂缓缴存农民工工资保证金政策不折不扣落实落地" (hunan-hrss-2020.txt:9530) is its too
    assert on(library, "鲁人社函〔2020〕18号", "2020-06-30")["status"] == VALID
    found = on(library, "鲁人社函〔2020〕18号", "2020-07-01")
    basis = found["status_basis"]
    assert (found["status"], basis["doc_no"], basis["line"]) == (PARTLY_LAPSED, "人社厅发〔2020〕40号", 9530)
    # a forwarded notice without measures changes nothing: 鲁人社函〔2020〕67号 forwards 人社部函〔2020〕66号
    assert on(library, "鲁人社函〔2020〕67号", TODAY)["status"] == VALID


def test_a_forwarding_notice_does_not_repeat_a_measure_it_prints_itself(library):
    # 鲁财金〔2020〕25号 prints the forwarded 财金〔2020〕21号's "…印发之日至2020年12月31日期间" itself (shandong-2020.txt:4049)
    record = library["鲁财金〔2020〕25号"][1]
    assert [m["until"] for m in record["measures"]] == ["2020-12-31"]
    assert record["measures"][0]["clause"]["line"] == 4049


def test_a_span_under_the_action_time_heading_is_one_measure(library):
    # chongqing-hrss-2021.txt:8279–8281 "三、行动时间" / "2021年9月1日至12月31日。" (渝人社办〔2021〕190号): read as the
    # action's span and as a dated span of a temporary notice, it is still one measure
    record = library["渝人社办〔2021〕190号"][1]
    assert [(m["until"], m["clause"]["line"]) for m in record["measures"]] == [("2021-12-31", 8281)]
    assert on(library, "渝人社办〔2021〕190号", "2022-01-01")["status"] == LAPSED
