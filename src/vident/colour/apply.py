"""Applying a trained CM network to RGB frames (any source: denoised C1, Vident-real frames)."""

from __future__ import annotations

import numpy as np
import torch
from tqdm import tqdm

from vident.colour.model import ColourNet


def apply_colour(model: ColourNet, frames: np.ndarray, batch: int = 8) -> np.ndarray:
    """(T,H,W,3) uint8 RGB -> (T,H,W,3) uint8 colour-mapped frames (rounded, clipped)."""
    device = next(model.parameters()).device
    out = np.empty_like(frames)
    with torch.no_grad():
        for start in tqdm(
            range(0, len(frames), batch), desc="colour apply", unit="batch", leave=False
        ):
            chunk = torch.from_numpy(np.ascontiguousarray(frames[start : start + batch])).to(device)
            mapped = model(chunk.permute(0, 3, 1, 2).float() / 255)
            values = (mapped * 255).round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1)
            out[start : start + batch] = values.cpu().numpy()
    return out
