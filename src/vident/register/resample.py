"""Bringing C2 frames into C1 geometry, and scoring how well two frames are aligned."""

from __future__ import annotations

import cv2
import numpy as np


def affine_positions(c1_to_c2: np.ndarray, height: int, width: int) -> np.ndarray:
    """(H,W,2) float32 C2 position (x, y) of every C1 pixel under a 2x3 or 3x3 affine."""
    m = np.asarray(c1_to_c2, np.float64)[:2]
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    x = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
    y = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
    return np.stack([x, y], axis=-1).astype(np.float32)


def resample(frame: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``frame`` (bilinear) at (H,W,2) ``positions``; returns the (H,W[,C]) image and the
    (H,W) mask of positions inside the frame (pixels outside are 0 and not valid)."""
    h, w = frame.shape[:2]
    x, y = positions[..., 0], positions[..., 1]
    out = cv2.remap(frame, x, y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    valid = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    out[~valid] = 0
    return out, valid


def normalised_mutual_information(a: np.ndarray, b: np.ndarray, mask: np.ndarray,
                                  bins: int = 32) -> float:
    """Studholme's NMI (H(A) + H(B)) / H(A,B) of two uint8 grey images over ``mask``: 2 for
    images that determine each other, 1 for independent ones. Works across colour responses."""
    qa = a[mask].astype(np.int64) * bins // 256
    qb = b[mask].astype(np.int64) * bins // 256
    if qa.size == 0:
        return 1.0
    joint = np.bincount(qa * bins + qb, minlength=bins * bins).astype(np.float64) / qa.size

    def entropy(p: np.ndarray) -> float:
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    pj = joint.reshape(bins, bins)
    h_joint = entropy(joint)
    return (entropy(pj.sum(1)) + entropy(pj.sum(0))) / h_joint if h_joint > 0 else 2.0
