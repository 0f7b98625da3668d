"""Find where a verbatim quote lies in a compilation: `python tools/locate_clause.py FILE QUOTE` → start end.

The compilations are hard-wrapped, so a quote may span lines and the wrap may fall inside a word;
whitespace is ignored on both sides, as the clause registry's test does (kuaiban/platform/citations.py).
"""

from __future__ import annotations

import sys

from kuaiban.platform.citations import locate

if __name__ == "__main__":
    file, quote = sys.argv[1], sys.argv[2]
    found = locate(file, quote)
    print(found if found is None else f"{found[0]} {found[1]}")
