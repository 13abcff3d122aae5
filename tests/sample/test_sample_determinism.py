"""Same seed -> byte-identical sample; another seed -> different files; atomic replacement."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from vident.errors import VidentError
from vident.sample import make_sample, split_plan

SMALL = dict(videos=1, frames=12, height=48, width=64, real=1)


def digests(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``, by relative path."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    first = digests(make_sample(tmp_path / "a", seed=7, **SMALL))
    second = digests(make_sample(tmp_path / "b", seed=7, **SMALL))
    other = digests(make_sample(tmp_path / "c", seed=8, **SMALL))
    assert first == second
    assert len(first) > 50 and any(name.endswith("truth.zarr/R/c/0/0/0/0") for name in first)
    assert other.keys() == first.keys()
    changed = [name for name in first if first[name] != other[name]]
    assert any("/c1/" in n for n in changed) and any("/c2/" in n for n in changed)
    assert any("truth.json" in n for n in changed)


def test_existing_output_is_replaced_and_failure_keeps_it(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "s"
    make_sample(out, seed=1, **SMALL)
    (out / "stale.txt").write_text("old run")
    make_sample(out, seed=1, **SMALL)
    assert not (out / "stale.txt").exists()
    before = digests(out)
    with pytest.raises(VidentError, match="frame size"):
        make_sample(out, seed=2, **{**SMALL, "height": 47})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        "vident.sample.simulate_real", broken
    )  # fails after the phantoms are written
    with pytest.raises(RuntimeError, match="disk full"):
        make_sample(out, seed=2, **SMALL)
    assert digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no temporary folders left


def test_split_plan() -> None:
    assert split_plan(4) == ["train", "train", "val", "test"]
    assert split_plan(1) == ["train"]
    assert split_plan(2) == ["train", "test"]
    assert split_plan(3) == ["train", "val", "test"]
    assert split_plan(10) == ["train"] * 6 + ["val"] * 2 + ["test"] * 2
