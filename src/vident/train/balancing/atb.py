"""ATB: Adaptive Task Balancing (thesis eq. 6.6)."""

from __future__ import annotations

from torch import Tensor

from vident.train.balancing.base import BALANCERS, Balancer


@BALANCERS.register("atb")
class AdaptiveTaskBalancing(Balancer):
    """After each forward pass solve Σ_i λ_i v_i = V, λ_i v_i = λ_j v_j (eq. 6.6):
    λ_i = V/(T·v_i) with v_i the current task losses and V = Σ_i v_i. The λ are constants (no
    gradient access), so every weighted task loss equals V/T and their sum stays V. Since
    ∇ Σ λ_i v_i = (V/T) ∇ Σ log v_i, ATB is the scale-invariant objective (``si``) rescaled by
    the current mean loss."""

    eps = 1e-12

    def weights(self, losses: Tensor) -> Tensor:
        v = losses.clamp_min(self.eps)
        return v.sum() / (self.num_tasks * v)
