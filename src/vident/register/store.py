"""Writing a registration: ``DIR/registered.zarr`` (Zarr v3: frames (t,y,x,c) uint8, valid
(t,y,x) bool, c1_frame, c2_frame (t,) int32), then ``DIR/registration.parquet`` last, which
marks the output complete. Both are written atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import zarr

from vident.io.atomic import write_parquet
from vident.io.video import replace_dir
from vident.register.register import Registration

TABLE = "registration.parquet"
STORE = "registered.zarr"
MATRIX_COLUMNS = ("m00", "m01", "m02", "m10", "m11", "m12")


def registration_table(reg: Registration) -> pd.DataFrame:
    """c1_frame, c2_frame, m00..m12 (2x3 C2 px -> C1 px), metric (NMI)."""
    table = pd.DataFrame({"c1_frame": reg.c1.astype("int64"), "c2_frame": reg.c2.astype("int64")})
    flat = reg.matrices.reshape(len(reg.matrices), 6)
    for k, name in enumerate(MATRIX_COLUMNS):
        table[name] = flat[:, k]
    table["metric"] = reg.metric
    return table


def write_registration(reg: Registration, out: str | os.PathLike[str]) -> Path:
    """Write the store, then the table, into folder ``out``; returns the table's path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / TABLE).unlink(missing_ok=True)  # the table marks completion: drop it first
    tmp = Path(tempfile.mkdtemp(prefix=f".{STORE}.tmp-", dir=folder))
    try:
        root = zarr.open_group(str(tmp), mode="w", zarr_format=3)
        n, h, w = reg.valid.shape
        arrays = {
            "frames": (reg.frames, (1, h, w, 3), ("t", "y", "x", "c")),
            "valid": (reg.valid, (1, h, w), ("t", "y", "x")),
            "c1_frame": (reg.c1.astype("int32"), (max(n, 1),), ("t",)),
            "c2_frame": (reg.c2.astype("int32"), (max(n, 1),), ("t",)),
        }
        for name, (data, chunks, dims) in arrays.items():
            array = root.create_array(name, shape=data.shape, dtype=data.dtype, chunks=chunks,
                                      dimension_names=dims)
            array[...] = data
        root.attrs["description"] = "C2 frames resampled into C1 geometry (vident register)"
        os.chmod(tmp, 0o755)
        replace_dir(tmp, folder / STORE)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return write_parquet(registration_table(reg), folder / TABLE)
