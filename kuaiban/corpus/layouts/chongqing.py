"""Layout parser for the Chongqing compilation (chongqing-hrss-2021.txt).

重庆市人力资源和社会保障法规政策文件汇编（劳动就业和社会保障分册）2021 prints
a table of contents (目录) of 226 entries in 7 sections (一、综合类 … 七、人力社保法治)
with sub-headings (“放管服”改革, 工资福利, 基本养老保险 …), then the documents in
the same order. A document opens with an issuer/title/number block::

    重庆市人力资源和社会保障局        ← issuer lines, possibly letter-spaced
    重 庆 市 财 政 局
    关于培育更加充分更高质量就业基地的通知   ← title, possibly split over lines
    渝人社〔2021〕351号                ← 文号 on its own line
    各区县(自治县)人力社保局、财政局:   ← addressees, then the text

and closes with a signature block (issuer lines, then the date). Laws and
central documents have no 文号 and carry "(…通过)" or "(2021年12月21日)"
under the title. The text is hard-wrapped at page width with a blank line
after every line.

The table of contents is the map: every entry is located in the body (by its
文号 line, else by its title), and a document runs until the next one starts.
See docs/parsing-chongqing.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kuaiban.corpus.docno import normalize
from kuaiban.corpus.layouts import TocEntry
from kuaiban.corpus.markup import has_markup, html_to_text
from kuaiban.corpus.model import Paragraph, RawDocument, SourceSpan
from kuaiban.corpus.text import DATE_LINE_RE, DATE_RE, date_from_match, squeeze, unspace_cjk

# ---------------------------------------------------------------------------
# table of contents

_SECTION_RE = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]+)\s*、\s*(?P<name>\S.{0,12}?)\s*$")
# A TOC line ending in its page number: "…通知\t103", "人社部发[2021]47号108", ".....763".
_PAGE_RE = re.compile(r"^(?P<text>.*?)[\s.…]*(?P<page>\d{1,4})\s*$")
# Words a document title ends with; a short TOC line ending otherwise is a sub-heading.
_TITLE_END_RE = re.compile(
    r"(通知|意见|办法|规定|决定|法|条例|公告|公报|通报|复函|方案|纲要|规划|数据|函|细则|指引|标准|目录|计划|"
    r"规则|意见书|说明|批复|令|号|协定|协议|章程|清单|要点|大纲|指南|范本|规程)[》”」)）]*$"
)
# 公告 numbered by year only ("2021年第18号") under a joint 公告 title.
_YEAR_NUMBER_RE = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年\s*第\s*(?P<num>\d{1,4})\s*号$")


def section_name(heading: str) -> str:
    """The category name of a section heading: ``一、综合类`` → ``综合``, ``五、社会保険`` → ``社会保险``."""
    m = _SECTION_RE.match(heading)
    name = m["name"] if m else heading
    name = squeeze(name).replace("険", "险")
    return name[:-1] if name.endswith("类") else name


def _is_section(line: str) -> bool:
    m = _SECTION_RE.match(line)
    return bool(m) and not any(c in m["name"] for c in "，,。；")


def _is_docno(text: str) -> bool:
    return bool(normalize(text)) or bool(_YEAR_NUMBER_RE.match(squeeze(text)))


def _split_trailing_docno(text: str) -> tuple[str, str | None]:
    """"…的决定 〔五届〕第 154 号" → ("…的决定", "〔五届〕第 154 号"): the shortest 文号 after a space."""
    spaces = [m.start() for m in re.finditer(r"\s", text)]
    for k in reversed(spaces):
        tail = text[k + 1 :].strip()
        if tail and normalize(tail):
            return text[:k].strip(), tail
    return text, None


def joint_notice_number(title: str, number: str) -> str | None:
    """A joint 公告 numbered "2021年第18号" is cited under its first issuer: 财政部公告〔2021〕18号."""
    m = _YEAR_NUMBER_RE.match(squeeze(number))
    if not m:
        return None
    issuers = split_issuers(title.split("关于")[0]) if "关于" in title else []
    if not issuers:
        return None
    return normalize(f"{issuers[0]}公告{m['year']}年第{m['num']}号")


def canonical_docno(text: str, title: str = "") -> str | None:
    """Normalised 文号 of a number line, with the compilation's own spellings unified."""
    s = squeeze(text).strip("()（）")
    found = normalize(s)
    if found is None and title:
        found = joint_notice_number(title, s)
    if found and found.startswith("中华人民共和国国务院令"):
        # The TOC prints 国务院令第741号, the body 中华人民共和国国务院令 / 第741号.
        found = found.removeprefix("中华人民共和国")
    if found and found.startswith("市政府令"):
        # 市政府令 is this compilation's short form of 重庆市人民政府令 (both are printed).
        found = "重庆市人民政府令" + found.removeprefix("市政府令")
    return found


