"""Benchmark rows -> Markdown tables shaped like the dissertation's Tables 5.2 / 6.3 / 6.4:
models as rows, PSNR / SSIM / MACE / IoU / E(W) / parameters / GFLOPs / FPS as columns, the best
value of each column in bold (the BASELINE row of blind predictions excluded, as in Table 6.4)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

BASELINE = "baseline"
KEY = ["model", "balancer", "scale"]
COLUMNS = [
    *KEY,
    "dataset",
    "split",
    "pairs",
    "psnr",
    "ssim",
    "mace",
    "iou",
    "ew",
    "r_source",
    "m_source",
    "h_source",
    "params",
    "gflops",
    "fps",
    "device",
    "size",
    "fps_size",
]


@dataclass(frozen=True)
class Column:
    """One table column: its header, the row field, whether higher is better, and its format."""

    header: str
    field: str
    higher: bool
    fmt: Callable[[float], str]


def _fixed(digits: int) -> Callable[[float], str]:
    return lambda v: f"{v:.{digits}f}"


ACCURACY = [
    Column("PSNR ↑", "psnr", True, _fixed(2)),
    Column("SSIM ↑", "ssim", True, _fixed(3)),
    Column("MACE ↓", "mace", False, _fixed(2)),
    Column("IoU ↑", "iou", True, _fixed(3)),
    Column("E(W) ↓", "ew", False, _fixed(4)),
]
# The column naming which scale's head each accuracy metric was taken from.
SOURCE = {"psnr": "r_source", "ssim": "r_source", "ew": "r_source", "iou": "m_source",
          "mace": "h_source"}

COST = [
    Column("#P(M) ↓", "params_m", False, _fixed(1)),
    Column("GFLOPs ↓", "gflops", False, _fixed(1)),
    Column("FPS ↑", "fps", True, _fixed(1)),
]


def _cells(frame: pd.DataFrame, columns: list[Column], ranked: pd.Series) -> list[list[str]]:
    """Formatted cells, '–' for missing values, bold where a ranked row ties the column's best
    (compared as printed, so equal printed values are bold together)."""
    cells = [["–" if _missing(v) else c.fmt(v) for v in frame[c.field]] for c in columns]
    for j, c in enumerate(columns):
        values = [v for v, r in zip(frame[c.field], ranked, strict=True) if r and not _missing(v)]
        if not values:
            continue
        best = c.fmt(max(values) if c.higher else min(values))
        cells[j] = [
            f"**{s}**" if s == best and r else s for s, r in zip(cells[j], ranked, strict=True)
        ]
    return [list(row) for row in zip(*cells, strict=True)] if cells else []


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def display_balancer(name: str) -> str:
    return "–" if not name else name.upper()


def primary_rows(rows: pd.DataFrame, balancer: str, scale: int = 1) -> pd.DataFrame:
    """One row per model at ``scale``: the run with ``balancer`` when there is one, else the
    model's first run (single-task baselines are trained once). Row order: the BASELINE first,
    then models in the order they first appear."""
    at = rows[rows["scale"] == scale]
    picked = []
    for model in dict.fromkeys(at["model"]):
        runs = at[at["model"] == model]
        chosen = runs[runs["balancer"] == balancer]
        picked.append((chosen if len(chosen) else runs).iloc[0])
    out = pd.DataFrame(picked).reset_index(drop=True)
    order = (out["model"] != BASELINE).astype(int)
    return out.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")


def _with_millions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(params_m=frame["params"] / 1e6)


def models_table(rows: pd.DataFrame, balancer: str = "atb") -> str:
    """Table 6.4's shape: one row per model (its ``balancer`` run), full resolution (scale 1)."""
    frame = _with_millions(primary_rows(rows, balancer))
    columns = ACCURACY + COST
    ranked = frame["model"] != BASELINE
    names = [m.upper() if m == BASELINE else m for m in frame["model"]]
    body = [[n, *c] for n, c in zip(names, _cells(frame, columns, ranked), strict=True)]
    return _markdown(["Architecture", *(c.header for c in columns)], body)


def balancers_table(rows: pd.DataFrame) -> str:
    """Table 6.3's shape: every model trained with more than one balancer, one row per balancer,
    best per column and architecture in bold; empty when no model has two balancers."""
    at = _with_millions(rows[(rows["scale"] == 1) & (rows["model"] != BASELINE)])
    columns = ACCURACY + COST
    body = []
    for model in dict.fromkeys(at["model"]):
        runs = at[at["model"] == model].reset_index(drop=True)
        if runs["balancer"].nunique() < 2:
            continue
        cells = _cells(runs, columns, pd.Series(True, index=runs.index))
        body += [
            [model, display_balancer(b), *c] for b, c in zip(runs["balancer"], cells, strict=True)
        ]
    if not body:
        return ""
    return _markdown(["Architecture", "Method", *(c.header for c in columns)], body)


def scales_table(rows: pd.DataFrame, balancer: str = "atb") -> str:
    """Accuracy per scale (Fig. 6.10 as a table) of each model's ``balancer`` run; values taken
    from another scale's head (resampled) are marked with *."""
    blocks = [primary_rows(rows, balancer, s) for s in (1, 2, 3)]
    frame = pd.concat(blocks).reset_index(drop=True)
    frame = frame[frame["model"] != BASELINE].sort_values(["model", "scale"], kind="stable")
    body = []
    for _, r in frame.iterrows():
        cells = []
        for c in ACCURACY:
            v = r[c.field]
            text = "–" if _missing(v) else c.fmt(v)
            src = r[SOURCE[c.field]]
            if not _missing(v) and not _missing(src) and int(src) != int(r["scale"]):
                text += "*"
            cells.append(text)
        body.append([r["model"], str(int(r["scale"])), *cells])
    return _markdown(["Architecture", "Scale", *(c.header for c in ACCURACY)], body)


def report(rows: pd.DataFrame, dataset: str, balancer: str = "atb") -> str:
    """The benchmark page: models table, balancers table (when any), per-scale table, notes."""
    split = ", ".join(sorted(set(rows["split"])))
    costed = rows[rows["model"] != BASELINE]
    size = ", ".join(sorted(set(costed["size"].dropna())))
    fps_size = ", ".join(sorted(set(costed["fps_size"].dropna())))
    device = ", ".join(sorted(set(costed["device"].dropna())))
    parts = [
        f"# Benchmark: {dataset} ({split} split)",
        "",
        f"## Models ({display_balancer(balancer)} runs, full resolution)",
        "",
        models_table(rows, balancer),
        "",
    ]
    balancers = balancers_table(rows)
    if balancers:
        parts += ["## Task balancers", "", balancers, ""]
    parts += [
        "## Per scale",
        "",
        scales_table(rows, balancer),
        "",
        "Scale s is 1/2^(s-1) resolution; * marks a value from a model without a head at that "
        "scale, whose finest prediction was resampled to it. BASELINE: the input frame as the "
        "restoration, the identity homography, every pixel teeth. E(W): warping error of the "
        "restored video with the label homography as the motion, over the teeth label. "
        f"GFLOPs per frame pair at {size or 'n/a'}, counting multiply-accumulates (fvcore "
        f"convention); FPS at batch 1 on {fps_size or 'n/a'} frame pairs on {device or 'n/a'}. "
        "Best per column in bold.",
        "",
    ]
    return "\n".join(parts)
