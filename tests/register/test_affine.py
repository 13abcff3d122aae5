"""elastix <-> OpenCV affine conversions, pinned to hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from vident.register.affine import (
    c2_to_c1,
    corner_distance,
    elastix_to_matrix,
    matrix_to_elastix,
    rig_median,
)


def test_elastix_to_matrix_by_hand() -> None:
    # y = A (x - c) + c + t with A = [[1, 0.1], [0, 2]], c = (10, 20), t = (1, -2)
    m = elastix_to_matrix([1.0, 0.1, 0.0, 2.0, 1.0, -2.0], [10.0, 20.0])
    # offset = c + t - A c = (10 + 1 - 12, 20 - 2 - 40) = (-1, -22)
    assert m == pytest.approx(np.array([[1, 0.1, -1], [0, 2, -22], [0, 0, 1]]))
    assert m @ np.array([10, 20, 1]) == pytest.approx([11, 18, 1])  # the centre moves by t
    assert matrix_to_elastix(m, [10.0, 20.0]) == pytest.approx([1, 0.1, 0, 2, 1, -2])


def test_c2_to_c1_inverts_fixed_to_moving() -> None:
    c1_to_c2 = np.array([[2.0, 0, 4], [0, 2.0, -6], [0, 0, 1]])
    assert c2_to_c1(c1_to_c2) == pytest.approx(np.array([[0.5, 0, -2], [0, 0.5, 3]]))


def test_rig_median_ignores_an_outlier() -> None:
    good = np.array([[1.0, 0, 2], [0, 1.0, 3]])
    bad = np.array([[1.5, 0.3, 40], [0, 0.7, -9]])
    assert rig_median(np.stack([good, good, bad])) == pytest.approx(good)


def test_corner_distance_by_hand() -> None:
    a = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    shifted = np.array([[1.0, 0, 3], [0, 1.0, 4]])
    assert corner_distance(a, shifted, 10, 20) == pytest.approx(5.0)
    # x-scale 1.1 about the origin: corners move 0, 1.9, 0, 1.9 px (x = 0 or 19)
    assert corner_distance(a, np.array([[1.1, 0, 0], [0, 1, 0]]), 10, 20) == pytest.approx(0.95)
