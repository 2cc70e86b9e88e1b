"""Charts as inline SVG strings: no script, no external file, readable in any browser."""

from __future__ import annotations

from html import escape

PALETTE = {"answer": "#2e7d32", "clarify": "#f9a825", "escalate": "#1565c0"}
FALLBACK_COLOURS = ("#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#546e7a")


def colour(series: str, index: int) -> str:
    return PALETTE.get(series, FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)])


def stacked_bars(
    columns: list[tuple[str, dict[str, int]]],
    series: list[tuple[str, str]],  # (key, legend text)
    title: str,
    width: int = 760,
    height: int = 220,
) -> str:
    """Vertical bars, one per column (e.g. a day), stacked by series."""
    left, bottom, top = 34, 34, 24
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max((sum(v.get(k, 0) for k, _ in series) for _, v in columns), default=0) or 1
    step = plot_w / max(len(columns), 1)
    parts = [_svg_open(width, height, title)]
    for tick in _ticks(peak):
        y = top + plot_h - tick / peak * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">{tick}</text>'
        )
    for i, (label, values) in enumerate(columns):
        x, y = left + i * step + step * 0.1, top + plot_h
        for j, (key, name) in enumerate(series):
            value = values.get(key, 0)
            if not value:
                continue
            h = value / peak * plot_h
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
                f'fill="{colour(key, j)}"><title>{escape(label)}: {escape(name)} {value}'
                "</title></rect>"
            )
        if i % max(1, len(columns) // 10) == 0:
            parts.append(
                f'<text x="{x + step * 0.4:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'class="axis">{escape(label[5:] if len(label) == 10 else label)}</text>'
            )
    for j, (key, name) in enumerate(series):
        x = left + j * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour(key, j)}"/>'
            f'<text x="{x + 14}" y="13" class="axis">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(items: list[tuple[str, float, str]], title: str, width: int = 560) -> str:
    """One bar per item: (label, value, value as shown)."""
    row, label_w = 22, 190
    height = row * len(items) + 8
    peak = max((value for _, value, _ in items), default=0) or 1
    parts = [_svg_open(width, height, title)]
    for i, (label, value, shown) in enumerate(items):
        y = 4 + i * row
        w = value / peak * (width - label_w - 60)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="axis">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#1565c0"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" class="axis">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: list[int], title: str, width: int = 110, height: int = 28) -> str:
    """A small bar sparkline (e.g. questions per week)."""
    peak = max(values, default=0) or 1
    step = width / max(len(values), 1)
    parts = [_svg_open(width, height, title)]
    for i, value in enumerate(values):
        h = max(1.0, value / peak * (height - 4)) if value else 0.0
        parts.append(
            f'<rect x="{i * step + 1:.1f}" y="{height - h:.1f}" width="{step - 2:.1f}" '
            f'height="{h:.1f}" fill="#6a1b9a"><title>{value}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: int, height: int, title: str) -> str:
    return (
        f'<svg width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )


def _ticks(peak: int) -> list[int]:
    step = max(1, round(peak / 4))
    return list(range(0, peak + 1, step))
