"""Benchmark of the sync and register stages.

Sync: banded DTW (dtaidistance C) plus reading the path, on two synthetic 10,000-frame signal
sequences of the size the sync stage builds (C1 starting late, with dropped and duplicated
frames); reports seconds and match accuracy. Register: elastix frames/s on a synthetic panning
scene at the sample's and at the dataset's frame size.

    .venv/bin/python benchmarks/sync_register.py [--frames 10000] [--dims 1500] [--window 100]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from vident.register.affine import corner_distance
from vident.register.elastix import Elastix, ElastixSettings
from vident.register.register import register_recording
from vident.sync.alignment import dtw_path, match_frames
from vident.sync.synchronise import OUTLIER_SPREAD

RIG = np.array([[0.9994, -0.0349, 3.0], [0.0349, 0.9994, -2.0]])  # 2 deg, (3, -2) px


def signal_sequences(frames: int, dims: int, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """Per-frame unit-variance signals, smooth in time (Gaussian, sigma 2 frames): C2 (frames,
    dims) and a noisy C1 that starts 37 frames late and drops/duplicates 1% of frames each;
    returns C1, C2 and the true pairs."""
    rng = np.random.default_rng(seed)
    walk = rng.normal(size=(frames + 50, dims)).astype(np.float32)
    walk = cv2.GaussianBlur(walk, (1, 0), sigmaX=0, sigmaY=2).astype(np.float64)
    walk = (walk - walk.mean(1, keepdims=True)) / walk.std(1, keepdims=True)
    c2 = walk[:frames]
    times = np.arange(37, frames)
    events = rng.choice(len(times), size=frames // 50, replace=False)
    dropped, duplicated = set(events[::2].tolist()), set(events[1::2].tolist())
    c1_times = []
    for k, t in enumerate(times):
        if k in dropped:
            continue
        c1_times.append(t)
        if k in duplicated:
            c1_times.append(t)
    c1 = c2[c1_times] + 0.1 * rng.normal(size=(len(c1_times), dims))
    return c1, c2, dict(enumerate(c1_times))


def bench_sync(frames: int, dims: int, window: int) -> dict:
    c1, c2, truth = signal_sequences(frames, dims, seed=0)
    start = time.perf_counter()
    dtw_path(c1, c2, window)
    dtw_seconds = time.perf_counter() - start
    start = time.perf_counter()
    matches = match_frames(c1, c2, window, OUTLIER_SPREAD)
    seconds = time.perf_counter() - start
    exact = np.mean([truth[i] == j for i, j in zip(matches.c1, matches.c2, strict=True)])
    return {"frames": frames, "dims": dims, "window": window, "dtw_s": round(dtw_seconds, 3),
            "sync_s": round(seconds, 3), "exact": round(float(exact), 4)}


def panning_pair(frames: int, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """C1 and C2 frames of a camera panning over a photograph; C1 = C2 under RIG, other colours."""
    scene = cv2.resize(data.astronaut(), (2 * width, 2 * height), interpolation=cv2.INTER_AREA)
    c2 = np.stack([scene[20 + k: 20 + k + height, 30 + 2 * k: 30 + 2 * k + width]
                   for k in range(frames)])
    c1 = np.stack([cv2.warpAffine(f, RIG, (width, height), borderMode=cv2.BORDER_REFLECT)
                   for f in c2])
    c1 = np.clip(0.8 * c1.astype(np.float32) + 20, 0, 255).astype(np.uint8)
    return c1, c2


def bench_register(frames: int, height: int, width: int, threads: int) -> dict:
    c1, c2 = panning_pair(frames, height, width)
    pairs = np.stack([np.arange(frames)] * 2, axis=1)
    with tempfile.TemporaryDirectory() as work:
        engine = Elastix(ElastixSettings(threads=threads), Path(work))
        start = time.perf_counter()
        reg = register_recording(c1, c2, pairs, engine, "median")
        seconds = time.perf_counter() - start
    error = corner_distance(reg.matrices[0], RIG, height, width)
    return {"frames": frames, "size": f"{width}x{height}", "threads": threads,
            "frames_per_s": round(frames / seconds, 2), "corner_error_px": round(error, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--dims", type=int, default=1500,
                        help="signal size per frame (the sync stage uses ~1,300-1,800)")
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--register-frames", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    results = {
        "sync": bench_sync(args.frames, args.dims, args.window),
        "register": [bench_register(args.register_frames, h, w, args.threads)
                     for h, w in ((128, 160), (320, 416))],
    }
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
