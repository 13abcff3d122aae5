"""Banded open-ended DTW and reading its path, on hand-made signals."""

from __future__ import annotations

import numpy as np
import pytest

from vident.sync.alignment import (
    Matches,
    best_per_row,
    dtw_path,
    has_c_dtw,
    likely_lags,
    match_frames,
    outlier_limit,
    path_costs,
    refine,
    single_at_ends,
    trim_ends,
)
from vident.sync.signals import appearance_signals


def test_c_library_is_used() -> None:
    assert has_c_dtw()


def test_path_cost_is_one_minus_correlation() -> None:
    a = appearance_signals(np.array([[[1.0, 2.0, 3.0, 4.0]]]), np.ones((1, 4), bool))
    b = appearance_signals(np.array([[[1.0, 2.0, 4.0, 3.0]]]), np.ones((1, 4), bool))
    # correlation of (1,2,3,4) and (1,2,4,3): centred (-1.5,-.5,.5,1.5)·(-1.5,-.5,1.5,.5) / 5 = 0.8
    assert path_costs(a, b, np.array([[0, 0]]))[0] == pytest.approx(0.2)
    assert path_costs(a, a, np.array([[0, 0]]))[0] == pytest.approx(0.0)


def test_best_per_row_keeps_cheapest_cell() -> None:
    path = np.array([[0, 0], [1, 1], [1, 2], [2, 3], [3, 3]])
    costs = np.array([0.1, 0.5, 0.2, 0.3, 0.4])
    m = best_per_row(path, costs)
    assert m.c1.tolist() == [0, 1, 2, 3]
    assert m.c2.tolist() == [0, 2, 3, 3]
    assert m.cost.tolist() == [0.1, 0.2, 0.3, 0.4]


def test_refine_moves_to_cheaper_neighbour() -> None:
    a = np.array([[0.0, 1.0]])
    b = np.array([[5.0, 5.0], [0.0, 1.2], [0.0, 1.0], [3.0, 3.0]])
    m = refine(a, b, Matches(np.array([0]), np.array([1]), np.array([9.0])))
    assert m.c2.tolist() == [2]
    assert m.cost[0] == pytest.approx(0.0)


def test_outlier_limit_and_trim_ends() -> None:
    costs = np.array([5.0, 1.0, 1.2, 0.8, 9.0, 1.0, 1.1, 7.0, 6.0])
    # median 1.2; MAD median(|c - 1.2|) = 0.4 -> sigma 0.593; limit = 1.2 + 2 * 0.593
    assert outlier_limit(costs, 2.0) == pytest.approx(1.2 + 2 * 0.4 * 1.4826)
    keep = trim_ends(costs, 2.5)
    # leading 5.0 and trailing 7.0, 6.0 go; the 9.0 inside the overlap stays
    assert keep.tolist() == [False, True, True, True, True, True, True, False, False]


def _walk(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, 2)).cumsum(axis=0)


@pytest.mark.parametrize("shift", [-5, 0, 4])
def test_dtw_path_recovers_offset_drops_and_duplicates(shift: int) -> None:
    base = _walk(80, 1)
    c2_index = np.arange(10, 70)  # C2 shows instants 10..69
    c1_times = [t for t in range(10 + shift, 70 + shift) if t not in (30, 31, 50)]
    c1_times = sorted(c1_times + [40, 55])  # two duplicated frames
    a = base[c1_times] + 0.01 * np.random.default_rng(2).normal(size=(len(c1_times), 2))
    b = base[c2_index]
    path = dtw_path(a, b, window=10)
    assert path[0].tolist() == [0, 0] and path[-1].tolist() == [len(a) - 1, len(b) - 1]
    matches = match_frames(a, b, window=10, spread=8.0)
    got = dict(zip(matches.c1.tolist(), matches.c2.tolist(), strict=True))
    truth = {i: t - 10 for i, t in enumerate(c1_times) if 10 <= t < 70}
    assert got == truth  # frames before / after C2 are gone, drops and duplicates are exact


def test_single_at_ends_keeps_cheapest_match_to_first_and_last_frame() -> None:
    m = Matches(np.arange(6), np.array([0, 0, 1, 2, 3, 3]), np.array([.5, .1, .1, .1, .2, .4]))
    assert single_at_ends(m, 4).tolist() == [False, True, True, True, True, False]


def test_likely_lags_ranks_true_lag_first() -> None:
    base = _walk(60, 3)
    a, b = base[7:47], base[:60]  # C2 frame = C1 frame + 7
    frames = np.arange(10, 30, 2)
    assert likely_lags(a, b, frames, window=10, keep=3)[0] == 7
