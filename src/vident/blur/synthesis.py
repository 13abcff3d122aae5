"""Motion-blur synthesis from sharp frames: flow-based temporal interpolation, then averaging.

For each original frame t the blurred frame is the mean of ``window`` frames at the times
t + k/factor, k = -(window-1)/2 .. (window-1)/2 (at factor 8 and window 17: the 17 frames that
span t-1 .. t+1, as in §5.3.1 and the GoPro/REDS recipe of averaging a high-frame-rate video).
Intermediate frames between originals i and i+1 come from both neighbours, warped to the
intermediate time τ along bidirectional flows scaled to τ (Super SloMo's linear approximation,
refined by fixed-point iterations), and blended with weights (1-τ, τ) times their visibility
from the forward-backward occlusion masks. Before the first and after the last frame (where no
neighbour exists) the available side is extrapolated at constant velocity: the frame at -δ is
frame 0 warped by δ·F(0→1), the frame at T-1+δ is frame T-1 warped by δ·F(T-1→T-2); this
keeps the blur centred on t, so blurred frames stay pixel-aligned with the sharp ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np
import torch
from torch import Tensor

from vident.motion.warp import backward_warp, occlusion_mask

Flow = Callable[[Tensor, Tensor], Tensor]


class FrameStack(Protocol):
    """(T,H,W,3) uint8 frames read one at a time: a numpy array or a Zarr array."""

    shape: tuple[int, ...]

    def __getitem__(self, index: Any) -> Any: ...
EPS = 1e-3


def intermediate_flows(
    flow_01: Tensor, flow_10: Tensor, taus: Tensor, iterations: int = 3
) -> tuple[Tensor, Tensor]:
    """Flows from time τ to frames 0 and 1, (K,2,H,W) each, for flows (1,2,H,W) and taus (K,).

    Start from Super SloMo's linear blend, F(τ→0) = -(1-τ)τ F(0→1) + τ² F(1→0) and
    F(τ→1) = (1-τ)² F(0→1) - τ(1-τ) F(1→0) (exact -τv and (1-τ)v for a constant velocity v),
    then refine by fixed-point iterations of F(τ→0)(x) = -τ F(0→1)(x + F(τ→0)(x)) (the pixel of
    frame 0 that lands on x at τ) and likewise for frame 1, so that flows at motion boundaries
    come from the pixel that actually arrives at x rather than from the one that left it.
    """
    t = taus.view(-1, 1, 1, 1).to(flow_01)
    to_0 = -(1 - t) * t * flow_01 + t * t * flow_10
    to_1 = (1 - t) ** 2 * flow_01 - t * (1 - t) * flow_10
    many_01, many_10 = flow_01.expand_as(to_0), flow_10.expand_as(to_1)
    for _ in range(iterations):
        to_0 = -t * backward_warp(many_01, to_0)
        to_1 = -(1 - t) * backward_warp(many_10, to_1)
    return to_0, to_1


def interpolate(
    frame0: Tensor, frame1: Tensor, flow_01: Tensor, flow_10: Tensor, taus: Tensor
) -> Tensor:
    """Frames at times ``taus`` (K,) in (0,1) between ``frame0`` and ``frame1`` ((1,C,H,W) each).

    Each output pixel blends frame 0 and frame 1 sampled along the intermediate flows with
    weights (1-τ)·V0 and τ·V1, where V0 (V1) is 0 where the pixel's match in frame 1 (frame 0)
    is occluded in the other frame; where both are occluded, plain (1-τ, τ) weights.
    """
    k = taus.numel()
    to_0, to_1 = intermediate_flows(flow_01, flow_10, taus)
    hidden_in_0 = occlusion_mask(flow_10, flow_01).to(frame0.dtype)  # frame-1 pixels not in 0
    hidden_in_1 = occlusion_mask(flow_01, flow_10).to(frame0.dtype)  # frame-0 pixels not in 1
    t = taus.view(-1, 1, 1, 1).to(frame0)
    w0 = (1 - t) * (1 - backward_warp(hidden_in_0.expand(k, -1, -1, -1), to_1))
    w1 = t * (1 - backward_warp(hidden_in_1.expand(k, -1, -1, -1), to_0))
    total = w0 + w1
    fallback = total < EPS
    w0 = torch.where(fallback, 1 - t, w0)
    w1 = torch.where(fallback, t, w1)
    warped_0 = backward_warp(frame0.expand(k, -1, -1, -1), to_0)
    warped_1 = backward_warp(frame1.expand(k, -1, -1, -1), to_1)
    return (w0 * warped_0 + w1 * warped_1) / (w0 + w1)


def extrapolate(frame: Tensor, flow_away: Tensor, deltas: Tensor) -> Tensor:
    """Frames ``deltas`` (K,) frame periods before ``frame`` (1,C,H,W), at constant velocity.

    ``flow_away`` is the flow from ``frame`` to its one neighbour, so the frame δ periods on the
    other side is ``frame`` sampled at x + δ·flow_away(x).
    """
    flows = deltas.view(-1, 1, 1, 1).to(flow_away) * flow_away
    return backward_warp(frame.expand(deltas.numel(), -1, -1, -1), flows)


def window_offsets(factor: int, window: int) -> range:
    """Offsets k (in 1/factor frame periods) of the ``window`` frames averaged around each t."""
    if factor < 1 or window < 1 or window % 2 == 0:
        raise ValueError(f"factor must be >= 1 and window odd and >= 1, got {factor}, {window}")
    half = (window - 1) // 2
    return range(-half, half + 1)


class BlurSynthesiser:
    """Streams blurred frames of a sequence, computing each flow and interpolation once.

    ``frames`` is a (T,H,W,3) uint8 stack read one frame at a time, ``flow`` a flow-engine
    backend; tensors live on ``device``.
    """

    def __init__(
        self,
        frames: FrameStack,
        flow: Flow,
        factor: int = 8,
        window: int = 17,
        device: torch.device | str = "cpu",
    ) -> None:
        self.frames, self.flow, self.factor = frames, flow, factor
        self.offsets = window_offsets(factor, window)
        self.device = torch.device(device)
        self._frames: dict[int, Tensor] = {}
        self._flows: dict[int, tuple[Tensor, Tensor]] = {}
        self._between: dict[int, Tensor] = {}

    def __len__(self) -> int:
        return int(self.frames.shape[0])

    def frame(self, i: int) -> Tensor:
        """Original frame i as (1,3,H,W) float in [0,1]."""
        if i not in self._frames:
            x = torch.from_numpy(np.asarray(self.frames[i])).to(self.device)
            self._frames[i] = x.permute(2, 0, 1)[None].float() / 255
        return self._frames[i]

    def flows(self, i: int) -> tuple[Tensor, Tensor]:
        """Flows i→i+1 and i+1→i, (1,2,H,W) each, from one batched call of the flow backend."""
        if i not in self._flows:
            a, b = self.frame(i), self.frame(i + 1)
            both = self.flow(torch.cat([a, b]), torch.cat([b, a]))
            self._flows[i] = (both[:1], both[1:])
        return self._flows[i]

    def between(self, i: int) -> Tensor:
        """The factor-1 interpolated frames strictly between frames i and i+1, (factor-1,3,H,W)."""
        if i not in self._between:
            taus = torch.arange(1, self.factor, device=self.device) / self.factor
            self._between[i] = interpolate(self.frame(i), self.frame(i + 1), *self.flows(i), taus)
        return self._between[i]

    def at(self, n: int) -> Tensor:
        """The frame at time n/factor, (1,3,H,W)."""
        last = len(self) - 1
        i, j = divmod(n, self.factor)
        if 0 <= n <= last * self.factor:
            return self.frame(i) if j == 0 else self.between(i)[j - 1 : j]
        if last == 0:  # a single frame: no motion is known
            return self.frame(0)
        if n < 0:
            delta = torch.tensor([-n / self.factor], device=self.device)
            return extrapolate(self.frame(0), self.flows(0)[0], delta)
        delta = torch.tensor([n / self.factor - last], device=self.device)
        return extrapolate(self.frame(last), self.flows(last - 1)[1], delta)

    def blurred(self, t: int) -> Tensor:
        """The mean of the window of frames centred on frame t, (3,H,W) float in [0,1]."""
        total = sum(self.at(t * self.factor + k) for k in self.offsets)
        self._forget_before(t + 1 + self.offsets.start // self.factor)
        return total[0] / len(self.offsets)

    def _forget_before(self, i: int) -> None:
        """Drop cached frames, flows and interpolations that no later window needs."""
        for cache in (self._frames, self._flows, self._between):
            for key in [key for key in cache if key < i]:
                del cache[key]

    def __iter__(self) -> Iterator[Tensor]:
        for t in range(len(self)):
            yield self.blurred(t)


def to_uint8(x: Tensor) -> np.ndarray:
    """(3,H,W) float in [0,1] -> (H,W,3) uint8, rounded."""
    return (x.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).cpu().numpy()


def add_noise(sharp_blur: Tensor, noise: np.ndarray) -> np.ndarray:
    """B = blurred frame (3,H,W) float [0,1] + noise map (H,W,3) int16, rounded, clipped."""
    values = sharp_blur.permute(1, 2, 0).cpu().double().numpy() * 255 + noise
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)
