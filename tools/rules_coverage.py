"""Write docs/rules-coverage.md from data/rules/table_a.yaml: `python tools/rules_coverage.py` (`--check` fails if stale)."""

from __future__ import annotations

import sys

from kuaiban import config
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.rules.table_a import load, render

TARGET = config.ROOT / "docs" / "rules-coverage.md"

if __name__ == "__main__":
    text = render(load(), CALCULATORS)
    if "--check" in sys.argv:
        sys.exit(0 if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text else 1)
    TARGET.write_text(text, encoding="utf-8")
