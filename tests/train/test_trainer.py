"""The training loop on a tiny store: it learns, and an interrupted run resumes exactly."""

from __future__ import annotations

import json

import pytest
import torch
from tinymtl import build_tiny

from vident.train.config import config_from_dict
from vident.train.trainer import Trainer


def _cfg(**over):
    base = {
        "model": {"name": "tiny"},
        "balancer": {"name": "atb"},
        "batch_size": 2,
        "epochs": 2,
        "lr": 3e-3,
        "lr_min": 1e-4,
        "seed": 3,
        "device": "cpu",
        "checkpoint_every": 3,
        "tensorboard": False,
    }
    base.update(over)
    return config_from_dict(base)


@pytest.mark.parametrize(
    ("balancer", "k"),
    # 7 batches per epoch, checkpoints every 3 steps. RLW: the balancer's RNG is restored; DWA,
    # cut in epoch 2, uses its epoch-loss history from step 15 on; augmentation and dropout on.
    [({"name": "rlw", "args": {"seed": 5}}, 6), ({"name": "dwa"}, 12)],
)
def test_kill_and_resume_gives_identical_losses(tiny_sets, tmp_path, balancer, k) -> None:
    train, val = tiny_sets
    cfg = _cfg(balancer=balancer, epochs=3, log_conflicts=True)
    full = Trainer(cfg, tmp_path / "full", train_set=train, val_set=val, build=build_tiny)
    full.fit()
    cut = Trainer(cfg, tmp_path / "cut", train_set=train, val_set=val, build=build_tiny)
    assert cut.fit(stop_after=k) is None
    resumed = Trainer(cfg, tmp_path / "cut", train_set=train, val_set=val, build=build_tiny)
    resumed.fit(resume=True)
    want = [r.losses + r.weights for r in full.records[k : k + 5]]
    got = [r.losses + r.weights for r in resumed.records[:5]]
    assert resumed.records[0].step == k + 1
    assert got == want  # bit-identical
    assert resumed.history == full.history  # validation, epoch losses and conflict rates too
    if balancer["name"] == "dwa":
        assert full.records[15].weights != [1.0, 1.0, 1.0]


def test_short_run_beats_input_baselines(tiny_sets, tmp_path) -> None:
    train, val = tiny_sets
    cfg = _cfg(
        epochs=10, lr=1e-2, augment={"hflip": 0.0, "vflip": 0.0}, checkpoint_every=100,
        tensorboard=True,
    )
    metrics = Trainer(cfg, tmp_path, train_set=train, val_set=val, build=build_tiny).fit()
    base, got = metrics["baseline"], metrics["val"]
    assert got["psnr"] > base["psnr"] + 3.0
    assert got["mace"] < base["mace"]
    assert got["iou"] > base["iou"] + 0.1
    saved = torch.load(tmp_path / "model.pt", weights_only=False)
    assert saved["model"]["name"] == "tiny" and saved["tasks"] == ["R", "M", "H"]
    on_disk = json.loads((tmp_path / "metrics.json").read_text())
    assert on_disk["val"] == pytest.approx(got)
    assert len(on_disk["history"]) == 10
    assert list((tmp_path / "tb").glob("events.out.tfevents.*"))
