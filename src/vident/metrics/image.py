"""Frame-wise PSNR and SSIM on RGB frames at data range 255 (torch, batched, differentiable)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

DATA_RANGE = 255.0


def _to_255(x: Tensor) -> Tensor:
    return x.to(torch.float64) * DATA_RANGE


def psnr(pred: Tensor, target: Tensor) -> Tensor:
    """PSNR in dB per frame, (N,). Inputs (N,C,H,W) in [0,1]; evaluated at data range 255."""
    mse = (_to_255(pred) - _to_255(target)).pow(2).flatten(1).mean(1)
    return 10.0 * torch.log10(DATA_RANGE**2 / mse.clamp_min(1e-12))


def _gaussian_window(sigma: float, truncate: float, device: torch.device) -> Tensor:
    radius = int(truncate * sigma + 0.5)
    x = torch.arange(-radius, radius + 1, dtype=torch.float64, device=device)
    g = torch.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def ssim(pred: Tensor, target: Tensor, sigma: float = 1.5) -> Tensor:
    """SSIM per frame, (N,), mean over RGB channels (Wang et al. 2004: Gaussian window σ=1.5,
    11 taps, K1=0.01, K2=0.03, no sample-covariance correction).

    Equals ``skimage.metrics.structural_similarity(..., data_range=255, channel_axis=-1,
    gaussian_weights=True, sigma=1.5, use_sample_covariance=False)``: the statistics are taken
    over the valid interior only, as skimage crops the window border before averaging.
    """
    x, y = _to_255(pred), _to_255(target)
    c = x.shape[1]
    g = _gaussian_window(sigma, 3.5, x.device)
    kh = g.view(1, 1, -1, 1).repeat(c, 1, 1, 1)
    kw = g.view(1, 1, 1, -1).repeat(c, 1, 1, 1)

    def blur(t: Tensor) -> Tensor:
        return F.conv2d(F.conv2d(t, kh, groups=c), kw, groups=c)

    mx, my = blur(x), blur(y)
    vx = blur(x * x) - mx * mx
    vy = blur(y * y) - my * my
    cxy = blur(x * y) - mx * my
    c1, c2 = (0.01 * DATA_RANGE) ** 2, (0.03 * DATA_RANGE) ** 2
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return s.flatten(1).mean(1)
