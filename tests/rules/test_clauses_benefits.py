"""The benefit clauses (data/clauses/benefits.yaml) quote their compilation verbatim, at the lines they name.

rules-design builds the registry's own test over every data/clauses file; this one holds the benefit theme
to the same shape until then: doc_no, article, file, lines [start, end] and a quote found within those lines
(line breaks and spacing of the hard-wrapped texts aside).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CLAUSES = yaml.safe_load((ROOT / "data" / "clauses" / "benefits.yaml").read_text(encoding="utf-8"))


@cache
def lines_of(file: str) -> list[str]:
    return (ROOT / "data" / "compilations" / file).read_text(encoding="utf-8").split("\n")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("key", sorted(CLAUSES))
def test_quote_is_verbatim_within_its_lines(key: str) -> None:
    entry = CLAUSES[key]
    assert set(entry) >= {"doc_no", "article", "file", "lines", "quote"}, key
    start, end = entry["lines"]
    assert 1 <= start <= end, key
    window = squeezed("".join(lines_of(entry["file"])[start - 1 : end]))
    assert squeezed(entry["quote"]) in window, f"{key}: quote not found in {entry['file']}:{start}-{end}"
    # the window starts where the quote starts
    assert squeezed(entry["quote"])[:4] in squeezed(lines_of(entry["file"])[start - 1]), key


def test_keys_do_not_collide_with_the_old_sources() -> None:
    from kuaiban.rules.sources import all_sources

    assert not set(CLAUSES) & set(all_sources())
