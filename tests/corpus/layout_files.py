"""Checking a layout parser against a hand-made list of the documents a compilation holds."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from types import ModuleType

from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.model import RawDocument


class LayoutFile:
    """One compilation parsed by its layout module, cached, with look-ups used by the tests."""

    def __init__(self, layout: ModuleType, path: Path) -> None:
        self.layout = layout
        self.path = path

    @cache  # noqa: B019  (one instance per test module, kept for the whole run on purpose)
    def docs(self) -> tuple[RawDocument, ...]:
        return tuple(self.layout.parse(read_lines(self.path), self.path.name))

    def by_no(self, doc_no: str) -> RawDocument:
        return next(d for d in self.docs() if d.doc_no == doc_no)

    def by_line(self, line: int) -> RawDocument:
        return next(d for d in self.docs() if d.source.start_line == line)

    def assert_finds_exactly(self, expected: list[tuple[int, str | None, str]]) -> None:
        """Precision and recall 1.0 against (start line, 文号, title) read by hand from the file."""
        found = {(d.source.start_line, d.doc_no, d.title) for d in self.docs()}
        wanted = set(expected)
        precision = len(found & wanted) / len(found)
        recall = len(found & wanted) / len(wanted)
        assert (precision, recall) == (1.0, 1.0), (found - wanted, wanted - found)
        assert len(self.docs()) == len(expected)
