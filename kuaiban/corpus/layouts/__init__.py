"""One module per compilation layout. Each exposes

``parse(lines: list[str], file: str) -> list[RawDocument]``

where ``lines`` are the file's lines without their line endings (``lines[0]`` is
line 1), and layouts with a table of contents also expose

``toc(lines: list[str]) -> list[TocEntry]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TocEntry:
    """One table-of-contents line: what the compilation promises to contain."""

    title: str
    doc_no: str | None
    section: str | None
    page: int | None
    line: int
