"""SQLAlchemy models of the policy library (法规库).

The schema is created and changed only by Alembic migrations (``migrations/``);
``kuaiban.db.Base.metadata`` is what they are generated against.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kuaiban.db import Base

VALID = "现行有效"
REPEALED = "已废止"
UNKNOWN = "未知"



class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # identity across re-ingests: "no:<文号>" or "title:<title>" (kuaiban.corpus.pipeline.identity)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    doc_no: Mapped[str | None] = mapped_column(String(120), index=True)
    title: Mapped[str] = mapped_column(Text)
    issuers: Mapped[list[str]] = mapped_column(JSON, default=list)
    date: Mapped[dt.date | None] = mapped_column(Date)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(10), default=UNKNOWN)
    # the 文号 of the list that declared the status (渝人社发〔2021〕64号 …)
    status_basis: Mapped[str | None] = mapped_column(String(120))
    # when the document is in force, read at ingest (kuaiban.corpus.standing): its own start and end, and
    # the record (measures' end dates, repeals, amendments, replacements, each with its clause) from which
    # kuaiban.corpus.standing.status_on gives the status on any day. ``status`` above is that status on the
    # day of the ingest, kept for old readers; pages, the CLI and search compute it for the day asked.
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    validity: Mapped[dict | None] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text, default="")
    # paragraphs as [[text, line, heading, end_line], …] so pages can show them with their source lines
    # (first and last: a wrapped paragraph spans several); rows stored before session 20 hold
    # [text, line, heading] only. Read them through :meth:`stored_paragraphs`, which takes either.
    paragraphs: Mapped[list] = mapped_column(JSON, default=list)

    sources: Mapped[list[DocumentSource]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentSource.position"
    )
    articles: Mapped[list[ArticleRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="ArticleRow.position"
    )
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="AttachmentRow.position"
    )
    units: Mapped[list[UnitRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="UnitRow.position"
    )
    tables: Mapped[list[TableRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="TableRow.position"
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="source_document",
        cascade="all, delete-orphan",
        foreign_keys="Link.from_id",
        order_by="Link.position",
    )

    def stored_paragraphs(self) -> list[StoredParagraph]:
        """The stored paragraphs with their first and last source lines; an old 3-item row ends on its line."""
        return [StoredParagraph.of(row) for row in self.paragraphs or []]


class StoredParagraph(NamedTuple):
    """One paragraph of :attr:`Document.paragraphs`: ``line`` and ``end_line`` are its first and last source line."""

    text: str
    line: int
    heading: bool
    end_line: int

    @classmethod
    def of(cls, row: list) -> StoredParagraph:
        text, line, heading, *rest = row
        end = rest[0] if rest and rest[0] is not None and rest[0] > line else line
        return cls(text, line, bool(heading), end)


class DocumentSource(Base):
    """Where a document is printed; one per compilation copy."""

    __tablename__ = "document_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(String(200))
    start_line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    document: Mapped[Document] = relationship(back_populates="sources")


class ArticleRow(Base):
    """第X条. ``attachment`` is None for the main text, else the 附件 label holding it."""

    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    chapter: Mapped[str | None] = mapped_column(String(200))
    attachment: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int | None] = mapped_column(Integer)  # its last paragraph's last line (None: stored before 0027)
    document: Mapped[Document] = relationship(back_populates="articles")


class UnitRow(Base):
    """A numbered part of a notice (一、（一）1.（1）), or 第N段 of a text with no numbering.

    ``label`` is the citation ("三（二）1."), ``anchor`` the fragment of the document page.
    """

    __tablename__ = "doc_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80))
    anchor: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(String(80))
    attachment: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    document: Mapped[Document] = relationship(back_populates="units")


class AttachmentRow(Base):
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    omitted: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    line: Mapped[int] = mapped_column(Integer)
    document: Mapped[Document] = relationship(back_populates="attachments")


class TableRow(Base):
    __tablename__ = "doc_tables"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    header: Mapped[list[str] | None] = mapped_column(JSON)
    rows: Mapped[list[list[str]]] = mapped_column(JSON)
    document: Mapped[Document] = relationship(back_populates="tables")


class Link(Base):
    """A citation in one document of another: by 文号 or by 《title》.

    ``to_id`` is set when the cited document is in the library.
    """

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    to_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    cited_doc_no: Mapped[str | None] = mapped_column(String(120))
    cited_title: Mapped[str | None] = mapped_column(Text)
    source_document: Mapped[Document] = relationship(back_populates="links", foreign_keys=[from_id])


class Passage(Base):
    """A unit of search: one article, or a run of paragraphs of text without articles.

    ``tokens`` holds the segmented text (space-separated) so the search index
    loads without segmenting the corpus again.
    """

    __tablename__ = "passages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    article: Mapped[int | None] = mapped_column(Integer)
    attachment: Mapped[str | None] = mapped_column(String(40))
    # the numbered part (一（二）) the passage is, when it is one; ``anchor`` its fragment on the page
    unit: Mapped[str | None] = mapped_column(String(80))
    anchor: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    start_line: Mapped[int] = mapped_column(Integer)
    end_line: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("document_id", "position", name="uq_passage_position"),)


class ValidityListing(Base):
    """One row of a clean-up list (规范性文件清理结果, 废止和继续有效文件目录).

    Kept even when the library does not hold the listed document, so the
    list itself can be shown; ``document_id`` is set when it does.
    """

    __tablename__ = "validity_listings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    basis: Mapped[str] = mapped_column(String(120), index=True)  # the list's own 文号
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    doc_no: Mapped[str | None] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))


class Meta(Base):
    """Key-value facts about the database (what was ingested, with which parser version)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

