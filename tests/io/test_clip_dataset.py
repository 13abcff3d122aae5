"""vident.io.dataset: clips at 3 scales with exact values, DataLoader workers, fsspec URLs."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest
import torch

from vident.errors import VidentError
from vident.io.dataset import ClipDataset, make_loader
from vident.io.scales import scale_homography


def block_mean(a: np.ndarray, f: int) -> np.ndarray:
    """(..., H, W) -> (..., H/f, W/f) mean over f x f blocks, by reshaping (independent code)."""
    *lead, h, w = a.shape
    return a.reshape(*lead, h // f, f, w // f, f).mean(axis=(-3, -1))


def test_clip_values_at_three_scales(small_store: Path, small_videos):
    ds = ClipDataset(small_store, "train", clip_len=3)
    assert len(ds) == (6 - 3 + 1) + (5 - 3 + 1)
    assert ds.index[2] == ("v0", 2) and ds.index[4] == ("v1", 0)
    item = ds[2]
    truth = small_videos[("train", "v0")]
    clip = slice(2, 5)
    assert item["video"] == "v0" and item["start"] == 2
    for key in ("B", "R"):
        chw = truth[key][clip].transpose(0, 3, 1, 2).astype(np.float32) / 255
        assert [t.shape for t in item[key]] == [(3, 3, 16, 24), (3, 3, 8, 12), (3, 3, 4, 6)]
        assert all(t.dtype == torch.float32 for t in item[key])
        np.testing.assert_array_equal(item[key][0].numpy(), chw)  # scale 1 exact
        np.testing.assert_allclose(item[key][1].numpy(), block_mean(chw, 2), atol=1e-6)
        np.testing.assert_allclose(item[key][2].numpy(), block_mean(chw, 4), atol=1e-6)
    mask = truth["M"][clip][:, None].astype(np.float32)
    np.testing.assert_array_equal(item["M"][0].numpy(), mask)
    np.testing.assert_allclose(item["M"][2].numpy(), block_mean(mask, 4), atol=1e-6)
    assert 0 < item["M"][2].min() or item["M"][2].max() < 1  # averaged, not re-binarised
    np.testing.assert_array_equal(item["H"][0].numpy(), truth["H"][clip])
    for s in (2, 3):
        np.testing.assert_allclose(item["H"][s - 1].numpy(), scale_homography(truth["H"][clip], s),
                                   rtol=1e-6)
        assert not np.allclose(item["H"][s - 1].numpy(), truth["H"][clip])
    assert item["human"].dtype == torch.bool and item["human"].tolist() == [False] * 3
    assert item["frame"].dtype == torch.int64 and item["frame"].tolist() == [12, 13, 14]


def test_stride_scales_and_video_filter(small_store: Path):
    ds = ClipDataset(small_store, "train", clip_len=2, stride=2, scales=2, videos=["v1"])
    assert ds.index == [("v1", 0), ("v1", 2)]
    assert len(ds[1]["B"]) == 2


def batches(ds: ClipDataset, workers: int, seed: int) -> list[dict]:
    return list(make_loader(ds, batch_size=3, num_workers=workers, shuffle=True, seed=seed))


def test_workers_give_the_same_batches(small_store: Path):
    ds = ClipDataset(small_store, "train", clip_len=2)
    serial, parallel = batches(ds, 0, seed=7), batches(ds, 2, seed=7)
    assert len(serial) == len(parallel) == 3  # 5 + 4 clips
    for a, b in zip(serial, parallel, strict=True):
        assert a["video"] == b["video"]
        assert torch.equal(a["start"], b["start"]) and torch.equal(a["frame"], b["frame"])
        for key in ("B", "R", "M", "H"):
            assert all(torch.equal(x, y) for x, y in zip(a[key], b[key], strict=True))
    reordered = batches(ds, 0, seed=8)
    assert [b["frame"].tolist() for b in reordered] != [b["frame"].tolist() for b in serial]


def test_memory_url_reads_like_local(make_store, small_store: Path):
    url = make_store(f"memory://vident-{uuid.uuid4().hex}/small.zarr")
    remote, local = ClipDataset(url, "val", clip_len=4), ClipDataset(small_store, "val", clip_len=4)
    assert remote.index == local.index == [("v2", 0)]
    a, b = remote[0], local[0]
    for key in ("B", "R", "M", "H"):
        assert all(torch.equal(x, y) for x, y in zip(a[key], b[key], strict=True))


def test_unknown_split_or_video(small_store: Path):
    with pytest.raises(VidentError, match="no split 'test'"):
        ClipDataset(small_store, "test")
    with pytest.raises(VidentError, match="no video train/v9"):
        ClipDataset(small_store, "train", videos=["v9"])
