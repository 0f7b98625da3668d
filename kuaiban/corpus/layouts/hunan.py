"""Layout parser for 湖南省人社厅《人力资源社会保障法规政策汇编 2020》 (hunan-hrss-2020.txt).

The extraction is markdown-like: ``#`` … ``#####`` mark headings, but the
levels are not reliable (a document title, 一、总体要求 and 附件 1 may all be
``#`` or ``##``), so headings alone cannot cut the file into documents. What is
reliable is the 文号 printed alone on the line under every title (or, for
laws and ministerial orders, the 令 and its 第N号 on two lines). Each such
*anchor* starts a document; the title is the block of lines just above it
(a ``#`` heading, a ``**bold**`` block or hard-wrapped plain lines). See
docs/parsing-hunan.md for the decisions (documents printed twice etc.).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kuaiban.corpus.docno import normalize
from kuaiban.corpus.layouts import TocEntry
from kuaiban.corpus.markup import html_to_text
from kuaiban.corpus.model import Paragraph, RawDocument, SourceSpan
from kuaiban.corpus.text import DATE_LINE_RE, date_from_match, squeeze, unspace_cjk

# The compilation's five sections; the body prints 社会保险 with a Japanese 険.
SECTIONS = {"综合": "综合", "就业": "就业", "社会保险": "社会保险", "社会保険": "社会保险",
            "人才人事": "人才人事", "劳动关系": "劳动关系"}

_HEADING = re.compile(r"^\s*(#{1,6})\s*")
_BOLD_ONLY = re.compile(r"^\s*\*\*(?P<inner>[^*]+?)\*\*\s*$")
# Markers that open a new paragraph: a line starting with one never continues the previous one.
_MARKER = re.compile(
    r"^\s*(?:#|\*\*|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|\d{1,3}\s*[.．、](?!\d)|第\s*[一二三四五六七八九十百零\d]{1,6}\s*[条章节]|附\s*件|附表|注\s*[:：\d]"
    r"|——|-\s|[①-⑳]|\t|[（(]此件|[（(]联系|[（(]主动)"
)
# "联系电话：…", "办理方：…": a short label opens its own line.
_LABEL = re.compile(r"^[\u4e00-\u9fff]{1,6}[：:]")
_TERMINAL = "。；;！!？?：:…）)"
_SENTENCE_PUNCT = re.compile(r"[。，；：、,;:！？]")
# Ends of organ names (机关): used to recognise issuer lines and to split "财政部国家卫生健康委".
_ORGAN_END = re.compile(r"(?:部|厅|局|署|办|委|会|院|联|集团|中央|办公室|司|中心|政府|银保监会)$")
_NAME_START = ("湖南省", "国家", "国务院", "中共", "中国", "中央", "人力资源", "财政", "民政", "教育部",
               "司法", "农业", "文化", "商务", "全国", "住房", "交通", "水利", "自然", "公安", "审计",
               "银保监", "共青团", "统计", "档案", "国家卫生", "中华人民共和国")
_KEEP_TOGETHER = ("国家税务总局湖南省税务局",)
_AND = re.compile(r"(?<=[\u4e00-\u9fff]) ?and ?(?=[\u4e00-\u9fff])")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")  # markdown horizontal rules


# ---------------------------------------------------------------- line helpers

def _heading_level(line: str) -> int:
    m = _HEADING.match(line)
    return len(m.group(1)) if m else 0


def _clean_inline(text: str) -> str:
    """Drop the markdown the extraction left inside a line (cells included); its HTML becomes text, one
    paragraph or list item a line (kuaiban.corpus.markup)."""
    text = html_to_text(text)
    text = text.replace("**", "").replace("\\*", "*").replace("\\_", "_")
    # The extraction turned 15 conjunctions 和 into English ("保护 and 修复"); between two
    # Chinese characters "and" can only be that.
    return _AND.sub("和", text)


_NUMBERED_HEAD = re.compile(r"^\s*(?:\*\*)?\s*(第\s*[一二三四五六七八九十百零〇\d]{1,6}\s*[条章节])\s*(?:\*\*)?(?=[\s　])")


def _plain(line: str) -> str:
    """A line as clean text: heading marks, bold and letter-spacing removed.

    The space after a leading 第X条/章/节 is kept: it is what tells an article
    heading from running text that happens to start with "第三条规定".
    """
    line = _HEADING.sub("", line)
    m = _NUMBERED_HEAD.match(line)
    if m:
        rest = unspace_cjk(_clean_inline(line[m.end():]))
        head = squeeze(m.group(1))
        return f"{head} {rest}" if rest else head
    return unspace_cjk(_clean_inline(line))


_CELL_SPACE = re.compile(r"[^\S\n]+")  # the line breaks between a cell's paragraphs or list items stay
_LETTER_SPACING = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff\d])")
_NUMBER_SPACE = re.compile(r"(?<![\d.])(\d+) (?=[\u4e00-\u9fff%])")


def _clean_cell(cell: str) -> str:
    # Cells keep the space between an item code and its name ("1.6.1 职工正常退休申请");
    # only spaces between two CJK characters (letter spacing) go.
    cell = _CELL_SPACE.sub(" ", _clean_inline(cell)).strip()
    cell = _LETTER_SPACING.sub("", cell)
    return _NUMBER_SPACE.sub(r"\1", cell)  # "45 个工作日", not "1.6.1 职工"


def _section_name(line: str) -> str | None:
    if _heading_level(line) == 0:
        return None
    return SECTIONS.get(squeeze(_HEADING.sub("", line)))


def _is_date_line(text: str) -> bool:
    return bool(DATE_LINE_RE.match(text))


def _is_signature_like(text: str) -> bool:
    """An issuer line under a notice: short, no sentence punctuation, ends like an organ name."""
    t = text.strip()
    return (0 < len(t) <= 40 and not _SENTENCE_PUNCT.search(t) and not _is_date_line(t)
            and bool(_ORGAN_END.search(t)) and not _MARKER.match(t))


# ---------------------------------------------------------------- issuers

def split_issuers(text: str) -> list[str]:
    """Split an issuer line or title prefix into organ names.

    >>> split_issuers("湖南省人力资源和社会保障厅湖南省财政厅")
    ['湖南省人力资源和社会保障厅', '湖南省财政厅']
    >>> split_issuers("财 政 部")
    ['财政部']
    """
    text = _clean_inline(text).replace("\u3000", " ").strip()
    tokens = text.split()
    if tokens and sum(len(t) == 1 for t in tokens) > len(tokens) / 2:
        tokens = ["".join(tokens)]  # letter-spaced: 国 家 卫 生 健 康 委
    names: list[str] = []
    for token in tokens:
        names.extend(_split_glued(token))
    return [n for n in names if n]


def _split_glued(s: str) -> list[str]:
    """Cut names printed without a space between them (人力资源社会保障部国务院扶贫办)."""
    out: list[str] = []
    protected = [(m.start(), m.end()) for k in _KEEP_TOGETHER for m in re.finditer(re.escape(k), s)]
    start = 0
    for i in range(1, len(s)):
        head, rest = s[start:i], s[i:]
        if not _ORGAN_END.search(head) or not rest.startswith(_NAME_START):
            continue
        if any(a < i < b for a, b in protected):
            continue
        out.append(head)
        start = i
    out.append(s[start:])
    return out


def _join_split_names(names: list[str]) -> list[str]:
    """"国家税务总局" over "湖南省税务局" on the next line is one body, the provincial tax bureau."""
    out: list[str] = []
    for name in names:
        if out and out[-1] == "国家税务总局" and name.endswith("税务局"):
            out[-1] += name
        else:
            out.append(name)
    return out


def _issuers_from_title(title: str) -> list[str]:
    m = re.match(r"^(.*?)(?:关于|印发)", title)
    if not m or not m.group(1):
        return []
    names = _split_glued(m.group(1))
    return names if all(_ORGAN_END.search(n) for n in names) else []


_ORDER_ISSUERS = {"中华人民共和国主席令": "中华人民共和国主席", "人力资源社会保障部令": "人力资源社会保障部"}


# ---------------------------------------------------------------- table of contents

_TOC_ITEM = re.compile(r"^\s*(\d{1,3})\s*[.．]\s*(.*)$")
_TOC_PAGE = re.compile(r"[.．…·]{2,}\s*[(（]\s*(\d+)\s*[)）]\s*$")
_TOC_DOCNO = re.compile(r"[(（]([^()（）]*?号)[)）]\s*$")


def toc(lines: list[str]) -> list[TocEntry]:
    """Every numbered entry of the 目录 (lines 12–180): entries wrap over lines,
    continuation lines may start with "- ", and end with dotted leaders and the page."""
    entries: list[TocEntry] = []
    start = next((i for i, ln in enumerate(lines) if squeeze(_HEADING.sub("", ln)) == "目录"), None)
    if start is None:
        return entries
    section: str | None = None
    pending: tuple[int, list[str]] | None = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        name = _section_name(line)
        if name and _heading_level(line) == 1:
            break  # the body's first section heading ends the TOC
        if name:
            section = name
            continue
        if not line.strip():
            continue
        item = _TOC_ITEM.match(line)
        if item and pending is None:
            pending = (i + 1, [item.group(2).strip()])
        elif pending is not None:
            pending[1].append(re.sub(r"^\s*-\s+", "", line).strip())
        else:
            continue
        text = "".join(pending[1])
        page = _TOC_PAGE.search(text)
        if page:
            entries.append(_toc_entry(text[: page.start()], int(page.group(1)), section, pending[0]))
            pending = None
    return entries


def _toc_entry(text: str, page: int, section: str | None, line: int) -> TocEntry:
    text = text.strip()
    m = _TOC_DOCNO.search(text)
    doc_no = normalize(m.group(1)) if m else None
    title = text[: m.start()] if m and doc_no else text
    return TocEntry(title=unspace_cjk(title), doc_no=doc_no, section=section, page=page, line=line)


# ---------------------------------------------------------------- cutting the body into documents

@dataclass
class _Anchor:
    doc_no: str
    title_start: int  # 0-based line indexes
    no_start: int
    no_end: int
    category: str | None = None
    end: int = 0
    reprints: list[int] = field(default_factory=list)


def _body_start(lines: list[str]) -> int:
    """The first level-1 section heading after the 目录 (the TOC uses level 2)."""
    for i, line in enumerate(lines):
        if _heading_level(line) == 1 and _section_name(line):
            return i
    return 0


def _next_nonblank(lines: list[str], i: int, limit: int = 3) -> int | None:
    for j in range(i + 1, min(len(lines), i + 1 + limit)):
        if lines[j].strip():
            return j
    return None


def _docno_at(lines: list[str], i: int) -> tuple[str, int] | None:
    """A 文号 printed alone on line i, or an order (…令 / 第N号) over two lines."""
    s = _plain(lines[i])
    if not s or len(s) > 40:
        return None
    found = normalize(s)
    if found:
        return found, i
    if s.endswith("令"):
        j = _next_nonblank(lines, i)
        if j is not None and len(_plain(lines[j])) <= 12:
            found = normalize(s + _plain(lines[j]))
            if found:
                return found, j
    return None


def _block_above(lines: list[str], i: int, floor: int) -> tuple[int, int] | None:
    """The run of consecutive non-blank lines ending above line i (blank lines skipped)."""
    j = i - 1
    while j >= floor and not lines[j].strip():
        j -= 1
    if j < floor:
        return None
    end = j
    while j - 1 >= floor and lines[j - 1].strip():
        j -= 1
    return j, end


def _title_start(lines: list[str], no_start: int, floor: int) -> int | None:
    block = _block_above(lines, no_start, floor)
    if block is None:
        return None
    start, end = block
    text = "".join(_plain(lines[k]) for k in range(start, end + 1))
    if not text or "。" in text or _section_name(lines[start]):
        return None
    # "# 人力资源社会保障部 财政部" / "## 关于2020年调整…的通知": issuers printed as their own heading.
    if text.startswith("关于"):
        above = _block_above(lines, start, floor)
        if above:
            raw = [lines[k] for k in range(above[0], above[1] + 1)]
            joined = "".join(_plain(r) for r in raw)
            marked = bool(_heading_level(raw[0]) or raw[0].strip().startswith("**"))
            if marked and not _section_name(raw[0]) and split_issuers(" ".join(_plain(r) for r in raw)) \
                    and _ORGAN_END.search(joined) and not _SENTENCE_PUNCT.search(joined):
                return above[0]
    return start


def _anchors(lines: list[str], start: int) -> list[_Anchor]:
    anchors: list[_Anchor] = []
    category: str | None = None
    floor = start
    i = start
    while i < len(lines):
        name = _section_name(lines[i])
        if name and _heading_level(lines[i]) == 1:
            category, floor = name, i + 1
            i += 1
            continue
        found = _docno_at(lines, i)
        if found:
            title_start = _title_start(lines, i, floor)
            if title_start is not None:
                anchors.append(_Anchor(found[0], title_start, i, found[1], category))
                floor = found[1] + 1
                i = found[1] + 1
                continue
        i += 1
    return anchors


def _set_ends(lines: list[str], anchors: list[_Anchor], start: int) -> None:
    """Each document runs to the line before the next title or section heading."""
    section_lines = [i for i in range(start, len(lines))
                     if _heading_level(lines[i]) == 1 and _section_name(lines[i])]
    for k, a in enumerate(anchors):
        limit = anchors[k + 1].title_start if k + 1 < len(anchors) else len(lines)
        limit = min([limit, *[s for s in section_lines if s > a.no_end]])
        end = limit - 1
        while end > a.no_end and not lines[end].strip():
            end -= 1
        a.end = end


def _fold_reprints(anchors: list[_Anchor]) -> list[_Anchor]:
    """A document printed twice in a row (same 文号) is one document: the span covers both
    printings, the text is the first printing's."""
    kept: list[_Anchor] = []
    for a in anchors:
        if kept and kept[-1].doc_no == a.doc_no:
            kept[-1].reprints.append(a.title_start)
            kept[-1].end = a.end
            continue
        kept.append(a)
    return kept


