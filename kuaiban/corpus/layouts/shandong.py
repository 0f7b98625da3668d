"""Layout parser for shandong-2020.txt.

Shandong's 2020 employment and social-insurance documents, one paragraph per
line. Every document opens with a header block::

    山东省人力资源和社会保障厅 山东省财政厅        ← issuers (one or more lines)
    关于印发企业稳岗扩岗专项支持计划               ← title, split over lines
    实施方案的通知
    （鲁人社字〔2020〕63号  2020年6月8日）          ← 文号 and date in brackets

(some notices print only the date, and one prints a bare 〔2020〕20号). The
issuer and the start of the title may share a line ("山东省财政厅关于做好…").
National documents that Shandong forwards or reprints (人社部发〔2020〕38号,
人社厅发〔2020〕79号 …) follow their cover notice with their own header
(issuers, title, bare 文号 line); they are cut out as documents of their own so
that the merge folds them with the copies in the other compilations.

Tables are printed one cell per line, each cell line starting with a tab, rows
separated by blank lines; a cell that wraps continues on a line without a tab.
"""

from __future__ import annotations

import re

from kuaiban.corpus.docno import normalize
from kuaiban.corpus.layouts._wrapped import (
    BLOCK_START_RE,
    ISSUER_TOKEN_RE,
    SENTENCE_END_RE,
    TITLE_END_RE,
    display_width,
    docno_of_line,
    is_date_line,
    is_explainer_heading,
    signature,
    split_issuers,
    title_text,
    to_paragraphs,
)
from kuaiban.corpus.model import RawDocument, SourceSpan
from kuaiban.corpus.text import parse_date, squeeze

# （鲁人社字〔2020〕63号  2020年6月8日）, （2020年7月6日）, （〔2020〕20号  2020年7月2日）
HEADER_RE = re.compile(
    r"^\s*[（(]\s*(?P<no>[^\s（）()]*?〔\s*20\d\d\s*〕\s*\d+\s*号)?\s*"
    r"(?P<date>20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[）)]\s*$"
)
# An issuer line cut before its end: "山东省人力资源和社会保障厅等" + "14部门关于…".
_OPEN_ISSUER_RE = re.compile(r"^[\u4e00-\u9fff“”]{2,40}等[\d一二三四五六七八九十]*$")
_HEADER_WIDTH = 50  # header lines are centred and short; body lines are whole paragraphs


def _issuer_token(token: str) -> bool:
    return bool(ISSUER_TOKEN_RE.match(token) or re.match(r"^[\u4e00-\u9fff“”]{2,40}等\d+部门$", token))


def _issuer_line(text: str) -> bool:
    tokens = text.split()
    if not tokens:
        return False
    *head, last = tokens
    return all(_issuer_token(t) for t in head) and (_issuer_token(last) or bool(_OPEN_ISSUER_RE.match(last)))


def _header_like(text: str) -> bool:
    t = text.strip()
    return (
        bool(t)
        and not text.startswith("\t")
        and display_width(t) <= _HEADER_WIDTH
        and not re.search(r"[。；，：:;]", t)
        and not is_date_line(t)
        and not HEADER_RE.match(t)
    )


def _anchors(lines: list[str]) -> list[int]:
    """0-based indices of the lines that close a header block: the bracketed 文号/date
    line, or the bare 文号 line of a forwarded national document."""
    out = []
    for i, line in enumerate(lines):
        if HEADER_RE.match(line) or (docno_of_line(line) and i > 0):
            out.append(i)
    return out


def _header(lines: list[str], anchor: int) -> tuple[int, list[str], str] | None:
    """(first line index, issuers, title) of the header block ending at ``anchor``."""
    block: list[int] = []
    i = anchor - 1
    while i >= 0 and len(block) < 9:
        if not lines[i].strip():
            i -= 1
            continue
        if not _header_like(lines[i]):
            break
        block.insert(0, i)
        i -= 1
    # the title starts on the first line holding 关于 (or 印发 without 关于 before it)
    start = None
    for pos, idx in enumerate(block):
        text = lines[idx].strip()
        if "关于" in text or text.startswith("印发") or (
            "印发" in text and _issuer_line(text.split("印发")[0])
        ):
            start = pos
            break
    if start is None:
        return None
    first = lines[block[start]].strip()
    cut = first.find("关于")
    if cut < 0 or ("印发" in first and first.find("印发") < cut):
        cut = first.find("印发")
    prefix, title_first = first[:cut].strip(), first[cut:]
    issuer_lines: list[str] = []
    top = start
    for pos in range(start - 1, -1, -1):
        text = lines[block[pos]].strip()
        if not _issuer_line(text):
            break
        issuer_lines.insert(0, text)
        top = pos
    if prefix:
        if issuer_lines and _OPEN_ISSUER_RE.match(issuer_lines[-1].split()[-1]):
            issuer_lines[-1] += prefix  # "…等" + "14部门"
        elif _issuer_line(prefix) or issuer_lines:
            issuer_lines.append(prefix)
        else:
            title_first = first  # not an issuer after all: keep the whole line in the title
    title = title_text([title_first] + [lines[idx] for idx in block[start + 1:]])
    return block[top], split_issuers(issuer_lines), title


