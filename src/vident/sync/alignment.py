"""Banded DTW between two per-frame signal sequences, and reading its path.

dtaidistance's C implementation does the work (cost grows as N * window, not N^2). Either
camera may start or stop first: frames of one camera outside the overlap end up matched to
the other's first or last frame, are recognised by their cost and left out (`trim_ends`).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import numpy as np
from dtaidistance import dtw, dtw_ndim

log = logging.getLogger(__name__)


@functools.cache
def has_c_dtw() -> bool:
    """Whether dtaidistance's C library loads; warns once if not (Python is ~100x slower)."""
    available = bool(dtw.try_import_c(verbose=False))
    if not available:
        log.warning("dtaidistance C library not available: falling back to its slow Python "
                    "DTW (reinstall dtaidistance with a C compiler present)")
    return available


def dtw_path(a: np.ndarray, b: np.ndarray, window: int) -> np.ndarray:
    """Warping path (K,2) of (row of ``a``, row of ``b``) for (n,d) and (m,d) float signals,
    from (0, 0) to (n-1, m-1); ``window`` bounds |i - j| (dtaidistance widens it by the length
    difference).

    The ends are not relaxed here (dtaidistance 2.5's C path is wrong with ``psi``): frames
    of one camera before or after the other's run along the first or last frame of the other,
    where `best_per_row` and `trim_ends` sort them out.
    """
    a = np.ascontiguousarray(a, np.float64)
    b = np.ascontiguousarray(b, np.float64)
    path = dtw_ndim.warping_path(a, b, window=int(window) + 1, use_c=has_c_dtw())
    return np.asarray(path, np.int64).reshape(-1, 2)


def path_costs(a: np.ndarray, b: np.ndarray, path: np.ndarray) -> np.ndarray:
    """Cost of each path cell: squared distance / (2 d), i.e. 1 - correlation for rows made by
    ``signals.appearance_signals``."""
    diff = a[path[:, 0]] - b[path[:, 1]]
    return np.einsum("kd,kd->k", diff, diff) / (2.0 * a.shape[1])


@dataclass(frozen=True)
class Matches:
    """One C2 frame per matched C1 frame, with the match's cost (arrays of equal length)."""

    c1: np.ndarray
    c2: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return len(self.c1)

    def take(self, keep: np.ndarray) -> Matches:
        return Matches(self.c1[keep], self.c2[keep], self.cost[keep])


def best_per_row(path: np.ndarray, costs: np.ndarray) -> Matches:
    """For each row on the path keep the cell of least cost (a row crosses several columns
    where the other camera dropped a frame)."""
    order = np.lexsort((costs, path[:, 0]))
    rows = path[order, 0]
    first = np.r_[True, rows[1:] != rows[:-1]]
    pick = order[first]
    return Matches(path[pick, 0], path[pick, 1], costs[pick])


def refine(a: np.ndarray, b: np.ndarray, matches: Matches, reach: int = 1) -> Matches:
    """Move each match to the cheapest C2 frame within ``reach`` of it.

    DTW sums costs, and every match costs at least the noise floor, so near an open end the
    path may skip the extra step a dropped frame needs; the local minimum is unbiased.
    """
    steps = np.arange(-reach, reach + 1)
    cand = np.clip(matches.c2[:, None] + steps[None, :], 0, len(b) - 1)
    rows_a = a[matches.c1]
    costs = np.empty(cand.shape)
    for k in range(len(steps)):
        diff = rows_a - b[cand[:, k]]
        costs[:, k] = np.einsum("nd,nd->n", diff, diff) / (2.0 * a.shape[1])
    pick = np.argmin(costs, axis=1)
    rows = np.arange(len(matches))
    return Matches(matches.c1, cand[rows, pick], costs[rows, pick])


def single_at_ends(matches: Matches, frames: int) -> np.ndarray:
    """Boolean mask keeping, of the matches to the other camera's first and last frame (of
    ``frames``), only the cheapest: the others are frames before or after its recording."""
    keep = np.ones(len(matches), bool)
    for end in (0, frames - 1):
        at_end = np.flatnonzero(matches.c2 == end)
        keep[at_end] = False
        if len(at_end):
            keep[at_end[np.argmin(matches.cost[at_end])]] = True
    return keep


def outlier_limit(costs: np.ndarray, spread: float) -> float:
    """Cost above which a match is an outlier: median + ``spread`` robust standard deviations."""
    median = float(np.median(costs))
    mad = float(np.median(np.abs(costs - median))) * 1.4826
    return median + spread * max(mad, 0.05 * median, 1e-6)


def trim_ends(costs: np.ndarray, limit: float) -> np.ndarray:
    """Boolean mask that drops the leading and trailing runs of matches costing more than
    ``limit``: frames beyond the other camera's first/last frame (the overlap's edges)."""
    good = np.flatnonzero(costs <= limit)
    keep = np.zeros(len(costs), bool)
    if len(good):
        keep[good[0]: good[-1] + 1] = True
    return keep


def likely_lags(a: np.ndarray, b: np.ndarray, frames: np.ndarray, window: int, keep: int
                ) -> np.ndarray:
    """The ``keep`` lags L (C2 frame = C1 frame + L, |L| <= ``window``) whose pairs of
    ``frames`` of signals ``a`` (C1) and ``b`` (C2) cost least on average, best first."""
    lags = np.arange(-window, window + 1)
    scores = np.full(len(lags), np.inf)
    for k, lag in enumerate(lags):
        partner = frames + lag
        ok = (partner >= 0) & (partner < len(b))
        if ok.sum() >= max(2, len(frames) // 2):
            diff = a[frames[ok]] - b[partner[ok]]
            scores[k] = np.mean(diff * diff)
    order = np.argsort(scores, kind="stable")[:keep]
    return lags[order[np.isfinite(scores[order])]]


def match_frames(a: np.ndarray, b: np.ndarray, window: int, spread: float) -> Matches:
    """Align signals ``a`` (C1) and ``b`` (C2) by DTW and keep one match per C1 frame inside
    the overlap: cheapest cell per row, refined locally, one match per end frame of C2, and
    leading/trailing outliers (more than ``spread`` robust deviations) dropped."""
    path = dtw_path(a, b, window)
    matches = refine(a, b, best_per_row(path, path_costs(a, b, path)))
    matches = matches.take(single_at_ends(matches, len(b)))
    return matches.take(trim_ends(matches.cost, outlier_limit(matches.cost, spread)))
