"""Shared structure extraction: articles, chapters, attachments, tables, dates.

Layout parsers hand over a :class:`RawDocument` whose paragraphs are already
clean; this module finds the structure every layout shares.
"""

from __future__ import annotations

import re

from kuaiban.corpus.model import Article, Attachment, Paragraph, ParsedDocument, RawDocument, Table
from kuaiban.corpus.text import (
    CN_DIGITS,
    DATE_LINE_RE,
    EFFECTIVE_RE,
    EXPIRY_RE,
    SIGNATURE_LINE_RE,
    cn_int,
    date_from_match,
    strip_markup,
    unspace_cjk,
)
from kuaiban.corpus.units import closing_kind, extract_units, numbering, paragraph_units

_NUM = rf"[0-9{CN_DIGITS}]{{1,6}}"
ARTICLE_RE = re.compile(rf"^\s*(?:\*\*)?\s*第\s*(?P<n>{_NUM})\s*条(?:\*\*)?(?:[\s　:：]|$)")
CHAPTER_RE = re.compile(rf"^\s*#*\s*(?:\*\*)?第\s*(?P<n>{_NUM})\s*章\s*(?P<title>.*)$")
SECTION_RE = re.compile(rf"^\s*#*\s*第\s*{_NUM}\s*节")
# "附件1", "附件 2", "附件：", "附件一" alone on a line (optionally with a title after it).
ATTACHMENT_RE = re.compile(rf"^\s*#*\s*附\s*件\s*(?P<n>{_NUM})?\s*[:：]?\s*(?P<rest>.*)$")
OMITTED_RE = re.compile(r"^[（(]\s*略\s*[）)]$|[（(]\s*略\s*[）)]\s*$")
# a heading that starts or ends so; 《政策解读工作办法》 is a title, not an explainer
EXPLAINER_RE = re.compile(r"^(?:政策)?解读|(?:解读|答记者问|问答|解答)[)）]?$")
_LIST_ITEM_RE = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.．、]")
LIST_HEAD_RE = re.compile(r"^\s*附\s*件\s*[:：]\s*(?P<rest>.*)$")
LIST_ENTRY_RE = re.compile(r"^\s*[-·]?\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*[.．、]\s*(?P<title>.+)$")
NUMBERS_ONLY_RE = re.compile(r"^(?P<nums>[\d、，,和及\s]+)[（(]\s*略\s*[）)]")
MARK_OMITTED_RE = re.compile(r"\s*[（(]\s*略\s*[）)]\s*$")


def _list_entries(paragraphs: list[Paragraph], i: int) -> list[tuple[str | None, str, int]] | None:
    """The entries (number, title, line) of the notice's own attachment list opening at paragraph ``i``
    ("附件：1. …", one per line after it, or one unnumbered title on the line); None where no list opens."""
    m = LIST_HEAD_RE.match(strip_markup(paragraphs[i].text))
    if not m:
        return None
    line = paragraphs[i].line
    rest = m["rest"].strip()
    entries: list[tuple[str | None, str, int]] = []
    if rest:
        e = LIST_ENTRY_RE.match(rest)
        entries.append((e["n"], e["title"], line) if e else (None, rest, line))
    for p in paragraphs[i + 1 : i + 30]:
        text = strip_markup(p.text)
        e = LIST_ENTRY_RE.match(text)
        if e:
            entries.append((e["n"], e["title"], p.line))
        elif not entries and MARK_OMITTED_RE.search(text):
            entries.append((None, text, p.line))  # a single unnumbered attachment
        else:
            break
    return entries


def omitted_in_list(paragraphs: list[Paragraph], i: int) -> list[Attachment]:
    """Attachments a notice's own list marks （略）: "附件：1、2（略）", "附件：\n- 1.标题（略）".

    The compilation printed only their names (or numbers), so they are recorded as
    omitted attachments and never filled in.
    """
    m = LIST_HEAD_RE.match(strip_markup(paragraphs[i].text))
    if not m:
        return []
    nums = NUMBERS_ONLY_RE.match(m["rest"].strip())
    if nums:
        return [Attachment(label=f"附件{n}", title="", line=paragraphs[i].line, omitted=True)
                for n in re.findall(r"\d+", nums["nums"])]
    out = []
    for n, title, at in _list_entries(paragraphs, i) or []:
        if MARK_OMITTED_RE.search(title):
            label = f"附件{cn_int(n)}" if n else "附件"
            out.append(Attachment(label=label, title=MARK_OMITTED_RE.sub("", title).strip(), line=at, omitted=True))
    return out


