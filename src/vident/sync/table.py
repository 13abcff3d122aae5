"""``sync.parquet`` (c1_frame, c2_frame, cost; one row per kept C1 frame): building and checked
reading (write it with ``vident.io.atomic.write_parquet``)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from vident.errors import VidentError
from vident.sync.alignment import Matches

COLUMNS = ("c1_frame", "c2_frame", "cost")


def sync_table(matches: Matches) -> pd.DataFrame:
    """The sync table of ``matches``."""
    return pd.DataFrame({
        "c1_frame": matches.c1.astype(np.int64),
        "c2_frame": matches.c2.astype(np.int64),
        "cost": matches.cost.astype(np.float64),
    })


def read_sync(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read and check a sync table: the columns exist, frames are non-negative and C1 frames
    are strictly increasing."""
    p = Path(path)
    if not p.is_file():
        raise VidentError("sync table not found", p)
    try:
        table = pd.read_parquet(p)
    except (OSError, ValueError, pyarrow.ArrowException) as err:
        raise VidentError(f"not a readable Parquet file ({err})", p) from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise VidentError(f"missing column(s) {', '.join(missing)}", p)
    if table.empty:
        raise VidentError("sync table has no rows", p)
    c1, c2 = table["c1_frame"].to_numpy(), table["c2_frame"].to_numpy()
    if (c1 < 0).any() or (c2 < 0).any():
        raise VidentError("negative frame index", p)
    if (np.diff(c1) <= 0).any():
        raise VidentError("c1_frame is not strictly increasing", p)
    return table
