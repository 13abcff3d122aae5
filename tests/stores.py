"""Shared test helpers: a panning video with exactly known labels, and writing a complete vident
store from in-memory videos."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vident.io.writer import root_attrs, write_root, write_video

CREATED = "2024-01-01T00:00:00+00:00"


def panning_video(
    canvas: np.ndarray,
    teeth: np.ndarray,
    size: tuple[int, int],
    frames: int,
    shift: tuple[int, int],
    contrast: tuple[float, float],
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """A window of ``size`` (H, W) panning over ``canvas`` (with its ``teeth`` mask) so the content
    moves by whole pixels ``shift`` (dx, dy) per frame: R, M and H are exact; B = gain * R +
    offset (``contrast``) + Gaussian noise (sigma 0.03)."""
    height, width = size
    pad_y, pad_x = (canvas.shape[0] - height) // 2, (canvas.shape[1] - width) // 2
    windows = [
        (slice(pad_y - shift[1] * t, pad_y - shift[1] * t + height),
         slice(pad_x - shift[0] * t, pad_x - shift[0] * t + width))
        for t in range(frames)
    ]
    r = np.stack([canvas[w] for w in windows])
    b = np.clip(contrast[0] * r + contrast[1] + rng.normal(0, 0.03, r.shape), 0, 1)
    h = np.repeat(np.eye(3, dtype=np.float32)[None], frames, 0)
    h[1:, 0, 2], h[1:, 1, 2] = shift
    return {
        "B": (b * 255).round().astype(np.uint8),
        "R": (r * 255).round().astype(np.uint8),
        "M": np.stack([teeth[w] for w in windows]).astype(np.uint8),
        "H": h,
        "human": np.zeros(frames, bool),
        "frame": np.arange(frames, dtype=np.int32),
    }


def write_store(
    url: str | Path,
    videos: dict[tuple[str, str], dict[str, np.ndarray]],
    height: int,
    width: int,
    name: str = "test",
    tasks: tuple[str, ...] = ("R", "M", "H"),
) -> str | Path:
    """Write every video ((split, video) -> arrays, recording = video name), then the root
    attributes of dataset ``name``."""
    for (split, video), arrays in videos.items():
        write_video(url, split, video, arrays, {"recording": video, "fps": 30.0, "kind": "phantom"})
    source = sorted({video for _, video in videos})
    write_root(url, root_attrs(name, list(tasks), (height, width), source, "0" * 64, CREATED))
    return url