# ---------------------------------------------------------------- paragraphs

@dataclass
class _Item:
    text: str
    line: int
    heading: bool = False
    table: bool = False
    gap: int = 0  # blank lines before it
    end: int = 0  # the last source line joined into it (0: its own line only)


def _line_item(raw: str, line_no: int, gap: int) -> _Item | None:
    if "\t" in raw:
        cells = [_clean_cell(c) for c in raw.split("\t")]
        if not any(cells):
            return None
        return _Item("\t".join(cells), line_no, table=True, gap=gap)
    level = _heading_level(raw)
    bold = _BOLD_ONLY.match(raw)
    text = re.sub(r"^\s*-\s+", "", raw) if not level else raw
    text = _plain(text)
    if not text:
        return None
    heading = bool(level) or bool(bold and len(text) <= 60)
    return _Item(text, line_no, heading=heading, gap=gap)


def _starts_new(prev: _Item, cur: _Item, raw_prev: str, raw_cur: str) -> bool:
    """Whether ``cur`` opens a paragraph rather than continuing ``prev``."""
    if prev.heading or cur.heading or prev.table or cur.table:
        return True
    if _MARKER.match(raw_cur) or re.match(r"^\s*-\s", raw_cur) or _LABEL.match(cur.text):
        return True
    if prev.text.endswith(("_", "×")) or cur.text.startswith(("_", "×")):
        return True  # blanks of a form to fill in
    if _is_date_line(cur.text) or _is_date_line(prev.text):
        return True
    if _is_signature_like(prev.text) or _is_signature_like(cur.text):
        return True
    if prev.text[-1] in _TERMINAL:
        return True
    # a short label ("(二) 申请人") above its value
    return bool(cur.gap and len(prev.text) < 15)