def listed_titles(paragraphs: list[Paragraph], i: int) -> dict[str, tuple[str, str]]:
    """The attachments (not marked （略）) a notice's own list names at paragraph ``i``, as the title's plain
    form → (label, title): where the body prints a line that is one of these titles, that attachment starts
    there, though no "附件N" line stands above it."""
    out: dict[str, tuple[str, str]] = {}
    for n, title, _ in _list_entries(paragraphs, i) or []:
        try:
            label = f"附件{cn_int(n)}" if n else "附件"
        except ValueError:
            continue
        key = _title_key(title)
        if len(key) >= 4 and not MARK_OMITTED_RE.search(title):
            out[key] = (label, title.strip().rstrip("；;。.,，"))
    return out


def _title_key(text: str) -> str:
    """A title's characters without markup, spaces and punctuation: the list's entry and the printed heading
    of one attachment compare equal."""
    return re.sub(r"[\s#*“”\"《》（）()、，,。.;；:：·\-]", "", strip_markup(text))


def _attachment_start(paragraphs: list[Paragraph], i: int) -> tuple[str, str, int] | None:
    """If paragraph ``i`` opens an attachment, return (label, title, paragraphs consumed).

    The notice's own list of attachments ("附件：1. …  2. …") is not an
    attachment start: a start is a bare "附件N" (or "附件N 标题") followed by
    its title, not by a numbered list.
    """
    m = ATTACHMENT_RE.match(paragraphs[i].text)
    if not m:
        return None
    raw = paragraphs[i].text
    if raw.rstrip().endswith((":", "：")):
        return None  # "附件（附件详情见官网）：" introduces the notice's own list
    rest = m["rest"].strip()
    label = f"附件{cn_int(m['n'])}" if m["n"] else "附件"
    if rest and (_LIST_ITEM_RE.match(rest) or "：" in raw[:4] or ":" in raw[:4]):
        return None  # "附件：1.xxx" is the list inside the notice
    if rest:
        return label, strip_markup(rest).strip("#").strip(), 1
    nxt = paragraphs[i + 1].text if i + 1 < len(paragraphs) else ""
    if not nxt or _LIST_ITEM_RE.match(nxt) or (("：" in raw) or (":" in raw)):
        return None
    return label, strip_markup(nxt).strip("#").strip(), 2


def _cells(text: str) -> list[str]:
    return [strip_markup(c).strip() for c in text.split("\t")]


_HEADER_SPACE = re.compile(r"\s+")
_HALF_WIDTH = str.maketrans("（）：，", "():,")


def _header_words(row: list[str]) -> list[str]:
    """A header row as compared with its reprint: the non-empty cells, without spaces, brackets of one width.
    Hunan reprints headers after a page break with （单位） for (单位) (人社厅发〔2020〕80号, line 8330), letter-spaced
    (一级 指标, 湘人社规〔2020〕19号, 9364) or over one more column (its 9358, 9377)."""
    return [w for c in row if (w := _HEADER_SPACE.sub("", c).translate(_HALF_WIDTH))]


def _sub_header(row: list[str]) -> bool:
    """The second line of a header printed over two (湘人社规〔2020〕19号: under 内涵标准与要求, the columns
    普通技工学校 / 高级技工学校 / 技师学院): it opens with empty cells and holds only short names."""
    words = _header_words(row)
    return bool(row) and not row[0].strip() and bool(words) and all(
        len(w) <= 12 and not re.search(r"[。；;，,、\d]", w) for w in words)


def extract_tables(paragraphs: list[Paragraph]) -> list[Table]:
    """Consecutive tab-separated paragraphs form one table; a repeated header row
    (the header printed again after a page break) is dropped, not stored twice: read by its words
    (:func:`_header_words`), and with it the repeat of a header's second line (:func:`_sub_header`)."""
    tables: list[Table] = []
    current: list[list[str]] = []
    start = 0

    def flush() -> None:
        if len(current) >= 2:
            header = current[0]
            words = _header_words(header)
            second = _sub_header(current[1])
            rows = [header]
            after_repeat = False
            for k, r in enumerate(current[1:], start=1):
                if _header_words(r) == words:
                    after_repeat = True
                    continue
                if after_repeat and second and k > 1 and _sub_header(r):
                    after_repeat = False
                    continue
                after_repeat = False
                rows.append(r)
            tables.append(Table(rows=rows, line=start, header=header))
        elif len(current) == 1 and len(current[0]) >= 3:
            tables.append(Table(rows=list(current), line=start, header=None))

    for p in paragraphs:
        if "\t" in p.text:
            if not current:
                start = p.line
            current.append(_cells(p.text))
        else:
            # a table interrupted by a blank-ish page break continues if the same header follows
            if current and not p.text.strip():
                continue
            flush()
            current = []
    flush()
    # merge tables split by page breaks: same header → one table
    merged: list[Table] = []
    for t in tables:
        if merged and t.header and merged[-1].header == t.header:
            merged[-1].rows.extend(t.rows[1:])
        else:
            merged.append(t)
    return merged


