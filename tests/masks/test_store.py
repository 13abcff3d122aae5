"""Stage stores: dimension names, one chunk per image frame, atomic replacement, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import zarr

from vident.errors import VidentError
from vident.masks.store import read_array, write_store


def test_write_then_read(tmp_path) -> None:
    m = np.arange(3 * 32 * 40, dtype=np.uint8).reshape(3, 32, 40) % 2
    human = np.array([True, False, False])
    out = write_store(tmp_path / "masks.zarr", {"M": m, "human": human}, {"M": ("t", "y", "x"), "human": ("t",)})
    group = zarr.open_group(str(out), mode="r")
    assert group["M"].chunks == (1, 32, 40) and group["human"].chunks == (3,)
    assert group["M"].metadata.dimension_names == ("t", "y", "x")
    np.testing.assert_array_equal(read_array(out, "M"), m)
    # Rewriting replaces the store whole and leaves no temp folder behind.
    write_store(out, {"human": ~human}, {"human": ("t",)})
    assert sorted(zarr.open_group(str(out), mode="r").array_keys()) == ["human"]
    assert [p.name for p in tmp_path.iterdir()] == ["masks.zarr"]


def test_read_errors_name_the_store(tmp_path) -> None:
    with pytest.raises(VidentError, match="not a Zarr store") as err:
        read_array(tmp_path / "missing.zarr", "R")
    assert err.value.path == str(tmp_path / "missing.zarr")
    out = write_store(tmp_path / "s.zarr", {"human": np.zeros(2, bool)}, {"human": ("t",)})
    with pytest.raises(VidentError, match="no array 'R'"):
        read_array(out, "R")