def _clean_title(text: str) -> str:
    return unspace_cjk(text.replace("**", "")).strip()


def toc(lines: list[str]) -> list[TocEntry]:
    """The 226 entries of the table of contents, with the section or sub-heading as ``section``."""
    start, end = _toc_bounds(lines)
    entries: list[TocEntry] = []
    category: str | None = None
    pending: list[tuple[int, str]] = []  # title lines of the entry being read
    nonblank = [(i, lines[i].strip()) for i in range(start, end) if lines[i].strip()]
    for pos, (i, text) in enumerate(nonblank):
        if _is_section(text):
            category = section_name(text)
            pending = []
            continue
        m = _PAGE_RE.match(text)
        head = m["text"].rstrip("\t .…") if m else text.rstrip("\t")
        if m:
            title_part, number = _split_trailing_docno(head)
            if number is None and _is_docno(head):
                title_part, number = "", head
            title = _clean_title("".join(t for _, t in pending) + title_part)
            first = pending[0][0] if pending else i
            doc_no = canonical_docno(number, title) if number else None
            entries.append(TocEntry(title=title, doc_no=doc_no, section=category,
                                    page=int(m["page"]), line=first + 1))
            pending = []
            continue
        if not pending and _is_subheading(text, nonblank[pos + 1][1] if pos + 1 < len(nonblank) else ""):
            category = squeeze(text)
            continue
        pending.append((i, head))
    return entries


def _is_subheading(text: str, following: str) -> bool:
    """Sub-headings (工资福利, 基本养老保险 …): short, not a title, not followed by a number line."""
    t = squeeze(text)
    if len(t) > 15 or _TITLE_END_RE.search(t):
        return False
    m = _PAGE_RE.match(following)
    return not (m and _is_docno(m["text"].strip(" .…\t")))


def _toc_bounds(lines: list[str]) -> tuple[int, int]:
    """0-based [start, end) of the compilation's TOC: from the first 目录 to the first section repeated."""
    start = next((i for i, t in enumerate(lines) if squeeze(t) == "目录"), None)
    if start is None:
        return 0, 0
    first_section = None
    for i in range(start + 1, len(lines)):
        t = lines[i].strip()
        if _is_section(t):
            if first_section is None:
                first_section = squeeze(t)
            elif squeeze(t) == first_section:
                return start + 1, i
    return start + 1, start + 1


# ---------------------------------------------------------------------------
# issuers

# Bodies whose names a suffix split would cut wrongly (办公厅 after 部, 税务局 after 总局 …).
_KNOWN_ISSUERS = (
    "国家税务总局重庆市税务局办公室", "国家税务总局重庆市税务局", "中国人民银行重庆营业管理部",
    "中国企业联合会/中国企业家协会", "国务院扶贫开发领导小组办公室", "中国银行保险监督管理委员会",
    "重庆市人民代表大会常务委员会", "全国人民代表大会常务委员会", "重庆市人大常委会办公厅",
    "中共重庆市委全面依法治市委员会", "中共重庆市委组织部", "中共重庆市委办公厅", "中共重庆市委",
    "中共中央办公厅", "中共中央组织部", "国务院办公厅", "中央军委国防动员部", "中华全国工商业联合会",
    "中华全国总工会", "中华全国妇女联合会", "中国残疾人联合会办公厅", "中国残疾人联合会",
    "中央网信办秘书局", "国家乡村振兴局综合司", "国家开发银行", "国家铁路集团", "中国国家铁路集团有限公司",
    "重庆市人民政府办公厅", "重庆市人民政府", "国务院国有资产监督管理委员会", "中央机构编制委员会办公室",
    "重庆市政府外事办公室", "共青团重庆市委员会", "共青团中央",
)
_SUFFIX_SPLIT_RE = re.compile(
    r".*?(?:办公厅|办公室|委员会|总工会|联合会|工商联|协会|秘书局|综合司|营业管理部|总局|集团|银行|"
    r"法院|检察院|中央|中心|部|局|委|厅|府|署|院|司(?!法))"
)
_TRAILING_PARTS = ("办公厅", "办公室", "秘书局", "综合司", "营业管理部")
_AGENCY_END_RE = re.compile(
    r"(?:部|局|委|厅|办|府|署|院|室|司|会|行|集团|中央|中心)$"
)
_GROUP_RE = re.compile(r"等\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:个)?部门$")


