"""SI: scale-invariant scalarisation Σ_i log v_i (Navon et al.'s baseline; ATB up to V/T)."""

from __future__ import annotations

from torch import Tensor

from vident.train.balancing.base import BALANCERS, Balancer


@BALANCERS.register("si")
class ScaleInvariant(Balancer):
    """Objective Σ_i log v_i. Its gradient is Σ_i ∇v_i / v_i, so the reported weights are the
    gradient-equivalent λ_i = 1/v_i (constants); the objective value itself is the log-sum."""

    eps = 1e-12

    def weights(self, losses: Tensor) -> Tensor:
        return 1.0 / losses.clamp_min(self.eps)

    def objective(self, losses: Tensor) -> tuple[Tensor, Tensor]:
        return losses.clamp_min(self.eps).log().sum(), self.weights(losses.detach())
