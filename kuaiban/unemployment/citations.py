"""The clauses 失业登记 cites, by registry key (data/clauses/unemployment.yaml, kuaiban/platform/citations.py).

A cited source is stored and shown as ``{key, doc_no, clause, file, lines}`` (``clause`` is the article or
item, the name these records have always used; ``file`` the compilation's path in the repository).
"""

from __future__ import annotations

from typing import Any

from kuaiban.platform.citations import clause


def cited(key: str, **extra: Any) -> dict[str, Any]:
    """The source dict of registry clause `key`, with `extra` entries added."""
    c = clause(key)
    return {"key": key, "doc_no": c.doc_no, "clause": c.article, "file": f"data/compilations/{c.file}",
            "lines": list(c.lines)} | extra
