"""Temporal warping error E(W) of a video (Lai et al. 2018, "Learning Blind Video Temporal
Consistency"), as a pure function of frames, flows and non-occlusion masks."""

from __future__ import annotations

import cv2
import numpy as np


def warp_backward(frame: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Sample ``frame`` (H,W,C) at x + flow(x) (bilinear, border replicated): brings frame t+1
    onto frame t's grid given the forward flow t -> t+1 (H,W,2), (dx, dy) in pixels."""
    h, w = flow.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    mx = gx + flow[..., 0].astype(np.float32)
    my = gy + flow[..., 1].astype(np.float32)
    out = cv2.remap(
        frame.astype(np.float32), mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return out.reshape(frame.shape)


def warping_error(frames: np.ndarray, flows: np.ndarray, visible: np.ndarray) -> float:
    """E_warp = 1/(T-1) Σ_t [Σ_x M_t(x) ||V_t(x) - Ŵ(V_{t+1})(x)||² / Σ_x M_t(x)].

    frames (T,H,W,C) with values in [0,1]; flows (T-1,H,W,2) forward flow t -> t+1; visible
    (T-1,H,W) non-occlusion masks M_t (1 where x is visible in both frames). ||.||² sums over
    channels, as in Lai et al. Pairs whose mask is empty are skipped.
    """
    t = frames.shape[0]
    if flows.shape[0] != t - 1 or visible.shape[0] != t - 1:
        raise ValueError(f"need T-1 flows and masks for T={t} frames")
    errors = []
    for k in range(t - 1):
        warped = warp_backward(frames[k + 1], flows[k])
        sq = ((frames[k].astype(np.float32) - warped) ** 2).reshape(*warped.shape[:2], -1).sum(-1)
        m = visible[k].astype(np.float32)
        if m.sum() > 0:
            errors.append(float((sq * m).sum() / m.sum()))
    return float(np.mean(errors)) if errors else 0.0