def paragraphs(lines: list[str], first: int, last: int) -> list[Paragraph]:
    """Logical paragraphs of lines[first..last] (0-based, inclusive): hard wraps and
    page-break splits joined, headings flagged, table rows kept as tab-separated cells."""
    items: list[tuple[_Item, str]] = []
    gap = 0
    for i in range(first, last + 1):
        raw = lines[i]
        if not raw.strip() or _RULE.match(raw):
            gap += 1
            continue
        item = _line_item(raw, i + 1, gap)
        gap = 0
        if item is None:
            continue
        if items and not _starts_new(items[-1][0], item, items[-1][1], raw):
            prev = items[-1][0]
            prev.text = prev.text + item.text
            prev.end = item.line
            items[-1] = (prev, raw)
            continue
        items.append((item, raw))
    return [Paragraph(text=it.text, line=it.line, heading=it.heading, end_line=it.end or None) for it, _ in items]


def _merge_split_rows(paras: list[Paragraph]) -> list[Paragraph]:
    """A table row cut by a page break continues under the repeated header with the same
    序号 (the 10 bundles: row 6 创业, line 705, goes on with ⑫ … at 708 under the header repeated at 707): its
    cells are appended to the row, which then ends on the continuation's line, and the repeated header between
    its halves is dropped (the row's lines 705–708 hold it; the body would print it after the joined row)."""
    out: list[Paragraph] = []
    header: list[str] | None = None
    last_row: Paragraph | None = None
    after_repeat = False
    for p in paras:
        if "\t" not in p.text:
            out.append(p)
            header, last_row, after_repeat = None, None, False
            continue
        cells = p.text.split("\t")
        if header is None or (last_row is None and not after_repeat):
            header = header or cells
        if cells == header:
            after_repeat = last_row is not None
            out.append(p)
            continue
        prev = last_row.text.split("\t") if last_row else None
        if after_repeat and prev and cells[0] and cells[0] == prev[0] and len(cells) == len(prev):
            merged = [a if not b or a == b else (b if not a else f"{a} {b}") for a, b in zip(prev, cells, strict=True)]
            last_row.text = "\t".join(merged)
            last_row.end_line = p.last_line
            while out and out[-1] is not last_row and out[-1].text.split("\t") == header:
                out.pop()  # the header repeated between the row's halves
            after_repeat = False
            continue
        after_repeat = False
        last_row = p
        out.append(p)
    return out


