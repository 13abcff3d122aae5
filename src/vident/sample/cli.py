"""Write the miniature phantom beam-splitter sample with exact ground truth (design §3).

Example: vident sample data/sample --seed 0
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vident.sample import make_sample


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `vident sample`."""
    parser.add_argument("out", type=Path, help="output folder (replaced atomically if it exists)")
    parser.add_argument(
        "--seed", type=int, required=True, help="random seed; same seed -> same bytes"
    )
    parser.add_argument("--videos", type=int, default=4, help="phantom videos (default 4)")
    parser.add_argument("--frames", type=int, default=40, help="C2 frames per video (default 40)")
    parser.add_argument("--height", type=int, default=128, help="frame height, even (default 128)")
    parser.add_argument("--width", type=int, default=160, help="frame width, even (default 160)")
    parser.add_argument(
        "--real", type=int, default=1, help="RAW Bayer 'real' recordings (default 1)"
    )
    parser.add_argument(
        "--noise-a", type=float, default=0.01, help="C1 Poisson scale a (default 0.01)"
    )
    parser.add_argument(
        "--noise-sigma", type=float, default=0.02, help="C1 Gaussian sigma (default 0.02)"
    )


def run(args: argparse.Namespace) -> None:
    """Generate the sample."""
    make_sample(
        args.out,
        seed=args.seed,
        videos=args.videos,
        frames=args.frames,
        height=args.height,
        width=args.width,
        real=args.real,
        a=args.noise_a,
        sigma=args.noise_sigma,
    )
