"""Colour mapping (CM): train an image-adaptive 3D-LUT network on (D, registered C2) pairs.

`vident colour train` fits one colour function per dataset on the pairs of all its phantom
recordings (denoised C1 frames D from `vident denoise`, C2 frames registered into C1 geometry by
`vident register`) and saves it as a self-contained checkpoint. `vident colour apply` maps a
recording's D through it and writes OUT.zarr with R (t,y,x,c) uint8 = CM(D).
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from vident.cli import from_args
from vident.colour.apply import apply_colour
from vident.colour.model import ColourConfig, load_colour, save_colour
from vident.colour.pairs import dataset_pairs
from vident.colour.train import ColourTraining, train_colour
from vident.denoise.runtime import seed_everything
from vident.device import pick_device
from vident.errors import VidentError
from vident.io.stage import read_stage, write_stage

log = logging.getLogger("vident.colour")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    train = sub.add_parser("train", help="fit the colour function on (D, registered C2) pairs")
    train.add_argument(
        "--denoised", nargs="+", required=True, type=Path, help="denoise.zarr stores"
    )
    train.add_argument(
        "--registration",
        nargs="+",
        required=True,
        type=Path,
        help="registration.parquet of each recording (registered.zarr beside it), same order",
    )
    train.add_argument("--out", required=True, type=Path, help="checkpoint to write (colour.pt)")
    d, t = ColourConfig(), ColourTraining()
    train.add_argument("--luts", type=int, default=d.luts, help="basis LUTs")
    train.add_argument("--size", type=int, default=d.size, help="LUT lattice points per axis")
    train.add_argument(
        "--thumb", type=int, default=d.thumb, help="thumbnail side the weight CNN sees"
    )
    train.add_argument("--iterations", type=int, default=t.iterations)
    train.add_argument("--batch", type=int, default=t.batch, help="frames per iteration")
    train.add_argument("--crop", type=int, default=t.crop, help="side of the crop the loss sees")
    train.add_argument("--lr", type=float, default=t.lr)
    train.add_argument(
        "--blur",
        type=float,
        default=t.blur,
        help="sigma (px) of the blur that makes the loss tolerate misregistration",
    )
    train.add_argument("--smooth", type=float, default=t.smooth, help="LUT smoothness weight")
    train.add_argument("--mono", type=float, default=t.mono, help="LUT monotonicity weight")
    train.add_argument(
        "--max-frames",
        type=_optional_int,
        default=None,
        help="at most this many evenly spaced pairs per recording (memory bound)",
    )
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto", help="auto|cpu|cuda")
    apply = sub.add_parser("apply", help="map a recording's denoised frames: R = CM(D)")
    apply.add_argument(
        "--model", required=True, type=Path, help="checkpoint from `vident colour train`"
    )
    apply.add_argument("--denoised", required=True, type=Path, help="denoise.zarr of the recording")
    apply.add_argument(
        "--array", default="D", help="RGB array to map (RGB for a RAW denoise store)"
    )
    apply.add_argument("--out", required=True, type=Path, help="store to write (colour.zarr)")
    apply.add_argument("--device", default="auto", help="auto|cpu|cuda")


def _optional_int(value: str) -> int | None:
    """Config nulls reach the shell as "None"/"null": no limit."""
    return None if value.strip().lower() in ("", "none", "null") else int(value)


def run(args: argparse.Namespace) -> None:
    (_train if args.action == "train" else _apply)(args)


def _train(args: argparse.Namespace) -> None:
    seed_everything(args.seed)
    inputs, targets, valid = dataset_pairs(args.denoised, args.registration, args.max_frames)
    config, training = from_args(ColourConfig, args), from_args(ColourTraining, args)
    model, losses = train_colour(
        inputs, targets, valid, config, training, pick_device(args.device)
    )
    save_colour(
        model,
        args.out,
        {
            "training": asdict(training),
            "pairs": len(inputs),
            "final_loss": losses[-1],
            "recordings": [str(p) for p in args.denoised],
        },
    )


def _apply(args: argparse.Namespace) -> None:
    model = load_colour(args.model, pick_device(args.device))
    frames = read_stage(args.denoised, [args.array])[args.array]
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise VidentError(
            f"array {args.array!r} is {frames.dtype} {frames.shape}, not (T,H,W,3) uint8 RGB"
            " (a RAW denoise store holds its RGB frames in array RGB)",
            args.denoised,
        )
    start = time.perf_counter()
    mapped = apply_colour(model, frames)
    seconds = time.perf_counter() - start
    write_stage(
        args.out,
        {"R": mapped},
        {"stage": "colour", "source": str(args.denoised), "model": str(args.model)},
    )
    log.info(
        "colour: %d frames in %.1f s (%.1f frames/s) -> %s",
        len(mapped),
        seconds,
        len(mapped) / max(seconds, 1e-9),
        args.out,
    )
