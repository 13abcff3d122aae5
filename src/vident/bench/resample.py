"""Predictions brought to another scale of the dataset pyramid (vident.io.scales convention), for
models that have no head at that scale: NSS-pruned networks and single-scale baselines."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from vident.homography import rescale_homography
from vident.io.scales import downsample
from vident.models.output import SCALES, MultiTaskOutput


def source_scale(preds: list[Tensor | None]) -> int | None:
    """The scale (1..3) whose prediction stands for every scale without a head of its own: the
    finest one the model predicts, as the trainer's validation uses; None for a missing task."""
    return next((s + 1 for s, p in enumerate(preds) if p is not None), None)


def resize_map(x: Tensor, src: int, dst: int, size: tuple[int, int]) -> Tensor:
    """Images or logits (N,C,h,w) at scale ``src`` -> scale ``dst`` of spatial ``size``: area
    average when going coarser (as the labels are made), bilinear when going finer (as the
    trainer's validation upsamples)."""
    if src == dst:
        return x
    if dst > src:
        return downsample(x, dst - src + 1)
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


def at_scale(
    out: MultiTaskOutput, s: int, size: tuple[int, int]
) -> tuple[dict[str, Tensor | None], dict[str, int | None]]:
    """Each task's prediction at scale ``s`` (spatial ``size``) and the scale it came from: the
    model's own head at ``s`` when it has one, else its finest prediction resampled."""
    if not 1 <= s <= SCALES:
        raise ValueError(f"scale must be 1..{SCALES}, got {s}")
    preds: dict[str, Tensor | None] = {}
    sources: dict[str, int | None] = {}
    for task in ("R", "M", "H"):
        heads = getattr(out, task)
        src = s if heads[s - 1] is not None else source_scale(heads)
        sources[task] = src
        if src is None:
            preds[task] = None
        elif task == "H":
            preds[task] = rescale_homography(heads[src - 1].double(), src, s)
        else:
            preds[task] = resize_map(heads[src - 1].float(), src, s, size)
    return preds, sources
