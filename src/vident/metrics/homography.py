"""Mean Average Corner Error (MACE) between predicted and true homographies."""

from __future__ import annotations

from torch import Tensor

from vident.homography import apply_homography, image_corners


def corner_errors(h_pred: Tensor, h_true: Tensor, height: int, width: int) -> Tensor:
    """Euclidean distance in pixels between the image corners (TL, TR, BR, BL) mapped by each
    homography, (N,4)."""
    c = image_corners(height, width, h_pred)
    return (apply_homography(h_pred, c) - apply_homography(h_true.to(h_pred.dtype), c)).norm(dim=-1)


def mace(h_pred: Tensor, h_true: Tensor, height: int, width: int) -> Tensor:
    """MACE per pair, (N,): mean over the 4 corners of an image of that scale's size (H,W) of the
    distance between the corner mapped by the predicted and by the true H (N,3,3)."""
    return corner_errors(h_pred, h_true, height, width).mean(1)
