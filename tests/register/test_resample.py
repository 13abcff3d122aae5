"""Resampling C2 into C1 geometry and the NMI score."""

from __future__ import annotations

import numpy as np
import pytest

from vident.register.resample import affine_positions, normalised_mutual_information, resample


def test_affine_positions_by_hand() -> None:
    pos = affine_positions(np.array([[1.0, 0, 2.5], [0, 2.0, -1]]), 3, 4)
    assert pos.shape == (3, 4, 2)
    assert pos[2, 3].tolist() == [5.5, 3.0]  # x = 3 + 2.5, y = 2 * 2 - 1


def test_resample_shift_and_validity() -> None:
    frame = np.arange(5 * 6 * 3, dtype=np.uint8).reshape(5, 6, 3)
    out, valid = resample(frame, affine_positions(np.array([[1.0, 0, 2], [0, 1, 0]]), 5, 6))
    assert (out[:, :4] == frame[:, 2:]).all()
    assert valid[:, :4].all() and not valid[:, 4:].any() and (out[:, 4:] == 0).all()
    half, _ = resample(frame, affine_positions(np.array([[1.0, 0, 0.5], [0, 1, 0]]), 5, 6))
    assert half[0, 0, 0] == round((frame[0, 0, 0] + frame[0, 1, 0]) / 2)


def test_nmi_values() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (64, 64), dtype=np.uint8)
    mask = np.ones_like(a, bool)
    assert normalised_mutual_information(a, a, mask) == pytest.approx(2.0)
    # a different colour response keeps B a function of A: NMI = 1 + H(B) / H(A), here the
    # LUT merges bins so H(B) < H(A), but it stays far above independent images
    lut = (255 * (np.arange(256) / 255.0) ** 0.5).astype(np.uint8)
    assert normalised_mutual_information(a, lut[a], mask) > 1.6
    b = rng.integers(0, 256, (64, 64), dtype=np.uint8)
    assert normalised_mutual_information(a, b, mask) < 1.1
