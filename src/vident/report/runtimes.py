"""Per-stage runtime of the workflow from Snakemake ``benchmark:`` files: wall and CPU seconds
summed over a stage's jobs (one per recording, plus training jobs), and the peak RSS of any job."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath

import pandas as pd
from matplotlib.figure import Figure

COLUMNS = {"jobs": "Jobs", "wall_s": "Wall s", "cpu_s": "CPU s", "max_rss_mb": "Peak RSS MB"}


def stage_of(relative: PurePath) -> str:
    """The stage a benchmark file belongs to: its top folder (``motion/vident-lab/x.tsv``), or its
    name for a top-level file (``sample.tsv``)."""
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def runtime_table(benchmarks: Mapping[PurePath, pd.DataFrame]) -> pd.DataFrame:
    """One row per stage, longest wall time first, and a ``total`` row; repeated measurements of
    one job (``repeat()``) count by their mean."""
    jobs = pd.DataFrame([
        {"stage": stage_of(path), "wall_s": frame["s"].mean(),
         "cpu_s": frame["cpu_time"].mean(), "max_rss_mb": frame["max_rss"].max()}
        for path, frame in benchmarks.items()
    ], columns=["stage", "wall_s", "cpu_s", "max_rss_mb"])
    table = jobs.groupby("stage").agg(
        jobs=("wall_s", "size"), wall_s=("wall_s", "sum"), cpu_s=("cpu_s", "sum"),
        max_rss_mb=("max_rss_mb", "max"),
    ).sort_values(["wall_s", "jobs"], ascending=False)
    total = pd.DataFrame({"jobs": [table["jobs"].sum()], "wall_s": [table["wall_s"].sum()],
                          "cpu_s": [table["cpu_s"].sum()],
                          "max_rss_mb": [table["max_rss_mb"].max()]}, index=["total"])
    return pd.concat([table, total]).rename_axis("stage")


def runtime_markdown(table: pd.DataFrame) -> str:
    """``table`` as a Markdown table; a missing RSS (jobs too short to sample) shows as '–'."""
    lines = ["| Stage | " + " | ".join(COLUMNS.values()) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for stage, r in table.iterrows():
        rss = "–" if pd.isna(r["max_rss_mb"]) else f"{r['max_rss_mb']:.0f}"
        name = f"**{stage}**" if stage == "total" else stage
        lines.append(
            f"| {name} | {int(r['jobs'])} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {rss} |"
        )
    return "\n".join(lines) + "\n"


def runtime_bars(table: pd.DataFrame) -> Figure:
    """Horizontal bars of wall and CPU seconds per stage, and peak RSS per stage."""
    stages = table.drop(index="total", errors="ignore").iloc[::-1]
    fig = Figure(figsize=(9, 0.35 * len(stages) + 1.2))
    ax_time, ax_rss = fig.subplots(1, 2, sharey=True)
    y = range(len(stages))
    ax_time.barh([i + 0.2 for i in y], stages["wall_s"], height=0.4, label="wall")
    ax_time.barh([i - 0.2 for i in y], stages["cpu_s"], height=0.4, label="CPU")
    ax_time.set_yticks(list(y), list(stages.index))
    ax_time.set_xlabel("seconds (sum over jobs)")
    ax_time.legend(fontsize=8)
    ax_rss.barh(list(y), stages["max_rss_mb"].fillna(0), height=0.6, color="grey")
    ax_rss.set_xlabel("peak RSS (MB)")
    fig.tight_layout()
    return fig
