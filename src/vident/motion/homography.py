"""Frame-to-frame homographies of the teeth: flow R_{t-1} -> R_t, kept on teeth that stay visible,
fitted with a partial-affine model (rotation, uniform scale, translation) by RANSAC (§5.3.1).

Which pixels count as teeth: the flow F from t-1 to t lives on frame t-1's grid (pixel x of t-1
is seen at x + F(x) in t). A pixel is kept when it is a tooth in t-1 (M_{t-1}(x) = 1), lands on a
tooth in t (M_t sampled at x + F(x), i.e. M_t backward-warped onto t-1's grid, >= 0.5) and passes
the forward-backward occlusion check. M_t alone would keep instrument pixels of t-1 that move
onto a tooth; M_{t-1} alone would keep tooth pixels that the instrument covers in t.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import torch
from torch import Tensor
from tqdm import tqdm

from vident.motion.warp import backward_warp, occlusion_mask, pixel_grid

FlowFn = Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class FitConfig:
    """RANSAC threshold (px), minimum inliers for a trusted fit, the fallback for the others,
    the sampling stride of flow vectors, and whether mask and occlusion check are used."""

    threshold: float = 1.0
    min_inliers: int = 100
    fallback: Literal["identity", "previous"] = "identity"
    stride: int = 1
    use_mask: bool = True
    occlusion: bool = True
    batch: int = 4


def teeth_support(
    flow_fwd: Tensor, flow_bwd: Tensor | None, mask_prev: Tensor | None, mask_cur: Tensor | None
) -> Tensor:
    """(N,H,W) bool: pixels of frame t-1 whose flow is used (see the module doc).

    ``flow_fwd`` (N,2,H,W) t-1 -> t; ``flow_bwd`` t -> t-1 or None (no occlusion check);
    masks (N,H,W) 0/1 or None (no mask; only pixels whose target stays inside the image)."""
    n, _, h, w = flow_fwd.shape
    if flow_bwd is not None:
        keep = ~occlusion_mask(flow_fwd, flow_bwd)[:, 0]
    else:
        target = pixel_grid(n, h, w, flow_fwd.device, flow_fwd.dtype) + flow_fwd
        keep = (
            (target[:, 0] >= 0)
            & (target[:, 0] <= w - 1)
            & (target[:, 1] >= 0)
            & (target[:, 1] <= h - 1)
        )
    if mask_prev is not None and mask_cur is not None:
        landed = backward_warp(mask_cur[:, None].to(flow_fwd.dtype), flow_fwd)[:, 0] >= 0.5
        keep = keep & (mask_prev > 0) & landed
    return keep


def fit_partial_affine(
    flow: np.ndarray, keep: np.ndarray, threshold: float, stride: int = 1
) -> tuple[np.ndarray | None, int]:
    """RANSAC partial-affine fit x -> x + flow(x) over the kept pixels (every ``stride``-th row and
    column). Returns the 3x3 homography (float64) and the inlier count, or (None, 0) when there are
    fewer than 2 points or OpenCV finds no model."""
    h, w = keep.shape
    ys, xs = np.mgrid[0:h:stride, 0:w:stride]
    sel = keep[::stride, ::stride]
    src = np.stack([xs[sel], ys[sel]], 1).astype(np.float32)
    if len(src) < 2:
        return None, 0
    dst = src + flow[:, ::stride, ::stride][:, sel].T.astype(np.float32)
    affine, inliers = cv2.estimateAffinePartial2D(
        src,
        dst,
        method=cv2.RANSAC,
        ransacReprojThreshold=threshold,
        maxIters=2000,
        confidence=0.995,
        refineIters=10,
    )
    if affine is None:
        return None, 0
    return np.vstack([affine, [0.0, 0.0, 1.0]]), int(inliers.sum())


def to_tensor(frames: np.ndarray) -> Tensor:
    """(N,H,W,3) uint8 -> (N,3,H,W) float32 in [0,1]."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float().div_(255.0)


@torch.no_grad()
def fit_homographies(
    frames: np.ndarray,
    masks: np.ndarray | None,
    flow: FlowFn,
    config: FitConfig,
    device: str = "cpu",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """H (T,3,3) float32 with x_t = H_t x_{t-1} and H_0 = I, inliers (T,) int32 and fallback (T,)
    bool for frames (T,H,W,3) uint8 and teeth masks (T,H,W) 0/1 (None or config.use_mask False: no
    mask). Frames with fewer than ``min_inliers`` inliers take the configured fallback."""
    t_count = len(frames)
    hs = np.tile(np.eye(3), (t_count, 1, 1))
    inliers = np.zeros(t_count, np.int32)
    fallback = np.zeros(t_count, bool)
    use_mask = config.use_mask and masks is not None
    starts = range(1, t_count, config.batch)
    for start in tqdm(starts, desc="motion fit", unit="batch", leave=False):
        idx = np.arange(start, min(start + config.batch, t_count))
        a, b = to_tensor(frames[idx - 1]).to(device), to_tensor(frames[idx]).to(device)
        fwd = flow(a, b).float()
        bwd = flow(b, a).float() if config.occlusion else None
        m_prev = torch.from_numpy(masks[idx - 1]).to(device) if use_mask else None
        m_cur = torch.from_numpy(masks[idx]).to(device) if use_mask else None
        keep = teeth_support(fwd, bwd, m_prev, m_cur).cpu().numpy()
        fwd_np = fwd.cpu().numpy()
        for k, t in enumerate(idx):
            h, n_in = fit_partial_affine(fwd_np[k], keep[k], config.threshold, config.stride)
            inliers[t] = n_in
            if h is None or n_in < config.min_inliers:
                fallback[t] = True
                h = hs[t - 1] if config.fallback == "previous" else np.eye(3)
            hs[t] = h
    return hs.astype(np.float32), inliers, fallback
