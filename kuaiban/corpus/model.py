"""What the parser produces: plain dataclasses, independent of storage.

The pipeline has two stages (see docs/ARCHITECTURE.md):

1. a *layout* parser (``kuaiban.corpus.layouts.*``) knows one compilation's
   typography. It cuts the file into documents and yields :class:`RawDocument`
   objects: header fields plus the body as logical paragraphs (hard wraps
   joined, page footers dropped), each paragraph with its first source line;
2. :func:`kuaiban.corpus.structure.build_document` is shared by all layouts and
   turns a raw document into a :class:`ParsedDocument` with articles (第X条),
   attachments (附件) and tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceSpan:
    """Where a document came from: compilation file name and 1-based inclusive line range."""

    file: str
    start_line: int
    end_line: int

    def to_dict(self) -> dict:
        return {"file": self.file, "start_line": self.start_line, "end_line": self.end_line}


@dataclass
class Paragraph:
    """One logical paragraph of a body, with the source lines it starts and ends on.

    Layouts join hard-wrapped lines into one paragraph: ``line`` is the first source line holding its text,
    ``end_line`` the last (None: the paragraph is printed on ``line`` alone; :attr:`last_line` reads either).
    Page footers and blank lines skipped between the two do not matter. Table rows keep their tab separators;
    ``heading`` marks a line the compilation itself typeset as a heading (markdown ``#`` in Hunan).
    """

    text: str
    line: int
    heading: bool = False
    end_line: int | None = None

    @property
    def last_line(self) -> int:
        """The last source line holding the paragraph's text."""
        return self.end_line if self.end_line is not None and self.end_line > self.line else self.line


@dataclass
class Table:
    """A table as rows of cells; ``header`` is the first row when it looks like a header."""

    rows: list[list[str]]
    line: int
    header: list[str] | None = None


@dataclass
class Article:
    """第X条 of a document: ``number`` is the integer X, ``chapter`` the 第X章 heading it sits in."""

    number: int
    text: str
    line: int
    chapter: str | None = None
    attachment: str | None = None  # label of the attachment holding it, None for the main text
    end_line: int | None = None  # last source line of the article's last paragraph


@dataclass
class Unit:
    """A numbered part of a notice (一、 （一） 1. （1）): ``label`` is its path as cited ("三（二）1."),
    ``anchor`` the page fragment ("s3-2-1"), ``parent`` the label of the part holding it; ``line`` and
    ``end_line`` are the first and the last source line of its text (its last paragraph's last line)."""

    label: str
    anchor: str
    level: int
    text: str
    line: int
    end_line: int
    attachment: str | None = None
    parent: str | None = None


@dataclass
class Attachment:
    """附件N. ``omitted`` is True when the compilation prints （略） instead of the text."""

    label: str
    title: str
    line: int
    omitted: bool = False
    paragraphs: list[Paragraph] = field(default_factory=list)
    kind: str = "attachment"  # "attachment" | "explainer" (解读, 答记者问) | "measures" (印发的办法)


@dataclass
class RawDocument:
    """A document cut out of a compilation by a layout parser, before structure extraction."""

    title: str
    paragraphs: list[Paragraph]
    source: SourceSpan
    doc_no: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: dt.date | None = None  # signature (成文) date
    effective_date: dt.date | None = None
    region: str | None = None
    category: str | None = None


@dataclass
class ParsedDocument:
    title: str
    source: SourceSpan
    doc_no: str | None = None
    issuers: list[str] = field(default_factory=list)
    date: dt.date | None = None
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None
    region: str | None = None
    category: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    extra_sources: list[SourceSpan] = field(default_factory=list)
    # set by the merge when two different documents were printed with one 文号
    identity_key: str | None = None
    # (line, text) of the header line that prints the date, out of the body: "（鲁人社字〔2020〕72号  2020年6月22日）"
    date_line: tuple[int, str] | None = None

    @property
    def sources(self) -> list[SourceSpan]:
        return [self.source, *self.extra_sources]

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)
