"""The 4-point form of a homography used by the models: the displacements of the four image corners
(TL, TR, BR, BL pixel centres) <-> the 3x3 matrix by DLT (kornia), and homographies at scales 2, 3.

Scale conjugation reuses `vident.io.scales` (scale s has 1/2^(s-1) resolution, H_s = S H S^-1).
"""

from __future__ import annotations

import torch
from kornia.geometry.transform import get_perspective_transform
from torch import Tensor

from vident.io.scales import scale_matrix


def image_corners(height: int, width: int, like: Tensor) -> Tensor:
    """The 4 corner pixel centres (x, y), TL, TR, BR, BL, as (1,4,2) on ``like``'s device/dtype."""
    w, h = float(width - 1), float(height - 1)
    return torch.tensor(
        [[[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]], dtype=like.dtype, device=like.device
    )


def apply_homography(hom: Tensor, points: Tensor) -> Tensor:
    """Map points (N,K,2) by homographies (N,3,3) (projective division included)."""
    ones = torch.ones_like(points[..., :1])
    p = torch.cat([points, ones], -1) @ hom.transpose(1, 2)
    return p[..., :2] / p[..., 2:]


def homography_to_offsets(hom: Tensor, height: int, width: int) -> Tensor:
    """Corner offsets (N,4,2): where H moves each image corner, minus the corner."""
    corners = image_corners(height, width, hom).expand(hom.shape[0], 4, 2)
    return apply_homography(hom, corners) - corners


def offsets_to_homography(offsets: Tensor, height: int, width: int) -> Tensor:
    """The homography (N,3,3) moving the image corners by ``offsets`` (N,4,2), by DLT."""
    corners = image_corners(height, width, offsets).expand_as(offsets)
    return get_perspective_transform(corners, corners + offsets)


def homography_at_scale(hom: Tensor, s: int) -> Tensor:
    """Full-resolution homographies (N,3,3) conjugated to scale ``s`` pixel coordinates."""
    S = torch.as_tensor(scale_matrix(s), dtype=torch.float64, device=hom.device)
    return (S @ hom.to(torch.float64) @ torch.linalg.inv(S)).to(hom.dtype)