def _cut_reprint(paras: list[Paragraph], title: str) -> list[Paragraph]:
    """Drop a second printing of the whole document that follows without its own 文号:
    the title heading again, followed by the same first paragraph (人社厅发〔2020〕110号).
    A law's title printed again over its text (after the 主席令) is not a reprint."""
    key = squeeze(title)
    first_body = next((p.text for p in paras if not p.heading), None)
    for k, p in enumerate(paras):
        if k and p.heading and squeeze(p.text) == key:
            nxt = next((q.text for q in paras[k + 1:] if not q.heading), None)
            if nxt is not None and nxt == first_body:
                return paras[:k]
    return paras


_LIST_ITEM = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*(.+)$")


def _label_attachments(paras: list[Paragraph]) -> list[Paragraph]:
    """Help the shared attachment detection with two habits of this compilation.

    * "附件:" alone over the attachment's title heading is a one-attachment label,
      not the notice's list of attachments: the colon is dropped.
    * An attachment printed under its title only, without its "附件 N" label, gets the
      label its notice's own list gives it ("附件：1. … 2. “提速办”服务事项备选清单"),
      as a separate paragraph on the heading's line. Nothing else is labelled.
    """
    out: list[Paragraph] = []
    listed: dict[str, int] = {}
    labelled = {int(m.group(1)) for p in paras if (m := re.fullmatch(r"附\s*件\s*(\d+)", p.text))}
    for k, p in enumerate(paras):
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if re.fullmatch(r"附件\s*[:：]", p.text) and nxt is not None and nxt.heading \
                and not _LIST_ITEM.match(nxt.text):
            out.append(Paragraph("附件", p.line, p.heading, p.end_line))
            continue
        if re.fullmatch(r"附件\s*[:：]", p.text):
            for q in paras[k + 1:]:
                m = _LIST_ITEM.match(q.text)
                if not m:
                    break
                listed[_title_key(m.group(2))] = int(m.group(1))
        number = listed.get(_title_key(p.text)) if p.heading else None
        if number is not None and number not in labelled:
            labelled.add(number)
            out.append(Paragraph(f"附件{number}", p.line, True))
        out.append(p)
    return out


