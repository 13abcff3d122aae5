"""Warping conventions pinned on known shifts, homographies and a moving square."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from vident.motion.warp import backward_warp, occlusion_mask, outside, warp_homography


def constant_flow(dx: float, dy: float, n: int = 1, h: int = 10, w: int = 12) -> torch.Tensor:
    return torch.tensor([dx, dy], dtype=torch.float32).view(1, 2, 1, 1).expand(n, 2, h, w).clone()


def test_backward_warp_integer_shift_is_exact() -> None:
    img = torch.rand(2, 3, 10, 12, generator=torch.Generator().manual_seed(0))
    out = backward_warp(img, constant_flow(2, 1, n=2))
    # Exact up to float32 rounding of grid_sample's normalised coordinates.
    torch.testing.assert_close(out[..., :-1, :-2], img[..., 1:, 2:], rtol=0, atol=1e-5)
    # Beyond the image the nearest border pixel is taken.
    torch.testing.assert_close(out[..., :-1, -1], img[..., 1:, -1], rtol=0, atol=1e-5)


def test_backward_warp_half_pixel_is_bilinear() -> None:
    img = torch.arange(12, dtype=torch.float32).view(1, 1, 3, 4)  # img[y, x] = 4y + x
    out = backward_warp(img, constant_flow(0.5, 0.25, h=3, w=4))
    # Linear in x and y, so bilinear sampling is exact: 4 (y + 0.25) + (x + 0.5).
    assert out[0, 0, 1, 2].item() == pytest.approx(4 * 1.25 + 2.5)
    assert out[0, 0, 0, 0].item() == pytest.approx(4 * 0.25 + 0.5)


def test_backward_warp_zeros_padding() -> None:
    img = torch.ones(1, 1, 4, 4)
    out = backward_warp(img, constant_flow(-1, 0, h=4, w=4), padding_mode="zeros")
    torch.testing.assert_close(out[0, 0, :, 0], torch.zeros(4), rtol=0, atol=1e-5)
    torch.testing.assert_close(out[0, 0, :, 1:], torch.ones(4, 3), rtol=0, atol=1e-5)


def test_outside_marks_targets_beyond_the_pixel_centres() -> None:
    out = outside(constant_flow(2, 0, h=3, w=5))
    assert out.shape == (1, 1, 3, 5)
    assert out[0, 0].sum(0).tolist() == [0, 0, 0, 3, 3]


def square_scene(shift: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A 10x10 square at x=10..19 of a 40x40 frame moving right by ``shift`` px; exact flows."""
    h = w = 40
    flow_ab = torch.zeros(1, 2, h, w)
    flow_ba = torch.zeros(1, 2, h, w)
    flow_ab[0, 0, 15:25, 10:20] = shift
    flow_ba[0, 0, 15:25, 10 + shift : 20 + shift] = -shift
    return (
        flow_ab,
        flow_ba,
        torch.zeros(h, w, dtype=torch.bool),
        torch.zeros(h, w, dtype=torch.bool),
    )


def test_occlusion_mask_marks_covered_and_disoccluded_strips_exactly() -> None:
    shift = 5
    flow_ab, flow_ba, covered, revealed = square_scene(shift)
    covered[15:25, 20 : 20 + shift] = True  # background of a hidden by the square in b
    revealed[15:25, 10 : 10 + shift] = True  # background of b that the square hid in a
    assert torch.equal(occlusion_mask(flow_ab, flow_ba)[0, 0], covered)
    assert torch.equal(occlusion_mask(flow_ba, flow_ab)[0, 0], revealed)


def textured(h: int, w: int, seed: int) -> np.ndarray:
    """Smooth random texture in [0.1, 0.9], (H,W) float32."""
    noise = np.random.default_rng(seed).random((h, w)).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), 2.0)
    return 0.1 + 0.8 * (smooth - smooth.min()) / np.ptp(smooth)


def test_occlusion_mask_with_dis_finds_the_disoccluded_region() -> None:
    from vident.motion.flow import make_flow

    h, w, shift = 96, 128, 6
    background, square = textured(h, w, 1), textured(h, w, 2)
    a, b = background.copy(), background.copy()
    a[30:70, 40:80] = square[30:70, 40:80]
    b[30:70, 40 + shift : 80 + shift] = square[30:70, 40:80]
    frames = [torch.from_numpy(x).expand(1, 3, h, w).contiguous() for x in (a, b)]
    dis = make_flow("dis", preset="medium")
    flow_ab, flow_ba = dis(*frames), dis(*frames[::-1])
    mask = occlusion_mask(flow_ba, flow_ab)[0, 0]
    revealed = torch.zeros(h, w, dtype=torch.bool)
    revealed[32:68, 41 : 40 + shift - 1] = (
        True  # the revealed strip of b, one pixel in from its edges
    )
    assert mask[revealed].float().mean() > 0.8
    elsewhere = torch.ones(h, w, dtype=torch.bool)
    elsewhere[26:74, 36 : 44 + shift] = False
    assert mask[elsewhere].float().mean() < 0.03


def test_warp_homography_translation_is_exact() -> None:
    img = torch.rand(1, 3, 20, 24, generator=torch.Generator().manual_seed(3))
    H = torch.tensor([[[1.0, 0.0, 3.0], [0.0, 1.0, 2.0], [0.0, 0.0, 1.0]]])
    out = warp_homography(img, H)
    torch.testing.assert_close(out[..., 2:, 3:], img[..., :-2, :-3], rtol=0, atol=1e-5)
    torch.testing.assert_close(out[..., :2, :], torch.zeros(1, 3, 2, 24), rtol=0, atol=1e-5)


def test_warp_homography_matches_opencv_rotation() -> None:
    h, w = 48, 64
    img = textured(h, w, 4)
    R = cv2.getRotationMatrix2D((w / 2, h / 2), 10.0, 1.1)
    H = np.vstack([R, [0, 0, 1]]).astype(np.float32)
    ours = warp_homography(torch.from_numpy(img)[None, None], torch.from_numpy(H)[None])[
        0, 0
    ].numpy()
    theirs = cv2.warpPerspective(img, H, (w, h), flags=cv2.INTER_LINEAR)
    inner = (slice(8, -8), slice(8, -8))
    assert np.abs(ours[inner] - theirs[inner]).max() < 2e-3
    # A point x of img lands at H x in the output.
    dot = torch.zeros(1, 1, h, w)
    dot[0, 0, 20, 30] = 1.0
    moved = warp_homography(dot, torch.from_numpy(H)[None])[0, 0]
    x, y, s = H @ np.array([30.0, 20.0, 1.0])
    peak = divmod(int(moved.argmax()), w)
    assert abs(peak[0] - y / s) <= 0.5 and abs(peak[1] - x / s) <= 0.5
