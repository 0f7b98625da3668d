"""The Shandong compilation (shandong-2020.txt): one paragraph per line, header blocks
of issuers, a title split over lines and a bracketed （文号  日期） line, national
documents forwarded under a cover notice, and tables printed one cell per line.

Lines 353–380 and 722–1080 carry personal names and phone numbers: no test quotes them.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

from kuaiban.corpus.layouts import shandong
from kuaiban.corpus.structure import build_document
from tests.corpus.layout_files import LayoutFile

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "shandong-2020.txt"

# Every document the file holds, read off its header blocks: (first line, 文号, title).
# Forwarded national documents (人社部发〔2020〕38号 …) are documents of their own.
EXPECTED = [
    (1, "鲁政办发〔2020〕4号", "关于应对新型冠状病毒感染肺炎疫情支持中小企业平稳健康发展的若干意见"),
    (60, "鲁政发〔2020〕5号", "印发关于积极应对新冠肺炎疫情做好稳就业工作的若干措施的通知"),
    (137, "鲁政办字〔2020〕77号", "印发关于抓好保居民就业、保基本民生、保市场主体工作的十条措施的通知"),
    (176, None, "关于印发《“六保三促”工作方案（修订版）》的通知"),
    (257, "鲁政办发〔2020〕19号", "关于支持多渠道灵活就业二十条措施的通知"),
    (320, "鲁人社字〔2020〕11号", "关于做好新型冠状病毒感染的肺炎疫情防控期间农民工离校2年未就业大学生等就业重点群体职业技能培训工作的通知"),
    (383, "鲁人社字〔2020〕22号", "关于印发应对疫情稳就业政策细则的通知"),
    (1088, "鲁人社字〔2020〕36号", "关于印发山东省就业困难人员公益性岗位托底安置制度实施细则的通知"),
    (1205, "鲁人社字〔2020〕39号", "关于建立山东省城乡失业人员就业服务制度的通知"),
    (2821, "鲁人社字〔2020〕55号", "关于印发《山东省职业技能提升行动（2019-2021年）专账资金管理办法》的通知"),
    (3101, "鲁人社字〔2020〕63号", "关于印发企业稳岗扩岗专项支持计划实施方案的通知"),
    (3248, "鲁人社字〔2020〕72号", "关于进一步推进“互联网+职业技能培训计划”的通知"),
    (3287, None, "关于转发人社厅发〔2020〕65号文件抓好我省建立重点企业用工常态化服务机制工作落实的通知"),
    (3309, "人社厅发〔2020〕65号", "关于建立重点企业用工常态化服务机制的通知"),
    (3433, None, "关于翻印人社部发〔2020〕38号文件的通知"),
    (3448, "人社部发〔2020〕38号", "关于进一步用好公益性岗位发挥就业保障作用的通知"),
    (3513, "鲁人社函〔2020〕48号", "关于做好山东省职业技能培训合格证书发放管理工作的通知"),
    (3714, "鲁人社字〔2020〕95号", "关于进一步加强城镇新增就业统计工作的通知"),
    (3820, "鲁人社字〔2020〕101号", "关于印发山东省人力资源服务行业促就业行动实施方案的通知"),
    (3872, "鲁人社函〔2020〕78号", "关于进一步加大以工代训力度支持企业稳岗扩岗的通知"),
    (3909, "鲁人社字〔2020〕27号", "关于印发山东省创业担保贷款实施办法的通知"),
    (4036, "鲁财金〔2020〕25号", "关于转发《关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知》的通知"),
    (4095, "财金〔2020〕21号", "关于进一步加大创业担保贷款贴息力度全力支持重点群体创业就业的通知"),
    (4158, "鲁人社字〔2020〕43号", "关于做好2020年高校毕业生就业工作的通知"),
    (4190, "鲁人社发〔2020〕6号", "关于做好2020年高校毕业生“三支一扶”计划实施工作的通知"),
    (4492, "鲁人社字〔2020〕60号", "关于做好2020届湖北籍高等学校毕业生求职创业补贴发放工作的通知"),
    (4523, None, "关于印发做好2020届高校毕业生就业创业工作若干措施的通知"),
    (4554, "鲁人社函〔2020〕67号", "关于转发人社部函〔2020〕66号文件进一步加强就业见习工作的通知"),
    (4575, "人社部函〔2020〕66号", "关于进一步加强就业见习工作的通知"),
    (4718, "鲁人社函〔2020〕69号", "关于做好2021届高等学校中职学校技工院校毕业生求职创业补贴发放工作的通知"),
    (4860, "鲁人社字〔2020〕128号", "关于实施高校毕业生留鲁来鲁就业创业推进行动的通知"),
    (4906, "鲁人社函〔2020〕9号", "关于设立拖欠农民工工资争议速裁庭的通知"),
    (4940, "鲁人社函〔2020〕18号", "关于转发落实新冠肺炎疫情防控期间暂缓缴存农民工工资保证金政策的通知"),
    (4954, "人社厅发〔2020〕40号", "关于落实新冠肺炎疫情防控期间暂缓缴存农民工工资保证金政策等有关事项的通知"),
    (4984, "鲁人社字〔2020〕88号", "关于贯彻落实《保障农民工工资支付条例》有关事项的通知"),
    (5019, "鲁人社字〔2020〕119号", "关于贯彻人社部发〔2020〕61号文件做好当前农民工就业创业工作的通知"),
    (5041, "人社部发〔2020〕61号", "关于做好当前农民工就业创业工作的意见"),
    (5100, "鲁人社函〔2020〕8号", "关于进一步做好鲁渝劳务扶贫协作工作的通知"),
    (5140, "鲁人社字〔2020〕41号", "关于印发应对新冠肺炎疫情做好人力资源社会保障扶贫工作重点措施的通知"),
    (5207, "鲁人社字〔2020〕26号", "关于进一步落实失业保险稳岗返还政策的通知"),
    (5267, "鲁人社函〔2020〕10号", "关于推进“畅通领、安全办”进一步提升失业保险服务质效的通知"),
    (5313, "鲁人社字〔2020〕78号", "关于贯彻人社部发〔2020〕40号文件切实做好扩大失业保险保障范围工作的通知"),
    (5330, "鲁人社函〔2020〕41号", "关于印发扩大失业保险保障范围政策实施细则的通知"),
    (5396, None, "关于转发人社厅发〔2020〕79号文件进一步做好全省失业登记服务管理工作的通知"),
    (5420, "人社厅发〔2020〕79号", "关于进一步做好失业登记服务管理工作的通知"),
]


LAYOUT = LayoutFile(shandong, FILE)
docs, by_no, by_line = LAYOUT.docs, LAYOUT.by_no, LAYOUT.by_line


def test_finds_exactly_the_documents_of_the_file():
    LAYOUT.assert_finds_exactly(EXPECTED)
    assert len(docs()) == 45


def test_documents_are_in_file_order_and_do_not_overlap():
    spans = [d.source for d in docs()]
    assert all(a.end_line < b.start_line for a, b in pairwise(spans))


def test_header_block_gives_issuer_title_number_and_date():
    doc = by_line(1)
    assert doc.issuers == ["山东省人民政府办公厅"]
    assert doc.title == "关于应对新型冠状病毒感染肺炎疫情支持中小企业平稳健康发展的若干意见"
    assert (doc.doc_no, doc.date) == ("鲁政办发〔2020〕4号", dt.date(2020, 2, 4))
    assert doc.region == "山东"
    # the header lines are not body text
    assert doc.paragraphs[0].text.startswith("各市人民政府，各县（市、区）人民政府")


def test_issuer_sharing_a_line_with_the_title():
    doc = by_no("鲁人社字〔2020〕11号")  # "山东省财政厅关于做好新型冠状病毒感染的"
    assert doc.issuers == ["山东省人力资源和社会保障厅", "山东省财政厅"]
    assert doc.title.startswith("关于做好新型冠状病毒感染的肺炎疫情防控期间农民工离校2年未就业大学生")


def test_issuer_cut_before_its_count_of_departments():
    doc = by_no("鲁人社字〔2020〕119号")  # "山东省人力资源和社会保障厅等" / "14部门关于贯彻…"
    assert doc.issuers == ["山东省人力资源和社会保障厅等14部门"]
    assert doc.title == "关于贯彻人社部发〔2020〕61号文件做好当前农民工就业创业工作的通知"


def test_letter_spaced_title_word_and_number_without_issuer_code():
    doc = by_line(176)  # "的通知" … "（〔2020〕20号  2020年7月2日）"
    assert doc.title == "关于印发《“六保三促”工作方案（修订版）》的通知"
    assert doc.doc_no is None  # 〔2020〕20号 names no issuing body, so it is no usable 文号
    assert doc.date == dt.date(2020, 7, 2)
    assert by_no("鲁政办发〔2020〕19号").title == "关于支持多渠道灵活就业二十条措施的通知"  # "通  知"


def test_notice_dated_without_a_number():
    doc = by_line(4523)
    assert doc.title == "关于印发做好2020届高校毕业生就业创业工作若干措施的通知"
    assert (doc.doc_no, doc.date) == (None, dt.date(2020, 6, 15))


def test_forwarded_national_documents_stand_on_their_own():
    cover = by_line(3433)
    assert cover.title == "关于翻印人社部发〔2020〕38号文件的通知"
    national = by_no("人社部发〔2020〕38号")
    assert national.title == "关于进一步用好公益性岗位发挥就业保障作用的通知"
    assert national.region == "国家"
    assert national.date == dt.date(2020, 5, 29)  # from its own signature
    assert national.issuers[:3] == ["人力资源社会保障部", "财政部", "自然资源部"]
    assert national.source.start_line == 3448 and cover.source.end_line < 3448


def test_shandong_copy_of_the_unemployment_registration_spec():
    spec = build_document(by_no("鲁人社字〔2020〕39号"))
    assert spec.title == "关于建立山东省城乡失业人员就业服务制度的通知"
    labels = [a.label for a in spec.attachments]
    assert labels == ["附件1", "附件2", "附件3", "附件4", "附件5", "附件6"]
    interface = spec.attachments[4]
    assert interface.title == "全国人力资源社会保障政务服务平台失业登记服务对接方案"
    assert len(spec.tables) >= 5
    exit_data = build_document(by_no("人社厅发〔2020〕79号"))
    assert exit_data.region == "国家"
    assert [a.title for a in exit_data.attachments] == ["失业登记退出数据上报对接方案"]
    assert exit_data.tables[0].header == ["序号", "指标名称", "是否必填", "指标编码", "指标类型", "指标长度",
                                          "代码标识", "校验规则"]


def test_cells_printed_one_per_line_become_table_rows():
    doc = build_document(by_no("鲁人社函〔2020〕48号"))
    table = next(t for t in doc.tables if t.line == 3622)
    assert table.header == ["序号", "设区的市", "代码", "序号", "设区的市", "代码"]
    assert table.rows[1] == ["1", "济南", "3701", "9", "泰安", "3709"]


def test_cover_notice_keeps_its_rules_with_chapters_and_articles():
    raw = by_no("鲁人社字〔2020〕36号")
    heading = next(p for p in raw.paragraphs if p.heading)
    assert heading.text == "山东省就业困难人员公益性岗位托底安置制度实施细则"  # printed over two lines
    doc = build_document(raw)
    assert [a.number for a in doc.articles] == list(range(1, 27))
    assert doc.articles[0].chapter == "第一章 总则"  # printed "第一章  总  则"
    assert doc.articles[-1].chapter == "第九章 附则"
