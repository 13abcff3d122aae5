"""LS: linear scalarisation with fixed λ (thesis §6.3.2 defaults: R 1e-1, M 2e-1, H 1.4e3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor

from vident.errors import VidentError
from vident.train.balancing.base import BALANCERS, Balancer

THESIS_LAMBDAS = {"R": 1e-1, "M": 2e-1, "H": 1.4e3}


@BALANCERS.register("ls")
class LinearScalarisation(Balancer):
    """λ_i fixed for the whole run; ``lambdas`` maps task -> λ (missing tasks take the thesis
    value). No normalisation: the λ are used exactly as given."""

    def __init__(self, tasks: Sequence[str], lambdas: Mapping[str, float] | None = None) -> None:
        super().__init__(tasks)
        table = {**THESIS_LAMBDAS, **(lambdas or {})}
        unknown = [t for t in self.tasks if t not in table]
        if unknown:
            raise VidentError(f"ls balancer: no λ for tasks {unknown}")
        self._lambdas = torch.tensor([float(table[t]) for t in self.tasks])

    def weights(self, losses: Tensor) -> Tensor:
        return self._lambdas.to(losses.device, losses.dtype)
