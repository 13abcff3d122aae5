"""Per-scale benchmark metrics of one model over every consecutive frame pair of a split:
PSNR / SSIM (R), MACE (H), IoU (M), the temporal warping error E(W) of the restored video, and
the model's cost (parameters, GFLOPs, FPS)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn
from tqdm import tqdm

from vident.bench.resample import at_scale
from vident.bench.temporal import pair_warping_error
from vident.metrics import fps as frames_per_second
from vident.metrics import gflops, iou, mace, psnr, ssim
from vident.models.output import SCALES
from vident.train.data import frame_pairs, to_device

METRICS = ("psnr", "ssim", "mace", "iou", "ew")
SSIM_WINDOW = 11  # taps of the Gaussian window: SSIM needs frames at least this large


def frame_metrics(preds: dict[str, Tensor | None], target: dict[str, Tensor]) -> dict[str, Tensor]:
    """Per-pair PSNR and SSIM of R (clamped to [0,1]), IoU of sigmoid(M) and MACE of H against
    the labels of one scale (R (N,3,h,w), M (N,1,h,w), H (N,3,3)); tasks without a prediction
    (and SSIM on frames smaller than its window) are left out."""
    got: dict[str, Tensor] = {}
    if preds["R"] is not None:
        r = preds["R"].clamp(0, 1)
        got["psnr"] = psnr(r, target["R"])
        if min(r.shape[-2:]) >= SSIM_WINDOW:
            got["ssim"] = ssim(r, target["R"])
    if preds["M"] is not None:
        got["iou"] = iou(torch.sigmoid(preds["M"]), target["M"])
    if preds["H"] is not None:
        height, width = target["R"].shape[-2:]
        got["mace"] = mace(preds["H"].double(), target["H"].double(), height, width)
    return got


@dataclass
class ScaleAccumulator:
    """Running sums of one scale's metrics, and the last restored frame of each video for E(W)."""

    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int | None] = field(default_factory=dict)
    last: dict[str, tuple[int, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, name: str, values: Tensor | list[float]) -> None:
        v = torch.as_tensor(values, dtype=torch.float64)
        self.sums[name] = self.sums.get(name, 0.0) + float(v.sum())
        self.counts[name] = self.counts.get(name, 0) + v.numel()

    def add_restored(
        self, videos: list[str], starts: list[int], r: np.ndarray, m: np.ndarray, h: np.ndarray
    ) -> None:
        """Restored current frames r (N,h,w,3) of pairs starting at ``starts``, their mask labels
        m (N,h,w) and homography labels h (N,3,3): the warping error of each against the
        restored frame just before it in the same video."""
        errors = []
        for i, (video, start) in enumerate(zip(videos, starts, strict=True)):
            before = self.last.get(video)
            if before is not None and before[0] == start - 1:
                e = pair_warping_error(before[1], r[i], h[i], before[2])
                if e is not None:
                    errors.append(e)
            self.last[video] = (start, r[i], m[i])
        if errors:
            self.add("ew", errors)

    def means(self) -> dict[str, float]:
        return {k: self.sums[k] / self.counts[k] if k in self.counts else math.nan for k in METRICS}


@torch.no_grad()
def evaluate_scales(
    model: nn.Module,
    batches: Iterable[dict[str, Any]],
    device: torch.device,
    total: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Mean metrics of ``model`` at scales 1..3 over the frame pairs of ``batches`` (clips of 2
    consecutive frames in video order, as ClipDataset yields them unshuffled), each scale with the
    scale its R, M, H came from (``r_source``...; NaN metrics for a task the model lacks), and the
    number of pairs."""
    model.eval()
    acc = [ScaleAccumulator() for _ in range(SCALES)]
    pairs = 0
    for batch in tqdm(batches, total=total, desc="evaluate", leave=False):
        prev, cur, target = frame_pairs(to_device(batch, device))
        out = model(prev, cur)
        pairs += cur.shape[0]
        for s, a in enumerate(acc, start=1):
            labels = {k: target[k][s - 1] for k in ("R", "M", "H")}
            preds, a.sources = at_scale(out, s, tuple(labels["R"].shape[-2:]))
            for name, values in frame_metrics(preds, labels).items():
                a.add(name, values)
            if preds["R"] is not None:
                a.add_restored(
                    list(batch["video"]),
                    [int(x) for x in batch["start"]],
                    preds["R"].clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy(),
                    labels["M"][:, 0].cpu().numpy(),
                    labels["H"].double().cpu().numpy(),
                )
    rows = []
    for s, a in enumerate(acc, start=1):
        row: dict[str, Any] = {"scale": s, **a.means()}
        for task in ("R", "M", "H"):
            row[f"{task.lower()}_source"] = a.sources.get(task)
        rows.append(row)
    return rows, pairs


@dataclass(frozen=True)
class Cost:
    """A model's size, work per frame pair and speed."""

    params: int
    gflops: float
    fps: float


def measure_cost(
    model: nn.Module,
    device: torch.device,
    size: tuple[int, int],
    fps_size: tuple[int, int] | None = None,
    warmup: int = 3,
    iters: int = 10,
) -> Cost:
    """Parameters (all, as `vident models` counts them), GMACs of one forward pass on a frame
    pair of ``size`` (reported as GFLOPs, the dissertation's and fvcore's convention: torch's
    FLOP count / 2), and forward passes per second at batch 1 on pairs of ``fps_size`` [size]
    (``warmup`` untimed passes, then ``iters`` timed ones, synchronised on GPU)."""
    model.eval()
    g = torch.Generator().manual_seed(0)
    frame = torch.rand(1, 3, *size, generator=g).to(device)
    timed = torch.rand(1, 3, *(fps_size or size), generator=g).to(device)
    return Cost(
        params=sum(p.numel() for p in model.parameters()),
        gflops=gflops(model, frame, frame) / 2,
        fps=frames_per_second(model, timed, timed, warmup=warmup, iters=iters),
    )
