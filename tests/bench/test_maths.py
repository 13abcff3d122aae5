"""The benchmark's maths pinned to hand-computed values: homography flow and E(W), and
predictions moved between scales."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from vident.bench.resample import at_scale, source_scale
from vident.bench.temporal import homography_flow, pair_warping_error
from vident.models.output import MultiTaskOutput


def test_translation_flow_and_view_mask() -> None:
    h = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [0.0, 0.0, 1.0]])
    flow, inside = homography_flow(h, 4, 5)
    assert np.allclose(flow[..., 0], 2.0) and np.allclose(flow[..., 1], -1.0)
    expected = np.zeros((4, 5), bool)
    expected[1:, :3] = True  # x + 2 <= 4 and y - 1 >= 0
    assert np.array_equal(inside, expected)


def test_scaling_flow() -> None:
    flow, inside = homography_flow(np.diag([2.0, 2.0, 1.0]), 3, 3)
    assert flow[2, 1].tolist() == [1.0, 2.0]  # (1, 2) -> (2, 4)
    assert inside[:2, :2].all() and not inside[2].any() and not inside[:, 2].any()


def test_pair_warping_error_of_a_shifted_pattern() -> None:
    rng = np.random.default_rng(0)
    scene = rng.random((10, 12, 3)).astype(np.float32)
    frame, following = scene[:, :10], scene[:, 2:]  # content moves 2 px left: x_{t+1} = x_t - 2
    h = np.array([[1.0, 0.0, -2.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    region = np.ones((10, 10))
    assert pair_warping_error(frame, following, h, region) == pytest.approx(0.0, abs=1e-6)
    # against the identity motion the error is the mean squared change over the channels
    identity = pair_warping_error(frame, following, np.eye(3), region)
    assert identity == pytest.approx(((frame - following) ** 2).sum(-1).mean(), rel=1e-5)
    # a brightness flicker of 0.1 on every channel adds 3 * 0.01 where the shift is exact
    flicker = pair_warping_error(frame, following + 0.1, h, region)
    assert flicker == pytest.approx(0.03, rel=1e-4)
    assert pair_warping_error(frame, following, h, np.zeros((10, 10))) is None


def test_at_scale_takes_own_heads_then_the_finest() -> None:
    out = MultiTaskOutput()
    out.R[0] = torch.arange(16.0).view(1, 1, 4, 4).expand(1, 3, 4, 4)
    out.R[2] = torch.zeros(1, 3, 1, 1)
    out.H[1] = torch.eye(3)[None]
    assert source_scale(out.R) == 1 and source_scale(out.M) is None
    preds, sources = at_scale(out, 2, (2, 2))
    assert sources == {"R": 1, "M": None, "H": 2} and preds["M"] is None
    # area average of 2x2 blocks of 0..15 laid out row-major
    assert preds["R"][0, 0].tolist() == [[2.5, 4.5], [10.5, 12.5]]
    preds, sources = at_scale(out, 3, (1, 1))
    assert sources["R"] == 3 and preds["R"].abs().sum() == 0
    preds, sources = at_scale(out, 1, (4, 4))
    assert sources["H"] == 2
    assert torch.allclose(preds["H"], torch.eye(3, dtype=torch.float64)[None])
