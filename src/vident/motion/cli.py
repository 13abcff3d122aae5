"""Homographies H: fine-tune RAFT on synthetic pairs, or fit x_t = H_t x_{t-1} on a recording.

Examples:
  vident motion finetune models/raft.pt --r-store rec0/colour.zarr --r-store rec1/colour.zarr
  vident motion fit rec0/motion.zarr --r-store rec0/colour.zarr --masks rec0/masks.zarr \\
      --flow raft_small --flow-weights models/raft.pt
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import torch

from vident.cli import from_args
from vident.device import pick_device
from vident.errors import VidentError
from vident.io.atomic import atomic_path
from vident.io.stage import read_stage, write_stage
from vident.motion.finetune import FinetuneConfig, finetune_raft
from vident.motion.flow import make_flow
from vident.motion.homography import FitConfig, fit_homographies, to_tensor

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `vident motion finetune|fit`."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    ft = sub.add_parser("finetune", help="train RAFT on synthetic homography + occluder pairs")
    ft.add_argument("out", type=Path, help="raft.pt to write (state_dict + config, atomically)")
    ft.add_argument(
        "--r-store",
        type=Path,
        action="append",
        required=True,
        help="Zarr store holding R whose frames make the pairs (repeat)",
    )
    ft.add_argument("--arch", default="raft_small", choices=["raft_small", "raft_large"])
    ft.add_argument(
        "--pretrained", action="store_true", help="start from torchvision's pretrained weights"
    )
    defaults = FinetuneConfig()
    for key, value in defaults.to_dict().items():
        ft.add_argument(f"--{key.replace('_', '-')}", type=type(value), default=value)
    ft.add_argument("--device", default="auto", help="auto, cpu or cuda")
    fit = sub.add_parser(
        "fit", help="flow + masked RANSAC partial-affine fit -> motion.zarr (H, inliers, fallback)"
    )
    fit.add_argument("out", type=Path, help="motion.zarr to write (atomically)")
    fit.add_argument("--r-store", type=Path, required=True, help="Zarr store holding R (T,H,W,3)")
    fit.add_argument(
        "--masks", type=Path, help="masks.zarr holding M (T,H,W); omit to fit on all pixels"
    )
    fit.add_argument(
        "--flow", default="raft_small", help="flow backend: raft_small, raft_large, dis"
    )
    fit.add_argument("--flow-weights", default=None, help="'default' or a checkpoint path (RAFT)")
    fit.add_argument("--flow-updates", type=int, default=12, help="RAFT iterations")
    fit.add_argument(
        "--threshold", type=float, default=1.0, help="RANSAC reprojection threshold (px)"
    )
    fit.add_argument("--min-inliers", type=int, default=100, help="fewer inliers -> fallback")
    fit.add_argument("--fallback", choices=["identity", "previous"], default="identity")
    fit.add_argument("--stride", type=int, default=1, help="use every n-th flow vector per axis")
    fit.add_argument(
        "--no-occlusion", action="store_true", help="skip the forward-backward occlusion check"
    )
    fit.add_argument("--batch", type=int, default=4)
    fit.add_argument("--device", default="auto", help="auto, cpu or cuda")


def run(args: argparse.Namespace) -> None:
    """Run `vident motion finetune` or `vident motion fit`."""
    (_finetune if args.action == "finetune" else _fit)(args)


def _finetune(args: argparse.Namespace) -> None:
    from vident.motion.raft import build_raft

    device = str(pick_device(args.device))
    cfg = from_args(FinetuneConfig, args)
    torch.manual_seed(cfg.seed)
    if device == "cpu":
        torch.use_deterministic_algorithms(True, warn_only=True)
    frames = torch.cat([to_tensor(read_stage(p, ["R"])["R"]) for p in args.r_store])
    if len(frames) < 2:
        raise VidentError(
            "need at least 2 frames to make training and held-out pairs", args.r_store[0]
        )
    # Even frames make the training pairs, odd frames the held-out ones.
    module = build_raft(args.arch, "default" if args.pretrained else None)
    module, scores = finetune_raft(module, frames[0::2], frames[1::2], cfg, device)
    with atomic_path(args.out) as tmp:
        torch.save(
            {
                "kind": "vident-raft",
                "arch": args.arch,
                "config": cfg.to_dict(),
                "pretrained": args.pretrained,
                "scores": scores,
                "state_dict": {k: v.cpu() for k, v in module.state_dict().items()},
            },
            tmp,
        )


def _fit(args: argparse.Namespace) -> None:
    device = str(pick_device(args.device))
    frames = read_stage(args.r_store, ["R"])["R"]
    masks = None
    if args.masks is not None:
        masks = read_stage(args.masks, ["M"])["M"]
        if masks.shape != frames.shape[:3]:
            raise VidentError(f"M is {masks.shape} but R is {frames.shape[:3]}", args.masks)
    options = {"num_flow_updates": args.flow_updates} if args.flow.startswith("raft") else {}
    flow = make_flow(args.flow, weights=args.flow_weights, device=device, **options)
    cfg = FitConfig(
        args.threshold,
        args.min_inliers,
        args.fallback,
        args.stride,
        masks is not None,
        not args.no_occlusion,
        args.batch,
    )
    start = time.perf_counter()
    hs, inliers, fallback = fit_homographies(frames, masks, flow, cfg, device)
    seconds = time.perf_counter() - start
    write_stage(args.out, {"H": hs, "inliers": inliers, "fallback": fallback})
    log.info(
        "motion fit: %d frames in %.1f s (%.1f frames/s), %d fallbacks",
        len(frames),
        seconds,
        (len(frames) - 1) / max(seconds, 1e-9),
        int(fallback.sum()),
    )