# The next article printed on in the same paragraph as the last one's end ("…满5年。第十二条掌握…", a
# typesetting slip of the compilation): the text after the stop opens it.
_GLUED_ARTICLE = re.compile(rf"[。；]\s*(?=第\s*(?P<n>{_NUM})\s*条)")


def _glued_next(text: str, current: Article | None) -> int | None:
    """Where in ``text`` the article after ``current`` starts, if it is printed on mid-paragraph."""
    if current is None or current.number is None:
        return None
    for m in _GLUED_ARTICLE.finditer(text):
        try:
            if cn_int(m["n"]) == current.number + 1:
                return m.end()
        except ValueError:
            continue
    return None


def extract_articles(paragraphs: list[Paragraph], attachment: str | None = None) -> list[Article]:
    """第X条 articles with their chapter; an article runs until the next article,
    chapter or section heading, or the document's closing (see kuaiban.corpus.units). A line the
    compilation set as a heading but numbered as an item ("(一)技术员" under "第六条 学历、学位符合下列条件：")
    is part of the article."""
    articles: list[Article] = []
    chapter: str | None = None
    current: Article | None = None
    for i, p in enumerate(paragraphs):
        text = strip_markup(p.text)
        cut = _glued_next(text, current) if not ARTICLE_RE.match(text) else None
        if cut is not None:
            current.text += "\n" + text[:cut].strip()
            # which of the paragraph's lines the stop is on is not known: the whole paragraph is cited for both
            current.end_line = p.last_line
            current = Article(number=current.number + 1, text=text[cut:].strip(), line=p.line, chapter=chapter,
                              attachment=attachment, end_line=p.last_line)
            articles.append(current)
            continue
        cm = CHAPTER_RE.match(text)
        if cm and len(text) <= 40:
            name = unspace_cjk(cm["title"])
            chapter = re.sub(r"\s+", "", f"第{cm['n']}章") + (f" {name}" if name else "")
            current = None
            continue
        if SECTION_RE.match(text) and len(text) <= 40:
            current = None
            continue
        am = ARTICLE_RE.match(text)
        if am:
            try:
                number = cn_int(am["n"])
            except ValueError:
                number = None
            if number is not None:
                current = Article(number=number, text=text.strip(), line=p.line, chapter=chapter,
                                  attachment=attachment, end_line=p.last_line)
                articles.append(current)
                continue
        if current is not None and closing_kind(paragraphs, i) is not None:
            current = None  # the closing (contacts, attachment list, sign-off) is no part of the last article
            continue
        item = p.heading and (found := numbering(text)) is not None and found[0] >= 1
        if current is not None and (not p.heading or item):
            current.text += "\n" + text.strip()
            current.end_line = p.last_line
        elif p.heading:
            current = None
    return articles


def _unique_anchors(units: list) -> None:
    """One anchor per part on the document's page: two attachments without a number both start "f0-"."""
    seen: set[str] = set()
    for unit in units:
        anchor, k = unit.anchor, 1
        while anchor in seen:
            k += 1
            anchor = f"{unit.anchor}-r{k}"
        unit.anchor = anchor
        seen.add(anchor)


LABEL_CHARS = 40  # an attachment's label (a 附件 number, or a printed text's title in 《》) fits the database


def _printed_measures(main: list[Paragraph]) -> tuple[list[Paragraph], list[Attachment]]:
    """The texts a notice prints one after another in its body, each under its own title and numbered from
    第一条 again (a 规定 and its 考试实施办法, a 协定 and its 行政协议): from the second on, each is the
    notice's attachment in all but the word 附件, labelled by its title (《经济专业技术资格考试实施办法》), so
    that its 第一条 is cited as that text's, not as a second 第一条 of the first."""
    out: list[Attachment] = []
    seen_article = False
    start = 0
    for i, p in enumerate(main):
        m = ARTICLE_RE.match(strip_markup(p.text))
        if not m:
            continue
        try:
            first = cn_int(m["n"]) == 1
        except ValueError:
            continue
        if first and seen_article:
            # its title: a line set as a heading just above (not a 第X章 or 第X节 of the text before)
            for j in range(i - 1, max(i - 4, start), -1):
                title = strip_markup(main[j].text).strip("# ").strip()
                if main[j].heading and not CHAPTER_RE.match(title) and not SECTION_RE.match(title) and title:
                    label = f"《{title}》"
                    if len(label) > LABEL_CHARS:
                        label = f"《{title[:LABEL_CHARS - 3]}…》"
                    out.append(Attachment(label=label, title=title, line=main[j].line, kind="measures"))
                    start = j
                    break
        seen_article = True
    if not out:
        return main, out
    cuts = [a.line for a in out] + [None]
    body = [p for p in main if p.line < cuts[0]]
    for att, end in zip(out, cuts[1:], strict=True):
        att.paragraphs = [p for p in main if p.line > att.line and (end is None or p.line < end)]
    return body, out


