"""Every quoted clause is really in the compilation it names (line breaks and spacing aside)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from kuaiban.rules.sources import all_sources

COMPILATIONS = Path(__file__).resolve().parents[2] / "data" / "compilations"


@cache
def squeezed(file: str) -> str:
    return re.sub(r"\s+", "", (COMPILATIONS / file).read_text(encoding="utf-8"))


@pytest.mark.parametrize("key", sorted(all_sources()))
def test_quote_is_verbatim_in_its_compilation(key: str) -> None:
    src = all_sources()[key]
    assert re.sub(r"\s+", "", src.quote) in squeezed(src.file), f"{key}: quote not found in {src.file}"
    assert src.doc_no and src.article
