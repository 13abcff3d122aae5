"""Trainer fixtures: the tiny store (tinymtl videos written with vident.io.writer) and its clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from stores import write_store
from tinymtl import HEIGHT, WIDTH, tiny_video
from torch.utils.data import Dataset

from vident.io.dataset import ClipDataset


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(0)
    videos = {(split, f"{split}{v}"): tiny_video(rng, 8) for split, n in (("train", 2), ("val", 1))
              for v in range(n)}
    store = tmp_path_factory.mktemp("store") / "tiny.zarr"
    return write_store(store, videos, HEIGHT, WIDTH, "tiny")


class Materialised(Dataset):
    """The items of a ClipDataset read once and kept in memory (keeps the tests fast)."""

    def __init__(self, source: Dataset) -> None:
        self.items = [source[i] for i in range(len(source))]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


@pytest.fixture(scope="session")
def tiny_sets(tiny_store: Path) -> tuple[Dataset, Dataset]:
    """Train and val clips (K=2) of the tiny store, read through ClipDataset."""
    return (
        Materialised(ClipDataset(tiny_store, "train", clip_len=2)),
        Materialised(ClipDataset(tiny_store, "val", clip_len=2)),
    )
