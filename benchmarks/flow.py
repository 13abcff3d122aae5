"""Flow and blur benchmark: frames/s of the flow backends and of blur synthesis on this machine.

    .venv/bin/python benchmarks/flow.py [--threads 2] [--pairs 8] [--raft-updates 12]

Frames are a smoothly panning random texture (so DIS has work to do). Flow rows time one
frame pair per call (DIS, RAFT-small at random init: the speed does not depend on the weights);
the blur row times BlurSynthesiser with DIS at factor 8, window 17 (2 flows + 7 interpolated
frames per frame). Warm-up calls are excluded.
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np
import torch

from vident.blur.synthesis import BlurSynthesiser
from vident.motion.flow import make_flow

SIZES = ((128, 160), (320, 416))


def panning_video(frames: int, h: int, w: int, seed: int = 0) -> np.ndarray:
    """(T,H,W,3) uint8 crops of a random texture moving 2 px right and 1 px down per frame."""
    rng = np.random.default_rng(seed)
    big = cv2.GaussianBlur(rng.random((h + 2 * frames, w + 2 * frames, 3)).astype(np.float32),
                           (0, 0), 2.0)
    big = (big - big.min()) / np.ptp(big)
    crops = [big[frames - t : frames - t + h, 2 * frames - 2 * t : 2 * frames - 2 * t + w]
             for t in range(frames)]
    return np.rint(np.stack(crops) * 255).astype(np.uint8)


def pair_rate(flow: torch.nn.Module, video: np.ndarray, pairs: int) -> float:
    """Flow fields per second, one pair per call, after one warm-up call."""
    x = torch.from_numpy(video).permute(0, 3, 1, 2).float() / 255
    with torch.inference_mode():
        flow(x[:1], x[1:2])
        start = time.perf_counter()
        for i in range(pairs):
            flow(x[i : i + 1], x[i + 1 : i + 2])
    return pairs / (time.perf_counter() - start)


def blur_rate(video: np.ndarray) -> float:
    """Blurred frames per second (DIS medium, factor 8, window 17), first frame excluded."""
    synthesiser = iter(BlurSynthesiser(video, make_flow("dis")))
    with torch.inference_mode():
        next(synthesiser)
        start = time.perf_counter()
        count = sum(1 for _ in synthesiser)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--raft-updates", type=int, default=12)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    torch.manual_seed(0)
    backends = {
        "dis (medium)": make_flow("dis", preset="medium"),
        "dis (fast)": make_flow("dis", preset="fast"),
        f"raft_small ({args.raft_updates} it)": make_flow("raft_small",
                                                         num_flow_updates=args.raft_updates),
    }
    print(f"threads: {args.threads}")
    print(f"| {'what':<22} | " + " | ".join(f"{h}x{w} frames/s" for h, w in SIZES) + " |")
    print("|" + "---|" * (len(SIZES) + 1))
    videos = {size: panning_video(args.pairs + 2, *size) for size in SIZES}
    for name, flow in backends.items():
        rates = [pair_rate(flow, videos[size], args.pairs) for size in SIZES]
        print(f"| {name:<22} | " + " | ".join(f"{r:18.2f}" for r in rates) + " |")
    rates = [blur_rate(videos[size]) for size in SIZES]
    print(f"| {'blur (dis, x8, 17)':<22} | " + " | ".join(f"{r:18.2f}" for r in rates) + " |")


if __name__ == "__main__":
    main()
