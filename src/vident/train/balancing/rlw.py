"""RLW: Random Loss Weighting (Lin et al. 2022, "Reasonable Effectiveness of Random Weighting")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from vident.train.balancing.base import BALANCERS, Balancer


@BALANCERS.register("rlw")
class RandomLossWeighting(Balancer):
    """λ = T·softmax(z), z ~ N(0, I_T) drawn afresh every step.

    Normalisation: the weights sum to T (not 1 as in LibMTL's RLW), so their mean is 1 and the
    loss scale matches the unweighted sum Σ v_i that the other methods start from. The samples
    come from the balancer's own generator (seeded, saved in the checkpoint) so a resumed run
    draws the same weights as an uninterrupted one.
    """

    def __init__(self, tasks: Sequence[str], seed: int = 0) -> None:
        super().__init__(tasks)
        self.generator = torch.Generator().manual_seed(seed)

    def weights(self, losses: Tensor) -> Tensor:
        z = torch.randn(self.num_tasks, generator=self.generator, dtype=torch.float64)
        return (self.num_tasks * torch.softmax(z, dim=0)).to(losses.device, losses.dtype)

    def state_dict(self) -> dict[str, Any]:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.set_state(state["generator"])
