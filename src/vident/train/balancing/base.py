"""The balancer interface and registry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch import Tensor

from vident.registry import Registry


class Balancer:
    """Turns the per-task loss vector into the training objective.

    ``weights`` returns the λ it uses (constants: no gradient flows through them), so the trainer
    can log them; ``objective`` returns (Σ λ_i v_i, λ). ``end_epoch`` receives the epoch's mean
    unweighted task losses (for epoch-based methods such as DWA). ``state_dict`` holds everything
    needed for an exact resume.
    """

    def __init__(self, tasks: Sequence[str]) -> None:
        self.tasks = list(tasks)

    @property
    def num_tasks(self) -> int:
        return len(self.tasks)

    def weights(self, losses: Tensor) -> Tensor:
        raise AssertionError("subclasses define weights")  # pragma: no cover

    def objective(self, losses: Tensor) -> tuple[Tensor, Tensor]:
        w = self.weights(losses.detach()).to(losses.dtype)
        return (w * losses).sum(), w

    def end_epoch(self, mean_losses: Tensor) -> None:
        """Called once per epoch with the mean unweighted task losses; stateless by default."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` saved; nothing by default."""


BALANCERS: Registry[type[Balancer]] = Registry("balancer")


def build_balancer(
    name: str, tasks: Sequence[str], options: dict[str, Any] | None = None
) -> Balancer:
    """The balancer registered as ``name`` for these tasks, with its config options."""
    return BALANCERS.get(name)(tasks, **(options or {}))
