"""When a document says it is in force, read from its own text.

* **From** (``valid_from``): "自2020年9月1日起施行", "本法自…起施行", "本《通知》自…起实施", "…起正式施行",
  "从2020年7月起执行" (the month's first day), "自公布之日起30日后施行" (the signature date and 30 days);
  "自印发之日起施行" (and 发布, 公布) is the signature date; with no such clause, a start the notice opens its
  operative part with ("自2021年8月1日起,…职责统一至…"), else the signature date, cited as the date line.
* **Until** (``valid_until``) of the whole document, only where the sentence speaks of the document
  itself (本通知, 本办法, 本文件 … or follows its 施行 clause): "有效期5年" (from + 5 years − 1 day),
  "有效期至2021年12月31日", "政策执行期限截止2025年12月31日", "本通知执行至2020年12月31日".
* **Measures**: end dates of single measures inside the text: "执行期限延长至2020年12月31日",
  "延长执行到2020年6月底", "受理期限截止到…", "从2020年2月起至6月，免征…", "2020年3月至12月，…可以
  申领", "实施期限延至2021年12月", "延续实施1年至…", "该项政策截止时间为…", "自通知印发之日至…"; in a
  阶段性 document any dated span ("从2020年5月1日至2021年4月30日，…费率下调20%"); not months named as what is
  owed ("应补缴的2021年1月至4月期间的养老保险费"). A measure cites the numbered part (一（二）) it is printed in.
* **Actions**: the span under a "行动时间" / "活动时间" heading is the whole document's: it lapses with it.
* **Plans**: a 规划, 纲要, 计划 or 方案 whose title gives its years ("…规划(2021—2025年)") or its five-year
  period ("…“十四五”规划": 2021–2025) ends with the last of them, unless its text says otherwise.
* **Campaigns**: a notice that says, before its numbered parts, that it organises a campaign over a span
  ("决定于2021年2月上旬至3月下旬…开展…专项工作") lapses with it.
* **Temporary**: a document that is itself a time-limited measure (阶段性 / 临时 / 延长…期限 in the
  title, or "具体政策实施期满失效") lapses as a whole when its last measure ends.

Each finding carries a :class:`Clause`: the 文号, the part, the verbatim sentence and its line. What
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
# (shandong-2020.txt:4106): the end of the provision that sentence makes
_DEADLINE_IS_RE = re.compile(
    rf"(?:(?:截止|截至)(?:时间|日期)\s*(?:为|是)|(?:自|从)[^，。；,]{{0,10}}?(?:印发|发布|公布|下发)\s*之\s*日\s*(?:起)?\s*"
    rf"(?:至|到))\s*{_END}")
_RANGE_NOYEAR_RE = re.compile(r"从\s*(?P<m1>\d{1,2})\s*月\s*(?:起)?\s*(?:至|到)\s*(?P<m2>\d{1,2})\s*月")
# "自2020年2月起，…可免征…，免征期限不超过5个月": ends with the fifth month
_FROM_FOR_RE = re.compile(
    rf"自\s*(?P<y>(?:19|20)\s*\d\s*\d)\s*年\s*(?P<m>\d{{1,2}})\s*月\s*起[^。；]{{0,120}}?"
    rf"(?:期限)?(?:最长)?不超过\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*个月")
_BEFORE_RE = re.compile(rf"{_END}\s*前\s*[，,]?\s*(?:允许|可|暂缓|企业可|对|进行补缴|补缴|办理补缴)")
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


class PartLocator:
    """Which part (第X条 or 一（二）) holds a line of the document."""

    def __init__(self, doc: ParsedDocument) -> None:
        spans: list[tuple[int, int, str]] = []
        for a in doc.articles:
            spans.append((a.line, a.end_line or a.line, f"{a.attachment or ''}第{a.number}条"))
        for u in doc.units:
            if not u.label.startswith("第"):  # paragraph units ("第N段") are no parts to cite
                spans.append((u.line, u.end_line, f"{u.attachment or ''}{u.label}"))
        self._spans = sorted(spans, key=lambda s: (s[0], -s[1]))

    def part(self, line: int) -> str | None:
        best = None
        for start, end, label in self._spans:
            if start > line:
                break
            if start <= line <= end:
                best = label  # the latest start wins: the most specific part
        return best


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
    for number, (sentence, line) in enumerate(_sentences(doc)):
        if opening is None and number < OPENING_SENTENCES and (m := _OPENING_START_RE.search(sentence)) and \
                (day := date_from_match(m)) and (doc.date is None or day >= doc.date):
            opening = day, clause(sentence, line)
        if action_time and (span := _SPAN_RE.search(sentence)) and (end := span_end(span)):
            # the action's own span is the whole document's: it lapses with it
            period.measures.append(Measure(end, clause(sentence, line)))
            period.temporary = True
        action_time = bool(_ACTION_TIME_RE.match(sentence))
        if where.part(line) is None and (campaign := _CAMPAIGN_RE.search(sentence)) and (end := span_end(campaign)):
            period.measures.append(Measure(end, clause(sentence, line)))  # the campaign is the whole document's
            period.temporary = True
            continue
        about_self = ((bool(re.search(_SELF, sentence)) or sentence.startswith(("上述", "以上")))
                      and not _SELF_PART_RE.search(sentence))
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
    plan = _PLAN_YEARS_RE.search(doc.title)
    five_year = _FIVE_YEAR_PLAN_RE.search(doc.title)
    if (plan or five_year) and period.until_clause is None:  # the plan's period is the document's
        last = int(re.sub(r"\s+", "", plan["b"])) if plan else _FIVE_YEAR_PLANS[five_year["term"]][1]
        period.valid_until = dt.date(last, 12, 31)
        period.until_clause = Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)
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
    return [end for end in dict.fromkeys(_measure_end_candidates(sentence, signed, temporary)) if end]


def _measure_end_candidates(sentence: str, signed: dt.date | None, temporary: bool) -> Iterator[dt.date | None]:
    for pattern in (_MEASURE_UNTIL_RE, _DEADLINE_IS_RE, _FROM_UNTIL_RE, _DEADLINE_MOVED_RE):
        yield from map(end_from_match, pattern.finditer(sentence))
    if not (temporary or _MEASURE_WORDS.search(sentence)):
        return
    for m in _SPAN_RE.finditer(sentence):
        if not _ATTRIBUTIVE_RE.match(sentence, m.end()):  # "应补缴的2021年1月至4月期间的养老保险费": months owed
            yield span_end(m)
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


def _signature_clause(doc: ParsedDocument) -> Clause:
    """The signature date line as the basis of "in force since it was signed"."""
    from kuaiban.corpus.text import SIGNATURE_LINE_RE

    for p in reversed(doc.paragraphs):
        text = strip_markup(p.text).strip()
        m = SIGNATURE_LINE_RE.match(text)
        if m and date_from_match(m) == doc.date:
            return Clause(doc.doc_no, doc.title, None, text, p.line, doc.source.file)
    return Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)
