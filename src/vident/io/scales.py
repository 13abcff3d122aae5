"""The image pyramid of the dataset: scale s in {1,2,3} has 1/2^(s-1) of full resolution.

Pixel coordinates follow OpenCV (pixel centres at integers). Downsampling by f = 2^(s-1) is an
area average over f x f blocks (the antialiased form of bilinear downsampling: for f = 2 it equals
bilinear sampling exactly). Output pixel i covers input pixels f*i .. f*i+f-1, whose centre is
f*i + (f-1)/2, so coordinates map as x_s = (x_1 + 0.5) / f - 0.5 and homographies are conjugated
by that map: H_s = S H S^-1. Trailing rows/columns that do not fill a block are dropped, which
keeps the coordinate map exact.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def factor(s: int) -> int:
    """Downsampling factor of scale ``s`` (1 -> 1, 2 -> 2, 3 -> 4)."""
    if s < 1:
        raise ValueError(f"scale must be >= 1, got {s}")
    return 2 ** (s - 1)


def downsample(x: torch.Tensor, s: int) -> torch.Tensor:
    """Area-average (..., C, H, W) float images to scale ``s`` (f x f blocks, f = 2^(s-1))."""
    f = factor(s)
    if f == 1:
        return x
    lead = x.shape[:-3]
    y = F.avg_pool2d(x.reshape(-1, *x.shape[-3:]), kernel_size=f, stride=f)
    return y.reshape(*lead, *y.shape[-3:])


def scale_matrix(s: int) -> np.ndarray:
    """S mapping full-resolution pixel coordinates to scale-``s`` coordinates (float64, 3x3)."""
    f = factor(s)
    c = (1.0 - f) / (2.0 * f)
    return np.array([[1.0 / f, 0.0, c], [0.0, 1.0 / f, c], [0.0, 0.0, 1.0]])


def scale_homography(h: np.ndarray, s: int) -> np.ndarray:
    """Homographies (..., 3, 3) in full-resolution pixels -> scale ``s``: S H S^-1 (same dtype)."""
    h = np.asarray(h)
    S = scale_matrix(s)
    return (S @ h.astype(np.float64) @ np.linalg.inv(S)).astype(h.dtype)
