"""Coverage derived from the parameters in force: which regions and dates a calculator answers.

A calculator's parameters live under one node (``parameters/<name>/``). Each leaf belongs to a region
when a part of its path names one (``r430000``, or a member name like ``beijing`` in older files), else
to every region (a national rule). A leaf covers the dates from each dated value to the next, except
where the value is ``null`` (a figure closed because the texts print no later one). A case (region, date)
is covered when a leaf of its region, or a national leaf, is in force on that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kuaiban.rules.enums import Region
from kuaiban.rules.regions import region_of_node

OPEN_END = "9999-12-31"


@dataclass(frozen=True)
class Span:
    """Dates [start, stop) in force for one region (None: every region)."""

    region: Region | None
    start: str
    stop: str  # exclusive; OPEN_END when no later value closes it
    clauses: tuple[str, ...]  # registry keys named by the values' metadata.source

    def holds(self, day: str) -> bool:
        return self.start <= day < self.stop

    @property
    def dates(self) -> str:
        """起止 as people write it: 2020-07-01 起, 2020-02-01 至 2020-12-31."""
        if self.stop == OPEN_END:
            return f"{self.start} 起"
        last = date.fromordinal(date.fromisoformat(self.stop).toordinal() - 1)
        return f"{self.start} 至 {last.isoformat()}"


def _leaves(node, path: tuple[str, ...]):
    children = getattr(node, "children", None)
    if children is None:
        yield path, node
        return
    for name, child in children.items():
        yield from _leaves(child, (*path, name))


def _region(path: tuple[str, ...]) -> Region | None:
    for part in path:
        member = region_of_node(part)
        if member is not None:
            return member
    return None


def regional_leaves(node):
    """(region or None for every region, leaf) for each parameter under `node`."""
    for path, leaf in _leaves(node, ()):
        yield _region(path), leaf


def spans(node) -> list[Span]:
    """The merged spans in force of every leaf under `node` (one list per region, in date order)."""
    raw: dict[Region | None, list[tuple[str, str, str]]] = {}
    for path, leaf in _leaves(node, ()):
        values = getattr(leaf, "values_list", None)
        if values is None:  # a scale: its brackets' thresholds and amounts are leaves with dates too
            continue
        ordered = sorted(values, key=lambda at: at.instant_str)
        for i, at in enumerate(ordered):
            if at.value is None:
                continue
            stop = ordered[i + 1].instant_str if i + 1 < len(ordered) else OPEN_END
            source = (at.metadata or {}).get("source", "")
            raw.setdefault(_region(path), []).append((at.instant_str, stop, source))
    out = []
    for region, items in raw.items():
        items.sort()
        merged: list[list] = []
        for start, stop, source in items:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], stop)
                merged[-1][2].append(source)
            else:
                merged.append([start, stop, [source]])
        out += [Span(region, start, stop, tuple(dict.fromkeys(s for s in sources if s)))
                for start, stop, sources in merged]
    return sorted(out, key=lambda s: (s.region.index if s.region else -1, s.start))


def in_force(all_spans: list[Span], region: Region | None, day: str) -> bool:
    return any(s.holds(day) and (s.region is None or s.region is region) for s in all_spans)


def regions_of(all_spans: list[Span]) -> list[Region]:
    """The regions with a rule of their own, in enum order ([] when every rule is national)."""
    return sorted({s.region for s in all_spans if s.region is not None}, key=lambda r: r.index)
