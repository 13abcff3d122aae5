"""Register each synchronised C2 frame onto its C1 frame with elastix (mutual information).

Writes DIR/registration.parquet (c1_frame, c2_frame, m00..m12: the 2x3 affine mapping C2 px to
C1 px, metric: NMI of the aligned frames) and DIR/registered.zarr (the C2 frames resampled into
C1 geometry, with a validity mask).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from vident.errors import VidentError
from vident.io.video import probe, read_video
from vident.register.affine import corner_distance
from vident.register.elastix import Elastix, ElastixSettings, require_elastix
from vident.register.register import RIGS, register_recording
from vident.register.store import write_registration
from vident.sync.table import read_sync

log = logging.getLogger("vident.register")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--c1", required=True, type=Path, help="C1 recording (frames or video)")
    parser.add_argument("--c2", required=True, type=Path, help="C2 recording (frames or video)")
    parser.add_argument("--sync", required=True, type=Path, help="sync.parquet of the recording")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--rig", choices=RIGS, default="median",
                        help="one median rig transform for all frames (default) or per-frame "
                             "affines")
    parser.add_argument("--bspline", action="store_true",
                        help="refine each frame with a B-spline registration on the affine")
    parser.add_argument("--iterations", type=int, default=256,
                        help="elastix iterations per resolution for the first frame (default "
                             "256; later frames, started from their predecessor, use half)")
    parser.add_argument("--seed", type=int, default=0, help="elastix sampler seed")
    parser.add_argument("--threads", type=int, default=1, help="elastix threads")


def run(args: argparse.Namespace) -> None:
    require_elastix()
    if args.iterations < 1:
        raise VidentError(f"--iterations must be at least 1, got {args.iterations}")
    table = read_sync(args.sync)
    info1, info2 = probe(args.c1), probe(args.c2)
    if (info1.height, info1.width) != (info2.height, info2.width):
        raise VidentError(f"frame size {info2.width}x{info2.height} differs from C1's "
                          f"{info1.width}x{info1.height} ({args.c1})", args.c2)
    for column, path, info in (("c1_frame", args.c1, info1), ("c2_frame", args.c2, info2)):
        top = int(table[column].max())
        if top >= info.frames:
            raise VidentError(f"{column} {top} does not exist: {path} has {info.frames} frames",
                              args.sync)
    c1, c2 = read_video(args.c1), read_video(args.c2)
    pairs = table[["c1_frame", "c2_frame"]].to_numpy(np.int64)
    settings = ElastixSettings(iterations=args.iterations,
                               tracking_iterations=max(1, args.iterations // 2),
                               seed=args.seed, threads=args.threads)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vident-elastix-") as work:
        reg = register_recording(c1, c2, pairs, Elastix(settings, Path(work)), args.rig,
                                 args.bspline)
    elapsed = time.perf_counter() - start
    write_registration(reg, args.out)
    h, w = c1.shape[1:3]
    spread = np.mean([corner_distance(a, b, h, w) for a, b in zip(reg.per_frame, reg.matrices,
                                                                  strict=True)])
    log.info("register: %d frame pairs (%s%s) in %.1f s, %.2f frames/s; mean NMI %.3f; "
             "per-frame estimates are %.3f px (mean corner distance) from the transforms used",
             len(pairs), args.rig, " + B-spline" * args.bspline, elapsed,
             len(pairs) / max(elapsed, 1e-9), reg.metric.mean(), spread)
