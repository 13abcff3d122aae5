"""ESTRNN baseline: parameter count, RDB maths, pair forward, gradients, and a short training
run through the trainer on an in-memory clip set."""

from __future__ import annotations

import torch
from torch import nn

from vident.models.estrnn import ResidualDenseBlock
from vident.models.zoo import build_model, count_parameters
from vident.train.config import config_from_dict
from vident.train.trainer import Trainer


def test_parameter_count_matches_the_thesis() -> None:
    millions = count_parameters(build_model("estrnn")) / 1e6
    assert abs(millions - 2.3) <= 0.15 * 2.3, millions


def test_residual_dense_block_by_hand() -> None:
    """One layer of growth 1 on one channel: out = x + a*x + b*relu(w*x + c) + d (1x1 mix)."""
    block = ResidualDenseBlock(1, 1, dilations=(1,))
    conv, mix = block.layers[0][0], block.aggregate
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[0, 0, 1, 1] = 2.0
        conv.bias.fill_(-1.0)
        mix.weight.copy_(torch.tensor([0.5, 3.0]).view(1, 2, 1, 1))
        mix.bias.fill_(0.25)
    x = torch.tensor([[[[0.0, 1.0, 2.0]]]])
    expected = x + 0.5 * x + 3.0 * torch.relu(2 * x - 1) + 0.25
    assert torch.allclose(block(x), expected)


def test_restores_the_current_frame_at_scale_one_only() -> None:
    model = build_model("estrnn").eval()
    with torch.no_grad():
        out = model(torch.rand(2, 3, 32, 40), torch.rand(2, 3, 32, 40))
    assert out.tasks() == ["R"] and out.R[0].shape == (2, 3, 32, 40)
    assert out.R[1] is None and out.R[2] is None
    assert 0.0 <= out.R[0].min() and out.R[0].max() <= 1.0


def test_previous_frame_changes_the_output() -> None:
    """The recurrent state and GSA carry the previous frame: a different B_{t-1}, another R."""
    torch.manual_seed(0)
    model = build_model("estrnn").eval()
    cur = torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        a = model(torch.rand(1, 3, 16, 16), cur).R[0]
        b = model(torch.rand(1, 3, 16, 16), cur).R[0]
    assert (a - b).abs().max() > 1e-4


def test_gradients_reach_every_parameter() -> None:
    model = build_model("estrnn").train()
    out = model(torch.rand(1, 3, 16, 24), torch.rand(1, 3, 16, 24))
    out.R[0].square().mean().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.any()]
    assert not missing


def _clips(n: int, seed: int) -> list[dict]:
    """Frame-pair clips (32 x 40) whose target R is a smooth texture and input B a darkened,
    noisy copy: a restorer has to brighten and denoise."""
    g = torch.Generator().manual_seed(seed)
    items = []
    for i in range(n):
        r = nn.functional.avg_pool2d(torch.rand(2, 3, 36, 44, generator=g), 5, 1)
        b = (0.6 * r + 0.1 + 0.03 * torch.randn(r.shape, generator=g)).clamp(0, 1)
        pyr = lambda x: [x, *(nn.functional.avg_pool2d(x, 2**s) for s in (1, 2))]  # noqa: E731
        m = (r[:, 1:2] > r[:, 1:2].median()).float()
        eye = torch.eye(3).expand(2, 3, 3).clone()
        items.append({
            "B": pyr(b), "R": pyr(r), "M": pyr(m), "H": [eye] * 3,
            "human": torch.zeros(2, dtype=torch.bool), "frame": torch.arange(2),
            "video": "v", "start": i,
        })  # fmt: skip
    return items


def test_trains_through_the_trainer(tmp_path) -> None:
    cfg = config_from_dict({
        "model": {"name": "estrnn"}, "balancer": {"name": "ls"}, "batch_size": 2, "epochs": 5,
        "lr": 3e-3, "lr_min": 1e-4, "seed": 0, "device": "cpu", "checkpoint_every": 100,
        "tensorboard": False, "augment": {"enabled": False},
    })  # fmt: skip
    trainer = Trainer(cfg, tmp_path, train_set=_clips(6, 0), val_set=_clips(2, 1))
    metrics = trainer.fit()
    assert metrics["tasks"] == ["R"]
    first, last = trainer.records[0].losses[0], trainer.records[-1].losses[0]
    assert last < 0.7 * first, (first, last)  # ESTRNN has no input skip: it learns R from scratch
    assert (tmp_path / "model.pt").exists()
