"""vident.io.scales: the pyramid's downsampling and homography conjugation, pinned by hand."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from vident.io.scales import downsample, factor, scale_homography, scale_matrix


def test_scale_matrix_by_hand():
    assert [factor(s) for s in (1, 2, 3)] == [1, 2, 4]
    np.testing.assert_array_equal(scale_matrix(1), np.eye(3))
    np.testing.assert_allclose(scale_matrix(2), [[0.5, 0, -0.25], [0, 0.5, -0.25], [0, 0, 1]])
    np.testing.assert_allclose(scale_matrix(3), [[0.25, 0, -0.375], [0, 0.25, -0.375], [0, 0, 1]])


def test_downsample_is_block_average():
    x = torch.arange(4 * 5, dtype=torch.float32).reshape(1, 1, 4, 5)  # odd width: last col dropped
    np.testing.assert_allclose(downsample(x, 2)[0, 0].numpy(), [[3.0, 5.0], [13.0, 15.0]])
    np.testing.assert_allclose(downsample(x, 3)[0, 0].numpy(), [[9.0]])
    assert downsample(x, 1) is x
    clip = torch.rand(2, 3, 3, 8, 12)  # leading dims are kept
    assert downsample(clip, 3).shape == (2, 3, 3, 2, 3)


def test_scale_homography_by_hand():
    translate = np.array([[1, 0, 6.0], [0, 1, -4.0], [0, 0, 1]], np.float32)
    out = scale_homography(translate, 2)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[1, 0, 3.0], [0, 1, -2.0], [0, 0, 1]], atol=1e-6)
    zoom = np.diag([2.0, 2.0, 1.0])  # x' = 2x about the origin pixel centre
    # at scale 3: x_1 = 4 x_3 + 1.5 -> x_1' = 8 x_3 + 3 -> x_3' = 2 x_3 + 0.375
    np.testing.assert_allclose(scale_homography(zoom, 3), [[2, 0, 0.375], [0, 2, 0.375], [0, 0, 1]])
    batch = np.stack([translate, np.eye(3, dtype=np.float32)])
    np.testing.assert_allclose(scale_homography(batch, 2)[1], np.eye(3), atol=1e-7)


def smooth_image(h: int, w: int) -> np.ndarray:
    coarse = np.random.default_rng(0).random((h // 16, w // 16, 3)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


@pytest.mark.parametrize("s", [2, 3])
def test_warp_then_downsample_matches_downsample_then_warp(s: int):
    """Warping at scale 1 then downsampling ~= downsampling then warping with H_s; raw H fails."""
    h, w = 96, 128
    img = smooth_image(h, w)
    homography = np.array([[1.02 * np.cos(0.05), -np.sin(0.05), 5.0],
                           [np.sin(0.05), 0.98 * np.cos(0.05), -3.0],
                           [1e-4, -5e-5, 1.0]])

    def down(a: np.ndarray) -> np.ndarray:
        return downsample(torch.from_numpy(a).permute(2, 0, 1), s).permute(1, 2, 0).numpy()

    def warp(a: np.ndarray, m: np.ndarray) -> np.ndarray:
        return cv2.warpPerspective(a, m, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR)

    reference = down(warp(img, homography))
    small = down(img)
    border = 16 // factor(s)
    inner = (slice(border, -border), slice(border, -border))
    good = np.abs(warp(small, scale_homography(homography, s)) - reference)[inner].mean()
    raw = np.abs(warp(small, homography) - reference)[inner].mean()
    assert good < 0.01
    assert raw > 10 * good
