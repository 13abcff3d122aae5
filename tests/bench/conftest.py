"""Fixtures for the benchmark: a tiny store with exactly known labels (benchtiny), and the tiny
model trained a few steps by the real trainer into a model.pt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from benchtiny import HEIGHT, TINY, WIDTH, tiny_video
from stores import write_store

from vident.train.config import BalancerConfig, DataConfig, ModelConfig, TrainConfig
from vident.train.trainer import Trainer


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(0)
    videos = {(split, f"{split}{v}"): tiny_video(rng) for split, n in
              (("train", 1), ("val", 1), ("test", 2)) for v in range(n)}
    store = tmp_path_factory.mktemp("bench") / "tiny.zarr"
    return write_store(store, videos, HEIGHT, WIDTH, "tiny")


@pytest.fixture(scope="session")
def trained(tiny_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """model.pt of the tiny model after 3 trainer steps (ATB, CPU, no augmentation)."""
    torch.manual_seed(0)
    cfg = TrainConfig(
        model=ModelConfig(TINY),
        balancer=BalancerConfig("atb"),
        data=DataConfig(store=str(tiny_store)),
        batch_size=2,
        epochs=1,
        steps=3,
        lr=1e-2,
        device="cpu",
        tensorboard=False,
    )
    cfg.augment.enabled = False
    out = tmp_path_factory.mktemp("run")
    Trainer(cfg, out).fit()
    return out / "model.pt"
