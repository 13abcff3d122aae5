"""Fixtures for vident.io tests: synthetic video arrays with known homographies, a small store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from stores import write_store


def known_homography(t: int) -> np.ndarray:
    """A small rotation + shear + translation + perspective for step t (t = 0 -> identity)."""
    if t == 0:
        return np.eye(3, dtype=np.float32)
    angle = 0.02 * t
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[1.01 * c, -s + 0.01, 1.5 * t],
                     [s, 0.99 * c, -0.7 * t],
                     [2e-4, -1e-4, 1.0]], dtype=np.float32)


def video_arrays(frames: int, height: int, width: int, seed: int) -> dict[str, np.ndarray]:
    """Random B, R, M with known H per frame, a human flag on frame 0, source frames 10.."""
    rng = np.random.default_rng(seed)
    return {
        "B": rng.integers(0, 256, (frames, height, width, 3), dtype=np.uint8),
        "R": rng.integers(0, 256, (frames, height, width, 3), dtype=np.uint8),
        "M": rng.integers(0, 2, (frames, height, width), dtype=np.uint8),
        "H": np.stack([known_homography(t) for t in range(frames)]),
        "human": np.arange(frames) == 0,
        "frame": np.arange(10, 10 + frames, dtype=np.int32),
    }


@pytest.fixture(scope="session")
def small_videos() -> dict[tuple[str, str], dict[str, np.ndarray]]:
    return {("train", "v0"): video_arrays(6, 16, 24, 0),
            ("train", "v1"): video_arrays(5, 16, 24, 1),
            ("val", "v2"): video_arrays(4, 16, 24, 2)}


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory, small_videos) -> Path:
    """A valid local store (3 videos, 16x24) written once per session; do not modify."""
    path = tmp_path_factory.mktemp("store") / "small.zarr"
    write_store(str(path), small_videos, 16, 24)
    return path


@pytest.fixture
def make_store(small_videos) -> Callable[[str], str]:
    """Write a fresh copy of the small store at a given path or URL."""
    return lambda url: write_store(url, small_videos, 16, 24)
