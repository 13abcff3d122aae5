"""Batches for training: a resumable, shardable sampler and clip -> frame-pair flattening."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch import Tensor
from torch.utils.data import DataLoader, Dataset, Sampler

from vident.io.dataset import seed_worker


class ResumableSampler(Sampler[int]):
    """Epoch-seeded order (a permutation from seed and epoch, or 0..n-1), sharded across DDP ranks
    like DistributedSampler (padded to a multiple of the world size, rank r takes r::world), that
    can start part-way through an epoch: ``start`` indices of this rank's share are skipped, so a
    resumed run sees exactly the batches an uninterrupted one would."""

    def __init__(
        self, size: int, seed: int, shuffle: bool = True, rank: int = 0, world: int = 1
    ) -> None:
        self.size, self.seed, self.shuffle, self.rank, self.world = size, seed, shuffle, rank, world
        self.epoch = 0
        self.start = 0

    def set_epoch(self, epoch: int, start: int = 0) -> None:
        self.epoch, self.start = epoch, start

    def _order(self) -> list[int]:
        if self.shuffle:
            g = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
            order = torch.randperm(self.size, generator=g).tolist()
        else:
            order = list(range(self.size))
        total = -(-self.size // self.world) * self.world
        order += order[: total - self.size]
        return order[self.rank :: self.world]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order()[self.start :])

    def __len__(self) -> int:
        return -(-self.size // self.world) - self.start


def make_loader(
    dataset: Dataset, sampler: Sampler[int], batch_size: int, num_workers: int, seed: int
) -> DataLoader:
    """DataLoader over ``sampler``; workers are spawned (Zarr v3 under fork can deadlock). The
    loader's own generator seeds the workers, so starting an epoch does not draw from the global
    torch RNG (which would shift dropout draws after a resume)."""
    extra: dict[str, Any] = {}
    if num_workers > 0:
        extra = {"multiprocessing_context": "spawn", "worker_init_fn": seed_worker}
    return DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
        **extra,
    )


def to_device(batch: dict[str, Any], device: torch.device) -> dict[str, Any]:
    """Move the per-scale tensors of a batch to ``device``."""
    return {
        k: [x.to(device, non_blocking=True) for x in v] if k in "BRMH" else v
        for k, v in batch.items()
    }


def _pairs(x: Tensor, first: int) -> Tensor:
    """(N,K,...) -> (N*(K-1),...) of frames first..first+K-2 (previous) or 1..K-1 (current)."""
    k = x.shape[1]
    return x[:, first : first + k - 1].reshape(-1, *x.shape[2:])


def frame_pairs(batch: dict[str, Any]) -> tuple[Tensor, Tensor, dict[str, list[Tensor]]]:
    """Model inputs (prev = B[:,k-1], cur = B[:,k]) at full resolution and the targets of the
    current frames (R, M, H at every scale), all flattened to N*(K-1) pairs."""
    prev = _pairs(batch["B"][0], 0)
    cur = _pairs(batch["B"][0], 1)
    target = {key: [_pairs(x, 1) for x in batch[key]] for key in ("R", "M", "H")}
    return prev, cur, target
