"""Server-side SVG bar charts: no script, no external library, readable by screen readers.

Each chart is an <svg role="img"> with a <title> and <desc>; the page puts the same numbers in a
<table> beside it (the text alternative), so nothing is only in the picture.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe pairs (Okabe–Ito), with a pattern-free contrast against white of at least 3:1.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no figure for that row (drawn as “—”)


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], *,
              fmt: Callable[[float], str] = _fmt, max_value: float | None = None,
              markers: Sequence[float | None] | None = None, marker_name: str = "",
              width: int = 720, label_width: int = 220) -> Markup:
    """Horizontal grouped bars, one group per label, one bar per series; an optional marker per row
    (a vertical tick, e.g. a target) is drawn over the group."""
    bar_h, gap, pad_top = 16, 10, 28
    legend_h = 22
    n_series = max(1, len(series))
    group_h = n_series * bar_h + gap
    height = pad_top + len(labels) * group_h + legend_h + 8
    values = [v for s in series for v in s.values if v is not None] + [m for m in (markers or []) if m is not None]
    top = max_value if max_value is not None else max([*values, 0.0]) or 1.0
    plot_w = width - label_width - 70
    chart_id = f"chart{next(_ids)}"

    def x(value: float) -> float:
        return label_width + plot_w * max(0.0, min(value, top)) / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(_describe(labels, series, fmt))}</desc>',
             f'<line x1="{label_width}" y1="{pad_top - 6}" x2="{label_width}" y2="{height - legend_h - 8}" '
             'stroke="#888"/>']
    for i, label in enumerate(labels):
        y0 = pad_top + i * group_h
        parts.append(f'<text x="{label_width - 8}" y="{y0 + n_series * bar_h / 2 + 5}" text-anchor="end" '
                     f'font-size="13">{escape(_short(label))}</text>')
        for j, s in enumerate(series):
            value = s.values[i]
            y = y0 + j * bar_h
            if value is None:
                parts.append(f'<text x="{label_width + 4}" y="{y + 12}" font-size="12" fill="#555">—</text>')
                continue
            w = x(value) - label_width
            parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}"/>')
            parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + 12}" font-size="12">{escape(fmt(value))}</text>')
        marker = markers[i] if markers else None
        if marker is not None:
            mx = x(marker)
            parts.append(f'<line x1="{mx:.1f}" y1="{y0}" x2="{mx:.1f}" y2="{y0 + n_series * bar_h}" '
                         'stroke="#000" stroke-width="2" stroke-dasharray="3 2"/>')
    ly = height - legend_h + 6
    lx = label_width
    for j, s in enumerate(series):
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}" font-size="12">{escape(s.name)}</text>')
        lx += 24 + 14 * len(s.name)
    if markers and marker_name:
        parts.append(f'<line x1="{lx}" y1="{ly - 11}" x2="{lx}" y2="{ly + 2}" stroke="#000" stroke-width="2" '
                     'stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{lx + 6}" y="{ly}" font-size="12">{escape(marker_name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(label: str, limit: int = 15) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _describe(labels: Sequence[str], series: Sequence[Series], fmt: Callable[[float], str]) -> str:
    """The chart's numbers as one sentence (the full table follows the chart on the page)."""
    rows = []
    for i, label in enumerate(labels):
        cells = [f"{s.name} {fmt(s.values[i]) if s.values[i] is not None else '无'}" for s in series]
        rows.append(f"{label}：{'，'.join(cells)}")
    return "；".join(rows) or "暂无数据"
