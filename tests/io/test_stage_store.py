"""Stage stores: exact round trip, dimension names, atomic replacement, clear errors."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import zarr

from vident.errors import VidentError
from vident.io.stage import open_stage, read_stage, write_stage


def test_round_trip_with_dimension_names(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    arrays = {
        "D": rng.integers(0, 256, (4, 32, 40, 3), dtype=np.uint8),
        "N": rng.integers(-40, 40, (4, 32, 40, 3)).astype(np.int16),
        "H": np.tile(np.eye(3, dtype=np.float32), (4, 1, 1)),
        "flag": np.array([True, False, True, True]),
    }
    path = write_stage(tmp_path / "denoise.zarr", arrays, {"stage": "denoise"})
    back = read_stage(path, list(arrays))
    for name, value in arrays.items():
        assert back[name].dtype == value.dtype and np.array_equal(back[name], value)
    group = zarr.open_group(path, mode="r")
    assert group.attrs["stage"] == "denoise"
    assert group["D"].metadata.dimension_names == ("t", "y", "x", "c")
    assert group["H"].metadata.dimension_names == ("t", "i", "j")
    assert group["D"].chunks == (1, 32, 40, 3)  # images: one chunk per frame
    assert group["H"].chunks == (4, 3, 3) and group["flag"].chunks == (4,)  # small: one chunk


def test_same_input_same_bytes_and_replacement(tmp_path: Path) -> None:
    a = {"D": np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)}
    p1 = write_stage(tmp_path / "a.zarr", a)
    p2 = write_stage(tmp_path / "b.zarr", a)
    files = sorted(f.relative_to(p1) for f in p1.rglob("*") if f.is_file())
    assert files == sorted(f.relative_to(p2) for f in p2.rglob("*") if f.is_file())
    assert all((p1 / f).read_bytes() == (p2 / f).read_bytes() for f in files)
    write_stage(p1, {"D": a["D"] + 1})
    assert np.array_equal(read_stage(p1, ["D"])["D"], a["D"] + 1)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_store_and_array_are_named(tmp_path: Path) -> None:
    with pytest.raises(VidentError, match="nope.zarr: stage store not found"):
        open_stage(tmp_path / "nope.zarr")
    path = write_stage(tmp_path / "x.zarr", {"D": np.zeros((1, 2, 2, 3), np.uint8)})
    with pytest.raises(VidentError, match="x.zarr: stage store has no array N"):
        read_stage(path, ["D", "N"])


def test_snakemake_timestamp_in_a_directory_output_is_no_warning(tmp_path: Path) -> None:
    path = write_stage(tmp_path / "x.zarr", {"D": np.zeros((1, 2, 2, 3), np.uint8)})
    (path / ".snakemake_timestamp").touch()  # what Snakemake adds to directory() outputs
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_stage(path, ["D"])["D"].shape == (1, 2, 2, 3)
        with pytest.raises(VidentError, match="has no array N"):
            read_stage(path, ["N"])
