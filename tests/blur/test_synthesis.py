"""Blur synthesis maths: intermediate flows, occlusion-aware interpolation, blur width."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from vident.blur.synthesis import (
    BlurSynthesiser,
    add_noise,
    extrapolate,
    intermediate_flows,
    interpolate,
    to_uint8,
    window_offsets,
)
from vident.motion.flow import make_flow


def test_intermediate_flows_hand_values() -> None:
    flow_01 = torch.tensor([2.0, 0.0]).view(1, 2, 1, 1)
    flow_10 = torch.tensor([-1.0, 0.0]).view(1, 2, 1, 1)
    taus = torch.tensor([0.5, 0.25])
    to_0, to_1 = intermediate_flows(flow_01, flow_10, taus, iterations=0)
    # τ=0.5: -0.25*2 + 0.25*(-1) = -0.75 and 0.25*2 - 0.25*(-1) = 0.75.
    # τ=0.25: -0.1875*2 + 0.0625*(-1) = -0.4375 and 0.5625*2 - 0.1875*(-1) = 1.3125.
    assert to_0[:, 0, 0, 0].tolist() == pytest.approx([-0.75, -0.4375])
    assert to_1[:, 0, 0, 0].tolist() == pytest.approx([0.75, 1.3125])
    assert to_0[:, 1].abs().max() == 0 and to_1[:, 1].abs().max() == 0
    # The fixed point of uniform flows: -τ F(0→1) and -(1-τ) F(1→0).
    to_0, to_1 = intermediate_flows(flow_01, flow_10, taus)
    assert to_0[:, 0, 0, 0].tolist() == pytest.approx([-1.0, -0.5])
    assert to_1[:, 0, 0, 0].tolist() == pytest.approx([0.5, 0.75])


def test_window_offsets() -> None:
    assert window_offsets(8, 17) == range(-8, 9)
    assert window_offsets(4, 5) == range(-2, 3)
    with pytest.raises(ValueError, match="odd"):
        window_offsets(8, 16)


def textured(h: int, w: int, seed: int) -> np.ndarray:
    """(H,W) float32 smooth random texture in [0.1, 0.9]."""
    noise = np.random.default_rng(seed).random((h, w)).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), 1.5)
    return 0.1 + 0.8 * (smooth - smooth.min()) / np.ptp(smooth)


def square_frame(background: np.ndarray, square: np.ndarray, x: int) -> torch.Tensor:
    """Background with the 20x20 ``square`` texture pasted at column x, rows 20..39, (1,1,H,W)."""
    out = background.copy()
    out[20:40, x : x + 20] = square
    return torch.from_numpy(out)[None, None]


def test_interpolate_fills_disoccluded_background_from_the_right_frame() -> None:
    h, w, shift = 60, 80, 8
    background, square = textured(h, w, 0), textured(20, 20, 1)
    frame0, frame1 = square_frame(background, square, 20), square_frame(background, square, 28)
    flow_01, flow_10 = torch.zeros(1, 2, h, w), torch.zeros(1, 2, h, w)
    flow_01[0, 0, 20:40, 20:40] = shift
    flow_10[0, 0, 20:40, 28:48] = -shift
    mid = interpolate(frame0, frame1, flow_01, flow_10, torch.tensor([0.5]))
    truth = square_frame(background, square, 24)
    error = (mid - truth).abs()[0, 0]
    revealed, covered = error[22:38, 20:24], error[22:38, 44:48]
    assert revealed.mean() < 0.01 and covered.mean() < 0.01
    moving = (slice(20, 40), slice(20, 48))  # where the square moves
    # Left over: the 2-px columns along the square's sides at τ, where a pixel of frame 1 could
    # be the background staying put or the square arriving; the blend picks the background.
    assert error[moving].mean() < 0.05
    # A plain cross-fade, which ignores motion, is far off (so this test can fail).
    assert ((frame0 + frame1) / 2 - truth).abs()[0, 0][moving].mean() > 3 * error[moving].mean()


def test_extrapolate_is_a_constant_velocity_shift() -> None:
    ramp = torch.arange(10, dtype=torch.float32).expand(1, 1, 4, 10).contiguous()
    flow_away = torch.zeros(1, 2, 4, 10)
    flow_away[:, 0] = 2.0  # content moves right by 2 px per frame
    before = extrapolate(ramp, flow_away, torch.tensor([0.5, 1.0]))
    # Half a frame earlier the content sat 1 px further left: value at x is ramp(x + 1).
    assert before[0, 0, 0, :8].tolist() == pytest.approx(list(range(1, 9)))
    assert before[1, 0, 0, :7].tolist() == pytest.approx(list(range(2, 9)))


def test_add_noise_and_to_uint8_round_and_clip() -> None:
    blurred = torch.tensor([0.2, 0.99, 0.01]).view(3, 1, 1).expand(3, 1, 2).contiguous()
    noise = np.array([[[10, 10, -10], [-3, 0, 3]]], dtype=np.int16)
    # 0.2*255 = 51, 0.99*255 = 252.45, 0.01*255 = 2.55.
    assert add_noise(blurred, noise).tolist() == [[[61, 255, 0], [48, 252, 6]]]
    assert to_uint8(blurred).tolist() == [[[51, 252, 3], [51, 252, 3]]]


def pan_video(frames: int, h: int, w: int, speed: int, seed: int = 0) -> np.ndarray:
    """(T,H,W,3) uint8: a bright/dark vertical edge with faint texture, panning right."""
    rng = np.random.default_rng(seed)
    width = w + speed * frames + 20
    texture = cv2.GaussianBlur(rng.random((h, width)).astype(np.float32), (0, 0), 1.5)
    texture = (texture - texture.mean()) / texture.std() * 0.04
    scene = np.where(np.arange(width)[None, :] < width // 2, 0.75, 0.25) + texture
    right = width - 10
    stack = np.stack([scene[:, right - w - speed * t : right - speed * t] for t in range(frames)])
    return np.rint(np.clip(stack, 0, 1) * 255).astype(np.uint8)[..., None].repeat(3, -1)


def crossing(p: np.ndarray, level: float) -> float:
    """Sub-pixel position where the falling profile ``p`` first drops below ``level``."""
    i = int(np.argmax(p < level))
    return i - 1 + (p[i - 1] - level) / (p[i - 1] - p[i])


def edge_width(row: np.ndarray, centre: int) -> float:
    """Width of a falling edge around ``centre``: the 10-90 % distance / 0.8 (= W for a ramp)."""
    profile = row[centre - 25 : centre + 25].astype(np.float64)
    high, low = np.median(profile[:8]), np.median(profile[-8:])
    p = (profile - low) / (high - low)
    return (crossing(p, 0.1) - crossing(p, 0.9)) / 0.8


def constant_flow(speed: float):
    """The true flows of a pan, for BlurSynthesiser's batched call ([a, b] -> [b, a])."""

    def flow(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        assert a.shape[0] == 2 and torch.equal(a[0], b[1])
        out = torch.zeros(2, 2, *a.shape[-2:])
        out[0, 0], out[1, 0] = speed, -speed
        return out

    return flow


@pytest.mark.parametrize("speed", [3, 5])
@pytest.mark.parametrize("backend", ["dis", "exact"])
def test_edge_blur_width_matches_the_motion(speed: int, backend: str) -> None:
    frames, h, w = 5, 48, 128
    video = pan_video(frames, h, w, speed)
    flow = make_flow("dis") if backend == "dis" else constant_flow(speed)
    synthesiser = BlurSynthesiser(video, flow, factor=8, window=17)
    expected = 2 * speed  # the 17-frame window spans t-1 .. t+1
    for t, blurred in enumerate(synthesiser):
        sharp_row = video[t, :, :, 0].mean(0)
        centre = int(np.argmin(np.diff(sharp_row)))  # the sharp edge's steepest step
        assert edge_width(sharp_row, centre) < 1.2
        width = edge_width(blurred[0].numpy().mean(0) * 255, centre)
        assert width == pytest.approx(expected, rel=0.2), (t, width)


def test_single_frame_is_left_sharp() -> None:
    video = pan_video(1, 16, 60, 3)
    (blurred,) = list(BlurSynthesiser(video, make_flow("dis")))
    assert np.array_equal(to_uint8(blurred), video[0])
