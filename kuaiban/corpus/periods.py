"""When a document says it is in force, read from its own text.

* **From** (``valid_from``): "自2020年9月1日起施行", "本法自…起施行", "本《通知》自…起实施", "…起正式施行",
  "从2020年7月起执行" (the month's first day), "自公布之日起30日后施行" (the signature date and 30 days);
  "自印发之日起施行" (and 发布, 公布) is the signature date; with no such clause, a start the notice opens its
  operative part with ("自2021年8月1日起,…职责统一至…"), else the signature date, cited as the date line (or,
  where the compilation prints the date under the title, that header line: "（鲁人社字〔2020〕72号  2020年6月22日）").
  A start printed under a "调整时间" / "执行时间" heading ("一、调整时间" / "2021年1月1日起。") is the document's,
  even before its signature (as "本通知自2020年8月1日起执行" in a notice signed in November is). An undated text
  (no 成文日期: a published figure, a 说明) starts when it says its rule applies ("2020 年 5月之后…应当执行…": the
  1st of May).
* **Until** (``valid_until``) of the whole document, only where the sentence speaks of the document
  itself (本通知, 本办法, 本文件 … or follows its 施行 clause): "有效期5年" (from + 5 years − 1 day),
  "有效期至2021年12月31日", "政策执行期限截止2025年12月31日", "本通知执行至2020年12月31日".
* **Measures**: end dates of single measures inside the text: "执行期限延长至2020年12月31日",
  "延长执行到2020年6月底", "受理期限截止到…", "从2020年2月起至6月，免征…", "2020年3月至12月，…可以
  申领", "实施期限延至2021年12月", "延续实施1年至…", "该项政策截止时间为…", "自通知印发之日至…" (or "自财金
  〔2020〕21号文件印发之日至…"), a benefit for acting before a date ("2020年12月31日之前再参加…线下实训，…给予职业
  培训补贴"), the last day a subsidy can be applied for ("…于2020年6月10日前完成求职创业补贴的申请受理…", "即日起至
  2021年7月20日,申请人…申报,对应申请资助等次…"); in a
  阶段性 document any dated span ("从2020年5月1日至2021年4月30日，…费率下调20%"); not months named as what is
  owed ("应补缴的2021年1月至4月期间的养老保险费"). A measure cites the numbered part (一（二）) it is printed in.
* **Actions**: the span under a "行动时间" / "活动时间" heading is the whole document's: it lapses with it.
* **Plans**: a 规划, 纲要, 计划 or 方案 whose title gives its years ("…规划(2021—2025年)") or its five-year
  period ("…“十四五”规划": 2021–2025) ends with the last of them, unless its text says otherwise; so does a
  notice whose preamble starts, for a five-year period, the undertaking its title names ("“十四五”期间，…决定实施
  …职业技能提升工程" in the notice issuing that 工程's 实施方案) — not a target set for the period
  ("“十四五”期间，累计开展职业技能培训不少于300万人次"), nor years the body gives another text's plan.
* **Campaigns**: a notice that says, before its numbered parts, that it organises a campaign over a span
  ("决定于2021年2月上旬至3月下旬…开展…专项工作") lapses with it.
* **Temporary**: a document that is itself a time-limited measure (阶段性 / 临时 / 延长…期限 in the
  title, or "具体政策实施期满失效") lapses as a whole when its last measure ends.

Each finding carries a :class:`Clause`: the 文号, the part (a paragraph after the last numbered part that speaks of
the whole document, "本通知自…施行", is the closing, "结尾", not that part), the verbatim sentence and its line. What
other documents do to this one (repeal, amendment, replacement) is in :mod:`kuaiban.corpus.standing`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.text import CN_DIGITS, DATE_RE, cn_int, date_from_match, strip_markup

_YEAR = r"(?:19|20)\s*\d\s*\d"
# a date as the texts print an end: 2020年12月31日, 2020年6月底 (or 下旬), 2020年底 / 2020年年底, a month alone
# ("实施期限延至2021年12月": its last day), and the misprint "执行至2021年12年31日" (shandong-2020.txt:2919)
_END = (rf"(?:{DATE_RE.pattern}|(?P<ey>{_YEAR})\s*年\s*(?:(?P<em>\d{{1,2}})\s*月\s*(?:底|下旬)|年?\s*底)"
        rf"|(?P<ty>{_YEAR})\s*年\s*(?P<tm>\d{{1,2}})\s*年\s*(?P<td>\d{{1,2}})\s*日"
        rf"|(?P<my>{_YEAR})\s*年\s*(?P<mm>\d{{1,2}})\s*月(?!\s*(?:\d|[{CN_DIGITS}]|份|上旬|中旬|起|以来|以后|后|前|开始)))")
_END_RE = re.compile(_END)
_SELF = r"本《?(?:通知|办法|意见|文件|规定|细则|实施细则|方案|措施|政策措施|政策|决定|实施意见|通告|公告|规则|条例|法|指引|标准)》?"
_SELF_RE = re.compile(_SELF)
# "本通知涉及的补贴政策暂定执行至…": a part of the document, not the document
_SELF_PART_RE = re.compile(rf"{_SELF}(?:涉及的|中的|规定的|所列|明确的)")
_EFFECTIVE_DATE_RE = re.compile(rf"(?:自|从)\s*{DATE_RE.pattern}\s*起?\s*(?:正式)?\s*(?:施行|执行|实施|实行|生效)")
# "本通知从2020年7月起执行" (court-national-provinces-2020.txt:3848): the month's first day
_EFFECTIVE_MONTH_RE = re.compile(
    rf"(?:自|从)\s*(?P<y>{_YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?:份)?\s*起\s*(?:正式)?\s*(?:施行|执行|实施|实行|生效)")
# "本办法自公布之日起30日后施行" (chongqing-hrss-2021.txt:15426): the signature date and that many days
_EFFECTIVE_AFTER_RE = re.compile(
    r"自\s*(?:印发|发布|公布|颁布)\s*之\s*日\s*起\s*(?P<n>\d{1,3})\s*日\s*后\s*(?:施行|执行|实施|实行|生效)")
_EFFECTIVE_ISSUE_RE = re.compile(r"自\s*(?:印发|发布|公布|颁布|下发|发文)\s*之\s*日\s*起\s*(?:施行|执行|实施|实行|生效)")
_TERM_YEARS_RE = re.compile(rf"有效期\s*(?:为|暂定)?\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*(?P<unit>年|个月)")
_TERM_UNTIL_RE = re.compile(rf"(?:有效期至|有效期截至|有效期到)\s*{_END}")
_EXEC_UNTIL_RE = re.compile(
    rf"(?:执行|实施|有效|施行)(?:期限|期)?\s*(?:延长)?\s*(?:截止到?|截至|至|到)\s*{_END}")
# a span: "2021年1月1日至2025年12月31日", "2021年9月1日至12月31日", "2020年 5 月下旬-2020 年 9月底",
# "2021年7月至12月", "2020年9月15日至2021年12月31日" — its end is an _END, or a month (and day) of the start's year
_SPAN = (rf"(?P<sy>{_YEAR})\s*年\s*(?P<sm>\d{{1,2}})\s*月\s*(?:(?P<sd>\d{{1,2}})\s*日|上旬|中旬|下旬)?\s*(?:起)?\s*"
         rf"(?:至|到|—|–|－|-|～|~)\s*(?:{_END}|(?P<nm>\d{{1,2}})\s*月\s*(?:(?P<nd>\d{{1,2}})\s*日|(?P<nt>底|下旬))?"
         rf"(?!\s*(?:\d|份)))")
_SPAN_RE = re.compile(_SPAN)
# a plan's years in its title: "…规划(2021—2025年)", "…行动计划(2020-2024年)", "…实施方案(2021—2025年)"
_PLAN_YEARS_RE = re.compile(
    rf"(?:规划|纲要|计划|方案)\s*[（(]\s*(?P<a>{_YEAR})\s*年?\s*[-—–－~至到]\s*(?P<b>{_YEAR})\s*年?\s*[)）]")
_ATTRIBUTIVE_RE = re.compile(r"\s*(?:期间|之间)?\s*的")
_EXEC_SPAN_RE = re.compile(rf"(?:执行|实施|有效|施行)(?:期限|期|时间)\s*(?:为|是|：|:)?\s*(?:从|自)?\s*{_SPAN}")
# the plan periods a title may name instead of years: "…“十四五”规划" is the plan for 2021–2025
_FIVE_YEAR_PLANS = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
_FIVE_YEAR_PLAN_RE = re.compile(r"[“\"]?(?P<term>十[三四五]五)[”\"]?[^，。]{0,30}?(?:规划|纲要|计划|方案)")
# a notice that organises a campaign over a span, said before its numbered parts: "市人力社保局决定于2021年2月
# 上旬至3月下旬在全市范围开展“迎新春稳岗留工送培训”专项工作" (chongqing-hrss-2021.txt:7417) lapses with it
_CAMPAIGN_RE = re.compile(rf"(?:决定|定于|将于|拟于)\s*(?:于|在)?\s*{_SPAN}[^，。；]{{0,30}}?开展[^。；]{{0,40}}?"
                          r"(?:专项工作|专项行动|专项活动|活动|行动)")
# a notice whose own text opens its operative part with a start: "自2021年8月1日起,…我市行政复议职责统一至…"
# (chongqing-hrss-2021.txt:22224), read when the notice has no 施行 clause of its own
_OPENING_START_RE = re.compile(rf"^(?:[一二三四五六七八九十]+、)?\s*自\s*{DATE_RE.pattern}\s*起\s*[,，]")
OPENING_SENTENCES = 12  # how far into a notice its opening start may stand
# a heading whose next line is the span of the whole action: "三、行动时间" / "二、活动时间"
_ACTION_TIME_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])?\s*(?:行动|活动)时间\s*[:：]?$")
# a heading whose next line is the document's start: "一、调整时间" / "2021年1月1日起。" (chongqing-hrss-2021.txt:
# 19957–19959), "二、调整时间" / "从2021年1月1日起执行。"; or both on one line ("一、调整时间：2021年1月1日起")
_START_TIME_HEADING = r"^(?:[一二三四五六七八九十]+、)?\s*(?:调整|执行|实施|施行|生效)时间\s*[:：。]?"
_START_TIME_RE = re.compile(rf"{_START_TIME_HEADING}$")
_START_LINE = rf"\s*(?:自|从)?\s*{DATE_RE.pattern}\s*起\s*(?:执行|施行|实施|生效|调整)?\s*[。；]?$"
_START_LINE_RE = re.compile(rf"^{_START_LINE}")
_START_INLINE_RE = re.compile(rf"{_START_TIME_HEADING}{_START_LINE}")
# an undated text (a 说明, a published figure: no 文号, no 成文日期) that says from when what it sets applies:
# "因此，2020 年 5月之后北京市的用人单位在计算经济补偿的封顶基数时，应当执行…" (court-national-provinces-2020.txt:1924;
# "之后" read as from the month's first day, as "从2020年7月起执行" is), "…，2020 年 7月 1日起，以 9339元/月作为…"
# (:3158–3160); not a date that only reports ("2020 年 5月，北京市统计局网站…公布了…", :1910), nor one that names a
# cohort by what its members did from then ("1960年1月1日以后出生的…，按…计算": who, not from when)
_UNDATED_START_RE = re.compile(
    rf"(?:^|[，,；;]|因此|据此)\s*(?:自|从)?\s*(?P<y>{_YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?:(?P<d>\d{{1,2}})\s*日)?\s*"
    r"(?:起|之后|以后)(?!\s*(?:新)?(?:出生|参加工作|参工|参保|退休|退职|离休|死亡|去世|入学|毕业|入职|就业|失业|招用|录用|"
    r"办理|领取|缴费|签订|登记))[^。；;]*?(?:执行|适用|作为|调整|计算)")
# the body of a notice's preamble (before its numbered parts) giving the period of what it sets up: "…“十四五”期间，
# 人力资源社会保障部、国家乡村振兴局决定实施国家乡村振兴重点帮扶地区职业技能提升工程" (chongqing-hrss-2021.txt:9112),
# "我部决定在“十四五”期间组织实施“技能中国行动”" (:11543): that document ends with the period, when what it starts
# is what its title names; a target "“十四五”期间，累计开展职业技能培训不少于300万人次" (:9126) is not
_TERM = r"[“\"]?(?P<{}>十[三四五]五)[”\"]?\s*(?:期间|时期)"
_DECIDED_FOR_TERM_RE = re.compile(
    rf"(?:{_TERM.format('before')}\s*[,，]?[^。；;]{{0,30}}?决定|决定\s*(?:在|于)\s*{_TERM.format('within')})\s*"
    r"(?:组织)?\s*(?:实施|开展|启动)(?P<what>[^，。；;,]{4,40})")
_MEASURE_UNTIL_RE = re.compile(
    rf"(?:执行|实施|受理|申请|申领|补贴|缓缴|减免|享受|发放|费率)(?:期限|期|时间)?\s*(?:可)?(?:延长|顺延|继续|延)?\s*"
    rf"(?:执行)?\s*(?:(?:\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*(?:年|个月))?\s*(?:截止到?|截至|至|到)\s*{_END}"
)
# "缓缴自2021年11月1日起实施,至2022年1月申报期结束" (chongqing-hrss-2021.txt:6701): a start, then its end
_START_DATE = re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern)  # a date that only opens the span: no groups
_FROM_UNTIL_RE = re.compile(rf"自\s*{_START_DATE}\s*起\s*(?:执行|实施|施行)\s*[,，]\s*(?:至|到)\s*{_END}")
# "补足保证金期限从2022年2月5日延至2022年12月31日" (chongqing-hrss-2021.txt:6709): a deadline moved
_DEADLINE_MOVED_RE = re.compile(rf"期限\s*(?:从|由)\s*{_START_DATE}\s*(?:延至|延长至|延长到|顺延至)\s*{_END}")
# "该项政策截止时间为2020年12月31日" (shandong-2020.txt:4180); "自通知印发之日至2020年12月31日新发放贷款"
# (shandong-2020.txt:4106), and from another text's issue: "自财金〔2020〕21号文件印发之日至2020年12月31日期间"
# (shandong-2020.txt:4049): the end of the provision that sentence makes
_DEADLINE_IS_RE = re.compile(
    rf"(?:(?:截止|截至)(?:时间|日期|期限)\s*(?:为|是)|(?:自|从)(?:[^，。；,]{{0,10}}?|[^，。；,]{{0,10}}?〔\s*\d{{4}}\s*〕\s*\d+\s*号"
    rf"(?:文件)?)(?:印发|发布|公布|下发)\s*之\s*日\s*(?:起)?\s*(?:至|到))\s*{_END}")
# the same deadline said the other way round: "调整到 2020 年 8月 25 日为最后补缴申请登记截止时间"
# (national-and-provinces-2020-q2.txt:4200–4201); "受理截止期限为2020年12月31日" (hunan-hrss-2020.txt:4083) above
_DATE_IS_DEADLINE_RE = re.compile(rf"{_END}\s*为\s*[^。；;，,]{{0,12}}?(?:截止时间|截止日期|截止期限)")
_RANGE_NOYEAR_RE = re.compile(r"从\s*(?P<m1>\d{1,2})\s*月\s*(?:起)?\s*(?:至|到)\s*(?P<m2>\d{1,2})\s*月")
# "自2020年2月起，…可免征…，免征期限不超过5个月": ends with the fifth month
_FROM_FOR_RE = re.compile(
    rf"自\s*(?P<y>(?:19|20)\s*\d\s*\d)\s*年\s*(?P<m>\d{{1,2}})\s*月\s*起[^。；]{{0,120}}?"
    rf"(?:期限)?(?:最长)?不超过\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*个月")
_BEFORE_RE = re.compile(rf"{_END}\s*前\s*[，,]?\s*(?:允许|可|暂缓|企业可|对|进行补缴|补缴|办理补缴)")
# a benefit for what its beneficiary does before a date: "已享受线上平台培训补贴的群体，2020年12月31日之前再参加同一
# 职业同一等级线下实训，…按照…80%给予职业培训补贴" (shandong-2020.txt:3277); not a cohort named by a past fact
# ("2020年12月31日前应按规定领取伤残津贴…的工伤职工", "2021年6月30日前招用的人员，2022年仍可享受…补贴"): the act must
# follow the date, and a grant must follow it that does not go on after it (仍、继续、按原规定)
_BEFORE_ACT_RE = re.compile(
    rf"{_END}\s*(?:之|以)?前\s*[，,]?\s*(?:再|新|首次)?(?:参加|招用|吸纳|录用|签订|参保|申请|申领|提出申请)"
    rf"(?:(?!仍|继续|按原)[^。；;]){{0,80}}?(?:给予|享受)[^。；;]{{0,30}}?(?:补贴|补助|奖补|奖励)")
# the last day a subsidy can be applied for: "各院校应于2020年6月10日前完成求职创业补贴的申请受理、审核公示和汇总上报工作"
# (national-and-provinces-2020-q2.txt:4138) closes the application window, as "于2021年3月1日至4月30日期间…申请补贴"
# (chongqing-hrss-2021.txt:7338) does; a deadline for other work ("12月底前报送…总结", "…前完成…清理工作") is no
# measure's end
# ("于2020年7月15日前将补贴申领情况报送省厅", "…前报送补贴资金申请": a report, not the applicants' window)
_APPLY_BY_RE = re.compile(
    rf"{_END}\s*(?:之|以)?前\s*(?:完成|结束|截止)?(?:(?!将|报|汇总|拨付|下达)[^。；;，,]){{0,12}}?(?:补贴|补助)"
    r"[^。；;，,]{0,3}?(?:申请受理|受理申请|申请|申领)(?!情况|汇总|资金)")
# an application window that opens on the day of the notice: "即日起至2021年7月20日,申请人…进行自主申报,对应申请资助
# 等次…" (chongqing-hrss-2021.txt:8160) closes the grant's applications as "于2021年3月1日至4月30日期间…申请补贴" does;
# a window for other 申报 (a recognition, "注册申报时间为即日起至2021年6月21日", :13101) is no measure's end
_FROM_NOW_WINDOW_RE = re.compile(
    rf"即日起\s*(?:至|到|截至|截止到?)\s*{_END}(?=[^。；;]*?(?:申请|申领|申报)[^。；;]{{0,12}}?(?:补贴|补助|资助))")
_MEASURE_WORDS = re.compile(r"减免|免征|减半|缓缴|暂缓|补贴|补助|提高|发放|返还|阶段性|降低|申领|延长|允许|补缴")
_TEMPORARY_TITLE_RE = re.compile(r"阶段性|临时|延长.{0,20}(?:期限|执行|实施)|延续实施")
_LAPSES_WHOLE_RE = re.compile(r"期满失效|到期自行终止|到期后自动失效|期满后自动失效")
_SENTENCE_RE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


@dataclass(frozen=True)
class Clause:
    """A citation of the words a finding rests on: 文号 (or title), part, verbatim sentence, line."""

    doc_no: str | None
    title: str
    article: str | None
    quote: str
    line: int
    file: str

    def to_dict(self) -> dict:
        return {"doc_no": self.doc_no, "title": self.title, "article": self.article, "quote": self.quote,
                "line": self.line, "file": self.file}


@dataclass(frozen=True)
class Measure:
    """One time-limited measure: it ends on ``until`` (inclusive)."""

    until: dt.date
    clause: Clause
    since: dt.date | None = None  # a measure another document carries on is known from that document's start


@dataclass
class DocumentPeriod:
    valid_from: dt.date | None = None
    from_clause: Clause | None = None
    valid_until: dt.date | None = None
    until_clause: Clause | None = None
    measures: list[Measure] = field(default_factory=list)
    temporary: bool = False


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def end_from_match(m: re.Match) -> dt.date | None:
    """The date an _END match names: a day, a month's end ("6月底") or a year's end ("年底")."""
    if m["y"]:
        return date_from_match(m)
    if m["ty"]:  # the misprint "2021年12年31日"
        try:
            return dt.date(int(re.sub(r"\s+", "", m["ty"])), int(m["tm"]), int(m["td"]))
        except ValueError:
            return None
    if m["my"]:
        year, month = int(re.sub(r"\s+", "", m["my"])), int(m["mm"])
    else:
        year = int(re.sub(r"\s+", "", m["ey"]))
        month = int(m["em"]) if m["em"] else 12
    return month_end(year, month) if 1 <= month <= 12 else None


def span_end(m: re.Match) -> dt.date | None:
    """The last day of a _SPAN match: its _END, or a month (and day) of the start's year; None if it would
    end before it starts."""
    start_year, start_month = int(re.sub(r"\s+", "", m["sy"])), int(m["sm"])
    if m["nm"]:
        month = int(m["nm"])
        if not 1 <= month <= 12:
            return None
        try:
            end = dt.date(start_year, month, int(m["nd"])) if m["nd"] else month_end(start_year, month)
        except ValueError:
            return None
    else:
        end = end_from_match(m)
    if end is None or not 1 <= start_month <= 12 or (end.year, end.month) < (start_year, start_month):
        return None
    return end


def add_years(day: dt.date, years: int = 0, months: int = 0) -> dt.date:
    """The last day of a term of ``years`` years and ``months`` months that starts on ``day``."""
    total = day.month - 1 + months
    year, month = day.year + years + total // 12, total % 12 + 1
    start = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return start - dt.timedelta(days=1)


CLOSING = "结尾"  # how a citation names a notice's closing, the paragraphs after its last numbered part
# a closing paragraph speaks of the whole document: "本通知自2020年6月1日起施行，有效期至2023年5月31日…"
_CLOSING_START_RE = re.compile(rf"^{_SELF}\s*(?:自|从|于|有效期|由|所称|未尽事宜|施行|执行|实施|生效)")
# a last part that is itself the closing: the heading "七、附则" / "五、其他" / "四、其他事项" holds its 施行 clause
_CLOSING_PART_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?\s*(?:附\s*则|其[他它](?:有关)?事项|其[他它]|(?:施行|实施|执行)时间|有效期限?)\s*[。:：]?$")


class PartLocator:
    """Which part (第X条 or 一（二）) holds a line of the document; a notice's closing ("本通知自…施行" after its
    last numbered part, court-national-provinces-2020.txt:3525) is cited as :data:`CLOSING`, not as that part."""

    def __init__(self, doc: ParsedDocument) -> None:
        spans: list[tuple[int, int, str]] = []
        for a in doc.articles:
            spans.append((a.line, a.end_line or a.line, f"{a.attachment or ''}第{a.number}条"))
        for u in doc.units:
            if not u.label.startswith("第"):  # paragraph units ("第N段") are no parts to cite
                spans.append((u.line, u.end_line, f"{u.attachment or ''}{u.label}"))
        self._spans = sorted(spans, key=lambda s: (s[0], -s[1]))
        self._closing = _closing_lines(doc)
        self._found: dict[int, str | None] = {}  # line → part, as found once (a line holds several sentences)

    def part(self, line: int) -> str | None:
        if line in self._found:
            return self._found[line]
        found = self._found[line] = self._part(line)
        return found

    def _part(self, line: int) -> str | None:
        if line in self._closing:
            return self._closing[line]
        best = None
        for start, end, label in self._spans:
            if start > line:
                break
            if start <= line <= end:
                best = label  # the latest start wins: the most specific part
        return best


def _closing_lines(doc: ParsedDocument) -> dict[int, str]:
    """{line: how to cite it} for the closing of the main text and of each attachment: from an unnumbered
    paragraph that speaks of the whole document ("本通知自…施行", "本办法由…负责解释") after the start of its last
    top-level part, to the next numbered part (the attachment list's numbered titles, court-national-provinces-
    2020.txt:3538, are parts to the units). It is :data:`CLOSING`, or that last part when the part is the closing
    itself ("三、其他事项", national-and-provinces-2020-q2.txt:4530, not its sub-part （四） before the clause)."""
    closing: dict[int, str] = {}
    starts = {a.line for a in doc.articles}
    streams = [(None, doc.paragraphs)] + [(a.label, a.paragraphs) for a in doc.attachments]
    for label, paragraphs in streams:
        units = [u for u in doc.units if u.attachment == label and not u.label.startswith("第")]
        if not units:
            continue
        top = min(u.level for u in units)
        last_top = max((u for u in units if u.level == top), key=lambda u: u.line)
        heading = strip_markup(last_top.text.split("\n", 1)[0]).lstrip("#").strip()
        label_as = f"{label or ''}{last_top.label}" if _CLOSING_PART_RE.match(heading) else CLOSING
        unit_starts = {u.line for u in units}
        inside = False
        for p in paragraphs:
            if p.line <= last_top.line or p.line in starts:
                continue
            if p.line in unit_starts:
                if inside:
                    break
                continue
            text = strip_markup(p.text).lstrip("#").strip()
            inside = inside or bool(_CLOSING_START_RE.match(text) and not _SELF_PART_RE.match(text))
            if inside:
                closing[p.line] = label_as
    return closing


def _sentences(doc: ParsedDocument) -> Iterator[tuple[str, int]]:
    """(sentence, line) of the main text and of the attachments that are part of the document."""
    streams = [doc.paragraphs] + [a.paragraphs for a in doc.attachments if a.kind != "explainer"]
    for paragraphs in streams:
        for p in paragraphs:
            text = strip_markup(p.text).lstrip("#").strip()
            for m in _SENTENCE_RE.finditer(text):
                sentence = m.group().strip()
                if sentence:
                    yield sentence, p.line


def read_period(doc: ParsedDocument) -> DocumentPeriod:
    """The document's own statements about when it applies (see the module docstring)."""
    where = PartLocator(doc)
    period = DocumentPeriod(temporary=bool(_TEMPORARY_TITLE_RE.search(doc.title)))

    def clause(sentence: str, line: int) -> Clause:
        return Clause(doc.doc_no, doc.title, where.part(line), sentence, line, doc.source.file)

    issue_clause: Clause | None = None
    opening: tuple[dt.date, Clause] | None = None  # "自2021年8月1日起,…" near the start (no 施行 clause needed)
    action_time = False  # the sentence before was the heading "行动时间" / "活动时间"
    start_time = False  # the sentence before was the heading "调整时间" / "执行时间"
    stated: tuple[dt.date, Clause] | None = None  # the start printed under such a heading
    undated: tuple[dt.date, Clause] | None = None  # the start an undated text gives what it sets
    term: tuple[dt.date, Clause] | None = None  # the five-year period its preamble starts what it sets up in
    for number, (sentence, line) in enumerate(_sentences(doc)):
        if opening is None and number < OPENING_SENTENCES and (m := _OPENING_START_RE.search(sentence)) and \
                (day := date_from_match(m)) and (doc.date is None or day >= doc.date):
            opening = day, clause(sentence, line)
        if action_time and (span := _SPAN_RE.search(sentence)) and (end := span_end(span)):
            # the action's own span is the whole document's: it lapses with it
            period.measures.append(Measure(end, clause(sentence, line)))
            period.temporary = True
        action_time = bool(_ACTION_TIME_RE.match(sentence))
        if stated is None and ((start_time and (m := _START_LINE_RE.match(sentence)))
                               or (m := _START_INLINE_RE.match(sentence))) and (day := date_from_match(m)):
            stated = day, clause(sentence, line)
        start_time = bool(_START_TIME_RE.match(sentence))
        if undated is None and doc.date is None and (day := _undated_start(sentence)):
            undated = day, clause(sentence, line)
        if term is None and where.part(line) is None and (end := _term_of_title(sentence, doc.title)):
            term = end, clause(sentence, line)
        if where.part(line) is None and (campaign := _CAMPAIGN_RE.search(sentence)) and (end := span_end(campaign)):
            period.measures.append(Measure(end, clause(sentence, line)))  # the campaign is the whole document's
            period.temporary = True
            continue
        about_self = ((bool(_SELF_RE.search(sentence)) or sentence.startswith(("上述", "以上"))
                       or _names_issued(sentence, doc.title)) and not _SELF_PART_RE.search(sentence))
        if _LAPSES_WHOLE_RE.search(sentence):
            period.temporary = True
        m = _EFFECTIVE_DATE_RE.search(sentence)
        start = date_from_match(m) if m else _effective_month_or_after(sentence, doc.date)
        if start and about_self and period.from_clause is None:
            period.valid_from, period.from_clause = start, clause(sentence, line)
        elif _EFFECTIVE_ISSUE_RE.search(sentence) and about_self and issue_clause is None:
            issue_clause = clause(sentence, line)
        if about_self or m or _EFFECTIVE_ISSUE_RE.search(sentence):
            until = _own_until(sentence)
            if until is not None and period.until_clause is None:
                period.valid_until, period.until_clause = until, clause(sentence, line)
                continue
        for end in _measure_ends(sentence, doc.date, period.temporary):
            period.measures.append(Measure(end, clause(sentence, line)))
    # one sentence read twice (the span under "活动时间" in a temporary notice) is one measure
    seen: set[tuple[dt.date, int]] = set()
    period.measures = [m for m in period.measures
                       if (m.until, m.clause.line) not in seen and not seen.add((m.until, m.clause.line))]
    plan = _PLAN_YEARS_RE.search(doc.title)
    five_year = _FIVE_YEAR_PLAN_RE.search(doc.title)
    if (plan or five_year) and period.until_clause is None:  # the plan's period is the document's
        last = int(re.sub(r"\s+", "", plan["b"])) if plan else _FIVE_YEAR_PLANS[five_year["term"]][1]
        period.valid_until = dt.date(last, 12, 31)
        period.until_clause = Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)
    if term is not None and period.until_clause is None:  # "“十四五”期间…决定实施<what the title names>"
        period.valid_until, period.until_clause = term
    # a start printed under "调整时间" is the document's, before its signature if so (as "本通知自2020年8月1日起执行"
    # in a notice signed on 2020-11-23, hunan-hrss-2020.txt:6021, is) — unless the document says itself from when
    # it is in force: "本通知自印发之日起施行" names the notice, the heading only what the notice adjusts (as
    # "缓缴自2021年11月1日起实施" dates a measure of 渝府办发〔2021〕123号, in force "自公布之日起", chongqing-hrss-
    # 2021.txt:6701/6745)
    if period.from_clause is None and stated is not None and issue_clause is None:
        period.valid_from, period.from_clause = stated
    if period.from_clause is None and doc.date is None and undated is not None:
        period.valid_from, period.from_clause = undated
    if period.from_clause is None and issue_clause is None and opening is not None:
        period.valid_from, period.from_clause = opening
    if period.from_clause is None and issue_clause is not None and doc.date:
        period.valid_from, period.from_clause = doc.date, issue_clause
    if period.from_clause is None and doc.date:
        period.valid_from, period.from_clause = doc.date, _signature_clause(doc)
    if period.valid_until == dt.date.min:  # "有效期N年" counted from a 施行 date read elsewhere
        end = _term_end(period.until_clause.quote, period.valid_from) if period.valid_from else None
        period.valid_until = end
        if end is None:
            period.until_clause = None
    return period


