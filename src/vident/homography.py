"""Homography maths shared by the models, metrics, training and benchmark: image corners, mapping
points, the 4-point (corner offset) form <-> 3x3 matrix by DLT (kornia), and conjugation between
scales of the dataset pyramid.

Pixel coordinates follow OpenCV (pixel centres at integers); homographies are batched (N,3,3).
Scales follow `vident.io.scales` (scale s has 1/2^(s-1) resolution, H_s = S H S^-1), which stays
the one statement of that convention.

Precision rule: every function here runs outside autocast and in float32 or better (float16 and
bfloat16 inputs give float32 results; float32 and float64 keep their dtype): half-precision
homographies are off by pixels.
"""

from __future__ import annotations

import numpy as np
import torch
from kornia.geometry.transform import get_perspective_transform
from torch import Tensor

from vident.io.scales import scale_matrix


def full_precision(like: Tensor) -> torch.autocast:
    """Context that disables autocast on ``like``'s device (for homography maths)."""
    return torch.autocast(device_type=like.device.type, enabled=False)


def at_least_float32(x: Tensor) -> Tensor:
    """``x`` in float32 if it is half precision (float16, bfloat16), else unchanged."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def image_corners(height: int, width: int, like: Tensor) -> Tensor:
    """The 4 corner pixel centres (x, y), TL, TR, BR, BL, as (1,4,2) on ``like``'s device/dtype."""
    w, h = float(width - 1), float(height - 1)
    return torch.tensor(
        [[[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]], dtype=like.dtype, device=like.device
    )


def apply_homography(hom: Tensor, points: Tensor) -> Tensor:
    """Points (N,K,2) mapped by homographies (N,3,3), projective division included (batch
    dimensions broadcast: (1,K,2) points go through every homography)."""
    dtype = torch.promote_types(torch.promote_types(hom.dtype, points.dtype), torch.float32)
    with full_precision(hom):
        hom, points = hom.to(dtype), points.to(dtype)
        p = torch.cat([points, torch.ones_like(points[..., :1])], -1) @ hom.transpose(-1, -2)
        return p[..., :2] / p[..., 2:]


def homography_to_offsets(hom: Tensor, height: int, width: int) -> Tensor:
    """Corner offsets (N,4,2): where each homography (N,3,3) moves the image corners, minus them."""
    corners = image_corners(height, width, at_least_float32(hom))
    return apply_homography(hom, corners) - corners


def offsets_to_homography(offsets: Tensor, height: int, width: int) -> Tensor:
    """The homographies (N,3,3) moving the image corners by ``offsets`` (N,4,2) pixels, by DLT."""
    with full_precision(offsets):
        offsets = at_least_float32(offsets)
        corners = image_corners(height, width, offsets).expand_as(offsets)
        return get_perspective_transform(corners, corners + offsets)


def rescale_homography(hom: Tensor, from_scale: int, to_scale: int) -> Tensor:
    """Homographies (N,3,3) in scale-``from_scale`` pixels -> scale ``to_scale``: M H M^-1 with
    M = S_to S_from^-1 (`vident.io.scales.scale_matrix`, exact in float64)."""
    hom = at_least_float32(hom)
    if from_scale == to_scale:
        return hom
    s_from, s_to = scale_matrix(from_scale), scale_matrix(to_scale)
    m, m_inv = (
        torch.as_tensor(a, dtype=hom.dtype, device=hom.device)
        for a in (s_to @ np.linalg.inv(s_from), s_from @ np.linalg.inv(s_to))
    )
    with full_precision(hom):
        return m @ hom @ m_inv
