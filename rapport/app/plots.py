"""Charts of the extracted facts as PNG and SVG (matplotlib, drawn off-screen).

    goals  goal status per region and period, one panel per horizon (distinct goals; views.goal_counts)
    risks  risk categories per region, statements per report (views.risk_rates)
    row    one table row over time, a line per region (views.row_series)

Titles sit above their charts, axes are labelled in Swedish, and every figure
is written twice (PNG for documents, SVG for editing).
"""
from __future__ import annotations

import io
from pathlib import Path

from . import views
from .outputs import atomic_file


class NothingToPlot(ValueError):
    """The corpus has no facts for the chart asked for (the message says which)."""


def _figure(width: float, height: float):
    """A Figure without pyplot: no global state, so web requests may draw at the same time."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def goals_figure(c, region: str | None = None):
    cells = views.goal_cells(c.goal_assessments)
    if region:
        cells = cells[cells["region"].str.casefold() == region.casefold()]
    counts = views.goal_counts(cells)
    if counts.empty:
        raise NothingToPlot("no goal assessments to plot" + (f" for {region}" if region else ""))
    horizons = [h for h in views.HORIZON_ORDER if (counts["horizon"] == h).any()]
    fig = _figure(5 + 3 * len(horizons), 1.5 + 0.45 * counts.shape[0])
    axes = fig.subplots(1, len(horizons), squeeze=False, sharex=True)
    for ax, h in zip(axes[0], horizons):
        part = counts[counts["horizon"] == h]
        labels = [f"{r} {p}" for r, p in zip(part["region"], part["period"])]
        left = [0] * len(part)
        for s in views.STATUS_ORDER:
            vals = part[s].tolist()
            ax.barh(labels, vals, left=left, color=views.STATUS_COLOURS[s], label=views.STATUS_SV[s])
            left = [a + b for a, b in zip(left, vals)]
        ax.set_title(f"bedömt {views.HORIZON_SV.get(h, h)}")
        ax.set_xlabel("antal mål")
        ax.invert_yaxis()
    axes[0][-1].legend(loc="lower right", fontsize=8)
    fig.suptitle("Måluppfyllelse per region och period")
    fig.tight_layout()
    return fig


def risks_figure(c, region: str | None = None):
    rates = views.risk_rates(c.risks, c.documents)
    if region:
        rates = rates[rates["region"].str.casefold() == region.casefold()]
    if rates.empty:
        raise NothingToPlot("no risks to plot" + (f" for {region}" if region else ""))
    table = rates.pivot_table(index="category", columns="region", values="per_report", fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values().index]
    fig = _figure(8, 1.5 + 0.4 * len(table) * max(1, len(table.columns)) ** 0.5)
    ax = fig.subplots()
    n = len(table.columns)
    h = 0.8 / n
    for i, reg in enumerate(table.columns):
        ys = [j + i * h for j in range(len(table))]
        reports = int(rates.loc[rates["region"] == reg, "reports"].max())
        ax.barh(ys, table[reg].tolist(), height=h, label=f"{reg} ({reports} rapporter)")
    ax.set_yticks([j + h * (n - 1) / 2 for j in range(len(table))])
    ax.set_yticklabels([views.CATEGORY_SV.get(cat, cat) for cat in table.index])
    ax.set_xlabel("riskformuleringar per rapport")
    ax.set_title("Risker per kategori och region, per rapport")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def row_figure(c, label: str, region: str | None = None):
    series = views.row_series(c.tables, label, region)
    if series.empty:
        raise NothingToPlot(f"no table row matches {label!r}" + (f" in {region}" if region else ""))
    fig = _figure(8, 4.5)
    ax = fig.subplots()
    for reg, part in series.groupby("region", sort=True):
        ax.plot(part["period"].astype(str), part["value"], marker="o", label=reg)
        for p, v, col in zip(part["period"].astype(str), part["value"], part["column"]):
            ax.annotate(f"{v:,.1f}".replace(",", " "), (p, v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=8)
    units = sorted({str(u) for u in series["unit"].dropna()})
    ax.set_ylabel(", ".join(units) or "värde")
    ax.set_xlabel("rapportens period")
    ax.set_title(f"{series['row'].iloc[0]} över tid")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def figure(c, what: str, row: str | None = None, region: str | None = None):
    if what == "goals":
        return goals_figure(c, region)
    if what == "risks":
        return risks_figure(c, region)
    if what == "row":
        return row_figure(c, row or "", region)
    raise ValueError(f"unknown plot {what!r}; goals, risks or row")


def render(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=150 if fmt == "png" else None, bbox_inches="tight")
    return buf.getvalue()


def draw(c, what: str, out_dir: Path, row: str | None = None, region: str | None = None) -> list[Path]:
    """Write `<what>.png` and `<what>.svg` into out_dir; return their paths."""
    fig = figure(c, what, row, region)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt in ("png", "svg"):
        target = out_dir / f"{what}.{fmt}"
        with atomic_file(target) as tmp:
            tmp.write_bytes(render(fig, fmt))
        files.append(target)
    return files
