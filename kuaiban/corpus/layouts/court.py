"""Layout parser for court-national-provinces-2020.txt.

最高人民法院's guiding opinions (三) (法发〔2020〕20号) and other court
documents, then national notices (人社部, 国家医保局), then Beijing, Shanghai,
Tianjin, Guangdong and Jiangsu documents. The same PDF conventions as q2
(hard wraps with a blank line after each line, "第 N 页 共 92 页" footers,
page-start leading spaces, jurisdiction header lines such as " 最高院 ") plus
trailing spaces, spaces inside numbers and dates ("2020 年 6月 8日", "第 79条")
and one measures title that runs straight into the first sentence of its text.
"""

from __future__ import annotations

from kuaiban.corpus.layouts._wrapped import parse_pdf
from kuaiban.corpus.model import Paragraph, RawDocument
from kuaiban.corpus.text import squeeze

REGION_HEADERS = {
    "最高院": "国家",
    "人社部": "国家",
    "国家医保局": "国家",
    "北京市": "北京",
    "上海市": "上海",
    "天津市": "天津",
    "广东省": "广东",
    "江苏省": "江苏",
}


def _split_run_in_title(doc: RawDocument) -> None:
    """The 20号 cover notice prints the opinions' title over two lines and runs the
    second one straight into the first sentence::

        最高人民法院关于依法妥善审理涉新冠肺炎疫情民事案件
        若干问题的指导意见（三）为依法妥善审理涉新冠肺炎疫情涉外商事海事…

    Give the heading its whole title back and leave the sentence as the body."""
    tail = squeeze(doc.title)[-8:]
    out: list[Paragraph] = []
    paras = doc.paragraphs
    i = 0
    while i < len(paras):
        p = paras[i]
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        pos = nxt.text.find(tail) if (p.heading and nxt is not None and len(tail) == 8) else -1
        if nxt is not None and 0 <= pos <= 40 and len(nxt.text) > pos + len(tail):
            cut = pos + len(tail)
            # the title's tail opens the sentence's first line: the heading ends on that line
            out.append(Paragraph(text=p.text + nxt.text[:cut], line=p.line, heading=True, end_line=nxt.line))
            out.append(Paragraph(text=nxt.text[cut:], line=nxt.line, end_line=nxt.end_line))
            i += 2
            continue
        out.append(p)
        i += 1
    doc.paragraphs = out


def parse(lines: list[str], file: str) -> list[RawDocument]:
    docs = parse_pdf(lines, file, REGION_HEADERS)
    for doc in docs:
        _split_run_in_title(doc)
    return docs
