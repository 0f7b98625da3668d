"""Where things live: the project root, bundled data, the default database."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COMPILATIONS = DATA / "compilations"
VAR = Path(os.environ.get("KUAIBAN_VAR", ROOT / "var"))


def default_db_url() -> str:
    """``KUAIBAN_DB`` if set, else the embedded SQLite file ``var/kuaiban.db``."""
    return os.environ.get("KUAIBAN_DB") or f"sqlite:///{VAR / 'kuaiban.db'}"
