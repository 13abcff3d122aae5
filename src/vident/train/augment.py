"""The thesis' training augmentations (§5.3.2, after Zhong et al. [50]) applied to a clip batch
consistently across frames, scales and labels.

- Horizontal / vertical flips (p=0.5 each): B, R, M flipped; every H conjugated by the flip
  F = [[-1,0,W_s-1],[0,1,0],[0,0,1]] (resp. y) of its scale: x' = F x, so H' = F H F (F = F⁻¹).
- Channel permutation (p=0.5): the same random RGB permutation on B and R. R must follow B or the
  restoration target would no longer be the clean version of the input (the authors' transform
  permutes input and target together as well).
- Colour jitter on B only (brightness, contrast, saturation; one draw per clip, same on every
  scale): a photometric perturbation of the input that the network learns to undo. Hue jitter
  is left out.
All randomness comes from the generator passed in (saved in checkpoints for exact resume).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from vident.train.config import AugmentConfig

GREY = (0.299, 0.587, 0.114)


def _select(mask: Tensor, a: Tensor, b: Tensor) -> Tensor:
    return torch.where(mask.view(-1, *([1] * (a.dim() - 1))), a, b)


def flip_matrix(size: int, axis: int, n: int, dtype: torch.dtype, device: torch.device) -> Tensor:
    """(n,3,3) flip of pixel coordinate ``axis`` (0 = x, 1 = y) over an extent of ``size`` px."""
    f = torch.eye(3, dtype=dtype, device=device).repeat(n, 1, 1)
    f[:, axis, axis] = -1.0
    f[:, axis, 2] = size - 1
    return f


def _grey(x: Tensor) -> Tensor:
    w = torch.tensor(GREY, dtype=x.dtype, device=x.device).view(3, 1, 1)
    return (x * w).sum(-3, keepdim=True)


def colour_jitter(x: Tensor, brightness: Tensor, contrast: Tensor, saturation: Tensor) -> Tensor:
    """Jitter (N,K,3,H,W) in [0,1] with per-clip factors (N,): brightness, contrast, saturation."""
    view = (-1,) + (1,) * (x.dim() - 1)
    x = (x * brightness.view(view)).clamp(0, 1)
    mean = _grey(x).mean(dim=(-1, -2, -3), keepdim=True)
    x = ((x - mean) * contrast.view(view) + mean).clamp(0, 1)
    g = _grey(x)
    return ((x - g) * saturation.view(view) + g).clamp(0, 1)


def augment(batch: dict[str, Any], cfg: AugmentConfig, gen: torch.Generator) -> dict[str, Any]:
    """Return an augmented copy of a collated clip batch (B, R: lists of (N,K,3,H_s,W_s); M:
    (N,K,1,H_s,W_s); H: (N,K,3,3)). Random draws are taken on the CPU from ``gen``."""
    n = batch["B"][0].shape[0]
    u = torch.rand(3, n, generator=gen)
    hflip, vflip, perm_on = u[0] < cfg.hflip, u[1] < cfg.vflip, u[2] < cfg.channels
    perms = torch.stack([torch.randperm(3, generator=gen) for _ in range(n)])
    j = cfg.jitter
    factors = [
        1 + a * (2 * torch.rand(n, generator=gen, dtype=torch.float64) - 1)
        for a in (j.brightness, j.contrast, j.saturation)
    ]
    out = dict(batch)
    for key in ("B", "R", "M", "H"):
        out[key] = list(batch[key])
    device = batch["B"][0].device
    hflip, vflip, perm_on, perms = (
        hflip.to(device),
        vflip.to(device),
        perm_on.to(device),
        perms.to(device),
    )
    for s in range(len(batch["B"])):
        height, width = batch["B"][s].shape[-2:]
        for key in ("B", "R", "M"):
            x = out[key][s]
            x = _select(hflip, x.flip(-1), x)
            out[key][s] = _select(vflip, x.flip(-2), x)
        h = out["H"][s]
        k = h.shape[1]
        for mask, size, axis in ((hflip, width, 0), (vflip, height, 1)):
            f = flip_matrix(size, axis, n, h.dtype, h.device)[:, None].expand(n, k, 3, 3)
            h = _select(mask, f @ h @ f, h)
        out["H"][s] = h
        for key in ("B", "R"):
            x = out[key][s]
            idx = perms.view(n, 1, 3, 1, 1).expand_as(x)
            out[key][s] = _select(perm_on, torch.gather(x, 2, idx), x)
        out["B"][s] = colour_jitter(
            out["B"][s], *(f.to(device, out["B"][s].dtype) for f in factors)
        )
    return out
