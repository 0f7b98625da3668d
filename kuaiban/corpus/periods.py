"""When a document says it is in force, read from its own text.

* **From** (``valid_from``): "自2020年9月1日起施行", "本法自…起施行"; "自印发之日起施行" (and 发布,
  公布) is the signature date; with no such clause, the signature date, cited as the date line.
* **Until** (``valid_until``) of the whole document, only where the sentence speaks of the document
  itself (本通知, 本办法, 本文件 … or follows its 施行 clause): "有效期5年" (from + 5 years − 1 day),
  "有效期至2021年12月31日", "政策执行期限截止2025年12月31日", "本通知执行至2020年12月31日".
* **Measures**: end dates of single measures inside the text: "执行期限延长至2020年12月31日",
  "延长执行到2020年6月底", "受理期限截止到…", "从2020年2月起至6月，免征…", "2020年3月至12月，…可以
  申领". A measure cites the numbered part (一（二）) it is printed in.
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

# a date as the texts print an end: 2020年12月31日, 2020年6月底, 2020年底 / 2020年年底
_END = (rf"(?:{DATE_RE.pattern}|(?P<ey>(?:19|20)\s*\d\s*\d)\s*年\s*(?:(?P<em>\d{{1,2}})\s*月\s*底|年?\s*底))")
_END_RE = re.compile(_END)
_SELF = r"本(?:通知|办法|意见|文件|规定|细则|实施细则|方案|措施|政策措施|政策|决定|实施意见|通告|公告|规则|条例|法|指引|标准)"
# "本通知涉及的补贴政策暂定执行至…": a part of the document, not the document
_SELF_PART_RE = re.compile(rf"{_SELF}(?:涉及的|中的|规定的|所列|明确的)")
_EFFECTIVE_DATE_RE = re.compile(rf"自\s*{DATE_RE.pattern}\s*起?\s*(?:施行|执行|实施|实行|生效)")
_EFFECTIVE_ISSUE_RE = re.compile(r"自\s*(?:印发|发布|公布|颁布|下发|发文)\s*之\s*日\s*起\s*(?:施行|执行|实施|实行|生效)")
_TERM_YEARS_RE = re.compile(rf"有效期\s*(?:为|暂定)?\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*(?P<unit>年|个月)")
_TERM_UNTIL_RE = re.compile(rf"(?:有效期至|有效期截至|有效期到)\s*{_END}")
_EXEC_UNTIL_RE = re.compile(
    rf"(?:执行|实施|有效|施行)(?:期限|期)?\s*(?:延长)?\s*(?:截止到?|截至|至|到)\s*{_END}")
_MEASURE_UNTIL_RE = re.compile(
    rf"(?:执行|实施|受理|申请|申领|补贴|缓缴|减免|享受|发放)(?:期限|期|时间)?\s*(?:可)?(?:延长|顺延|继续)?\s*"
    rf"(?:执行)?\s*(?:截止到?|截至|至|到)\s*{_END}"
)
_RANGE_RE = re.compile(
    r"(?P<y1>(?:19|20)\s*\d\s*\d)\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?:起)?\s*(?:至|到|—|-)\s*"
    r"(?:(?P<y2>(?:19|20)\s*\d\s*\d)\s*年\s*)?(?P<m2>\d{1,2})\s*月(?!\s*\d{1,2}\s*日)"
)
_RANGE_NOYEAR_RE = re.compile(r"从\s*(?P<m1>\d{1,2})\s*月\s*(?:起)?\s*(?:至|到)\s*(?P<m2>\d{1,2})\s*月")
# "自2020年2月起，…可免征…，免征期限不超过5个月": ends with the fifth month
_FROM_FOR_RE = re.compile(
    rf"自\s*(?P<y>(?:19|20)\s*\d\s*\d)\s*年\s*(?P<m>\d{{1,2}})\s*月\s*起[^。；]{{0,120}}?"
    rf"(?:期限)?(?:最长)?不超过\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*个月")
_BEFORE_RE = re.compile(rf"{_END}\s*前\s*[，,]?\s*(?:允许|可|暂缓|企业可|对)")
_MEASURE_WORDS = re.compile(r"减免|免征|减半|缓缴|暂缓|补贴|补助|提高|发放|返还|阶段性|降低|申领|延长|允许")
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
    year = int(re.sub(r"\s+", "", m["ey"]))
    month = int(m["em"]) if m["em"] else 12
    return month_end(year, month) if 1 <= month <= 12 else None


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
    for sentence, line in _sentences(doc):
        about_self = ((bool(re.search(_SELF, sentence)) or sentence.startswith(("上述", "以上")))
                      and not _SELF_PART_RE.search(sentence))
        if _LAPSES_WHOLE_RE.search(sentence):
            period.temporary = True
        m = _EFFECTIVE_DATE_RE.search(sentence)
        if m and about_self and period.from_clause is None:
            period.valid_from, period.from_clause = date_from_match(m), clause(sentence, line)
        elif _EFFECTIVE_ISSUE_RE.search(sentence) and about_self and issue_clause is None:
            issue_clause = clause(sentence, line)
        if about_self or m or _EFFECTIVE_ISSUE_RE.search(sentence):
            until = _own_until(sentence)
            if until is not None and period.until_clause is None:
                period.valid_until, period.until_clause = until, clause(sentence, line)
                continue
        for end in _measure_ends(sentence, doc.date):
            period.measures.append(Measure(end, clause(sentence, line)))
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


def _own_until(sentence: str) -> dt.date | None:
    """The end a sentence about the document itself gives: an end date, or a term counted from its start."""
    for pattern in (_TERM_UNTIL_RE, _EXEC_UNTIL_RE):
        m = pattern.search(sentence)
        if m:
            return end_from_match(m)
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


def _measure_ends(sentence: str, signed: dt.date | None) -> Iterator[dt.date]:
    """End dates of measures in one sentence: "…执行期限延长至2020年12月31日", "2020年3月至12月，…发放"."""
    seen: set[dt.date] = set()
    for m in _MEASURE_UNTIL_RE.finditer(sentence):
        end = end_from_match(m)
        if end and end not in seen:
            seen.add(end)
            yield end
    if _MEASURE_WORDS.search(sentence):
        for m in _RANGE_RE.finditer(sentence):
            y1 = int(re.sub(r"\s+", "", m["y1"]))
            y2 = int(re.sub(r"\s+", "", m["y2"])) if m["y2"] else y1
            month = int(m["m2"])
            if 1 <= month <= 12 and (y2, month) >= (y1, int(m["m1"])):
                end = month_end(y2, month)
                if end not in seen:
                    seen.add(end)
                    yield end
        if signed:
            for m in _RANGE_NOYEAR_RE.finditer(sentence):
                month = int(m["m2"])
                if 1 <= int(m["m1"]) <= month <= 12:
                    end = month_end(signed.year, month)
                    if end not in seen:
                        seen.add(end)
                        yield end
        for m in _FROM_FOR_RE.finditer(sentence):
            start = month_end(int(re.sub(r"\s+", "", m["y"])), int(m["m"])) if 1 <= int(m["m"]) <= 12 else None
            if start:
                end = add_years(start.replace(day=1), months=cn_int(m["n"]))
                if end not in seen:
                    seen.add(end)
                    yield end
        for m in _BEFORE_RE.finditer(sentence):
            end = end_from_match(m)
            if end and end not in seen:
                seen.add(end)
                yield end


def _signature_clause(doc: ParsedDocument) -> Clause:
    """The signature date line as the basis of "in force since it was signed"."""
    from kuaiban.corpus.text import DATE_LINE_RE

    for p in reversed(doc.paragraphs):
        text = strip_markup(p.text).strip()
        m = DATE_LINE_RE.match(text)
        if m and date_from_match(m) == doc.date:
            return Clause(doc.doc_no, doc.title, None, text, p.line, doc.source.file)
    return Clause(doc.doc_no, doc.title, None, doc.title, doc.source.start_line, doc.source.file)
