"""Per-frame signals for synchronising two cameras that differ in colour, noise and geometry.

Grey, blurred, low-resolution frames, turned into per-frame normalised vectors: the
normalisation removes each camera's gain and bias, the blur and downsampling its noise. The
static geometric offset between the cameras is undone before comparing them (``geometry``).
"""

from __future__ import annotations

import cv2
import numpy as np
from tqdm import tqdm


def grey_frames(frames: np.ndarray, width: int) -> np.ndarray:
    """(T,H,W,3) uint8 RGB -> (T,h,width) float32 grey in [0,1], area-downsampled and blurred.

    The blur (sigma = half a thumbnail pixel) suppresses sensor noise and aliasing.
    """
    t, h, w = frames.shape[:3]
    size = (width, max(1, round(h * width / w)))
    out = np.empty((t, size[1], size[0]), np.float32)
    for i, frame in enumerate(tqdm(frames, desc="sync signals", leave=False)):
        grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        out[i] = cv2.GaussianBlur(small, (0, 0), 0.5)
    return out


def appearance_signals(grey: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(T,h,w) grey and (h,w) bool mask -> (T,n) unit-variance, zero-mean vectors of the masked
    pixels per frame, so the squared distance of two rows / (2n) is 1 - their correlation."""
    x = grey[:, mask].astype(np.float64)
    x -= x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return x / np.where(std > 0, std, 1.0)
