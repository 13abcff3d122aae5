"""Parameter count, GFLOPs and FPS helpers on a conv whose cost is known by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from vident.metrics import count_parameters, fps, gflops


def test_cost_of_a_single_conv() -> None:
    conv = nn.Conv2d(3, 8, 3, padding=1)
    assert count_parameters(conv) == 8 * 3 * 9 + 8
    x = torch.zeros(1, 3, 10, 10)
    # 2 FLOPs per multiply-add: 2 * (8*10*10 outputs) * (3*9 taps); the bias is not counted.
    assert gflops(conv, x) == pytest.approx(2 * 800 * 27 / 1e9)
    assert fps(conv, x, warmup=1, iters=3) > 0
