"""Shared test helper: write a complete vident store from in-memory videos."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vident.io.writer import root_attrs, write_root, write_video

CREATED = "2024-01-01T00:00:00+00:00"


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