_ISSUED_NAME_RE = re.compile(r"^《(?P<name>[^《》]{2,60})》\s*(?:自|从|有效期)")
_ISSUING_TITLE_RE = re.compile(r"印发(?P<what>.+?)(?:的通知|的决定|的公告)?$")


def _names_issued(sentence: str, title: str) -> bool:
    """Whether a sentence opens with the name of what the notice issues (its title "关于印发…<X>的通知"): "《清单
    (2021年版)》自2021年9月1日起施行" (chongqing-hrss-2021.txt:6131) is that notice's own 施行 clause, as "本办法自…"
    in an issued 办法 is."""
    m = _ISSUED_NAME_RE.match(sentence)
    issuing = _ISSUING_TITLE_RE.search(title)
    if not m or not issuing:
        return False
    name = re.sub(r"[\s“”\"《》()（）]", "", m["name"])
    return len(name) >= 2 and name in re.sub(r"[\s“”\"《》()（）]", "", issuing["what"])


def _undated_start(sentence: str) -> dt.date | None:
    """The day from which an undated text's rule applies: "2020 年 5月之后…应当执行" (the 1st of May), "2020 年 7月
    1日起，以 9339元/月作为…"."""
    m = _UNDATED_START_RE.search(sentence)
    if not m or not 1 <= int(m["m"]) <= 12:
        return None
    try:
        return dt.date(int(re.sub(r"\s+", "", m["y"])), int(m["m"]), int(m["d"]) if m["d"] else 1)
    except ValueError:
        return None


