"""RAFT fine-tuning: exact synthetic pairs, RAFT's sequence loss, a short run that lowers the
held-out end-point error, and a checkpoint that the flow engine loads."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import zarr

from vident.motion.finetune import (
    FinetuneConfig,
    end_point_error,
    finetune_raft,
    make_pairs,
    sequence_loss,
)
from vident.motion.flow import make_flow
from vident.motion.raft import build_raft
from vident.motion.warp import backward_warp, outside


@pytest.fixture(scope="module")
def frames(sample_dir) -> torch.Tensor:
    r = zarr.open_group(str(sample_dir / "phantom-00" / "truth" / "truth.zarr"), mode="r")["R"][:16]
    return torch.from_numpy(r).permute(0, 3, 1, 2).float() / 255


def test_pairs_follow_their_flow(frames: torch.Tensor) -> None:
    pairs = make_pairs(frames, 4, FinetuneConfig(), torch.Generator().manual_seed(0))
    assert pairs.a.shape == pairs.b.shape == (4, 3, 128, 128) and pairs.flow.shape == (
        4,
        2,
        128,
        128,
    )
    err = (backward_warp(pairs.b, pairs.flow) - pairs.a).abs().mean(1, keepdim=True)
    visible = pairs.valid & ~outside(pairs.flow)
    assert err[visible].mean() < 0.015  # only bilinear resampling differs
    assert (~pairs.valid).any() and err[~pairs.valid].mean() > 5 * err[visible].mean()
    assert pairs.flow.abs().amax() > 2.0  # there is motion to learn


def test_sequence_loss_weights_later_predictions_more() -> None:
    flow = torch.zeros(1, 2, 2, 2)
    valid = torch.ones(1, 1, 2, 2, dtype=torch.bool)
    preds = [torch.full((1, 2, 2, 2), 2.0), torch.full((1, 2, 2, 2), 1.0)]
    # mean L1 per prediction: 2 and 1; weights gamma^1 and gamma^0.
    assert sequence_loss(preds, flow, valid, gamma=0.5).item() == pytest.approx(0.5 * 2 + 1.0)
    pred = torch.zeros(1, 2, 2, 2)
    pred[:, 0] = 3.0
    pred[:, 1] = 4.0
    assert end_point_error(pred, flow, valid) == pytest.approx(5.0)


def test_short_finetune_lowers_held_out_epe(frames: torch.Tensor, tmp_path) -> None:
    torch.manual_seed(0)
    cfg = FinetuneConfig(steps=12, batch=2, lr=1e-3, flow_updates=3, eval_pairs=3)
    module, scores = finetune_raft(build_raft("raft_small", None), frames[0::2], frames[1::2], cfg)
    assert scores["epe_after"] < 0.9 * scores["epe_before"]
    path = tmp_path / "raft.pt"
    torch.save({"state_dict": module.state_dict(), "config": cfg.to_dict()}, path)
    flow = make_flow("raft_small", weights=str(path), num_flow_updates=3)
    a = frames[:1]
    np.testing.assert_allclose(
        flow(a, frames[1:2]).numpy(),
        module.eval()(a * 2 - 1, frames[1:2] * 2 - 1, num_flow_updates=3)[-1].detach().numpy(),
        atol=1e-4,
    )


def test_finetune_cli_writes_a_checkpoint_the_flow_engine_loads(sample_dir, tmp_path) -> None:
    from vident.cli import main

    out = tmp_path / "models" / "raft.pt"
    main(
        [
            "motion",
            "finetune",
            str(out),
            "--r-store",
            str(sample_dir / "phantom-01" / "truth" / "truth.zarr"),
            "--steps",
            "1",
            "--batch",
            "1",
            "--flow-updates",
            "2",
            "--eval-pairs",
            "1",
            "--device",
            "cpu",
        ]
    )
    payload = torch.load(out, weights_only=True)
    assert payload["config"]["steps"] == 1 and set(payload["scores"]) == {
        "epe_before",
        "epe_after",
        "seconds_per_step",
    }
    flow = make_flow("raft_small", weights=str(out), num_flow_updates=2)
    assert flow(torch.rand(1, 3, 64, 80), torch.rand(1, 3, 64, 80)).shape == (1, 2, 64, 80)
