"""Warping error E(W) pinned to hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from vident.metrics import warping_error


def test_constant_frames_by_hand() -> None:
    frames = np.stack([np.zeros((5, 6, 3)), np.full((5, 6, 3), 0.5)]).astype(np.float32)
    flows = np.zeros((1, 5, 6, 2), np.float32)
    visible = np.ones((1, 5, 6), np.float32)
    assert warping_error(frames, flows, visible) == pytest.approx(3 * 0.25)


def test_true_flow_gives_zero_error_where_visible() -> None:
    rng = np.random.default_rng(0)
    base = rng.random((12, 16, 3)).astype(np.float32)
    nxt = np.roll(base, 2, axis=1)  # content moves 2 px right: flow t -> t+1 is (+2, 0)
    flows = np.zeros((1, 12, 16, 2), np.float32)
    flows[..., 0] = 2.0
    visible = np.zeros((1, 12, 16), np.float32)
    visible[:, :, :14] = 1.0  # the 2 right-most columns leave the frame
    frames = np.stack([base, nxt])
    assert warping_error(frames, flows, visible) == pytest.approx(0.0, abs=1e-6)
    # With zero flow the same pair has a clearly positive error.
    assert warping_error(frames, np.zeros_like(flows), visible) > 0.1
