"""Reading CM training pairs: denoised C1 frames (``denoise.zarr`` D) matched to the registered
C2 frames of the register stage (``registered.zarr`` beside ``registration.parquet``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from vident.errors import VidentError
from vident.io.stage import read_stage

REGISTERED = "registered.zarr"


def select_frames(count: int, limit: int | None) -> np.ndarray:
    """Indices of at most ``limit`` evenly spaced frames out of ``count`` (all when None)."""
    if limit is None or limit >= count:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(int))


def recording_pairs(
    denoised: str | os.PathLike[str], registration: str | os.PathLike[str], limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs D[c1_frame], targets, valid) of one recording: (P,H,W,3) uint8 twice and (P,H,W)
    bool; ``registration`` is the register stage's table, whose folder holds registered.zarr."""
    table = Path(registration)
    if not table.is_file():
        raise VidentError("registration table not found (run `vident register` first)", table)
    store = table.parent / REGISTERED
    d = read_stage(denoised, ["D"])["D"]
    registered = read_stage(store, ["c1_frame", "frames", "valid"])
    c1 = registered["c1_frame"].astype(np.int64)
    if d.ndim != 4 or d.shape[-1] != 3:
        raise VidentError(f"D must be (T,H,W,3) RGB for colour mapping, got {d.shape}", denoised)
    if len(c1) == 0:
        raise VidentError("registration has no frame pairs", store)
    if c1.min() < 0 or c1.max() >= len(d):
        raise VidentError(
            f"c1_frame refers to frame {int(c1.max())} but D has {len(d)} frames", store
        )
    keep = select_frames(len(c1), limit)
    frames, valid = registered["frames"][keep], registered["valid"][keep].astype(bool)
    if frames.shape[1:3] != d.shape[1:3]:
        raise VidentError(
            f"registered frames are {frames.shape[1:3]} but D is {d.shape[1:3]}", store
        )
    return d[c1[keep]], frames, valid


def dataset_pairs(
    denoised: Sequence[str | os.PathLike[str]],
    registrations: Sequence[str | os.PathLike[str]],
    limit: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All recordings' pairs concatenated (one frame size per dataset, design §5)."""
    if len(denoised) != len(registrations) or not denoised:
        raise VidentError(
            f"need one registration per denoised store (got {len(denoised)} and "
            f"{len(registrations)})"
        )
    parts = [recording_pairs(d, r, limit) for d, r in zip(denoised, registrations, strict=True)]
    sizes = {p[0].shape[1:3] for p in parts}
    if len(sizes) > 1:
        raise VidentError(
            f"recordings of one dataset must share a frame size, got {sorted(sizes)}", denoised[0]
        )
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))  # type: ignore[return-value]
