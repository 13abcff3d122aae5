"""Mean Average Corner Error (MACE) between predicted and true homographies."""

from __future__ import annotations

import torch
from torch import Tensor


def image_corners(height: int, width: int, like: Tensor) -> Tensor:
    """The 4 image corners as homogeneous pixel coordinates (3,4), OpenCV convention (pixel
    centres at integers, so the far corners are at W-1 and H-1)."""
    w, h = float(width - 1), float(height - 1)
    return torch.tensor(
        [[0.0, w, 0.0, w], [0.0, 0.0, h, h], [1.0, 1.0, 1.0, 1.0]],
        dtype=like.dtype,
        device=like.device,
    )


def _map(h: Tensor, corners: Tensor) -> Tensor:
    p = h @ corners
    return p[:, :2] / p[:, 2:3]


def corner_errors(h_pred: Tensor, h_true: Tensor, height: int, width: int) -> Tensor:
    """Euclidean distance in pixels between the image corners mapped by each homography, (N,4)."""
    c = image_corners(height, width, h_pred)
    return (_map(h_pred, c) - _map(h_true.to(h_pred.dtype), c)).norm(dim=1)


def mace(h_pred: Tensor, h_true: Tensor, height: int, width: int) -> Tensor:
    """MACE per pair, (N,): mean over the 4 corners of an image of that scale's size (H,W) of the
    distance between the corner mapped by the predicted and by the true H (N,3,3)."""
    return corner_errors(h_pred, h_true, height, width).mean(1)
