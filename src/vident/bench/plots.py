"""Benchmark figures (SVG, byte-stable): accuracy against speed, accuracy per scale (Fig. 6.10),
and accuracy per task balancer (Table 6.3 as bars)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from vident.bench.table import (  # noqa: E402
    ACCURACY,
    BASELINE,
    SOURCE,
    display_balancer,
    primary_rows,
)
from vident.io.atomic import atomic_path  # noqa: E402

PLOTS = ("accuracy_fps.svg", "scales.svg", "balancers.svg")
plt.rcParams["svg.hashsalt"] = "vident"


def _save(fig: Figure, path: Path) -> None:
    """Write ``fig`` atomically as SVG without a date stamp (same rows -> same bytes)."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="svg", metadata={"Date": None})
    plt.close(fig)


def _note(ax: plt.Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def accuracy_vs_fps(rows: pd.DataFrame, balancer: str) -> Figure:
    """One panel per accuracy metric against FPS (log scale), a point per model, area ∝ params."""
    frame = primary_rows(rows, balancer)
    frame = frame[frame["model"] != BASELINE]
    fig, axes = plt.subplots(1, len(ACCURACY), figsize=(4 * len(ACCURACY), 3.6))
    for ax, c in zip(axes, ACCURACY, strict=True):
        have = frame[frame[c.field].notna() & frame["fps"].notna()]
        if have.empty:
            _note(ax, f"no model predicts {c.header.split()[0]}")
            continue
        size = 30 + 300 * have["params"].fillna(0) / max(frame["params"].max(), 1)
        ax.scatter(have["fps"], have[c.field], s=size, alpha=0.6)
        for _, r in have.iterrows():
            ax.annotate(
                r["model"],
                (r["fps"], r[c.field]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        ax.set_xscale("log")
        ax.set_xlabel("FPS")
        ax.set_ylabel(c.header)
    fig.tight_layout()
    return fig


def per_scale(rows: pd.DataFrame, balancer: str) -> Figure:
    """Bars per model and scale for each metric; hatched bars are resampled from another scale."""
    frame = pd.concat([primary_rows(rows, balancer, s) for s in (1, 2, 3)])
    frame = frame[frame["model"] != BASELINE]
    models = list(dict.fromkeys(frame["model"]))
    fig, axes = plt.subplots(1, len(ACCURACY), figsize=(4 * len(ACCURACY), 3.6))
    width = 0.8 / 3
    for ax, c in zip(axes, ACCURACY, strict=True):
        for k, s in enumerate((1, 2, 3)):
            at = frame[frame["scale"] == s].set_index("model").reindex(models)
            values = at[c.field].astype(float)
            hatch = [
                "//" if not math.isnan(v) and not pd.isna(src) and int(src) != s else ""
                for v, src in zip(values, at[SOURCE[c.field]], strict=True)
            ]
            bars = ax.bar(
                [i + (k - 1) * width for i in range(len(models))],
                values.fillna(0),
                width,
                label=f"s={s}",
            )
            for bar, h in zip(bars, hatch, strict=True):
                bar.set_hatch(h)
        ax.set_xticks(range(len(models)), models, rotation=30, ha="right", fontsize=7)
        ax.set_ylabel(c.header)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def per_balancer(rows: pd.DataFrame) -> Figure:
    """Bars per model and balancer for each metric at full resolution (models with two or more
    balancers only)."""
    at = rows[(rows["scale"] == 1) & (rows["model"] != BASELINE)]
    counts = at.groupby("model")["balancer"].nunique()
    at = at[at["model"].isin(counts[counts > 1].index)]
    fig, axes = plt.subplots(1, len(ACCURACY), figsize=(4 * len(ACCURACY), 3.6))
    if at.empty:
        for ax in axes:
            _note(ax, "no model was trained\nwith two balancers")
        return fig
    models = list(dict.fromkeys(at["model"]))
    balancers = list(dict.fromkeys(at["balancer"]))
    width = 0.8 / len(balancers)
    for ax, c in zip(axes, ACCURACY, strict=True):
        for k, b in enumerate(balancers):
            runs = at[at["balancer"] == b].set_index("model").reindex(models)
            offset = (k - (len(balancers) - 1) / 2) * width
            ax.bar(
                [i + offset for i in range(len(models))],
                runs[c.field].fillna(0),
                width,
                label=display_balancer(b),
            )
        ax.set_xticks(range(len(models)), models, rotation=30, ha="right", fontsize=7)
        ax.set_ylabel(c.header)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def write_plots(rows: pd.DataFrame, folder: str | os.PathLike[str], balancer: str) -> list[Path]:
    """Write the figures of PLOTS into ``folder``; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    figures = (accuracy_vs_fps(rows, balancer), per_scale(rows, balancer), per_balancer(rows))
    paths = [out / name for name in PLOTS]
    for fig, path in zip(figures, paths, strict=True):
        _save(fig, path)
    return paths
