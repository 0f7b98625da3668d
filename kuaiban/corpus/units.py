"""Numbered parts of a notice (一、 （一） 1. （1）) as addressable units.

About 87 % of the documents number their parts instead of writing 第X条. Each numbered
paragraph opens a :class:`~kuaiban.corpus.model.Unit`; the paragraphs after it, up to the
next numbered paragraph at any level (or a heading that is not numbered), belong to it.
Levels nest by the printed form, not by position: 一、 ⊃ （一） ⊃ 1. ⊃ （1）, so
"（二）" after "三、" is 三（二）. A unit's ``label`` is its full path as a citation
("三（二）1."), its ``anchor`` an ASCII fragment for pages ("s3-2-1").

Paragraphs inside 第X条 articles are not cut again: the article is already the unit.
"""

from __future__ import annotations

import re

from kuaiban.corpus.model import Paragraph, Unit
from kuaiban.corpus.text import cn_int, strip_markup

_CN = "一二三四五六七八九十"
# (level, pattern) in nesting order; the number is group "n"
_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(rf"^#*\s*(?P<n>[{_CN}]{{1,3}})\s*[、.．]")),
    (1, re.compile(rf"^#*\s*[（(]\s*(?P<n>[{_CN}]{{1,3}})\s*[）)]")),
    (2, re.compile(r"^#*\s*(?P<n>\d{1,2})\s*[.．、](?![\d])")),
    (3, re.compile(r"^#*\s*[（(]\s*(?P<n>\d{1,2})\s*[）)]")),
)
_FORMS = ("{}", "（{}）", "{}.", "（{}）")


def numbering(text: str) -> tuple[int, str] | None:
    """(level, printed number) when ``text`` opens with a part number: "（二）缓缴…" → (1, "二")."""
    plain = strip_markup(text).lstrip()
    for level, pattern in _LEVELS:
        m = pattern.match(plain)
        if m:
            return level, m["n"]
    return None


def _label(path: list[tuple[int, str]]) -> str:
    return "".join(_FORMS[level].format(n) for level, n in path)


def _anchor(path: list[tuple[int, str]], attachment: str | None) -> str:
    parts = "-".join(str(_as_int(n)) for _, n in path)
    prefix = f"f{_as_int(attachment[2:]) if attachment and attachment[2:] else 0}-" if attachment else ""
    return f"{prefix}s{parts}"


def _as_int(n: str) -> int:
    try:
        return cn_int(n)
    except ValueError:
        return 0


def extract_units(paragraphs: list[Paragraph], skip_lines: set[int] | frozenset[int] = frozenset(),
                  attachment: str | None = None) -> list[Unit]:
    """Every numbered part of ``paragraphs`` in order; paragraphs on ``skip_lines`` (articles) are left out."""
    units: list[Unit] = []
    path: list[tuple[int, str]] = []
    current: Unit | None = None
    seen: dict[str, int] = {}
    for p in paragraphs:
        if p.line in skip_lines:
            current, path = None, []
            continue
        found = numbering(p.text)
        text = strip_markup(p.text).lstrip("#").strip()
        if found is None:
            if current is not None and not p.heading and "\t" not in p.text:
                current.text += "\n" + text
                current.end_line = p.line
            elif p.heading:
                current, path = None, []
            continue
        level, n = found
        path = [(lv, x) for lv, x in path if lv < level] + [(level, n)]
        label = _label(path)
        anchor = _anchor(path, attachment)
        if anchor in seen:  # a second list numbered the same way (an annex inside the text): keep both
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        else:
            seen[anchor] = 1
        current = Unit(label=label, anchor=anchor, level=level, text=text, line=p.line, end_line=p.line,
                       attachment=attachment, parent=_label(path[:-1]) or None)
        units.append(current)
    return units


def paragraph_units(paragraphs: list[Paragraph], min_chars: int = 15) -> list[Unit]:
    """For a short text with neither articles nor numbered parts: each paragraph of substance is a
    unit "第N段" (headings, date lines and one-line signatures are not counted)."""
    units: list[Unit] = []
    for p in paragraphs:
        text = strip_markup(p.text).lstrip("#").strip()
        if p.heading or len(text) < min_chars or "\t" in p.text:
            continue
        n = len(units) + 1
        units.append(Unit(label=f"第{n}段", anchor=f"p{n}", level=0, text=text, line=p.line, end_line=p.line))
    return units