def split_issuers(text: str) -> list[str]:
    """Issuing bodies in a header, signature or title prefix.

    ``"人力资源社会保障部 财政部"`` and ``"人力资源社会保障部财政部"`` both give two
    names; letter-spaced ``"重 庆 市 财 政 局"`` gives one.

    >>> split_issuers("人力资源社会保障部国家发展改革委民政部财政部")
    ['人力资源社会保障部', '国家发展改革委', '民政部', '财政部']
    >>> split_issuers("重 庆 市 财 政 局")
    ['重庆市财政局']
    """
    text = text.replace("\u3000", " ").replace("**", "").strip()
    tokens: list[str] = []
    single = False  # was the previous token one letter-spaced character?
    for t in text.split():
        if len(t) == 1 and single:
            tokens[-1] += t
        else:
            tokens.append(t)
        single = len(t) == 1
    names: list[str] = []
    for token in tokens:
        token = _GROUP_RE.sub("", token.strip("、，,"))
        if token.startswith("会") and len(token) > 4:
            token = token[1:]  # "会 中 国 银 行 …": a character wrapped off the line above
        names.extend(_split_run(token))
    return [n for n in names if len(n) > 1]


def _split_run(run: str) -> list[str]:
    names: list[str] = []
    i = 0
    while i < len(run):
        known = next((k for k in _KNOWN_ISSUERS if run.startswith(k, i)), None)
        if known:
            names.append(known)
            i += len(known)
            continue
        m = _SUFFIX_SPLIT_RE.match(run, i)
        if not m:
            names.append(run[i:])
            break
        piece = m.group()
        if names and (piece in _TRAILING_PARTS
                      or (names[-1] == "国家税务总局" and piece.endswith("税务局"))
                      or (names[-1].endswith("部") and piece.endswith(("司", "中心")))):
            names[-1] += piece
        else:
            names.append(piece)
        i = m.end()
    return names


def _is_agency_line(text: str) -> bool:
    """A signature or header line naming bodies only (no sentence punctuation, agency suffixes)."""
    t = unspace_cjk(text.replace("**", ""))
    if not t or len(squeeze(t)) > 60 or re.search(r"[，,。；;：:（()）\d]", t):
        return False
    names = split_issuers(text.replace("**", ""))
    return bool(names) and all(_AGENCY_END_RE.search(n) and len(n) >= 2 for n in names)


# ---------------------------------------------------------------------------
# paragraphs

_TERMINAL = "。；;！!？?：:"
_CN_NUM = "一二三四五六七八九十百零〇"
# Lines that always open a new paragraph.
_OPENER_RE = re.compile(
    rf"^(?:第\s*[0-9{_CN_NUM}]+\s*[条章节]|[{_CN_NUM}]+\s*[、.．]|[（(]\s*[{_CN_NUM}0-9]+\s*[)）]|"
    rf"\d+\s*[、．]|\d+\s*\.(?!\d)|\d{1,2}\.(?=20\d\d年)|附\s*件|特此|注\s*[:：]|备注|[-—]\s|[①-⑳]|[★●■◆])"
)
# An item of a plan's box (专栏3), "01 就业服务质量提升工程": it opens a paragraph even after a sentence the
# compilation printed without its full stop (人社部发〔2021〕47号, line 3599 after 3597's “同城待遇”).
_BOX_ITEM_RE = re.compile(r"^0[1-9][^\d，,。；;：:！!？?\t][^，,。；;：:！!？?\t]{1,38}$")
_RULE_RE = re.compile(r"^[\s\-|:：—]+$")  # markdown table rules such as "---- ---"
_SENTENCE_PUNCT_RE = re.compile(r"[，,。；;：:！!？?]")