def _term_of_title(sentence: str, title: str) -> dt.date | None:
    """The last day of the five-year period a preamble says the document's own undertaking runs in: "“十四五”
    期间，…决定实施<X>" where X is what the title names (its words, quotes and spaces aside)."""
    m = _DECIDED_FOR_TERM_RE.search(sentence)
    if not m:
        return None
    what = re.sub(r"[\s“”\"《》]", "", m["what"])
    if len(what) < 4 or what not in re.sub(r"[\s“”\"《》]", "", title):
        return None
    return dt.date(_FIVE_YEAR_PLANS[m["before"] or m["within"]][1], 12, 31)


def _effective_month_or_after(sentence: str, signed: dt.date | None) -> dt.date | None:
    """A 施行 date given as a month ("从2020年7月起执行": its first day) or as days after the signature
    ("自公布之日起30日后施行")."""
    m = _EFFECTIVE_MONTH_RE.search(sentence)
    if m and 1 <= int(m["m"]) <= 12:
        return dt.date(int(re.sub(r"\s+", "", m["y"])), int(m["m"]), 1)
    m = _EFFECTIVE_AFTER_RE.search(sentence)
    if m and signed:
        return signed + dt.timedelta(days=int(m["n"]))
    return None


def _own_until(sentence: str) -> dt.date | None:
    """The end a sentence about the document itself gives: an end date, or a term counted from its start."""
    for pattern in (_TERM_UNTIL_RE, _EXEC_UNTIL_RE):
        m = pattern.search(sentence)
        if m:
            return end_from_match(m)
    m = _EXEC_SPAN_RE.search(sentence)
    if m:
        return span_end(m)
    m = _TERM_YEARS_RE.search(sentence)
    if m:
        start = _EFFECTIVE_DATE_RE.search(sentence)
        if start and date_from_match(start):
            return _term_end(sentence, date_from_match(start))
        return dt.date.min  # counted from the 施行 date, known later (see read_period)
    return None


