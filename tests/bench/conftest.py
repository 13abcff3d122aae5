"""Fixtures for the benchmark: a tiny store with exactly known labels (benchtiny), and the tiny
model trained a few steps by the real trainer into a model.pt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from benchtiny import HEIGHT, TINY, WIDTH, tiny_video

from vident.io.writer import root_attrs, write_root, write_video
from vident.train.config import BalancerConfig, DataConfig, ModelConfig, TrainConfig
from vident.train.trainer import Trainer


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("bench") / "tiny.zarr"
    write_root(
        store,
        root_attrs(
            "tiny",
            ["R", "M", "H"],
            (HEIGHT, WIDTH),
            ["synthetic"],
            "0" * 64,
            "2024-01-01T00:00:00+00:00",
        ),
    )
    rng = np.random.default_rng(0)
    for split, n in (("train", 1), ("val", 1), ("test", 2)):
        for v in range(n):
            write_video(
                store,
                split,
                f"{split}{v}",
                tiny_video(rng),
                {"recording": f"{split}{v}", "fps": 25.0, "kind": "phantom"},
            )
    return store


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
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    Trainer(cfg, out).fit()
    torch.set_num_threads(threads)
    return out / "model.pt"


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors: one intra-op thread is faster than a contended pool on shared cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
