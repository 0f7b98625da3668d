"""Layout parser for national-and-provinces-2020-q2.txt.

National notices of April–May 2020, then Beijing, Guangdong, Guangzhou,
Jiangsu, Tianjin and Shandong documents. A PDF extraction: every line is
hard-wrapped and followed by a blank line, pages end with "第 N 页 共 118 页"
now and then and start with a leading space, and each jurisdiction's block
opens with a header line of its own (" 北京市"). Documents start on a new page,
so their titles are page-start lines. See :mod:`._wrapped` for the rules.
"""

from __future__ import annotations

from kuaiban.corpus.layouts._wrapped import parse_pdf
from kuaiban.corpus.model import RawDocument

# Jurisdiction header lines → region.
REGION_HEADERS = {
    "人社部": "国家",
    "北京市": "北京",
    "广东省": "广东",
    "广州市": "广州",
    "江苏省": "江苏",
    "天津市": "天津",
    "山东省": "山东",
}


def parse(lines: list[str], file: str) -> list[RawDocument]:
    return parse_pdf(lines, file, REGION_HEADERS)
