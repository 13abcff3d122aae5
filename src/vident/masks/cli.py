"""Teeth masks M: train an HRNet segmenter on the annotated frames, or apply it to a recording.

Examples:
  vident masks train models/masks.pt --recording rec0/colour.zarr rec0/annotations train ...
  vident masks apply rec0/masks.zarr --r-store rec0/colour.zarr --model models/masks.pt \\
      --annotations rec0/annotations
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import torch

from vident.device import pick_device
from vident.errors import VidentError
from vident.io.stage import read_stage, write_stage
from vident.masks.annotations import read_annotations
from vident.masks.checkpoint import load_segmenter, save_segmenter
from vident.masks.network import SegmenterConfig
from vident.masks.predict import binarise, predict_probabilities, smooth_probabilities
from vident.masks.train import TrainConfig, train_segmenter

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `vident masks train|apply`."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    train = sub.add_parser(
        "train", help="fine-tune the segmenter on every annotated frame of a dataset"
    )
    train.add_argument("out", type=Path, help="checkpoint to write (.pt, atomically)")
    train.add_argument(
        "--recording",
        nargs=3,
        action="append",
        required=True,
        metavar=("R_STORE", "ANNOTATIONS", "SPLIT"),
        help="a recording: Zarr store holding R, its annotations folder, its split (repeat)",
    )
    train.add_argument(
        "--annotated-splits",
        nargs="*",
        default=["train", "val", "test"],
        help="splits whose recordings must have at least one annotation",
    )
    train.add_argument(
        "--backbone", default="hrnet_w18_small", help="timm HRNet name (hrnet_w48 for real data)"
    )
    train.add_argument("--head-channels", type=int, default=64, help="width of the fused head")
    train.add_argument(
        "--pretrained", action="store_true", help="start from timm's ImageNet weights"
    )
    train.add_argument("--steps", type=int, default=TrainConfig.steps)
    train.add_argument("--batch", type=int, default=TrainConfig.batch)
    train.add_argument(
        "--crop", type=int, default=TrainConfig.crop, help="square training crop side (px)"
    )
    train.add_argument("--lr", type=float, default=TrainConfig.lr)
    train.add_argument("--seed", type=int, default=TrainConfig.seed)
    train.add_argument("--device", default="auto", help="auto, cpu or cuda")
    apply = sub.add_parser("apply", help="segment every frame of R into masks.zarr (M, human)")
    apply.add_argument("out", type=Path, help="masks.zarr to write (atomically)")
    apply.add_argument("--r-store", type=Path, required=True, help="Zarr store holding R (T,H,W,3)")
    apply.add_argument(
        "--model", type=Path, required=True, help="checkpoint from `vident masks train`"
    )
    apply.add_argument(
        "--annotations", type=Path, help="annotations folder: those frames keep the annotation"
    )
    apply.add_argument(
        "--smooth",
        type=float,
        default=0.0,
        help="temporal smoothing weight of the flow-warped previous probabilities (0: off)",
    )
    apply.add_argument(
        "--flow", default="dis", help="flow backend for smoothing (dis, raft_small, ...)"
    )
    apply.add_argument(
        "--flow-weights", default=None, help="flow weights: 'default' or a checkpoint path"
    )
    apply.add_argument("--batch", type=int, default=8)
    apply.add_argument("--device", default="auto", help="auto, cpu or cuda")


def run(args: argparse.Namespace) -> None:
    """Run `vident masks train` or `vident masks apply`."""
    (_train if args.action == "train" else _apply)(args)


def _configure(device: str, seed: int) -> str:
    dev = str(pick_device(device))
    torch.manual_seed(seed)
    if dev == "cpu":
        torch.use_deterministic_algorithms(True, warn_only=True)
    return dev


def _train(args: argparse.Namespace) -> None:
    device = _configure(args.device, args.seed)
    images, masks = [], []
    for store, folder, split in args.recording:
        frames = read_stage(store, ["R"])["R"]
        ann = read_annotations(
            folder, len(frames), frames.shape[1:3], required=split in args.annotated_splits
        )
        for t, mask in ann.items():
            images.append(frames[t])
            masks.append(mask)
    if not images:
        raise VidentError(
            "no annotated frame in any recording given to `vident masks train`", args.out
        )
    sizes = {im.shape for im in images}
    if len(sizes) > 1:
        raise VidentError(
            f"annotated frames differ in size across recordings: {sorted(sizes)}", args.out
        )
    model_cfg = SegmenterConfig(args.backbone, args.head_channels)
    cfg = TrainConfig(args.steps, args.batch, args.crop, args.lr, args.seed)
    model = train_segmenter(
        np.stack(images), np.stack(masks), model_cfg, cfg, pretrained=args.pretrained, device=device
    )
    save_segmenter(model.cpu(), args.out, extra={**cfg.__dict__, "frames": len(images)})


def _apply(args: argparse.Namespace) -> None:
    device = _configure(args.device, 0)
    frames = read_stage(args.r_store, ["R"])["R"]
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise VidentError(f"R must be (T,H,W,3), got {frames.shape}", args.r_store)
    ann = (
        {}
        if args.annotations is None
        else read_annotations(args.annotations, len(frames), frames.shape[1:3], required=False)
    )
    model = load_segmenter(args.model, device)
    start = time.perf_counter()
    prob = predict_probabilities(model, frames, batch=args.batch, device=device)
    if args.smooth > 0:
        from vident.motion.flow import make_flow
        from vident.motion.warp import backward_warp

        flow = make_flow(args.flow, weights=args.flow_weights, device=device)
        prob = smooth_probabilities(
            prob,
            frames,
            lambda a, b: flow(a.to(device), b.to(device)).cpu(),
            backward_warp,
            args.smooth,
        )
    seconds = time.perf_counter() - start
    m, human = binarise(prob, ann)
    write_stage(args.out, {"M": m, "human": human})
    log.info(
        "masks apply: %d frames in %.1f s (%.1f frames/s), %d human",
        len(frames),
        seconds,
        len(frames) / max(seconds, 1e-9),
        int(human.sum()),
    )
