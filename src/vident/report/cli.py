"""Report figures: example frames of a dataset split (Fig. 6.11) and per-stage runtimes.

`vident report frames` draws B, R, M over R and the previous frame warped by H over the current
one for a few frames of the first video of a split (PNG); `vident report runtimes` sums the
workflow's `benchmark:` files per stage into a Markdown table and a bar chart (SVG).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from vident.errors import VidentError
from vident.io.atomic import atomic_path, write_text
from vident.io.reader import list_videos, open_store, read_arrays
from vident.io.schema import SPLITS
from vident.report.frames import example_tiles, frames_figure, pick_frames
from vident.report.runtimes import runtime_bars, runtime_markdown, runtime_table

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    frames = sub.add_parser("frames", help="example frames of one split of a dataset (PNG)")
    frames.add_argument("--store", required=True, help="dataset store (path or fsspec URL)")
    frames.add_argument("--split", required=True, choices=SPLITS)
    frames.add_argument("--frames", type=int, default=3, help="frames shown (rows)")
    frames.add_argument("--out", required=True, type=Path, help="PNG to write")
    runtimes = sub.add_parser("runtimes", help="per-stage runtime table and bar chart")
    runtimes.add_argument("--benchmarks", required=True, type=Path,
                          help="folder of Snakemake benchmark TSVs (one sub-folder per stage)")
    runtimes.add_argument("--markdown", required=True, type=Path, help="Markdown table to write")
    runtimes.add_argument("--plot", required=True, type=Path, help="SVG bar chart to write")


def _save_figure(fig: Figure, path: Path, fmt: str) -> None:
    """Write ``fig`` atomically without date or software stamps (same data -> same bytes)."""
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with atomic_path(path) as tmp, matplotlib.rc_context({"svg.hashsalt": "vident"}):
        fig.savefig(tmp, format=fmt, metadata=metadata)


def _frames(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    root = open_store(args.store)
    videos = list_videos(root).get(args.split, [])
    if not videos:
        raise VidentError(f"no videos in split {args.split!r}", args.store)
    video = videos[0]
    arrays = read_arrays(root, args.split, video)
    shown = pick_frames(len(arrays["R"]), args.frames)
    if len(shown) == 0:
        raise VidentError(f"{args.split}/{video} has fewer than 2 frames", args.store)
    tiles = example_tiles(arrays["B"], arrays["R"], arrays["M"], arrays["H"], shown)
    name = root.attrs.get("name", Path(args.store).stem)
    _save_figure(frames_figure(tiles, shown, f"{name} · {args.split}/{video}"), args.out, "png")
    log.info("report frames: %d frames of %s/%s in %.1f s", len(shown), args.split, video,
             time.perf_counter() - start)


def _runtimes(args: argparse.Namespace) -> None:
    files = sorted(args.benchmarks.rglob("*.tsv"))
    if not files:
        raise VidentError("no benchmark files (*.tsv)", str(args.benchmarks))
    table = runtime_table({f.relative_to(args.benchmarks): pd.read_csv(f, sep="\t")
                           for f in files})
    write_text(args.markdown, runtime_markdown(table))
    _save_figure(runtime_bars(table), args.plot, "svg")
    log.info("report runtimes: %d benchmark files, %d stages", len(files), len(table) - 1)


def run(args: argparse.Namespace) -> None:
    {"frames": _frames, "runtimes": _runtimes}[args.action](args)
