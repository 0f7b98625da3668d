"""Helpers shared by the PDF-extracted layouts (q2, court, shandong).

The two PDF extractions (q2, court) hard-wrap every line at the page width,
print page footers (第 N 页 共 M 页) and start each page with a leading space;
Shandong prints one paragraph per line but shares the header, signature and
table conventions. This module knows those conventions; each layout module only
decides where its documents start.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kuaiban.corpus.docno import normalize
from kuaiban.corpus.markup import html_to_text
from kuaiban.corpus.model import Paragraph, RawDocument, SourceSpan
from kuaiban.corpus.text import DATE_LINE_RE, date_from_match, squeeze, unspace_cjk

FOOTER_RE = re.compile(r"^\s*(?:第\s*\d+\s*页\s*(?:[，,/]?\s*共\s*\d+\s*页)?|-?\s*\d{1,3}\s*-?|\d+\s*/\s*\d+)\s*$")
URL_RE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$")
# What opens a new paragraph whatever the previous line looked like.
BLOCK_START_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\s*(?:\.(?!\d)|[．、])|[（(]\d+[）)]|"
    r"第\s*[一二三四五六七八九十百零〇\d]+\s*[条章节]|附\s*件\s*(?:[0-9一二三四五六七八九十]|[:：]|$|[（(](?:附件)?详情)|附表|附[:：]|问[:：]|答[:：]|——|[①-⑳]|"
    r"特此|联系人|联\s*系\s*人|联系电话|联系方式|电子邮箱|来源[:：])"
)
SENTENCE_END_RE = re.compile(r"[。！？；：!?;:…][”’）)》」』\s]*$")
TITLE_END_RE = re.compile(
    r"(?:通\s*知|意见|规定|通告|公告|办法|方案|细则|措施|公布|期限|说明|决定|指南|计划|规则|条例|"
    r"答记者问|问答|解读|[（(](?:试行|[一二三四五六七八九十]+)[）)])\s*$"
)
EXPLAINER_HEADING_RE = re.compile(r"解读|答记者问|政策问答|问答$|解答$")
# One issuing body: ends in the word for a ministry, bureau, office …
ISSUER_TOKEN_RE = re.compile(
    r"^[\u4e00-\u9fff“”（）()]{2,40}(?:部|厅|局|委|办|院|会|中心|政府|室|司|署|行|队|组|所|处|央|联|部门|指挥部)$"
)
ADDRESSEE_RE = re.compile(r"[:：]\s*$")
# A whole line that is a 文号 (人社部发〔2020〕26号, 京人社发[2020]8号, 穗人社规字〔2020〕4 号).
DOCNO_LINE_RE = re.compile(
    r"^\s*[\u4e00-\u9fff]{1,12}\s*[〔\[﹝【(（［]\s*20\d\d\s*[〕\]﹞】)）］]\s*第?\s*\d{1,4}\s*号\s*$"
)


def display_width(text: str) -> int:
    """Printed width: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def is_footer(line: str) -> bool:
    return bool(FOOTER_RE.match(line))


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE_RE.match(text.strip()))


def docno_of_line(text: str) -> str | None:
    """The normalised 文号 when the whole line is one, else None."""
    if not DOCNO_LINE_RE.match(text):
        return None
    return normalize(text)


def is_issuer_line(text: str) -> bool:
    """A signature or header line naming only issuing bodies (人力资源社会保障部 财政部 …)."""
    tokens = text.split()
    return bool(tokens) and all(ISSUER_TOKEN_RE.match(t) for t in tokens)


def split_issuers(texts: list[str]) -> list[str]:
    """Issuing bodies from their lines; names separated by spaces become separate names."""
    names: list[str] = []
    for text in texts:
        for token in text.split():
            if token and token not in names:
                names.append(token)
    return names


@dataclass
class Line:
    """One non-empty, non-footer source line."""

    no: int  # 1-based line number
    raw: str  # without the line ending
    lead: bool = field(default=False)  # the page-start leading space of the PDF extractions

    @property
    def text(self) -> str:
        return self.raw.strip()


