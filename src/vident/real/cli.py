"""Restore-from-Restored sharpening of pre-denoised real frames (Vident-real branch).

Trains the sharpener on one recording's denoised frames and writes the sharpened frames S and
the checkpoint.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import torch

from vident.checkpoint import save_checkpoint
from vident.device import pick_device
from vident.io.stage import read_stage, write_stage
from vident.real.sharpen import sharpen, train_sharpener

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", required=True, type=Path, help="stage store with RGB frames")
    parser.add_argument("--array", default="D", help="array of --frames to sharpen (default D)")
    parser.add_argument("--out", required=True, type=Path, help="output store (array S)")
    parser.add_argument("--model", required=True, type=Path, help="checkpoint to write (.pt)")
    parser.add_argument("--iters", type=int, default=300)
    parser.add_argument("--max-radius", type=float, default=2.5, help="largest disk PSF radius")
    parser.add_argument("--noise", type=float, default=0.01, help="largest added noise std")
    parser.add_argument("--crop", type=int, default=64)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])


def run(args: argparse.Namespace) -> None:
    frames = read_stage(args.frames, [args.array])[args.array]
    device = pick_device(args.device)
    x = torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 255
    start = time.perf_counter()
    net = train_sharpener(x, max_radius=args.max_radius, noise=args.noise, iters=args.iters,
                          batch=args.batch, crop=args.crop, lr=args.lr, seed=args.seed,
                          device=device)
    trained = time.perf_counter()
    out = sharpen(net, x)
    s = (out.permute(0, 2, 3, 1) * 255).round().to(torch.uint8).numpy()
    log.info("RfromR: %d iterations in %.1f s, %d frames sharpened at %.1f frames/s",
             args.iters, trained - start, len(s), len(s) / (time.perf_counter() - trained))
    save_checkpoint(args.model, "vident-sharpen", net.config, net,
                    {k: getattr(args, k) for k in ("iters", "max_radius", "noise", "seed")})
    write_stage(args.out, {"S": np.ascontiguousarray(s)}, {"stage": "sharpen"})
