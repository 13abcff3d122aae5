"""Warping by homographies, pinned to hand-computed values (the maths: tests/test_homography.py)."""

from __future__ import annotations

import torch

from vident.models.blocks import warp


def test_warp_by_integer_translation_shifts_pixels() -> None:
    x = torch.rand(1, 2, 12, 16)
    hom = torch.tensor([[[1.0, 0, 2], [0, 1, 1], [0, 0, 1]]])  # x_t = x_{t-1} + (2, 1)
    out = warp(x, hom)
    torch.testing.assert_close(out[..., 1:, 2:], x[..., :-1, :-2], atol=1e-5, rtol=0)
    assert out[..., 0, :].abs().max() < 1e-6 and out[..., :, :2].abs().max() < 1e-6
    torch.testing.assert_close(warp(x, torch.eye(3)[None]), x, atol=1e-5, rtol=0)
