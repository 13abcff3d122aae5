"""3D colour look-up tables: trilinear lookup and the regularisers of learnt LUTs.

A LUT is a tensor (3,S,S,S) (batched: (N,3,S,S,S)) indexed ``lut[c, b, g, r]``: output channel
c at the lattice point whose input colour is (r, g, b) = (i_r, i_g, i_b) / (S - 1). This is the
(C, D, H, W) layout that ``grid_sample`` reads for a 5-D input, with the grid's (x, y, z) = the
pixel's (r, g, b), so a lookup is one ``grid_sample`` call (trilinear, ``align_corners=True``:
lattice points sit exactly at the colours 0 and 1).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def identity_lut(size: int, dtype: torch.dtype = torch.float32) -> Tensor:
    """(3,S,S,S) LUT that returns its input colour."""
    ramp = torch.linspace(0.0, 1.0, size, dtype=dtype)
    b, g, r = torch.meshgrid(ramp, ramp, ramp, indexing="ij")
    return torch.stack([r, g, b])


def apply_lut(image: Tensor, lut: Tensor) -> Tensor:
    """Map each pixel of ``image`` (N,3,H,W) in [0,1] through ``lut`` (N,3,S,S,S) or (3,S,S,S)."""
    n = image.shape[0]
    if lut.ndim == 4:
        lut = lut.expand(n, *lut.shape)
    grid = image.clamp(0, 1).permute(0, 2, 3, 1).unsqueeze(1) * 2 - 1  # (N,1,H,W,3) = (r,g,b)
    out = F.grid_sample(lut, grid, mode="bilinear", padding_mode="border", align_corners=True)
    return out.squeeze(2)


def smoothness(luts: Tensor) -> Tensor:
    """Mean squared difference between neighbouring lattice points along r, g and b, for LUTs
    (..., 3, S, S, S): a total-variation penalty that fills colours the data never visits."""
    return sum(luts.diff(dim=d).square().mean() for d in (-1, -2, -3))


def monotonicity(luts: Tensor) -> Tensor:
    """Mean decrease of each output channel along its own input axis (r along r, g along g,
    b along b) for LUTs (..., 3, S, S, S). Cross-channel terms may decrease: undoing a colour
    mix with positive cross-talk needs negative cross-terms."""
    r, g, b = luts[..., 0, :, :, :], luts[..., 1, :, :, :], luts[..., 2, :, :, :]
    return sum(F.relu(-x.diff(dim=d)).mean() for x, d in ((r, -1), (g, -2), (b, -3)))
