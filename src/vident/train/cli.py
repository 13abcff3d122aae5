"""Train a multi-task model from a YAML config (one run, or the NSS schedule).

Writes OUT/model.pt and OUT/metrics.json; resumable checkpoints go to OUT/ckpt/. Under torchrun
the run is distributed (DDP) across the launched processes.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from vident.train.config import BalancerConfig, load_config
from vident.train.schedule import run_training


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("config", type=Path, help="training config (YAML), see config/train/")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default: results/train/<config name>)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue from OUT/ckpt/last.pt when it exists"
    )
    parser.add_argument(
        "--balancer", default=None, help="override the config's balancer (ls, dwa, rlw, atb, si)"
    )


def run(args: argparse.Namespace) -> None:
    cfg = load_config(args.config)
    if args.balancer is not None:
        cfg = replace(cfg, balancer=BalancerConfig(args.balancer))
    out = args.out or Path("results") / "train" / args.config.stem
    run_training(cfg, out, resume=args.resume)
