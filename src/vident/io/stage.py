"""Per-recording stage stores: the intermediate arrays one pipeline stage writes.

A stage store (e.g. ``results/vident-lab/<rec>/denoise.zarr`` with arrays D and N) is written by
exactly one job: it is built in a temp folder beside the target and renamed into place, so a
killed job never leaves a half-written store. Arrays are chunked one frame per chunk, compressed
with the dataset's fixed codec (same inputs give the same bytes) and carry ``dimension_names``.
Image-like arrays get one chunk per frame; small per-frame arrays (H, flags) one chunk in all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import zarr

from vident.errors import VidentError
from vident.io.video import replace_dir
from vident.io.writer import COMPRESSOR

FRAME_CHUNK_MIN = 1024  # elements per frame from which an array is chunked frame by frame


def dimension_names(shape: Sequence[int]) -> list[str]:
    """Default dimension names for a per-frame array of this shape (frames first)."""
    if len(shape) == 3 and tuple(shape[1:]) == (3, 3):
        return ["t", "i", "j"]
    return ["t", "y", "x", "c"][: len(shape)] if len(shape) != 2 else ["t", "k"]


def write_stage(
    path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray],
    attrs: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``arrays`` (each with frames on axis 0) as a new Zarr v3 store at ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        group = zarr.open_group(tmp / target.name, mode="w", attributes=dict(attrs or {}))
        for name, value in arrays.items():
            data = np.ascontiguousarray(value)
            per_frame = int(np.prod(data.shape[1:]))
            chunks = (1, *data.shape[1:]) if per_frame >= FRAME_CHUNK_MIN else data.shape
            group.create_array(name, data=data, chunks=chunks, compressors=COMPRESSOR,
                               dimension_names=dimension_names(data.shape),
                               fill_value=np.zeros((), data.dtype).item())
        replace_dir(tmp / target.name, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def open_stage(path: str | os.PathLike[str], names: Sequence[str] = ()) -> zarr.Group:
    """Open a stage store read-only, checking that the arrays in ``names`` are there."""
    path = Path(path)
    if not (path / "zarr.json").is_file():
        raise VidentError("stage store not found (did the stage that makes it run?)", path)
    group = zarr.open_group(path, mode="r")
    # Look arrays up by name: listing the group would trip over the .snakemake_timestamp file
    # that Snakemake puts in directory outputs (a ZarrUserWarning in every stage log).
    missing = [n for n in names if not isinstance(group.get(n), zarr.Array)]
    if missing:
        raise VidentError(f"stage store has no array {', '.join(missing)}", path)
    return group


def read_stage(path: str | os.PathLike[str], names: Sequence[str]) -> dict[str, np.ndarray]:
    """Read whole arrays of a stage store into memory."""
    group = open_stage(path, names)
    return {n: group[n][...] for n in names}