def content_lines(lines: list[str], start: int = 1, end: int | None = None) -> list[Line]:
    """Non-empty lines of ``lines[start-1:end]`` with page footers dropped."""
    end = len(lines) if end is None else end
    out: list[Line] = []
    for no in range(start, end + 1):
        raw = lines[no - 1]
        if not raw.strip() or is_footer(raw):
            continue
        out.append(Line(no=no, raw=raw.rstrip(), lead=raw.startswith(" ") and not raw.startswith("  ")))
    return out


def ends_paragraph(text: str, full_width: int) -> bool:
    """Whether a hard-wrapped line is the last of its paragraph.

    A line ends its paragraph when it ends a sentence, is a date or a URL, or
    is visibly shorter than a full printed line (a heading, a signature, the
    tail of a paragraph that ends without punctuation).
    """
    t = text.strip()
    if re.search(r"[；;]\s*$", t):  # a full line ending in ； is usually cut mid-paragraph
        return display_width(t) < full_width
    return (
        bool(SENTENCE_END_RE.search(t))
        or is_date_line(t)
        or bool(URL_RE.match(t))
        or display_width(t) < full_width
    )


def join_wrapped(lines: list[Line], full_width: int) -> list[tuple[int, str, int]]:
    """Hard-wrapped lines → ``(first line number, raw paragraph text, last line number)``.

    Lines are joined while the previous one runs to the full width without
    ending a sentence and the next one does not open a block (一、, （一）, 1.,
    第X条, 附件 …), a date or a URL. Joining happens across page breaks too
    (footers are already gone). The raw text keeps its spaces so that callers
    can still split issuer lines; :func:`clean` removes them.
    """
    paras: list[tuple[int, str, int]] = []
    open_para = False
    for line in lines:
        t = line.text
        starts = (bool(BLOCK_START_RE.match(t)) or is_date_line(t) or bool(URL_RE.match(t))
                  or (is_issuer_line(line.raw) and display_width(t) < full_width))
        if open_para and not starts and paras:
            no, text, _ = paras[-1]
            glue = " " if re.search(r"[A-Za-z0-9]$", text) and re.match(r"[A-Za-z]", t) else ""
            paras[-1] = (no, text + glue + t, line.no)
        else:
            paras.append((line.no, t, line.no))
        open_para = not ends_paragraph(t, full_width)
    return paras


_ARTICLE_HEAD_RE = re.compile(r"^\s*(第\s*[一二三四五六七八九十百零〇\d]+\s*[条章节])[\s\u3000]+(?=\S)")


_RUN_IN_ARTICLE_RE = re.compile(r"(?<=。)\s*(?=第[一二三四五六七八九十百]+条[ \u3000])")


def split_run_in_articles(paras: list[tuple[int, str, int]], lines: list[Line]) -> list[tuple[int, str, int]]:
    """A page that lost a line break prints "…进行审查。第十一条 诉讼参与人…" as one
    line; give the article its own paragraph again. Each piece starts on the line of ``lines`` (the joined ones)
    that holds its first character and ends on the one that holds its last."""
    out: list[tuple[int, str, int]] = []
    for no, text, end in paras:
        parts = [part for part in _RUN_IN_ARTICLE_RE.split(text) if part.strip()]
        if len(parts) < 2:
            out.extend((no, part, end) for part in parts)
            continue
        # the split drops whitespace only: count the characters that are not, line by line
        counted, ends = 0, []
        for line in lines:
            if no <= line.no <= end:
                counted += _solid(line.text)
                ends.append((counted, line.no))
        through = 0
        for part in parts:
            before, through = through, through + _solid(part)
            start = next((n for c, n in ends if c > before), no)  # the line holding its first character
            out.append((start, part, next((n for c, n in ends if c >= through), end)))
    return out


def _solid(text: str) -> int:
    """Characters of ``text`` that are not whitespace."""
    return len(text) - sum(c.isspace() for c in text)


def clean(text: str) -> str:
    """Paragraph text as stored: spaces inside CJK text, dates and numbers removed.

    The space after a leading 第X条 / 第X章 stays (as one space): it is what
    tells an article heading from a sentence that merely starts with 第X条. HTML becomes text
    (kuaiban.corpus.markup; the PDF extractions hold none today).
    """
    text = html_to_text(text)
    m = _ARTICLE_HEAD_RE.match(text)
    if m:
        return unspace_cjk(m.group(1)) + " " + unspace_cjk(text[m.end():])
    return unspace_cjk(text)


