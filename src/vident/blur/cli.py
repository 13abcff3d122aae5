"""Synthesise blurry inputs B from denoised frames D: interpolate x factor, average, add noise N.

Reads arrays D (T,H,W,3) uint8 and N (T,H,W,3) int16 of the denoise stage's store and writes
a Zarr store with B (T,H,W,3) uint8 = blurred D + N, and S (T,H,W,3) uint8 = blurred D alone.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import zarr
from tqdm import tqdm

from vident.blur.synthesis import BlurSynthesiser, add_noise, to_uint8
from vident.device import pick_device
from vident.errors import VidentError
from vident.io.stage import open_stage, write_stage
from vident.motion.flow import FLOW_BACKENDS, make_flow

log = logging.getLogger("vident.blur")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--denoised", required=True, type=Path,
                        help="the denoise stage's Zarr store (arrays D and N)")
    parser.add_argument("--out", required=True, type=Path, help="Zarr store to write (B, S)")
    parser.add_argument("--factor", type=int, default=8,
                        help="temporal interpolation factor (default 8)")
    parser.add_argument("--window", type=int, default=17,
                        help="odd number of interpolated frames averaged per frame (default 17)")
    parser.add_argument("--flow", default="dis", choices=list(FLOW_BACKENDS),
                        help="flow backend (default dis)")
    parser.add_argument("--flow-weights", default="none",
                        help="RAFT weights: none (random init), default (torchvision's) or a "
                             "checkpoint path (default none)")
    parser.add_argument("--num-flow-updates", type=int, default=12,
                        help="RAFT iterations (default 12)")
    parser.add_argument("--dis-preset", default="medium", choices=["ultrafast", "fast", "medium"],
                        help="DIS preset (default medium)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    parser.add_argument("--seed", type=int, default=0, help="seed (RAFT random init; default 0)")
    parser.add_argument("--threads", type=int, default=None,
                        help="CPU threads for torch and OpenCV (default: their choice)")


def open_denoised(path: Path) -> tuple[zarr.Array, zarr.Array]:
    """Arrays D and N of a denoise store, checked for dtype and shape, read lazily."""
    group = open_stage(path, ["D", "N"])
    d, n = group["D"], group["N"]
    if d.dtype != np.uint8 or d.ndim != 4 or d.shape[-1] != 3 or d.shape[0] == 0:
        raise VidentError(f"D must be (T,H,W,3) uint8 with T >= 1, got {d.shape} {d.dtype}", path)
    if n.dtype != np.int16 or n.shape != d.shape:
        raise VidentError(f"N must be int16 of D's shape {d.shape}, got {n.shape} {n.dtype}", path)
    return d, n


def flow_options(args: argparse.Namespace) -> dict[str, object]:
    """The backend options the command line asks for."""
    if args.flow == "dis":
        return {"preset": args.dis_preset}
    return {"num_flow_updates": args.num_flow_updates}


def run(args: argparse.Namespace) -> None:
    if args.factor < 1 or args.window < 1 or args.window % 2 == 0:
        raise VidentError(f"--factor must be >= 1 and --window odd and >= 1, "
                          f"got {args.factor} and {args.window}")
    d, n = open_denoised(args.denoised)
    if args.threads:
        torch.set_num_threads(args.threads)
        cv2.setNumThreads(args.threads)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    weights = None if args.flow_weights == "none" else args.flow_weights
    flow = make_flow(args.flow, weights=weights, device=device, **flow_options(args))
    synthesiser = BlurSynthesiser(d, flow, args.factor, args.window, device)
    blurred = np.empty(d.shape, np.uint8)
    noisy = np.empty(d.shape, np.uint8)
    start = time.perf_counter()
    with torch.inference_mode():
        for t, frame in enumerate(tqdm(synthesiser, total=len(synthesiser), desc="blur",
                                       unit="frame")):
            blurred[t] = to_uint8(frame)
            noisy[t] = add_noise(frame, n[t])
    elapsed = time.perf_counter() - start
    attrs = {"factor": args.factor, "window": args.window, "flow": args.flow}
    write_stage(args.out, {"B": noisy, "S": blurred}, attrs)
    log.info("blur: %d frames %dx%d, factor %d, window %d, flow %s: %.1f s, %.2f frames/s",
             d.shape[0], d.shape[2], d.shape[1], args.factor, args.window, args.flow, elapsed,
             d.shape[0] / max(elapsed, 1e-9))
