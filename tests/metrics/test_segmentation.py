"""Teeth IoU pinned to hand-counted masks."""

from __future__ import annotations

import pytest
import torch

from vident.metrics import iou


def test_iou_by_hand() -> None:
    prob = torch.zeros(3, 1, 2, 4)
    target = torch.zeros(3, 1, 2, 4)
    prob[0, 0, 0, :3] = 0.9  # 3 predicted
    target[0, 0, 0, 1:] = 1.0  # 3 true, 2 shared -> 2/4
    prob[1, 0, 1, 0] = 0.5  # exactly 0.5 is not teeth (threshold is strict)
    target[1, 0, 1, 0] = 1.0  # -> 0/1
    # frame 2: both empty -> 1
    assert iou(prob, target).tolist() == pytest.approx([0.5, 0.0, 1.0])
