"""Numbered parts of a notice (一、 （一） 1. （1）) as addressable units.

About 87 % of the documents number their parts instead of writing 第X条. Each numbered
paragraph opens a :class:`~kuaiban.corpus.model.Unit`; the paragraphs after it, up to the
next numbered paragraph at any level (or a heading that is not numbered), belong to it.
Levels nest by the printed form, not by position: 一、 ⊃ （一） ⊃ 1. ⊃ （1）, so
"（二）" after "三、" is 三（二）. A unit's ``label`` is its full path as a citation
("三（二）1."), its ``anchor`` an ASCII fragment for pages ("s3-2-1").

Paragraphs inside 第X条 articles are not cut again: the article is already the unit.

A text divided into 第X编, 第X章 and 第X节 without 第X条 articles (a plan: the 十四五规划) has its divisions
as units too, cited by their path ("第三章第二节", anchor "c3-2"; "第一编第二章" is "v1-c2"), each holding its
heading and the text up to the next division or numbered part, and the numbered parts under a division are
cited under it ("第三章第二节一（二）", anchor "c3-2-s1-2"; a box's items keep their box: "“专栏2”一1.").
A box item printed as a two-digit number over its description ("01 就业服务质量提升工程", 人社部发〔2021〕47号's
专栏3–13) is a part of its own in a division: "“专栏3”01", anchor "c2-3-b3-1" (division, box, item); a box
whose 专栏 title the compilation lost has its items cited under the division ("第七章第三节01", "c7-3-b0-1").
Divisions take the levels above 一、: 编 -3, 章 -2, 节 -1. A run of division headings with no text between
that names one kind twice is the plan's table of contents, not its divisions. Where the text has 第X条
articles the articles are its units, and its chapters stay what they were: the article's chapter.

A notice's closing is no part of its last numbered part: who to contact (联系人、联系电话、电子邮箱), the
attachment list (附件：1．… 2．…, whose numbered lines are attachment titles, not parts), and the sign-off
(the issuers' names over a date). Left out of the units, it stays in the document's text and is searched as
text outside the numbered parts. So is a table of contents (目录), whose entries repeat the parts' headings.
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


_DIVISION_KINDS = "编章节"
_DIVISION = re.compile(rf"^第\s*(?P<n>[0-9{_CN}百零〇]{{1,5}})\s*(?P<kind>[编章节])(?![^\s　:：])")
DIVISION_CHARS = 40  # a longer line opening "第一章" is a sentence, not a heading


def division(text: str) -> tuple[int, str, str] | None:
    """(rank, printed number, kind) when ``text`` is a 第X编/章/节 heading: "第二节 强化财力保障" → (2, "二", "节")."""
    plain = strip_markup(text).lstrip("#").strip()
    m = _DIVISION.match(plain)
    if not m or len(plain) > DIVISION_CHARS or plain.endswith(("。", "；", ";")):
        return None
    return _DIVISION_KINDS.index(m["kind"]), re.sub(r"\s+", "", m["n"]), m["kind"]


def _division_label(path: list[tuple[int, str, str]]) -> str:
    return "".join(f"第{n}{kind}" for _, n, kind in path)


def _division_anchor(path: list[tuple[int, str, str]]) -> str:
    """"c3-2" for 第三章第二节, "v1-c2" for 第一编第二章, "c0-2" for a 第二节 under no chapter."""
    numbers = {rank: _as_int(n) for rank, n, _ in path}
    out = f"v{numbers[0]}-" if 0 in numbers else ""
    if 1 in numbers or 2 in numbers:
        out += f"c{numbers.get(1, 0)}"
    if 2 in numbers:
        out += f"-{numbers[2]}"
    return out.rstrip("-")


def _contents(paragraphs: list[Paragraph]) -> set[int]:
    """Indexes of division headings that form a table of contents: a run of division headings with nothing
    between them in which one kind (章, 节) comes twice ("第一章 … 第一节 … 第二节 … 第二章 …")."""
    out: set[int] = set()
    run: list[int] = []
    for i in range(len(paragraphs) + 1):
        found = division(paragraphs[i].text) if i < len(paragraphs) else None
        if found is not None:
            run.append(i)
            continue
        kinds = [division(paragraphs[j].text)[2] for j in run]
        if len(kinds) > len(set(kinds)):
            out.update(run)
        run = []
    return out


def _label(path: list[tuple[int, str]]) -> str:
    return "".join(_FORMS[level].format(n) for level, n in path)


def _anchor(path: list[tuple[int, str]], attachment: str | None, within: str = "") -> str:
    """"s3-2-1" for 三（二）1.; in an attachment "f1-s3-2-1"; under a division ``within`` ("c3-2") "c3-2-s3-2-1"."""
    parts = "-".join(str(_as_int(n)) for _, n in path) if path else ""
    prefix = f"f{_as_int(attachment[2:]) if attachment and attachment[2:] else 0}-" if attachment else ""
    if not parts:
        return f"{prefix}{within}"
    return f"{prefix}{within}{'-' if within else ''}s{parts}"


def _as_int(n: str) -> int:
    try:
        return cn_int(n)
    except ValueError:
        return 0


# The closing of a notice (see the module's docstring). A contact line opens with its field's name; the
# attachment list with 附件 and a colon (or a bare 附件); the sign-off is a date line, with the issuers'
# names (short lines without punctuation) just above it.
_CONTACT = re.compile(r"^[（(]?\s*(联\s*系\s*人|联系方式|联系电话|联系单位|咨询电话|电子邮箱|电子邮件|通信地址|通讯地址"
                      r"|邮政编码)")
_ATTACHMENT_LIST = re.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]{0,3}\s*([:：]|$)")
_DATE_LINE = re.compile(r"^[（(]?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[）)]?$")
_NAME_LINE = re.compile(r"^[^，。；：、,;:！？!?（）()“”\d]{2,40}$")
_URL = re.compile(r"^(https?://|www\.)")
SIGN_OFF_NAMES = 6  # at most this many issuers' names above the date
_NOTE = re.compile(r"^注\s*[:：\d]")  # a table's note ("注:[]内为五年累计数")
_CONTENTS = re.compile(r"^目\s*录$")  # a plan's table of contents: up to the first line that is not an entry


def _plain(p: Paragraph) -> str:
    return strip_markup(p.text).lstrip("#").strip()


def closing_kind(paragraphs: list[Paragraph], i: int) -> str | None:
    """"list" where paragraph ``i`` opens the attachment list, "closing" where it opens the contact lines or
    the sign-off (or is a link), None where it is body text."""
    text = _plain(paragraphs[i])
    if _ATTACHMENT_LIST.match(text):
        return "list"
    if _CONTACT.match(text) or _DATE_LINE.match(text) or _URL.match(text):
        return "closing"
    if _NAME_LINE.match(text):  # an issuer's name, when only names stand between it and a date line
        for following in paragraphs[i + 1:i + 1 + SIGN_OFF_NAMES]:
            after = _plain(following)
            if _DATE_LINE.match(after):
                return "closing"
            if not _NAME_LINE.match(after):
                break
    return None


def extract_units(paragraphs: list[Paragraph], skip_lines: set[int] | frozenset[int] = frozenset(),
                  attachment: str | None = None, divisions: bool = False) -> list[Unit]:
    """Every numbered part of ``paragraphs`` in order; paragraphs on ``skip_lines`` (articles) are left out,
    and so is a notice's closing (contacts, attachment list, sign-off). With ``divisions`` (a text without
    articles) its 第X编/章/节 are units too, and the parts under them are cited under them."""
    units: list[Unit] = []
    toc = _contents(paragraphs) if divisions else set()
    div_path: list[tuple[int, str, str]] = []
    held: Unit | None = None  # the division the text is in
    div_units: list[Unit] = []
    prefixes: list[str] = []  # per numbered part: the label of the division holding it
    path: list[tuple[int, str]] = []
    current: Unit | None = None
    seen: dict[str, int] = {}
    listing = False  # inside the attachment list: numbered lines (1．… 2．…) are attachment titles
    contents = False  # inside a table of contents ("目录"): its numbered lines are the parts' headings again
    runs = _Runs()
    sections: list[int] = []  # per unit: its run (an index into runs.titles)
    box: str | None = None  # the box (专栏3) the text is in, in a division
    items: list[Unit] = []  # box items ("01 就业服务质量提升工程"): cited under their box, outside the runs
    for i, p in enumerate(paragraphs):
        if p.line in skip_lines:
            current, path, listing = None, [], False
            continue
        found = numbering(p.text)
        text = _plain(p)
        part_of = division(p.text) if divisions else None
        if part_of is not None:
            current, path, listing, contents, box = None, [], False, False, None
            runs.pending = None
            runs.open_run()  # a division ends the box or titled run before it
            if i in toc:
                continue
            div_path = [d for d in div_path if d[0] < part_of[0]] + [part_of]
            within = _division_anchor(div_path)
            prefix = f"f{_as_int(attachment[2:]) if attachment[2:] else 0}-" if attachment else ""
            held = current = Unit(label=_division_label(div_path), anchor=prefix + within,
                                  level=part_of[0] - len(_DIVISION_KINDS), text=text, line=p.line,
                                  end_line=p.last_line, attachment=attachment,
                                  parent=_division_label(div_path[:-1]) or None)
            div_units.append(held)
            continue
        if _CONTENTS.match(text):
            current, path, contents = None, [], True
            continue
        if contents and found is not None:
            continue
        contents = False
        item = _BOX_ITEM.match(text) if held is not None and found is None and "\t" not in p.text else None
        if item is not None:
            # a box's item opens a part of its own, cited under the box; its text is its title and description
            n = int(item["n"])
            name = f"“{box}”" if box else held.label  # a box whose title the compilation lost: its division's
            anchor = f"{held.anchor}-b{_as_int(box[2:]) if box else 0}-{n}"
            if anchor in seen:
                seen[anchor] += 1
                anchor = f"{anchor}-r{seen[anchor]}"
            else:
                seen[anchor] = 1
            label = f"{name}{item['n']}"
            if any(u.label == label for u in items):
                label = f"{label}（第{sum(u.label.startswith(label) for u in items) + 1}处）"
            current = Unit(label=label, anchor=anchor, level=0, text=text, line=p.line,
                           end_line=p.last_line, attachment=attachment, parent=held.label)
            items.append(current)
            path, listing = [], False
            continue
        if found is None and items and current is items[-1] and "\n" in current.text and (
                _SENTENCE_END.search(current.text) or p.heading or _BOX.match(text)):
            current = held  # past the box item's description: the division's text goes on (or a box opens)
        if found is None:
            holder = current  # the part this paragraph would go on (a box's title: the part the box stands in)
            if held is not None and _BOX.match(text):
                box = re.sub(r"\s+", "", _BOX.match(text).group())
            closing = None if p.heading else closing_kind(paragraphs, i)
            title = closing is None and _is_title(p, text)
            if closing is not None:
                current, listing, held = None, listing or closing == "list", None
            elif current is not None and "\t" in current.text.split("\n", 1)[0] and not _NOTE.match(text):
                current = None  # a table's numbered row holds its row and notes, not the text after the table
            elif not title and not p.heading and runs.box_ends_before(current):
                current = runs.close_box()  # the box's last item ended its sentence: the text it stands in goes on
            appended = closing is None and current is not None and not p.heading and "\t" not in p.text
            if appended:
                current.text += "\n" + text
                current.end_line = p.last_line
            elif p.heading and _BOX.match(text):
                current, listing = None, False  # a box stands in the part: the numbering goes on after it
            elif p.heading and _opens_sub_run(paragraphs, i, path, text):
                current = None  # "科研为主型" under "（三）副教授": its items are the part's, under this title
            elif p.heading:
                current, path, listing = None, [], False
            if title:
                if runs.box is not None:  # a box right after a box: both stand in the same part
                    holder = runs.outer
                runs.title_line(text, outer=holder)
                if holder is not None and _BOX.match(text) and current is None:
                    holder.text += "\n" + text  # a box's title: in the part it stands in (and searched there)
                    holder.end_line = max(holder.end_line, p.last_line)
                    appended = True
            if held is not None and not appended and closing is None and current is None:
                # text, a heading or a table's header row in a division outside its numbered parts
                held.text += "\n" + text
                held.end_line = p.last_line
            continue
        level, n = found
        if listing and level >= 2:
            continue  # an attachment's title in the list (1．… 2．…)
        listing = False
        path = [(lv, x) for lv, x in path if lv < level] + [(level, n)]
        label = _label(path)
        anchor = _anchor(path, attachment, held.anchor.split("-", 1)[1] if held and attachment else
                         held.anchor if held else "")
        if anchor in seen:  # a second list numbered the same way (an annex inside the text): keep both
            seen[anchor] += 1
            anchor = f"{anchor}-r{seen[anchor]}"  # "-r": never an anchor of its own (s1-2 is 一（二）)
        else:
            seen[anchor] = 1
        current = Unit(label=label, anchor=anchor, level=level, text=text, line=p.line, end_line=p.last_line,
                       attachment=attachment, parent=_label(path[:-1]) or None)
        units.append(current)
        prefixes.append(held.label if held else "")
        sections.append(runs.part(level, _as_int(n), "\t" in p.text))
    units = _distinct_labels(units, sections, runs.titles, prefixes)
    if not div_units:
        return units
    return sorted([*div_units, *units, *items], key=lambda u: u.line)


_SENTENCE_END = re.compile(r"[。；！？.;!?][”’」）)]*$")


class _Runs:
    """Which run of parts each part belongs to, for citing repeated labels (see _distinct_labels).

    A title line opens a run when the next part starts its numbering again (一、（一）1.): otherwise it is a
    sub-heading inside a part. A titled run ends at a part above its first part's level. A box (专栏N) is a
    run of items numbered from 1 that ends at a part above its items' level, at a part that is no row (when
    its items are table rows), where its numbering starts again, or at text after an item that ended its
    sentence; the text it stands in then goes on (in the part that held the box)."""

    def __init__(self) -> None:
        self.titles: list[str | None] = [None]
        self.pending: str | None = None  # a title line no part has followed yet
        self.pending_outer: Unit | None = None  # the last part before it
        self.level: int | None = None  # the level of the current titled run's first part
        self.box: tuple[int, bool, int] | None = None  # its items' level, rows or not, the last item's number
        self.outer: Unit | None = None  # the part the box stands in

    def title_line(self, text: str, outer: Unit | None) -> None:
        self.pending, self.pending_outer = text, outer

    def open_run(self) -> None:
        """A new run without a title (a division starts)."""
        self._open(None, None)

    def _open(self, title: str | None, level: int | None) -> None:
        self.titles.append(title)
        self.level, self.box = level, None

    def part(self, level: int, number: int, row: bool) -> int:
        title, self.pending = self.pending, None
        if title is not None and _BOX.match(title):
            if number == 1:
                self._open(title, level)
                self.box, self.outer = (level, row, 1), self.pending_outer
            else:
                self._open(None, None)  # a box without numbered items: this part goes on the text around it
        elif title is not None and number == 1:
            self._open(title, level)
        elif self.box is not None:
            items, rows, last = self.box
            if level < items or (rows and not row) or (level == items and number <= last):
                self._open(None, None)
            elif level == items:
                self.box = (items, rows, number)
        elif self.level is not None and level < self.level:
            self._open(None, None)
        return len(self.titles) - 1

    def box_ends_before(self, current: Unit | None) -> bool:
        """Whether body text here is past the box: its last item (``current``) ended its sentence."""
        return self.box is not None and current is not None and bool(_SENTENCE_END.search(current.text))

    def close_box(self) -> Unit | None:
        """End the box; the part it stands in (which the text after it goes on)."""
        outer = self.outer
        self._open(None, None)
        return outer


# A title line between numbered runs: a heading, a box ("专栏2 “十四五”时期主要指标"), or a short line without
# a sentence's punctuation ("申请流程"). Where a run numbers its parts as an earlier run did (a second table of
# indicators, a second box, the steps after the materials), its labels are told apart by its title (_Runs).
_BOX = re.compile(r"^专栏\s*\d+")
# An item of a box in a plan divided into 章/节 (人社部发〔2021〕47号): a two-digit number and a short title,
# "01 就业服务质量提升工程", its description in the paragraph below.
_BOX_ITEM = re.compile(r"^(?P<n>0[1-9]|[1-9]\d)\s*(?P<title>[^，。；！？,;!?\t\d][^，。；！？,;!?\t]{1,39})$")
_TITLE_LINE = re.compile(r"^[^，。；！？,;!?\t]{2,40}$")


def _opens_sub_run(paragraphs: list[Paragraph], i: int, path: list[tuple[int, str]], text: str) -> bool:
    """Whether a line set as a heading is a sub-heading inside the current part, not a new section: a short
    title (no sentence punctuation) right after which the numbering starts again from 1 below the top level
    ("（三）副教授 / 科研为主型 / 1.… 4. / 教学科研型 / 1.…": each type's items are 五（三）'s, told apart by
    the type). A heading before a top-level part ("一、") or before text still starts a new section."""
    if not path or not _TITLE_LINE.match(text) or i + 1 >= len(paragraphs):
        return False
    following = numbering(paragraphs[i + 1].text)
    return following is not None and following[0] > path[0][0] and _as_int(following[1]) == 1


def _is_title(p: Paragraph, text: str) -> bool:
    return p.heading or bool(_BOX.match(text)) or bool(_TITLE_LINE.match(text))


TITLE_CHARS = 16  # a longer title is cited by its first characters and "…"


def _short_title(title: str) -> str:
    """专栏2 (a box by its number) or the title without its own quotes, its first characters when long."""
    box = _BOX.match(title)
    if box:
        return re.sub(r"\s+", "", box.group())
    plain = re.sub(r"[“”\"《》]", "", title).strip().rstrip(":：")
    return plain if len(plain) <= TITLE_CHARS else plain[:TITLE_CHARS - 4] + "…"


def _distinct_labels(units: list[Unit], sections: list[int], titles: list[str | None],
                     prefixes: list[str] | None = None) -> list[Unit]:
    """Every label cited once. A box's items are cited under the box ("“专栏2”一1."); the parts of a run that
    repeats an earlier run's labels under the run's title ("“申请流程”（一）"); a label still repeated (no
    title, or twice under one) with its occurrence ("（一）（第2处）"). Other labels are left as they are, but
    under the division holding them (``prefixes``: "第三章第二节" + "一（二）"), which tells them apart."""
    prefixes = prefixes or [""] * len(units)
    boxes = {i for i, title in enumerate(titles) if title and _BOX.match(title)}
    rows = list(zip(units, sections, prefixes, strict=True))
    first: dict[str, int] = {}
    for unit, section, pre in rows:
        if section not in boxes:
            first.setdefault(pre + unit.label, section)
    repeating = boxes | {section for unit, section, pre in rows
                         if section not in boxes and first[pre + unit.label] < section}
    # a titled run of sub-parts whose labels a later run repeats is cited by its title too: "“科研为主型”五（三）1."
    # beside "“教学科研型”五（三）1.", not a bare "五（三）1." that reads as if it held for every type
    repeating |= {first[pre + unit.label] for unit, section, pre in rows
                  if section in repeating and section not in boxes and unit.parent
                  and titles[first[pre + unit.label]]}
    cited: dict[tuple[int, str, str], str] = {}
    count: dict[str, int] = {}
    for unit, section, holding in rows:
        title = titles[section] if section in repeating else None
        pre = "" if section in boxes else holding  # a box's number tells its items apart in the whole text
        parent = cited.get((section, pre, unit.parent)) if unit.parent else None
        if parent is not None and parent != pre + unit.parent and unit.label.startswith(unit.parent):
            name = parent + unit.label[len(unit.parent):]  # under a part cited otherwise: "七（第3处）2."
        else:
            name = pre + (f"“{_short_title(title)}”{unit.label}" if title else unit.label)
        count[name] = count.get(name, 0) + 1
        if count[name] > 1:
            name = f"{name}（第{count[name]}处）"
        cited[(section, pre, unit.label)] = name
        if unit.parent:
            unit.parent = cited.get((section, pre, unit.parent), unit.parent)
        else:
            unit.parent = holding or None  # a division's first-level part (or box item): the division holds it
        unit.label = name
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
        units.append(Unit(label=f"第{n}段", anchor=f"p{n}", level=0, text=text, line=p.line, end_line=p.last_line))
    return units
