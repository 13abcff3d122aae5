"""Intersection over Union of the teeth class."""

from __future__ import annotations

from torch import Tensor


def iou(prob: Tensor, target: Tensor, threshold: float = 0.5) -> Tensor:
    """Teeth IoU per frame, (N,). ``prob``: probabilities (N,1,H,W) thresholded at ``threshold``;
    ``target``: 0/1 masks of the same shape (values > 0.5 count as teeth). A frame where both
    masks are empty scores 1 (a perfect prediction of no teeth)."""
    p = (prob > threshold).flatten(1)
    t = (target > 0.5).flatten(1)
    inter = (p & t).sum(1).double()
    union = (p | t).sum(1).double()
    return (inter / union.clamp_min(1)).where(union > 0, inter.new_ones(()))