def _title_key(text: str) -> str:
    return re.sub(r"[\s《》“”\"（）()·、]", "", text)


# ---------------------------------------------------------------- header fields

def _signature(paras: list[Paragraph]) -> tuple[list[str], int | None]:
    """Issuers and the index of the signature date: the first date line with issuer lines above it.

    Cover notices sign before the measures they print, so the first such date is taken,
    not the last one.
    """
    for k, p in enumerate(paras):
        if p.heading or not _is_date_line(p.text):
            continue
        names: list[str] = []
        j = k - 1
        while j >= 0 and _is_signature_like(paras[j].text) and not paras[j].heading and k - j <= 8:
            names = split_issuers(paras[j].text) + names
            j -= 1
        if names:
            return _join_split_names(names), k
    return [], None


def _build(lines: list[str], a: _Anchor, file: str) -> RawDocument:
    title_lines = [lines[k] for k in range(a.title_start, a.no_start)]
    title = "".join(_plain(t) for t in title_lines if t.strip())
    paras = paragraphs(lines, a.no_end + 1, a.end)
    paras = _cut_reprint(paras, title)
    if a.reprints:
        paras = [p for p in paras if p.line <= a.reprints[0]]
    paras = _merge_split_rows(_label_attachments(paras))
    issuers, date_at = _signature(paras)
    date = date_from_match(DATE_LINE_RE.match(paras[date_at].text)) if date_at is not None else None
    order = next((v for k, v in _ORDER_ISSUERS.items() if a.doc_no.startswith(k)), None)
    if order:
        # the order is signed by name ("中华人民共和国主席 习近平"): the office is stored, and
        # the date is the order's own date line, printed before the law's text
        issuers = [order]
        date = next((date_from_match(m) for p in paras[:8] if (m := DATE_LINE_RE.match(p.text))), date)
    if not issuers:
        issuers = _issuers_from_title(title)
    return RawDocument(
        title=title,
        paragraphs=paras,
        source=SourceSpan(file, a.title_start + 1, a.end + 1),
        doc_no=a.doc_no,
        issuers=issuers,
        date=date,
        category=a.category,
    )


def parse(lines: list[str], file: str) -> list[RawDocument]:
    start = _body_start(lines)
    anchors = _anchors(lines, start)
    _set_ends(lines, anchors, start)
    return [_build(lines, a, file) for a in _fold_reprints(anchors)]
