"""MACE pinned to hand-computed corners."""

from __future__ import annotations

import math

import pytest
import torch

from vident.metrics import corner_errors, mace


def test_translation_moves_every_corner_by_its_length() -> None:
    t = torch.eye(3).repeat(2, 1, 1)
    t[0, 0, 2], t[0, 1, 2] = 3.0, 4.0
    got = mace(t, torch.eye(3).repeat(2, 1, 1), height=10, width=20)
    assert got.tolist() == pytest.approx([5.0, 0.0])


def test_scaling_corners_by_hand() -> None:
    # Image 11 x 21: corners (0,0), (20,0), (20,10), (0,10); scaling by 2 about the origin.
    s = torch.diag(torch.tensor([2.0, 2.0, 1.0]))[None]
    errs = corner_errors(s, torch.eye(3)[None], height=11, width=21)
    assert errs[0].tolist() == pytest.approx([0.0, 20.0, math.sqrt(500.0), 10.0], abs=1e-5)
    assert mace(s, torch.eye(3)[None], 11, 21).item() == pytest.approx((30 + math.sqrt(500.0)) / 4)


def test_projective_division() -> None:
    # A homography and the same matrix times 7 map points identically.
    h = torch.tensor([[[1.0, 0.1, 2.0], [0.05, 0.9, -1.0], [1e-3, 2e-3, 1.0]]])
    assert mace(7 * h, h, 32, 48).item() == pytest.approx(0.0, abs=1e-4)