def title_text(parts: list[str]) -> str:
    """A title printed over several lines (or with letter spacing) as one clean string."""
    return squeeze("".join(p.strip() for p in parts))


def signature(paragraphs: list[tuple[int, str, int]]) -> tuple[list[str], object, int | None]:
    """(issuers, signature date, index of the date paragraph) from the first stand-alone
    date line and the issuer lines right above it."""
    for i, (_, text, _end) in enumerate(paragraphs):
        m = DATE_LINE_RE.match(text.strip())
        if not m or i == 0:
            continue
        issuer_lines: list[str] = []
        j = i - 1
        while j >= 0 and len(issuer_lines) < 6 and is_issuer_line(paragraphs[j][1]):
            issuer_lines.insert(0, paragraphs[j][1])
            j -= 1
        return split_issuers(issuer_lines), date_from_match(m), i
    return [], None, None


def is_explainer_heading(text: str) -> bool:
    """An explainer or Q&A title (政策解读, 答记者问, 政策问答) — not a question itself."""
    t = squeeze(text)
    if len(t) > 90 or t.startswith(("问：", "问:", "答：", "答:")) or SENTENCE_END_RE.search(t):
        return False
    return bool(EXPLAINER_HEADING_RE.search(t))


def to_paragraphs(raw: list[tuple[int, str, int]], headings: set[int] | None = None) -> list[Paragraph]:
    """Clean raw paragraphs ``(first line, text, last line)``; explainer titles and the given indices become
    headings."""
    headings = headings or set()
    out: list[Paragraph] = []
    for i, (no, text, end) in enumerate(raw):
        if "\t" in text:
            cells = [clean(c) for c in text.split("\t")]
            out.append(Paragraph(text="\t".join(cells), line=no, end_line=end))
            continue
        cleaned = clean(text)
        out.append(Paragraph(text=cleaned, line=no, heading=i in headings or is_explainer_heading(cleaned),
                             end_line=end))
    return out


# --- the two PDF extractions (q2, court): where documents start -------------------------------


def _is_region_header(line: Line, region_headers: dict[str, str]) -> bool:
    """" 北京市" on a page-start line; the same words in a signature are not a header."""
    return line.raw[:1].isspace() and squeeze(line.text) in region_headers


def _title_like(line: Line, region_headers: dict[str, str]) -> bool:
    t = line.text
    return not (
        "，" in t
        or is_date_line(t)
        or URL_RE.match(t)
        or _is_region_header(line, region_headers)
        or SENTENCE_END_RE.search(t)
        or BLOCK_START_RE.match(t)
        or docno_of_line(t)
    )


def _title_span(cl: list[Line], s: int, limit: int = 4, full_width: int = 60) -> int:
    """Index just past the title lines starting at ``s``.

    The title runs until it ends in a title word (通知, 意见, 公布 …) on a line
    shorter than a full printed line, or until the 文号, a date, the addressee
    line (各…：) or a numbered block.
    """
    acc = ""
    k = s
    while k < len(cl) and k - s < limit:
        t = cl[k].text
        if k > s and (docno_of_line(t) or is_date_line(t) or ADDRESSEE_RE.search(t)
                      or BLOCK_START_RE.match(t) or URL_RE.match(t)):
            return k
        acc += t
        k += 1
        nxt = cl[k].text if k < len(cl) else ""
        if TITLE_END_RE.search(acc) and (display_width(t) < full_width or display_width(nxt) >= full_width):
            return k
    # no title ending found: the title is whatever precedes the 文号, else its first line
    for j in range(s + 1, min(s + limit + 1, len(cl))):
        if docno_of_line(cl[j].text):
            return j
    return s + 1


