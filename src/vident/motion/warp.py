"""Warping by dense flow or homography, and forward-backward occlusion masks.

Pixel coordinates follow OpenCV: pixel centres at integers, x right, y down. Sampling is
bilinear through ``grid_sample(align_corners=True)``, whose normalised -1/+1 are exactly the
centres of the first/last pixels, so an integer displacement reproduces pixels exactly.
Samples that fall outside the image take the nearest border pixel (``padding_mode="border"``)
unless ``padding_mode="zeros"`` is asked for; ``occlusion_mask`` flags those pixels anyway.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from vident.homography import apply_homography


def pixel_grid(n: int, h: int, w: int, device: torch.device, dtype: torch.dtype) -> Tensor:
    """(N,2,H,W) pixel coordinates: channel 0 = x (column), channel 1 = y (row)."""
    ys, xs = torch.meshgrid(
        torch.arange(h, device=device, dtype=dtype),
        torch.arange(w, device=device, dtype=dtype),
        indexing="ij",
    )
    return torch.stack([xs, ys]).expand(n, 2, h, w)


def sample_at(img: Tensor, coords: Tensor, padding_mode: str = "border") -> Tensor:
    """Bilinear samples of ``img`` (N,C,H,W) at pixel coordinates ``coords`` (N,2,Ho,Wo)."""
    h, w = img.shape[-2:]
    scale = torch.tensor([max(w - 1, 1), max(h - 1, 1)], device=coords.device, dtype=coords.dtype)
    grid = ((coords.permute(0, 2, 3, 1) * (2 / scale)) - 1).to(img.dtype)
    return F.grid_sample(img, grid, mode="bilinear", padding_mode=padding_mode, align_corners=True)


def backward_warp(img: Tensor, flow: Tensor, padding_mode: str = "border") -> Tensor:
    """``img`` sampled at x + flow(x): (N,C,H,W) -> (N,C,H,W); ``backward_warp(b, flow_ab) ≈ a``."""
    n, _, h, w = flow.shape
    return sample_at(img, pixel_grid(n, h, w, flow.device, flow.dtype) + flow, padding_mode)


def outside(flow: Tensor) -> Tensor:
    """(N,1,H,W) bool: True where x + flow(x) lies outside the image (beyond the pixel centres)."""
    n, _, h, w = flow.shape
    target = pixel_grid(n, h, w, flow.device, flow.dtype) + flow
    x, y = target[:, :1], target[:, 1:]
    return (x < 0) | (x > w - 1) | (y < 0) | (y > h - 1)


def occlusion_mask(
    flow_ab: Tensor, flow_ba: Tensor, alpha: float = 0.01, beta: float = 0.5
) -> Tensor:
    """(N,1,H,W) bool, True where pixels of ``a`` have no reliable match in ``b``.

    Forward-backward check (Sundaram et al. 2010; UnFlow, Meister et al. 2018): with
    w = flow_ab(x) and ŵ = flow_ba(x + w), occluded where |w + ŵ|² > alpha (|w|² + |ŵ|²) + beta;
    also where x + w leaves the image.
    """
    back = backward_warp(flow_ba, flow_ab)
    mismatch = (flow_ab + back).square().sum(1, keepdim=True)
    bound = (
        alpha * (flow_ab.square().sum(1, keepdim=True) + back.square().sum(1, keepdim=True)) + beta
    )
    return (mismatch > bound) | outside(flow_ab)


def warp_homography(img: Tensor, H: Tensor, padding_mode: str = "zeros") -> Tensor:
    """``img`` (N,C,H,W) warped by homographies ``H`` (N,3,3), as ``cv2.warpPerspective(img, H)``.

    ``H`` maps pixel coordinates of ``img`` to those of the output (OpenCV convention), so
    the output at x is ``img`` at H⁻¹x; with x_t = H_t x_{t-1},
    ``warp_homography(R[t-1], H[t]) ≈ R[t]``.
    Outside samples are zero by default, as OpenCV's constant border.
    """
    n, _, h, w = img.shape
    # Float64 for the inverse and the projection, so integer translations stay exact.
    grid = pixel_grid(n, h, w, img.device, torch.float64).reshape(n, 2, -1).transpose(1, 2)
    source = apply_homography(torch.linalg.inv(H.to(torch.float64)), grid)
    coords = source.transpose(1, 2).reshape(n, 2, h, w)
    return sample_at(img, coords, padding_mode)