def _width(text: str) -> float:
    """Printed width in CJK characters: ASCII counts half."""
    return sum(0.5 if ord(c) < 128 else 1.0 for c in text)


_NUMBERED_HEAD = re.compile(rf"^(第[0-9{_CN_NUM}]+[条章节])(?=[^\s，,、。的])")


def clean_line(raw: str) -> str:
    """One source line as text: markup dropped (an HTML fragment's paragraphs and list items one a line),
    letter-spacing removed, table cells kept apart."""
    text = raw.replace("**", "").replace("\u3000", " ").rstrip()
    if "\t" in text.strip():
        cells = [unspace_cjk(html_to_text(c)) for c in text.strip("\n").split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        return "\t".join(cells)
    text = text.strip()
    if text.startswith("- "):
        text = text[2:]
    text = unspace_cjk(html_to_text(text))
    # structure.py needs the space after 第X条 / 第X章 that de-spacing removed
    return _NUMBERED_HEAD.sub(r"\1 ", text)


def _is_title_like(text: str) -> bool:
    """A heading or title line: no sentence punctuation and a title word at its end."""
    if _SENTENCE_PUNCT_RE.search(text) or "\t" in text or re.match(rf"^第[0-9{_CN_NUM}]+条", text):
        return False
    bare = re.sub(r"\s*[（(][^()（）]*[)）]\s*$", "", text)  # "…方案 (2021—2025年)"
    return bool(_TITLE_END_RE.search(bare)) or len(text) <= 14


def is_heading(text: str) -> bool:
    """A paragraph the compilation sets as a heading: short, no sentence punctuation, not a table row."""
    if "\t" in text or not text or len(text) > 60:
        return False
    if DATE_LINE_RE.match(text) or re.fullmatch(r"[（(].*[)）]", text):
        return False
    if re.match(rf"^第\s*[0-9{_CN_NUM}]+\s*条", text):
        return False
    if "解读" in text and not text.endswith(("解读", "答记者问")):
        return False  # 《政策解读工作办法》 is a title, not an explainer (structure.py keys on 解读)
    return not _SENTENCE_PUNCT_RE.search(text) and not text.endswith(("、", "（", "("))


def _joins(prev_line: str, paragraph: str, nxt: str) -> bool:
    """Does the hard-wrapped line ``nxt`` continue ``paragraph`` (whose last source line is ``prev_line``)?"""
    if "\t" in paragraph or "\t" in nxt:
        return False
    if re.fullmatch(r"[（(].*[)）]", paragraph) or squeeze(nxt) == "目录":
        return False  # "(…通过)" under a law's title, a law's own 目录
    tail = paragraph.rstrip("”’\"')）")
    if not tail or tail[-1] in _TERMINAL or paragraph[-1] in _TERMINAL:
        return False
    if _OPENER_RE.match(nxt) or _BOX_ITEM_RE.match(nxt) or DATE_LINE_RE.match(nxt) or DATE_LINE_RE.match(paragraph):
        return False
    if re.search(r"[（(]\s*略\s*[)）]$", paragraph):
        return False  # an omitted attachment's title
    if re.search(r"[。；;！？][（(][^()（）]*[)）]$", paragraph):
        return False  # "…。(国家发展改革委、商务部负责)": a sentence closed by its note
    if (_OPENER_RE.match(paragraph) and not re.match(rf"^第[0-9{_CN_NUM}]+条", paragraph)
            and not _SENTENCE_PUNCT_RE.search(paragraph) and paragraph[-1] not in "，,、"
            and _width(prev_line) < 26):
        return False  # a numbered heading: "一、民办普通、高级技工学校筹设审批", "第四节 …"
    if paragraph[-1] not in "，,、和及与" and _is_agency_line(nxt):
        return False  # the signature under the last paragraph
    if _is_title_like(paragraph) and _is_title_like(nxt) and _width(prev_line) < 24:
        return False
    if _width(prev_line) >= 24:
        # a full-width line: wrapped, unless it is a complete title followed by text
        return not (_is_title_like(paragraph) and not _is_title_like(nxt) and _TITLE_END_RE.search(paragraph))
    # a short line continues only when it stops mid-sentence; "一、提高政治站位,高度重视…" is a heading
    if paragraph[-1] in "，,、":
        return True
    numbered = _OPENER_RE.match(paragraph) and not re.match(rf"^第[0-9{_CN_NUM}]+条", paragraph)
    return bool(re.search(r"[，,；;]", paragraph)) and not numbered and not _is_title_like(paragraph)


def _continues_cell(raw: str) -> bool:
    """Whether the line carries on the last cell of the row above: a page break inside a cell's HTML leaves
    the rest on a line of its own, under an empty first cell ("\t<p>七、应具备完善的学生生活设施…</p>",
    chongqing-hrss-2021.txt:6363, continuing the 许可条件 cell of line 6361)."""
    cells = [c for c in raw.split("\t") if c.strip()]
    return raw.startswith("\t") and len(cells) == 1 and has_markup(cells[0])


def _open_row(paragraphs: list[Paragraph]) -> int | None:
    """The index of the last table row, when only plain paragraphs follow it and its last cell stops
    mid-sentence: the row a cell-continuation line after those paragraphs carries on."""
    row = next((k for k in range(len(paragraphs) - 1, -1, -1) if "\t" in paragraphs[k].text), None)
    if row is None or row == len(paragraphs) - 1:
        return None
    last_cell = paragraphs[row].text.rstrip().rsplit("\t", 1)[-1].rstrip("”’\"')）")
    return row if last_cell and last_cell[-1] not in _TERMINAL else None


def build_paragraphs(lines: list[str], start: int, end: int) -> list[Paragraph]:
    """Logical paragraphs of the 0-based line range [start, end): hard wraps joined, headings flagged."""
    paragraphs: list[Paragraph] = []
    prev_line = ""
    for i in range(start, end):
        raw = lines[i]
        if not raw.strip() or _RULE_RE.match(raw.replace("\t", " ")):
            continue
        text = clean_line(raw)
        if not text:
            continue
        if paragraphs and "\t" in paragraphs[-1].text and _continues_cell(raw):
            paragraphs[-1].text += "\n" + text  # its numbered paragraphs are the cell's, not the document's parts
            paragraphs[-1].end_line = i + 1
        elif paragraphs and _continues_cell(raw) and (row := _open_row(paragraphs)) is not None:
            # the page break fell inside the cell and its lines before this one came out plain: they are the
            # cell's too ("许可条件\t一、…(八)…中外合作职业技能培训" / "<p>机构的设置另有规定的…" … "十三、…" /
            # "\t<p>业培训学校…", chongqing-hrss-2021.txt:6257–6280), not the document's parts 六…十三
            paragraphs[row].text += "".join("\n" + p.text for p in paragraphs[row + 1:]) + "\n" + text
            paragraphs[row].end_line = i + 1
            del paragraphs[row + 1:]
        elif paragraphs and _joins(prev_line, paragraphs[-1].text, text):
            paragraphs[-1].text += text
            paragraphs[-1].end_line = i + 1
        else:
            paragraphs.append(Paragraph(text=text, line=i + 1))
        prev_line = text
    for p in paragraphs:
        p.heading = is_heading(p.text)
    return _fold_law_contents(paragraphs)


def _fold_law_contents(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A law's own 目录 (第一章 总则 …) becomes one paragraph, so its entries are not taken as the
    chapters of the articles that follow (the text sometimes omits the real 第一章 heading)."""
    out: list[Paragraph] = []
    k = 0
    while k < len(paragraphs):
        p = paragraphs[k]
        if squeeze(p.text) == "目录":
            j = k + 1
            while j < len(paragraphs) and re.match(rf"^第[0-9{_CN_NUM}]+[章节]", paragraphs[j].text):
                j += 1
            if j > k + 1:
                entries = " ".join(q.text for q in paragraphs[k + 1 : j])
                out.append(Paragraph(text=f"目录：{entries}", line=p.line, end_line=paragraphs[j - 1].last_line))
                k = j
                continue
        out.append(p)
        k += 1
    return out


# ---------------------------------------------------------------------------
# locating the TOC entries in the body

_KEY_DROP_RE = re.compile(r"[\s《》〈〉“”\"'‘’「」()（）·、，,．.:：—–\-/*]")
_TRADITIONAL = str.maketrans({"険": "险", "險": "险", "傷": "伤", "業": "业", "養": "养", "勞": "劳"})


def title_key(text: str) -> str:
    return _KEY_DROP_RE.sub("", text.translate(_TRADITIONAL)).replace("的的", "的")


def _ratio(a: str, b: str) -> float:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() if a and b else 0.0


@dataclass
class _Anchor:
    """Where one TOC entry sits in the body (0-based line indexes)."""

    entry: TocEntry
    start: int  # first line of the header block
    body: int  # first line after the header block
    title: str
    number_line: int | None = None


def _blocks_walk(text: str) -> bool:
    """Lines that cannot belong to a header block: text of the previous document."""
    t = text.strip()
    return ("\t" in t or bool(DATE_LINE_RE.match(unspace_cjk(t))) or t[-1:] in "。；;：:"
            or t.startswith(("- ", "附件")))


def _number_at(lines: list[str], i: int, entry: TocEntry) -> int | None:
    """If line i carries ``entry``'s 文号, the line where its number block starts (the 令 line for orders)."""
    t = lines[i].strip()
    if not t or len(t) > 40:
        return None
    if canonical_docno(DATE_RE.sub("", t), entry.title) == entry.doc_no:  # "(中发办[2021]9号 2021年2月22日)"
        return i
    if re.fullmatch(r"第\s*\d+\s*号", t):
        j = _prev_nonblank(lines, i)
        if (j is not None and squeeze(lines[j]).endswith("令")
                and canonical_docno(squeeze(lines[j]) + squeeze(t)) == entry.doc_no):
            return j
    return None


def _prev_nonblank(lines: list[str], i: int) -> int | None:
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j if j >= 0 else None


def _next_nonblank(lines: list[str], i: int, end: int) -> int | None:
    j = i + 1
    while j < end and not lines[j].strip():
        j += 1
    return j if j < end else None


def _title_above(lines: list[str], i: int, key: str, floor: int,
                 headings: frozenset[str]) -> tuple[int, str] | None:
    """Walk up from line i over the header block; the start whose text best matches the TOC title."""
    best: tuple[float, int, str] | None = None
    parts: list[str] = []
    j = i
    for _ in range(8):
        j = _prev_nonblank(lines, j)
        if j is None or j < floor or _blocks_walk(lines[j]) or _is_body_heading(lines[j], headings):
            break
        parts.insert(0, lines[j].strip())
        text = _clean_title("".join(parts))
        score = _ratio(title_key(text), key)
        if best is None or score > best[0] + 0.01:
            best = (score, j, text)
    if best and best[0] >= 0.6:
        return best[1], best[2]
    return None


def _title_at(lines: list[str], i: int, key: str, end: int) -> tuple[int, str] | None:
    """Does a title matching ``key`` start at line i (over at most four lines)? → (last line, title)."""
    first = title_key(unspace_cjk(lines[i].replace("**", "")))
    if len(first) < 4 or first[:4] not in key:
        return None
    parts: list[str] = []
    j = i
    best: tuple[float, int, str] | None = None
    for _ in range(4):
        if j is None or j >= end or "\t" in lines[j].strip():
            break
        parts.append(lines[j].strip())
        text = _clean_title("".join(parts))
        score = _ratio(title_key(text), key)
        if best is None or score > best[0]:
            best = (score, j, text)
        j = _next_nonblank(lines, j, end)
    if best and best[0] >= 0.88:
        return best[1], best[2]
    return None


def _is_body_heading(text: str, headings: frozenset[str]) -> bool:
    """The compilation's own section and sub-heading lines repeated in the body (二、劳动就业, 工傷保險)."""
    t = squeeze(text).translate(_TRADITIONAL)
    return (section_name(t) if _is_section(t) else t) in headings


def category_names(entries: list[TocEntry]) -> frozenset[str]:
    return frozenset(e.section for e in entries if e.section)


def locate(lines: list[str], entries: list[TocEntry], body_start: int) -> list[_Anchor | None]:
    """Each TOC entry's header block in the body, searched in TOC order."""
    headings = category_names(entries)
    anchors: list[_Anchor | None] = []
    pos = body_start
    for entry in entries:
        anchor = _locate_one(lines, entry, pos, headings) or _locate_one(lines, entry, body_start, headings)
        anchors.append(anchor)
        if anchor:
            pos = anchor.body
    return anchors


def _locate_one(lines: list[str], entry: TocEntry, pos: int, headings: frozenset[str]) -> _Anchor | None:
    key = title_key(entry.title)
    n = len(lines)
    if entry.doc_no:
        for i in range(pos, n):
            block = _number_at(lines, i, entry)
            if block is None:
                continue
            above = _title_above(lines, block, key, pos, headings)
            if above:
                return _Anchor(entry, start=above[0], body=i + 1, title=above[1], number_line=i)
            # orders print the number first and the title under the promulgation text
            for j in range(i + 1, min(i + 30, n)):
                below = _title_at(lines, j, key, n) if lines[j].strip() else None
                if below:
                    return _Anchor(entry, start=block, body=i + 1, title=below[1], number_line=i)
            return _Anchor(entry, start=block, body=i + 1, title=entry.title, number_line=i)
        return None
    for i in range(pos, n):
        if not lines[i].strip():
            continue
        found = _title_at(lines, i, key, n)
        if found:
            return _Anchor(entry, start=i, body=found[0] + 1, title=found[1])
    return None


# ---------------------------------------------------------------------------
# documents

# a signature date line; one document writes "2021年5月30号"
_DATE_LINE = re.compile(DATE_LINE_RE.pattern.replace("日", "[日号]"))
_LAW_PASSED_RE = re.compile(r"[（(][^()（）]*(?:通过|修正|修订|公布)[^()（）]*[)）]?$")
_CONGRESS_RE = re.compile(r"(重庆市|全国)(?:第[一二三四五六七八九十]+届)?人民代表大会(常务委员会)?")


def parse(lines: list[str], file: str) -> list[RawDocument]:
    """Every TOC entry's document, in file order, with its TOC section as category."""
    entries = toc(lines)
    _, body_start = _toc_bounds(lines)
    anchors = [a for a in locate(lines, entries, body_start) if a is not None]
    anchors.sort(key=lambda a: a.start)
    docs: list[RawDocument] = []
    for k, anchor in enumerate(anchors):
        end = anchors[k + 1].start if k + 1 < len(anchors) else len(lines)
        end = _trim_end(lines, anchor.body, end, category_names(entries))
        docs.append(_document(lines, anchor, end, file))
    return docs


def _trim_end(lines: list[str], body: int, end: int, headings: frozenset[str]) -> int:
    """Drop trailing blank lines and the compilation's section headings before the next document."""
    while end > body and (not lines[end - 1].strip() or _is_body_heading(lines[end - 1], headings)):
        end -= 1
    return end


def _document(lines: list[str], anchor: _Anchor, end: int, file: str) -> RawDocument:
    entry = anchor.entry
    header = [lines[i] for i in range(anchor.start, anchor.body) if lines[i].strip()]
    paragraphs = build_paragraphs(lines, anchor.body, end)
    title = _dedupe_title(anchor.title)
    if title_key(title) and _ratio(title_key(title), title_key(entry.title)) < 0.8:
        title = entry.title
    passed = next((p for p in paragraphs[:2] if _LAW_PASSED_RE.search(p.text)), None)
    date = _date(header, paragraphs, passed)
    issuers = _issuers(header, paragraphs, entry, title, passed)
    return RawDocument(
        title=title,
        paragraphs=_label_attachments(paragraphs),
        source=SourceSpan(file, anchor.start + 1, max(end, anchor.body)),
        doc_no=entry.doc_no,
        issuers=issuers,
        date=date,
        category=entry.section,
    )


def _dedupe_title(title: str) -> str:
    """A title printed twice in a row counts once; the editor's "(摘录)" (excerpt) is not part of it."""
    title = re.sub(r"\s*[（(]摘录[)）]$", "", title)
    half = len(title) // 2
    if len(title) % 2 == 0 and title[:half] == title[half:]:
        return title[:half]
    return title


def _date(header: list[str], paragraphs: list[Paragraph], passed: Paragraph | None) -> dt.date | None:
    """The signature date: the first stand-alone date line; for laws the last date of "(…通过 …修正)";
    "(中发办[2021]9号 2021年2月22日)" carries it in the number line."""
    for line in header:
        m = DATE_RE.search(line)
        if m and _is_docno_line(line):
            return date_from_match(m)
    if passed is not None:
        found = [date_from_match(m) for m in DATE_RE.finditer(passed.text)]
        found = [d for d in found if d]
        if found:
            return found[-1]
    for p in paragraphs:
        m = _DATE_LINE.match(p.text.strip())
        if m:
            return date_from_match(m)
    return None


def _is_docno_line(line: str) -> bool:
    return canonical_docno(DATE_RE.sub("", line)) is not None


def _signature(paragraphs: list[Paragraph]) -> list[str]:
    """Issuer lines directly above the first stand-alone date line."""
    for k, p in enumerate(paragraphs):
        if _DATE_LINE.match(p.text.strip()):
            names: list[str] = []
            j = k - 1
            while j >= 0 and k - j <= 40:
                text = paragraphs[j].text
                if _is_agency_line(text):
                    names[:0] = split_issuers(text)
                elif len(squeeze(text)) > 2:  # a lone "会" broken off a name is skipped
                    break
                j -= 1
            return names
    return []


def _issuers(header: list[str], paragraphs: list[Paragraph], entry: TocEntry, title: str,
             passed: Paragraph | None) -> list[str]:
    if entry.doc_no and entry.doc_no.endswith("号") and "令第" in entry.doc_no:
        body = entry.doc_no.split("令第")[0]
        return ["重庆市人民政府" if body == "重庆市人民政府" else body]
    if passed is not None:
        m = list(_CONGRESS_RE.finditer(passed.text))
        if m:
            last = m[-1]
            return [f"{last[1]}人民代表大会{last[2] or ''}"]
    signed = _signature(paragraphs)
    if signed:
        return signed
    head = [h for h in header if _is_agency_line(h)]
    if head:
        return [n for h in head for n in split_issuers(h)]
    m = re.match(r"^(.+?)(?:关于|印发|转发|发布的)", title)
    return split_issuers(m[1]) if m else []


def _label_attachments(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Give the attachments listed under "附件：" a 附件N label where their text starts.

    The compilation prints the list ("附件：1.… 2.…") before the signature and the
    attachments after it under their titles only; structure.py needs the label.
    """
    listed: dict[str, str] = {}  # title key → label
    out: list[Paragraph] = []
    k = 0
    while k < len(paragraphs):
        p = paragraphs[k]
        m = re.match(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$", p.text)
        if m and not listed:
            items: list[str] = []
            rest = m["rest"].strip()
            j = k + 1
            if rest:
                items.append(rest)
            while j < len(paragraphs) and not items_done(paragraphs[j].text, items):
                items.append(paragraphs[j].text)
                j += 1
            for n, item in enumerate(items, start=1):
                im = re.match(r"^(?P<n>\d+)\s*[.．、]\s*(?P<t>.+)$", item)
                if re.search(r"[（(]\s*略\s*[)）]", item):
                    continue
                label = f"附件{im['n']}" if im else ("附件" if len(items) == 1 else f"附件{n}")
                listed[title_key(im["t"] if im else item)] = label
            out.extend(paragraphs[k:j])
            k = j
            continue
        key = title_key(p.text)
        if listed and key in listed and p.heading:
            label = listed.pop(key)
            if out and re.fullmatch(r"附\s*件\s*\d*\s*[:：]?", out[-1].text):
                out[-1] = Paragraph(text=label, line=out[-1].line, end_line=out[-1].end_line)
            elif not (out and re.fullmatch(r"附\s*件\s*\d+", out[-1].text)):
                out.append(Paragraph(text=label, line=p.line))
        out.append(p)
        k += 1
    return out


def items_done(text: str, items: list[str]) -> bool:
    """The attachment list ends at the first line that is not a list item (the signature)."""
    if re.match(r"^\d+\s*[.．、]", text):
        return False
    return bool(items) or _is_agency_line(text) or DATE_LINE_RE.match(text) is not None
