"""The static geometric offset between the two cameras, estimated from roughly paired frames.

Appearance descriptors compared across cameras are biased by that offset (it looks like camera
motion), so it is estimated first (ECC, robust to gain and bias) and undone before the exact
alignment. Matrices are 2x3 and map C2 pixel coordinates to C1 pixel coordinates (OpenCV).
"""

from __future__ import annotations

import cv2
import numpy as np

FINE = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 200, 1e-6)
QUICK = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-4)  # for testing many lags
MIN_CORRELATION = 0.5  # ECC correlation below this means the two frames do not show one scene


def invert_affine(m: np.ndarray) -> np.ndarray:
    """Inverse of a 2x3 affine matrix."""
    full = np.vstack([m, [0.0, 0.0, 1.0]])
    return np.linalg.inv(full)[:2]


def scale_affine(m: np.ndarray, factor: float) -> np.ndarray:
    """The same affine expressed in coordinates scaled by ``factor`` (pixel centres kept at
    integers: x' = factor * (x + 0.5) - 0.5)."""
    s = np.array([[factor, 0.0, 0.5 * factor - 0.5], [0.0, factor, 0.5 * factor - 0.5],
                  [0.0, 0.0, 1.0]])
    return (s @ np.vstack([m, [0.0, 0.0, 1.0]]) @ np.linalg.inv(s))[:2]


def pair_offset(c1: np.ndarray, c2: np.ndarray, criteria: tuple = FINE
                ) -> tuple[np.ndarray, float] | None:
    """Affine C2 -> C1 aligning one grey frame pair by ECC, and its correlation; None when ECC
    does not converge."""
    warp = np.eye(2, 3, dtype=np.float32)  # maps C1 coordinates to C2 coordinates
    try:
        cc, warp = cv2.findTransformECC(c1, c2, warp, cv2.MOTION_AFFINE, criteria, None, 3)
    except cv2.error:
        return None
    return invert_affine(warp.astype(np.float64)), float(cc)


def pair_offsets(c1: np.ndarray, c2: np.ndarray, pairs: np.ndarray, criteria: tuple = FINE
                 ) -> np.ndarray:
    """ECC affines (K',2,3) of the ``pairs`` (K,2 of C1, C2 frame indices) of grey frame stacks
    (T,h,w) that converge and correlate; empty when none does (the cameras share no view)."""
    found = []
    for i, j in pairs:
        result = pair_offset(c1[i], c2[j], criteria)
        if result is not None and result[1] >= MIN_CORRELATION:
            found.append(result[0])
    return np.stack(found) if found else np.zeros((0, 2, 3))


def corner_spread(offsets: np.ndarray, height: int, width: int) -> float:
    """Median distance, over the image corners and the affines (K,2,3), between each affine's
    corners and those of their element-wise median: zero when all pairs agree on one rig."""
    corners = np.array([[0, 0, 1], [width - 1, 0, 1], [0, height - 1, 1],
                        [width - 1, height - 1, 1]], np.float64).T
    mapped = offsets @ corners
    centre = np.median(offsets, axis=0) @ corners
    return float(np.median(np.linalg.norm(mapped - centre, axis=1)))


def find_lag(c1: np.ndarray, c2: np.ndarray, frames: np.ndarray, lags: np.ndarray) -> int | None:
    """The time lag L among ``lags`` (C2 frame = C1 frame + L) at which the C1 ``frames`` and
    their C2 partners agree best on one static affine, i.e. the rig's rigidity decides.

    A wrong lag makes each pair's affine absorb the camera motion over L frames, which varies
    from pair to pair; appearance alone would be biased by the offset. At least half of the
    pairs must align; None when no lag qualifies.
    """
    h, w = c1.shape[1:]
    best: tuple[float, float, int] | None = None
    for lag in lags:
        pairs = np.stack([frames, frames + lag], 1)
        pairs = pairs[(pairs[:, 1] >= 0) & (pairs[:, 1] < len(c2))]
        if len(pairs) < max(2, len(frames) // 2):
            continue
        offsets = pair_offsets(c1, c2, pairs, QUICK)
        if len(offsets) < max(2, len(frames) // 2):
            continue
        score = (corner_spread(offsets, h, w), -len(offsets), int(lag))
        best = min(best, score) if best is not None else score
    return None if best is None else best[2]


def warp_to_c1(grey: np.ndarray, offset: np.ndarray, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """C2 grey frames (T,h,w) resampled into C1 geometry, and the (h,w) mask of pixels that lie
    at least ``margin`` (>= 1) pixels inside both cameras' images."""
    if margin < 1:
        raise ValueError("margin must be at least one pixel")
    t, h, w = grey.shape
    out = np.empty_like(grey)
    for k in range(t):
        out[k] = cv2.warpAffine(grey[k], offset, (w, h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.ones((h, w), np.float32), offset, (w, h), flags=cv2.INTER_LINEAR)
    mask = (inside > 0.999).astype(np.uint8)
    mask[:margin], mask[-margin:], mask[:, :margin], mask[:, -margin:] = 0, 0, 0, 0
    mask = cv2.erode(mask, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    return out, mask.astype(bool)
