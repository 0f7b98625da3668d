"""Layout parser for the court compilation (to be written)."""

from __future__ import annotations

from kuaiban.corpus.model import RawDocument


def parse(lines: list[str], file: str) -> list[RawDocument]:
    return []
