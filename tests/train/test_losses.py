"""Losses of eq. 5.3 pinned to hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from vident.models.output import MultiTaskOutput
from vident.train.losses import charbonnier, loss_matrix, task_losses


def test_charbonnier_by_hand() -> None:
    x = torch.zeros(1, 3, 2, 2)
    assert charbonnier(x + 0.1, x).item() == pytest.approx(math.sqrt(0.01 + 1e-6))


def _target() -> dict[str, list[torch.Tensor]]:
    return {
        "R": [torch.zeros(2, 3, 8 // 2**s, 12 // 2**s) for s in range(3)],
        "M": [torch.ones(2, 1, 8 // 2**s, 12 // 2**s) for s in range(3)],
        "H": [torch.eye(3).repeat(2, 1, 1) for _ in range(3)],
    }


def test_task_losses_sum_over_predicted_scales() -> None:
    t = _target()
    shift = torch.eye(3).repeat(2, 1, 1)
    shift[:, 0, 2], shift[:, 1, 2] = 3.0, 4.0  # every corner 5 px off
    out = MultiTaskOutput(
        R=[torch.full((2, 3, 8, 12), 0.5), None, torch.full((2, 3, 2, 3), 0.25)],
        M=[None, torch.zeros(2, 1, 4, 6), None],  # logit 0 vs target 1: BCE = log 2
        H=[shift, shift, shift],
    )
    m = loss_matrix(out, t, ["R", "M", "H"])
    c = lambda d: math.sqrt(d * d + 1e-6)  # noqa: E731
    want = [c(0.5), 0.0, c(0.25), 0.0, math.log(2), 0.0, 5.0, 5.0, 5.0]
    assert m.flatten().tolist() == pytest.approx(want, abs=1e-5)
    assert task_losses(out, t, ["R", "M", "H"]).tolist() == pytest.approx(
        [c(0.5) + c(0.25), math.log(2), 15.0], abs=1e-5
    )
