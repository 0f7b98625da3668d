"""Comparing document titles as printed in different places (TOC, body, other compilations)."""

from __future__ import annotations

import difflib
import re

from kuaiban.corpus.text import squeeze

_PUNCT = re.compile(r"[\s《》〈〉“”\"'‘’「」()（）·、，,．.:：—\-]")


def in_book_marks(title: str) -> str:
    """A title cited between 书名号, a title printed inside it between 单书名号 (GB/T 15834—2011 4.15):
    《人力资源社会保障部财政部关于印发〈企业职工基本养老保险遗属待遇暂行办法〉的通知》."""
    return f"《{title.replace('《', '〈').replace('》', '〉')}》"


def title_key(title: str) -> str:
    """A title with spaces, quotes, brackets and punctuation removed (and a doubled 的的 closed)."""
    return _PUNCT.sub("", squeeze(title)).replace("的的", "的")


def titles_match(a: str, b: str) -> bool:
    """Whether two printed titles name the same document."""
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    # containment only counts when nearly all of the longer title is there: a law's name inside
    # a notice about that law is another document
    if short in long_ and len(short) >= 0.8 * len(long_):
        return True
    # an official title is "<issuers>关于<subject>的<kind>"; a copy may print it without the issuers
    if short.startswith("关于") and long_.endswith(short):
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.85
