"""Citations: the clauses the calculators quote, loaded from sources.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SOURCES_FILE = Path(__file__).parent / "sources.yaml"


@dataclass(frozen=True)
class Source:
    """One clause: its document number (文号), article or item, and the verbatim quote."""

    key: str
    doc_no: str
    article: str
    quote: str
    file: str

    def as_json(self) -> dict[str, str]:
        return {"doc_no": self.doc_no, "article": self.article, "quote": self.quote}


@cache
def all_sources() -> dict[str, Source]:
    data = yaml.safe_load(SOURCES_FILE.read_text(encoding="utf-8"))
    return {key: Source(key=key, **{k: str(v) for k, v in entry.items()}) for key, entry in data.items()}


def source(key: str) -> Source:
    """The clause registered under `key` (a KeyError is a programming error, not bad input)."""
    return all_sources()[key]
