"""Model cost: parameter count, GFLOPs and frames per second (timed, warm-up excluded)."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable) parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@torch.no_grad()
def gflops(model: nn.Module, *inputs: torch.Tensor) -> float:
    """GFLOPs of one forward pass on ``inputs`` (torch's FlopCounterMode: a multiply-add counts
    as 2 FLOPs; halve for GMACs)."""
    counter = FlopCounterMode(display=False)
    with counter:
        model(*inputs)
    return counter.get_total_flops() / 1e9


def _synchronise(device: torch.device) -> Callable[[], None]:
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


@torch.no_grad()
def fps(model: nn.Module, *inputs: torch.Tensor, warmup: int = 3, iters: int = 10) -> float:
    """Forward passes per second on ``inputs`` (one frame pair each): ``warmup`` untimed passes,
    then ``iters`` timed ones, synchronised on GPU so queued kernels are counted."""
    device = inputs[0].device
    sync = _synchronise(device)
    for _ in range(warmup):
        model(*inputs)
    sync()
    start = time.perf_counter()
    for _ in range(iters):
        model(*inputs)
    sync()
    return iters / (time.perf_counter() - start)
