"""Fixtures for the sample tests: the session sample loaded once (frames, truth, annotations)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
import zarr


def _read_png(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert img is not None, path
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB) if img.ndim == 3 else img


def _read_frames(folder: Path) -> np.ndarray | None:
    files = sorted(folder.glob("*.png"))
    if not files:
        return None
    assert [f.name for f in files] == [f"{k:06d}.png" for k in range(len(files))], folder
    return np.stack([_read_png(f) for f in files])


@dataclass
class Loaded:
    """One recording of a sample as read back from its files."""

    path: Path
    meta: dict
    c1: np.ndarray
    c2: np.ndarray | None
    R: np.ndarray
    D: np.ndarray
    M: np.ndarray
    H: np.ndarray
    annotations: dict[int, np.ndarray]


def load_recording(path: Path) -> Loaded:
    """Read every file of one recording folder."""
    group = zarr.open_group(str(path / "truth" / "truth.zarr"), mode="r")
    return Loaded(
        path=path,
        meta=json.loads((path / "truth" / "truth.json").read_text()),
        c1=_read_frames(path / "c1"),
        c2=_read_frames(path / "c2"),
        **{k: group[k][:] for k in ("R", "D", "M", "H")},
        annotations={
            int(f.stem): _read_png(f) for f in sorted((path / "annotations").glob("*.png"))
        },
    )


@pytest.fixture(scope="session")
def recs(sample_dir: Path) -> dict[str, Loaded]:
    """Every recording of the session sample, by name."""
    return {p.name: load_recording(p) for p in sorted(sample_dir.iterdir()) if p.is_dir()}


@pytest.fixture(scope="session")
def phantoms(recs: dict[str, Loaded]) -> list[Loaded]:
    """The phantom recordings of the session sample."""
    return [r for name, r in recs.items() if name.startswith("phantom-")]
