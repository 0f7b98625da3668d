"""Citations of the rules pillar: the project's clause registry (kuaiban/platform/citations.py).

The clauses live in data/clauses/*.yaml; `source(key)` is the registered clause, `Source` its type.
Kept under these names so calculators read as before.
"""

from __future__ import annotations

from kuaiban.platform.citations import Clause as Source
from kuaiban.platform.citations import clause as source
from kuaiban.platform.citations import registry as all_sources

__all__ = ["Source", "all_sources", "source"]
