"""DWA: Dynamic Weight Average (Liu et al. 2019, "End-to-End Multi-Task Learning with
Attention")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from vident.train.balancing.base import BALANCERS, Balancer


@BALANCERS.register("dwa")
class DynamicWeightAverage(Balancer):
    """λ_i = T·softmax(r/temperature)_i with r_i = L_i(e-1)/L_i(e-2), the ratio of task i's mean
    training losses over the last two finished epochs; λ_i = 1 until two epochs have finished
    (i.e. during the first two epochs). Temperature 2 as published. Weights change only at epoch
    boundaries."""

    def __init__(self, tasks: Sequence[str], temperature: float = 2.0) -> None:
        super().__init__(tasks)
        self.temperature = temperature
        self.history: list[list[float]] = []

    def weights(self, losses: Tensor) -> Tensor:
        if len(self.history) < 2:
            return torch.ones_like(losses)
        last, before = (
            torch.tensor(h, dtype=losses.dtype, device=losses.device)
            for h in self.history[-2:][::-1]
        )
        r = last / before
        return self.num_tasks * torch.softmax(r / self.temperature, dim=0)

    def end_epoch(self, mean_losses: Tensor) -> None:
        self.history.append([float(v) for v in mean_losses])

    def state_dict(self) -> dict[str, Any]:
        return {"history": [list(h) for h in self.history]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = [list(h) for h in state["history"]]