def _term_end(sentence: str, start: dt.date) -> dt.date | None:
    m = _TERM_YEARS_RE.search(sentence)
    if not m:
        return None
    n = cn_int(m["n"])
    return add_years(start, years=n) if m["unit"] == "年" else add_years(start, months=n)


def _measure_ends(sentence: str, signed: dt.date | None, temporary: bool = False) -> list[dt.date]:
    """End dates of measures in one sentence, each once: "…执行期限延长至2020年12月31日", "2020年3月至12月，…发放"."""
    if "年" not in sentence and "月" not in sentence:  # every pattern of the candidates prints one of them
        return []
    return [end for end in dict.fromkeys(_measure_end_candidates(sentence, signed, temporary)) if end]


def _measure_end_candidates(sentence: str, signed: dt.date | None, temporary: bool) -> Iterator[dt.date | None]:
    for pattern in (_MEASURE_UNTIL_RE, _DEADLINE_IS_RE, _FROM_UNTIL_RE, _DEADLINE_MOVED_RE, _FROM_NOW_WINDOW_RE,
                    _DATE_IS_DEADLINE_RE):
        yield from map(end_from_match, pattern.finditer(sentence))
    if not (temporary or _MEASURE_WORDS.search(sentence)):
        return
    for m in _SPAN_RE.finditer(sentence):
        if not _ATTRIBUTIVE_RE.match(sentence, m.end()):  # "应补缴的2021年1月至4月期间的养老保险费": months owed
            end = span_end(m)
            # a span over before the text was signed is the period a grant is counted over ("根据2020年1月24日至
            # 2020年2月9日期间企业在岗人数，…给予企业用工补贴", shandong-2020.txt:411, signed 2020-03-06), not its end
            if end is None or signed is None or end >= signed:
                yield end
    if signed:
        for m in _RANGE_NOYEAR_RE.finditer(sentence):
            month = int(m["m2"])
            if 1 <= int(m["m1"]) <= month <= 12:
                yield month_end(signed.year, month)
    for m in _FROM_FOR_RE.finditer(sentence):
        if 1 <= int(m["m"]) <= 12:
            start = dt.date(int(re.sub(r"\s+", "", m["y"])), int(m["m"]), 1)
            yield add_years(start, months=cn_int(m["n"]))
    yield from map(end_from_match, _BEFORE_RE.finditer(sentence))
    for pattern in (_BEFORE_ACT_RE, _APPLY_BY_RE):
        for m in pattern.finditer(sentence):
            end = end_from_match(m)
            if end and (signed is None or end > signed):  # a window still open when the text was signed
                yield end


# a signature line with 号 for 日: "2021年5月30号" (chongqing-hrss-2021.txt:9927)
_SIGNED_HAO_RE = re.compile(r"^(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*号$")


def _signature_clause(doc: ParsedDocument) -> Clause:
    """The line that prints the date as the basis of "in force since it was signed": the signature date line, or
    the header line under the title ("（鲁人社字〔2020〕72号  2020年6月22日）", shandong-2020.txt:3253), the title
    only when the date is printed nowhere else."""
    from kuaiban.corpus.text import SIGNATURE_LINE_RE

    for p in reversed(doc.paragraphs):
        text = strip_markup(p.text).strip()
        m = SIGNATURE_LINE_RE.match(text) or _SIGNED_HAO_RE.match(text)
        if m and date_from_match(m) == doc.date:
            return Clause(doc.doc_no, doc.title, None, text, p.line, doc.source.file)
    if doc.date_line is not None:
        line, text = doc.date_line
        return Clause(doc.doc_no, doc.title, None, strip_markup(text).strip(), line, doc.source.file)
    return Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)