def _is_cell(line: str) -> bool:
    return line.startswith("\t")


def _body(lines: list[str], first: int, last: int) -> list[tuple[int, str, int]]:
    """Paragraphs ``(first line, text, last line)`` of lines[first..last] (0-based, inclusive): one per line,
    table rows as tab-joined cells, a title printed over two short lines joined into one."""
    out: list[tuple[int, str, int]] = []
    row: list[str] = []
    row_line = row_end = 0

    def flush() -> None:
        nonlocal row
        cells = [c.strip() for c in row]
        if any(cells):
            out.append((row_line, "\t".join(cells) if len(cells) > 1 else cells[0], row_end))
        row = []

    def next_content(k: int) -> str:
        for j in range(k + 1, last + 1):
            if lines[j].strip():
                return lines[j]
        return ""

    i = first
    while i <= last:
        line = lines[i]
        if _is_cell(line):
            if not row:
                row_line = i + 1
            row.append(line[1:])
            row_end = i + 1
            i += 1
            continue
        if not line.strip():
            # a blank line ends a row, unless a wrapped cell continues after it
            nxt_i = next((j for j in range(i + 1, last + 1) if lines[j].strip()), None)
            wrapped = (nxt_i is not None and row and not _is_cell(lines[nxt_i])
                       and _is_cell(next_content(nxt_i)) and len(lines[nxt_i].strip()) <= 15
                       and not SENTENCE_END_RE.search(lines[nxt_i]))
            if not wrapped and row:
                flush()
            i += 1
            continue
        text = line.strip()
        if row and _is_cell(next_content(i)) and len(text) <= 15 and not SENTENCE_END_RE.search(text):
            row[-1] += text  # a cell that wrapped onto a line of its own
            row_end = i + 1
            i += 1
            continue
        if row:
            flush()
        # a title over two short lines (关于抓好保居民就业、保基本民生、 / 保市场主体工作的十条措施)
        nxt_i = next((j for j in range(i + 1, last + 1) if lines[j].strip()), None)
        if (nxt_i is not None and _header_like(line) and _header_like(lines[nxt_i])
                and not BLOCK_START_RE.match(text) and not BLOCK_START_RE.match(lines[nxt_i].strip())
                and not _issuer_line(text) and not TITLE_END_RE.search(text)
                and not text.startswith("【") and not lines[nxt_i].strip().startswith("【")
                and (text.endswith(("的", "、")) or TITLE_END_RE.search(text + lines[nxt_i].strip()))):
            out.append((i + 1, text + lines[nxt_i].strip(), nxt_i + 1))
            i = nxt_i + 1
            continue
        out.append((i + 1, text, i + 1))
        i += 1
    if row:
        flush()
    return out


def _heading_indices(raw: list[tuple[int, str, int]]) -> set[int]:
    """Titles inside a body: the measures of a cover notice, attachment titles."""
    found = set()
    for k, (_, text, _end) in enumerate(raw):
        t = text.strip()
        if ("\t" in t or len(t) > 60 or re.search(r"[。；，：:;]", t) or BLOCK_START_RE.match(t)
                or _issuer_line(t) or is_explainer_heading(t) or is_date_line(t) or t.startswith("【")):
            continue
        if TITLE_END_RE.search(t) or re.search(r"(?:名单|清单|规则|表|实施方案|工作方案)(?:[（(].*[）)])?$", t):
            found.add(k)
    return found


def parse(lines: list[str], file: str) -> list[RawDocument]:
    heads: list[tuple[int, int, list[str], str, str | None, object]] = []
    for a in _anchors(lines):
        header = _header(lines, a)
        if header is None:
            continue
        top, issuers, title = header
        m = HEADER_RE.match(lines[a])
        if m:
            doc_no = normalize(m["no"]) if m["no"] else None
            date = parse_date(m["date"])
        else:
            doc_no, date = docno_of_line(lines[a]), None
        heads.append((top, a, issuers, title, doc_no, date))

    docs: list[RawDocument] = []
    for n, (top, a, issuers, title, doc_no, date) in enumerate(heads):
        end = heads[n + 1][0] - 1 if n + 1 < len(heads) else len(lines) - 1
        while end > a and not lines[end].strip():
            end -= 1
        raw = _body(lines, a + 1, end)
        if date is None:  # a forwarded document signs at its end
            sig_issuers, date, _ = signature(raw)
            issuers = issuers or sig_issuers
        docs.append(RawDocument(
            title=squeeze(title),
            paragraphs=to_paragraphs(raw, _heading_indices(raw)),
            source=SourceSpan(file, top + 1, end + 1),
            doc_no=doc_no,
            issuers=issuers,
            date=date,
            region=_region(issuers, doc_no),
        ))
    return docs


def _region(issuers: list[str], doc_no: str | None) -> str:
    """Shandong's own documents are 山东; the national ones it forwards are 国家."""
    if doc_no and doc_no.startswith("鲁"):
        return "山东"
    if issuers and not any(i.startswith(("山东", "中共山东", "省", "国家税务总局山东", "中国人民银行济南"))
                           for i in issuers):
        return "国家"
    return "山东"
