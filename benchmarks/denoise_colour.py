"""Throughput and quality of F2F denoising and colour mapping (CM) on the miniature sample.

Makes the default sample (or reads ``--sample``), then for each phantom recording: F2F flow
precomputation time, training iterations/s, inference frames/s and PSNR(D, truth D) vs
PSNR(C1, truth D); and for CM trained on (truth D, C2 warped by the truth affine) pairs of all
phantom recordings: training iterations/s, inference frames/s and PSNR(CM(truth D), truth R).
Prints a Markdown table; ``--json`` also writes the numbers.

    .venv/bin/python benchmarks/denoise_colour.py --iterations 300
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import zarr

from vident.colour.apply import apply_colour
from vident.colour.model import ColourConfig
from vident.colour.train import ColourTraining, train_colour
from vident.denoise.f2f import F2FTraining, denoise_frames, train_f2f, video_pairs
from vident.denoise.net import DenoiserConfig
from vident.io.video import read_video
from vident.motion.flow import make_flow
from vident.sample import make_sample


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(
        10 * np.log10(255.0**2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    )


def phantoms(sample: Path) -> list[str]:
    return sorted(p.name for p in sample.iterdir() if p.name.startswith("phantom-"))


def bench_f2f(sample: Path, rec: str, iterations: int) -> dict[str, float]:
    c1 = read_video(sample / rec / "c1")
    clean = zarr.open_group(sample / rec / "truth" / "truth.zarr", mode="r")["D"][:]
    x = torch.from_numpy(c1).permute(0, 3, 1, 2).float() / 255
    start = time.perf_counter()
    pairs = video_pairs(x, x, make_flow("dis"), blur=F2FTraining().flow_blur)
    flow_s = time.perf_counter() - start
    start = time.perf_counter()
    model, _ = train_f2f([pairs], DenoiserConfig(), F2FTraining(iterations=iterations))
    train_s = time.perf_counter() - start
    denoise_frames(model, x[:2])  # warm-up
    start = time.perf_counter()
    d = (denoise_frames(model, x) * 255).round().permute(0, 2, 3, 1).numpy().astype(np.uint8)
    infer_s = time.perf_counter() - start
    return {
        "flow_s": flow_s,
        "train_it_s": iterations / train_s,
        "train_s": train_s,
        "infer_fps": len(x) / infer_s,
        "psnr_c1": psnr(c1, clean),
        "psnr_d": psnr(d, clean),
    }


def colour_pairs(sample: Path, rec: str) -> tuple[np.ndarray, ...]:
    info = json.loads((sample / rec / "truth" / "truth.json").read_text())
    d = zarr.open_group(sample / rec / "truth" / "truth.zarr", mode="r")["D"][:]
    c2 = read_video(sample / rec / "c2")
    h, w = d.shape[1:3]
    m, pairs = np.asarray(info["c2_to_c1"]), np.asarray(info["pairs"])
    target = np.stack([cv2.warpAffine(c2[j], m, (w, h)) for j in pairs[:, 1]])
    valid = np.stack(
        [cv2.warpAffine(np.ones((h, w), np.uint8), m, (w, h), flags=cv2.INTER_NEAREST) > 0]
        * len(pairs)
    )
    return d[pairs[:, 0]], target, valid


def bench_colour(sample: Path, iterations: int, size: int) -> dict[str, float]:
    recs = phantoms(sample)
    parts = [colour_pairs(sample, r) for r in recs]
    inputs, targets, valid = (np.concatenate(a) for a in zip(*parts, strict=True))
    start = time.perf_counter()
    model, _ = train_colour(
        inputs, targets, valid, ColourConfig(size=size), ColourTraining(iterations=iterations)
    )
    train_s = time.perf_counter() - start
    result = {"train_it_s": iterations / train_s, "train_s": train_s}
    frames = 0
    infer_s = 0.0
    for rec in recs:
        g = zarr.open_group(sample / rec / "truth" / "truth.zarr", mode="r")
        d, ref = g["D"][:], g["R"][:]
        start = time.perf_counter()
        r = apply_colour(model, d)
        infer_s += time.perf_counter() - start
        frames += len(d)
        result[f"psnr_{rec}"] = psnr(r, ref)
        result[f"psnr_id_{rec}"] = psnr(d, ref)
    result["infer_fps"] = frames / infer_s
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sample", type=Path, default=None, help="existing sample (default: make one)"
    )
    parser.add_argument(
        "--iterations", type=int, default=F2FTraining().iterations, help="F2F iterations"
    )
    parser.add_argument("--colour-iterations", type=int, default=ColourTraining().iterations)
    parser.add_argument("--colour-size", type=int, default=17, help="LUT side (sample config)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        sample = args.sample or make_sample(Path(tmp) / "sample", seed=0)
        recs = phantoms(sample)
        f2f = {rec: bench_f2f(sample, rec, args.iterations) for rec in recs}
        colour = bench_colour(sample, args.colour_iterations, args.colour_size)
    print("| F2F recording | flow s | train it/s | infer frames/s | PSNR C1 | PSNR D | gain |")
    print("|---|---|---|---|---|---|---|")
    for rec, r in f2f.items():
        print(
            f"| {rec} | {r['flow_s']:.1f} | {r['train_it_s']:.1f} | {r['infer_fps']:.1f} | "
            f"{r['psnr_c1']:.2f} | {r['psnr_d']:.2f} | {r['psnr_d'] - r['psnr_c1']:+.2f} |"
        )
    print(
        f"\nCM: train {colour['train_it_s']:.1f} it/s ({colour['train_s']:.0f} s), "
        f"apply {colour['infer_fps']:.1f} frames/s"
    )
    for rec in recs:
        print(
            f"| {rec} | identity {colour[f'psnr_id_{rec}']:.2f} dB "
            f"| CM {colour[f'psnr_{rec}']:.2f} dB |"
        )
    if args.json:
        args.json.write_text(json.dumps({"f2f": f2f, "colour": colour}, indent=1))


if __name__ == "__main__":
    main()
