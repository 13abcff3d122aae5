"""Per-recording stage stores (Zarr v3): read one array, write a store atomically."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import zarr
from zarr.codecs import ZstdCodec

from vident.errors import VidentError
from vident.io.video import replace_dir

COMPRESSOR = ZstdCodec(level=3, checksum=False)
FRAME_CHUNK_MIN = 1024


def read_array(store: str | os.PathLike[str], name: str) -> np.ndarray:
    """The whole array ``name`` of a stage store, with a clear error if it is not there."""
    try:
        group = zarr.open_group(str(store), mode="r")
    except (FileNotFoundError, zarr.errors.GroupNotFoundError):
        raise VidentError("not a Zarr store (missing or unreadable)", store) from None
    if name not in group:
        raise VidentError(f"store has no array {name!r} (has {sorted(group.array_keys())})", store)
    return group[name][...]


def write_store(
    store: str | os.PathLike[str],
    arrays: Mapping[str, np.ndarray],
    dims: Mapping[str, Sequence[str]],
    attrs: Mapping[str, object] | None = None,
) -> Path:
    """Write ``arrays`` (with ``dimension_names`` from ``dims``) to ``store`` atomically: built in
    ``<store>.tmp-<pid>`` beside it, then renamed over it. Arrays whose frames are images (at least
    FRAME_CHUNK_MIN elements per frame) get one chunk per frame; small arrays (H, flags) one chunk."""
    out = Path(store)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        group = zarr.open_group(str(tmp), mode="w", zarr_format=3, attributes=dict(attrs or {}))
        for name, data in arrays.items():
            per_frame = int(np.prod(data.shape[1:]))
            chunks = (1, *data.shape[1:]) if per_frame >= FRAME_CHUNK_MIN else data.shape
            group.create_array(name, data=data, chunks=chunks, compressors=COMPRESSOR,
                               dimension_names=tuple(dims[name]))
        replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
