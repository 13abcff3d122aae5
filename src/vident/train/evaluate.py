"""Validation: full-resolution PSNR / SSIM / MACE / IoU of a model, and of the input baselines
(B as the restoration, the identity homography, an all-teeth mask)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.homography import rescale_homography
from vident.metrics import iou, mace, psnr, ssim
from vident.models.output import MultiTaskOutput
from vident.train.config import SELECT
from vident.train.data import frame_pairs, to_device


def full_resolution(out: MultiTaskOutput, size: tuple[int, int]) -> dict[str, Tensor | None]:
    """Each task's finest prediction brought to full resolution (bilinear for R and M logits,
    conjugation for H); None for tasks the model does not predict."""
    result: dict[str, Tensor | None] = {}
    for task in ("R", "M", "H"):
        preds = getattr(out, task)
        s = next((i for i, p in enumerate(preds) if p is not None), None)
        if s is None:
            result[task] = None
        elif task == "H":
            result[task] = rescale_homography(preds[s].float(), s + 1, 1)
        else:
            x = preds[s].float()
            result[task] = (
                x if s == 0 else F.interpolate(x, size=size, mode="bilinear", align_corners=False)
            )
    return result


def _frame_metrics(
    r: Tensor | None, m: Tensor | None, h: Tensor | None, target: dict[str, list[Tensor]]
) -> dict[str, Tensor]:
    rt, mt, ht = target["R"][0], target["M"][0], target["H"][0]
    height, width = rt.shape[-2:]
    got: dict[str, Tensor] = {}
    if r is not None:
        r = r.clamp(0, 1)
        got["psnr"], got["ssim"] = psnr(r, rt), ssim(r, rt)
    if m is not None:
        got["iou"] = iou(m, mt)
    if h is not None:
        got["mace"] = mace(h.double(), ht.double(), height, width)
    return got


class MetricMeans:
    """Running means of per-frame metric values."""

    def __init__(self) -> None:
        self.sums: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def add(self, values: dict[str, Tensor]) -> None:
        for k, v in values.items():
            self.sums[k] = self.sums.get(k, 0.0) + float(v.double().sum())
            self.counts[k] = self.counts.get(k, 0) + v.numel()

    def means(self) -> dict[str, float]:
        return {k: self.sums[k] / self.counts[k] for k in sorted(self.sums)}


@torch.no_grad()
def evaluate(
    model: nn.Module,
    batches: Iterable[dict[str, Any]],
    device: torch.device,
    max_batches: int | None = None,
) -> dict[str, float]:
    """Mean full-resolution validation metrics of ``model`` over the frame pairs of ``batches``."""
    was_training = model.training
    model.eval()
    means = MetricMeans()
    for i, batch in enumerate(batches):
        if max_batches is not None and i >= max_batches:
            break
        prev, cur, target = frame_pairs(to_device(batch, device))
        full = full_resolution(model(prev, cur), tuple(target["R"][0].shape[-2:]))
        m = None if full["M"] is None else torch.sigmoid(full["M"])
        means.add(_frame_metrics(full["R"], m, full["H"], target))
    model.train(was_training)
    return means.means()


def baselines(
    batches: Iterable[dict[str, Any]], max_batches: int | None = None
) -> dict[str, float]:
    """Metrics of the inputs themselves: PSNR/SSIM of B vs R, MACE of H = I, IoU of all teeth."""
    means = MetricMeans()
    for i, batch in enumerate(batches):
        if max_batches is not None and i >= max_batches:
            break
        _, cur, target = frame_pairs(batch)
        n = cur.shape[0]
        eye = torch.eye(3, dtype=torch.float64).repeat(n, 1, 1)
        means.add(_frame_metrics(cur, torch.ones_like(target["M"][0]), eye, target))
    return means.means()


def is_better(metric: str, value: float, best: float | None) -> bool:
    """Whether ``value`` improves on ``best`` for this selection metric."""
    if best is None or np.isnan(best):
        return True
    return value < best if SELECT[metric] == "min" else value > best
