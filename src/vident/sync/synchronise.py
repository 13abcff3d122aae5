"""Synchronise C1 to C2: find the time lag at which the rig looks rigid, estimate the static
offset between the cameras there, then exact DTW on offset-corrected appearance thumbnails
(re-estimating the offset on the matches and aligning again ``rounds`` times)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vident.errors import VidentError
from vident.sync.alignment import Matches, likely_lags, match_frames
from vident.sync.geometry import find_lag, pair_offsets, scale_affine, warp_to_c1
from vident.sync.signals import appearance_signals, grey_frames

MIN_OVERLAP = 0.5  # kept C1 frames / shorter recording below this: the recordings do not overlap
MAX_MEDIAN_COST = 0.5  # median 1 - correlation above this: the matches are not the same scene
OUTLIER_SPREAD = 8.0  # robust standard deviations above the median cost that end the overlap
OFFSET_PAIRS = 16  # frame pairs used to estimate the static offset
LAG_FRAMES = 12  # C1 frames (every other one, mid-recording) that test each candidate lag
LAG_CANDIDATES = 9  # lags, best by blurred appearance, whose rig consistency is tested


@dataclass(frozen=True)
class SyncResult:
    """Kept matches (C1 frame -> C2 frame, cost = 1 - thumbnail correlation) and the static
    offset (2x3, C2 px -> C1 px, full resolution) found on the way."""

    matches: Matches
    offset: np.ndarray

    @property
    def quality(self) -> float:
        """Mean cost of the kept matches (0 = identical thumbnails)."""
        return float(self.matches.cost.mean())


def synchronise(c1: np.ndarray, c2: np.ndarray, window: int, width: int = 96,
                rounds: int = 2) -> SyncResult:
    """Match every C1 frame of (T1,H,W,3) uint8 ``c1`` inside the overlap to a frame of ``c2``.

    ``window`` bounds the start offset and the drift between the cameras, in frames; ``width``
    is the width of the grey frames the signals are computed on.
    """
    if c1.shape[1:] != c2.shape[1:]:
        raise VidentError(f"frame size differs: C1 frames are {c1.shape[2]}x{c1.shape[1]}, "
                          f"C2 frames {c2.shape[2]}x{c2.shape[1]}")
    shorter = min(len(c1), len(c2))
    if shorter < 3:
        raise VidentError(f"too few frames to synchronise (C1 {len(c1)}, C2 {len(c2)})")
    if abs(len(c1) - len(c2)) > window:
        raise VidentError(f"lengths differ by {abs(len(c1) - len(c2))} frames (C1 {len(c1)}, "
                          f"C2 {len(c2)}), more than the sync window of {window}: not one "
                          "recording, or raise the window")
    width = min(width, c1.shape[2])
    g1, g2 = grey_frames(c1, width), grey_frames(c2, width)
    probe = _middle(len(c1), LAG_FRAMES)
    b1, b2 = _half(g1), _half(g2)
    full_mask = np.ones(b1.shape[1:], bool)
    blurred = [appearance_signals(np.stack([cv2.GaussianBlur(g, (0, 0), 2.0) for g in b]),
                                  full_mask) for b in (b1, b2)]
    lags = likely_lags(*blurred, probe, window, LAG_CANDIDATES)
    lag = find_lag(b1, b2, probe, lags)
    if lag is None:
        raise VidentError("the cameras' frames never correlate at any lag within the sync "
                          f"window of {window}: the recordings do not overlap")
    pairs = np.stack([probe, probe + lag], 1)
    pairs = pairs[(pairs[:, 1] >= 0) & (pairs[:, 1] < len(c2))]
    for _ in range(rounds):
        offset = np.median(pair_offsets(g1, g2, pairs), axis=0)
        matches = _align(g1, g2, offset, window)
        pairs = _spread(np.stack([matches.c1, matches.c2], 1), OFFSET_PAIRS)
    if len(matches) < MIN_OVERLAP * shorter or np.median(matches.cost) > MAX_MEDIAN_COST:
        raise VidentError(f"no overlap found: {len(matches)} of {len(c1)} C1 frames match, "
                          f"median cost {np.median(matches.cost):.2f}")
    full = scale_affine(offset, c1.shape[2] / width)
    return SyncResult(matches, full)


def _align(g1: np.ndarray, g2: np.ndarray, offset: np.ndarray, window: int) -> Matches:
    """Exact alignment on offset-corrected, half-resolution appearance thumbnails."""
    warped, mask = warp_to_c1(g2, offset, margin=2)
    a1 = appearance_signals(_half(g1), _half_mask(mask))
    a2 = appearance_signals(_half(warped), _half_mask(mask))
    return match_frames(a1, a2, window, OUTLIER_SPREAD)


def _half(grey: np.ndarray) -> np.ndarray:
    h, w = grey.shape[1:]
    return np.stack([cv2.resize(g, (w // 2, h // 2), interpolation=cv2.INTER_AREA) for g in grey])


def _half_mask(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    return cv2.resize(mask.astype(np.float32), (w // 2, h // 2), interpolation=cv2.INTER_AREA) == 1


def _middle(frames: int, count: int) -> np.ndarray:
    """``count`` frame indices, every other frame, centred in a recording of ``frames``."""
    step = 2 if frames >= 2 * count else 1
    start = max(0, frames // 2 - step * count // 2)
    return np.arange(start, min(frames, start + step * count), step)


def _spread(pairs: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` of ``pairs`` (K,2), spread evenly."""
    pick = np.unique(np.linspace(0, len(pairs) - 1, min(count, len(pairs))).round().astype(int))
    return pairs[pick]