def find_starts(cl: list[Line], region_headers: dict[str, str], full_width: int) -> dict[int, str | None]:
    """Indices (into ``cl``) where documents start, with the region in force there.

    A document starts (1) on the line after a jurisdiction header, (2) on the
    title lines just above a stand-alone 文号 line, (3) on a page-start
    (leading-space) line that reads as a title (关于…的通知, …公布, …期限)
    after a finished paragraph, unless it only repeats a title already named
    in the document before it (the measures or attachment of a cover notice).
    """
    starts: dict[int, str | None] = {}
    region: str | None = None
    seen_text = ""  # squeezed text of the current document so far
    i = 0
    while i < len(cl):
        line = cl[i]
        key = squeeze(line.text)
        if _is_region_header(line, region_headers):
            region = region_headers[key]
            if i + 1 < len(cl):
                starts[i + 1] = region
                seen_text = ""
            i += 1
            continue
        if i in starts:
            seen_text = ""
            seen_text += key
            i += 1
            continue
        # (2) a stand-alone 文号 line: its title is the few title-like lines above
        if docno_of_line(line.text):
            j = i
            while j - 1 >= 0 and i - (j - 1) <= 3 and (j - 1) not in starts and _title_like(cl[j - 1], region_headers):
                j -= 1
                if cl[j].lead:
                    break
            if j < i and not any(k in starts for k in range(max(0, i - 4), i + 1)):
                starts[j] = region
                seen_text = squeeze("".join(c.text for c in cl[j:i + 1]))
            i += 1
            continue
        # (3) a page-start title
        if line.lead and _title_like(line, region_headers) and not is_explainer_heading(line.text):
            prev_done = i == 0 or ends_paragraph(cl[i - 1].text, full_width)
            end = _title_span(cl, i, full_width=full_width)
            title = squeeze("".join(c.text for c in cl[i:end]))
            nxt = cl[end].text if end < len(cl) else ""
            titled = title.startswith(("关于", "《")) or bool(TITLE_END_RE.search(title))
            signature_line = is_date_line(nxt) or is_issuer_line(line.text)
            repeated = len(title) >= 6 and title.strip("《》") in seen_text
            if prev_done and titled and not signature_line and not repeated:
                starts[i] = region
                seen_text = title
                i = end
                continue
        seen_text += key
        i += 1
    return starts


def measures_headings(raw: list[tuple[int, str, int]], date_index: int | None) -> set[int]:
    """Indices of title paragraphs printed right after the signature date: the measures
    of a cover notice (…办法, …方案) or a full-text attachment under its own title."""
    if date_index is None or date_index + 1 >= len(raw):
        return set()
    text = raw[date_index + 1][1].strip()
    plain = squeeze(text)
    if (len(plain) <= 70 and not SENTENCE_END_RE.search(plain) and not BLOCK_START_RE.match(plain)
            and not re.search(r"[:：]", plain) and not plain.startswith(("（", "("))
            and not URL_RE.match(plain) and not is_date_line(plain) and not is_issuer_line(text)):
        return {date_index + 1}
    return set()


def parse_pdf(
    lines: list[str], file: str, region_headers: dict[str, str], full_width: int = 56
) -> list[RawDocument]:
    """Cut a hard-wrapped PDF extraction (q2, court) into documents."""
    cl = content_lines(lines)
    starts = find_starts(cl, region_headers, full_width)
    order = sorted(starts)
    docs: list[RawDocument] = []
    for n, s in enumerate(order):
        stop = order[n + 1] if n + 1 < len(order) else len(cl)
        # a jurisdiction header just before the next document is not part of this one
        while stop - 1 > s and _is_region_header(cl[stop - 1], region_headers):
            stop -= 1
        title_end = _title_span(cl, s, full_width=full_width)
        title = title_text([c.text for c in cl[s:title_end]])
        k = title_end
        doc_no = None
        if k < stop and docno_of_line(cl[k].text):
            doc_no = docno_of_line(cl[k].text)
            k += 1
            # One 文号 can head two different documents (court: 京人社发[2020]8号 heads both the
            # 失业保险金 notice and the 失业补助金 notice): both keep it; the merge tells them apart by
            # title (kuaiban.corpus.pipeline.merge), so the library holds two records with that number.
        raw = split_run_in_articles(join_wrapped(cl[k:stop], full_width), cl[k:stop])
        issuers, date, date_index = signature(raw)
        paragraphs = to_paragraphs(raw, measures_headings(raw, date_index))
        docs.append(RawDocument(
            title=title,
            paragraphs=paragraphs,
            source=SourceSpan(file, cl[s].no, cl[stop - 1].no),
            doc_no=doc_no,
            issuers=issuers,
            date=date,
            region=starts[s],
        ))
    return docs
