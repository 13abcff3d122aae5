"""Synchronise the two cameras of a recording (DTW): which C2 frame each C1 frame shows.

Writes ``sync.parquet`` with one row per C1 frame inside the overlap: c1_frame, c2_frame and
cost (1 - correlation of the offset-corrected grey thumbnails).
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from vident.errors import VidentError
from vident.io.atomic import write_parquet
from vident.io.video import probe, read_video
from vident.sync.synchronise import synchronise
from vident.sync.table import sync_table

log = logging.getLogger("vident.sync")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--c1", required=True, type=Path, help="C1 recording (frames or video)")
    parser.add_argument("--c2", required=True, type=Path, help="C2 recording (frames or video)")
    parser.add_argument("--out", required=True, type=Path, help="sync.parquet to write")
    parser.add_argument("--window", type=int, default=100,
                        help="largest start offset / drift between the cameras, in frames "
                             "(DTW band; default 100)")
    parser.add_argument("--width", type=int, default=96,
                        help="width of the grey frames the signals use (default 96)")


def run(args: argparse.Namespace) -> None:
    if args.window < 1:
        raise VidentError(f"--window must be at least 1, got {args.window}")
    info1, info2 = probe(args.c1), probe(args.c2)
    if (info1.height, info1.width) != (info2.height, info2.width):
        raise VidentError(f"frame size {info2.width}x{info2.height} differs from C1's "
                          f"{info1.width}x{info1.height} ({args.c1})", args.c2)
    c1, c2 = read_video(args.c1), read_video(args.c2)
    start = time.perf_counter()
    try:
        result = synchronise(c1, c2, args.window, args.width)
    except VidentError as err:
        raise VidentError(err.problem, f"{args.c1} vs {args.c2}") from None
    elapsed = time.perf_counter() - start
    write_parquet(sync_table(result.matches), args.out)
    m = result.matches
    log.info("sync: %d of %d C1 frames matched to C2 frames %d-%d (C2 has %d); quality: mean "
             "cost %.4f (1 - correlation), max %.4f; %.1f s, %.0f frames/s", len(m), len(c1),
             m.c2.min(), m.c2.max(), len(c2), result.quality, m.cost.max(), elapsed,
             (len(c1) + len(c2)) / max(elapsed, 1e-9))
