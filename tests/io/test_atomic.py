"""Atomic single-file writes: rename on success, old file and no temp file left on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from vident.io.atomic import atomic_path, write_bytes, write_parquet, write_text


def test_success_renames_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.json.tmp-")
        assert tmp.suffix == ".json"  # writers that infer the format from the suffix still can
        assert tmp.exists()
        tmp.write_text("new")
        assert target.read_text() == "old"  # nothing visible until the block ends
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.json"]


def test_exception_keeps_old_target_and_removes_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError, match="half-way"), atomic_path(target) as tmp:
        tmp.write_text("half a fi")
        raise RuntimeError("half-way")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_exception_without_old_target_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "out.pt"):
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_parent_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    assert write_text(target, "hello ·\n") == target
    assert target.read_text(encoding="utf-8") == "hello ·\n"
    assert os.listdir(target.parent) == ["out.txt"]


def test_temp_paths_are_unique(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "x.bin") as a, atomic_path(tmp_path / "x.bin") as b:
        assert a != b
        a.write_bytes(b"a")
        b.write_bytes(b"b")
    assert (tmp_path / "x.bin").read_bytes() == b"a"  # the outer block renames last
    assert os.listdir(tmp_path) == ["x.bin"]


def test_files_are_readable_by_others_under_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_bytes(tmp_path / "zarr.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "zarr.json").stat().st_mode) == 0o644


def test_write_parquet_round_trip(tmp_path: Path) -> None:
    table = pd.DataFrame({"c1_frame": [0, 1], "cost": [0.5, 0.25]}, index=[7, 8])
    out = write_parquet(table, tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(out), table.reset_index(drop=True))
    assert os.listdir(tmp_path) == ["t.parquet"]