def build_document(raw: RawDocument) -> ParsedDocument:
    """Turn a layout parser's raw document into the structured document."""
    main: list[Paragraph] = []
    attachments: list[Attachment] = []
    listed_omitted: list[Attachment] = []
    current: Attachment | None = None
    i = 0
    paras = raw.paragraphs
    listed: dict[str, tuple[str, str]] = {}  # attachments the notice's list names, not yet started
    while i < len(paras):
        p = paras[i]
        start = _attachment_start(paras, i)
        named = listed.get(_title_key(p.text)) if not start and len(p.text) <= 80 else None
        if named and (current is None or current.label != named[0]):
            start = (*named, 1)  # the body prints a listed attachment's title: it starts here
        if start:
            label, title, used = start
            current = Attachment(label=label, title=title, line=p.line)
            attachments.append(current)
            listed = {key: entry for key, entry in listed.items() if entry[0] != label}
            i += used
            continue
        plain = strip_markup(p.text).strip("# ")
        if p.heading and EXPLAINER_RE.search(plain) and len(plain) <= 80:
            current = Attachment(label="解读", title=plain, line=p.line, kind="explainer")
            attachments.append(current)
            i += 1
            continue
        if current is not None:
            if OMITTED_RE.search(plain) and not current.paragraphs:
                current.omitted = True
            current.paragraphs.append(p)
        else:
            listed_omitted.extend(omitted_in_list(paras, i))
            listed.update(listed_titles(paras, i))
            main.append(p)
        i += 1
    printed = {a.label for a in attachments}
    attachments = [a for a in listed_omitted if a.label not in printed] + attachments
    main, measures = _printed_measures(main)
    attachments = measures + attachments

    articles = extract_articles(main)
    for att in attachments:
        articles.extend(extract_articles(att.paragraphs, attachment=att.label))
    tables = extract_tables(main)
    for att in attachments:
        tables.extend(extract_tables(att.paragraphs))
    units = extract_units(main, _article_lines(main, articles, None),
                          divisions=not any(a.attachment is None for a in articles))
    if not units and not any(a.attachment is None for a in articles):
        units = paragraph_units(main)
    for att in attachments:
        if not att.omitted and att.kind != "explainer":
            units.extend(extract_units(att.paragraphs, _article_lines(att.paragraphs, articles, att.label),
                                       attachment=att.label,
                                       divisions=not any(a.attachment == att.label for a in articles)))
    _unique_anchors(units)

    doc = ParsedDocument(
        title=raw.title,
        source=raw.source,
        doc_no=raw.doc_no,
        issuers=list(raw.issuers),
        date=raw.date or signature_date(main),
        effective_date=raw.effective_date,
        region=raw.region,
        category=raw.category,
        paragraphs=main,
        articles=articles,
        units=units,
        attachments=attachments,
        tables=tables,
    )
    if doc.effective_date is None:
        for p in main:
            m = EFFECTIVE_RE.search(p.text)
            if m:
                doc.effective_date = date_from_match(m)
                break
    for p in main:
        m = EXPIRY_RE.search(p.text)
        if m and ("有效期" in p.text or "执行至" in p.text):
            doc.expiry_date = date_from_match(m)
            break
    return doc


def _article_lines(paragraphs: list[Paragraph], articles: list[Article], attachment: str | None) -> set[int]:
    """Lines of ``paragraphs`` inside a 第X条 article: those are cited by article, not cut again."""
    spans = [(a.line, a.end_line or a.line) for a in articles if a.attachment == attachment]
    return {p.line for p in paragraphs if any(s <= p.line <= e for s, e in spans)}


def signature_date(paragraphs: list[Paragraph]):
    """The last stand-alone date line of the main text (the 成文日期 under the issuer)."""
    for p in reversed(paragraphs[-12:] if len(paragraphs) > 12 else paragraphs):
        m = SIGNATURE_LINE_RE.match(strip_markup(p.text).strip())
        if m:
            return date_from_match(m)
    for p in paragraphs[:6]:  # some compilations print "(2020年2月4日)" under the title
        m = DATE_LINE_RE.match(strip_markup(p.text).strip())
        if m:
            return date_from_match(m)
    return None
