"""The two cameras of the beam splitter: C1's colour, noise, optics and timing against C2.

Pure functions of arrays and a random generator; every parameter drawn here is returned so it can
be written to truth.json.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class ColourModel:
    """C1 colours from reference colours y in [0, 1]:
    ``clip(exposure(t) * (mix @ y**gamma) + offset, 0, 1)`` per pixel.

    The per-channel gamma, the offset and the clipping make it impossible to undo with a 3x3
    matrix; ``exposure(t) = 1 + amp * sin(2 pi t / period + phase)`` drifts slowly over time.
    """

    gamma: tuple[float, float, float]
    mix: tuple[tuple[float, float, float], ...]
    offset: tuple[float, float, float]
    exposure_amp: float
    exposure_period: float
    exposure_phase: float

    def exposure(self, t: float) -> float:
        """Exposure gain at (reference) time ``t``."""
        return float(
            1
            + self.exposure_amp * np.sin(2 * np.pi * t / self.exposure_period + self.exposure_phase)
        )

    def apply(self, rgb: np.ndarray, t: float) -> np.ndarray:
        """C1 colours of reference colours ``rgb`` (..., 3) in [0, 1] at time ``t``."""
        lin = np.clip(rgb, 0, 1) ** np.asarray(self.gamma, np.float32)
        mixed = lin @ np.asarray(self.mix, np.float32).T
        return np.clip(self.exposure(t) * mixed + np.asarray(self.offset, np.float32), 0, 1)

    def to_json(self) -> dict:
        """Parameters for truth.json, with the formula spelled out."""
        return {
            "formula": "clip(exposure(t) * (mix @ ref**gamma) + offset, 0, 1); "
            "exposure(t) = 1 + exposure_amp * sin(2 pi t / exposure_period + exposure_phase), "
            "t = C2 frame time; ref, result in [0, 1] (8-bit / 255)",
            **asdict(self),
        }


def random_colour_model(rng: np.random.Generator, frames: int) -> ColourModel:
    """A pale, colour-cast microcamera: gamma < 1, channel cross-talk, lifted blacks, slow drift."""
    gamma = rng.uniform(0.65, 0.95, 3)
    cross = rng.dirichlet(np.ones(3), size=3)
    k = rng.uniform(0.15, 0.3)
    mix = (1 - k) * np.eye(3) + k * cross
    mix *= rng.uniform(0.75, 0.9) / mix.sum(axis=1, keepdims=True)
    offset = rng.uniform(0.03, 0.10, 3)
    return ColourModel(
        gamma=tuple(float(g) for g in gamma),
        mix=tuple(tuple(float(v) for v in row) for row in mix),
        offset=tuple(float(o) for o in offset),
        exposure_amp=float(rng.uniform(0.04, 0.10)),
        exposure_period=float(rng.uniform(2.0, 4.0) * max(frames, 8)),
        exposure_phase=float(rng.uniform(0, 2 * np.pi)),
    )


def poisson_gaussian(rng: np.random.Generator, y: np.ndarray, a: float, sigma: float) -> np.ndarray:
    """x = a * Poisson(y / a) + N(0, sigma^2) on intensities ``y`` in [0, 1] (not clipped)."""
    shot = a * rng.poisson(np.clip(y, 0, None) / a) if a > 0 else y
    return (shot + rng.normal(0.0, sigma, y.shape)).astype(np.float32)


def gaussian_approx(rng: np.random.Generator, y: np.ndarray, a: float, sigma: float) -> np.ndarray:
    """The Gaussian approximation of `poisson_gaussian`: x = y + N(0, a y + sigma^2)."""
    std = np.sqrt(a * np.clip(y, 0, None) + sigma**2)
    return (y + std * rng.standard_normal(y.shape, dtype=np.float32)).astype(np.float32)


def to_uint8(x: np.ndarray) -> np.ndarray:
    """Intensities in [0, 1] to 8-bit, rounding and clipping."""
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)


def mosaic_rggb(rgb: np.ndarray) -> np.ndarray:
    """Sample an (H, W, 3) image on an RGGB Bayer pattern: R at (even, even), G at (even, odd) and
    (odd, even), B at (odd, odd). Returns (H, W)."""
    out = np.empty(rgb.shape[:2], rgb.dtype)
    out[0::2, 0::2] = rgb[0::2, 0::2, 0]
    out[0::2, 1::2] = rgb[0::2, 1::2, 1]
    out[1::2, 0::2] = rgb[1::2, 0::2, 1]
    out[1::2, 1::2] = rgb[1::2, 1::2, 2]
    return out


def defocus(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Slight defocus: a Gaussian point-spread function of standard deviation ``sigma`` px."""
    return cv2.GaussianBlur(rgb, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)


def beam_splitter_affine(rng: np.random.Generator, image_hw: tuple[int, int]) -> np.ndarray:
    """A random C2 px -> C1 px affine (2x3): 1-3 deg rotation and ~2% scale about the image
    centre, plus a shift of a few px, each with a random sign."""
    h, w = image_hw
    rot = np.deg2rad(rng.uniform(1.0, 3.0) * rng.choice([-1, 1]))
    scale = 1 + rng.uniform(0.01, 0.03) * rng.choice([-1, 1])
    shift = rng.uniform(1.0, 4.0, 2) * rng.choice([-1, 1], 2)
    c = np.array([(w - 1) / 2, (h - 1) / 2])
    lin = scale * np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    return np.hstack([lin, (c - lin @ c + shift)[:, None]])


@dataclass(frozen=True)
class TimeWarp:
    """C1 timing against C2: ``times[k]`` is the C2 frame instant shown by C1 frame k."""

    times: np.ndarray
    offset: int
    dropped: list[int]
    duplicated: list[int]

    def pairs(self, c2_frames: int) -> list[list[int]]:
        """[c1, c2] for every C1 frame whose instant lies within C2's frames."""
        return [[k, int(t)] for k, t in enumerate(self.times) if 0 <= t < c2_frames]


def random_time_warp(rng: np.random.Generator, frames: int, events: int | None = None) -> TimeWarp:
    """C1 starts 2-4 frames before or after C2 and drops/duplicates ``events`` frames each.

    ``dropped`` lists C2 instants that C1 skips; ``duplicated`` lists C1 frames that show the same
    instant as the previous C1 frame (a fresh exposure of it, so their noise differs).
    """
    events = max(1, frames // 20) if events is None else events
    offset = int(rng.integers(2, 5) * rng.choice([-1, 1]))
    # Event positions: distinct C1 frames, away from the ends and from each other.
    slots = rng.choice(
        np.arange(3, max(frames - 3, 4), 3),
        size=min(2 * events, max((frames - 6) // 3, 0)),
        replace=False,
    )
    rng.shuffle(slots)
    drop_at, dup_at = set(slots[: len(slots) // 2].tolist()), set(slots[len(slots) // 2 :].tolist())
    times, dropped, duplicated = [], [], []
    t = offset
    for k in range(frames):
        if k in drop_at:
            dropped.append(t)
            t += 1
        if k in dup_at:
            t -= 1
            duplicated.append(k)
        times.append(t)
        t += 1
    return TimeWarp(np.asarray(times), offset, sorted(dropped), sorted(duplicated))
