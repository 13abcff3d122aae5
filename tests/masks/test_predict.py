"""Probabilities -> masks, human frames, temporal smoothing (hand-computed), network shapes."""

from __future__ import annotations

import numpy as np
import torch

from vident.masks.checkpoint import load_segmenter, save_segmenter
from vident.masks.network import HRNetSegmenter, SegmenterConfig
from vident.masks.predict import binarise, predict_probabilities, smooth_probabilities
from vident.motion.warp import backward_warp


def test_binarise_keeps_annotations() -> None:
    prob = np.array([[[0.2, 0.7]], [[0.9, 0.4]], [[0.51, 0.49]]], np.float32)
    ann = {1: np.array([[0, 1]], np.uint8)}
    m, human = binarise(prob, ann)
    np.testing.assert_array_equal(m, [[[0, 1]], [[0, 1]], [[1, 0]]])
    np.testing.assert_array_equal(human, [False, True, False])
    assert m.dtype == np.uint8


def test_smoothing_with_zero_flow_is_a_running_average() -> None:
    prob = np.stack([np.full((4, 5), v, np.float32) for v in (1.0, 0.0, 0.0)])
    frames = np.zeros((3, 4, 5, 3), np.uint8)
    zero_flow = lambda a, b: torch.zeros(a.shape[0], 2, *a.shape[-2:])  # noqa: E731
    out = smooth_probabilities(prob, frames, zero_flow, backward_warp, weight=0.5)
    np.testing.assert_allclose(out[:, 0, 0], [1.0, 0.5, 0.25])


def test_smoothing_follows_the_flow() -> None:
    prob = np.zeros((2, 4, 6), np.float32)
    prob[0, :, 1] = 1.0  # a bright column at x = 1 that moves to x = 3 in frame 1
    frames = np.zeros((2, 4, 6, 3), np.uint8)
    back = lambda a, b: torch.tensor([-2.0, 0.0]).view(1, 2, 1, 1).expand(1, 2, 4, 6)  # noqa: E731
    out = smooth_probabilities(prob, frames, back, backward_warp, weight=1.0)
    np.testing.assert_allclose(out[1, 0], [0, 0, 0, 1, 0, 0])


def test_segmenter_shapes_and_checkpoint_round_trip(tmp_path) -> None:
    torch.manual_seed(0)
    model = HRNetSegmenter(SegmenterConfig("hrnet_w18_small", 16)).eval()
    frames = np.random.default_rng(0).integers(0, 256, (2, 40, 48, 3), dtype=np.uint8)
    prob = predict_probabilities(model, frames, batch=2)
    assert prob.shape == (2, 40, 48) and prob.dtype == np.float32
    assert ((prob >= 0) & (prob <= 1)).all()
    loaded = load_segmenter(save_segmenter(model, tmp_path / "masks.pt"))
    np.testing.assert_allclose(predict_probabilities(loaded, frames, batch=2), prob, atol=1e-6)
