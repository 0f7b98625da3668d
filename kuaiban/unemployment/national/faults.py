"""Fault injection for the national-platform simulator: what can go wrong between a region and the ministry.

A plan has per-request rates and a queue of one-shot faults (for tests that need one fault at one
place). Kinds:

- ``timeout``: the answer comes after ``timeout_sleep`` seconds (past the client's timeout); the request
  *is* processed, late — so the client gives up on a write that then happens.
- ``error``: HTTP 503 at once, nothing processed.
- ``drop_before``: the connection is closed without an answer, nothing processed.
- ``drop_after``: the request is processed and committed, then the connection is closed without an
  answer — the client cannot tell this from ``drop_before``.
- ``duplicate`` (downloads only, independent of the others): the page also carries an application
  served before (from an earlier page, or twice in this page).

>>> plan = FaultPlan.parse("error=0.5,drop_after=0.25,seed=3,sleep=1.5")
>>> plan.rates["error"], plan.timeout_sleep
(0.5, 1.5)
>>> plan.once_for("/v1/results") is None
True
>>> FaultPlan.parse("explode=1")
Traceback (most recent call last):
...
ValueError: 未知的故障类型：explode（可用：timeout, error, drop_before, drop_after, duplicate）
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

EXCLUSIVE_KINDS = ("timeout", "error", "drop_before", "drop_after")
KINDS = (*EXCLUSIVE_KINDS, "duplicate")


@dataclass
class OneShot:
    kind: str
    path: str  # a path prefix, e.g. "/v1/results"
    times: int = 1


@dataclass
class FaultPlan:
    rates: dict[str, float] = field(default_factory=dict)
    timeout_sleep: float = 2.0
    seed: int | None = None
    once: list[OneShot] = field(default_factory=list)

    def __post_init__(self) -> None:
        for kind, rate in self.rates.items():
            _check_kind(kind)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"故障概率应在0到1之间：{kind}={rate}")
        if sum(self.rates.get(k, 0.0) for k in EXCLUSIVE_KINDS) > 1.0:
            raise ValueError("timeout、error、drop_before、drop_after 的概率之和不能超过1")
        for shot in self.once:
            _check_kind(shot.kind)
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, spec: str | None) -> FaultPlan:
        """``kind=rate,…`` plus optional ``seed=N`` and ``sleep=S`` (seconds of a timeout fault)."""
        rates: dict[str, float] = {}
        seed: int | None = None
        sleep = 2.0
        for part in filter(None, (p.strip() for p in (spec or "").split(","))):
            name, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"故障设置格式应为 类型=概率：{part}")
            try:
                if name == "seed":
                    seed = int(value)
                elif name == "sleep":
                    sleep = float(value)
                else:
                    _check_kind(name)
                    rates[name] = float(value)
            except ValueError as exc:
                if "未知" in str(exc):
                    raise
                raise ValueError(f"故障设置的值不是数字：{part}") from None
        return cls(rates=rates, timeout_sleep=sleep, seed=seed)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        return cls(
            rates={str(k): float(v) for k, v in (body.get("rates") or {}).items()},
            timeout_sleep=float(body.get("timeout_sleep", 2.0)),
            seed=body.get("seed"),
            once=[OneShot(s["kind"], s["path"], int(s.get("times", 1))) for s in body.get("once") or ()],
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "rates": dict(self.rates),
            "timeout_sleep": self.timeout_sleep,
            "seed": self.seed,
            "once": [{"kind": s.kind, "path": s.path, "times": s.times} for s in self.once],
        }

    def once_for(self, path: str, kinds: tuple[str, ...] = EXCLUSIVE_KINDS) -> str | None:
        """Consume the first queued one-shot fault of one of ``kinds`` whose prefix matches ``path``."""
        with self._lock:
            for shot in self.once:
                if shot.kind in kinds and path.startswith(shot.path) and shot.times > 0:
                    shot.times -= 1
                    if shot.times == 0:
                        self.once.remove(shot)
                    return shot.kind
        return None

    def draw(self, path: str) -> str | None:
        """The exclusive fault (or None) for one request."""
        queued = self.once_for(path)
        if queued:
            return queued
        with self._lock:
            r = self._rng.random()
        edge = 0.0
        for kind in EXCLUSIVE_KINDS:
            edge += self.rates.get(kind, 0.0)
            if r < edge:
                return kind
        return None

    def draw_duplicate(self, path: str) -> bool:
        if self.once_for(path, ("duplicate",)):
            return True
        rate = self.rates.get("duplicate", 0.0)
        with self._lock:
            return rate > 0 and self._rng.random() < rate

    def random_int(self, low: int, high: int) -> int:
        with self._lock:
            return self._rng.randint(low, high)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"未知的故障类型：{kind}（可用：{', '.join(KINDS)}）")
