"""Walk the audit log's hash chain and say what was changed, deleted or inserted.

Entries are read in chain order (``seq``). For each entry two checks:

- its own hash: SHA-256 over its stored ``prev_hash`` and its fields must equal its stored ``hash``;
  if not, the entry's content was **changed** after it was written;
- its link: its ``prev_hash`` must be the hash of the entry before it (GENESIS for the first). If it is
  the hash of the entry two back, the entry in between was **inserted**; otherwise entries before it
  were **deleted** (the gap in ``seq`` says how many), or the one before was rewritten together with
  its own hash.

What the chain cannot show on its own: entries cut off at the end, or a whole chain recomputed by
someone able to write the table. For those, keep the head (``--json`` gives ``head``) somewhere else
and compare it later (docs/SECURITY.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform.audit import CHAINED, GENESIS, chain_hash
from kuaiban.platform.models import AuditEntry

CHANGED, INSERTED, DELETED = "changed", "inserted", "deleted"
MAX_LISTED = 1000  # problems listed in a report; the count covers them all


@dataclass
class Problem:
    id: int  # the entry at fault (changed, inserted) or the first entry after the gap (deleted)
    kind: str  # changed | inserted | deleted
    message: str  # in Chinese, for the person running the check


@dataclass
class ChainReport:
    entries: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    head_id: int | None = None
    head_hash: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem_count == 0

    def as_dict(self) -> dict:
        return {"intact": self.intact, "entries": self.entries, "problem_count": self.problem_count,
                "problems": [asdict(p) for p in self.problems],
                "head": {"id": self.head_id, "hash": self.head_hash}}


def _entries(session: Session, batch: int = 2000) -> Iterator[dict]:
    """Every entry in chain order, a batch at a time (the log grows without bound)."""
    cols = [AuditEntry.id, AuditEntry.prev_hash, AuditEntry.hash, *(getattr(AuditEntry, f) for f in CHAINED)]
    last: int | None = None  # no lower bound at first: a forged entry may have seq 0 or below
    while True:
        stmt = select(*cols).order_by(AuditEntry.seq, AuditEntry.id).limit(batch)
        rows = session.execute(stmt if last is None else stmt.where(AuditEntry.seq > last))
        chunk = [dict(r._mapping) for r in rows]
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]["seq"]


def verify(session: Session) -> ChainReport:
    report = ChainReport()

    def problem(entry_id: int, kind: str, message: str) -> None:
        report.problem_count += 1
        if len(report.problems) < MAX_LISTED:
            report.problems.append(Problem(entry_id, kind, message))

    before_last, last = None, None  # (id, hash, seq) of the two entries before the current one
    for e in _entries(session):
        report.entries += 1
        if e["hash"] is None or e["prev_hash"] is None:
            problem(e["id"], CHANGED, f"第 {e['id']} 条没有链哈希（未经审计接口写入）")
        else:
            if chain_hash(e["prev_hash"], e) != e["hash"]:
                problem(e["id"], CHANGED, f"第 {e['id']} 条的内容在写入后被改动（与其哈希不符）")
            expected = last[1] if last else GENESIS
            if e["prev_hash"] != expected:
                two_back = before_last[1] if before_last else GENESIS
                if last and e["prev_hash"] == two_back:
                    problem(last[0], INSERTED, f"第 {last[0]} 条是事后插入的（第 {e['id']} 条链接的是它之前的条目）")
                elif last:
                    gap = e["seq"] - last[2] - 1
                    count = f" {gap} 条" if gap > 0 else "条目"
                    problem(e["id"], DELETED, f"第 {last[0]} 条与第 {e['id']} 条之间有{count}被删除"
                                              f"（或第 {last[0]} 条连同哈希被改写）")
                else:
                    problem(e["id"], DELETED, f"第 {e['id']} 条之前有 {e['seq'] - 1} 条被删除（它不是链的第一条）")
        before_last, last = last, (e["id"], e["hash"], e["seq"])
    if last:
        report.head_id, report.head_hash = last[0], last[1]
    return report
