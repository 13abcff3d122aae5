"""The DDP code path (torchrun sets WORLD_SIZE...) on CPU with gloo and a world of one process."""

from __future__ import annotations

import socket

import pytest
import torch.distributed as dist
from tinymtl import build_tiny
from torch.nn.parallel import DistributedDataParallel

from vident.train.config import config_from_dict
from vident.train.trainer import Trainer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ddp_world_of_one_matches_plain_training(tiny_sets, tmp_path, monkeypatch) -> None:
    train, val = tiny_sets
    cfg = config_from_dict(
        {
            "model": {"name": "tiny"},
            "batch_size": 2,
            "epochs": 1,
            "steps": 4,
            "device": "cpu",
            "tensorboard": False,
            "lr": 3e-3,
        }
    )
    plain = Trainer(cfg, tmp_path / "plain", train_set=train, val_set=val, build=build_tiny)
    plain.fit()
    for key, value in {
        "WORLD_SIZE": "1",
        "RANK": "0",
        "LOCAL_RANK": "0",
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(_free_port()),
    }.items():
        monkeypatch.setenv(key, value)
    try:
        ddp = Trainer(cfg, tmp_path / "ddp", train_set=train, val_set=val, build=build_tiny)
        assert dist.is_initialized() and dist.get_backend() == "gloo"
        assert isinstance(ddp.net, DistributedDataParallel)
        ddp.fit()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    got = [v for r in ddp.records for v in r.losses]
    assert len(got) == 12
    assert got == pytest.approx([v for r in plain.records for v in r.losses], rel=1e-6)
    assert (tmp_path / "ddp" / "model.pt").exists()
