"""Temporal warping error E(W) of restored frames (Lai et al. 2018), with the motion between
consecutive frames given by the label homographies H instead of an estimated optical flow: H is
exact on the sample and is the dataset's own motion label elsewhere, so the metric needs no flow
network and is the same for every model."""

from __future__ import annotations

import numpy as np

from vident.metrics import warping_error


def homography_flow(h: np.ndarray, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Forward flow (H,W,2) of x -> H x (x_{t+1} = H x_t, OpenCV pixels) and the mask (H,W) of
    pixels whose image lands inside the next frame (the non-occlusion mask of a plane)."""
    gx, gy = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    p = np.stack([gx, gy, np.ones_like(gx)], -1) @ np.asarray(h, np.float64).T
    z = p[..., 2]
    ok = np.abs(z) > 1e-12
    x = np.where(ok, p[..., 0] / np.where(ok, z, 1.0), -1.0)
    y = np.where(ok, p[..., 1] / np.where(ok, z, 1.0), -1.0)
    inside = ok & (x >= 0) & (x <= width - 1) & (y >= 0) & (y <= height - 1)
    flow = np.stack([x - gx, y - gy], -1).astype(np.float32)
    return flow, inside


def pair_warping_error(
    frame: np.ndarray, following: np.ndarray, h: np.ndarray, region: np.ndarray
) -> float | None:
    """E(W) of one pair: frames (H,W,C) in [0,1] at t and t+1, the homography H_{t+1}
    (x_{t+1} = H x_t), and the region (H,W) of frame t where H holds (the teeth label: H is the
    motion of the tooth plane). None when no pixel of the region stays in view."""
    height, width = frame.shape[:2]
    flow, inside = homography_flow(h, height, width)
    visible = inside & (region > 0.5)
    if not visible.any():
        return None
    return warping_error(np.stack([frame, following]), flow[None], visible[None])
