"""List every registered model and variant with its parameter count and GFLOPs.

GFLOPs are counted as the dissertation's tables and the common counters (fvcore, thop, ptflops)
report them: multiply-accumulates, i.e. torch's FlopCounterMode total divided by 2, for one frame
pair at the given size (default 320 x 416). FFTs (MOST-NET's Fourier branch) are not counted.
"""

from __future__ import annotations

import argparse
import logging
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from vident.models.zoo import MODELS, build_model, count_parameters, model_names

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--names", nargs="+", metavar="NAME", help="only these models")
    parser.add_argument("--height", type=int, default=320, help="frame height for GFLOPs")
    parser.add_argument("--width", type=int, default=416, help="frame width for GFLOPs")
    parser.add_argument("--no-flops", action="store_true", help="skip counting GFLOPs (fast)")


def gmacs(model: torch.nn.Module, height: int, width: int) -> float:
    """Multiply-accumulates (in 1e9) of one forward pass on a 1 x 3 x height x width pair."""
    frame = torch.rand(1, 3, height, width)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        model.eval()(frame, frame)
    return counter.get_total_flops() / 2e9


def run(args: argparse.Namespace) -> None:
    known = model_names()
    names = args.names or known
    for name in names:
        MODELS.get(name)  # fail on an unknown name before any slow counting
    start = time.perf_counter()
    flops_col = "" if args.no_flops else f"  GFLOPs (MACs) at {args.height}x{args.width}"
    print(f"{'model':<16}{'params':>8}{flops_col}")
    for name in names:
        model = build_model(name)
        line = f"{name:<16}{count_parameters(model) / 1e6:>7.2f}M"
        if not args.no_flops:
            line += f"  {gmacs(model, args.height, args.width):8.1f} GFLOPs"
        print(line, flush=True)
    log.info("listed %d models in %.1f s", len(names), time.perf_counter() - start)
