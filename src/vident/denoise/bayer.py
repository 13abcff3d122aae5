"""RGGB Bayer mosaics <-> 4 half-resolution planes, the layout the RAW denoiser works in."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

RAW_MAX = 65535.0


def pack_rggb(mosaic: np.ndarray) -> Tensor:
    """(T,H,W) uint16 RGGB mosaics -> (T,4,H/2,W/2) float32 in [0,1], planes R, G1, G2, B."""
    t, h, w = mosaic.shape
    if h % 2 or w % 2:
        raise ValueError(f"a Bayer mosaic needs even sides, got {h}x{w}")
    planes = (
        mosaic.reshape(t, h // 2, 2, w // 2, 2)
        .transpose(0, 2, 4, 1, 3)
        .reshape(t, 4, h // 2, w // 2)
    )
    return torch.from_numpy(planes.astype(np.float32) / RAW_MAX)


def unpack_rggb(planes: Tensor) -> np.ndarray:
    """Inverse of `pack_rggb`: (T,4,h,w) in [0,1] -> (T,2h,2w) uint16 mosaics (rounded, clipped)."""
    t, _, h, w = planes.shape
    values = (
        (planes.detach().cpu().clamp(0, 1) * RAW_MAX)
        .round()
        .to(torch.int32)
        .numpy()
        .astype(np.uint16)
    )
    return values.reshape(t, 2, 2, h, w).transpose(0, 3, 1, 4, 2).reshape(t, 2 * h, 2 * w)


def planes_to_rgb(planes: Tensor) -> Tensor:
    """(T,4,h,w) RGGB planes -> (T,3,h,w) half-resolution RGB (greens averaged), e.g. for flow."""
    return torch.stack([planes[:, 0], (planes[:, 1] + planes[:, 2]) / 2, planes[:, 3]], dim=1)
