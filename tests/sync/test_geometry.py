"""The static offset between the cameras: affine helpers, ECC per pair, and the lag search."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from vident.sync.geometry import (
    corner_spread,
    find_lag,
    invert_affine,
    pair_offset,
    scale_affine,
    warp_to_c1,
)

TRUE = np.array([[0.999, -0.035, 1.5], [0.035, 0.999, -1.0]])  # ~2 deg, (1.5, -1) px


def _texture() -> np.ndarray:
    grey = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (256, 256), interpolation=cv2.INTER_AREA).astype(np.float32) / 255


def test_invert_and_scale_affine() -> None:
    m = np.array([[2.0, 0.0, 3.0], [0.0, 2.0, -1.0]])
    assert invert_affine(m) == pytest.approx(np.array([[0.5, 0, -1.5], [0, 0.5, 0.5]]))
    # a shift of 1 px at half resolution is 2 px at full resolution; centres stay at integers
    half = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert scale_affine(half, 2.0) == pytest.approx(np.array([[1, 0, 2.0], [0, 1, 0.0]]))
    # a 2x zoom about half-res pixel 0: x_f = 2 x_h + 0.5, so y_f = 2 (2 x_h) + 0.5 = 2 x_f - 0.5
    assert scale_affine(np.array([[2.0, 0, 0], [0, 2.0, 0]]), 2.0) == pytest.approx(
        np.array([[2.0, 0, -0.5], [0, 2.0, -0.5]]))


def test_pair_offset_recovers_known_affine() -> None:
    c2 = _texture()[60:140, 40:136]
    c1 = cv2.warpAffine(c2, TRUE, (96, 80), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    c1 = 0.7 * c1 + 0.2  # a different gain and bias: ECC ignores them
    found, cc = pair_offset(c1.astype(np.float32), c2)
    assert cc > 0.95
    assert np.abs(found - TRUE).max() < 0.05


def test_corner_spread_is_zero_for_one_rig() -> None:
    same = np.stack([TRUE, TRUE, TRUE])
    assert corner_spread(same, 80, 96) == pytest.approx(0.0)
    moved = same.copy()
    moved[:, 0, 2] += [0.0, 1.0, 2.0]  # translations 0, 1, 2 px: median distance 1 px
    assert corner_spread(moved, 80, 96) == pytest.approx(1.0)


def test_find_lag_prefers_the_rigid_pairing() -> None:
    tex = _texture()
    # a camera panning with a varying speed; C1 = C2 shifted by a static offset, 3 frames later
    xs = np.cumsum(np.r_[0, 2 + 1.5 * np.sin(np.arange(39))])
    frames = np.stack([tex[80:160, int(40 + x): int(40 + x) + 96] for x in xs])
    c1 = np.stack([cv2.warpAffine(f, TRUE, (96, 80), borderMode=cv2.BORDER_REFLECT)
                   for f in frames[3:]])
    lag = find_lag(c1, frames, np.arange(8, 20, 2), np.arange(-5, 6))
    assert lag == 3


def test_warp_to_c1_masks_pixels_outside_c2() -> None:
    grey = np.ones((2, 20, 30), np.float32)
    shift = np.array([[1.0, 0.0, 4.0], [0.0, 1.0, 0.0]])
    warped, mask = warp_to_c1(grey, shift, margin=1)
    assert warped.shape == grey.shape
    # C2 covers x >= 4; 1 px margin inside both images: rows 2..17, columns 5..27
    expected = np.zeros((20, 30), bool)
    expected[2:18, 5:28] = True
    assert (mask == expected).all()
    assert (warped[:, mask] == 1).all()
