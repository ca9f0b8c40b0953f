"""Charts drawn on the server as SVG from the same figures as the tables beside them: ranking
bars, trends, the 4P mix and survival curves. No JavaScript and nothing fetched from elsewhere,
so a chart prints, works offline and says the same as its table (which stays the accessible
version: every chart has a title and a description and its table follows it)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#b58840")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
_ids = itertools.count(1)


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    n = next(_ids)
    return mark_safe(  # noqa: S308  (every text in it went through escape())
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-{n}-title chart-{n}-desc" '
        f'preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" '
        f'font-size="12">'
        f'<title id="chart-{n}-title">{escape(title)}</title>'
        f'<desc id="chart-{n}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def bar_chart(
    items: Sequence[tuple[str, float | None, bool]],
    *,
    title: str,
    unit: str,
    reference: tuple[str, float] | None = None,
) -> SafeString:
    """Horizontal bars, one per item ``(label, value, emphasised)``; an item without a value
    is drawn as "no rate"; ``reference`` draws a labelled line (the average)."""
    label_width, bar_width, row = 190, 420, 20
    top = 24
    height = top + row * len(items) + 30
    peak = max([v for _, v, _ in items if v is not None] + [reference[1] if reference else 0])
    peak = peak or 1
    body = [
        f'<text x="{label_width}" y="14" fill="#505a5f">{escape(unit)}</text>',
    ]
    for n, (label, value, emphasised) in enumerate(items):
        y = top + n * row
        weight = ' font-weight="bold"' if emphasised else ""
        body.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end"{weight}>'
            f"{escape(label)}</text>"
        )
        if value is None:
            body.append(f'<text x="{label_width + 4}" y="{y + 14}" fill="#505a5f">no rate</text>')
            continue
        width = max(1.0, bar_width * value / peak)
        colour = PALETTE[1] if emphasised else PALETTE[0]
        body.append(
            f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
            f'fill="{colour}"><title>{escape(label)}: {_number(value)}</title></rect>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 14}">{_number(value)}</text>'
        )
    if reference:
        x = label_width + bar_width * reference[1] / peak
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 26}" '
            'stroke="#0b0c0c" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">'
            f"{escape(reference[0])} {_number(reference[1])}</text>"
        )
    description = "; ".join(
        f"{label} {'no rate' if v is None else _number(v)}" for label, v, _ in items
    )
    return _svg(label_width + bar_width + 80, height, title, description, body)


def line_chart(points: Sequence[tuple[str, float]], *, title: str, unit: str) -> SafeString:
    """A line over evenly spaced labelled points (months or quarters)."""
    width, height, left, bottom, top = 720, 260, 56, 44, 20
    inner_w, inner_h = width - left - 16, height - top - bottom
    peak = max([v for _, v in points] + [0]) or 1
    step = inner_w / max(1, len(points) - 1)

    def xy(n: int, v: float) -> tuple[float, float]:
        return left + n * step, top + inner_h - inner_h * v / peak

    body = [
        f'<text x="4" y="12" fill="#505a5f">{escape(unit)}</text>',
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" '
        'stroke="#b1b4b6"/>',
    ]
    for fraction in (0.5, 1.0):
        y = top + inner_h - inner_h * fraction
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + inner_w}" y2="{y:.1f}" '
            'stroke="#f3f2f1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_number(peak * fraction)}</text>"
        )
    path = " ".join(
        f"{'M' if n == 0 else 'L'}{xy(n, v)[0]:.1f},{xy(n, v)[1]:.1f}"
        for n, (_, v) in enumerate(points)
    )
    if points:
        body.append(f'<path d="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    every = max(1, len(points) // 8)
    for n, (label, value) in enumerate(points):
        x, y = xy(n, value)
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_number(value)}</title></circle>"
        )
        if n % every == 0 or n == len(points) - 1:
            body.append(
                f'<text x="{x:.1f}" y="{top + inner_h + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    description = "; ".join(f"{label} {_number(v)}" for label, v in points)
    return _svg(width, height, title, description, body)


def mix_chart(parts: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    """One bar split into the shares of its parts (the 4P mix), with a legend."""
    width, bar = 720, 640
    total = sum(n for _, n in parts)
    body = []
    x = 40.0
    for n, (label, count) in enumerate(parts):
        share = count / total if total else 0
        w = bar * share
        colour = PALETTE[n % len(PALETTE)]
        if w:
            body.append(
                f'<rect x="{x:.1f}" y="10" width="{w:.1f}" height="34" fill="{colour}">'
                f"<title>{escape(label)}: {count:,} ({share:.0%})</title></rect>"
            )
        x += w
        legend_x = 40 + (n % 4) * 170
        legend_y = 66 + (n // 4) * 20
        body.append(
            f'<rect x="{legend_x}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 18}" y="{legend_y}">{escape(label)} {count:,} '
            f"({share:.0%})</text>"
        )
    if not total:
        body.append('<text x="40" y="32">Nothing to show for this period.</text>')
    rows = (len(parts) + 3) // 4
    description = "; ".join(f"{label} {count:,}" for label, count in parts)
    return _svg(width, 60 + rows * 20 + 10, title, description, body)


def survival_chart(
    curves: Sequence[tuple[str, Sequence[tuple[int, float]]]], *, title: str
) -> SafeString:
    """Step curves of the share still active against days since adoption, each with its own
    colour and dash pattern (so they part in print and for colour-blind readers)."""
    width, height, left, bottom, top = 720, 320, 56, 90, 16
    inner_w, inner_h = width - left - 16, height - top - bottom
    last = max([day for _, steps in curves for day, _ in steps] + [1])

    def xy(day: float, share: float) -> tuple[float, float]:
        return left + inner_w * day / last, top + inner_h * (1 - share)

    body = [
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" '
        'stroke="#b1b4b6"/>',
        f'<text x="{left + inner_w / 2:.0f}" y="{top + inner_h + 32}" text-anchor="middle" '
        'fill="#505a5f">days since adoption</text>',
    ]
    for share in (0.25, 0.5, 0.75, 1.0):
        _, y = xy(0, share)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + inner_w}" y2="{y:.1f}" '
            'stroke="#f3f2f1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{share:.0%}</text>'
        )
    for day in range(0, last + 1, max(1, round(last / 6 / 30) * 30 or 30)):
        x, _ = xy(day, 0)
        body.append(f'<text x="{x:.1f}" y="{top + inner_h + 16}" text-anchor="middle">{day}</text>')
    for n, (label, steps) in enumerate(curves):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
        points = [(0, 1.0)]
        for day, share in steps:
            points += [(day, points[-1][1]), (day, share)]
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{xy(d, v)[0]:.1f},{xy(d, v)[1]:.1f}"
            for i, (d, v) in enumerate(points)
        )
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashing}>'
            f"<title>{escape(label)}</title></path>"
        )
        legend_x = left + (n % 3) * 220
        legend_y = top + inner_h + 50 + (n // 3) * 16
        body.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 24}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2"{dashing}/>'
            f'<text x="{legend_x + 30}" y="{legend_y}">{escape(label)}</text>'
        )
    description = "; ".join(
        f"{label}: {len(steps)} steps, ending at {steps[-1][1]:.0%}" if steps else label
        for label, steps in curves
    )
    return _svg(width, height, title, description, body)
