"""PyTorch Dataset of clips (K consecutive frames of one video) from a vident store, with B, R, M
and H at every scale, and a DataLoader factory that is safe with Zarr v3 (spawned workers)."""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import torch
import zarr
from torch.utils.data import DataLoader, Dataset

from vident.errors import VidentError
from vident.io.reader import list_videos, open_store
from vident.io.scales import downsample, scale_homography
from vident.io.schema import validate_store

FRAME_ARRAYS = ("B", "R", "M")  # read per clip; their handles are cached per worker
SMALL_ARRAYS = ("H", "human", "frame")  # whole-video arrays, cached per worker on first use


class ClipDataset(Dataset):
    """Clips of ``clip_len`` consecutive frames from the videos of one split.

    Item ``i`` is a dict: ``B``, ``R`` lists (scale 1..scales) of float32 (K,3,H_s,W_s) in [0,1];
    ``M`` list of float32 (K,1,H_s,W_s) (area-averaged 0/1 masks); ``H`` list of float32 (K,3,3)
    homographies conjugated to each scale; ``human`` bool (K,); ``frame`` int64 (K,);
    ``video`` name; ``start`` first frame index. Clip starts step by ``stride`` within a video.

    The store is opened lazily in the process that reads items (each DataLoader worker opens its
    own), never kept from ``__init__``, so the dataset pickles cleanly for spawned workers.
    """

    def __init__(
        self, store_url: str | os.PathLike[str], split: str, clip_len: int = 3, stride: int = 1,
        scales: int = 3, videos: list[str] | None = None,
        storage_options: dict[str, Any] | None = None,
    ) -> None:
        if clip_len < 1 or stride < 1 or not 1 <= scales <= 3:
            raise ValueError(f"need clip_len >= 1, stride >= 1, 1 <= scales <= 3; got "
                             f"{clip_len}, {stride}, {scales}")
        self.store_url = str(store_url)
        self.split = split
        self.clip_len = clip_len
        self.scales = scales
        self.storage_options = storage_options
        validate_store(self.store_url, values=False, storage_options=storage_options)
        root = open_store(self.store_url, storage_options)
        available = list_videos(root)
        if split not in available:
            raise VidentError(f"no split {split!r} (has {', '.join(available) or 'none'})",
                              self.store_url)
        names = available[split] if videos is None else list(videos)
        unknown = sorted(set(names) - set(available[split]))
        if unknown:
            raise VidentError(f"no video {split}/{unknown[0]}", self.store_url)
        self.index: list[tuple[str, int]] = [
            (name, start)
            for name in names
            for start in range(0, int(root[f"{split}/{name}"].attrs["frames"]) - clip_len + 1,
                               stride)
        ]
        self._arrays: dict[str, dict[str, zarr.Array]] = {}
        self._small: dict[str, dict[str, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.index)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_arrays"], state["_small"] = {}, {}
        return state

    def _open(self, video: str) -> None:
        """Open the video's arrays in this process (first use only) and cache the small ones."""
        root = open_store(self.store_url, self.storage_options)
        group = root[f"{self.split}/{video}"]
        self._arrays[video] = {name: group[name] for name in FRAME_ARRAYS}
        self._small[video] = {name: np.asarray(group[name][:]) for name in SMALL_ARRAYS}

    def __getitem__(self, i: int) -> dict[str, Any]:
        video, start = self.index[i]
        if video not in self._arrays:
            self._open(video)
        group, small = self._arrays[video], self._small[video]
        clip = slice(start, start + self.clip_len)
        b, r = (torch.from_numpy(np.asarray(group[name][clip])).permute(0, 3, 1, 2)
                .contiguous().float() / 255.0 for name in ("B", "R"))
        m = torch.from_numpy(np.asarray(group["M"][clip]))[:, None].float()
        h = small["H"][clip]
        levels = range(1, self.scales + 1)
        return {
            "B": [downsample(b, s) for s in levels],
            "R": [downsample(r, s) for s in levels],
            "M": [downsample(m, s) for s in levels],
            "H": [torch.from_numpy(scale_homography(h, s)) for s in levels],
            "human": torch.from_numpy(small["human"][clip].copy()),
            "frame": torch.from_numpy(small["frame"][clip].astype(np.int64)),
            "video": video,
            "start": start,
        }


def seed_worker(worker_id: int) -> None:
    """Seed numpy and ``random`` in a DataLoader worker from its torch seed (itself seeded)."""
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)


def make_loader(
    dataset: Dataset, batch_size: int, num_workers: int = 0, shuffle: bool = True,
    seed: int = 0, drop_last: bool = False,
) -> DataLoader:
    """A seeded DataLoader; workers are spawned (Zarr v3 under fork can deadlock) and persist.

    The same seed gives the same batches in the same order for any ``num_workers``.
    """
    workers: dict[str, Any] = {}
    if num_workers > 0:
        workers = {"multiprocessing_context": "spawn", "persistent_workers": True,
                   "worker_init_fn": seed_worker}
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=shuffle, num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed), drop_last=drop_last, **workers,
    )
